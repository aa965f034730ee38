"""Flask-Login wiring: the login cookie carries the user id and a token the server can revoke."""

from __future__ import annotations

import hmac
import time

from flask import Flask, flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, logout_user
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from .db import db_session
from .models import User

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to see this page.")
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


@login_manager.user_loader
def _load_user(cookie_id: str) -> User | None:
    user_id, _, token = cookie_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    # With the memberships every access check reads, in one query.
    user = db_session().get(User, int(user_id), options=[joinedload(User.memberships)])
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(user.session_token, token):
        return None  # logged out elsewhere, or the password changed
    return user


@login_manager.unauthorized_handler
def _to_login() -> Response:
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def init_app(app: Flask) -> None:
    login_manager.init_app(app)

    @app.before_request
    def _timeouts() -> Response | None:
        """End a session left idle too long, and any session after its absolute lifetime."""
        if not current_user.is_authenticated:
            return None
        now = int(time.time())
        idle = app.config["SESSION_IDLE_MINUTES"] * 60
        absolute = app.config["SESSION_ABSOLUTE_HOURS"] * 3600
        seen, since = session.get("seen", 0), session.get("login_at", 0)
        if now - seen > idle or now - since > absolute:
            logout_user()
            session.clear()
            flash(_l("Your session has ended. Please log in again."), "info")
            return redirect(url_for("auth.login"))
        if now - seen > 60:  # refresh at most once a minute, not on every request
            session["seen"] = now
        return None
