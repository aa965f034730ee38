"""Backups: the database and the evidence files in one archive, and restoring it.

SQLite is copied with `VACUUM INTO`, a consistent snapshot taken while the app keeps running;
PostgreSQL with `pg_dump` (custom format), restored with `pg_restore`. The evidence files travel
beside it; a manifest says what the archive holds.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess  # backups run pg_dump and psql  # nosec B404
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url

from ..storage import EvidenceStore, LocalStore

EVIDENCE_NAME = re.compile(r"^evidence/[0-9a-f]{32}$")
FORMAT = 1


class BackupError(RuntimeError):
    pass


def _pg_args(url: str) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore, with the password kept out of argv."""
    parsed = make_url(url)
    args = [
        "--host",
        parsed.host or "localhost",
        "--port",
        str(parsed.port or 5432),
        "--username",
        parsed.username or "postgres",
        "--dbname",
        parsed.database or "",
    ]
    env = {"PGPASSWORD": parsed.password} if parsed.password else {}
    return args, env


def _store(evidence: EvidenceStore | Path) -> EvidenceStore:
    return LocalStore(evidence) if isinstance(evidence, Path) else evidence


def backup(engine: Engine, evidence: EvidenceStore | Path, output: Path) -> dict[str, object]:
    """Write the archive; return its manifest."""
    files = _store(evidence)
    dialect = engine.dialect.name
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / ("database.sqlite" if dialect == "sqlite" else "database.pgdump")
        if dialect == "sqlite":
            with engine.connect() as conn:
                # Outside any transaction (VACUUM refuses one): the driver runs in autocommit.
                driver = conn.connection.driver_connection
                driver.execute("VACUUM INTO ?", (str(dump),))
        elif dialect == "postgresql":
            args, env = _pg_args(engine.url.render_as_string(hide_password=False))
            run = _tool(
                ["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), *args], env
            )
            if run.returncode != 0:
                raise BackupError(f"pg_dump failed: {run.stderr.strip()}")
        else:
            raise BackupError(f"no backup for {dialect}")
        names = list(files.names())
        manifest = {
            "format": FORMAT,
            "database": dialect,
            "created": datetime.now(UTC).isoformat(),
            "tables": _counts(engine),
            "evidence_files": len(names),
        }
        partial = output.with_suffix(output.suffix + ".part")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("manifest.json", json.dumps(manifest, indent=2))
            archive.write(dump, dump.name)
            for name in names:  # one file in memory at a time (at most MAX_UPLOAD_BYTES)
                archive.writestr(f"evidence/{name}", files.read(name))
        partial.replace(output)
    return manifest


def restore(
    engine: Engine, evidence: EvidenceStore | Path, archive_path: Path
) -> dict[str, object]:
    """Restore an archive into the (empty) database and evidence store of this installation."""
    files = _store(evidence)
    with zipfile.ZipFile(archive_path) as archive:
        try:
            manifest = json.loads(archive.read("manifest.json"))
        except KeyError:
            raise BackupError("this is not a backup of this platform (no manifest)") from None
        if manifest.get("format") != FORMAT:
            raise BackupError("this backup was written in a format this version does not read")
        dialect = engine.dialect.name
        if manifest["database"] != dialect:
            raise BackupError(
                f"the backup holds a {manifest['database']} database, "
                f"this installation uses {dialect}"
            )
        if any(n for n in _counts(engine).values()):
            raise BackupError("the target database is not empty; restore into an empty one")
        with tempfile.TemporaryDirectory() as tmp:
            name = "database.sqlite" if dialect == "sqlite" else "database.pgdump"
            archive.extract(name, tmp)
            dump = Path(tmp) / name
            if dialect == "sqlite":
                target = Path(engine.url.database or "")
                engine.dispose()
                for suffix in ("-wal", "-shm"):
                    Path(f"{target}{suffix}").unlink(missing_ok=True)
                shutil.copyfile(dump, target)
            else:
                args, env = _pg_args(engine.url.render_as_string(hide_password=False))
                engine.dispose()
                run = _tool(
                    ["pg_restore", "--clean", "--if-exists", "--no-owner", *args, str(dump)], env
                )
                if run.returncode != 0:
                    raise BackupError(f"pg_restore failed: {run.stderr.strip()[:500]}")
        for member in archive.namelist():
            # Only files we wrote, by their exact shape: no path can climb out of the folder.
            if EVIDENCE_NAME.match(member):
                files.put(member.split("/", 1)[1], archive.read(member))
    return manifest


def _counts(engine: Engine) -> dict[str, int]:
    names = [n for n in inspect(engine).get_table_names() if n != "alembic_version"]
    with engine.connect() as conn:
        return {
            n: conn.execute(text(f'SELECT COUNT(*) FROM "{n}"')).scalar() or 0  # noqa: S608  # nosec B608
            for n in names
        }


def _tool(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a PostgreSQL client tool (found on PATH) with a minimal environment."""
    import os

    base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "PGSSLMODE")}
    environment = {**base, **env}
    return subprocess.run(command, capture_output=True, text=True, env=environment, check=False)  # noqa: S603  # nosec B603
