"""The walk-through: an assessment's sections, answered one section at a time, with autosave,
context triggers, and the moves from one state to the next."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from .. import labels
from ..access import Action, allowed, answerable_sections, can_open_assessment
from ..db import db_session
from ..framework import Framework
from ..framework.schema import Question, QuestionType
from ..framework_ext import registry
from ..i18n import current_language, error_text
from ..limits import autosave_limit, limiter, per_person
from ..models import Answer, Assessment, Country
from ..services import assessments as service
from ..services import comments as comment_service
from ..services import evidence as evidence_service
from ..services import review as review_service
from ..services import workflow
from .forms import (
    CONFIDENCE_CHOICES,
    ActionForm,
    CommentForm,
    OpenAssessmentForm,
    TransitionForm,
    TriggersForm,
    answer_choices,
    digest,
    field_name,
    section_form,
)
from .loading import assessment_or_404, framework_of, section_or_404

bp = Blueprint("assessments", __name__)
NOT_RATED = ("not_applicable", "unknown")


@bp.post("/new")
@login_required
def open_new() -> Response:
    form = OpenAssessmentForm()
    if not form.validate() or not str(form.country_id.data).isdigit():
        flash(_("Give the cycle of the new assessment."), "error")
        return redirect(url_for("main.home"))
    country = db_session().get(Country, int(form.country_id.data))
    if country is None or not can_open_assessment(current_user, country):
        abort(404)
    try:
        assessment = service.open_assessment(
            db_session(), registry(), current_user, country, form.cycle.data, form.area.data or ""
        )
    except service.AssessmentExists:
        flash(_("An assessment for this cycle already exists."), "error")
        return redirect(url_for("main.home"))
    except service.AccessDenied:
        flash(_("Your membership covers one area only: open that area's assessment."), "error")
        return redirect(url_for("main.home"))
    flash(_("The assessment is open."), "success")
    return redirect(url_for("assessments.overview", assessment_id=assessment.id))


def _sections(
    framework: Framework, assessment: Assessment, answers: dict[str, Answer]
) -> list[dict[str, Any]]:
    codes = [d.code for d in framework.answerable_domains]
    mine = set(answerable_sections(current_user, assessment, codes))
    return [
        {
            "domain": d,
            "questions": len(qs),
            "answered": sum(1 for q in qs if q.id in answers),
            "flagged": sum(1 for q in qs if q.id in answers and answers[q.id].flagged),
            "answerable": d.code in mine,
        }
        for d in framework.answerable_domains
        for qs in [[q for i in d.indicators for q in i.questions]]
    ]


@bp.get("/<int:assessment_id>")
@login_required
def overview(assessment_id: int) -> str:
    assessment = assessment_or_404(assessment_id)
    framework = framework_of(assessment)
    answers = service.get_answers(db_session(), assessment)
    sections = _sections(framework, assessment, answers)
    missing = workflow.missing_answers(framework, answers)
    return render_template(
        "assessments/overview.html",
        assessment=assessment,
        framework=framework,
        sections=sections,
        total=sum(s["questions"] for s in sections),
        answered=sum(s["answered"] for s in sections),
        missing=missing,
        transitions=workflow.available(current_user, assessment),
        transition_form=TransitionForm(),
        can_manage_team=allowed(current_user, Action.MANAGE_TEAM, assessment),
        can_see_history=allowed(current_user, Action.HISTORY, assessment),
        can_manage_review=allowed(current_user, Action.MANAGE_REVIEW, assessment),
        can_see_government=allowed(current_user, Action.SEE_GOVERNMENT, assessment),
        my_review=review_service.review_of(assessment, current_user),
    )


def _form_values(question: Question, answer: Answer | None) -> dict[str, Any]:
    if answer is None:
        values: dict[str, Any] = {"version": 0}
    else:
        choice = (
            answer.status
            if answer.status in NOT_RATED
            else str(answer.level)
            if question.type is QuestionType.SCALE
            else answer.value
            if question.type in (QuestionType.YES_NO_PARTIAL, QuestionType.CHOICE)
            else ""
        )
        free = answer.value if question.type in (QuestionType.NUMBER, QuestionType.TEXT) else None
        values = {
            "answer": choice,
            "value": free,
            "reason": answer.reason,
            "confidence": answer.confidence or "",
            "evidence": answer.evidence,
            "comment": answer.comment,
            "flagged": answer.flagged,
            "version": answer.version,
        }
    values["original"] = digest(values)
    return values


def _to_input(question: Question, posted: dict[str, Any]) -> service.AnswerInput | None:
    """The answer the respondent gave, or None where they left the question as it was shown."""
    if digest(posted) == posted.get("original"):
        return None
    choice, free = posted.get("answer") or "", posted.get("value") or ""
    if not choice and not free.strip():
        return None  # nothing chosen: the question stays unanswered
    common = {
        "question_id": question.id,
        "expected_version": posted.get("version") or 0,
        "reason": posted.get("reason"),
        "confidence": posted.get("confidence") or None,
        "evidence": posted.get("evidence"),
        "comment": posted.get("comment"),
        "flagged": bool(posted.get("flagged")),
        "language": current_language(),
    }
    if choice in NOT_RATED:
        return service.AnswerInput(status=choice, **common)
    if question.type is QuestionType.SCALE:
        return service.AnswerInput(level=int(choice) if choice.isdigit() else None, **common)
    if question.type in (QuestionType.YES_NO_PARTIAL, QuestionType.CHOICE):
        return service.AnswerInput(value=choice or None, **common)
    return service.AnswerInput(value=free, **common)


def question_status(question_id: str, answers: dict[str, Answer], commented: set[str]) -> list[str]:
    answer = answers.get(question_id)
    status = ["answered" if answer else "unanswered"]
    if answer and answer.flagged:
        status.append("flagged")
    if question_id in commented:
        status.append("commented")
    return status


@bp.route("/<int:assessment_id>/sections/<domain_code>", methods=["GET", "POST"])
@login_required
def section(assessment_id: int, domain_code: str) -> str | Response:
    assessment = assessment_or_404(assessment_id)
    if not allowed(current_user, Action.SEE_GOVERNMENT, assessment):
        # A blind peer reviewer rates in their own review, without the government's answers.
        return redirect(url_for("review.overview", assessment_id=assessment.id))
    framework = framework_of(assessment)
    domain = section_or_404(framework, domain_code)
    questions = [q for i in domain.indicators for q in i.questions]
    can_answer = allowed(current_user, Action.ANSWER, assessment, domain.code)
    session = db_session()
    answers = service.get_answers(session, assessment)

    conflicts: list[service.Conflict] = []
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not can_answer:
            abort(403)
        form = section_form(questions, formdata=request.form)
        if form.validate():
            given = [
                item
                for q in questions
                if (item := _to_input(q, getattr(form, field_name(q.id)).data))
            ]
            try:
                result = service.save_answers(
                    session,
                    framework,
                    assessment,
                    current_user,
                    given,
                    text_limit=current_app.config["MAX_TEXT_LENGTH"],
                )
            except service.InvalidAnswer as error:
                errors[error.question_id] = error_text(error)
            except service.AccessDenied:
                abort(403)
            else:
                if not result.conflicts:
                    flash(_("Saved %(n)d answer(s).", n=len(result.saved)), "success")
                    return redirect(
                        url_for(
                            "assessments.section",
                            assessment_id=assessment.id,
                            domain_code=domain.code,
                        )
                    )
                conflicts = result.conflicts
                # Show the other person's values beside the respondent's, with the new version
                # so that saving again deliberately replaces them.
                for conflict in conflicts:
                    getattr(form, field_name(conflict.question_id)).version.data = conflict.version
        else:
            errors = {
                q.id: _("Check this answer.")
                for q in questions
                if getattr(form, field_name(q.id)).errors
            }
        answers = service.get_answers(session, assessment)
        # What the respondent sent goes back to them, with the version they now hold.
        shown = {q.id: dict(getattr(form, field_name(q.id)).data) for q in questions}
    else:
        shown = {q.id: _form_values(q, answers.get(q.id)) for q in questions}

    ids = [q.id for q in questions]
    threads = comment_service.threads(session, assessment, ids)
    files: dict[str, list[Any]] = {}
    for record in evidence_service.files_of(session, assessment, ids):
        files.setdefault(record.question_id, []).append(record)
    return render_template(
        "assessments/section.html",
        assessment=assessment,
        framework=framework,
        domain=domain,
        field_name=field_name,
        shown=shown,
        choices={q.id: answer_choices(q) for q in questions},
        confidence_choices=[(c.value, str(c.label)) for c in CONFIDENCE_CHOICES],
        answers=answers,
        can_answer=can_answer,
        conflicts={c.question_id: c for c in conflicts},
        errors=errors,
        threads=threads,
        files=files,
        comment_form=CommentForm(),
        action_form=ActionForm(),
        status={q.id: question_status(q.id, answers, set(threads)) for q in questions},
        can_comment=allowed(current_user, Action.COMMENT, assessment),
        sections=_sections(framework, assessment, answers),
        max_upload_mb=current_app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024),
    )


@bp.post("/<int:assessment_id>/answers/<question_id>")
@login_required
@limiter.limit(autosave_limit, key_func=per_person)
def autosave(assessment_id: int, question_id: str) -> tuple[Response, int]:
    """Save one answer as the respondent moves on (JSON). 409 with the stored value when the
    respondent's version is stale; the operation id makes a retried request harmless."""
    assessment = assessment_or_404(assessment_id)
    framework = framework_of(assessment)
    try:
        payload = request.get_json(silent=True)
    except RecursionError:  # absurdly deep nesting: not an answer
        payload = None
    if not isinstance(payload, dict):
        return jsonify(error="send the answer as a JSON object"), 400
    try:
        question = framework.question(question_id)
    except KeyError:
        return jsonify(error=f"no question {question_id} in this assessment"), 404
    try:
        item = service.AnswerInput(
            question_id=question.id,
            expected_version=int(payload.get("version", 0)),
            status=str(payload.get("status") or "answered"),
            level=int(payload["level"]) if payload.get("level") not in (None, "") else None,
            value=_text(payload.get("value")),
            reason=_text(payload.get("reason")),
            confidence=_text(payload.get("confidence")) or None,
            evidence=_text(payload.get("evidence")),
            comment=_text(payload.get("comment")),
            flagged=bool(payload.get("flagged")),
            language=current_language(),
        )
    except (TypeError, ValueError):
        return jsonify(error="version and level are whole numbers"), 422
    operation = payload.get("operation_id")
    try:
        result = service.save_answers(
            db_session(),
            framework,
            assessment,
            current_user,
            [item],
            text_limit=current_app.config["MAX_TEXT_LENGTH"],
            operation_id=str(operation) if operation is not None else None,
        )
    except service.AccessDenied:
        return jsonify(error=_("You cannot answer this question now.")), 403
    except service.InvalidAnswer as error:
        return jsonify(error=error_text(error), question=error.question_id), 422
    if result.conflicts:
        conflict = result.conflicts[0]
        return jsonify(
            error=_("Someone else saved this answer while you were editing."),
            question=conflict.question_id,
            current=conflict.current,
            version=conflict.version,
            updated_by=conflict.updated_by,
            updated_at=conflict.updated_at.isoformat() if conflict.updated_at else None,
        ), 409
    return jsonify(
        question=question.id,
        version=result.versions.get(question.id),
        saved=bool(result.saved),
        replayed=result.replayed,
    ), 200


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str | int | float):
        raise TypeError("text expected")
    return str(value)


@bp.route("/<int:assessment_id>/context", methods=["GET", "POST"])
@login_required
def context(assessment_id: int) -> str | Response:
    """The context checklist: which triggers are set for this cycle."""
    assessment = assessment_or_404(assessment_id)
    framework = framework_of(assessment)
    can_edit = allowed(current_user, Action.ANSWER, assessment, "CTX")
    form = TriggersForm()
    posted: dict[str, Any] | None = None  # what was typed, shown again when it is refused
    status = 200
    if request.method == "POST":
        if not can_edit:
            abort(403)
        if form.validate():
            chosen = set(request.form.getlist("trigger"))
            notes = {t.id: request.form.get(f"note-{t.id}", "") for t in framework.triggers}
            posted_dates = {
                t.id: request.form.get(f"date-{t.id}", "").strip() for t in framework.triggers
            }
            try:
                service.set_triggers(
                    db_session(),
                    framework,
                    assessment,
                    current_user,
                    chosen,
                    notes,
                    service.parse_trigger_dates(posted_dates),
                )
            except service.InvalidTriggerDate as error:
                flash(_("Not saved: %(reason)s.", reason=error_text(error)), "error")
                posted = {"chosen": chosen, "notes": notes, "dates": posted_dates}
                status = 400
            else:
                flash(_("The context checklist is saved."), "success")
                return redirect(url_for("assessments.context", assessment_id=assessment.id))
    flags = {t.trigger_id: t for t in assessment.triggers}
    return render_template(
        "assessments/context.html",
        assessment=assessment,
        framework=framework,
        flags=flags,
        posted=posted,
        form=form,
        can_edit=can_edit,
    ), status


@bp.post("/<int:assessment_id>/transitions/<name>")
@login_required
def transition(assessment_id: int, name: str) -> Response:
    assessment = assessment_or_404(assessment_id)
    form = TransitionForm()
    if not form.validate():
        abort(400)
    framework = framework_of(assessment)
    session = db_session()
    missing = workflow.missing_answers(framework, service.get_answers(session, assessment))
    unsettled = (
        review_service.unsettled(session, framework, assessment) if name == "validate" else []
    )
    try:
        workflow.apply(
            session,
            assessment,
            current_user,
            name,
            reason=form.reason.data,
            missing=missing,
            unsettled=unsettled,
        )
    except workflow.TransitionRefused as error:
        flash(_refusal(error), "error")
    else:
        flash(
            _(
                "The assessment is now: %(state)s.",
                state=_(labels.STATES.get(assessment.state, assessment.state)),
            ),
            "success",
        )
    return redirect(url_for("assessments.overview", assessment_id=assessment.id))


def _refusal(error: workflow.TransitionRefused) -> str:
    if error.reason == error.INCOMPLETE:
        return _("Not submitted: %(n)d question(s) are still unanswered.", n=error.count)
    if error.reason == error.UNSETTLED:
        return _(
            "Not validated: %(n)d contested indicator(s) have neither a validated score nor "
            "a recorded disagreement.",
            n=error.count,
        )
    if error.reason == error.REASON_NEEDED:
        return _("Give the reason for reopening the assessment.")
    return _("This step is not open to you in the assessment's current state.")
