"""Downloads of an assessment: answers (CSV, XLSX), scores (XLSX), the complete JSON export."""

from __future__ import annotations

import json

from flask import Blueprint
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from ..access import Action
from ..db import db_session
from ..i18n import current_language, text_direction
from ..models import Assessment
from ..services import assessments as assessment_service
from ..services import exports, interchange
from ..storage import evidence_store
from .loading import assessment_or_404, framework_of

bp = Blueprint("exports", __name__)


def _download(data: bytes, mimetype: str, assessment: Assessment, kind: str, ext: str) -> Response:
    name = f"{kind}-{assessment.country.iso_code}-{assessment.cycle}-{current_language()}.{ext}"
    return Response(
        data,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f"attachment; filename={_safe(name)}",
            "Cache-Control": "private, no-store",
        },
    )


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


@bp.get("/<int:assessment_id>/export/answers.csv")
@login_required
def answers_csv(assessment_id: int) -> Response:
    assessment = assessment_or_404(assessment_id, Action.SEE_GOVERNMENT)
    table = exports.answers_table(db_session(), framework_of(assessment), assessment, _)
    return _download(exports.to_csv(table), "text/csv", assessment, "answers", "csv")


@bp.get("/<int:assessment_id>/export/answers.xlsx")
@login_required
def answers_xlsx(assessment_id: int) -> Response:
    assessment = assessment_or_404(assessment_id, Action.SEE_GOVERNMENT)
    table = exports.answers_table(db_session(), framework_of(assessment), assessment, _)
    rtl = text_direction(current_language()) == "rtl"
    return _download(
        exports.to_xlsx([table], rtl=rtl), exports.XLSX_TYPE, assessment, "answers", "xlsx"
    )


@bp.get("/<int:assessment_id>/export/scores.xlsx")
@login_required
def scores_xlsx(assessment_id: int) -> Response:
    assessment = assessment_or_404(assessment_id, Action.SEE_GOVERNMENT)
    framework = framework_of(assessment)
    result = assessment_service.score(db_session(), framework, assessment)
    tables = exports.scores_tables(framework, result, _)
    rtl = text_direction(current_language()) == "rtl"
    return _download(
        exports.to_xlsx(tables, rtl=rtl), exports.XLSX_TYPE, assessment, "scores", "xlsx"
    )


@bp.get("/<int:assessment_id>/export/assessment.json")
@login_required
def assessment_json(assessment_id: int) -> Response:
    """Everything, for an import on another installation: the focal point and administrators."""
    assessment = assessment_or_404(assessment_id, Action.MANAGE_TEAM)
    document = interchange.export_assessment(db_session(), assessment, evidence_store())
    data = json.dumps(document, ensure_ascii=False, indent=1).encode()
    return _download(data, "application/json", assessment, "assessment", "json")
