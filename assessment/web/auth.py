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
from markupsafe import Markup
from werkzeug.wrappers import Response

from ..db import db_session
from ..i18n import error_text
from ..limits import limiter, login_limit
from ..models import User
from ..services import accounts, mail, two_factor
from ..services import team as team_service
from ..services.errors import N_
from .forms import (
    AcceptInvitationForm,
    ActionForm,
    CodeForm,
    ForgotPasswordForm,
    LoginForm,
    TwoFactorForm,
)

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
            if user.totp_secret:
                # Half logged in: the password was right, the code is still to come.
                session[PENDING] = {
                    "user": user.id,
                    "token": user.session_token,
                    "at": int(time.time()),
                    "next": _safe_next(form.next.data),
                }
                return redirect(url_for("auth.second_factor"))
            return _complete_login(user, _safe_next(form.next.data))
        flash(_("The e-mail or the password is not right."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def forgot_password() -> str | Response:
    """A one-time link by e-mail to choose a new password. The answer is the same whether or
    not the address has an account."""
    config = current_app.config
    settings = mail.MailSettings.from_config(config)
    enabled = settings is not None and bool(config["PUBLIC_URL"])
    form = ForgotPasswordForm()
    if enabled and form.validate_on_submit():
        session_db = db_session()
        user = accounts.find_user(session_db, form.email.data)
        if user is not None and user.active:
            token = team_service.reset_token(user, config["SECRET_KEY"])
            link = config["PUBLIC_URL"].rstrip("/") + url_for("auth.reset_password", token=token)
            minutes = config["RESET_LINK_MINUTES"]
            body = _(
                "Hello %(name)s,\n\nSomeone, probably you, asked for a new password for the "
                "prevention self-assessment. To choose one, open this link within %(minutes)d "
                "minutes; it works once:\n\n%(link)s\n\nIf you did not ask, ignore this message: "
                "your password stays as it is.",
                name=user.name,
                minutes=minutes,
                link=link,
            )
            # No database write here: it would make the answer slower for real accounts.
            mail.send_later(settings, user.email, _("Choose a new password"), body)
        flash(
            _(
                "If this address belongs to an account, a link to choose a new password is on "
                "its way. It works once, within %(minutes)d minutes.",
                minutes=config["RESET_LINK_MINUTES"],
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form, enabled=enabled)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> str | Response:
    config = current_app.config
    session_db = db_session()
    try:
        user = team_service.reset_user(
            session_db, token, config["SECRET_KEY"], config["RESET_LINK_MINUTES"] * 60
        )
    except team_service.TeamError as error:
        return render_template("error.html", code=400, message=error_text(error)), 400
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            team_service.accept_invitation(
                session_db, user, form.password.data, action="password_reset"
            )
        except team_service.TeamError as error:
            flash(error_text(error), "error")
        else:
            logout_user()
            session.clear()
            flash(_("Your new password is set. Log in with it."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)


PENDING = "pending_second_factor"
PENDING_SECONDS = 300


def _complete_login(user: User, next_url: str | None) -> Response:
    session.clear()
    login_user(user)
    session.permanent = True
    session["login_at"] = session["seen"] = int(time.time())
    return redirect(next_url or url_for("main.home"))


def _pending_user() -> User | None:
    """The person who gave the right password a moment ago and still owes a code."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db_session().get(User, pending.get("user"))
    if user is None or not user.active or not user.totp_secret:
        return None
    if user.session_token != pending.get("token"):
        return None  # every session was ended since (a reset, a logout elsewhere)
    return user


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def second_factor() -> str | Response:
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(_("Please log in again."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        config = current_app.config
        if two_factor.verify(
            db_session(),
            user,
            form.code.data,
            lockout_threshold=config["LOCKOUT_THRESHOLD"],
            lockout_minutes=config["LOCKOUT_MINUTES"],
        ):
            return _complete_login(user, session[PENDING].get("next"))
        flash(_("The code is not right, or it was used already. Wait for the next one."), "error")
    return render_template("auth/second_factor.html", form=form)


@bp.route("/account/two-step", methods=["GET", "POST"])
@login_required
def two_step() -> str | Response:
    """Turn the second factor on (scan, then confirm with a code) or off (with a code)."""
    session_db = db_session()
    user = current_user._get_current_object()
    form = TwoFactorForm()
    if form.validate_on_submit():
        config = current_app.config
        try:
            if form.action.data == "enable" and not user.totp_secret:
                secret = session.get("totp_pending")
                if not secret:
                    abort(400)
                two_factor.enable(session_db, user, secret, form.code.data)
                session.pop("totp_pending", None)
                flash(_("Two-step login is on. Each login will ask for a code."), "success")
                return redirect(url_for("auth.two_step"))
            if form.action.data == "disable" and user.totp_secret:
                if not two_factor.verify(
                    session_db,
                    user,
                    form.code.data,
                    lockout_threshold=config["LOCKOUT_THRESHOLD"],
                    lockout_minutes=config["LOCKOUT_MINUTES"],
                ):
                    raise two_factor.TwoFactorError(
                        N_("the code is not right, or it was used already")
                    )
                two_factor.disable(session_db, user, user)
                flash(_("Two-step login is off."), "info")
                return redirect(url_for("auth.two_step"))
            abort(400)
        except two_factor.TwoFactorError as error:
            flash(_("Not changed: %(reason)s.", reason=error_text(error)), "error")
    enrolment = None
    if not user.totp_secret:
        secret = session.get("totp_pending") or two_factor.new_secret()
        session["totp_pending"] = secret
        uri = two_factor.provisioning_uri(secret, user.email, _("Prevention self-assessment"))
        # The SVG holds only path data drawn by segno from the URI, never text from it.
        qr = Markup(two_factor.qr_svg(uri))  # noqa: S704  # nosec B704
        enrolment = {"qr": qr, "key": two_factor.grouped(secret), "uri": uri}
    return render_template("auth/two_step.html", form=form, enrolment=enrolment)


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
