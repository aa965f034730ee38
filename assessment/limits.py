"""Rate limits (Flask-Limiter): logins per address, autosaves per person. Counters live in Redis
when REDIS_URL is set, so every worker shares them; otherwise in each process's memory."""

from __future__ import annotations

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user

limiter = Limiter(key_func=get_remote_address, headers_enabled=True)


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def autosave_limit() -> str:
    return current_app.config["AUTOSAVE_RATE_LIMIT"]


def per_person() -> str:
    return (
        f"user:{current_user.get_id()}" if current_user.is_authenticated else get_remote_address()
    )


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
