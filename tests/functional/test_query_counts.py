"""The number of SQL statements a page runs must not grow with the data behind it: the same
page with one object and with many runs the same statements (no N+1 queries)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.orm import Session

from assessment.models import (
    Action,
    Answer,
    Assessment,
    AuditEntry,
    Comment,
    Country,
    EvidenceFile,
    Membership,
    Review,
    ReviewRating,
    Role,
    State,
    User,
    ValidatedScore,
    utcnow,
)
from assessment.services.accounts import create_user
from tests.conftest import World, login

MANY = 7


def statements(app: Flask, client: FlaskClient, url: str) -> int:
    """How many statements serving `url` ran (after one warm-up request)."""
    engine = app.extensions["database"].engine
    assert client.get(url).status_code == 200
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200, url
    return len(seen)


def _framework(app: Flask):  # noqa: ANN202
    registry = app.extensions["frameworks"]
    return registry.get(registry.current_version)


def _questions(app: Flask, domain: str = "SEC") -> list:
    return [q for i in _framework(app).domain(domain).indicators for q in i.questions]


def add_assessments(session: Session, world: World, n: int, start: int) -> None:
    """n more assessments of both countries, on their own areas."""
    version = world.assessment.framework_version
    for k in range(start, start + n):
        for country in (world.home, world.other):
            session.add(
                Assessment(
                    country_id=country.id,
                    cycle="2026",
                    area=f"Area {k}",
                    framework_version=version,
                    state=State.DRAFT.value,
                )
            )
    session.commit()


def add_section_content(app: Flask, session: Session, world: World, n: int) -> None:
    """Answers, comments, files and history on the first n questions of the SEC section."""
    now = utcnow()
    for k, question in enumerate(_questions(app)[:n]):
        if question.type.value == "scale":
            answer = Answer(assessment_id=world.assessment.id, question_id=question.id, level=2)
        else:
            answer = Answer(assessment_id=world.assessment.id, question_id=question.id, value="yes")
        answer.updated_by_id = world.contributor.id
        answer.confidence = "low"
        answer.evidence = f"Decree {k}"
        session.add(answer)
        author = (world.focal, world.contributor, world.facilitator)[k % 3]
        root = Comment(
            assessment_id=world.assessment.id,
            question_id=question.id,
            author_id=author.id,
            body=f"Comment {k}",
        )
        session.add(root)
        session.flush()
        session.add(
            Comment(
                assessment_id=world.assessment.id,
                question_id=question.id,
                parent_id=root.id,
                author_id=world.focal.id,
                body="Reply",
            )
        )
        session.add(
            EvidenceFile(
                assessment_id=world.assessment.id,
                question_id=question.id,
                original_name=f"file-{k}.pdf",
                stored_name=f"{k:032x}",
                content_type="application/pdf",
                size=10,
                sha256="0" * 64,
                uploaded_by_id=author.id,
            )
        )
        session.add(
            AuditEntry(
                at=now + timedelta(seconds=k),
                user_id=author.id,
                assessment_id=world.assessment.id,
                action="answer",
                object_type="answer",
                object_id=question.id,
                question_id=question.id,
            )
        )
    session.commit()


def add_reviews_and_outcomes(app: Flask, session: Session, world: World, n: int, start: int):  # noqa: ANN201
    framework = _framework(app)
    scored = [q for q in framework.questions if q.scored]
    for k in range(start, start + n):
        reviewer = create_user(
            session,
            f"reviewer{k}@count.example",
            f"Reviewer {k}",
            "long enough password",
            country=world.home,
            role=Role.PEER_REVIEWER,
        )
        review = Review(
            assessment_id=world.assessment.id,
            reviewer_id=reviewer.id,
            organisation=f"Organisation {k}",
            submitted_at=utcnow(),
        )
        session.add(review)
        session.flush()
        session.add_all(
            ReviewRating(review_id=review.id, question_id=q.id, level=(k + j) % 5)
            for j, q in enumerate(scored[:20])
        )
    for k, indicator in enumerate(framework.indicators[start : start + n]):
        session.add(
            ValidatedScore(
                assessment_id=world.assessment.id,
                indicator_id=indicator.id,
                outcome="validated",
                level=k % 5,
                note="Agreed",
            )
        )
        session.add(
            Action(
                assessment_id=world.assessment.id,
                title=f"Action {k}",
                owner="Ministry",
                indicator_ids=[indicator.id],
            )
        )
    session.commit()


def add_countries(session: Session, n: int, start: int) -> None:
    codes = [f"Q{c}" for c in "MNOPQRSTUVWXYZ"]
    for k in range(start, start + n):
        country = Country(iso_code=codes[k], name=f"Country {k}", shares_results=True)
        session.add(country)
        session.flush()
        session.add(Assessment(country_id=country.id, cycle="2026", framework_version="1.0.0"))
        create_user(
            session,
            f"person{k}@count.example",
            f"Person {k}",
            "long enough password",
            country=country,
            role=Role.FOCAL_POINT,
        )
    session.commit()


Grow = Callable[[Flask, Session, World, int, int], None]


def _grow_assessments(app: Flask, session: Session, world: World, n: int, start: int) -> None:
    add_assessments(session, world, n, start)


def _grow_section(app: Flask, session: Session, world: World, n: int, start: int) -> None:
    session.query(Answer).delete()
    session.query(Comment).delete()
    session.query(EvidenceFile).delete()
    session.query(AuditEntry).delete()
    session.commit()
    add_section_content(app, session, world, start + n)


def _grow_reviews(app: Flask, session: Session, world: World, n: int, start: int) -> None:
    add_reviews_and_outcomes(app, session, world, n, start)


def _grow_countries(app: Flask, session: Session, world: World, n: int, start: int) -> None:
    add_countries(session, n, start)


PAGES = [
    ("home, administrator", "admin", "/en/", _grow_assessments),
    ("home, focal point", "focal", "/en/", _grow_assessments),
    ("administration", "admin", "/en/admin/", _grow_countries),
    ("regional overview", "admin", "/en/admin/overview", _grow_countries),
    ("overview", "focal", "/en/assessments/{a}", _grow_section),
    ("section page", "focal", "/en/assessments/{a}/sections/SEC", _grow_section),
    ("section page, contributor", "contributor", "/en/assessments/{a}/sections/SEC", _grow_section),
    ("history", "focal", "/en/assessments/{a}/history", _grow_section),
    ("results dashboard", "focal", "/en/assessments/{a}/results", _grow_section),
    ("results dashboard, reviews", "focal", "/en/assessments/{a}/results", _grow_reviews),
    ("scores.json, reviews", "focal", "/en/assessments/{a}/scores.json", _grow_reviews),
    ("action plan", "focal", "/en/assessments/{a}/actions", _grow_reviews),
]


@pytest.mark.parametrize(("name", "who", "url", "grow"), PAGES, ids=[p[0] for p in PAGES])
def test_statements_per_page_do_not_grow_with_the_data(
    app: Flask,
    client: FlaskClient,
    session: Session,
    world: World,
    name: str,
    who: str,
    url: str,
    grow: Grow,
) -> None:
    login(client, getattr(world, who).email)
    address = url.format(a=world.assessment.id)
    grow(app, session, world, 1, 0)
    with_one = statements(app, client, address)
    grow(app, session, world, MANY, 1)
    with_many = statements(app, client, address)
    assert with_many == with_one, f"{name}: {with_one} statements with one, {with_many} with many"


def test_the_list_of_assessments_is_paged(
    app: Flask, client: FlaskClient, session: Session, world: World
) -> None:
    add_assessments(session, world, 30, 0)  # 60 more, 62 in all
    login(client, world.admin.email)
    first = client.get("/en/").text
    assert first.count("/results") == 50
    assert "1 / 2" in first
    second = client.get("/en/?page=2").text
    assert second.count("/results") == 12
    assert "2 / 2" in second
    beyond = client.get("/en/?page=99").text  # past the end: the last page
    assert "2 / 2" in beyond
    # A focal point sees only their country's, on one page.
    focal = app.test_client()
    login(focal, world.focal.email)
    assert focal.get("/en/").text.count("/results") == 31


def add_people(session: Session, world: World, n: int, start: int) -> None:
    """n more accounts, each a contributor of the home country (no password: never logged in)."""
    for k in range(start, start + n):
        user = User(email=f"member{k:03d}@many.example", name=f"Member {k:03d}", password_hash="-")
        session.add(user)
        session.flush()
        session.add(Membership(user_id=user.id, country_id=world.home.id, role="contributor"))
    session.commit()


def test_the_people_list_is_paged_and_searchable(
    app: Flask, client: FlaskClient, session: Session, world: World
) -> None:
    add_people(session, world, 60, 0)
    login(client, world.admin.email)
    first = client.get("/en/admin/").text
    shown = first.count('name="action" value="membership"')
    assert shown == 50
    assert "1 / 2" in first
    second = client.get("/en/admin/?page=2").text
    total = session.query(User).count()
    assert second.count('name="action" value="membership"') == total - 50
    # Part of a name or an address finds the account on any page, whatever its case.
    found = client.get("/en/admin/?q=MEMBER 059").text
    assert found.count('name="action" value="membership"') == 1
    assert "member059@many.example" in found
    assert client.get("/en/admin/?q=%25").text.count('value="membership"') == 0  # % is literal
    assert "No account matches." in client.get("/en/admin/?q=nobody-here").text


def test_the_people_list_runs_the_same_statements_with_more_people(
    app: Flask, client: FlaskClient, session: Session, world: World
) -> None:
    login(client, world.admin.email)
    add_people(session, world, 1, 0)
    with_one = statements(app, client, "/en/admin/")
    add_people(session, world, MANY, 1)
    assert statements(app, client, "/en/admin/") == with_one
