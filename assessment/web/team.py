"""The focal point's team page, invitations, and the assessment's history."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from ..access import Action, role_of
from ..db import db_session
from ..i18n import error_text
from ..models import User
from ..services import history as history_service
from ..services import team as team_service
from .forms import AcceptInvitationForm, InviteForm, SectionsForm
from .loading import assessment_or_404, framework_of

bp = Blueprint("team", __name__)


def invitation_link(user: User) -> str:
    """The one-time link with which a person sets their password (new account or reset)."""
    token = team_service.invitation_token(user, current_app.config["SECRET_KEY"])
    return url_for("team.accept", token=token, _external=True)


def _codes(assessment) -> list[str]:  # noqa: ANN001
    return [d.code for d in framework_of(assessment).answerable_domains]


@bp.route("/assessments/<int:assessment_id>/team", methods=["GET", "POST"])
@login_required
def team(assessment_id: int) -> str | Response:
    assessment = assessment_or_404(assessment_id, Action.MANAGE_TEAM)
    framework = framework_of(assessment)
    codes = _codes(assessment)
    form = InviteForm()
    form.sections.choices = [
        SelectChoice(d.code, f"{d.code} · {d.name}") for d in framework.answerable_domains
    ]
    invitation = None
    if form.validate_on_submit():
        try:
            user, created = team_service.invite(
                db_session(),
                assessment,
                current_user,
                form.email.data,
                form.name.data or "",
                form.sections.data,
                codes,
            )
        except team_service.TeamError as error:
            flash(_("Not invited: %(reason)s.", reason=error_text(error)), "error")
        else:
            if created:
                invitation = invitation_link(user)
            flash(_("%(name)s can now answer the chosen sections.", name=user.name), "success")
            if invitation is None:
                return redirect(url_for("team.team", assessment_id=assessment.id))
    members = team_service.members(db_session(), assessment)
    return render_template(
        "assessments/team.html",
        assessment=assessment,
        framework=framework,
        form=form,
        members=members,
        invitation=invitation,
        sections_form=SectionsForm(),
    )


@bp.post("/assessments/<int:assessment_id>/team/<int:user_id>")
@login_required
def sections(assessment_id: int, user_id: int) -> Response:
    assessment = assessment_or_404(assessment_id, Action.MANAGE_TEAM)
    if not SectionsForm().validate():
        abort(400)
    user = db_session().get(User, user_id)
    if user is None or role_of(user, assessment) is None:
        abort(404)
    try:
        team_service.set_sections(
            db_session(),
            assessment,
            current_user,
            user,
            request.form.getlist("sections"),
            _codes(assessment),
        )
    except team_service.TeamError as error:
        flash(_("Not changed: %(reason)s.", reason=error_text(error)), "error")
    else:
        flash(_("The sections of %(name)s are saved.", name=user.name), "success")
    return redirect(url_for("team.team", assessment_id=assessment.id))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept(token: str) -> str | Response:
    session = db_session()
    try:
        user = team_service.invited_user(session, token, current_app.config["SECRET_KEY"])
    except team_service.TeamError as error:
        return render_template("error.html", code=400, message=error_text(error)), 400
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            team_service.accept_invitation(session, user, form.password.data)
        except team_service.TeamError as error:
            flash(error_text(error), "error")
        else:
            logout_user()
            flash(_("Your password is set. Log in to start."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/invitation.html", form=form, user=user)


@bp.get("/assessments/<int:assessment_id>/history")
@login_required
def history(assessment_id: int) -> str:
    assessment = assessment_or_404(assessment_id, Action.HISTORY)
    question = request.args.get("question", "").strip()[:32] or None
    person = request.args.get("person", "")
    page = request.args.get("page", "1")
    result = history_service.history(
        db_session(),
        assessment.id,
        question_id=question,
        user_id=int(person) if person.isdigit() else None,
        page=int(page) if page.isdigit() else 1,
    )
    people = team_service.members(db_session(), assessment)
    return render_template(
        "assessments/history.html",
        assessment=assessment,
        result=result,
        question=question or "",
        person=person,
        people=people,
    )
