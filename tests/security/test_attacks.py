"""The attacks survey platforms have suffered (reference: perf_sec.md section 7), each failing
with a clear answer and leaving the data as it was.

Cases covered elsewhere, so each is tested once: IDOR on pages (functional/test_access.py),
uploads (functional/test_collaboration.py), PDF fetching and SSRF (functional/test_reports.py),
brute force and enumeration, lockout, throttling, timeouts, forged proxy headers
(security/test_sessions_and_limits.py), logout and replayed cookies, open redirects, cookie flags
and headers (functional/test_auth.py), stale, replayed and interleaved saves
(functional/test_autosave.py), unknown locales and right-to-left page counters
(functional/test_i18n.py). Export formulas belong to the exports, which do not exist yet.
"""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessment.models import Answer, AuditEntry, Comment, Country, User
from tests.conftest import World, csrf_from, login


def _token(client: FlaskClient) -> str:
    return csrf_from(client.get("/en/").text)


def _count(session: Session, model: type) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_another_countrys_answers_cannot_be_written(
    client: FlaskClient, world: World, session: Session
) -> None:
    login(client, world.focal.email)
    response = client.post(
        f"/en/assessments/{world.other_assessment.id}/answers/SEC-1.1",
        json={"version": 0, "level": 4},
        headers={"X-CSRFToken": _token(client)},
    )
    assert response.status_code == 404
    assert _count(session, Answer) == 0


@pytest.mark.parametrize(
    "path",
    [
        "/en/assessments/-1",
        "/en/assessments/99999999999999999999",
        "/en/assessments/abc",
        "/en/assessments/1/sections/XYZ",
        "/en/assessments/1/sections/..%2f..%2fetc",
        "/en/assessments/1/evidence/..%2f..%2fetc%2fpasswd",
        "/en/assessments/1/workshop/SEC-99",
        "/static/..%2f..%2fconfig.py",
        "/en/assessments/1/evidence/-5",
    ],
)
def test_strange_ids_and_traversal_are_404(client: FlaskClient, world: World, path: str) -> None:
    login(client, world.focal.email)
    assert client.get(path).status_code == 404


def test_autosave_without_csrf_or_from_another_site_is_refused(
    client: FlaskClient, world: World, session: Session
) -> None:
    login(client, world.focal.email)
    url = f"/en/assessments/{world.assessment.id}/answers/SEC-1.1"
    assert client.post(url, json={"version": 0, "level": 4}).status_code == 400
    forged = client.post(
        url,
        json={"version": 0, "level": 4},
        headers={"X-CSRFToken": "forged-token", "Origin": "https://evil.example"},
    )
    assert forged.status_code == 400
    assert _count(session, Answer) == 0


XSS = [
    '"><img src=x onerror=alert(1)>',
    "<script>alert(document.cookie)</script>",
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("payload", XSS)
def test_stored_script_is_escaped_wherever_it_is_shown(
    client: FlaskClient, world: World, session: Session, payload: str
) -> None:
    country = session.get(Country, world.home.id)
    country.name = payload  # an administrator's typo, or a hostile administrator
    session.commit()
    login(client, world.focal.email)
    token = _token(client)
    client.post(
        f"/en/assessments/{world.assessment.id}/answers/SEC-1.1",
        json={"version": 0, "level": 2, "evidence": payload, "comment": payload},
        headers={"X-CSRFToken": token},
    )
    client.post(
        f"/en/assessments/{world.assessment.id}/questions/SEC-1.1/comments",
        data={"csrf_token": token, "body": payload},
    )
    pages = [
        client.get(f"/en/assessments/{world.assessment.id}/sections/SEC").text,
        client.get(f"/en/assessments/{world.assessment.id}/results").text,
        client.get(f"/en/assessments/{world.assessment.id}/history").text,
        client.get("/en/").text,
    ]
    for page in pages:
        assert payload not in page or payload == "javascript:alert(1)"
        assert "<script>alert" not in page and "onerror=alert" not in page.replace(
            "onerror=alert(1)&gt;", ""
        )
    assert 'href="javascript:' not in pages[0]  # links are made of http(s) addresses only
    from assessment.reports.render import render_html
    from assessment.services.reporting import gap_report_data

    with client.application.app_context():
        report = gap_report_data(
            session, client.application.extensions["frameworks"].current, world.assessment
        )
    html = render_html(report, "en")
    assert "<script>alert" not in html and "<img src=x" not in html and "<svg/onload" not in html


@pytest.mark.parametrize(
    "text",
    [
        "Right\u202eto-left override",
        "zero\u200bwidth\u200djoiner",
        "Z\u0351\u0352\u0353" * 50,
        "𡃁 CJK extension B",
        "العدد ١٢٣ and 456 mixed",
        "NUL\x00inside",
    ],
)
def test_hostile_unicode_is_kept_or_cleaned_never_a_crash(
    client: FlaskClient, world: World, session: Session, text: str
) -> None:
    login(client, world.focal.email)
    response = client.post(
        f"/en/assessments/{world.assessment.id}/answers/SEC-1.1",
        json={"version": 0, "level": 2, "evidence": text},
        headers={"X-CSRFToken": _token(client)},
    )
    assert response.status_code == 200
    session.rollback()
    stored = session.scalar(select(Answer.evidence))
    assert stored == text.replace("\x00", "")
    assert client.get(f"/en/assessments/{world.assessment.id}/sections/SEC").status_code == 200


def test_malformed_bodies_get_a_clear_4xx(
    client: FlaskClient, world: World, session: Session
) -> None:
    login(client, world.focal.email)
    url = f"/en/assessments/{world.assessment.id}/answers/SEC-1.1"
    headers = {"X-CSRFToken": _token(client), "Content-Type": "application/json"}
    bodies = [
        b'{"version": 0, "level": 2, "evidence": "\\ud800 lone surrogate"}',
        b"\xff\xfe not utf-8",
        ("[" * 5000 + "]" * 5000).encode(),
        json.dumps({f"k{n}": n for n in range(200_000)}).encode(),  # under the size limit
        b'{"version": 0, "level": 2, "evidence": ' + b'"' + b"x" * 3_000_000 + b'"}',
    ]
    for body in bodies:
        response = client.post(url, data=body, headers=headers)
        assert 400 <= response.status_code < 500, (response.status_code, body[:40])
    assert _count(session, Answer) == 0


@pytest.mark.parametrize("value", ["' OR 1=1 --", "1; DROP TABLE answers", "SEC-1.1' UNION SELECT"])
def test_injection_in_parameters_is_only_data(
    client: FlaskClient, world: World, session: Session, value: str
) -> None:
    login(client, world.focal.email)
    token = _token(client)
    client.post(
        f"/en/assessments/{world.assessment.id}/answers/SEC-1.1",
        json={"version": 0, "level": 2, "evidence": value},
        headers={"X-CSRFToken": token},
    )
    history = client.get(
        f"/en/assessments/{world.assessment.id}/history",
        query_string={"question": value, "person": value, "page": value},
    )
    assert history.status_code == 200
    assert "0 change(s)" in history.text  # the filter matched nothing, it did not widen
    assert client.get(f"/{value}/").status_code == 404
    assert _count(session, Answer) == 1
    assert session.scalar(select(Answer.evidence)) == value


def test_mass_assignment_is_ignored(client: FlaskClient, world: World, session: Session) -> None:
    login(client, world.contributor.email)
    token = _token(client)
    response = client.post(
        f"/en/assessments/{world.assessment.id}/answers/SEC-1.1",
        json={
            "version": 0,
            "level": 2,
            "is_admin": True,
            "role": "admin",
            "assessment_id": world.other_assessment.id,
            "updated_by_id": 1,
            "state": "published",
        },
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200
    session.rollback()
    answer = session.scalar(select(Answer))
    assert answer.assessment_id == world.assessment.id
    assert answer.updated_by_id == world.contributor.id
    user = session.get(User, world.contributor.id)
    assert not user.is_admin
    assert user.role_in(world.home.id).value == "contributor"
    login_page = client.get("/en/admin/")
    assert login_page.status_code == 404


def test_oversized_bodies_are_refused_before_they_are_read(
    client: FlaskClient, world: World, app: Flask, session: Session
) -> None:
    login(client, world.focal.email)
    too_big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post(
        f"/en/assessments/{world.assessment.id}/questions/SEC-1.1/comments",
        data=too_big,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert "too large" in response.text
    assert _count(session, Comment) == 0


def test_every_refused_attempt_leaves_the_audit_log_untouched(
    client: FlaskClient, world: World, session: Session
) -> None:
    before = _count(session, AuditEntry)
    login(client, world.reviewer.email)
    token = _token(client)
    client.post(
        f"/en/assessments/{world.assessment.id}/answers/SEC-1.1",
        json={"version": 0, "level": 4},
        headers={"X-CSRFToken": token},
    )
    client.post(
        f"/en/assessments/{world.assessment.id}/transitions/submit", data={"csrf_token": token}
    )
    client.post(f"/en/assessments/{world.assessment.id}/team", data={"csrf_token": token})
    assert _count(session, AuditEntry) == before
