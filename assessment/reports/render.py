"""Gap reports: an HTML template and print CSS, turned into a PDF by WeasyPrint.

This package is the only place that imports WeasyPrint. It takes plain data (reports.data), never
ORM objects, so it can run in a worker process that has no database.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from .. import labels
from ..config import PROJECT_ROOT, RTL_LOCALES
from .blank import BlankQuestionnaire
from .charts import radar, score_bars
from .data import GapReport
from .fetcher import BASE_URL, STATIC_DIR, ShippedFilesFetcher

TEMPLATES_DIR = Path(__file__).parent / "templates"
TRANSLATIONS_DIR = PROJECT_ROOT / "translations"


def counter_css(template: str) -> Markup:
    """A CSS `content` value from a translated "Page %(page)s of %(pages)s", whatever the word
    order of the language."""
    parts = []
    for piece in re.split(r"(%\(page\)s|%\(pages\)s)", template):
        if piece == "%(page)s":
            parts.append("counter(page)")
        elif piece == "%(pages)s":
            parts.append("counter(pages)")
        elif piece:
            text = piece.replace("<", "").replace(">", "")  # it sits in a <style> element
            parts.append('"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return Markup(" ".join(parts))  # noqa: S704 - quotes, backslashes and brackets handled  # nosec B704


@cache
def _translations(lang: str) -> NullTranslations:
    return Translations.load(str(TRANSLATIONS_DIR), [lang], domain="messages")


@cache
def _environment(lang: str) -> Environment:
    env = Environment(
        loader=PackageLoader("assessment.reports", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(_translations(lang), newstyle=True)  # type: ignore[attr-defined]

    def number(value: float | None, digits: int = 1) -> str:
        if value is None:
            return "—"
        return format_decimal(round(value, digits), format=f"#,##0.{'#' * digits}", locale=lang)

    env.filters["number"] = number
    env.filters["percent"] = lambda v: "—" if v is None else format_percent(v, locale=lang)
    env.filters["date"] = lambda d: format_date(d, format="long", locale=lang)
    env.globals["score_bars"] = score_bars
    env.globals["radar"] = radar
    env.globals["counter_css"] = counter_css
    env.globals["tag_label"] = lambda tag: (
        f"{tag} · {_translations(lang).gettext(labels.RISK_FACTORS[tag])}"
        if tag in labels.RISK_FACTORS
        else _translations(lang).gettext(labels.TAGS.get(tag, tag))
    )
    env.globals["confidence_label"] = lambda value: (
        _translations(lang).gettext(labels.CONFIDENCE[value]) if value else "—"
    )
    env.globals["status_label"] = lambda value: _translations(lang).gettext(
        labels.ACTION_STATUSES.get(value, value)
    )
    translations = _translations(lang)
    env.globals["state_label"] = lambda state: translations.gettext(labels.STATES.get(state, state))
    env.globals["band_label"] = lambda band: (
        translations.gettext(labels.BANDS.get(band, band)) if band else "—"
    )
    return env


def render_html(report: GapReport, lang: str) -> str:
    template = _environment(lang).get_template("gap_report.html")
    return template.render(
        report=report, lang=lang, direction="rtl" if lang in RTL_LOCALES else "ltr"
    )


@cache
def _font_config():  # noqa: ANN202 - WeasyPrint's type
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()  # one per process: building it again per render costs seconds


PAPER_SIZES = {"a4": "A4", "letter": "letter"}


def html_to_pdf(html: str, paper: str = "a4") -> bytes:
    return _document(html, paper).write_pdf()


def _document(html: str, paper: str):  # noqa: ANN202 - WeasyPrint's Document
    from weasyprint import CSS, HTML

    if paper not in PAPER_SIZES:
        raise ValueError(f"paper is one of {', '.join(PAPER_SIZES)}")
    stylesheets = [
        CSS(
            filename=str(STATIC_DIR / "print.css"),
            url_fetcher=ShippedFilesFetcher(),
            font_config=_font_config(),
        ),
        CSS(string=f"@page {{ size: {PAPER_SIZES[paper]} }}", font_config=_font_config()),
    ]
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=ShippedFilesFetcher())
    return document.render(
        stylesheets=stylesheets, font_config=_font_config(), presentational_hints=False
    )


def render_pdf(report: GapReport, lang: str, paper: str = "a4") -> bytes:
    return html_to_pdf(render_html(report, lang), paper)


def render_blank_html(questionnaire: BlankQuestionnaire) -> str:
    lang = questionnaire.languages[0]
    dirs = ["rtl" if code in RTL_LOCALES else "ltr" for code in questionnaire.languages]
    template = _environment(lang).get_template("blank.html")
    return template.render(q=questionnaire, lang=lang, direction=dirs[0], dirs=dirs)


def render_blank_pdf(questionnaire: BlankQuestionnaire, paper: str = "a4") -> bytes:
    return html_to_pdf(render_blank_html(questionnaire), paper)


@cache
def template_fingerprint() -> str:
    """Changes whenever a template or a stylesheet changes, so cached PDFs are not reused."""
    digest = hashlib.sha256()
    for path in sorted([*TEMPLATES_DIR.rglob("*"), *STATIC_DIR.rglob("*")]):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


__all__ = ["render_html", "render_pdf", "template_fingerprint"]


def render_pack_pdf(
    report: GapReport, worksheets: BlankQuestionnaire, lang: str, paper: str = "a4"
) -> bytes:
    """The workshop pack: the gap report (with its contested list), then blank worksheets for
    the indicators the workshop takes up, in one PDF."""
    documents = [
        _document(render_html(report, lang), paper),
        _document(render_blank_html(worksheets), paper),
    ]
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()
