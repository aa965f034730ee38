"""The JSON API: personal tokens (made in the profile, shown once, stored hashed, scoped,
revocable), the autosave rules for writes, the web pages' access checks, error bodies, rate
limits, and a gap report requested, polled and downloaded."""

from __future__ import annotations

import hashlib

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.models import Answer, ApiToken, AuditEntry
from assessment.services import tokens
from tests.conftest import World, csrf_from, login


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _token(session: Session, user, scope: str = "write") -> str:  # noqa: ANN001
    return tokens.create(session, user, f"{scope} token", scope).secret


def test_a_token_made_in_the_profile_is_shown_once_stored_hashed_and_revocable(
    client: FlaskClient, world: World, session: Session
) -> None:
    login(client, world.focal.email)
    page = client.get("/en/profile")
    assert page.status_code == 200 and "API tokens" in page.text
    made = client.post(
        "/en/profile/tokens",
        data={"name": "Statistics office", "scope": "read", "csrf_token": csrf_from(page.text)},
    )
    assert made.status_code == 200 and made.mimetype == "text/html"
    assert made.headers["Cache-Control"] == "no-store"
    secret = made.text.split('id="new-token">')[1].split("<")[0]
    assert secret.startswith("spa_") and len(secret) > 40
    session.rollback()
    record = session.scalar(select(ApiToken))
    assert record.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in record.token_hash and record.scope == "read"
    # Shown once: the list afterwards names the token but never shows it again.
    again = client.get("/en/profile")
    assert "Statistics office" in again.text and secret not in again.text

    api = client.application.test_client()  # no cookie: the token alone
    me = api.get("/api/v1/me", headers=bearer(secret))
    assert me.status_code == 200
    assert me.get_json() == {
        "id": world.focal.id,
        "name": world.focal.name,
        "email": world.focal.email,
        "is_admin": False,
        "auth": "token",
        "scope": "read",
    }
    session.rollback()
    assert session.get(ApiToken, record.id).last_used_at is not None
    assert "Set-Cookie" not in me.headers

    revoke = client.post(
        f"/en/profile/tokens/{record.id}/revoke", data={"csrf_token": csrf_from(again.text)}
    )
    assert revoke.status_code == 302
    refused = api.get("/api/v1/me", headers=bearer(secret))
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "invalid_token"


def test_one_cannot_revoke_another_persons_token(
    client: FlaskClient, world: World, session: Session
) -> None:
    theirs = tokens.create(session, world.other_focal, "theirs", "write")
    login(client, world.focal.email)
    page = client.get("/en/profile")
    response = client.post(
        f"/en/profile/tokens/{theirs.record.id}/revoke",
        data={"csrf_token": csrf_from(page.text)},
    )
    assert response.status_code == 404
    assert client.get("/api/v1/me", headers=bearer(theirs.secret)).status_code == 200


def test_errors_are_json_with_a_code_and_a_message(client: FlaskClient, world: World) -> None:
    for response, status, code in [
        (client.get("/api/v1/assessments"), 401, "unauthorized"),
        (client.get("/api/v1/me", headers={"Authorization": "Basic abc"}), 401, "invalid_token"),
        (client.get("/api/v1/me", headers=bearer("spa_forged")), 401, "invalid_token"),
        (client.get("/api/v1/no-such-thing"), 404, "not_found"),
        (client.delete("/api/v1/assessments"), 405, "method_not_allowed"),
    ]:
        assert response.status_code == status
        assert response.is_json
        assert response.get_json()["error"]["code"] == code
        assert response.get_json()["error"]["message"]


def test_a_read_token_cannot_write(client: FlaskClient, world: World, session: Session) -> None:
    secret = _token(session, world.focal, "read")
    url = f"/api/v1/assessments/{world.assessment.id}/answers/SEC-1.1"
    response = client.put(url, json={"version": 0, "level": 2}, headers=bearer(secret))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "insufficient_scope"
    session.rollback()
    assert session.scalar(select(Answer)) is None


def test_writes_follow_the_autosave_rules(
    client: FlaskClient, world: World, session: Session
) -> None:
    focal = bearer(_token(session, world.focal))
    contributor = bearer(_token(session, world.contributor))
    url = f"/api/v1/assessments/{world.assessment.id}/answers/SEC-1.1"
    first = client.put(
        url, json={"version": 0, "level": 2, "operation_id": "api-op-0001"}, headers=focal
    )
    assert first.status_code == 200, first.text
    assert first.get_json() == {
        "question": "SEC-1.1",
        "version": 1,
        "saved": True,
        "replayed": False,
    }
    # A retry of the same operation is answered as before and not applied again.
    retry = client.put(
        url, json={"version": 0, "level": 2, "operation_id": "api-op-0001"}, headers=focal
    )
    assert retry.get_json()["replayed"] is True
    # Someone who read version 0 is stale now: 409 with what is stored, nothing overwritten.
    stale = client.put(url, json={"version": 0, "level": 4}, headers=contributor)
    assert stale.status_code == 409
    body = stale.get_json()
    assert body["error"]["code"] == "conflict"
    assert body["version"] == 1 and body["current"]["level"] == 2
    assert body["updated_by"] == world.focal.name
    fresh = client.put(url, json={"version": 1, "level": 3}, headers=contributor)
    assert fresh.status_code == 200 and fresh.get_json()["version"] == 2
    session.rollback()
    stored = session.scalar(select(Answer).where(Answer.question_id == "SEC-1.1"))
    assert stored.level == 3 and stored.version == 2
    assert stored.updated_by_id == world.contributor.id
    audits = session.scalars(select(AuditEntry).where(AuditEntry.action == "answer")).all()
    assert len(audits) == 2  # the replay wrote nothing

    read = client.get(url, headers=focal).get_json()
    assert read["level"] == 3 and read["version"] == 2
    listed = client.get(f"/api/v1/assessments/{world.assessment.id}/answers", headers=focal)
    assert [a["question_id"] for a in listed.get_json()["answers"]] == ["SEC-1.1"]


def test_bad_answers_get_422_and_write_nothing(
    client: FlaskClient, world: World, session: Session
) -> None:
    focal = bearer(_token(session, world.focal))
    url = f"/api/v1/assessments/{world.assessment.id}/answers/SEC-1.1"
    for body in [
        {"level": 2},  # no version
        {"version": 0, "level": 9},
        {"version": 0, "level": "2"},
        {"version": 0, "status": "unknown"},  # no reason
        {"version": 0, "level": 2, "role": "admin"},  # mass assignment
        {"version": 0, "level": 2, "confidence": "certain"},
        {"version": 0, "level": 2, "operation_id": "../../x"},
    ]:
        response = client.put(url, json=body, headers=focal)
        assert response.status_code == 422, (body, response.text)
        assert response.get_json()["error"]["code"] == "invalid"
    assert client.put(url, data="[", headers=focal).status_code == 415
    assert (
        client.put(url, data="[", headers={**focal, "Content-Type": "application/json"}).status_code
        == 400
    )
    assert (
        client.put(
            f"/api/v1/assessments/{world.assessment.id}/answers/XXX-9.9",
            json={"version": 0, "level": 2},
            headers=focal,
        ).status_code
        == 404
    )
    big = client.put(
        url,
        data=b'{"version": 0, "evidence": "' + b"x" * (3 * 1024 * 1024) + b'"}',
        headers={**focal, "Content-Type": "application/json"},
    )
    assert big.status_code == 413 and big.get_json()["error"]["code"] == "too_large"
    session.rollback()
    assert session.scalar(select(Answer)) is None


def test_the_web_pages_access_checks_apply(
    client: FlaskClient, world: World, session: Session
) -> None:
    focal = bearer(_token(session, world.focal))
    contributor = bearer(_token(session, world.contributor))
    reviewer = bearer(_token(session, world.reviewer))
    other = world.other_assessment.id
    # Another country's assessment does not exist, for every route.
    for path in ["", "/answers", "/answers/SEC-1.1", "/scores", "/export", "/reports/en"]:
        response = client.get(f"/api/v1/assessments/{other}{path}", headers=focal)
        assert response.status_code == 404, path
    assert (
        client.put(
            f"/api/v1/assessments/{other}/answers/SEC-1.1",
            json={"version": 0, "level": 1},
            headers=focal,
        ).status_code
        == 404
    )
    listed = client.get("/api/v1/assessments", headers=focal).get_json()["assessments"]
    assert [a["id"] for a in listed] == [world.assessment.id]
    # A contributor writes only the sections assigned to them.
    mine = f"/api/v1/assessments/{world.assessment.id}/answers"
    assert (
        client.put(
            f"{mine}/SEC-1.1", json={"version": 0, "level": 1}, headers=contributor
        ).status_code
        == 200
    )
    refused = client.put(f"{mine}/JUS-1.1", json={"version": 0, "level": 1}, headers=contributor)
    assert refused.status_code == 403
    # A peer reviewer in a blind review does not see the government's answers or scores.
    assert client.get(mine, headers=reviewer).status_code == 403
    assert (
        client.get(
            f"/api/v1/assessments/{world.assessment.id}/scores", headers=reviewer
        ).status_code
        == 403
    )
    # The complete export is for the focal point and administrators.
    assert (
        client.get(
            f"/api/v1/assessments/{world.assessment.id}/export", headers=contributor
        ).status_code
        == 403
    )


def test_a_login_cookie_writes_only_with_the_csrf_token(client: FlaskClient, world: World) -> None:
    login(client, world.focal.email)
    url = f"/api/v1/assessments/{world.assessment.id}/answers/SEC-1.1"
    assert client.get("/api/v1/me").get_json()["auth"] == "session"
    refused = client.put(url, json={"version": 0, "level": 2})
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf"
    token = csrf_from(client.get("/en/").text)
    accepted = client.put(url, json={"version": 0, "level": 2}, headers={"X-CSRFToken": token})
    assert accepted.status_code == 200


def test_framework_in_each_language(client: FlaskClient, world: World, session: Session) -> None:
    focal = bearer(_token(session, world.focal, "read"))
    english = client.get("/api/v1/framework", headers=focal).get_json()
    french = client.get("/api/v1/framework?lang=fr", headers=focal).get_json()
    assert english["lang"] == "en" and french["lang"] == "fr"
    assert english["version"] == french["version"]
    en_q = english["domains"][0]["indicators"][0]["questions"][0]
    fr_q = french["domains"][0]["indicators"][0]["questions"][0]
    assert en_q["id"] == fr_q["id"] and en_q["text"] != fr_q["text"]
    assert client.get("/api/v1/framework?lang=xx", headers=focal).status_code == 422
    assert client.get("/api/v1/framework/0.0.0", headers=focal).status_code == 404


def test_scores_are_those_of_the_scoring_engine(
    client: FlaskClient, world: World, session: Session
) -> None:
    focal = bearer(_token(session, world.focal))
    base = f"/api/v1/assessments/{world.assessment.id}"
    client.put(f"{base}/answers/SEC-1.1", json={"version": 0, "level": 1}, headers=focal)
    scores = client.get(f"{base}/scores", headers=focal).get_json()
    indicator = next(i for d in scores["domains"] for i in d["indicators"] if i["id"] == "SEC-1")
    assert indicator["government"] == 1.0 and indicator["current"] == 1.0
    assert indicator["gap"] == indicator["target"] - 1
    assert any(g["indicator"] == "SEC-1" for g in scores["gaps"])


def test_rate_limit_answers_429_in_json(
    app: Flask, client: FlaskClient, world: World, session: Session, monkeypatch
) -> None:  # noqa: ANN001
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    focal = bearer(_token(session, world.focal, "read"))
    statuses = [client.get("/api/v1/me", headers=focal).status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
    limited = client.get("/api/v1/me", headers=focal)
    assert limited.get_json()["error"]["code"] == "rate_limited"
    assert "Retry-After" in limited.headers


def test_made_up_tokens_do_not_escape_the_limit_per_address(
    app: Flask, client: FlaskClient, world: World, monkeypatch
) -> None:  # noqa: ANN001
    monkeypatch.setitem(app.config, "API_ADDRESS_RATE_LIMIT", "4 per minute")
    statuses = [
        client.get("/api/v1/me", headers=bearer(f"spa_guess{n}")).status_code for n in range(6)
    ]
    assert statuses == [401, 401, 401, 401, 429, 429]


def test_a_report_is_requested_polled_and_downloaded(
    client: FlaskClient, world: World, session: Session
) -> None:
    focal = bearer(_token(session, world.focal))
    base = f"/api/v1/assessments/{world.assessment.id}/reports"
    before = client.get(f"{base}/fr", headers=focal).get_json()
    assert before["status"] == "absent"
    not_yet = client.get(f"{base}/fr/pdf", headers=focal)
    assert not_yet.status_code == 409 and not_yet.get_json()["error"]["code"] == "not_ready"
    asked = client.post(base, json={"lang": "fr"}, headers=focal)
    assert asked.status_code == 200, asked.text  # no queue here: rendered before answering
    assert asked.get_json()["status"] == "ready"
    assert client.get(asked.get_json()["poll"], headers=focal).get_json()["status"] == "ready"
    pdf = client.get(asked.get_json()["download"], headers=focal)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.mimetype == "application/pdf"
    assert client.post(base, json={"lang": "xx"}, headers=focal).status_code == 422
