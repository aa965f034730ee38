"""Languages: the locale lives in the URL (/<lang>/...), negotiated from the browser at first
visit."""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, current_app, g, request
from flask_babel import Babel

from .config import KNOWN_LOCALES, RTL_LOCALES


def enabled_languages() -> list[str]:
    return list(current_app.config["LANGUAGES"])


def negotiate_language() -> str:
    """The best enabled language for this browser, for a visit with no language in the URL."""
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

    @app.context_processor
    def _language_context() -> dict[str, Any]:
        lang = current_language()
        return {
            "lang": lang,
            "text_direction": text_direction(lang),
            "languages": {code: KNOWN_LOCALES[code] for code in enabled_languages()},
        }
