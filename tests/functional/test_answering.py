"""A focal point answers section by section; answers are versioned, audited and never silently
overwritten; bad input loses nothing."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.models import Answer, AuditEntry, State
from tests.conftest import World, csrf_from, login

SECTION = "/en/assessments/{id}/sections/SEC"


def _form(html: str) -> dict[str, str]:
    """The hidden fields of the section form as the page shows them."""
    fields = dict(
        re.findall(r'<input[^>]*name="(q_[^"]+-(?:version|original))"[^>]*value="([^"]*)"', html)
    )
    fields["csrf_token"] = csrf_from(html)
    return fields


def _answers(session: Session) -> dict[str, Answer]:
    session.rollback()  # end the test's read snapshot so that it sees what the requests wrote
    return {a.question_id: a for a in session.scalars(select(Answer))}


def test_answer_a_section_and_see_it_saved(
    client: FlaskClient, world: World, session: Session
) -> None:
    login(client, world.focal.email)
    url = SECTION.format(id=world.assessment.id)
    page = client.get(url)
    assert "SEC-1.1" in page.text
    assert "Guidance" in page.text
    data = _form(page.text) | {
        "q_SEC_1_1-answer": "3",
        "q_SEC_1_1-confidence": "high",
        "q_SEC_1_1-evidence": "Committee report 2025",
        "q_SEC_1_2-answer": "not_applicable",
        "q_SEC_1_2-reason": "No intelligence service.",
        "q_SEC_1_3-value": "4",
        "q_SEC_2_3-answer": "partial",
    }
    response = client.post(url, data=data)
    assert response.status_code == 302
    answers = _answers(session)
    assert answers["SEC-1.1"].level == 3
    assert answers["SEC-1.1"].confidence == "high"
    assert answers["SEC-1.1"].evidence == "Committee report 2025"
    assert answers["SEC-1.1"].updated_by_id == world.focal.id
    assert answers["SEC-1.2"].status == "not_applicable"
    assert answers["SEC-1.2"].level is None
    assert answers["SEC-1.3"].value == "4"
    assert answers["SEC-2.3"].value == "partial"
    assert all(a.version == 1 for a in answers.values())
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "answer")).all()
    assert {e.object_id for e in audit} == {"SEC-1.1", "SEC-1.2", "SEC-1.3", "SEC-2.3"}
    assert all(e.user_id == world.focal.id for e in audit)

    # The page shows what was saved, and saving it back unchanged changes nothing.
    again = client.get(url)
    assert re.search(r'<input checked id="q_SEC_1_1-answer-3"[^>]*value="3"', again.text)
    assert client.post(url, data=_form(again.text)).status_code == 302
    assert _answers(session)["SEC-1.1"].version == 1


def test_changing_an_answer_bumps_its_version_and_audits_old_and_new(
    client: FlaskClient, world: World, session: Session
) -> None:
    login(client, world.focal.email)
    url = SECTION.format(id=world.assessment.id)
    client.post(url, data=_form(client.get(url).text) | {"q_SEC_1_1-answer": "1"})
    client.post(url, data=_form(client.get(url).text) | {"q_SEC_1_1-answer": "2"})
    answer = _answers(session)["SEC-1.1"]
    assert (answer.level, answer.version) == (2, 2)
    last = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "answer").order_by(AuditEntry.id.desc())
    ).first()
    assert last.old_value["level"] == 1
    assert last.new_value["level"] == 2


def test_a_stale_save_is_a_conflict_not_an_overwrite(
    client: FlaskClient, world: World, session: Session, app
) -> None:  # noqa: ANN001
    url = SECTION.format(id=world.assessment.id)
    login(client, world.focal.email)
    other = app.test_client()
    login(other, world.contributor.email)

    focal_page = client.get(url)  # both open the section before anyone saves
    contributor_page = other.get(url)
    assert (
        other.post(url, data=_form(contributor_page.text) | {"q_SEC_1_1-answer": "4"}).status_code
        == 302
    )
    response = client.post(url, data=_form(focal_page.text) | {"q_SEC_1_1-answer": "1"})
    assert response.status_code == 200
    assert "Someone else saved" in response.text
    assert "Carlos" in response.text  # who saved the value now stored
    answer = _answers(session)["SEC-1.1"]
    assert (answer.level, answer.version, answer.updated_by_id) == (4, 1, world.contributor.id)

    # Saving again from the conflict page is a deliberate choice and replaces the value.
    response = client.post(url, data=_form(response.text) | {"q_SEC_1_1-answer": "1"})
    assert response.status_code == 302
    answer = _answers(session)["SEC-1.1"]
    assert (answer.level, answer.version) == (1, 2)


def test_an_untouched_answer_does_not_clash_with_a_newer_save(
    client: FlaskClient, world: World, session: Session, app
) -> None:  # noqa: ANN001
    url = SECTION.format(id=world.assessment.id)
    login(client, world.focal.email)
    other = app.test_client()
    login(other, world.contributor.email)
    focal_page = client.get(url)
    other.post(url, data=_form(other.get(url).text) | {"q_SEC_1_1-answer": "4"})
    # The focal point answers a different question; SEC-1.1 was left as shown.
    response = client.post(url, data=_form(focal_page.text) | {"q_SEC_2_1-answer": "2"})
    assert response.status_code == 302
    answers = _answers(session)
    assert answers["SEC-1.1"].level == 4
    assert answers["SEC-2.1"].level == 2


def test_invalid_input_saves_nothing_and_keeps_what_was_typed(
    client: FlaskClient, world: World, session: Session
) -> None:
    login(client, world.focal.email)
    url = SECTION.format(id=world.assessment.id)
    data = _form(client.get(url).text) | {
        "q_SEC_1_1-answer": "3",
        "q_SEC_1_2-answer": "unknown",  # needs a reason
        "q_SEC_1_1-evidence": "My long evidence note",
    }
    response = client.post(url, data=data)
    assert response.status_code == 200
    assert "say why the question is not applicable" in response.text
    assert "My long evidence note" in response.text
    assert _answers(session) == {}


def test_out_of_range_and_foreign_values_are_refused(
    client: FlaskClient, world: World, session: Session
) -> None:
    login(client, world.focal.email)
    url = SECTION.format(id=world.assessment.id)
    for field, value in (
        ("q_SEC_1_1-answer", "7"),
        ("q_SEC_2_3-answer", "maybe"),
        ("q_SEC_1_3-value", "-3"),
        ("q_SEC_1_3-value", "nan"),
    ):
        response = client.post(url, data=_form(client.get(url).text) | {field: value})
        assert response.status_code == 200, (field, value)
    assert _answers(session) == {}


def test_hostile_text_is_escaped_on_the_page(client: FlaskClient, world: World) -> None:
    login(client, world.focal.email)
    url = SECTION.format(id=world.assessment.id)
    hostile = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
    client.post(
        url,
        data=_form(client.get(url).text) | {"q_SEC_1_1-answer": "2", "q_SEC_1_1-evidence": hostile},
    )
    page = client.get(url).text
    assert "<script>alert(2)" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page


def _answer_all(session: Session, world: World, app) -> None:  # noqa: ANN001
    framework = app.extensions["frameworks"].current
    for domain in framework.answerable_domains:
        for question in (q for i in domain.indicators for q in i.questions):
            session.add(
                Answer(
                    assessment_id=world.assessment.id,
                    question_id=question.id,
                    status="unknown",
                    reason="Not collected yet.",
                    updated_by_id=world.focal.id,
                )
            )
    session.commit()


def _submit(client: FlaskClient, world: World) -> str:
    overview = client.get(f"/en/assessments/{world.assessment.id}")
    response = client.post(
        f"/en/assessments/{world.assessment.id}/transitions/submit",
        data={"csrf_token": csrf_from(overview.text)},
        follow_redirects=True,
    )
    return response.text


def _state(session: Session, world: World) -> str:
    session.rollback()
    session.refresh(world.assessment)
    return world.assessment.state


def test_submission_lists_what_is_missing_and_refuses(
    client: FlaskClient, world: World, session: Session
) -> None:
    login(client, world.focal.email)
    overview = client.get(f"/en/assessments/{world.assessment.id}").text
    assert "question(s) are still unanswered" in overview
    assert f'href="/en/assessments/{world.assessment.id}/sections/SEC#SEC-1.1"' in overview
    page = _submit(client, world)
    assert "Not submitted:" in page
    assert _state(session, world) == State.DRAFT


def test_submitting_locks_the_assessment(
    client: FlaskClient, world: World, session: Session, app
) -> None:  # noqa: ANN001
    _answer_all(session, world, app)
    contributor = app.test_client()
    login(contributor, world.contributor.email)
    _submit(contributor, world)  # a contributor may not submit
    assert _state(session, world) == State.DRAFT
    login(client, world.focal.email)
    page = _submit(client, world)
    assert "The assessment is now: submitted." in page
    assert _state(session, world) == State.SUBMITTED
    url = SECTION.format(id=world.assessment.id)
    page = client.get(url)
    assert "Save this section" not in page.text
    response = client.post(url, data={"csrf_token": csrf_from(page.text), "q_SEC_1_1-answer": "4"})
    assert response.status_code == 403
    assert _answers(session)["SEC-1.1"].status == "unknown"  # unchanged


def test_focal_point_opens_a_new_cycle_once(client: FlaskClient, world: World) -> None:
    login(client, world.focal.email)
    home = client.get("/en/")
    data = {"csrf_token": csrf_from(home.text), "country_id": str(world.home.id), "cycle": "2030"}
    response = client.post("/en/assessments/new", data=data)
    assert response.status_code == 302
    assert "2030" in client.get(response.headers["Location"]).text
    again = client.post("/en/assessments/new", data=data, follow_redirects=True)
    assert "already exists" in again.text


def test_a_focal_point_cannot_open_for_another_country(client: FlaskClient, world: World) -> None:
    login(client, world.focal.email)
    home = client.get("/en/")
    response = client.post(
        "/en/assessments/new",
        data={
            "csrf_token": csrf_from(home.text),
            "country_id": str(world.other.id),
            "cycle": "2030",
        },
    )
    assert response.status_code == 404


def test_free_text_keeps_the_language_it_was_written_in(
    client: FlaskClient, world: World, session: Session
) -> None:
    login(client, world.focal.email)
    french = f"/fr/assessments/{world.assessment.id}/sections/SEC"
    client.post(
        french,
        data=_form(client.get(french).text)
        | {"q_SEC_1_1-answer": "2", "q_SEC_1_1-evidence": "Rapport annuel de la commission"},
    )
    answer = _answers(session)["SEC-1.1"]
    assert answer.text_language == "fr"
    english = client.get(SECTION.format(id=world.assessment.id)).text
    assert "Rapport annuel de la commission" in english  # shown as written, never translated
    assert "The text of this answer was written in Français." in english
    # Changing only the level from an English page keeps the text's language.
    client.post(
        SECTION.format(id=world.assessment.id),
        data=_form(english)
        | {"q_SEC_1_1-answer": "3", "q_SEC_1_1-evidence": "Rapport annuel de la commission"},
    )
    answer = _answers(session)["SEC-1.1"]
    assert (answer.level, answer.text_language) == (3, "fr")
