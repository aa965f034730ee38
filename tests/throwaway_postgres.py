"""Run a command against a throw-away PostgreSQL database, dropped afterwards.

    python -m tests.throwaway_postgres postgresql+psycopg://user@host:5432/postgres -- pytest

The command gets TEST_DATABASE_URL pointing at the new database. Exits with the command's code.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    server = make_url(argv[0])
    name = f"assessment_test_{secrets.token_hex(4)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001 - say plainly why, then fail
        print(
            f"PostgreSQL is not reachable at {server.render_as_string()}: {error}", file=sys.stderr
        )
        return 3
    url = server.set(database=name).render_as_string(hide_password=False)
    print(f"PostgreSQL test database {name}", flush=True)
    try:
        return subprocess.call(argv[2:], env={**os.environ, "TEST_DATABASE_URL": url})  # noqa: S603
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
