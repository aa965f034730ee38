"""Peer review and the validation workshop.

Reviewers rate the same questions on the same scale in their own review; they never touch the
government's answers. P, an indicator's peer rating, is the median over submitted reviews. The
workshop records a validated score V or a disagreement that stands for each contested indicator.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..access import Action, allowed
from ..db import begin_write
from ..framework import Framework
from ..models import (
    Answer,
    Assessment,
    Review,
    ReviewRating,
    Role,
    User,
    ValidatedScore,
    utcnow,
)
from ..reports.data import SideLine
from ..scoring import AssessmentScore, Response
from . import audit
from .accounts import EnlistError, enlist
from .assessments import AccessDenied, AnswerInput, InvalidAnswer, to_response, validate_answer
from .errors import N_, UserError

RATING_FIELDS = ("status", "level", "reason", "confidence", "justification", "evidence")


class ReviewError(UserError):
    pass


def invite_reviewer(
    session: Session, assessment: Assessment, actor: User, email: str, name: str, organisation: str
) -> tuple[User, bool]:
    """Give a civil-society reviewer a review of this assessment (creating the account if
    needed). Returns the user and whether the account is new (and needs the invitation link)."""
    if not allowed(actor, Action.MANAGE_REVIEW, assessment):
        raise AccessDenied("only the focal point or an administrator invites reviewers")
    organisation = organisation.strip()[:200]
    if not organisation:
        raise ReviewError(N_("name the reviewer's organisation"))
    begin_write(session)
    try:
        user, created = enlist(session, assessment.country, Role.PEER_REVIEWER, email, name, actor)
    except EnlistError as error:
        raise ReviewError(error.message, **error.params) from None
    if any(r.reviewer_id == user.id for r in assessment.reviews):
        raise ReviewError(N_("this person already has a review of this assessment"))
    review = Review(
        assessment_id=assessment.id,
        reviewer_id=user.id,
        organisation=organisation,
        invited_by_id=actor.id,
    )
    session.add(review)
    session.flush()
    audit.record(
        session,
        actor,
        "invite_reviewer",
        "review",
        review.id,
        assessment_id=assessment.id,
        new={"reviewer": user.email, "organisation": organisation},
    )
    session.commit()
    session.expire(assessment, ["reviews"])
    return user, created


def set_blind(session: Session, assessment: Assessment, actor: User, blind: bool) -> None:
    if not allowed(actor, Action.MANAGE_REVIEW, assessment):
        raise AccessDenied("only the focal point or an administrator sets how reviewers rate")
    begin_write(session)
    if assessment.blind_review != blind:
        audit.record(
            session,
            actor,
            "blind_review",
            "assessment",
            assessment.id,
            assessment_id=assessment.id,
            old={"blind": assessment.blind_review},
            new={"blind": blind},
        )
        assessment.blind_review = blind
    session.commit()


def review_of(assessment: Assessment, user: User) -> Review | None:
    return next((r for r in assessment.reviews if r.reviewer_id == user.id), None)


def ratings_of(session: Session, review: Review) -> dict[str, ReviewRating]:
    return {
        r.question_id: r
        for r in session.scalars(select(ReviewRating).where(ReviewRating.review_id == review.id))
    }


def save_ratings(
    session: Session,
    framework: Framework,
    assessment: Assessment,
    review: Review,
    actor: User,
    given: list[AnswerInput],
    *,
    text_limit: int = 20_000,
) -> list[str]:
    """Save the reviewer's ratings (scale questions only). Returns the question ids changed."""
    if review.reviewer_id != actor.id or not allowed(actor, Action.REVIEW, assessment):
        raise AccessDenied("this review cannot be changed by this user now")
    valid = []
    for item in given:
        try:
            question = framework.question(item.question_id)
        except KeyError:
            raise InvalidAnswer(
                item.question_id, N_("no such question in this framework")
            ) from None
        if not question.scored:
            raise InvalidAnswer(item.question_id, N_("reviewers rate the scale questions only"))
        valid.append(validate_answer(question, item, text_limit))
    begin_write(session)
    stored = ratings_of(session, review)
    changed = []
    for item in valid:
        new = {
            "status": item.status,
            "level": item.level,
            "reason": item.reason,
            "confidence": item.confidence,
            "justification": item.comment,
            "evidence": item.evidence,
        }
        rating = stored.get(item.question_id)
        old = {f: getattr(rating, f) for f in RATING_FIELDS} if rating else None
        if old == new:
            continue
        if rating is None:
            rating = ReviewRating(review_id=review.id, question_id=item.question_id, version=0)
            session.add(rating)
        for field, value in new.items():
            setattr(rating, field, value)
        rating.version = (rating.version or 0) + 1
        rating.updated_at = utcnow()
        rating.text_language = item.language
        audit.record(
            session,
            actor,
            "rate",
            "review_rating",
            item.question_id,
            assessment_id=assessment.id,
            question_id=item.question_id,
            old=old,
            new=new,
        )
        changed.append(item.question_id)
    session.commit()
    return changed


def unrated(framework: Framework, ratings: dict[str, ReviewRating]) -> list[str]:
    return [q.id for q in framework.questions if q.scored and q.id not in ratings]


def submit_review(
    session: Session, framework: Framework, assessment: Assessment, review: Review, actor: User
) -> None:
    if review.reviewer_id != actor.id or not allowed(actor, Action.REVIEW, assessment):
        raise AccessDenied("this review cannot be submitted by this user now")
    missing = unrated(framework, ratings_of(session, review))
    if missing:
        raise ReviewError(N_("%(n)d question(s) are not rated yet"), n=len(missing))
    begin_write(session)
    review.submitted_at = utcnow()
    audit.record(
        session,
        actor,
        "submit_review",
        "review",
        review.id,
        assessment_id=assessment.id,
        new={"organisation": review.organisation},
    )
    session.commit()


def as_responses(ratings: dict[str, ReviewRating]) -> dict[str, Response]:
    return {
        qid: to_response(r.status, r.level, r.confidence, r.evidence) for qid, r in ratings.items()
    }


def submitted_reviews(session: Session, assessment: Assessment) -> list[Review]:
    return list(
        session.scalars(
            select(Review)
            .where(Review.assessment_id == assessment.id, Review.submitted_at.is_not(None))
            .options(selectinload(Review.ratings), selectinload(Review.reviewer))
            .order_by(Review.id)
        )
    )


def reviewer_responses(reviews: list[Review]) -> list[dict[str, Response]]:
    return [as_responses({r.question_id: r for r in review.ratings}) for review in reviews]


def outcomes(session: Session, assessment: Assessment) -> dict[str, ValidatedScore]:
    return {
        v.indicator_id: v
        for v in session.scalars(
            select(ValidatedScore).where(ValidatedScore.assessment_id == assessment.id)
        )
    }


def needs_workshop(score: AssessmentScore) -> list[str]:
    """Indicators the workshop must settle: contested (|G − P| ≥ 2) or of low confidence."""
    return [i.id for i in score.indicators if i.contested or i.low_confidence]


def record_outcome(
    session: Session,
    framework: Framework,
    assessment: Assessment,
    actor: User,
    indicator_id: str,
    outcome: str,
    level: int | None,
    note: str,
) -> None:
    if not allowed(actor, Action.VALIDATE, assessment):
        raise AccessDenied("only the facilitator records outcomes, during the workshop")
    try:
        framework.indicator(indicator_id)
    except KeyError:
        raise ReviewError(N_("no indicator %(id)s"), id=indicator_id) from None
    note = (note or "").replace("\x00", "").strip()
    if not note:
        raise ReviewError(N_("write the note of what was agreed, or why not"))
    if outcome == "validated":
        if level is None or not 0 <= level <= 4:
            raise ReviewError(N_("choose the validated level, 0 to 4"))
    elif outcome == "disagreement":
        level = None
    else:
        raise ReviewError(N_("the outcome is a validated score or a disagreement"))
    begin_write(session)
    stored = session.scalar(
        select(ValidatedScore).where(
            ValidatedScore.assessment_id == assessment.id,
            ValidatedScore.indicator_id == indicator_id,
        )
    )
    old = None
    if stored is None:
        stored = ValidatedScore(assessment_id=assessment.id, indicator_id=indicator_id)
        session.add(stored)
    else:
        old = {"outcome": stored.outcome, "level": stored.level, "note": stored.note}
    stored.outcome, stored.level, stored.note = outcome, level, note[:5000]
    stored.recorded_by_id, stored.recorded_at = actor.id, utcnow()
    audit.record(
        session,
        actor,
        "validate",
        "indicator",
        indicator_id,
        assessment_id=assessment.id,
        question_id=indicator_id,
        old=old,
        new={"outcome": outcome, "level": level, "note": stored.note},
    )
    session.commit()


def sides(
    answers: dict[str, Answer], reviews: list[Review], question_ids: list[str]
) -> dict[str, list[SideLine]]:
    """Per question: the government's answer (who is ""), then each submitted review's rating."""
    found: dict[str, list[SideLine]] = {qid: [] for qid in question_ids}
    # Each review's ratings by question, once: not a scan of every rating per question.
    rated = [(review, {r.question_id: r for r in review.ratings}) for review in reviews]
    for qid in question_ids:
        answer = answers.get(qid)
        if answer is not None:
            found[qid].append(
                SideLine(
                    "",  # the government
                    qid,
                    answer.level,
                    answer.status,
                    answer.confidence,
                    answer.comment or answer.reason,
                    answer.evidence,
                )
            )
        for review, ratings in rated:
            rating = ratings.get(qid)
            if rating is not None:
                found[qid].append(
                    SideLine(
                        review.organisation,
                        qid,
                        rating.level,
                        rating.status,
                        rating.confidence,
                        rating.justification or rating.reason,
                        rating.evidence,
                    )
                )
    return found


def summary(review: Review, framework: Framework) -> dict[str, Any]:
    rated = {r.question_id for r in review.ratings}
    scored = [q.id for q in framework.questions if q.scored]
    return {"rated": sum(1 for q in scored if q in rated), "total": len(scored)}


def unsettled(session: Session, framework: Framework, assessment: Assessment) -> list[str]:
    """Indicators the workshop must still settle before the assessment can be validated."""
    from .assessments import score

    settled = outcomes(session, assessment)
    return [i for i in needs_workshop(score(session, framework, assessment)) if i not in settled]
