"""A real deployment in miniature for the fault tests: a migrated and seeded database, gunicorn
serving the app on a free loopback port, and small HTTP clients that behave like autosave.js."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
PG_SERVER = os.environ.get("PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PASSWORD = "demo-password"  # the demo's logins


def in_ci() -> bool:
    return bool(os.environ.get("CI"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_environment(database_url: str, instance: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "fault-test-secret",
        "SESSION_COOKIE_SECURE": "0",
        "REMEMBER_COOKIE_SECURE": "0",
        "LOGIN_RATE_LIMIT": "100000 per minute",
        "AUTOSAVE_RATE_LIMIT": "100000 per minute",
        "REPORT_CACHE_DIR": str(instance / "reports"),
    }


def flask(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A new PostgreSQL database for one test, dropped afterwards."""
    import secrets

    server = make_url(PG_SERVER)
    name = f"assessment_faults_{secrets.token_hex(4)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]

    def workers(self) -> list[int]:
        """The pids of gunicorn's worker processes (the master's children)."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int = 3) -> Iterator[Served]:
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        # The repository's own gunicorn settings (preload, threads, recycling): the ones in use.
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env={**env, "WEB_CONCURRENCY": str(workers), "WEB_ACCESS_LOG": "off"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    served = Served(f"http://127.0.0.1:{port}", process)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(served.url + "/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except (OSError, urllib.error.URLError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        yield served
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_META_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


class Browser:
    """One person's cookies and CSRF token, talking to the server like the autosave script."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.token = ""

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        req = urllib.request.Request(  # noqa: S310
            self.base + path, data=body, method=method, headers=headers or {}
        )
        try:
            with self.opener.open(req, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def login(self, email: str) -> None:
        _, _, page = self.request("GET", "/en/login")
        token = _CSRF.search(page.decode()).group(1)
        form = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": token})
        status, _, _ = self.request(
            "POST",
            "/en/login",
            form.encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status == 200, status  # followed the redirect to the home page

    def page_token(self, path: str) -> None:
        status, _, page = self.request("GET", path)
        assert status == 200, (path, status)
        html = page.decode()
        match = _META_CSRF.search(html) or _CSRF.search(html)
        self.token = match.group(1)

    def autosave(self, assessment_id: int, question_id: str, body: dict) -> tuple[int, dict, dict]:
        status, headers, raw = self.request(
            "POST",
            f"/en/assessments/{assessment_id}/answers/{question_id}",
            json.dumps(body).encode(),
            {"Content-Type": "application/json", "X-CSRFToken": self.token},
        )
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            data = {}
        return status, headers, data
