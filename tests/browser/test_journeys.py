"""Each person's work from start to end in Chromium, against the app served by gunicorn; the
database is read afterwards to check that what the page said happened did happen."""

from __future__ import annotations

import re
import time
from io import BytesIO

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.models import (
    Answer,
    Assessment,
    EvidenceFile,
    Review,
    SectionAssignment,
    State,
    ValidatedScore,
)
from assessment.services.accounts import find_user

from . import prepare
from .conftest import Pages, login, screenshot

SECTIONS = ("SEC", "JUS", "INC", "CIT", "ARC")
# A small real PDF is not needed: the server checks the type from the first bytes.
EVIDENCE = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def wait_until_saved(page: Page, assessment_id: int) -> None:
    """The status line says saved and nothing waits in the browser's queue."""
    key = f"answers:{assessment_id}"
    for _ in range(300):
        queued = page.evaluate("k => localStorage.getItem(k)", key)
        state = page.locator("#save-status").get_attribute("data-state")
        if state == "saved" and queued in (None, "{}"):
            return
        if state == "failed":
            raise AssertionError(page.locator("#save-status").text_content())
        time.sleep(0.1)
    raise AssertionError(f"answers still unsent: {queued!r}, status {state!r}")


def stored(db: Session, assessment_id: int, question_id: str) -> Answer | None:
    prepare.fresh(db)
    return db.scalar(
        select(Answer).where(
            Answer.assessment_id == assessment_id, Answer.question_id == question_id
        )
    )


def block(page: Page, question_id: str):  # noqa: ANN201
    return page.locator(f'[id="{question_id}"]')


def choose_answer(page: Page, question_id: str, value: str = "2") -> None:
    """Pick an answer the way a person does: a level, or the first option, or a number."""
    question = block(page, question_id)
    kind = question.get_attribute("data-type")
    if kind in ("number", "text"):
        field = question.locator('[name$="-value"]')
        field.fill("12" if kind == "number" else "The ministry's annual report.")
        field.press("Tab")  # autosave runs when the respondent moves on
        return
    preferred = question.locator(f'input[name$="-answer"][value="{value}"]')
    if preferred.count():
        preferred.check()
    else:
        question.locator('input[name$="-answer"]').first.check()


def answer_the_rest(page: Page, lang: str, assessment_id: int) -> None:
    for code in SECTIONS:
        page.goto(f"/{lang}/assessments/{assessment_id}/sections/{code}")
        open_ids = page.evaluate(
            """() => [...document.querySelectorAll('.question[data-question]')]
              .filter(q => !q.querySelector('[name$="-answer"]:checked')
                           && !(q.querySelector('[name$="-value"]') || {}).value)
              .map(q => q.dataset.question)"""
        )
        for question_id in open_ids:
            choose_answer(page, question_id)
        wait_until_saved(page, assessment_id)


@pytest.mark.parametrize(("lang", "cycle"), [("en", "2027"), ("ar", "2028")])
def test_focal_point_answers_and_submits(
    pages: Pages, backend: Flask, db: Session, lang: str, cycle: str
) -> None:
    page = pages.new()
    login(page, "focal@demo.example", lang)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")

    # Open the cycle's assessment from the home page.
    page.locator("input[name=cycle]").first.fill(cycle)
    page.locator("form[action$='/assessments/new'] button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/assessments/\d+$"))
    assessment_id = int(page.url.rsplit("/", 1)[1])

    # Give the inclusion section to the ministry's contributor.
    page.goto(f"/{lang}/assessments/{assessment_id}/team")
    row = page.locator("tr", has_text="contributor@demo.example")
    row.locator("input[name=sections][value=INC]").check()
    row.locator("button[type=submit]").click()
    expect(
        page.locator("tr", has_text="contributor@demo.example").locator(
            "input[name=sections][value=INC]"
        )
    ).to_be_checked()
    prepare.fresh(db)
    contributor = find_user(db, "contributor@demo.example")
    assert (
        db.scalar(
            select(SectionAssignment.domain_code).where(
                SectionAssignment.assessment_id == assessment_id,
                SectionAssignment.user_id == contributor.id,
            )
        )
        == "INC"
    )

    # Answer: each choice is saved as soon as it is made.
    page.goto(f"/{lang}/assessments/{assessment_id}/sections/SEC")
    ids = page.locator(".question[data-question]").evaluate_all(
        "blocks => blocks.map(b => b.dataset.question)"
    )
    first, second, third = ids[:3]
    choose_answer(page, first, "3")
    block(page, first).locator('[name$="-evidence"]').fill("Committee minutes, 2026.")
    block(page, first).locator('[name$="-evidence"]').press("Tab")
    wait_until_saved(page, assessment_id)
    answer = stored(db, assessment_id, first)
    assert answer is not None and answer.level == 3
    assert answer.evidence == "Committee minutes, 2026."

    # The connection drops: the answer waits in the browser, the page says so.
    page.context.set_offline(True)
    choose_answer(page, second, "1")
    expect(page.locator("#save-status")).to_have_attribute("data-state", "offline")
    assert stored(db, assessment_id, second) is None
    # ... and is sent when it returns.
    page.context.set_offline(False)
    wait_until_saved(page, assessment_id)
    answer = stored(db, assessment_id, second)
    assert answer is not None and answer.level == 1

    # Attach a file of evidence to the third question.
    choose_answer(page, third, "2")
    wait_until_saved(page, assessment_id)
    page.locator(f'[id="file-{third}"]').set_input_files(
        files=[{"name": "budget-hearing.pdf", "mimeType": "application/pdf", "buffer": EVIDENCE}]
    )
    page.locator(f'form[id="attach-{third}"] button[type=submit]').click()
    expect(block(page, third).locator(".files a")).to_have_text("budget-hearing.pdf")
    # The answers made before and while offline are still shown after the page reloaded.
    expect(block(page, second).locator('input[name$="-answer"][value="1"]')).to_be_checked()
    prepare.fresh(db)
    assert (
        db.scalar(
            select(EvidenceFile.original_name).where(
                EvidenceFile.assessment_id == assessment_id, EvidenceFile.question_id == third
            )
        )
        == "budget-hearing.pdf"
    )
    screenshot(page, f"journey-{lang}-section-answered")

    # Every other question, then submit.
    answer_the_rest(page, lang, assessment_id)
    page.goto(f"/{lang}/assessments/{assessment_id}")
    submit = page.locator("form[action$='/transitions/submit'] button[type=submit]")
    expect(submit).to_be_enabled()
    screenshot(page, f"journey-{lang}-ready-to-submit")
    submit.click()
    expect(page.locator(".state-submitted").first).to_be_visible()
    prepare.fresh(db)
    assert db.get(Assessment, assessment_id).state == State.SUBMITTED.value


def test_contributor_answers_only_their_sections(pages: Pages, backend: Flask, db: Session) -> None:
    assessment_id = db.scalar(
        select(Assessment.id)
        .where(Assessment.cycle == "2026", Assessment.area == "")
        .order_by(Assessment.id)
    )
    page = pages.new()
    login(page, "contributor@demo.example")
    page.goto(f"/en/assessments/{assessment_id}")
    yours = page.locator("tr", has=page.locator(".tag"))
    expect(yours).to_have_count(2)  # security and justice, as the demo assigns them

    # Not theirs: everything is shown, nothing can be changed, nothing is autosaved.
    page.goto(f"/en/assessments/{assessment_id}/sections/INC")
    expect(page.locator("#save-status")).to_have_count(0)
    assert page.locator('input[name$="-answer"]:enabled').count() == 0
    question = page.locator(".question[data-question]").first.get_attribute("data-question")
    refused = page.request.post(
        f"/en/assessments/{assessment_id}/answers/{question}",
        data={"version": 0, "level": 4, "operation_id": "contributor-not-theirs"},
        headers={"X-CSRFToken": page.locator("meta[name=csrf-token]").get_attribute("content")},
    )
    assert refused.status == 403
    assert stored(db, assessment_id, question) is None

    # Theirs: the open justice questions, saved as they go.
    page.goto(f"/en/assessments/{assessment_id}/sections/JUS")
    open_ids = page.evaluate(
        """() => [...document.querySelectorAll('.question[data-question]')]
          .filter(q => !q.querySelector('[name$="-answer"]:checked')
                       && !(q.querySelector('[name$="-value"]') || {}).value)
          .map(q => q.dataset.question)"""
    )
    assert open_ids
    # "Unknown" needs a reason: the refusal is shown beside the question, not hidden by a
    # later "saved", and giving the reason saves it.
    doubtful = block(page, open_ids[0])
    doubtful.locator('input[name$="-answer"][value="unknown"]').check()
    expect(doubtful.locator(".autosave-error")).to_be_visible()
    expect(page.locator("#save-status")).to_have_attribute("data-state", "failed")
    doubtful.locator('[name$="-reason"]').fill("The figures are held by another ministry.")
    doubtful.locator('[name$="-reason"]').press("Tab")
    expect(doubtful.locator(".autosave-error")).to_have_count(0)
    for question_id in open_ids[1:]:
        choose_answer(page, question_id)
    wait_until_saved(page, assessment_id)
    contributor = find_user(db, "contributor@demo.example")
    for question_id in open_ids:
        answer = stored(db, assessment_id, question_id)
        assert answer is not None and answer.updated_by_id == contributor.id


def test_peer_reviewer_rates_blind_and_submits(pages: Pages, backend: Flask, db: Session) -> None:
    assessment_id = prepare.submitted_with_reviewer(backend, db, "2024")

    # The facilitator opens the peer review.
    facilitator = pages.new()
    login(facilitator, "facilitator@demo.example")
    facilitator.goto(f"/en/assessments/{assessment_id}")
    facilitator.locator("form[action$='/transitions/open_review'] button").click()
    expect(facilitator.locator(".state-peer_review").first).to_be_visible()

    page = pages.new()
    login(page, "reviewer@demo.example")
    # Blind: the government's ratings stay hidden until the reviewer has submitted.
    hidden = page.goto(f"/en/assessments/{assessment_id}/divergence")
    assert hidden is not None and hidden.status in (403, 404)
    page.goto(f"/en/assessments/{assessment_id}/review")
    sections = page.locator("table.sections a").evaluate_all("links => links.map(a => a.href)")
    assert len(sections) == len(SECTIONS)
    for n, href in enumerate(sections):
        page.goto(href)
        questions = page.locator("form .question")
        first = questions.first
        first.locator('[name$="-justification"]').fill("Our monitoring of hearings in 2026.")
        first.locator('input[name$="-confidence"][value="medium"]').check()
        for i in range(questions.count()):
            questions.nth(i).locator('input[name$="-answer"]').nth(n % 3).check()
        page.locator("form button.primary").click()
        expect(page.locator(".flash-error")).to_have_count(0)
    page.goto(f"/en/assessments/{assessment_id}/review")
    submit = page.locator("form[action$='/review/submit'] button")
    expect(submit).to_be_enabled()
    screenshot(page, "journey-en-review-ready")
    submit.click()
    expect(page.locator(".flash-success").first).to_be_visible()
    shown = page.goto(f"/en/assessments/{assessment_id}/divergence")
    assert shown is not None and shown.status == 200

    prepare.fresh(db)
    reviewer = find_user(db, "reviewer@demo.example")
    review = db.scalar(
        select(Review).where(
            Review.assessment_id == assessment_id, Review.reviewer_id == reviewer.id
        )
    )
    assert review.submitted_at is not None
    framework = backend.extensions["frameworks"].current
    assert len(review.ratings) == sum(1 for q in framework.questions if q.scored)
    # The government's answers are untouched by the review.
    assert {a.updated_by_id for a in db.get(Assessment, assessment_id).answers} == {
        find_user(db, "focal@demo.example").id
    }


def test_facilitator_runs_the_workshop_and_prints_the_gap_report(
    pages: Pages, backend: Flask, db: Session
) -> None:
    assessment_id = prepare.in_workshop(backend, db, "2023")
    page = pages.new()
    login(page, "facilitator@demo.example")
    page.goto(f"/en/assessments/{assessment_id}/workshop")
    screenshot(page, "journey-en-workshop-agenda")
    contested = (
        page.locator("tbody tr", has=page.locator(".tag"))
        .locator("a")
        .evaluate_all("links => links.map(a => a.href)")
    )
    assert contested, "the prepared reviews disagree with the government somewhere"
    for n, href in enumerate(contested):
        page.goto(href)
        if n == 0:
            expect(page.locator(".score-box")).to_have_count(3)  # G, P and V, for the projector
            screenshot(page, "journey-en-workshop-indicator")
        page.locator("input[name=outcome][value=validated]").check()
        page.locator("select[name=level]").select_option("2")
        page.locator("textarea[name=note]").fill("Agreed after reading the committee minutes.")
        page.locator("form button[type=submit].primary, form button[type=submit]").last.click()
        expect(page.locator(".flash-success").first).to_be_visible()

    page.goto(f"/en/assessments/{assessment_id}")
    page.locator("form[action$='/transitions/validate'] button").click()
    expect(page.locator(".state-validated").first).to_be_visible()
    prepare.fresh(db)
    assert db.get(Assessment, assessment_id).state == State.VALIDATED.value
    outcomes = db.scalars(
        select(ValidatedScore).where(ValidatedScore.assessment_id == assessment_id)
    ).all()
    assert len(outcomes) == len(contested) and {o.level for o in outcomes} == {2}

    page.goto(f"/en/assessments/{assessment_id}/results")
    with page.expect_download(timeout=120_000) as download:
        # Rendering the PDF takes a while on a small machine.
        page.locator("a[href*='report.pdf']").click(timeout=120_000)
    path = download.value.path()
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert download.value.suggested_filename.endswith(".pdf")
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(data)).pages[:3])
    assert "Veridia" in text
