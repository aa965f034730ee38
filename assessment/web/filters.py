"""Template filters shared by the pages."""

from __future__ import annotations

import re

from flask import Flask
from markupsafe import Markup, escape

_URL = re.compile(r"https?://[^\s<>\"']{1,2000}")


def linkify(text: str | None) -> Markup:
    """Escape the text, then turn http(s) addresses into links that open no window to us."""
    if not text:
        return Markup("")
    out, last = [], 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:)")
        out.append(escape(text[last : match.start()]))
        out.append(Markup('<a href="{0}" rel="noopener noreferrer nofollow">{0}</a>').format(url))
        last = match.start() + len(url)
    out.append(escape(text[last:]))
    return Markup("").join(out)


def register(app: Flask) -> None:
    from ..reports.charts import level_bar, score_meter

    app.jinja_env.filters["linkify"] = linkify
    app.jinja_env.globals["level_bar"] = level_bar
    app.jinja_env.globals["score_meter"] = score_meter
