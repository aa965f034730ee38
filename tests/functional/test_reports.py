"""The PDF gap report, the blank questionnaire, and what a PDF must never do."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from assessment.models import Action, Answer, EvidenceFile, Review, ReviewRating, utcnow
from assessment.reports.render import html_to_pdf
from tests.conftest import World, login

pytestmark = pytest.mark.slow


def _pages(data: bytes) -> list[str]:
    """The text of each page, by poppler's pdftotext (pages end with a form feed)."""
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    return text.split("\f")[:-1]


def _complete(session: Session, world: World, app: Flask) -> None:
    framework = app.extensions["frameworks"].current
    review = Review(
        assessment_id=world.assessment.id,
        reviewer_id=world.reviewer.id,
        organisation="Civic Watch",
        submitted_at=utcnow(),
    )
    session.add(review)
    session.flush()
    for n, question in enumerate(framework.questions):
        if not question.scored:
            continue
        session.add(
            Answer(
                assessment_id=world.assessment.id,
                question_id=question.id,
                level=4 if question.id.startswith("SEC") else n % 4,
                confidence="high",
                evidence="Budget law 2025, article 12",
                comment="The committee met monthly.",
                updated_by_id=world.focal.id,
            )
        )
        session.add(
            ReviewRating(
                review_id=review.id,
                question_id=question.id,
                level=1,
                justification="Hearings were cancelled twice.",
            )
        )
    session.add(
        EvidenceFile(
            assessment_id=world.assessment.id,
            question_id="SEC-1.1",
            original_name="committee-minutes.pdf",
            stored_name="x" * 32,
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
        )
    )
    session.add(
        Action(
            assessment_id=world.assessment.id,
            title="Pass the oversight law",
            owner="Ministry of Defence",
            status="planned",
            indicator_ids=["SEC-1"],
        )
    )
    session.commit()


def test_the_gap_report_holds_every_part(
    client: FlaskClient, world: World, session: Session, app: Flask
) -> None:
    _complete(session, world, app)
    login(client, world.focal.email)
    response = client.get(f"/en/assessments/{world.assessment.id}/report.pdf", buffered=True)
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    assert reader.metadata.title == "Gap report — Republic of Veridia, 2026"
    assert str(reader.trailer["/Root"]["/Lang"]) == "en"
    pages = _pages(response.data)
    total = len(reader.pages)
    assert len(pages) == total
    text = "\n".join(pages)
    toc = pages[1]
    assert "Contents" in toc
    for heading in (
        "Summary",
        "Ranked gaps and recommendations",
        "Contested indicators",
        "Coverage by UN Framework risk factor",
        "Action plan",
        "Annex: evidence",
        "Annex: methodology",
    ):
        assert heading in toc
    # The table of contents points at the pages the chapters start on.
    for line in toc.splitlines():
        if line.startswith("Annex: methodology"):
            target = int(line.rstrip().split()[-1].strip("."))
            assert "Annex: methodology" in pages[target - 1]
    assert f"Page 2 of {total}" in pages[1]
    assert f"Page {total} of {total}" in pages[-1]
    assert "Civic Watch" in text and "Hearings were cancelled twice." in text
    assert "Pass the oversight law" in text and "Ministry of Defence" in text
    assert "committee-minutes.pdf" in text
    assert "Confidence" in text and "Evidence" in text


def test_letter_paper_and_a4(app: Flask, world: World, session: Session, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    for paper, size in (("a4", (595, 842)), ("letter", (612, 792))):
        output = tmp_path / f"{paper}.pdf"
        result = runner.invoke(
            args=[
                "report",
                "render",
                "--assessment",
                str(world.assessment.id),
                "--paper",
                paper,
                "--output",
                str(output),
            ]
        )
        assert result.exit_code == 0, result.output
        box = PdfReader(output).pages[0].mediabox
        assert (round(box.width), round(box.height)) == size


def test_the_blank_questionnaire_in_one_and_two_languages(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    english = tmp_path / "en.pdf"
    assert (
        runner.invoke(args=["report", "blank", "--lang", "en", "--output", str(english)]).exit_code
        == 0
    )
    text = "\n".join(_pages(english.read_bytes()))
    framework = app.extensions["frameworks"].current
    question = framework.question("SEC-1.1")
    assert "SEC-1.1" in text and "CTX-1" in text
    assert question.levels[4].split(",")[0] in text.replace("\n", " ")
    assert "Not applicable" in text
    both = tmp_path / "fr-es.pdf"
    result = runner.invoke(
        args=["report", "blank", "--lang", "fr", "--second-lang", "es", "--output", str(both)]
    )
    assert result.exit_code == 0, result.output
    text = " ".join(" ".join(_pages(both.read_bytes())).split())
    registry = app.extensions["frameworks"]
    for lang in ("fr", "es"):
        localized = registry.localized(framework.version, lang).question("SEC-1.1").text
        # Side by side the columns' lines interleave in extracted text: look for the words.
        words = [w.strip("?¿,.") for w in localized.split() if "-" not in w][:6]
        assert all(word in text for word in words), [w for w in words if w not in text]
    bad = runner.invoke(args=["report", "blank", "--lang", "xx", "--output", str(both)])
    assert bad.exit_code != 0


@pytest.mark.parametrize(
    "hostile",
    [
        '<link rel="attachment" href="file:///etc/passwd">',
        '<img src="file:///etc/passwd">',
        '<img src="http://169.254.169.254/latest/meta-data/">',
        '<p style="background: url(file:///etc/hostname)">x</p>',
    ],
)
def test_a_pdf_never_fetches_local_files_or_the_network(hostile: str) -> None:
    pdf = html_to_pdf(f"<html><body><p>report</p>{hostile}</body></html>")
    reader = PdfReader(io.BytesIO(pdf))
    assert "/EmbeddedFiles" not in str(reader.trailer["/Root"].get("/Names", {}))
    assert sum(len(page.images) for page in reader.pages) == 0
    assert b"root:" not in pdf


def test_a_failed_render_is_a_clear_error_page(
    world: World, session: Session, tmp_path: Path
) -> None:
    from assessment import create_app

    _ = session
    for limits in ({"REPORT_TIMEOUT_SECONDS": 0.01}, {"REPORT_MEMORY_LIMIT_MB": 64}):
        app = create_app(
            {
                "DATABASE_URL": world_database_url(),
                "SECRET_KEY": "k",
                "SESSION_COOKIE_SECURE": False,
                "REPORT_CACHE_DIR": str(tmp_path),
                **limits,
            }
        )
        client = app.test_client()
        login(client, world.focal.email)
        response = client.get(f"/en/assessments/{world.assessment.id}/report.pdf")
        assert response.status_code == 503
        assert "could not be produced just now" in response.text
        app.extensions["database"].engine.dispose()


def world_database_url() -> str:
    import os

    from tests.conftest import _database_url

    return _database_url(Path(os.environ["INSTANCE_PATH"]))


def test_a_changed_answer_renders_a_new_report(
    client: FlaskClient, world: World, session: Session, app: Flask
) -> None:
    login(client, world.focal.email)
    url = f"/en/assessments/{world.assessment.id}/report.pdf"
    first = client.get(url, buffered=True).data
    assert client.get(url, buffered=True).data == first  # served from the cache
    session.add(
        Answer(
            assessment_id=world.assessment.id,
            question_id="SEC-1.1",
            level=3,
            updated_by_id=world.focal.id,
        )
    )
    session.commit()
    assert client.get(url, buffered=True).data != first


def test_no_glyph_is_missing_in_the_arabic_and_chinese_reports(
    client: FlaskClient, world: World, session: Session, app: Flask, tmp_path: Path
) -> None:
    _complete(session, world, app)
    login(client, world.focal.email)
    for lang in ("ar", "zh"):
        data = client.get(
            f"/{lang}/assessments/{world.assessment.id}/report.pdf", buffered=True
        ).data
        path = tmp_path / f"{lang}.pdf"
        path.write_bytes(data)
        fonts = subprocess.run(
            ["pdffonts", str(path)], capture_output=True, text=True, check=True
        ).stdout
        assert ("Arabic" if lang == "ar" else "CJK") in fonts
        name = (
            app.extensions["frameworks"]
            .localized(world.assessment.framework_version, lang)
            .domain("SEC")
            .name
        )
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert all(c in text for c in name if not c.isspace())
        from babel.support import Translations

        heading = Translations.load(
            str(Path(__file__).parents[2] / "translations"), [lang], domain="messages"
        ).gettext("Gap report")
        assert heading != "Gap report"  # the heading is translated
        assert all(c in text for c in heading if not c.isspace())


def test_the_workshop_pack_joins_the_report_and_worksheets(
    app: Flask, world: World, session: Session, tmp_path: Path
) -> None:
    _complete(session, world, app)
    runner = app.test_cli_runner()
    output = tmp_path / "pack.pdf"
    result = runner.invoke(
        args=[
            "report",
            "pack",
            "--assessment",
            str(world.assessment.id),
            "--indicators",
            "SEC-1, JUS-2",
            "--output",
            str(output),
        ]
    )
    assert result.exit_code == 0, result.output
    pages = _pages(output.read_bytes())
    report_end = max(n for n, page in enumerate(pages) if "Annex: methodology" in page)
    worksheets = "\n".join(pages[report_end + 1 :])
    assert "BLANK QUESTIONNAIRE FOR PAPER" in worksheets
    assert "SEC-1.1" in worksheets and "JUS-2.1" in worksheets
    assert "SEC-2.1" not in worksheets and "CTX-1" not in worksheets
    bad = runner.invoke(
        args=[
            "report",
            "pack",
            "--assessment",
            str(world.assessment.id),
            "--indicators",
            "SEC-99",
            "--output",
            str(output),
        ]
    )
    assert bad.exit_code != 0 and "SEC-99" in bad.output


def test_with_redis_reports_render_in_a_queue_worker(
    world: World, session: Session, tmp_path: Path
) -> None:
    """The queue path, on the real Redis server: the first request answers at once that the
    report is being prepared, a worker renders it, the next request serves the PDF."""
    import uuid

    from redis import Redis
    from rq import SimpleWorker

    from assessment import create_app
    from assessment.reports_ext import queue

    redis_url = "redis://127.0.0.1:6379/15"
    try:
        Redis.from_url(redis_url).ping()
    except Exception as error:  # noqa: BLE001
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {redis_url}: {error}")
    app = create_app(
        {
            "DATABASE_URL": world_database_url(),
            "SECRET_KEY": "k",
            "SESSION_COOKIE_SECURE": False,
            "REPORT_CACHE_DIR": str(tmp_path),
            "REDIS_URL": redis_url,
            "REPORT_QUEUE": f"test-{uuid.uuid4().hex}",
        }
    )
    client = app.test_client()
    login(client, world.focal.email)
    url = f"/en/assessments/{world.assessment.id}/report.pdf"
    first = client.get(url)
    assert first.status_code == 202
    assert first.headers["Refresh"] == "3"
    assert "The report is being prepared" in first.text
    assert client.get(url).status_code == 202  # the same job, not a second one
    with app.app_context():
        reports = queue()
        assert reports.count == 1
        SimpleWorker([reports], connection=reports.connection).work(burst=True)
    ready = client.get(url, buffered=True)
    assert ready.status_code == 200
    assert ready.data.startswith(b"%PDF")
    assert "Republic of Veridia" in "\n".join(_pages(ready.data))
    with app.app_context():
        queue().delete(delete_jobs=True)
    app.extensions["database"].engine.dispose()
