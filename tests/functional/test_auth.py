"""Logging in and out, CSRF, cookies and headers."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from assessment import create_app
from tests.conftest import PASSWORD, World, csrf_from, login


def test_pages_need_a_login(client: FlaskClient) -> None:
    response = client.get("/en/")
    assert response.status_code == 302
    assert "/en/login" in response.headers["Location"]


def test_root_redirects_to_the_browser_language(client: FlaskClient) -> None:
    response = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/en/")


def test_unknown_language_is_a_404(client: FlaskClient, world: World) -> None:
    login(client, world.focal.email)
    assert client.get("/xx/").status_code == 404
    assert client.get("/..%2F..%2Fetc/").status_code == 404


def test_login_and_home_lists_own_country_only(client: FlaskClient, world: World) -> None:
    login(client, world.focal.email)
    page = client.get("/en/")
    assert page.status_code == 200
    assert "Republic of Veridia" in page.text
    assert "Northern Federation" not in page.text


def test_wrong_password_and_unknown_user_get_the_same_answer(
    client: FlaskClient, world: World
) -> None:
    answers = []
    for email, password in ((world.focal.email, "wrong"), ("nobody@test.example", PASSWORD)):
        page = client.get("/en/login")
        response = client.post(
            "/en/login",
            data={"email": email, "password": password, "csrf_token": csrf_from(page.text)},
        )
        assert response.status_code == 200
        answers.append(response.text.replace(email, "EMAIL"))
    assert "The e-mail or the password is not right." in answers[0]
    # The same page apart from the CSRF token: nothing tells which accounts exist.
    assert _without_token(answers[0]) == _without_token(answers[1])


def _without_token(html: str) -> str:
    return re.sub(r'(value|content)="[^"]*"', "", html)


def test_login_without_csrf_token_is_refused(client: FlaskClient, world: World) -> None:
    response = client.post("/en/login", data={"email": world.focal.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Nothing was saved" in response.text
    assert client.get("/en/").status_code == 302  # still logged out


def test_logout_ends_the_session_on_the_server(client: FlaskClient, world: World) -> None:
    login(client, world.focal.email)
    stolen = client.get_cookie("assessment_session").value
    page = client.get("/en/")
    response = client.post("/en/logout", data={"csrf_token": csrf_from(page.text)})
    assert response.status_code == 302
    # Replaying the cookie from before the logout does not log anyone in.
    client.set_cookie("assessment_session", stolen)
    assert client.get("/en/").status_code == 302


def test_logout_needs_a_post_with_csrf(client: FlaskClient, world: World) -> None:
    login(client, world.focal.email)
    assert client.get("/en/logout").status_code == 405
    assert client.post("/en/logout").status_code == 400
    assert client.get("/en/").status_code == 200


def test_next_only_redirects_within_the_site(client: FlaskClient, world: World) -> None:
    for target, expected in (
        ("//evil.example/x", "/en/"),
        ("https://evil.example", "/en/"),
        ("/\\evil.example", "/en/"),
        (f"/en/assessments/{world.assessment.id}", f"/en/assessments/{world.assessment.id}"),
    ):
        fresh = client.application.test_client()
        page = fresh.get("/en/login")
        response = fresh.post(
            "/en/login",
            data={
                "email": world.focal.email,
                "password": PASSWORD,
                "next": target,
                "csrf_token": csrf_from(page.text),
            },
        )
        assert response.headers["Location"] == expected


def test_security_headers(client: FlaskClient) -> None:
    response = client.get("/en/login")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_secure_httponly_and_samesite_by_default(
    app: Flask, world: World, tmp_path: Path
) -> None:
    production = create_app(
        {
            "DATABASE_URL": app.config["DATABASE_URL"],
            "SECRET_KEY": "k",
            "REPORT_CACHE_DIR": str(tmp_path),
        }
    )
    assert production.config["SESSION_COOKIE_SECURE"] is True
    browser = production.test_client()
    page = browser.get("https://localhost/en/login")
    response = browser.post(
        "https://localhost/en/login",
        data={"email": world.focal.email, "password": PASSWORD, "csrf_token": csrf_from(page.text)},
    )
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    production.extensions["database"].engine.dispose()


def test_healthz_answers_json(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
