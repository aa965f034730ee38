"""Browser fixtures: the app served by gunicorn on loopback, on a fresh SQLite database seeded
with the demo, and Debian's Chromium driven by Playwright (never a browser Playwright fetches)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Response,
    sync_playwright,
)
from sqlalchemy.orm import Session

from assessment import create_app

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = HERE / "artifacts"
DEMO_PASSWORD = "demo-password"
ASSETS = ("stylesheet", "script", "image", "font")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    database_url: str
    instance: Path


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    instance = tmp_path_factory.mktemp("browser-instance")
    database_url = f"sqlite:///{instance / 'app.db'}"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "DATABASE_URL", "TEST_DATABASE_URL")
    }
    env.update(
        INSTANCE_PATH=str(instance),
        DATABASE_URL=database_url,
        SECRET_KEY="browser-tests-secret",
        SESSION_COOKIE_SECURE="0",
        REMEMBER_COOKIE_SECURE="0",
        # Every journey logs in from the same address.
        LOGIN_RATE_LIMIT="1000 per minute",
    )
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for command in (["db", "upgrade"], ["demo", "seed"]):
        subprocess.run(flask + command, cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    log = (instance / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "2", "--threads", "2", "--timeout", "120", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not answer: " + (instance / "gunicorn.log").read_text())
        yield Server(url=url, database_url=database_url, instance=instance)
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.fixture(scope="session")
def backend(server: Server) -> Iterator[Flask]:
    """The same database seen from the test: to prepare states and to check what was stored."""
    os.environ.setdefault("INSTANCE_PATH", str(server.instance))
    app = create_app({"DATABASE_URL": server.database_url, "SECRET_KEY": "browser-tests-secret"})
    yield app
    app.extensions["database"].engine.dispose()


@pytest.fixture
def db(backend: Flask) -> Iterator[Session]:
    with backend.extensions["database"].session() as session:
        yield session


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # A missing Chromium fails the run: `make test` installs it, CI must never skip these tests.
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: install Debian's chromium package"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


class Pages:
    """Opens pages in fresh contexts and remembers what the browser complained about."""

    def __init__(self, browser: Browser, server: Server):
        self.browser = browser
        self.server = server
        self.contexts: list[BrowserContext] = []
        self.problems: list[str] = []

    def new(self, *, bypass_csp: bool = False, **options: object) -> Page:
        context = self.browser.new_context(
            base_url=self.server.url,
            bypass_csp=bypass_csp,
            viewport={"width": 1280, "height": 900},
            accept_downloads=True,
            **options,
        )
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("console", self._console)
        page.on("response", self._response)
        return page

    def _console(self, message: ConsoleMessage) -> None:
        # A refused page or a dropped connection is reported by the response or by the test.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console {message.type}: {message.text}")

    def _response(self, response: Response) -> None:
        if response.status >= 400 and response.request.resource_type in ASSETS:
            self.problems.append(f"{response.status} for {response.url}")

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser: Browser, server: Server) -> Iterator[Pages]:
    opened = Pages(browser, server)
    yield opened
    opened.close()
    # A script error or a refused inline style shows in the console: none may happen.
    assert opened.problems == []


def login(page: Page, email: str, lang: str = "en", password: str = DEMO_PASSWORD) -> None:
    page.goto(f"/{lang}/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/{lang}/?$"))


def screenshot(page: Page, name: str) -> Path:
    """A full-page picture for a person to look at, in the git-ignored artifacts folder."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    # The whole page, but no more than a few screens of a long questionnaire.
    width, height = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    )
    clip = {"x": 0, "y": 0, "width": width, "height": min(height, 4000)}
    page.screenshot(path=str(path), full_page=True, clip=clip)
    return path
