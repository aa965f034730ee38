"""Evidence storage behind one interface: the local folder, and an S3-compatible bucket tested
against a real S3-compatible server (moto's standalone server, started here on loopback)."""

from __future__ import annotations

import secrets
import socket
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.models import EvidenceFile
from assessment.services.backup import backup
from assessment.storage import LocalStore, S3Store, StorageError, store_from_config
from tests.conftest import World, login
from tests.functional.test_collaboration import PDF, _upload


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    pytest.importorskip("boto3")
    moto_server = pytest.importorskip("moto.server")
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[S3Store]:
    import boto3

    # The server accepts any credentials; the client only needs some to sign with.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "bench")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "bench-secret")
    name = f"evidence-{secrets.token_hex(4)}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=name)
    yield S3Store(name, "instance-a/evidence", client=client)
    client.close()


def _name() -> str:
    return secrets.token_hex(16)


@pytest.mark.parametrize("kind", ["local", "s3"])
def test_a_store_keeps_reads_and_lists_files(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    store = LocalStore(tmp_path / "files") if kind == "local" else request.getfixturevalue("bucket")
    first, second = _name(), _name()
    store.put(first, PDF)
    store.put(second, b"\x89PNG\r\n\x1a\n")
    assert store.read(first) == PDF
    assert sorted(store.names()) == sorted([first, second])
    store.put(first, PDF + b"again")  # replacing is allowed and atomic
    assert store.read(first) == PDF + b"again"
    with pytest.raises(FileNotFoundError):
        store.read(_name())
    # Only the platform's own names reach a path or a key.
    for hostile in ("../../etc/passwd", "a" * 32 + "/../x", "ABCDEF" * 6):
        with pytest.raises(ValueError, match="not a stored evidence name"):
            store.put(hostile, b"x")


def test_configuration_chooses_the_store(tmp_path: Path) -> None:
    local = store_from_config({"EVIDENCE_DIR": str(tmp_path)})
    assert isinstance(local, LocalStore)
    with pytest.raises(StorageError, match="EVIDENCE_S3_BUCKET"):
        store_from_config({"EVIDENCE_STORAGE": "s3", "EVIDENCE_DIR": str(tmp_path)})
    with pytest.raises(StorageError, match="local or s3"):
        store_from_config({"EVIDENCE_STORAGE": "ftp", "EVIDENCE_DIR": str(tmp_path)})


def test_uploads_and_downloads_go_through_the_bucket(
    app: Flask,
    client: FlaskClient,
    world: World,
    session: Session,
    bucket: S3Store,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setitem(app.extensions, "evidence_store", bucket)
    login(client, world.focal.email)
    page = _upload(client, world, PDF, "decree.pdf")
    assert "The file is attached." in page
    session.rollback()
    record = session.scalar(select(EvidenceFile))
    assert record is not None
    assert bucket.read(record.stored_name) == PDF
    assert not (Path(app.config["EVIDENCE_DIR"]) / record.stored_name).exists()
    download = client.get(
        f"/en/assessments/{world.assessment.id}/evidence/{record.id}", buffered=True
    )
    assert download.status_code == 200
    assert download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")

    # A backup reads the files from the bucket.
    archive = tmp_path / "backup.zip"
    manifest = backup(app.extensions["database"].engine, bucket, archive)
    assert manifest["evidence_files"] == 1
    with zipfile.ZipFile(archive) as opened:
        assert opened.read(f"evidence/{record.stored_name}") == PDF
