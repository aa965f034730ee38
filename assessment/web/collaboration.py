"""Comments on questions and evidence files: added from the section page, each access-checked."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..access import Action, allowed
from ..db import db_session
from ..i18n import current_language
from ..models import EvidenceFile
from ..services import comments as comment_service
from ..services import evidence as evidence_service
from ..storage import evidence_store
from .forms import ActionForm, CommentForm
from .loading import assessment_or_404, framework_of

bp = Blueprint("collaboration", __name__)


def _back(assessment_id: int, section: str, question_id: str) -> Response:
    return redirect(
        url_for(
            "assessments.section",
            assessment_id=assessment_id,
            domain_code=section,
            _anchor=question_id,
        )
    )


def _section_of(framework, question_id: str) -> str:  # noqa: ANN001
    try:
        return framework.domain_of(framework.indicator_of(question_id).id).code
    except KeyError:
        abort(404)


@bp.post("/<int:assessment_id>/questions/<question_id>/comments")
@login_required
def add_comment(assessment_id: int, question_id: str) -> Response:
    assessment = assessment_or_404(assessment_id, Action.COMMENT)
    section = _section_of(framework_of(assessment), question_id)
    form = CommentForm()
    if not form.validate():
        flash(_("Write the comment first (at most 5,000 characters)."), "error")
        return _back(assessment.id, section, question_id)
    parent = form.parent_id.data
    try:
        comment_service.add(
            db_session(),
            assessment,
            question_id,
            current_user,
            form.body.data,
            parent_id=int(parent) if parent and parent.isdigit() else None,
            language=current_language(),
        )
    except comment_service.InvalidComment:
        flash(_("The comment could not be added to this question."), "error")
    return _back(assessment.id, section, question_id)


@bp.post("/<int:assessment_id>/questions/<question_id>/evidence")
@login_required
def upload(assessment_id: int, question_id: str) -> Response:
    assessment = assessment_or_404(assessment_id)
    section = _section_of(framework_of(assessment), question_id)
    if not allowed(current_user, Action.ANSWER, assessment, section):
        abort(403)
    if not ActionForm().validate():
        abort(400)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose a file to attach."), "error")
        return _back(assessment.id, section, question_id)
    try:
        evidence_service.store(
            db_session(),
            evidence_store(),
            assessment,
            question_id,
            current_user,
            upload.stream,
            upload.filename,
            current_app.config["MAX_UPLOAD_BYTES"],
        )
    except evidence_service.RejectedFile as error:
        current_app.logger.info("evidence refused for %s: %s", question_id, error)
        flash(_("The file was not attached: %(reason)s", reason=_rejection(error)), "error")
    else:
        flash(_("The file is attached."), "success")
    return _back(assessment.id, section, question_id)


def _rejection(error: evidence_service.RejectedFile) -> str:
    message = str(error)
    if "larger" in message:
        return _(
            "it is larger than %(mb)d MB.",
            mb=current_app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024),
        )
    if "empty" in message:
        return _("it is empty.")
    return _(
        "only PDF, PNG, JPEG and Word, Excel, PowerPoint or OpenDocument files are "
        "accepted, checked by their content."
    )


def _file_or_404(assessment_id: int, file_id: int) -> EvidenceFile:
    record = db_session().get(EvidenceFile, file_id)
    if record is None or record.assessment_id != assessment_id or record.removed_at is not None:
        abort(404)
    return record


@bp.get("/<int:assessment_id>/evidence/<int:file_id>")
@login_required
def download(assessment_id: int, file_id: int) -> Response:
    assessment_or_404(assessment_id, Action.SEE_GOVERNMENT)
    record = _file_or_404(assessment_id, file_id)
    files = evidence_store()
    path = files.local_path(record.stored_name)
    if path is None:
        try:
            source: Path | io.BytesIO = io.BytesIO(files.read(record.stored_name))
        except FileNotFoundError:
            abort(404)
    else:
        source = path
    response = send_file(
        source,
        mimetype=record.content_type,
        as_attachment=True,
        download_name=record.original_name,
        max_age=0,
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/<int:assessment_id>/evidence/<int:file_id>/remove")
@login_required
def remove(assessment_id: int, file_id: int) -> Response:
    assessment = assessment_or_404(assessment_id)
    record = _file_or_404(assessment_id, file_id)
    section = _section_of(framework_of(assessment), record.question_id)
    if not allowed(current_user, Action.ANSWER, assessment, section):
        abort(403)
    if not ActionForm().validate():
        abort(400)
    evidence_service.remove(db_session(), record, current_user)
    flash(_("The file was removed from this answer."), "success")
    return _back(assessment.id, section, record.question_id)
