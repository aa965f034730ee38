"""Results: the dashboard, the PDF gap report, targets, the action plan, cycles compared."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..access import Action, allowed
from ..db import db_session
from ..framework_ext import registry
from ..i18n import current_language, error_text, text_direction
from ..models import Action as PlannedAction
from ..models import Assessment
from ..reports import GapReport, RenderFailed
from ..reports.charts import radar, score_bars
from ..reports_ext import Pending, gap_report_pdf
from ..scoring import default_target
from ..services import assessments as assessment_service
from ..services import comparison, planning
from ..services.reporting import cycle_areas, gap_report_data
from .forms import ActionForm, PlanActionForm
from .loading import assessment_or_404, framework_of

bp = Blueprint("results", __name__)
SERIES_COLOURS = {"G": "#12355b", "P": "#c2384a", "V": "#2e7d4f"}


@bp.get("/<int:assessment_id>/results")
@login_required
def results(assessment_id: int) -> str:
    assessment = assessment_or_404(assessment_id, Action.SEE_GOVERNMENT)
    lang = current_language()
    report = _report(assessment, lang)
    rtl = text_direction(lang) == "rtl"
    chart = score_bars(
        [(d.name, d.score) for d in report.domains],
        title=_("Domain scores"),
        empty_label=_("not yet scored"),
        rtl=rtl,
    )
    scored = [d for d in report.domains if d.kind == "scored"]
    radar_chart = radar(
        [d.name for d in scored],
        [
            ("G", [d.government_score for d in scored], SERIES_COLOURS["G"]),
            ("P", [d.peer_score for d in scored], SERIES_COLOURS["P"]),
            ("V", [d.validated_score for d in scored], SERIES_COLOURS["V"]),
        ],
        title=_("Domain scores by rating"),
    )
    return render_template(
        "results/results.html",
        assessment=assessment,
        report=report,
        chart=chart,
        radar_chart=radar_chart,
        can_export_all=allowed(current_user, Action.MANAGE_TEAM, assessment),
    )


def _report(assessment: Assessment, lang: str) -> GapReport:
    """The gap report's data, comparing only the areas of the cycle the reader may see."""
    session = db_session()
    areas = [
        a
        for a in cycle_areas(session, assessment)
        if allowed(current_user, Action.SEE_GOVERNMENT, a)
    ]
    return gap_report_data(session, framework_of(assessment), assessment, lang, areas=areas)


@bp.get("/<int:assessment_id>/insights")
@login_required
def insights(assessment_id: int) -> str:
    """Reforms out of step, atrocity types, windows of opportunity and areas compared."""
    assessment = assessment_or_404(assessment_id, Action.SEE_GOVERNMENT)
    report = _report(assessment, current_language())
    return render_template(
        "results/insights.html", assessment=assessment, report=report, insights=report.insights
    )


@bp.get("/<int:assessment_id>/scores.json")
@login_required
def scores_json(assessment_id: int) -> Response:
    """The scoring result as JSON, for members who may see the government's ratings."""
    assessment = assessment_or_404(assessment_id, Action.SEE_GOVERNMENT)
    result = assessment_service.score(db_session(), framework_of(assessment), assessment)
    payload = asdict(result)
    payload["gaps"] = [
        {"indicator": g.id, "priority": g.priority, "band": g.band.value if g.band else None}
        for g in result.gaps
    ]
    return jsonify(assessment=assessment.id, **payload)


@bp.get("/<int:assessment_id>/report.pdf")
@login_required
def report_pdf(assessment_id: int) -> Response:
    assessment = assessment_or_404(assessment_id, Action.REPORT)
    lang = current_language()
    report = _report(assessment, lang)
    try:
        path = gap_report_pdf(report, lang)
    except RenderFailed as error:
        current_app.logger.error("gap report %s failed: %s", assessment.id, error)
        abort(503, description=_("The report could not be produced just now. Try again shortly."))
    if isinstance(path, Pending):
        # Rendering in the worker: a page that reloads itself until the file is ready.
        return Response(
            render_template("results/preparing.html", assessment=assessment),
            status=202,
            headers={"Refresh": "3", "Cache-Control": "no-store"},
        )
    name = f"gap-report-{assessment.country.iso_code}-{assessment.cycle}-{lang}.pdf"
    response = send_file(
        path,
        mimetype="application/pdf",
        download_name=name,
        as_attachment=request.args.get("download") == "1",
        conditional=True,
        etag=True,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.route("/<int:assessment_id>/targets", methods=["GET", "POST"])
@login_required
def targets(assessment_id: int) -> str | Response:
    assessment = assessment_or_404(assessment_id, Action.SEE_GOVERNMENT)
    framework = framework_of(assessment)
    can_edit = planning.can_plan(current_user, assessment)
    form = ActionForm()
    if request.method == "POST":
        if not can_edit:
            abort(403)
        if not form.validate():
            abort(400)
        chosen: dict[str, int | None] = {}
        for indicator in framework.indicators:
            raw = request.form.get(f"target-{indicator.id}", "")
            chosen[indicator.id] = int(raw) if raw.isdigit() else None
        try:
            planning.set_targets(db_session(), framework, assessment, current_user, chosen)
        except planning.PlanningError as error:
            flash(_("Not saved: %(reason)s.", reason=error_text(error)), "error")
        else:
            flash(_("The national targets are saved."), "success")
            return redirect(url_for("results.targets", assessment_id=assessment.id))
    return render_template(
        "results/targets.html",
        assessment=assessment,
        framework=framework,
        targets=assessment.targets or {},
        default_target=default_target,
        can_edit=can_edit,
        form=form,
    )


@bp.route("/<int:assessment_id>/actions", methods=["GET", "POST"])
@login_required
def actions(assessment_id: int) -> str | Response:
    assessment = assessment_or_404(assessment_id, Action.SEE_GOVERNMENT)
    framework = framework_of(assessment)
    session = db_session()
    can_edit = planning.can_plan(current_user, assessment)
    form = PlanActionForm()
    if form.validate_on_submit():
        if not can_edit:
            abort(403)
        existing = None
        if form.action_id.data and form.action_id.data.isdigit():
            existing = session.get(PlannedAction, int(form.action_id.data))
            if existing is None or existing.assessment_id != assessment.id:
                abort(404)
        try:
            planning.save_action(
                session,
                framework,
                assessment,
                current_user,
                title=form.title.data,
                owner=form.owner.data,
                deadline=form.deadline.data,
                status=form.status.data,
                indicator_ids=[
                    i.strip() for i in (form.indicators.data or "").split(",") if i.strip()
                ],
                note=form.note.data,
                action=existing,
            )
        except planning.PlanningError as error:
            flash(_("Not saved: %(reason)s.", reason=error_text(error)), "error")
        else:
            flash(_("The action plan is saved."), "success")
            return redirect(url_for("results.actions", assessment_id=assessment.id))
    elif request.method == "POST" and not can_edit:
        abort(403)
    result = assessment_service.score(session, framework, assessment)
    cycles = comparison.cycles_of(session, assessment)
    earlier = [a for a in cycles if a.cycle < assessment.cycle]
    previous = earlier[-1] if earlier else None
    return render_template(
        "results/actions.html",
        assessment=assessment,
        framework=framework,
        form=form,
        actions=planning.actions_of(session, assessment),
        gaps=result.gaps[:10],
        previous=previous,
        previous_actions=planning.actions_of(session, previous) if previous else [],
        current={i.id: i.current for i in result.indicators},
        can_edit=can_edit,
        today=date.today(),
    )


@bp.get("/<int:assessment_id>/compare")
@login_required
def compare(assessment_id: int) -> str:
    assessment = assessment_or_404(assessment_id, Action.SEE_GOVERNMENT)
    session = db_session()
    cycles = [
        a
        for a in comparison.cycles_of(session, assessment)
        if allowed(current_user, Action.SEE_GOVERNMENT, a)
    ]
    result = comparison.compare(session, registry(), cycles, current_language())
    return render_template("results/compare.html", assessment=assessment, result=result)
