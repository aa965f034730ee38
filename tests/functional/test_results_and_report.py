"""From answers to scores on screen and in a real WeasyPrint PDF."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from assessment.framework_ext import registry
from assessment.models import Answer, TriggerFlag
from assessment.reports.render import render_html
from assessment.services.reporting import gap_report_data
from tests.conftest import World, login


def _answer_everything(session: Session, world: World, app: Flask) -> None:
    framework = app.extensions["frameworks"].current
    for n, question in enumerate(q for q in framework.questions if q.scored):
        session.add(
            Answer(
                assessment_id=world.assessment.id,
                question_id=question.id,
                level=n % 5,
                evidence="Report" if n % 2 else None,
                updated_by_id=world.focal.id,
            )
        )
    session.add(TriggerFlag(assessment_id=world.assessment.id, trigger_id="CTX-1"))
    session.commit()


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_results_page_shows_domain_scores_and_gaps(
    client: FlaskClient, world: World, session: Session, app: Flask
) -> None:
    _answer_everything(session, world, app)
    login(client, world.facilitator.email)
    page = client.get(f"/en/assessments/{world.assessment.id}/results")
    assert page.status_code == 200
    with app.app_context():
        framework = registry().current
        from assessment.services.assessments import score

        expected = score(session, framework, world.assessment)
    for domain in expected.domains:
        assert f"{framework.domain(domain.code).name} — {round(domain.score)} / 100" in page.text
    top = expected.gaps[0]
    assert f'<span class="id">{top.id}</span>' in page.text
    assert "<svg" in page.text


def test_results_of_an_empty_assessment_say_so(client: FlaskClient, world: World) -> None:
    login(client, world.focal.email)
    page = client.get(f"/en/assessments/{world.assessment.id}/results")
    assert "No gap yet" in page.text
    assert "not yet scored" in page.text


@pytest.mark.slow
def test_gap_report_pdf_names_country_domains_and_scores(
    client: FlaskClient, world: World, session: Session, app: Flask
) -> None:
    _answer_everything(session, world, app)
    login(client, world.focal.email)
    response = client.get(
        f"/en/assessments/{world.assessment.id}/report.pdf?download=1", buffered=True
    )  # read the streamed cache file whole, then close it
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"%PDF")
    text = _pdf_text(response.data)
    assert "Republic of Veridia" in text
    with app.app_context():
        report = gap_report_data(session, registry().current, world.assessment)
    for domain in report.domains:
        assert domain.name in text
        assert f"Domain score: {round(domain.score)} / 100" in text.replace("\n", " ")
    assert f"Overall score: {round(report.overall)} / 100" in text.replace("\n", " ")
    assert report.gaps[0].indicator.name.split()[0] in text

    # The same inputs are served from the cache.
    again = client.get(f"/en/assessments/{world.assessment.id}/report.pdf", buffered=True)
    assert again.data == response.data


def test_user_text_is_escaped_in_the_report(world: World, session: Session, app: Flask) -> None:
    world.home.name = (
        '<img src="file:///etc/passwd"><link rel="attachment" href="file:///etc/passwd">'
    )
    session.commit()
    with app.app_context():
        report = gap_report_data(session, registry().current, world.assessment)
    html = render_html(report, "en")
    assert '<img src="file:///etc/passwd">' not in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
