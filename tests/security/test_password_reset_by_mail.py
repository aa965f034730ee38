"""Forgot-password by e-mail, through a real SMTP server on loopback: the same answer for known
and unknown addresses, a link built from PUBLIC_URL (never the Host header), one use, a short
life, and every session ended."""

from __future__ import annotations

import email
import re
import socket
import time
from collections.abc import Iterator
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy.orm import Session

from assessment.models import User
from assessment.passwords import verify_password
from tests.conftest import World, csrf_from, login


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802 - aiosmtpd's hook
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def wait_for(self, count: int, seconds: float = 10) -> list[Message]:
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


@pytest.fixture
def inbox(app: Flask) -> Iterator[Inbox]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    received = Inbox()
    server = Controller(received, hostname="127.0.0.1", port=port)
    server.start()
    saved = {k: app.config[k] for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_STARTTLS", "PUBLIC_URL")}
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_STARTTLS=False,
        PUBLIC_URL="https://assess.example.org",
    )
    try:
        yield received
    finally:
        app.config.update(saved)
        server.stop()


def _ask(app: Flask, address: str, **headers: str):  # noqa: ANN202
    client = app.test_client()
    page = client.get("/en/password/forgot", headers=headers)
    return client.post(
        "/en/password/forgot",
        data={"email": address, "csrf_token": csrf_from(page.text)},
        headers=headers,
        follow_redirects=True,
    )


def _link(message: Message) -> str:
    body = message.get_payload(decode=True).decode()
    match = re.search(r"https://assess\.example\.org(/\S+)", body)
    assert match, body
    return match.group(1)


def test_the_answer_never_tells_who_has_an_account(app: Flask, world: World, inbox: Inbox) -> None:
    known = _ask(app, world.focal.email)
    unknown = _ask(app, "nobody@nowhere.example")
    assert known.status_code == unknown.status_code == 200
    for page in (known, unknown):
        assert "If this address belongs to an account" in page.text
    messages = inbox.wait_for(1)
    time.sleep(0.3)
    assert len(messages) == 1
    assert messages[0]["To"] == world.focal.email
    assert messages[0]["Subject"] == "Choose a new password"


def test_the_link_sets_a_password_once_and_ends_every_session(
    app: Flask, world: World, inbox: Inbox, session: Session
) -> None:
    logged_in = app.test_client()
    login(logged_in, world.focal.email)
    # A forged Host header does not steer the link elsewhere.
    _ask(app, world.focal.email, Host="attacker.example")
    path = _link(inbox.wait_for(1)[0])
    assert "attacker" not in path

    client = app.test_client()
    page = client.get(path)
    assert page.status_code == 200 and "Choose a new password" in page.text
    done = client.post(
        path,
        data={
            "password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert done.status_code == 302
    session.rollback()
    session.expire_all()
    assert verify_password(
        session.get(User, world.focal.id).password_hash, "a brand new passphrase"
    )
    # The session opened before the reset is over; the link is spent.
    assert logged_in.get(f"/en/assessments/{world.assessment.id}").status_code == 302
    again = app.test_client().get(path)
    assert again.status_code == 400 and "already been used" in again.text


def test_links_expire_and_do_not_open_invitations(app: Flask, world: World, inbox: Inbox) -> None:
    _ask(app, world.focal.email)
    path = _link(inbox.wait_for(1)[0])
    app.config["RESET_LINK_MINUTES"] = 0
    try:
        time.sleep(1.1)
        expired = app.test_client().get(path)
        assert expired.status_code == 400 and "expired" in expired.text
    finally:
        app.config["RESET_LINK_MINUTES"] = 60
    token = path.rsplit("/", 1)[1]
    # A reset link is no invitation link, and the other way round.
    assert app.test_client().get(f"/en/invitation/{token}").status_code == 400


def test_without_mail_the_page_says_whom_to_ask(app: Flask, world: World) -> None:
    page = app.test_client().get("/en/password/forgot")
    assert page.status_code == 200
    assert "sends no e-mail" in page.text and 'name="email"' not in page.text
