"""Every main page, in English and in Arabic: axe-core finds no serious or critical WCAG 2.1 AA
violation, every form control has a label, and a screenshot is kept for a person to look at."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page
from sqlalchemy import select

from assessment.models import Assessment, Country

from .conftest import ARTIFACTS, AXE, DEMO_PASSWORD, Server, screenshot

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def demo_ids(backend: Flask) -> dict[str, int]:
    with backend.extensions["database"].session() as session:
        rows = session.execute(
            select(Assessment.cycle, Assessment.id)
            .join(Country)
            .where(Country.iso_code == "XV", Assessment.area == "")
        ).all()
    return {row.cycle: row.id for row in rows}


# page name -> (who looks at it, path under /<lang>); {done} is the validated 2025 cycle,
# {draft} the 2026 one being answered.
PAGES: dict[str, tuple[str | None, str]] = {
    "login": (None, "/login"),
    "forgot-password": (None, "/password/forgot"),
    "home": ("focal@demo.example", "/"),
    "overview": ("focal@demo.example", "/assessments/{draft}"),
    "section": ("focal@demo.example", "/assessments/{draft}/sections/SEC"),
    "section-read-only": ("contributor@demo.example", "/assessments/{draft}/sections/INC"),
    "context": ("focal@demo.example", "/assessments/{draft}/context"),
    "team": ("focal@demo.example", "/assessments/{draft}/team"),
    "history": ("focal@demo.example", "/assessments/{draft}/history"),
    "peer-review": ("focal@demo.example", "/assessments/{done}/reviews"),
    "results": ("focal@demo.example", "/assessments/{done}/results"),
    "insights": ("focal@demo.example", "/assessments/{done}/insights"),
    "profile": ("focal@demo.example", "/profile"),
    "two-step-login": ("admin@demo.example", "/account/two-step"),
    "targets": ("focal@demo.example", "/assessments/{done}/targets"),
    "actions": ("focal@demo.example", "/assessments/{done}/actions"),
    "compare": ("focal@demo.example", "/assessments/{draft}/compare"),
    "your-review": ("reviewer@demo.example", "/assessments/{done}/review"),
    "review-section": ("reviewer@demo.example", "/assessments/{done}/review/SEC"),
    "contested": ("facilitator@demo.example", "/assessments/{done}/divergence"),
    "workshop": ("facilitator@demo.example", "/assessments/{done}/workshop"),
    "administration": ("admin@demo.example", "/admin/"),
    "admin-overview": ("admin@demo.example", "/admin/overview"),
}


@pytest.fixture(scope="module")
def page_as(browser: Browser, server: Server) -> Iterator[Callable[[str | None], Page]]:
    """One logged-in page per person, reused across the pages they look at. The context
    bypasses the CSP so that axe-core can be injected; the journeys run with it."""
    opened: dict[str | None, Page] = {}

    def get(email: str | None) -> Page:
        if email not in opened:
            context = browser.new_context(
                base_url=server.url, bypass_csp=True, viewport={"width": 1280, "height": 900}
            )
            page = context.new_page()
            if email:
                page.goto("/en/login")
                page.locator("input[name=email]").fill(email)
                page.locator("input[name=password]").fill(DEMO_PASSWORD)
                page.locator("form button[type=submit]").click()
                page.wait_for_url("**/en/")
            opened[email] = page
        return opened[email]

    yield get
    for page in opened.values():
        page.context.close()


def axe_violations(page: Page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "where": [n["target"] for n in v["nodes"][:5]],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def unlabelled_controls(page: Page) -> list[str]:
    """Visible form controls without an accessible name (label, aria-label or aria-labelledby)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea, button')]
          .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
          .filter(el => {
            if (el.labels && el.labels.length) return false;
            if (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')) return false;
            if (el.tagName === 'BUTTON' && el.textContent.trim()) return false;
            if (['submit', 'button', 'reset'].includes(el.type) && el.value.trim()) return false;
            return true;
          })
          .map(el => el.outerHTML.slice(0, 120))"""
    )


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_is_accessible(
    lang: str, name: str, page_as: Callable[[str | None], Page], demo_ids: dict[str, int]
) -> None:
    email, path = PAGES[name]
    page = page_as(email)
    response = page.goto(f"/{lang}" + path.format(done=demo_ids["2025"], draft=demo_ids["2026"]))
    assert response is not None and response.status == 200, (name, response and response.status)
    html = page.locator("html")
    assert html.get_attribute("lang") == lang
    assert html.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    screenshot(page, f"{lang}-{name}")
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1, ensure_ascii=False)
    assert unlabelled_controls(page) == []


@pytest.mark.parametrize("name", ["section", "results", "workshop"])
def test_pages_print_without_navigation_or_buttons(
    name: str, page_as: Callable[[str | None], Page], demo_ids: dict[str, int]
) -> None:
    email, path = PAGES[name]
    page = page_as(email)
    page.goto("/en" + path.format(done=demo_ids["2025"], draft=demo_ids["2026"]))
    page.emulate_media(media="print")
    try:
        assert page.locator("header.topbar").is_hidden()
        assert page.locator("main button:visible").count() == 0
        assert page.locator("main h1").is_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.pdf(path=str(ARTIFACTS / f"print-en-{name}.pdf"))
    finally:
        page.emulate_media(media="screen")
