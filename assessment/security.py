"""CSRF protection on every form and the security headers on every response."""

from __future__ import annotations

from flask import Flask, Response, abort, request
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# Endpoints that take an evidence file: the only requests allowed past MAX_CONTENT_LENGTH.
UPLOAD_ENDPOINTS = frozenset({"collaboration.upload"})


def init_app(app: Flask) -> None:
    @app.before_request
    def _size_limit() -> None:
        # Before CSRF protection reads the form: otherwise the global limit refuses the body.
        if request.endpoint in UPLOAD_ENDPOINTS:
            request.max_content_length = app.config["MAX_UPLOAD_BYTES"] + 64 * 1024
        # Refuse a declared oversize body before anything of it is read or spooled to disk.
        limit = request.max_content_length
        if limit is not None and (request.content_length or 0) > limit:
            abort(413)

    csrf.init_app(app)

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config["SESSION_COOKIE_SECURE"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
