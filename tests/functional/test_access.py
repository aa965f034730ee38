"""Every assessment page checks who is asking: another country's assessment does not exist for
them, and only the roles that answer may post answers."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.models import Answer
from tests.conftest import World, csrf_from, login

PAGES = [
    "/en/assessments/{id}",
    "/en/assessments/{id}/sections/SEC",
    "/en/assessments/{id}/results",
    "/en/assessments/{id}/report.pdf",
]


@pytest.mark.parametrize("page", PAGES)
def test_another_countrys_assessment_is_not_found(
    client: FlaskClient, world: World, page: str
) -> None:
    login(client, world.other_focal.email)
    assert client.get(page.format(id=world.assessment.id)).status_code == 404


@pytest.mark.parametrize("who", ["focal", "contributor", "reviewer", "facilitator", "admin"])
def test_people_of_the_country_and_administrators_see_it(
    client: FlaskClient, world: World, who: str
) -> None:
    login(client, getattr(world, who).email)
    assert client.get(f"/en/assessments/{world.assessment.id}").status_code == 200
    results = client.get(f"/en/assessments/{world.assessment.id}/results").status_code
    # A peer reviewer rates blind: no government results until their own review is submitted.
    assert results == (403 if who == "reviewer" else 200)


def _post_answer(client: FlaskClient, assessment_id: int, section: str = "SEC") -> int:
    url = f"/en/assessments/{assessment_id}/sections/{section}"
    page = client.get(url)
    if page.status_code != 200:
        return page.status_code
    field = f"q_{section}_1_1"
    data = {
        "csrf_token": csrf_from(page.text),
        f"{field}-answer": "2",
        f"{field}-version": "0",
        f"{field}-original": "x",
    }
    return client.post(url, data=data).status_code


@pytest.mark.parametrize(
    ("who", "status"),
    # A blind reviewer is sent to their own review (302 away, nothing saved).
    [("focal", 302), ("contributor", 302), ("reviewer", 302), ("facilitator", 403)],
)
def test_only_answering_roles_post_answers(
    client: FlaskClient, world: World, session: Session, who: str, status: int
) -> None:
    login(client, getattr(world, who).email)
    assert _post_answer(client, world.assessment.id) == status
    saved = session.scalars(select(Answer)).all()
    assert len(saved) == (1 if who in ("focal", "contributor") else 0)


def test_cannot_post_into_another_countrys_assessment(
    client: FlaskClient, world: World, session: Session
) -> None:
    login(client, world.focal.email)
    page = client.get(f"/en/assessments/{world.assessment.id}/sections/SEC")
    response = client.post(
        f"/en/assessments/{world.other_assessment.id}/sections/SEC",
        data={
            "csrf_token": csrf_from(page.text),
            "q_SEC_1_1-answer": "4",
            "q_SEC_1_1-version": "0",
        },
    )
    assert response.status_code == 404
    assert session.scalars(select(Answer)).all() == []


def test_unknown_section_and_assessment_are_404(client: FlaskClient, world: World) -> None:
    login(client, world.focal.email)
    assert client.get(f"/en/assessments/{world.assessment.id}/sections/CTX").status_code == 404
    assert client.get(f"/en/assessments/{world.assessment.id}/sections/ZZZ").status_code == 404
    assert client.get("/en/assessments/999999").status_code == 404
    assert client.get("/en/assessments/-1").status_code == 404


def test_a_contributor_answers_only_assigned_sections(
    client: FlaskClient, world: World, session: Session
) -> None:
    login(client, world.contributor.email)
    assert _post_answer(client, world.assessment.id, "JUS") == 403  # assigned SEC only
    page = client.get(f"/en/assessments/{world.assessment.id}/sections/JUS")
    assert "Save this section" not in page.text
    response = client.post(
        f"/en/assessments/{world.assessment.id}/answers/JUS-1.1",
        json={"version": 0, "level": 3},
        headers={"X-CSRFToken": csrf_from(page.text)},
    )
    assert response.status_code == 403
    assert session.scalars(select(Answer)).all() == []
    assert _post_answer(client, world.assessment.id, "SEC") == 302
