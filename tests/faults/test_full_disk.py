"""A full disk: saves and uploads get a clear 507 with Retry-After, nothing half-written stays
behind, SQLite's integrity check stays ok, and the same save goes through once space is free.

The database and the evidence folder live on a small tmpfs mounted for the test (root only)."""

from __future__ import annotations

import errno
import io
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessment import create_app
from assessment.migrations import upgrade
from assessment.models import Answer, Assessment, AuditEntry, Country, EvidenceFile, Role
from assessment.services.accounts import create_user
from tests.conftest import PASSWORD, csrf_from, login
from tests.faults.server import in_ci

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"%" * 200_000


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(disk)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        if in_ci():
            pytest.fail(f"cannot mount a small tmpfs: {mounted.stderr}")
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {mounted.stderr}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def _fill(disk: Path) -> Path:
    """Write zeros until the disk refuses another byte."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as out:
        block = b"\0" * 65536
        try:
            while True:
                out.write(block)
                out.flush()
        except OSError as error:
            if error.errno != errno.ENOSPC:
                raise
        try:
            while True:
                out.write(b"\0")
                out.flush()
        except OSError:
            pass
    return filler


def test_a_full_disk_gives_a_clear_error_and_loses_nothing(small_disk: Path) -> None:
    database_file = small_disk / "app.db"
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{database_file}",
            "SECRET_KEY": "k",
            "SESSION_COOKIE_SECURE": False,
            "EVIDENCE_DIR": str(small_disk / "evidence"),
            "REPORT_CACHE_DIR": str(small_disk / "reports"),
        }
    )
    engine = app.extensions["database"].engine
    try:
        upgrade(engine)
        with Session(engine) as session:
            country = Country(iso_code="XV", name="Republic of Veridia")
            session.add(country)
            session.flush()
            focal = create_user(
                session,
                "focal@x.example",
                "Focal",
                PASSWORD,
                country=country,
                role=Role.FOCAL_POINT,
            )
            version = app.extensions["frameworks"].current_version
            assessment = Assessment(
                country=country, cycle="2026", framework_version=version, focal_point=focal
            )
            session.add(assessment)
            session.commit()
            assessment_id = assessment.id
        client = app.test_client()
        login(client, "focal@x.example")
        token = csrf_from(client.get(f"/en/assessments/{assessment_id}/sections/SEC").text)
        url = f"/en/assessments/{assessment_id}/answers/SEC-1.1"
        first = {
            "version": 0,
            "level": 2,
            "evidence": "before the disk filled",
            "operation_id": "0f6d5c1e-6a43-4c5b-9d8e-1a2b3c4d5e60",
        }
        saved = client.post(url, json=first, headers={"X-CSRFToken": token})
        assert saved.status_code == 200, saved.text

        # Nothing in the write-ahead log to grow into: every new page needs new disk.
        engine.dispose()
        with sqlite3.connect(database_file) as raw:
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        filler = _fill(small_disk)

        second = {
            "version": 1,
            "level": 4,
            "evidence": "written while the disk was full " + "x" * 15_000,
            "operation_id": "0f6d5c1e-6a43-4c5b-9d8e-1a2b3c4d5e61",
        }
        refused = client.post(url, json=second, headers={"X-CSRFToken": token})
        assert refused.status_code == 507
        assert int(refused.headers["Retry-After"]) > 0
        assert "disk space" in refused.json["error"]

        upload = client.post(
            f"/en/assessments/{assessment_id}/questions/SEC-1.1/evidence",
            data={"csrf_token": token, "file": (io.BytesIO(PDF), "decree.pdf")},
            content_type="multipart/form-data",
        )
        assert upload.status_code == 507
        assert "disk space" in upload.text
        leftovers = (
            list((small_disk / "evidence").glob("*")) if (small_disk / "evidence").exists() else []
        )
        assert leftovers == [], "a half-written file stayed behind"

        engine.dispose()
        with sqlite3.connect(database_file) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)

        # Space again: the browser's retry of the same save goes through, once.
        os.unlink(filler)
        accepted = client.post(url, json=second, headers={"X-CSRFToken": token})
        assert accepted.status_code == 200, accepted.text
        with Session(engine) as session:
            answer = session.scalar(select(Answer).where(Answer.question_id == "SEC-1.1"))
            assert (answer.level, answer.version) == (4, 2)
            assert answer.evidence.startswith("written while the disk was full")
            assert session.scalar(select(func.count()).select_from(EvidenceFile)) == 0
            saves = session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.object_type == "answer")
            )
            assert saves == 2
    finally:
        engine.dispose()
