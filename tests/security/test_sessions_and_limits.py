"""Authentication and sessions as OWASP ASVS level 2 asks: throttling, lockout, timeouts,
resets, and no trust in forged proxy headers."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.limits import limiter
from assessment.models import Answer, AuditEntry, User
from tests.conftest import PASSWORD, World, csrf_from, login


@pytest.fixture
def limits(app: Flask) -> Iterator[Flask]:
    """Real limits for one test; the counters start empty and are emptied again after."""
    saved = {k: app.config[k] for k in ("LOGIN_RATE_LIMIT", "AUTOSAVE_RATE_LIMIT")}
    app.config.update(LOGIN_RATE_LIMIT="5 per minute", AUTOSAVE_RATE_LIMIT="20 per minute")
    limiter.reset()
    yield app
    app.config.update(saved)
    limiter.reset()


def _attempt(client: FlaskClient, email: str, password: str, **headers: str):  # noqa: ANN202
    page = client.get("/en/login")
    return client.post(
        "/en/login",
        data={"email": email, "password": password, "csrf_token": csrf_from(page.text)},
        headers=headers,
    )


def test_login_attempts_are_throttled_per_address(limits: Flask, world: World) -> None:
    client = limits.test_client()
    for _ in range(5):
        assert _attempt(client, world.focal.email, "wrong").status_code == 200
    refused = _attempt(client, world.focal.email, PASSWORD)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Too many attempts" in refused.text
    # A forged X-Forwarded-For does not buy new attempts: no proxy is trusted by default.
    assert (
        _attempt(
            client, world.focal.email, PASSWORD, **{"X-Forwarded-For": "203.0.113.9"}
        ).status_code
        == 429
    )


def test_an_account_locks_after_repeated_failures(
    app: Flask, world: World, session: Session
) -> None:
    client = app.test_client()
    for _ in range(app.config["LOCKOUT_THRESHOLD"]):
        assert _attempt(client, world.focal.email, "wrong").status_code == 200
    locked = _attempt(client, world.focal.email, PASSWORD)  # the right password, now refused
    assert locked.status_code == 200
    assert "The e-mail or the password is not right." in locked.text
    session.rollback()
    session.expire_all()
    user = session.get(User, world.focal.id)
    assert user.locked_until is not None
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "lockout")) is not None
    # Other accounts are not affected.
    assert _attempt(app.test_client(), world.contributor.email, PASSWORD).status_code == 302


def test_a_success_resets_the_failure_count(app: Flask, world: World, session: Session) -> None:
    client = app.test_client()
    for _ in range(app.config["LOCKOUT_THRESHOLD"] - 1):
        _attempt(client, world.focal.email, "wrong")
    assert _attempt(client, world.focal.email, PASSWORD).status_code == 302
    session.rollback()
    session.expire_all()
    assert session.get(User, world.focal.id).failed_logins == 0


@pytest.mark.parametrize("field", ["seen", "login_at"])
def test_idle_and_absolute_timeouts_end_the_session(
    client: FlaskClient, world: World, app: Flask, field: str
) -> None:
    login(client, world.focal.email)
    assert client.get("/en/").status_code == 200
    limit = (
        app.config["SESSION_IDLE_MINUTES"] * 60
        if field == "seen"
        else app.config["SESSION_ABSOLUTE_HOURS"] * 3600
    )
    with client.session_transaction() as stored:
        stored[field] = int(time.time()) - limit - 5
        if field == "login_at":
            stored["seen"] = int(time.time())  # active all along: the absolute limit still ends it
    ended = client.get("/en/")
    assert ended.status_code == 302
    assert "/en/login" in ended.headers["Location"]
    assert client.get("/en/").status_code == 302  # and it stays ended


def test_an_autosave_flood_is_refused_without_losing_the_answer(
    limits: Flask, world: World, session: Session
) -> None:
    client = limits.test_client()
    login(client, world.focal.email)
    token = csrf_from(client.get("/en/").text)
    url = f"/en/assessments/{world.assessment.id}/answers/SEC-1.1"
    statuses = [
        client.post(
            url,
            json={"version": n, "level": n % 5, "operation_id": f"flood-{n:04d}"},
            headers={"X-CSRFToken": token},
        ).status_code
        for n in range(30)
    ]
    assert statuses.count(429) == 10
    assert 409 not in statuses[:20]  # each accepted save built on the one before
    session.rollback()
    answer = session.scalar(select(Answer).where(Answer.question_id == "SEC-1.1"))
    assert answer.version == 20  # the twenty accepted saves, each applied once
    # Another person is not slowed by the flood.
    other = limits.test_client()
    login(other, world.contributor.email)
    response = other.post(
        f"/en/assessments/{world.assessment.id}/answers/SEC-2.1",
        json={"version": 0, "level": 2},
        headers={"X-CSRFToken": csrf_from(other.get("/en/").text)},
    )
    assert response.status_code == 200


def test_an_administrator_issues_a_one_time_password_reset_link(
    app: Flask, world: World, session: Session
) -> None:
    admin = app.test_client()
    login(admin, world.admin.email)
    index = admin.get("/en/admin/")
    page = admin.post(
        f"/en/admin/people/{world.focal.id}",
        data={"csrf_token": csrf_from(index.text), "action": "reset"},
        follow_redirects=True,
    )
    link = page.text.split("expires in 14 days: ")[1].split("<")[0].strip()
    path = link.split("localhost", 1)[1]
    focal = app.test_client()
    login(focal, world.focal.email)  # logged in elsewhere before the reset
    person = app.test_client()
    form = person.get(path)
    assert form.status_code == 200
    person.post(
        path,
        data={
            "csrf_token": csrf_from(form.text),
            "password": "a new long password",
            "confirm": "a new long password",
        },
    )
    assert person.get(path).status_code == 400  # used once
    assert focal.get("/en/").status_code == 302  # the old session ended with the reset
    assert _attempt(app.test_client(), world.focal.email, PASSWORD).status_code == 200
    assert _attempt(app.test_client(), world.focal.email, "a new long password").status_code == 302


def test_proxy_headers_are_trusted_only_when_configured(world: World, tmp_path) -> None:  # noqa: ANN001
    from assessment import create_app
    from tests.functional.test_reports import world_database_url

    for hops, expected in ((0, "127.0.0.1"), (1, "198.51.100.7")):
        app = create_app(
            {
                "DATABASE_URL": world_database_url(),
                "SECRET_KEY": "k",
                "TRUSTED_PROXIES": hops,
                "REPORT_CACHE_DIR": str(tmp_path),
            }
        )

        @app.get("/_whoami")
        def whoami() -> str:
            from flask import request

            return request.remote_addr or ""

        seen = app.test_client().get(
            "/_whoami",
            headers={"X-Forwarded-For": "198.51.100.7"},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )
        assert seen.text == expected
        app.extensions["database"].engine.dispose()
