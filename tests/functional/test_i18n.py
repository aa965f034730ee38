"""Languages end to end: the URL, the switcher, the remembered choice, right-to-left, Babel
formatting and country names, and PDFs that lose no Arabic or Chinese glyph."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from assessment.config import KNOWN_LOCALES
from assessment.i18n_catalogs import DOMAINS, extract, template_path
from assessment.labels import country_name
from assessment.reports.data import AssessmentInfo, GapReport
from assessment.reports.render import html_to_pdf, render_pdf
from tests.conftest import World, login


@pytest.mark.parametrize("lang", list(KNOWN_LOCALES))
def test_every_language_serves_its_pages(client: FlaskClient, lang: str) -> None:
    page = client.get(f"/{lang}/login")
    assert page.status_code == 200
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in page.text
    for other in KNOWN_LOCALES:  # the switcher offers every language on every page
        assert f'href="/{other}/login"' in page.text


def test_first_visit_follows_the_browser_then_the_choice_is_remembered(client: FlaskClient) -> None:
    first = client.get("/", headers={"Accept-Language": "ar, fr;q=0.8"})
    assert first.headers["Location"].endswith("/ar/")
    client.get("/es/login")  # the visitor picks Spanish
    assert client.get_cookie("lang").value == "es"
    again = client.get("/", headers={"Accept-Language": "ar"})
    assert again.headers["Location"].endswith("/es/")


def test_switching_language_keeps_the_page(client: FlaskClient, world: World) -> None:
    login(client, world.focal.email)
    page = client.get(f"/en/assessments/{world.assessment.id}/sections/SEC")
    assert f'href="/fr/assessments/{world.assessment.id}/sections/SEC"' in page.text
    assert client.get(f"/fr/assessments/{world.assessment.id}/sections/SEC").status_code == 200


def test_country_names_come_from_babel() -> None:
    assert country_name("FR", "stored", "en") == "France"
    assert country_name("FR", "stored", "es") == "Francia"
    assert country_name("JP", "stored", "zh") == "日本"
    assert country_name("XV", "Republic of Veridia", "fr") == "Republic of Veridia"


def test_numbers_and_percentages_follow_the_locale(app: Flask) -> None:
    with app.test_request_context("/fr/login"):
        app.preprocess_request()
        number = app.jinja_env.filters["number"]
        percent = app.jinja_env.filters["percent"]
        assert number(2.5) == "2,5"
        assert percent(0.52).replace("\u202f", " ").replace("\xa0", " ") == "52 %"
    with app.test_request_context("/en/login"):
        app.preprocess_request()
        assert app.jinja_env.filters["number"](1234.5) == "1,234.5"


def test_the_templates_are_up_to_date(tmp_path: Path) -> None:
    """A string added to the code or the framework without `make i18n` fails here."""
    extract(tmp_path)
    committed_dir = Path(__file__).parents[2] / "translations"
    for domain in DOMAINS:
        fresh = _entries(template_path(tmp_path, domain))
        committed = _entries(template_path(committed_dir, domain))
        assert fresh == committed, f"translations/{domain}.pot is stale: run `make i18n`"


def _entries(path: Path) -> set[tuple[str | None, str]]:
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return {
            (m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(handle) if m.id
        }


SAMPLES = {
    "ar": "الأمن والعدالة والمساواة في المواطنة ١٢٣",
    "zh": "安全部门和司法部门的问责制与包容性𡃁",
    "ru": "Гражданский контроль над силами безопасности",
}


@pytest.mark.slow
@pytest.mark.parametrize("lang", list(SAMPLES))
def test_no_glyph_is_lost_in_a_pdf(lang: str, tmp_path: Path) -> None:
    """WeasyPrint drops a glyph that no installed font has, silently: read every character back."""
    direction = "rtl" if lang == "ar" else "ltr"
    html = (
        f'<html lang="{lang}" dir="{direction}"><body><h1 class="chapter">{SAMPLES[lang]}'
        f"</h1><p>{SAMPLES[lang]}</p></body></html>"
    )
    path = tmp_path / "sample.pdf"
    path.write_bytes(html_to_pdf(html))
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    missing = {c for c in SAMPLES[lang] if not c.isspace()} - set(text)
    assert not missing, f"glyphs lost in the PDF: {sorted(missing)}"


@pytest.mark.slow
def test_arabic_report_is_right_to_left_with_arabic_fonts(tmp_path: Path) -> None:
    report = GapReport(
        info=AssessmentInfo("الجمهورية", "", "2026", "draft", "1.0.0"),
        generated_on=date(2026, 11, 22),
        overall=None,
        completeness=0.0,
        domains=(),
        gaps=(),
        triggers=(),
        scale=((0, "غائب"),),
    )
    pdf = render_pdf(report, "ar")
    path = tmp_path / "ar.pdf"
    path.write_bytes(pdf)
    fonts = {
        str(font.get("/BaseFont", ""))
        for page in PdfReader(path).pages
        for font in (page.get("/Resources", {}).get("/Font", {}) or {}).values()
        for font in [font.get_object()]
    }
    assert any("Arabic" in name for name in fonts), fonts
    pages = len(PdfReader(path).pages)
    assert pages >= 3
    from babel.support import Translations

    footer = Translations.load(
        str(Path(__file__).parents[2] / "translations"), ["ar"], domain="messages"
    ).gettext("Page %(page)s of %(pages)s")
    assert footer != "Page %(page)s of %(pages)s"  # the footer speaks Arabic
    for number in range(2, pages + 1):  # the cover has no footer
        text = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), "-enc", "UTF-8", str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        # Page 2 of 4, never 4 of 2: the numbers stay in the sentence's order on RTL pages.
        expected = footer % {"page": number, "pages": pages}
        visible = "".join(c for c in text if not c.isspace() and c not in "\u202a\u202b\u202c")
        assert "".join(expected.split()) in visible, (number, text[-80:])


def test_every_shipped_language_is_complete_in_both_catalogs() -> None:
    """A string added without its translations fails the build (`make i18n`, then translate)."""
    from assessment.i18n_catalogs import status

    translations = Path(__file__).parents[2] / "translations"
    incomplete = [
        (row.lang, row.domain, row.missing, row.fuzzy)
        for row in status(translations)
        if row.missing or row.fuzzy
    ]
    assert incomplete == []
