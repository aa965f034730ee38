"""Peer review and the validation workshop: inviting reviewers, rating, the divergence list,
and the facilitator's projector view that records validated scores."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..access import Action, allowed
from ..db import db_session
from ..framework import Framework
from ..i18n import current_language, error_text
from ..services import assessments as assessment_service
from ..services import review as service
from .forms import ActionForm, InviteReviewerForm, OutcomeForm
from .loading import assessment_or_404, framework_of, section_or_404
from .team import invitation_link

bp = Blueprint("review", __name__)
NOT_RATED = ("not_applicable", "unknown")


@bp.route("/<int:assessment_id>/reviews", methods=["GET", "POST"])
@login_required
def manage(assessment_id: int) -> str | Response:
    assessment = assessment_or_404(assessment_id, Action.MANAGE_REVIEW)
    framework = framework_of(assessment)
    form = InviteReviewerForm()
    invitation = None
    if form.validate_on_submit():
        try:
            user, created = service.invite_reviewer(
                db_session(),
                assessment,
                current_user,
                form.email.data,
                form.name.data or "",
                form.organisation.data,
            )
        except service.ReviewError as error:
            flash(_("Not invited: %(reason)s.", reason=error_text(error)), "error")
        else:
            flash(_("%(name)s is invited to review.", name=user.name), "success")
            if created:
                invitation = invitation_link(user)
            else:
                return redirect(url_for("review.manage", assessment_id=assessment.id))
    reviews = [(r, service.summary(r, framework)) for r in assessment.reviews]
    return render_template(
        "review/manage.html",
        assessment=assessment,
        form=form,
        reviews=reviews,
        invitation=invitation,
        blind_form=ActionForm(),
    )


@bp.post("/<int:assessment_id>/reviews/blind")
@login_required
def blind(assessment_id: int) -> Response:
    assessment = assessment_or_404(assessment_id, Action.MANAGE_REVIEW)
    if not ActionForm().validate():
        abort(400)
    service.set_blind(db_session(), assessment, current_user, request.form.get("blind") == "1")
    flash(_("Saved."), "success")
    return redirect(url_for("review.manage", assessment_id=assessment.id))


def _my_review(assessment):  # noqa: ANN001, ANN202
    review = service.review_of(assessment, current_user)
    if review is None:
        abort(404)
    return review


@bp.get("/<int:assessment_id>/review")
@login_required
def overview(assessment_id: int) -> str:
    assessment = assessment_or_404(assessment_id)
    review = _my_review(assessment)
    framework = framework_of(assessment)
    ratings = service.ratings_of(db_session(), review)
    sections = [
        {"domain": d, "total": len(qs), "rated": sum(1 for q in qs if q in ratings)}
        for d in framework.answerable_domains
        for qs in [[q.id for i in d.indicators for q in i.scored_questions]]
    ]
    return render_template(
        "review/overview.html",
        assessment=assessment,
        review=review,
        sections=sections,
        missing=service.unrated(framework, ratings),
        can_rate=allowed(current_user, Action.REVIEW, assessment),
        form=ActionForm(),
    )


def _given(framework: Framework, domain_code: str) -> list[assessment_service.AnswerInput]:
    given = []
    domain = framework.domain(domain_code)
    for question in (q for i in domain.indicators for q in i.scored_questions):
        prefix = question.id
        choice = request.form.get(f"{prefix}-answer", "")
        if not choice:
            continue
        common: dict[str, Any] = {
            "question_id": question.id,
            "expected_version": 0,
            "reason": request.form.get(f"{prefix}-reason"),
            "confidence": request.form.get(f"{prefix}-confidence") or None,
            "comment": request.form.get(f"{prefix}-justification"),
            "evidence": request.form.get(f"{prefix}-evidence"),
            "language": current_language(),
        }
        if choice in NOT_RATED:
            given.append(assessment_service.AnswerInput(status=choice, **common))
        else:
            level = int(choice) if choice.isdigit() else None
            given.append(assessment_service.AnswerInput(level=level, **common))
    return given


@bp.route("/<int:assessment_id>/review/<domain_code>", methods=["GET", "POST"])
@login_required
def section(assessment_id: int, domain_code: str) -> str | Response:
    assessment = assessment_or_404(assessment_id)
    review = _my_review(assessment)
    framework = framework_of(assessment)
    domain = section_or_404(framework, domain_code)
    can_rate = allowed(current_user, Action.REVIEW, assessment)
    error = None
    if request.method == "POST":
        if not can_rate:
            abort(403)
        if not ActionForm().validate():
            abort(400)
        try:
            changed = service.save_ratings(
                db_session(),
                framework,
                assessment,
                review,
                current_user,
                _given(framework, domain.code),
                text_limit=current_app.config["MAX_TEXT_LENGTH"],
            )
        except assessment_service.InvalidAnswer as invalid:
            error = (invalid.question_id, error_text(invalid))
        else:
            flash(_("Saved %(n)d rating(s).", n=len(changed)), "success")
            return redirect(
                url_for("review.section", assessment_id=assessment.id, domain_code=domain.code)
            )
    ratings = service.ratings_of(db_session(), review)
    return render_template(
        "review/section.html",
        assessment=assessment,
        review=review,
        domain=domain,
        ratings=ratings,
        can_rate=can_rate,
        error=error,
        posted=request.form if error else {},
        form=ActionForm(),
    )


@bp.post("/<int:assessment_id>/review/submit")
@login_required
def submit(assessment_id: int) -> Response:
    assessment = assessment_or_404(assessment_id)
    review = _my_review(assessment)
    if not ActionForm().validate():
        abort(400)
    try:
        service.submit_review(
            db_session(), framework_of(assessment), assessment, review, current_user
        )
    except service.ReviewError:
        flash(
            _(
                'Not submitted: rate every question first, or answer "not applicable" or '
                '"unknown" with a reason.'
            ),
            "error",
        )
    except assessment_service.AccessDenied:
        abort(403)
    else:
        flash(_("Your review is submitted. You can now see the government's ratings."), "success")
    return redirect(url_for("review.overview", assessment_id=assessment.id))


def _workshop_data(assessment):  # noqa: ANN001, ANN202
    session = db_session()
    framework = framework_of(assessment)
    score = assessment_service.score(session, framework, assessment)
    return session, framework, score


@bp.get("/<int:assessment_id>/divergence")
@login_required
def divergence(assessment_id: int) -> str:
    """The contested indicators, both sides' justifications and evidence side by side."""
    assessment = assessment_or_404(assessment_id, Action.SEE_GOVERNMENT)
    session, framework, score = _workshop_data(assessment)
    contested = [score.indicator(i) for i in service.needs_workshop(score)]
    reviews = service.submitted_reviews(session, assessment)
    answers = assessment_service.get_answers(session, assessment)
    ids = [q.id for i in contested for q in framework.indicator(i.id).scored_questions]
    return render_template(
        "review/divergence.html",
        assessment=assessment,
        framework=framework,
        contested=contested,
        sides=service.sides(answers, reviews, ids),
        outcomes=service.outcomes(session, assessment),
        reviews=reviews,
    )


def _agenda(score) -> list[str]:  # noqa: ANN001
    """The workshop's agenda: contested or doubtful indicators, then the highest priorities."""
    first = service.needs_workshop(score)
    rest = [
        g.id
        for g in score.gaps
        if g.id not in first and g.band and g.band.value in ("critical", "high")
    ]
    return first + rest


@bp.get("/<int:assessment_id>/workshop")
@login_required
def workshop(assessment_id: int) -> str:
    assessment = assessment_or_404(assessment_id, Action.SEE_GOVERNMENT)
    session, framework, score = _workshop_data(assessment)
    outcomes = service.outcomes(session, assessment)
    agenda = _agenda(score)
    return render_template(
        "review/workshop.html",
        assessment=assessment,
        framework=framework,
        agenda=[score.indicator(i) for i in agenda],
        outcomes=outcomes,
        must_settle=set(service.needs_workshop(score)),
        can_validate=allowed(current_user, Action.VALIDATE, assessment),
    )


@bp.route("/<int:assessment_id>/workshop/<indicator_id>", methods=["GET", "POST"])
@login_required
def indicator(assessment_id: int, indicator_id: str) -> str | Response:
    """One indicator at a time, for the projector: G, P and the evidence side by side."""
    assessment = assessment_or_404(assessment_id, Action.SEE_GOVERNMENT)
    session, framework, score = _workshop_data(assessment)
    try:
        framework.indicator(indicator_id)
    except KeyError:
        abort(404)
    form = OutcomeForm()
    if request.method == "POST":
        if not allowed(current_user, Action.VALIDATE, assessment):
            abort(403)
        if form.validate():
            level = form.level.data
            try:
                service.record_outcome(
                    session,
                    framework,
                    assessment,
                    current_user,
                    indicator_id,
                    form.outcome.data,
                    int(level) if level not in (None, "") else None,
                    form.note.data,
                )
            except service.ReviewError as error:
                flash(_("Not recorded: %(reason)s.", reason=error_text(error)), "error")
            else:
                flash(_("The outcome is recorded."), "success")
                agenda = _agenda(score)
                later = agenda[agenda.index(indicator_id) + 1 :] if indicator_id in agenda else []
                target = later[0] if later else None
                if target:
                    return redirect(
                        url_for(
                            "review.indicator", assessment_id=assessment.id, indicator_id=target
                        )
                    )
                return redirect(url_for("review.workshop", assessment_id=assessment.id))
    reviews = service.submitted_reviews(session, assessment)
    answers = assessment_service.get_answers(session, assessment)
    questions = framework.indicator(indicator_id).scored_questions
    outcome = service.outcomes(session, assessment).get(indicator_id)
    return render_template(
        "review/indicator.html",
        assessment=assessment,
        framework=framework,
        indicator=framework.indicator(indicator_id),
        result=score.indicator(indicator_id),
        questions=questions,
        sides=service.sides(answers, reviews, [q.id for q in questions]),
        outcome=outcome,
        form=form,
        can_validate=allowed(current_user, Action.VALIDATE, assessment),
        agenda=_agenda(score),
    )
