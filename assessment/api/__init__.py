"""The JSON API under /api/v1, described by /api/v1/openapi.json.

A request carries a personal token (Authorization: Bearer ...), made in the profile page, or the
browser's login cookie. Only token requests are exempt from CSRF protection: a cookie request
that writes must carry the page's CSRF token, as every form does. Either way the same
object-level checks as the web pages apply. Errors are JSON: {"error": {"code", "message"}}.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Blueprint, Flask, current_app, g, jsonify, request
from flask_limiter.util import get_remote_address
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from ..db import db_session
from ..limits import limiter, per_person
from ..security import csrf
from ..services import tokens

bp = Blueprint("api", __name__)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC_ENDPOINTS = frozenset({"api.openapi", "api.open_data"})
ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}
MESSAGES = {
    401: "A valid API token (Authorization: Bearer ...) or a login is required.",
    403: "You cannot do this with this assessment now.",
    404: "There is no such resource, or it is not yours to see.",
    405: "This method is not allowed here.",
    413: "What you sent is too large.",
    429: "Too many requests in a short time. Wait a minute, then try again.",
}


class ApiError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None, **extra: Any):
        super().__init__(message)
        self.status = status
        self.code = code or ERROR_CODES.get(status, "error")
        self.message = message
        self.extra = extra


def error_response(status: int, message: str, code: str | None = None, **extra: Any) -> Response:
    body = {"error": {"code": code or ERROR_CODES.get(status, "error"), "message": message}}
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def api_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def address_limit() -> str:
    return current_app.config["API_ADDRESS_RATE_LIMIT"]


def api_key() -> str:
    """Rate-limit bucket: the token presented (hashed), else the person or address."""
    header = request.headers.get("Authorization", "")
    if header:
        return "api:" + hashlib.sha256(header.encode("utf-8", "replace")).hexdigest()[:32]
    return per_person()


def _bearer() -> str | None:
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise ApiError(401, "Send the token as: Authorization: Bearer <token>.", "invalid_token")
    return secret.strip()


@bp.before_request
def _authenticate() -> None:
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
        return
    secret = _bearer()
    if secret is not None:
        token = tokens.authenticate(db_session(), secret)
        if token is None:
            raise ApiError(
                401, "The token is unknown, revoked or its owner inactive.", "invalid_token"
            )
        g._login_user = token.user  # Flask-Login's current_user for this request only
        g.api_token = token
        if token.scope != "write" and request.method not in SAFE_METHODS:
            raise ApiError(
                403, "This token may only read; make a write token.", "insufficient_scope"
            )
        return
    if not current_user.is_authenticated:
        raise ApiError(401, MESSAGES[401])
    if request.method not in SAFE_METHODS:
        csrf.protect()  # a browser session writes only with the page's CSRF token


@bp.errorhandler(ApiError)
def _api_error(error: ApiError) -> Response:
    return error_response(error.status, error.message, error.code, **error.extra)


@bp.errorhandler(CSRFError)
def _csrf_error(error: CSRFError) -> Response:
    return error_response(
        400, "A request with a login cookie needs the X-CSRFToken header.", "csrf"
    )


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    return http_error_response(error)


def http_error_response(error: HTTPException) -> Response:
    status = error.code or 500
    response = error_response(status, MESSAGES.get(status) or error.description or error.name)
    if status == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def init_app(app: Flask) -> None:
    from . import views  # noqa: F401 - registers the routes on bp

    csrf.exempt(bp)  # checked in _authenticate for cookie requests
    limiter.limit(api_limit, key_func=api_key)(bp)
    # Per address too: otherwise every made-up token would start a fresh count.
    limiter.limit(address_limit, key_func=get_remote_address)(bp)
    app.register_blueprint(bp, url_prefix="/api/v1")
