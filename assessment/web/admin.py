"""The secretariat's pages: countries, people, and opening assessments for a cycle."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from ..db import db_session
from ..framework_ext import registry
from ..i18n import current_language, error_text
from ..models import Country, Role, User
from ..services import administration as service
from ..services import two_factor
from ..services.assessments import AssessmentExists, open_assessment
from .forms import CountryForm, MembershipForm, NewUserForm, OpenForCountryForm
from .team import invitation_link

bp = Blueprint("admin", __name__)


@bp.before_request
@login_required
def _administrators_only() -> Response | None:
    if not current_user.is_admin:
        abort(404)
    if current_app.config["ADMIN_TWO_STEP_REQUIRED"] and not current_user.totp_secret:
        flash(_("Administration needs two-step login: please turn it on first."), "info")
        return redirect(url_for("auth.two_step"))
    return None


def _role(value: str | None) -> Role | None:
    return Role(value) if value in {r.value for r in Role} else None


def _page_number() -> int:
    page = request.args.get("page", "1")
    return int(page) if page.isdigit() and len(page) < 7 else 1


def _country(value: str | None) -> Country | None:
    return db_session().get(Country, int(value)) if value and value.isdigit() else None


@bp.route("/", methods=["GET", "POST"])
def index() -> str | Response:
    session = db_session()
    countries = service.countries(session)
    country_form = CountryForm(prefix="country")
    country_form.iso_code.choices = [SelectChoice("", "—")] + [
        SelectChoice(code, name) for code, name in service.country_choices(current_language())
    ]
    user_form = NewUserForm(prefix="user")
    open_form = OpenForCountryForm(prefix="open")
    for form in (user_form, open_form):
        form.country_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(c.id), c.name) for c in countries
        ]
    if country_form.submit.data and country_form.validate_on_submit():
        try:
            service.add_country(
                session,
                current_user,
                country_form.iso_code.data or country_form.custom_code.data or "",
                country_form.name.data,
            )
        except service.AdminError as error:
            flash(_("Not added: %(reason)s.", reason=error_text(error)), "error")
        else:
            flash(_("The country is added."), "success")
            return redirect(url_for("admin.index"))
    elif user_form.submit.data and user_form.validate_on_submit():
        try:
            service.add_user(
                session,
                current_user,
                user_form.email.data,
                user_form.name.data,
                user_form.password.data,
                _country(user_form.country_id.data),
                _role(user_form.role.data),
                is_admin=user_form.is_admin.data,
            )
        except service.AdminError as error:
            flash(_("Not added: %(reason)s.", reason=error_text(error)), "error")
        else:
            flash(_("The account is created."), "success")
            return redirect(url_for("admin.index"))
    elif open_form.submit.data and open_form.validate_on_submit():
        country = _country(open_form.country_id.data)
        if country is None:
            abort(400)
        try:
            assessment = open_assessment(
                session,
                registry(),
                current_user,
                country,
                open_form.cycle.data,
                open_form.area.data or "",
            )
        except AssessmentExists:
            flash(_("An assessment for this cycle already exists."), "error")
        else:
            flash(_("The assessment is open."), "success")
            return redirect(url_for("assessments.overview", assessment_id=assessment.id))
    return render_template(
        "admin/index.html",
        countries=countries,
        people=service.people(session, _page_number(), request.args.get("q", "")),
        country_form=country_form,
        user_form=user_form,
        open_form=open_form,
        membership_form=MembershipForm(),
    )


@bp.post("/people/<int:user_id>")
def person(user_id: int) -> Response:
    session = db_session()
    user = session.get(User, user_id)
    if user is None:
        abort(404)
    form = MembershipForm()
    if not form.validate():
        abort(400)
    try:
        if form.action.data == "membership":
            service.set_membership(
                session,
                current_user,
                user,
                _country(form.country_id.data),
                _role(form.role.data),
                area=form.area.data or "",
            )
        elif form.action.data in ("activate", "deactivate"):
            service.set_active(session, current_user, user, form.action.data == "activate")
        elif form.action.data == "two_factor_off":
            # For a lost phone: the person logs in with the password alone, then sets up anew.
            two_factor.disable(session, user, current_user)
        elif form.action.data == "reset":
            # A one-time link to choose a new password (the invitation mechanism: signed,
            # expiring, void once used); every session of the person ends when it is used.
            service.record_reset(session, current_user, user)
            flash(
                _(
                    "Send this link to %(name)s to choose a new password; it works once and "
                    "expires in 14 days: %(link)s",
                    name=user.name,
                    link=invitation_link(user),
                ),
                "info",
            )
            return redirect(url_for("admin.index"))
        else:
            abort(400)
    except service.AdminError as error:
        flash(_("Not changed: %(reason)s.", reason=error_text(error)), "error")
    else:
        flash(_("Saved."), "success")
    return redirect(url_for("admin.index"))


@bp.get("/overview")
def overview() -> str:
    from ..services.comparison import regional_overview

    framework = registry().localized(registry().current_version, current_language())
    domains = [(d.code, d.name) for d in framework.domains if d.indicators]
    return render_template(
        "admin/overview.html", rows=regional_overview(db_session(), registry()), domains=domains
    )


@bp.post("/countries/<int:country_id>/sharing")
def sharing(country_id: int) -> Response:
    country = db_session().get(Country, country_id)
    if country is None:
        abort(404)
    if not MembershipForm().validate():
        abort(400)
    service.set_sharing(db_session(), current_user, country, request.form.get("share") == "1")
    flash(_("Saved."), "success")
    return redirect(url_for("admin.index"))
