"""Logging in and out."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from ..db import db_session
from ..limits import limiter, login_limit
from ..services import accounts
from .forms import ActionForm, LoginForm

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never another host, scheme or protocol-relative URL."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm(next=request.args.get("next"))
    if form.validate_on_submit():
        config = current_app.config
        user = accounts.authenticate(
            db_session(),
            form.email.data,
            form.password.data,
            lockout_threshold=config["LOCKOUT_THRESHOLD"],
            lockout_minutes=config["LOCKOUT_MINUTES"],
        )
        if user is not None:
            session.clear()  # nothing from before the login survives into the new session
            login_user(user)
            session.permanent = True
            session["login_at"] = session["seen"] = int(time.time())
            return redirect(_safe_next(form.next.data) or url_for("main.home"))
        flash(_("The e-mail or the password is not right."), "error")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    if not ActionForm().validate():
        abort(400)
    accounts.end_all_sessions(db_session(), current_user)
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))
