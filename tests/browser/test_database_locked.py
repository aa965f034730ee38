"""The database locked past its timeout while a person answers: the server says 503 with
Retry-After, the browser keeps the answer (also across a reload) and sends it once the lock is
gone."""

from __future__ import annotations

import re
import sqlite3

from flask import Flask
from playwright.sync_api import expect
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from .conftest import Pages, Server, login
from .test_journeys import block, choose_answer, stored, wait_until_saved


def test_the_browser_keeps_an_answer_the_locked_database_refused(
    pages: Pages, server: Server, backend: Flask, db: Session
) -> None:
    page = pages.new()
    login(page, "focal@demo.example")
    page.locator("input[name=cycle]").first.fill("2031")
    page.locator("form[action$='/assessments/new'] button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/assessments/\d+$"))
    assessment_id = int(page.url.rsplit("/", 1)[1])
    page.goto(f"/en/assessments/{assessment_id}/sections/SEC")
    question = page.locator(".question[data-question]").first.get_attribute("data-question")

    refusals: list[tuple[int, str | None]] = []
    page.on(
        "response",
        lambda r: (
            refusals.append((r.status, r.headers.get("retry-after")))
            if "/answers/" in r.url and r.status >= 500
            else None
        ),
    )
    holder = sqlite3.connect(make_url(server.database_url).database, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")  # another process's long write
        choose_answer(page, question, "3")
        expect(page.locator("#save-status")).to_have_attribute(
            "data-state", "failed", timeout=30_000
        )
        queued = page.evaluate("k => localStorage.getItem(k)", f"answers:{assessment_id}")
        assert question in queued
        assert refusals and refusals[0][0] == 503 and int(refusals[0][1]) > 0
        assert stored(db, assessment_id, question) is None

        # A reload while the server is still busy shows the answer from the browser's keeping.
        page.reload()
        expect(block(page, question).locator('input[name$="-answer"][value="3"]')).to_be_checked()
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    # The lock is gone: the kept answer goes out by itself after the time the server asked for
    # (the status line may still show the last refusal until then).
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved", timeout=30_000)
    wait_until_saved(page, assessment_id)
    answer = stored(db, assessment_id, question)
    assert answer is not None and answer.level == 3
