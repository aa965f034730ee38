"""The database locked past the timeout: a 503 with Retry-After and a clear message, nothing
half-saved, and the same save accepted once the lock is gone. On SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from assessment.models import Answer, AuditEntry, Comment
from tests.conftest import World, csrf_from, login


@contextmanager
def _locked(app: Flask, table: str = "answers") -> Iterator[None]:
    """Another process's long write transaction, holding the lock the answers need."""
    url = make_url(app.config["DATABASE_URL"])
    if url.get_backend_name() == "sqlite":
        holder = sqlite3.connect(url.database, isolation_level=None, timeout=1)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
            yield
            conn.rollback()
    finally:
        engine.dispose()


def test_a_save_blocked_by_a_lock_gets_503_and_goes_through_later(
    app: Flask, world: World, session: Session
) -> None:
    client = app.test_client()
    login(client, world.focal.email)
    token = csrf_from(client.get(f"/en/assessments/{world.assessment.id}/sections/SEC").text)
    url = f"/en/assessments/{world.assessment.id}/answers/SEC-1.1"
    body = {
        "version": 0,
        "level": 3,
        "evidence": "kept while locked",
        "operation_id": "3f1e9a52-0d7c-4b8e-9a61-5c2d7e8f9a01",
    }
    entries_before = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    with _locked(app):
        refused = client.post(url, json=body, headers={"X-CSRFToken": token})
    assert refused.status_code == 503
    assert int(refused.headers["Retry-After"]) > 0
    assert "busy" in refused.json["error"]
    session.rollback()
    session.expire_all()
    assert session.scalar(select(Answer).where(Answer.question_id == "SEC-1.1")) is None
    assert (
        session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
        == entries_before
    )

    # The browser sends the same save again (same operation id) once the lock is gone.
    accepted = client.post(url, json=body, headers={"X-CSRFToken": token})
    assert accepted.status_code == 200, accepted.text
    session.rollback()
    session.expire_all()
    answer = session.scalar(select(Answer).where(Answer.question_id == "SEC-1.1"))
    assert (answer.level, answer.evidence, answer.version) == (3, "kept while locked", 1)


def test_a_form_blocked_by_a_lock_gets_a_readable_503_page(
    app: Flask, world: World, session: Session
) -> None:
    client = app.test_client()
    login(client, world.focal.email)
    page = client.get(f"/en/assessments/{world.assessment.id}/sections/SEC")
    with _locked(app, "comments"):
        refused = client.post(
            f"/en/assessments/{world.assessment.id}/questions/SEC-1.1/comments",
            data={"csrf_token": csrf_from(page.text), "body": "Is the decree in force?"},
        )
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "5"
    assert "The server is busy" in refused.text and "<html" in refused.text
    session.rollback()
    session.expire_all()
    assert session.scalar(select(Comment)) is None
