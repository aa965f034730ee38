"""Error pages: a clear message in the page's language, never a stack trace."""

from __future__ import annotations

from flask import Flask, Response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..api import http_error_response


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> tuple[str, int]:
        message = _(
            "The form had expired or came from elsewhere. Nothing was saved; "
            "go back, reload the page and send it again."
        )
        return render_template("error.html", code=400, message=message), 400

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[str, int] | Response:
        if request.path.startswith("/api/"):  # outside the API's routes, still a JSON answer
            return http_error_response(error)
        messages = {
            403: _("You cannot do this with this assessment now."),
            404: _("There is no such page, or it is not yours to see."),
            413: _("What you sent is too large."),
            429: _("Too many attempts in a short time. Wait a minute, then try again."),
        }
        code = error.code or 500
        message = messages.get(code) or error.description or error.name
        return render_template("error.html", code=code, message=message), code
