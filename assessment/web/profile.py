"""The person's own page: who they are, and their personal API tokens."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..db import db_session
from ..i18n import error_text
from ..services import tokens
from ..services.errors import UserError
from .forms import ActionForm, TokenForm

bp = Blueprint("profile", __name__)


def _page(form: TokenForm, new_token: str | None = None, status: int = 200) -> tuple[str, int]:
    return render_template(
        "profile.html",
        form=form,
        revoke_form=ActionForm(),
        tokens=tokens.tokens_of(db_session(), current_user),
        new_token=new_token,
    ), status


@bp.get("/profile")
@login_required
def profile() -> tuple[str, int]:
    return _page(TokenForm())


@bp.post("/profile/tokens")
@login_required
def create_token() -> tuple[str, int] | Response:
    form = TokenForm()
    if not form.validate():
        return _page(form, status=400)
    try:
        made = tokens.create(db_session(), current_user, form.name.data, form.scope.data)
    except UserError as error:
        flash(_("Not saved: %(reason)s.", reason=error_text(error)), "error")
        return redirect(url_for("profile.profile"))
    # Shown once, in this answer only: it is stored hashed and cannot be shown again.
    page, status = _page(TokenForm(formdata=None), new_token=made.secret)
    response = make_response(page, status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/profile/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> Response:
    if not ActionForm().validate():
        abort(400)
    if not tokens.revoke(db_session(), current_user, token_id):
        abort(404)
    flash(_("The token is revoked."), "success")
    return redirect(url_for("profile.profile"))
