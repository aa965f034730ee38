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


def test_migrations_keep_existing_data(tmp_path) -> None:  # noqa: ANN001
    """Upgrading a database that already holds answers keeps every row and every reference
    (SQLite rebuilds tables in batch mode; the suite's own database on PostgreSQL checks the
    other path)."""
    from sqlalchemy import create_engine

    from assessment.db import make_engine
    from assessment.migrations import upgrade

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    upgrade(engine, "3502d3006a50")  # the first schema
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO countries (id, iso_code, name, created_at) "
                "VALUES (1, 'XV', 'Veridia', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO assessments (id, country_id, area, cycle, "
                "framework_version, state, created_at) VALUES "
                "(1, 1, '', '2025', '1.0.0', 'draft', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO answers (assessment_id, question_id, status, level, "
                "version, updated_at) VALUES (1, 'SEC-1.1', 'answered', 3, 1, "
                "CURRENT_TIMESTAMP)"
            )
        )
    upgrade(engine, "head")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT level FROM answers")).scalar() == 3
        assert conn.execute(text("SELECT cycle FROM assessments")).scalar() == "2025"
        assert conn.execute(text("PRAGMA foreign_key_check")).fetchall() == []
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()
    create_engine(url).dispose()
