"""Languages: the locale lives in the URL (/<lang>/...), negotiated from the browser at first
visit."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, abort, current_app, g, request, url_for
from flask_babel import (
    Babel,
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    gettext,
)

from . import labels
from .config import KNOWN_LOCALES, RTL_LOCALES
from .labels import country_name

LANGUAGE_COOKIE = "lang"


def enabled_languages() -> list[str]:
    return list(current_app.config["LANGUAGES"])


def negotiate_language() -> str:
    """For a visit with no language in the URL: the one chosen before in this browser, else the
    browser's preference, else the default."""
    remembered = request.cookies.get(LANGUAGE_COOKIE)
    if remembered in enabled_languages():
        return remembered
    return (
        request.accept_languages.best_match(enabled_languages())
        or current_app.config["DEFAULT_LANGUAGE"]
    )


def current_language() -> str:
    lang = g.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        return lang
    return current_app.config["DEFAULT_LANGUAGE"]


def text_direction(lang: str) -> str:
    return "rtl" if lang in RTL_LOCALES else "ltr"


def error_text(error: Any) -> str:
    """A service's error in the reader's language (see services/errors.py)."""
    return gettext(error.message, **error.params)


def _tag_label(tag: str) -> str:
    if tag in labels.RISK_FACTORS:
        return f"{tag} · {gettext(labels.RISK_FACTORS[tag])}"
    return gettext(labels.TAGS.get(tag, tag))


def assessment_title(assessment: Any, lang: str) -> str:
    place = country_name(assessment.country.iso_code, assessment.country.name, lang)
    if assessment.area:
        place = f"{place} — {assessment.area}"
    return f"{place}, {assessment.cycle}"


def _number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    return format_decimal(
        round(value, digits), format=f"#,##0.{'#' * digits}" if digits else "#,##0"
    )


def _percent(value: float | None) -> str:
    return "—" if value is None else format_percent(value)


def _switch_url(code: str) -> str:
    """This page in another language (the home page where this one cannot be reached by GET)."""
    endpoint = request.endpoint
    if (
        request.method == "GET"
        and endpoint
        and request.view_args is not None
        and current_app.url_map.is_endpoint_expecting(endpoint, "lang")
    ):
        return url_for(endpoint, **request.view_args, **request.args.to_dict(), lang=code)
    return url_for("main.home", lang=code)


def init_app(app: Flask) -> None:
    Babel(
        app,
        locale_selector=current_language,
        default_translation_directories=app.config["TRANSLATIONS_DIR"],
        default_domain="messages",
    )

    @app.url_value_preprocessor
    def _take_language(_endpoint: str | None, values: dict[str, Any] | None) -> None:
        if values and "lang" in values:
            lang = values.pop("lang")
            if lang not in app.config["LANGUAGES"]:
                abort(404)  # an unknown or disabled language is a page that does not exist
            g.lang = lang

    @app.url_defaults
    def _add_language(endpoint: str, values: dict[str, Any]) -> None:
        if "lang" not in values and app.url_map.is_endpoint_expecting(endpoint, "lang"):
            values["lang"] = current_language()

    @app.after_request
    def _remember_language(response: Response) -> Response:
        lang = g.get("lang")
        if lang and request.cookies.get(LANGUAGE_COOKIE) != lang:
            response.set_cookie(
                LANGUAGE_COOKIE,
                lang,
                max_age=365 * 24 * 3600,
                httponly=True,
                samesite="Lax",
                secure=app.config["SESSION_COOKIE_SECURE"],
            )
        return response

    @app.context_processor
    def _language_context() -> dict[str, Any]:
        lang = current_language()
        return {
            "lang": lang,
            "text_direction": text_direction(lang),
            "languages": {code: KNOWN_LOCALES[code] for code in enabled_languages()},
            "country_name": lambda country: country_name(country.iso_code, country.name, lang),
            "assessment_title": lambda a: assessment_title(a, lang),
            "state_label": lambda state: gettext(labels.STATES.get(state, state)),
            "band_label": lambda band: gettext(labels.BANDS.get(band, band)) if band else "—",
            "switch_language_url": _switch_url,
            "role_labels": labels.ROLES,
            "tag_label": _tag_label,
        }

    app.jinja_env.filters["number"] = _number
    app.jinja_env.filters["percent"] = _percent
    app.jinja_env.filters["date"] = lambda value: format_date(value, format="long")
    app.jinja_env.filters["datetime"] = lambda value: format_datetime(value, format="medium")
