"""The database layer: SQLite tuned on every connection, and migrations that match the models."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import text

from assessment.migrations import check


def test_sqlite_pragmas_on_every_connection(app: Flask) -> None:
    engine = app.extensions["database"].engine
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas; this run is on " + engine.dialect.name)
    for _ in range(2):
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        engine.dispose()  # the second round gets a brand-new connection


def test_foreign_keys_are_enforced(app: Flask) -> None:
    from sqlalchemy.exc import IntegrityError

    engine = app.extensions["database"].engine
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO answers (assessment_id, question_id, status, version, "
                "updated_at) VALUES (987654, 'SEC-1.1', 'answered', 1, "
                "CURRENT_TIMESTAMP)"
            )
        )


def test_migrations_match_the_models(app: Flask) -> None:
    check(app.extensions["database"].engine)  # raises when a model change has no migration
