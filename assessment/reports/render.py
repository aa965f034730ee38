"""Gap reports: an HTML template and print CSS, turned into a PDF by WeasyPrint.

This package is the only place that imports WeasyPrint. It takes plain data (reports.data), never
ORM objects, so it can run in a worker process that has no database.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations
from jinja2 import Environment, PackageLoader, select_autoescape

from .. import labels
from ..config import PROJECT_ROOT, RTL_LOCALES
from .charts import score_bars
from .data import GapReport
from .fetcher import BASE_URL, STATIC_DIR, ShippedFilesFetcher

TEMPLATES_DIR = Path(__file__).parent / "templates"
TRANSLATIONS_DIR = PROJECT_ROOT / "translations"


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


def html_to_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML

    stylesheet = CSS(
        filename=str(STATIC_DIR / "print.css"),
        url_fetcher=ShippedFilesFetcher(),
        font_config=_font_config(),
    )
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=ShippedFilesFetcher())
    return document.write_pdf(
        stylesheets=[stylesheet], font_config=_font_config(), presentational_hints=False
    )


def render_pdf(report: GapReport, lang: str) -> bytes:
    return html_to_pdf(render_html(report, lang))


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
