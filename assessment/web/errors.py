"""Error pages: a clear message in the page's language, never a stack trace."""

from __future__ import annotations

import errno
import logging

from flask import Flask, Response, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from ..api import error_response, http_error_response

log = logging.getLogger(__name__)

# PostgreSQL error codes: lock_not_available, query_canceled, disk_full.
_PG_BUSY = {"55P03", "57014"}
_PG_FULL = {"53100"}


def storage_trouble(error: BaseException) -> str | None:
    """What kind of passing trouble the storage is in: "busy" (a lock held past the timeout),
    "full" (no disk space), "down" (the database cannot be reached), or None (a real bug)."""
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return "full"
    if not isinstance(error, OperationalError):
        return None
    original = error.orig
    code = getattr(original, "sqlstate", None)
    text = str(original).lower()
    if code in _PG_FULL or "disk is full" in text or "no space left" in text:
        return "full"
    if code in _PG_BUSY or "database is locked" in text or "lock timeout" in text:
        return "busy"
    return "down"


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> tuple[str, int]:
        message = _(
            "The form had expired or came from elsewhere. Nothing was saved; "
            "go back, reload the page and send it again."
        )
        return render_template("error.html", code=400, message=message), 400

    @app.errorhandler(OperationalError)
    @app.errorhandler(OSError)
    def _storage(error: Exception) -> Response | tuple[str, int, dict[str, str]]:
        """Passing trouble with the database or the disk: a clear answer and a time to retry,
        never a stack trace; the transaction was rolled back, so nothing half-done remains,
        and the browser keeps the unsent answer and tries again after Retry-After."""
        kind = storage_trouble(error)
        if kind is None:
            raise error
        log.warning("storage trouble (%s): %s", kind, error)
        # End the failed transaction now: the page below reads the user through the same
        # session, which refuses any query until it is rolled back.
        request_session = g.get("db_session")
        if request_session is not None:
            request_session.rollback()
        if kind == "full":
            code, retry = 507, 60
            message = _(
                "The server has run out of disk space, so this was not saved. Nothing already "
                "saved is lost; your browser keeps what you typed. Please tell the administrator."
            )
        elif kind == "busy":
            code, retry = 503, 5
            message = _("The server is busy. Your answer was not saved yet; it will be sent again.")
        else:
            code, retry = 503, 30
            message = _("The database cannot be reached just now. Please try again shortly.")
        headers = {"Retry-After": str(retry)}
        if request.path.startswith("/api/"):
            response = error_response(code, message, "storage_" + kind, retry_after=retry)
            response.headers.update(headers)
            return response
        if request.is_json or request.accept_mimetypes.best == "application/json":
            response = jsonify(error=message, retry_after=retry)
            response.status_code = code
            response.headers.update(headers)
            return response
        return render_template("error.html", code=code, message=message), code, headers

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
