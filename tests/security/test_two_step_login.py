"""Two-step login (RFC 6238 codes) for administrators: enrolment, login, replay, lockout, and a
lost phone."""

from __future__ import annotations

import re
import time

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.models import AuditEntry, User
from tests.conftest import PASSWORD, World, csrf_from, login


def _key_from(page: str) -> str:
    match = re.search(r'<code class="key" dir="ltr">([A-Z2-7 ]+)</code>', page)
    assert match, "the enrolment page shows no key"
    return match.group(1).replace(" ", "")


def _enrol(client: FlaskClient) -> str:
    page = client.get("/en/account/two-step")
    assert page.status_code == 200
    assert "<svg" in page.text  # the QR code, inline
    secret = _key_from(page.text)
    done = client.post(
        "/en/account/two-step",
        data={
            "action": "enable",
            "code": pyotp.TOTP(secret).now(),
            "csrf_token": csrf_from(page.text),
        },
    )
    assert done.status_code == 302
    return secret


def _password_step(client: FlaskClient, email: str, password: str = PASSWORD):  # noqa: ANN202
    page = client.get("/en/login")
    return client.post(
        "/en/login", data={"email": email, "password": password, "csrf_token": csrf_from(page.text)}
    )


def _code_step(client: FlaskClient, code: str):  # noqa: ANN202
    page = client.get("/en/login/code")
    return client.post("/en/login/code", data={"code": code, "csrf_token": csrf_from(page.text)})


def _next_code(secret: str) -> str:
    """A code valid right now and newer than the one spent on enrolment: the next step's (one
    step of clock drift either way is accepted)."""
    totp = pyotp.TOTP(secret)
    return totp.at(time.time() + totp.interval)


def test_enrolment_needs_a_right_code(app: Flask, world: World, session: Session) -> None:
    client = app.test_client()
    login(client, world.admin.email)
    page = client.get("/en/account/two-step")
    secret = _key_from(page.text)
    wrong = client.post(
        "/en/account/two-step",
        data={"action": "enable", "code": "000000", "csrf_token": csrf_from(page.text)},
        follow_redirects=True,
    )
    assert "the code does not match" in wrong.text
    session.rollback()
    session.expire_all()
    assert session.get(User, world.admin.id).totp_secret is None
    # The same key is offered again until it is confirmed, so an app already set up still works.
    assert _key_from(wrong.text) == secret


def test_login_asks_for_the_code_and_refuses_a_replayed_one(
    app: Flask, world: World, session: Session
) -> None:
    client = app.test_client()
    login(client, world.admin.email)
    secret = _enrol(client)
    client.post("/en/logout", data={"csrf_token": csrf_from(client.get("/en/").text)})

    fresh = app.test_client()
    step = _password_step(fresh, world.admin.email)
    assert step.status_code == 302 and step.headers["Location"].endswith("/en/login/code")
    # The password alone opens nothing.
    assert fresh.get("/en/admin/").status_code == 302
    assert _code_step(fresh, "123456").status_code == 200
    code = _next_code(secret)
    assert _code_step(fresh, code).status_code == 302
    assert fresh.get("/en/admin/").status_code == 200

    # Someone who saw that code (over a shoulder, in a proxy log) cannot use it again.
    thief = app.test_client()
    _password_step(thief, world.admin.email)
    refused = _code_step(thief, code)
    assert refused.status_code == 200
    assert "used already" in refused.text
    assert thief.get("/en/admin/").status_code == 302


def test_wrong_codes_lock_the_account(app: Flask, world: World, session: Session) -> None:
    client = app.test_client()
    login(client, world.admin.email)
    secret = _enrol(client)
    attacker = app.test_client()
    _password_step(attacker, world.admin.email)
    threshold = app.config["LOCKOUT_THRESHOLD"]
    for _ in range(threshold):
        _code_step(attacker, "000000")
    session.rollback()
    session.expire_all()
    assert session.get(User, world.admin.id).locked_until is not None
    # Locked: even the right code is refused now.
    _password_step(attacker, world.admin.email)
    assert _code_step(attacker, _next_code(secret)).status_code in (200, 302)
    assert attacker.get("/en/admin/").status_code == 302


def test_a_half_login_expires_and_dies_with_a_reset(
    app: Flask, world: World, session: Session
) -> None:
    client = app.test_client()
    login(client, world.admin.email)
    secret = _enrol(client)
    fresh = app.test_client()
    _password_step(fresh, world.admin.email)
    with fresh.session_transaction() as state:
        pending = dict(state["pending_second_factor"])
        pending["at"] -= 3600
        state["pending_second_factor"] = pending
    gone = fresh.get("/en/login/code")
    assert gone.status_code == 302 and "/en/login" in gone.headers["Location"]

    _password_step(fresh, world.admin.email)
    session.get(User, world.admin.id).session_token = "ended-elsewhere"
    session.commit()
    token = csrf_from(fresh.get("/en/login").text)
    late = fresh.post("/en/login/code", data={"code": _next_code(secret), "csrf_token": token})
    assert late.status_code == 302 and late.headers["Location"].endswith("/en/login")
    assert fresh.get("/en/admin/").status_code == 302  # sent back to the login, not let in


def test_another_administrator_turns_it_off_for_a_lost_phone(
    app: Flask, world: World, session: Session
) -> None:
    owner = app.test_client()
    login(owner, world.admin.email)
    _enrol(owner)
    colleague = User(email="second@test.example", name="Second", password_hash="x", is_admin=True)
    from assessment.passwords import hash_password

    colleague.password_hash = hash_password(PASSWORD)
    session.add(colleague)
    session.commit()
    other = app.test_client()
    login(other, colleague.email)
    page = other.get("/en/admin/")
    assert "Turn off two-step login" in page.text
    done = other.post(
        f"/en/admin/people/{world.admin.id}",
        data={"action": "two_factor_off", "csrf_token": csrf_from(page.text)},
    )
    assert done.status_code == 302
    session.rollback()
    session.expire_all()
    assert session.get(User, world.admin.id).totp_secret is None
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_id == str(world.admin.id))
    ).all()
    assert "two_factor_on" in actions and "two_factor_off" in actions
    # The owner logs in with the password alone again.
    assert _password_step(app.test_client(), world.admin.email).headers["Location"].endswith("/en/")


def test_turning_it_off_needs_a_code(app: Flask, world: World, session: Session) -> None:
    client = app.test_client()
    login(client, world.admin.email)
    secret = _enrol(client)
    page = client.get("/en/account/two-step")
    assert "Two-step login is on" in page.text
    refused = client.post(
        "/en/account/two-step",
        data={"action": "disable", "code": "999999", "csrf_token": csrf_from(page.text)},
        follow_redirects=True,
    )
    assert "Not changed" in refused.text
    client.post(
        "/en/account/two-step",
        data={"action": "disable", "code": _next_code(secret), "csrf_token": csrf_from(page.text)},
    )
    session.rollback()
    session.expire_all()
    assert session.get(User, world.admin.id).totp_secret is None


def test_administration_can_require_it(app: Flask, world: World) -> None:
    app.config["ADMIN_TWO_STEP_REQUIRED"] = True
    try:
        client = app.test_client()
        login(client, world.admin.email)
        sent = client.get("/en/admin/")
        assert sent.status_code == 302 and sent.headers["Location"].endswith("/en/account/two-step")
        _enrol(client)
        assert client.get("/en/admin/").status_code == 200
    finally:
        app.config["ADMIN_TWO_STEP_REQUIRED"] = False
