"""Where evidence files are kept: a folder on this machine (the default) or an S3-compatible
bucket, behind one small interface, so the web tier keeps nothing on its own disk that another
server would need.

    EVIDENCE_STORAGE=local   files in EVIDENCE_DIR (a shared volume when there are several servers)
    EVIDENCE_STORAGE=s3      files in EVIDENCE_S3_BUCKET under EVIDENCE_S3_PREFIX, on AWS or any
                             S3-compatible server (EVIDENCE_S3_ENDPOINT_URL); needs the `s3` extra
                             (boto3), credentials from the usual AWS_* variables or instance role

Names are the random hex names the platform gives files; callers never pass a user's file name.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

STORED_NAME = re.compile(r"^[0-9a-f]{32}$")


class StorageError(RuntimeError):
    pass


def _checked(name: str) -> str:
    # Defence in depth: nothing but our own names can reach a path or an object key.
    if not STORED_NAME.match(name):
        raise ValueError(f"not a stored evidence name: {name!r}")
    return name


class EvidenceStore(Protocol):
    def put(self, name: str, data: bytes) -> None: ...

    def delete(self, name: str) -> None:
        """Remove a file whose record could not be written; a missing file is no error."""
        ...

    def read(self, name: str) -> bytes:
        """The file's bytes; FileNotFoundError when there is no such file."""
        ...

    def names(self) -> Iterator[str]:
        """Every stored file's name (for backups)."""
        ...

    def local_path(self, name: str) -> Path | None:
        """A path on this machine to serve the file from, or None to serve read()'s bytes."""
        ...


class LocalStore:
    """Files in one folder, written atomically (a reader never sees half a file)."""

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)

    def put(self, name: str, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = self.folder / f"{_checked(name)}.part"
        try:
            partial.write_bytes(data)
            os.replace(partial, self.folder / name)
        except OSError:
            partial.unlink(missing_ok=True)  # a full disk leaves no half-written file behind
            raise

    def delete(self, name: str) -> None:
        (self.folder / _checked(name)).unlink(missing_ok=True)

    def read(self, name: str) -> bytes:
        return (self.folder / _checked(name)).read_bytes()

    def names(self) -> Iterator[str]:
        if self.folder.is_dir():
            yield from sorted(p.name for p in self.folder.iterdir() if STORED_NAME.match(p.name))

    def local_path(self, name: str) -> Path | None:
        path = self.folder / _checked(name)
        return path if path.is_file() else None


class S3Store:
    """Files as objects in an S3-compatible bucket (AWS S3, MinIO, Ceph, Garage ...)."""

    def __init__(self, bucket: str, prefix: str = "", client: Any = None, **client_options: Any):
        if client is None:
            try:
                import boto3
            except ImportError:  # pragma: no cover - depends on the installation
                raise StorageError(
                    "EVIDENCE_STORAGE=s3 needs boto3: pip install 'assessment[s3]'"
                ) from None
            options = {k: v for k, v in client_options.items() if v}
            client = boto3.client("s3", **options)
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    def _key(self, name: str) -> str:
        return self.prefix + _checked(name)

    def put(self, name: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(name), Body=data)

    def delete(self, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(name))

    def read(self, name: str) -> bytes:
        try:
            reply = self.client.get_object(Bucket=self.bucket, Key=self._key(name))
        except self.client.exceptions.NoSuchKey:
            raise FileNotFoundError(name) from None
        with reply["Body"] as body:
            return body.read()

    def names(self) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                name = item["Key"][len(self.prefix) :]
                if STORED_NAME.match(name):
                    yield name

    def local_path(self, name: str) -> Path | None:
        return None


def store_from_config(config: dict[str, Any]) -> EvidenceStore:
    kind = (config.get("EVIDENCE_STORAGE") or "local").lower()
    if kind == "local":
        return LocalStore(config["EVIDENCE_DIR"])
    if kind == "s3":
        if not config.get("EVIDENCE_S3_BUCKET"):
            raise StorageError("EVIDENCE_STORAGE=s3 needs EVIDENCE_S3_BUCKET")
        return S3Store(
            config["EVIDENCE_S3_BUCKET"],
            config.get("EVIDENCE_S3_PREFIX") or "",
            endpoint_url=config.get("EVIDENCE_S3_ENDPOINT_URL"),
            region_name=config.get("EVIDENCE_S3_REGION"),
        )
    raise StorageError(f"EVIDENCE_STORAGE is local or s3, not {kind!r}")


def init_app(app: Any) -> None:
    app.extensions["evidence_store"] = store_from_config(app.config)


def evidence_store() -> EvidenceStore:
    from flask import current_app

    return current_app.extensions["evidence_store"]
