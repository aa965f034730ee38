"""The front door: language choice, the home page, and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import text
from werkzeug.wrappers import Response

from ..db import db_session
from ..framework_ext import registry
from ..i18n import negotiate_language
from ..services.assessments import progress, visible_assessments

bp = Blueprint("main", __name__)


@bp.get("/")
def root() -> Response:
    lang = current_user.locale if current_user.is_authenticated and current_user.locale else None
    return redirect(url_for("main.home", lang=lang or negotiate_language()))


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    try:
        db_session().execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure means the database is not answering
        return jsonify(status="unavailable", database=type(error).__name__), 503
    return jsonify(status="ok", database="ok"), 200


@bp.get("/<lang>/")
@login_required
def home() -> str:
    session = db_session()
    page = request.args.get("page", "1")
    listing = visible_assessments(
        session, current_user, int(page) if page.isdigit() and len(page) < 7 else 1
    )
    return render_template(
        "home.html",
        assessments=listing.items,
        listing=listing,
        progress=progress(session, registry(), listing.items),
    )
