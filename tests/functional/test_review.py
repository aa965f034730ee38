"""Peer review and the validation workshop: every rule and every refusal."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.models import (
    Answer,
    Assessment,
    AuditEntry,
    Review,
    ReviewRating,
    Role,
    State,
    ValidatedScore,
    utcnow,
)
from assessment.services.accounts import create_user
from tests.conftest import PASSWORD, World, csrf_from, login


def _fresh(session: Session, world: World) -> Assessment:
    session.rollback()
    session.expire_all()
    return session.get(Assessment, world.assessment.id)


def _set_state(session: Session, world: World, state: State) -> None:
    assessment = _fresh(session, world)
    assessment.state = state.value
    session.commit()


def _token(client: FlaskClient) -> str:
    return csrf_from(client.get("/en/").text)


def _government_answers(session: Session, world: World, app: Flask, level: int) -> None:
    framework = app.extensions["frameworks"].current
    for question in framework.questions:
        if framework.indicator_of(question.id).id.startswith(("SEC", "JUS", "INC", "CIT", "ARC")):
            session.add(
                Answer(
                    assessment_id=world.assessment.id,
                    question_id=question.id,
                    level=level if question.scored else None,
                    value=None if question.scored else "1",
                    confidence="high",
                    comment="The committee met twelve times.",
                    evidence="https://parliament.example/reports",
                    updated_by_id=world.focal.id,
                )
            )
    session.commit()


def _review(
    session: Session,
    world: World,
    reviewer_id: int,
    organisation: str,
    level: int,
    app: Flask,
    *,
    submitted: bool = True,
    skip: str | None = None,
) -> Review:
    framework = app.extensions["frameworks"].current
    review = Review(
        assessment_id=world.assessment.id,
        reviewer_id=reviewer_id,
        organisation=organisation,
        submitted_at=utcnow() if submitted else None,
    )
    session.add(review)
    session.flush()
    for question in framework.questions:
        if question.scored and question.id != skip:
            session.add(
                ReviewRating(
                    review_id=review.id,
                    question_id=question.id,
                    level=level,
                    confidence="medium",
                    justification=f"{organisation} saw it",
                )
            )
    session.commit()
    return review


def _second_reviewer(session: Session, world: World) -> int:
    user = create_user(
        session,
        "second@csos.example",
        "Samir Second",
        PASSWORD,
        country=world.home,
        role=Role.PEER_REVIEWER,
    )
    session.commit()
    return user.id


def test_the_focal_point_invites_reviewers_once_each(
    client: FlaskClient, world: World, session: Session, app: Flask
) -> None:
    login(client, world.focal.email)
    url = f"/en/assessments/{world.assessment.id}/reviews"
    data = {
        "csrf_token": csrf_from(client.get(url).text),
        "email": world.reviewer.email,
        "organisation": "Human Rights League",
    }
    client.post(url, data=data)
    again = client.post(url, data=data, follow_redirects=True)
    assert "already has a review" in again.text
    new = client.post(
        url,
        data=data
        | {
            "email": "ngo@coalition.example",
            "name": "Ngozi",
            "organisation": "Coalition for Peace",
        },
    )
    assert "/invitation/" in new.text  # a new reviewer account gets its link
    session.rollback()
    reviews = session.scalars(select(Review).order_by(Review.id)).all()
    assert [r.organisation for r in reviews] == ["Human Rights League", "Coalition for Peace"]
    contributor = app.test_client()
    login(contributor, world.contributor.email)
    assert contributor.get(url).status_code == 403


def test_reviewers_rate_only_during_peer_review_and_never_touch_government_answers(
    client: FlaskClient, world: World, session: Session, app: Flask
) -> None:
    _government_answers(session, world, app, level=3)
    _review(session, world, world.reviewer.id, "League", 1, app, submitted=False, skip="SEC-1.1")
    login(client, world.reviewer.email)
    url = f"/en/assessments/{world.assessment.id}/review/SEC"
    form = {
        "csrf_token": _token(client),
        "SEC-1.1-answer": "0",
        "SEC-1.1-justification": "No hearings were held.",
        "SEC-1.1-confidence": "high",
    }
    assert client.post(url, data=form).status_code == 403  # the assessment is still a draft
    _set_state(session, world, State.PEER_REVIEW)
    assert client.post(url, data=form).status_code == 302
    session.rollback()
    rating = session.scalar(select(ReviewRating).where(ReviewRating.question_id == "SEC-1.1"))
    assert (rating.level, rating.justification) == (0, "No hearings were held.")
    government = session.scalar(select(Answer).where(Answer.question_id == "SEC-1.1"))
    assert government.level == 3  # untouched
    # The reviewer cannot write government answers either.
    autosave = client.post(
        f"/en/assessments/{world.assessment.id}/answers/SEC-1.1",
        json={"version": 1, "level": 0},
        headers={"X-CSRFToken": _token(client)},
    )
    assert autosave.status_code == 403


def test_blind_review_hides_the_government_until_the_review_is_submitted(
    client: FlaskClient, world: World, session: Session, app: Flask
) -> None:
    _government_answers(session, world, app, level=3)
    _set_state(session, world, State.PEER_REVIEW)
    _review(session, world, world.reviewer.id, "League", 1, app, submitted=False, skip="SEC-1.1")
    login(client, world.reviewer.email)
    results = f"/en/assessments/{world.assessment.id}/results"
    assert client.get(results).status_code == 403
    section = client.get(f"/en/assessments/{world.assessment.id}/sections/SEC")
    assert section.status_code == 302  # sent to their own review
    review_page = client.get(f"/en/assessments/{world.assessment.id}/review").text
    submit = f"/en/assessments/{world.assessment.id}/review/submit"
    refused = client.post(
        submit, data={"csrf_token": csrf_from(review_page)}, follow_redirects=True
    )
    assert "Not submitted" in refused.text  # SEC-1.1 is not rated yet
    client.post(
        f"/en/assessments/{world.assessment.id}/review/SEC",
        data={
            "csrf_token": csrf_from(review_page),
            "SEC-1.1-answer": "unknown",
            "SEC-1.1-reason": "The committee's minutes are not public.",
        },
    )
    done = client.post(submit, data={"csrf_token": csrf_from(review_page)}, follow_redirects=True)
    assert "Your review is submitted" in done.text
    assert client.get(results).status_code == 200
    # Once submitted the review is final.
    late = client.post(
        f"/en/assessments/{world.assessment.id}/review/SEC",
        data={"csrf_token": csrf_from(review_page), "SEC-1.2-answer": "4"},
    )
    assert late.status_code == 403


def test_an_open_review_shows_the_government_while_rating(
    client: FlaskClient, world: World, session: Session, app: Flask
) -> None:
    _set_state(session, world, State.PEER_REVIEW)
    _review(session, world, world.reviewer.id, "League", 1, app, submitted=False)
    assessment = _fresh(session, world)
    assessment.blind_review = False
    session.commit()
    login(client, world.reviewer.email)
    assert client.get(f"/en/assessments/{world.assessment.id}/results").status_code == 200


def test_peer_rating_is_the_median_and_divergence_is_listed(
    client: FlaskClient, world: World, session: Session, app: Flask
) -> None:
    _government_answers(session, world, app, level=4)
    second = _second_reviewer(session, world)
    _review(session, world, world.reviewer.id, "League", 1, app)
    _review(session, world, second, "Coalition", 2, app)
    _set_state(session, world, State.VALIDATION)
    login(client, world.facilitator.email)
    page = client.get(f"/en/assessments/{world.assessment.id}/divergence").text
    assert "G 4 · P 1.5" in page  # the median of 1 and 2, two levels and more from G
    assert "(reviewers: 1, 2)" in page
    assert "League saw it" in page and "Coalition saw it" in page
    assert "The committee met twelve times." in page  # the government's side beside them
    assert 'href="https://parliament.example/reports" rel="noopener noreferrer nofollow"' in page


def test_the_workshop_settles_every_contested_indicator_before_validation(
    client: FlaskClient, world: World, session: Session, app: Flask
) -> None:
    _government_answers(session, world, app, level=4)
    _review(session, world, world.reviewer.id, "League", 1, app)
    _set_state(session, world, State.VALIDATION)
    framework = app.extensions["frameworks"].current
    contested = [i.id for i in framework.indicators]  # G 4 against P 1 everywhere
    login(client, world.facilitator.email)
    overview = f"/en/assessments/{world.assessment.id}"
    token = csrf_from(client.get(overview).text)
    refused = client.post(
        f"{overview}/transitions/validate", data={"csrf_token": token}, follow_redirects=True
    )
    assert f"{len(contested)} contested indicator(s)" in refused.text
    first, *rest = contested
    url = f"{overview}/workshop/{first}"
    view = client.get(url).text
    assert "League" in view and "Government" in view
    response = client.post(
        url,
        data={
            "csrf_token": token,
            "outcome": "validated",
            "level": "2",
            "note": "Agreed: the committee exists but rarely acts.",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/workshop/{rest[0]}")  # on to the next
    for indicator_id in rest:
        client.post(
            f"{overview}/workshop/{indicator_id}",
            data={
                "csrf_token": token,
                "outcome": "disagreement",
                "note": "Each side keeps its view.",
            },
        )
    session.rollback()
    outcomes = {v.indicator_id: v for v in session.scalars(select(ValidatedScore))}
    assert outcomes[first].level == 2 and outcomes[rest[0]].outcome == "disagreement"
    # V is now the current score of the first indicator, for results and reports.
    from assessment.services.assessments import score

    with app.app_context():
        result = score(session, framework, _fresh(session, world))
    assert result.indicator(first).validated == 2
    assert result.indicator(first).current == 2.0
    assert result.indicator(rest[0]).current == 1.0  # a disagreement leaves the lower rating
    client.post(f"{overview}/transitions/validate", data={"csrf_token": token})
    assert _fresh(session, world).state == State.VALIDATED
    actions = [e.action for e in session.scalars(select(AuditEntry))]
    assert actions.count("validate") == len(contested) + 1  # each outcome, and the transition


def test_outcomes_need_a_note_a_level_and_the_facilitator(
    client: FlaskClient, world: World, session: Session, app: Flask
) -> None:
    _government_answers(session, world, app, level=4)
    _review(session, world, world.reviewer.id, "League", 1, app)
    _set_state(session, world, State.VALIDATION)
    url = f"/en/assessments/{world.assessment.id}/workshop/SEC-1"
    login(client, world.facilitator.email)
    token = _token(client)
    client.post(url, data={"csrf_token": token, "outcome": "validated", "note": "no level"})
    client.post(
        url,
        data={"csrf_token": token, "outcome": "validated", "level": "9", "note": "out of range"},
    )
    client.post(url, data={"csrf_token": token, "outcome": "disagreement", "note": ""})
    focal = app.test_client()
    login(focal, world.focal.email)
    assert (
        focal.post(
            url,
            data={
                "csrf_token": _token(focal),
                "outcome": "validated",
                "level": "4",
                "note": "mine",
            },
        ).status_code
        == 403
    )
    session.rollback()
    assert session.scalars(select(ValidatedScore)).all() == []


def test_a_person_of_another_country_cannot_be_a_reviewer(
    client: FlaskClient, world: World
) -> None:
    login(client, world.focal.email)
    url = f"/en/assessments/{world.assessment.id}/reviews"
    page = client.post(
        url,
        data={
            "csrf_token": csrf_from(client.get(url).text),
            "email": world.other_focal.email,
            "organisation": "X",
        },
        follow_redirects=True,
    )
    assert "Not invited" in page.text
