"""A section of the questionnaire answered with the keyboard alone, the focus always visible."""

from __future__ import annotations

from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessment.models import Answer, State

from . import prepare
from .conftest import Pages, login, screenshot
from .test_journeys import wait_until_saved

# What the focused element is, and whether a person can see where the focus is.
FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const block = el.closest('.question[data-question]');
  return {
    tag: el.tagName, type: el.type || '', name: el.name || '', value: el.value || '',
    checked: !!el.checked, question: block ? block.dataset.question : null,
    kind: block ? block.dataset.type : null,
    visible: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
  };
}"""


def test_a_section_is_answered_with_the_keyboard_alone(
    pages: Pages, backend: Flask, db: Session
) -> None:
    assessment_id = prepare.complete_assessment(backend, db, "2030", State.DRAFT, answered=False)
    framework = backend.extensions["frameworks"].current
    questions = [q.id for i in framework.domain("ARC").indicators for q in i.questions]

    page = pages.new()
    login(page, "focal@demo.example")
    page.goto(f"/en/assessments/{assessment_id}/sections/ARC")
    # The first Tab reaches the skip link, which leads past the navigation to the content.
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUSED)
    assert first["tag"] == "A" and first["visible"], first
    page.keyboard.press("Enter")

    answered: set[str] = set()
    stops = 0
    while answered != set(questions):
        stops += 1
        assert stops < 4000, f"Tab never reached {sorted(set(questions) - answered)}"
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUSED)
        assert focus["visible"], f"no visible focus on {focus}"
        question = focus["question"]
        if question is None or question in answered:
            continue
        if focus["kind"] in ("number", "text"):
            # The radios here are "not applicable" and "unknown": the answer is typed.
            if focus["name"].endswith("-value"):
                page.keyboard.type("12")
                answered.add(question)
        elif focus["type"] == "radio" and focus["name"].endswith("-answer"):
            page.keyboard.press("ArrowDown")  # moves to the next level and chooses it
            page.keyboard.press("Space")
            answered.add(question)
    page.keyboard.press("Tab")  # leaving the last field saves it
    wait_until_saved(page, assessment_id)
    screenshot(page, "keyboard-en-section-done")

    prepare.fresh(db)
    count = db.scalar(
        select(func.count())
        .select_from(Answer)
        .where(Answer.assessment_id == assessment_id, Answer.question_id.in_(questions))
    )
    assert count == len(questions)
    page.goto(f"/en/assessments/{assessment_id}")
    expect(page.locator("tr", has_text="ARC").locator("td.num").first).to_have_text(
        f"{len(questions)} / {len(questions)}"
    )
