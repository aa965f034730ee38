"""Fixtures: one app per test session on a real database (SQLite by default, PostgreSQL when
TEST_DATABASE_URL names one), migrated with Alembic, emptied after every test."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from assessment import create_app
from assessment.db import database
from assessment.migrations import upgrade
from assessment.models import Assessment, Base, Country, Role, SectionAssignment, User
from assessment.services.accounts import create_user

PASSWORD = "correct horse battery staple"
DATA = Path(__file__).parent / "data"


def _database_url(tmp: Path) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp / 'test.db'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    tmp = tmp_path_factory.mktemp("instance")
    os.environ["INSTANCE_PATH"] = str(tmp)
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": _database_url(tmp),
            "SECRET_KEY": "test-secret-key",
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
            "REPORT_CACHE_DIR": str(tmp / "reports"),
            # The suite logs in hundreds of times from one address; the tests of the limits
            # set their own.
            "LOGIN_RATE_LIMIT": "100000 per minute",
            "AUTOSAVE_RATE_LIMIT": "100000 per minute",
            "API_RATE_LIMIT": "100000 per minute",
            "API_ADDRESS_RATE_LIMIT": "100000 per minute",
        }
    )
    with app.app_context():
        engine = database().engine
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(engine)
    yield app
    app.extensions["database"].engine.dispose()


@pytest.fixture(autouse=True)
def _empty_database(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "app" not in request.fixturenames:
        return
    engine = request.getfixturevalue("app").extensions["database"].engine
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(t.name for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    # No app context stays pushed: requests made by the test client must get their own, as in
    # production, or `g` would leak from one request into the next.
    with app.extensions["database"].session() as session:
        yield session


@dataclass
class World:
    """Two countries, each with people in every role, and one draft assessment each."""

    home: Country
    other: Country
    admin: User
    focal: User
    contributor: User
    reviewer: User
    facilitator: User
    other_focal: User
    assessment: Assessment
    other_assessment: Assessment


@pytest.fixture
def world(app: Flask, session: Session) -> World:
    version = app.extensions["frameworks"].current_version
    home = Country(iso_code="XV", name="Republic of Veridia")
    other = Country(iso_code="XN", name="Northern Federation")
    session.add_all([home, other])
    session.flush()
    people = {
        "admin": create_user(session, "admin@test.example", "Admin", PASSWORD, is_admin=True),
        "focal": create_user(
            session,
            "focal@test.example",
            "Fatima Focal",
            PASSWORD,
            country=home,
            role=Role.FOCAL_POINT,
        ),
        "contributor": create_user(
            session, "contrib@test.example", "Carlos", PASSWORD, country=home, role=Role.CONTRIBUTOR
        ),
        "reviewer": create_user(
            session,
            "reviewer@test.example",
            "Rania",
            PASSWORD,
            country=home,
            role=Role.PEER_REVIEWER,
        ),
        "facilitator": create_user(
            session, "facil@test.example", "Felix", PASSWORD, country=home, role=Role.FACILITATOR
        ),
        "other_focal": create_user(
            session,
            "focal@other.example",
            "Nils North",
            PASSWORD,
            country=other,
            role=Role.FOCAL_POINT,
        ),
    }
    assessment = Assessment(
        country=home, cycle="2026", framework_version=version, focal_point=people["focal"]
    )
    other_assessment = Assessment(
        country=other, cycle="2026", framework_version=version, focal_point=people["other_focal"]
    )
    session.add_all([assessment, other_assessment])
    session.flush()
    # The contributor answers the security sector only.
    session.add(
        SectionAssignment(
            assessment_id=assessment.id, user_id=people["contributor"].id, domain_code="SEC"
        )
    )
    session.commit()
    return World(
        home=home, other=other, assessment=assessment, other_assessment=other_assessment, **people
    )


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def login(client: FlaskClient, email: str, password: str = PASSWORD) -> None:
    page = client.get("/en/login")
    response = client.post(
        "/en/login", data={"email": email, "password": password, "csrf_token": csrf_from(page.text)}
    )
    assert response.status_code == 302, response.text
