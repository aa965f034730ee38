"""The API's routes: load, check access, call a service, answer JSON."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app, g, jsonify, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..access import Action
from ..db import db_session
from ..framework import UnknownFrameworkVersion
from ..framework_ext import registry
from ..i18n import error_text
from ..models import Assessment
from ..reports import RenderFailed
from ..reports_ext import Pending, cached_report, gap_report_pdf, report_status
from ..services import assessments as service
from ..services import exports, interchange
from ..services.reporting import gap_report_data
from ..storage import evidence_store
from ..web.loading import assessment_or_404
from . import ApiError, bp, error_response, serialise
from .openapi import document

PAPERS = ("a4", "letter")
ANSWER_KEYS = frozenset(
    {
        "version",
        "operation_id",
        "status",
        "level",
        "value",
        "reason",
        "confidence",
        "evidence",
        "comment",
        "flagged",
        "language",
    }
)


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(document(current_app.config["LANGUAGES"]))


@bp.get("/open-data/domain-scores.csv")
def open_data() -> Response:
    """Domain scores per country and cycle, only of countries that agreed to share them."""
    table = exports.open_data_table(db_session(), registry())
    return Response(
        exports.to_csv(table),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=domain-scores.csv"},
    )


@bp.get("/me")
def me() -> Response:
    token = g.get("api_token")
    return jsonify(
        id=current_user.id,
        name=current_user.name,
        email=current_user.email,
        is_admin=current_user.is_admin,
        auth="token" if token else "session",
        scope=token.scope if token else "write",
    )


def _assessment(assessment_id: int, action: Action = Action.VIEW) -> Assessment:
    """The web pages' loader and check: another country's assessment is a 404, an action the
    person may not take a 403 (both answered as JSON by the blueprint's error handler)."""
    return assessment_or_404(assessment_id, action)


def _lang() -> str:
    lang = request.args.get("lang", current_app.config["DEFAULT_LANGUAGE"])
    if lang not in current_app.config["LANGUAGES"]:
        raise ApiError(422, f"lang is one of {', '.join(current_app.config['LANGUAGES'])}")
    return lang


@bp.get("/assessments")
def assessments() -> Response:
    page = request.args.get("page", "1")
    if not (page.isdigit() and 0 < len(page) < 7 and int(page) >= 1):
        raise ApiError(422, "page is a whole number from 1")
    found = service.visible_assessments(db_session(), current_user, int(page))
    return jsonify(
        assessments=[serialise.assessment(a) for a in found.items],
        page=found.page,
        pages=found.pages,
        total=found.total,
    )


@bp.get("/assessments/<int:assessment_id>")
def assessment(assessment_id: int) -> Response:
    return jsonify(serialise.assessment(_assessment(assessment_id)))


@bp.get("/framework")
def framework_current() -> Response:
    return framework(registry().current_version)


@bp.get("/framework/<version>")
def framework(version: str) -> Response:
    lang = _lang()
    try:
        localized = registry().localized(version, lang)
    except UnknownFrameworkVersion:
        raise ApiError(404, "There is no framework of this version.") from None
    return jsonify(serialise.framework(localized, lang))


@bp.get("/assessments/<int:assessment_id>/answers")
def answers(assessment_id: int) -> Response:
    found = _assessment(assessment_id, Action.SEE_GOVERNMENT)
    stored = service.get_answers(db_session(), found)
    return jsonify(answers=[serialise.answer(stored[q]) for q in sorted(stored)])


def _question_of(found: Assessment, question_id: str) -> str:
    try:
        return registry().get(found.framework_version).question(question_id).id
    except KeyError:
        raise ApiError(404, "There is no such question in this assessment.") from None


@bp.get("/assessments/<int:assessment_id>/answers/<question_id>")
def answer(assessment_id: int, question_id: str) -> Response:
    found = _assessment(assessment_id, Action.SEE_GOVERNMENT)
    _question_of(found, question_id)
    stored = service.get_answers(db_session(), found).get(question_id)
    if stored is None:
        raise ApiError(404, "This question has no answer yet (save it with version 0).")
    return jsonify(serialise.answer(stored))


def _text(payload: dict[str, Any], key: str) -> str | None:
    value = payload.get(key)
    if value is None or isinstance(value, str):
        return value
    raise ApiError(422, f"{key} is text or null")


@bp.put("/assessments/<int:assessment_id>/answers/<question_id>")
def save_answer(assessment_id: int, question_id: str) -> Response:
    """The browser's autosave rules: the version read, 409 on a stale one, an operation id
    applied once."""
    found = _assessment(assessment_id)
    qid = _question_of(found, question_id)
    if not request.is_json:
        raise ApiError(415, "Send the answer as application/json.")
    try:
        payload = request.get_json(silent=True)
    except RecursionError:
        payload = None
    if not isinstance(payload, dict):
        raise ApiError(400, "Send the answer as a JSON object.")
    unknown = sorted(set(payload) - ANSWER_KEYS)
    if unknown:
        raise ApiError(422, f"unknown fields: {', '.join(unknown[:5])}")
    version, level = payload.get("version"), payload.get("level")
    if isinstance(version, bool) or not isinstance(version, int) or not 0 <= version < 2**31:
        raise ApiError(422, "version is the whole number you read (0 for a new answer)")
    if level is not None and (isinstance(level, bool) or not isinstance(level, int)):
        raise ApiError(422, "level is a whole number from 0 to 4, or null")
    flagged = payload.get("flagged", False)
    if not isinstance(flagged, bool):
        raise ApiError(422, "flagged is true or false")
    operation = payload.get("operation_id")
    if operation is not None and not isinstance(operation, str):
        raise ApiError(422, "operation_id is text")
    language = _text(payload, "language")
    if language is not None and language not in current_app.config["LANGUAGES"]:
        raise ApiError(422, "language is one of the enabled languages")
    try:
        item = service.AnswerInput(
            question_id=qid,
            expected_version=version,
            status=_text(payload, "status") or "answered",
            level=level,
            value=_text(payload, "value"),
            reason=_text(payload, "reason"),
            confidence=_text(payload, "confidence"),
            evidence=_text(payload, "evidence"),
            comment=_text(payload, "comment"),
            flagged=flagged,
            language=language,
        )
        result = service.save_answers(
            db_session(),
            registry().get(found.framework_version),
            found,
            current_user,
            [item],
            text_limit=current_app.config["MAX_TEXT_LENGTH"],
            operation_id=operation,
        )
    except service.AccessDenied:
        raise ApiError(403, "You cannot answer this question now.") from None
    except service.InvalidAnswer as error:
        raise ApiError(422, error_text(error), question=error.question_id) from None
    if result.conflicts:
        conflict = result.conflicts[0]
        return error_response(
            409,
            "Someone else saved this answer since you read it.",
            question=conflict.question_id,
            current=conflict.current,
            version=conflict.version,
            updated_by=conflict.updated_by,
            updated_at=interchange.iso_time(conflict.updated_at),
        )
    return jsonify(
        question=qid,
        version=result.versions.get(qid),
        saved=bool(result.saved),
        replayed=result.replayed,
    )


@bp.get("/assessments/<int:assessment_id>/scores")
def scores(assessment_id: int) -> Response:
    found = _assessment(assessment_id, Action.SEE_GOVERNMENT)
    result = service.score(db_session(), registry().get(found.framework_version), found)
    return jsonify(serialise.scores(found.id, result))


@bp.get("/assessments/<int:assessment_id>/export")
def export(assessment_id: int) -> Response:
    """The complete JSON export (with evidence files), for the focal point and administrators."""
    found = _assessment(assessment_id, Action.MANAGE_TEAM)
    document_ = interchange.export_assessment(db_session(), found, evidence_store())
    return jsonify(document_)


def _report_body() -> tuple[str, str]:
    payload = request.get_json(silent=True) if request.is_json else None
    if payload is None and request.data:
        raise ApiError(400, 'Send a JSON object such as {"lang": "en"}.')
    payload = payload or {}
    if not isinstance(payload, dict):
        raise ApiError(400, 'Send a JSON object such as {"lang": "en"}.')
    lang, paper = payload.get("lang", "en"), payload.get("paper", "a4")
    if lang not in current_app.config["LANGUAGES"]:
        raise ApiError(422, f"lang is one of {', '.join(current_app.config['LANGUAGES'])}")
    if paper not in PAPERS:
        raise ApiError(422, "paper is a4 or letter")
    unknown = sorted(set(payload) - {"lang", "paper"})
    if unknown:
        raise ApiError(422, f"unknown fields: {', '.join(unknown[:5])}")
    return lang, paper


def _report_data(found: Assessment, lang: str):  # noqa: ANN202
    localized = registry().localized(found.framework_version, lang)
    return gap_report_data(db_session(), localized, found, lang, on=date.today())


def _status_body(found: Assessment, lang: str, paper: str, status: str) -> dict[str, Any]:
    return {
        "assessment": found.id,
        "lang": lang,
        "paper": paper,
        "status": status,
        "poll": url_for("api.report", assessment_id=found.id, language=lang, paper=paper),
        "download": url_for("api.report_pdf", assessment_id=found.id, language=lang, paper=paper),
    }


@bp.post("/assessments/<int:assessment_id>/reports")
def request_report(assessment_id: int) -> tuple[Response, int]:
    """Ask for the gap report: 200 when it is ready, 202 while a worker renders it."""
    found = _assessment(assessment_id, Action.REPORT)
    lang, paper = _report_body()
    try:
        path = gap_report_pdf(_report_data(found, lang), lang, paper)
    except RenderFailed as error:
        current_app.logger.error("gap report %s failed: %s", found.id, error)
        raise ApiError(
            503, "The report could not be produced just now. Try again shortly."
        ) from None
    status = "pending" if isinstance(path, Pending) else "ready"
    return jsonify(_status_body(found, lang, paper, status)), 202 if status == "pending" else 200


def _paper() -> str:
    paper = request.args.get("paper", "a4")
    if paper not in PAPERS:
        raise ApiError(422, "paper is a4 or letter")
    return paper


def _report_lang(lang: str) -> str:
    if lang not in current_app.config["LANGUAGES"]:
        raise ApiError(404, "There is no report in this language.")
    return lang


@bp.get("/assessments/<int:assessment_id>/reports/<language>")
def report(assessment_id: int, language: str) -> Response:
    """Where the report stands: ready, pending, failed, or absent (ask for it first)."""
    found = _assessment(assessment_id, Action.REPORT)
    lang, paper = _report_lang(language), _paper()
    status = report_status(_report_data(found, lang), lang, paper)
    return jsonify(_status_body(found, lang, paper, status))


@bp.get("/assessments/<int:assessment_id>/reports/<language>/pdf")
def report_pdf(assessment_id: int, language: str) -> Response:
    found = _assessment(assessment_id, Action.REPORT)
    lang, paper = _report_lang(language), _paper()
    path = cached_report(_report_data(found, lang), lang, paper)
    if path is None:
        raise ApiError(
            409, "The report is not ready: ask for it, then poll its status.", "not_ready"
        )
    name = f"gap-report-{found.country.iso_code}-{found.cycle}-{lang}.pdf"
    # Read whole (a few hundred kilobytes): no file handle outlives the request.
    return Response(
        path.read_bytes(),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f"attachment; filename={name}",
            "Cache-Control": "private, no-cache",
        },
    )
