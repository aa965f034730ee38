"""Results: scores and gaps on screen, and the PDF gap report."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from ..access import Action
from ..db import db_session
from ..i18n import current_language, text_direction
from ..reports import RenderFailed
from ..reports.charts import score_bars
from ..reports_ext import gap_report_pdf
from ..services.reporting import gap_report_data
from .loading import assessment_or_404, framework_of

bp = Blueprint("results", __name__)


@bp.get("/<int:assessment_id>/results")
@login_required
def results(assessment_id: int) -> str:
    assessment = assessment_or_404(assessment_id, Action.SEE_GOVERNMENT)
    lang = current_language()
    report = gap_report_data(db_session(), framework_of(assessment), assessment, lang)
    chart = score_bars(
        [(d.name, d.score) for d in report.domains],
        title=_("Domain scores"),
        empty_label=_("not yet scored"),
        rtl=text_direction(lang) == "rtl",
    )
    return render_template(
        "results/results.html", assessment=assessment, report=report, chart=chart
    )


@bp.get("/<int:assessment_id>/report.pdf")
@login_required
def report_pdf(assessment_id: int) -> Response:
    assessment = assessment_or_404(assessment_id, Action.REPORT)
    lang = current_language()
    report = gap_report_data(db_session(), framework_of(assessment), assessment, lang)
    try:
        path = gap_report_pdf(report, lang)
    except RenderFailed as error:
        current_app.logger.error("gap report %s failed: %s", assessment.id, error)
        abort(503, description=_("The report could not be produced just now. Try again shortly."))
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
