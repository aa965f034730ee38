"""Autosave: versions, conflicts, replays, and random interleavings of two people that must
never lose an acknowledged answer."""

from __future__ import annotations

import random

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessment.models import Answer, AuditEntry
from tests.conftest import World, csrf_from, login


def _client(app: Flask, email: str) -> tuple[FlaskClient, str]:
    client = app.test_client()
    login(client, email)
    token = csrf_from(client.get("/en/").text)
    return client, token


def save(client: FlaskClient, token: str, assessment_id: int, question: str, **body: object):  # noqa: ANN201
    return client.post(
        f"/en/assessments/{assessment_id}/answers/{question}",
        json=body,
        headers={"X-CSRFToken": token},
    )


def _stored(session: Session, question: str = "SEC-1.1") -> Answer | None:
    session.rollback()
    return session.scalar(select(Answer).where(Answer.question_id == question))


def test_save_then_stale_save_gets_409_with_the_stored_value(
    app: Flask, world: World, session: Session
) -> None:
    focal, focal_token = _client(app, world.focal.email)
    contributor, contributor_token = _client(app, world.contributor.email)
    first = save(
        focal,
        focal_token,
        world.assessment.id,
        "SEC-1.1",
        version=0,
        level=2,
        confidence="high",
        operation_id="op-focal-0001",
    )
    assert first.status_code == 200
    assert first.get_json()["version"] == 1
    stale = save(
        contributor,
        contributor_token,
        world.assessment.id,
        "SEC-1.1",
        version=0,
        level=4,
        operation_id="op-contrib-0001",
    )
    assert stale.status_code == 409
    body = stale.get_json()
    assert body["current"]["level"] == 2
    assert body["version"] == 1
    assert body["updated_by"] == "Fatima Focal"
    assert body["updated_at"]
    assert _stored(session).level == 2
    fresh = save(
        contributor,
        contributor_token,
        world.assessment.id,
        "SEC-1.1",
        version=1,
        level=4,
        operation_id="op-contrib-0002",
    )
    assert fresh.get_json()["version"] == 2
    assert _stored(session).level == 4


def test_a_retried_operation_is_applied_once(app: Flask, world: World, session: Session) -> None:
    focal, token = _client(app, world.focal.email)
    for _attempt in range(3):
        response = save(
            focal,
            token,
            world.assessment.id,
            "SEC-1.1",
            version=0,
            level=3,
            operation_id="op-retried-0001",
        )
        assert response.status_code == 200
        assert response.get_json()["version"] == 1
    assert _stored(session).version == 1
    audits = session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "answer")
    )
    assert audits == 1
    replay = save(
        focal,
        token,
        world.assessment.id,
        "SEC-1.1",
        version=0,
        level=3,
        operation_id="op-retried-0001",
    )
    assert replay.get_json()["replayed"] is True


@pytest.mark.parametrize(
    ("question", "body", "status"),
    [
        ("SEC-1.1", {"version": 0, "level": 7}, 422),  # out of range
        ("SEC-1.1", {"version": 0, "level": "high"}, 422),
        ("SEC-1.1", {"version": 0, "status": "unknown"}, 422),  # no reason
        ("SEC-1.1", {"version": 0, "level": 2, "operation_id": "x"}, 422),  # malformed op id
        ("SEC-1.1", {"version": 5, "level": 2}, 422),  # a version that never existed
        ("SEC-99.1", {"version": 0, "level": 2}, 404),  # forged question id
        ("SEC-1.3", {"version": 0, "value": "many"}, 422),  # not a number
        ("SEC-1.1", {"version": 0, "level": 2, "reason": ["not", "text"]}, 422),
    ],
)
def test_bad_autosaves_are_refused_and_change_nothing(
    app: Flask, world: World, session: Session, question: str, body: dict, status: int
) -> None:
    focal, token = _client(app, world.focal.email)
    response = save(focal, token, world.assessment.id, question, **body)
    assert response.status_code == status
    assert response.get_json()["error"]
    assert _stored(session, question) is None


def test_autosave_needs_the_csrf_token_and_a_json_object(app: Flask, world: World) -> None:
    focal, token = _client(app, world.focal.email)
    url = f"/en/assessments/{world.assessment.id}/answers/SEC-1.1"
    assert focal.post(url, json={"version": 0, "level": 2}).status_code == 400
    response = focal.post(
        url, data="[1, 2]", content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 400


def test_two_people_interleaved_never_lose_an_acknowledged_answer(
    app: Flask, world: World, session: Session
) -> None:
    """Random interleavings: every acknowledged save becomes the stored value until someone who
    had seen it saves over it; every save from an out-of-date version gets 409, never a silent
    overwrite."""
    people = [_client(app, world.focal.email), _client(app, world.contributor.email)]
    rng = random.Random(20261122)
    known = [0, 0]  # the version each person last saw
    stored_version, stored_level = 0, None
    for step in range(120):
        who = rng.randrange(2)
        if rng.random() < 0.3:  # this person reloads the page and sees the current version
            known[who] = stored_version
            continue
        level = rng.randrange(5)
        client, token = people[who]
        response = save(
            client,
            token,
            world.assessment.id,
            "SEC-2.1",
            version=known[who],
            level=level,
            operation_id=f"op-{step:04d}-{who}",
        )
        same = stored_level == level
        if known[who] == stored_version or (same and stored_version):
            assert response.status_code == 200, (step, response.get_json())
            if not same or stored_version == 0:
                stored_version += 1
            stored_level = level
            known[who] = response.get_json()["version"]
            assert known[who] == stored_version
        else:
            assert response.status_code == 409, (step, response.get_json())
            assert response.get_json()["current"]["level"] == stored_level
            known[who] = response.get_json()["version"]
        answer = _stored(session, "SEC-2.1")
        assert (answer.level, answer.version) == (stored_level, stored_version)
