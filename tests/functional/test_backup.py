"""Backup and restore: an archive restored into an empty database holds every answer, evidence
file and audit entry (on SQLite, and on PostgreSQL when the suite runs there)."""

from __future__ import annotations

import io
import secrets
import zipfile
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from assessment import create_app
from assessment.migrations import upgrade
from assessment.models import Answer, AuditEntry, EvidenceFile
from tests.conftest import World, csrf_from, login

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _empty_database(app: Flask, tmp_path: Path) -> str:
    """A new, migrated, empty database of the suite's kind."""
    url = app.config["DATABASE_URL"]
    if make_url(url).get_backend_name() == "sqlite":
        target = f"sqlite:///{tmp_path / 'restored.db'}"
    else:
        name = f"restore_{secrets.token_hex(4)}"
        admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        target = make_url(url).set(database=name).render_as_string(hide_password=False)
    return target


def test_backup_and_restore_keep_everything(
    client: FlaskClient, world: World, session: Session, app: Flask, tmp_path: Path
) -> None:
    login(client, world.focal.email)
    page = client.get(f"/en/assessments/{world.assessment.id}/sections/SEC").text
    client.post(
        f"/en/assessments/{world.assessment.id}/answers/SEC-1.1",
        json={"version": 0, "level": 3, "evidence": "Law 12/2024"},
        headers={"X-CSRFToken": csrf_from(page)},
    )
    client.post(
        f"/en/assessments/{world.assessment.id}/questions/SEC-1.1/evidence",
        data={"csrf_token": csrf_from(page), "file": (io.BytesIO(PDF), "law.pdf")},
        content_type="multipart/form-data",
    )
    session.rollback()
    audit_count = session.scalar(select(func.count()).select_from(AuditEntry))
    [record] = session.scalars(select(EvidenceFile)).all()

    archive = tmp_path / "backup.zip"
    result = app.test_cli_runner().invoke(args=["backup", "--output", str(archive)])
    assert result.exit_code == 0, result.output
    assert "1 answers, 1 evidence files" in result.output
    names = zipfile.ZipFile(archive).namelist()
    assert f"evidence/{record.stored_name}" in names

    target_url = _empty_database(app, tmp_path)
    migrating = create_engine(target_url)
    upgrade(migrating)  # a fresh installation, migrated, with nothing in it
    migrating.dispose()
    fresh = create_app(
        {
            "DATABASE_URL": target_url,
            "SECRET_KEY": "k",
            "EVIDENCE_DIR": str(tmp_path / "evidence-restored"),
            "REPORT_CACHE_DIR": str(tmp_path / "cache"),
        }
    )
    restored = fresh.test_cli_runner().invoke(args=["restore", str(archive)])
    assert restored.exit_code == 0, restored.output
    engine = create_engine(target_url)
    with Session(engine) as check:
        answer = check.scalar(select(Answer).where(Answer.question_id == "SEC-1.1"))
        assert (answer.level, answer.evidence) == (3, "Law 12/2024")
        assert check.scalar(select(func.count()).select_from(AuditEntry)) == audit_count
        assert check.scalar(select(EvidenceFile.original_name)) == "law.pdf"
    assert (tmp_path / "evidence-restored" / record.stored_name).read_bytes() == PDF
    # Restoring again into the now full database is refused: nothing is overwritten.
    again = fresh.test_cli_runner().invoke(args=["restore", str(archive)])
    assert again.exit_code != 0
    assert "not empty" in again.output
    engine.dispose()
    fresh.extensions["database"].engine.dispose()
    _drop(target_url)


def _drop(url: str) -> None:
    """Remove the throw-away PostgreSQL database (a SQLite file goes with tmp_path)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


def test_restore_refuses_an_archive_that_is_not_a_backup(app: Flask, tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.zip"
    with zipfile.ZipFile(hostile, "w") as archive:
        archive.writestr("../../evidence/escape", "x")
    result = app.test_cli_runner().invoke(args=["restore", str(hostile)])
    assert result.exit_code != 0
    assert "no manifest" in result.output
    assert not (tmp_path.parent / "evidence" / "escape").exists()


@pytest.mark.parametrize("member", ["evidence/../../etc/passwd", "evidence/short"])
def test_restore_writes_only_evidence_files_of_the_expected_shape(member: str) -> None:
    from assessment.services.backup import EVIDENCE_NAME

    assert not EVIDENCE_NAME.match(member)
