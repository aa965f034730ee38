"""The walk-through: an assessment's sections, answered one section at a time."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..access import Action, allowed, can_open_assessment
from ..db import db_session
from ..framework.schema import Domain, Question, QuestionType
from ..framework_ext import registry
from ..i18n import current_language
from ..models import Answer, Country
from ..services import assessments as service
from .forms import EDITABLE, ActionForm, OpenAssessmentForm, digest, field_name, section_form
from .loading import assessment_or_404, framework_of

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
    flash(_("The assessment is open."), "success")
    return redirect(url_for("assessments.overview", assessment_id=assessment.id))


@bp.get("/<int:assessment_id>")
@login_required
def overview(assessment_id: int) -> str:
    assessment = assessment_or_404(assessment_id)
    framework = framework_of(assessment)
    answers = service.get_answers(db_session(), assessment)
    sections = [
        {"domain": d, "questions": len(qs), "answered": sum(1 for q in qs if q.id in answers)}
        for d in framework.answerable_domains
        for qs in [[q for i in d.indicators for q in i.questions]]
    ]
    return render_template(
        "assessments/overview.html",
        assessment=assessment,
        sections=sections,
        can_answer=allowed(current_user, Action.ANSWER, assessment),
        submit_form=ActionForm(),
    )


def _form_values(question: Question, answer: Answer | None) -> dict[str, Any]:
    if answer is None:
        values: dict[str, Any] = {"version": 0}
    else:
        choice = (
            answer.status
            if answer.status in NOT_RATED
            else (
                str(answer.level)
                if question.type is QuestionType.SCALE
                else answer.value
                if question.type in (QuestionType.YES_NO_PARTIAL, QuestionType.CHOICE)
                else ""
            )
        )
        free = answer.value if question.type in (QuestionType.NUMBER, QuestionType.TEXT) else None
        values = {
            "answer": choice,
            "value": free,
            "reason": answer.reason,
            "confidence": answer.confidence or "",
            "evidence": answer.evidence,
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
        "language": current_language(),
    }
    if choice in NOT_RATED:
        return service.AnswerInput(status=choice, **common)
    if question.type is QuestionType.SCALE:
        return service.AnswerInput(level=int(choice) if choice.isdigit() else None, **common)
    if question.type in (QuestionType.YES_NO_PARTIAL, QuestionType.CHOICE):
        return service.AnswerInput(value=choice or None, **common)
    return service.AnswerInput(value=free, **common)


def _section(domain_code: str, framework: Any) -> Domain:
    try:
        domain = framework.domain(domain_code)
    except KeyError:
        abort(404)
    if domain not in framework.answerable_domains:
        abort(404)
    return domain


@bp.route("/<int:assessment_id>/sections/<domain_code>", methods=["GET", "POST"])
@login_required
def section(assessment_id: int, domain_code: str) -> str | Response:
    assessment = assessment_or_404(assessment_id)
    framework = framework_of(assessment)
    domain = _section(domain_code, framework)
    questions = [q for i in domain.indicators for q in i.questions]
    can_answer = allowed(current_user, Action.ANSWER, assessment)
    answers = service.get_answers(db_session(), assessment)
    shown = {field_name(q.id): _form_values(q, answers.get(q.id)) for q in questions}

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
                    db_session(),
                    framework,
                    assessment,
                    current_user,
                    given,
                    text_limit=current_app.config["MAX_TEXT_LENGTH"],
                )
            except service.InvalidAnswer as error:
                errors[error.question_id] = error.message
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
        answers = service.get_answers(db_session(), assessment)
    else:
        form = section_form(questions, data=shown)

    return render_template(
        "assessments/section.html",
        assessment=assessment,
        framework=framework,
        domain=domain,
        form=form,
        field_name=field_name,
        answers=answers,
        can_answer=can_answer,
        conflicts={c.question_id: c for c in conflicts},
        errors=errors,
        editable=EDITABLE,
    )


@bp.post("/<int:assessment_id>/submit")
@login_required
def submit(assessment_id: int) -> Response:
    assessment = assessment_or_404(assessment_id, Action.ANSWER)
    if not ActionForm().validate():
        abort(400)
    service.submit(db_session(), assessment, current_user)
    flash(_("The assessment was submitted. It can no longer be edited."), "success")
    return redirect(url_for("assessments.overview", assessment_id=assessment.id))
