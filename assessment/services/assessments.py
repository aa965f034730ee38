"""Opening assessments, saving answers with optimistic versions, and scoring them."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, false, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from ..access import Action, allowed, can_open_assessment
from ..db import begin_write
from ..framework import Framework, FrameworkRegistry
from ..framework.schema import Question, QuestionType
from ..models import (
    Answer,
    AppliedOperation,
    Assessment,
    Country,
    Membership,
    Review,
    ReviewRating,
    TriggerFlag,
    User,
    ValidatedScore,
    utcnow,
)
from ..scoring import AssessmentScore, Confidence, Response, Status, score_assessment
from . import audit
from .errors import N_, UserError

YES_NO_PARTIAL = ("yes", "no", "partial")
ANSWER_FIELDS = (
    "status",
    "level",
    "value",
    "reason",
    "confidence",
    "evidence",
    "comment",
    "flagged",
)
OPERATION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class AccessDenied(PermissionError):
    pass


class AssessmentExists(ValueError):
    pass


class InvalidAnswer(UserError):
    def __init__(self, question_id: str, message: str, **params: object):
        self.question_id = question_id
        super().__init__(message, **params)


@dataclass(frozen=True)
class AnswerInput:
    """What a respondent sent for one question. `expected_version` is the version they edited
    (0 for a question that had no answer yet)."""

    question_id: str
    expected_version: int
    status: str = Status.ANSWERED.value
    level: int | None = None
    value: str | None = None
    reason: str | None = None
    confidence: str | None = None
    evidence: str | None = None
    comment: str | None = None
    flagged: bool = False
    language: str | None = None  # of the free text, as written

    def fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in ANSWER_FIELDS}

    @property
    def has_text(self) -> bool:
        return any(
            (self.reason, self.evidence, self.comment, self.value if self.level is None else None)
        )


@dataclass(frozen=True)
class Conflict:
    """Someone else saved this answer since the respondent loaded it."""

    question_id: str
    current: dict[str, Any]
    version: int
    updated_by: str | None
    updated_at: datetime | None


@dataclass
class SaveResult:
    saved: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    versions: dict[str, int] = field(default_factory=dict)  # question id -> version now stored
    replayed: bool = False  # the operation had been applied before; nothing was written now


class _NotText(ValueError):
    pass


class _TooLong(ValueError):
    pass


def _clean_text(value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    value = value.replace("\x00", "").strip()
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _NotText from None  # a lone surrogate, which JSON can carry
    if len(value) > limit:
        raise _TooLong
    return value or None


def validate_answer(question: Question, given: AnswerInput, text_limit: int) -> AnswerInput:
    """Check one answer against its question's type; return it normalised or raise InvalidAnswer."""
    qid = question.id

    def fail(message: str, **params: object) -> InvalidAnswer:
        return InvalidAnswer(qid, message, **params)

    try:
        cleaned = {
            name: _clean_text(getattr(given, name), text_limit)
            for name in ("value", "reason", "evidence", "comment")
        }
    except _NotText:
        raise fail(N_("the text is not valid Unicode")) from None
    except _TooLong:
        raise fail(N_("the text is longer than %(n)d characters"), n=text_limit) from None

    if given.status not in {s.value for s in Status}:
        raise fail(N_("unknown answer status"))
    if given.confidence not in (None, *(c.value for c in Confidence)):
        raise fail(N_("confidence is high, medium or low"))

    level = given.level
    value = cleaned["value"]
    if given.status != Status.ANSWERED:
        if not cleaned["reason"]:
            raise fail(N_("say why the question is not applicable or the answer unknown"))
        level = value = None
    elif question.type is QuestionType.SCALE:
        if level is None or not 0 <= level <= 4:
            raise fail(N_("choose a level from 0 to 4"))
        value = None
    else:
        level = None
        if value is None:
            raise fail(N_("an answer is required"))
        if question.type is QuestionType.YES_NO_PARTIAL and value not in YES_NO_PARTIAL:
            raise fail(N_("answer yes, no or partial"))
        if question.type is QuestionType.CHOICE and value not in {
            c.value for c in question.choices or ()
        }:
            raise fail(N_("choose one of the listed options"))
        if question.type is QuestionType.NUMBER:
            try:
                number = float(value)
            except ValueError:
                raise fail(N_("enter a number")) from None
            if not math.isfinite(number) or number < 0:
                raise fail(N_("enter a number of zero or more"))
            value = f"{number:g}"

    return AnswerInput(
        question_id=qid,
        expected_version=given.expected_version,
        status=given.status,
        level=level,
        value=value,
        reason=cleaned["reason"] if given.status != Status.ANSWERED else None,
        confidence=given.confidence,
        evidence=cleaned["evidence"],
        comment=cleaned["comment"],
        flagged=bool(given.flagged),
        language=given.language,
    )


def _snapshot(answer: Answer) -> dict[str, Any]:
    return {name: getattr(answer, name) for name in ANSWER_FIELDS}


def save_answers(
    session: Session,
    framework: Framework,
    assessment: Assessment,
    actor: User,
    given: list[AnswerInput],
    *,
    text_limit: int = 20_000,
    operation_id: str | None = None,
) -> SaveResult:
    """Save a batch of answers. A stale answer is reported as a conflict, never overwritten;
    the others are saved. Invalid input raises InvalidAnswer before anything is written."""
    valid = []
    for item in given:
        try:
            question = framework.question(item.question_id)
        except KeyError:
            raise InvalidAnswer(
                item.question_id, N_("no such question in this framework")
            ) from None
        section = framework.domain_of(framework.indicator_of(question.id).id).code
        if not allowed(actor, Action.ANSWER, assessment, section):
            raise AccessDenied(f"{actor.email} may not answer {question.id} now")
        valid.append(validate_answer(question, item, text_limit))

    if operation_id is not None and not OPERATION_ID.match(operation_id):
        raise InvalidAnswer(given[0].question_id if given else "", N_("malformed operation id"))

    # Everything that only reads happens before the write lock is taken: SQLite lets one writer
    # hold it at a time, so the less a save does while holding it, the more saves get through.
    # The UPDATE below only matches the version read here, so nothing read here goes stale.
    if operation_id is not None and (replay := _replayed(session, operation_id)):
        return replay
    existing = {
        a.question_id: a
        for a in session.scalars(
            select(Answer)
            .where(
                Answer.assessment_id == assessment.id,
                Answer.question_id.in_([v.question_id for v in valid]),
            )
            .execution_options(populate_existing=True)  # the request may have read them before
        )
    }
    result = SaveResult()
    now = utcnow()
    begin_write(session)
    for item in valid:
        answer = existing.get(item.question_id)
        new = item.fields()
        if answer is not None and _snapshot(answer) == new:
            result.unchanged.append(item.question_id)
            result.versions[item.question_id] = answer.version
            continue
        if answer is None:
            if item.expected_version != 0:
                raise InvalidAnswer(item.question_id, N_("this answer no longer exists"))
            try:
                with session.begin_nested():
                    session.add(
                        Answer(
                            assessment_id=assessment.id,
                            question_id=item.question_id,
                            version=1,
                            updated_by_id=actor.id,
                            updated_at=now,
                            text_language=_text_language(item, None),
                            **new,
                        )
                    )
            except IntegrityError:
                # Someone created it between our read and our write.
                answer = session.scalar(
                    select(Answer).where(
                        Answer.assessment_id == assessment.id,
                        Answer.question_id == item.question_id,
                    )
                )
                assert answer is not None  # narrows a type: the row was just written  # nosec B101
                result.conflicts.append(_conflict(answer))
                continue
            old = None
            result.versions[item.question_id] = 1
        elif answer.version != item.expected_version:
            session.refresh(answer)  # stale before we started: show what is stored now
            result.conflicts.append(_conflict(answer))
            continue
        else:
            old = _snapshot(answer)
            updated = session.execute(
                update(Answer)
                .where(Answer.id == answer.id, Answer.version == item.expected_version)
                .values(
                    version=Answer.version + 1,
                    updated_by_id=actor.id,
                    updated_at=now,
                    text_language=_text_language(item, answer),
                    **new,
                )
                .execution_options(synchronize_session=False)
            )
            if updated.rowcount != 1:
                session.refresh(answer)
                result.conflicts.append(_conflict(answer))
                continue
            # The row matched the expected version, so it now holds the next one. The object is
            # expired rather than reloaded: a later read in this request fetches it again.
            session.expire(answer)
            result.versions[item.question_id] = item.expected_version + 1
        audit.record(
            session,
            actor,
            "answer",
            "answer",
            item.question_id,
            assessment_id=assessment.id,
            question_id=item.question_id,
            old=old,
            new=new,
        )
        result.saved.append(item.question_id)
    if operation_id is not None and not result.conflicts:
        session.add(
            AppliedOperation(
                operation_id=operation_id,
                assessment_id=assessment.id,
                question_id=",".join(v.question_id for v in valid)[:32],
                user_id=actor.id,
                result={"saved": result.saved, "versions": result.versions},
            )
        )
    elif operation_id is not None and (replay := _replayed(session, operation_id)):
        return replay  # a retry of this very save got in first: that is why it conflicts
    try:
        session.commit()
    except IntegrityError:
        # The operation id was recorded between our first look and our commit: by a retry of
        # this save racing it. Nothing of ours was written; answer as the retry did.
        session.rollback()
        if operation_id is not None and (replay := _replayed(session, operation_id)):
            return replay
        raise
    return result


def _replayed(session: Session, operation_id: str) -> SaveResult | None:
    """The result of a save already applied under this operation id (a retry: write nothing)."""
    done = session.get(AppliedOperation, operation_id)
    if done is None:
        return None
    session.rollback()
    return SaveResult(
        saved=list(done.result["saved"]),
        versions=dict(done.result["versions"]),
        replayed=True,
    )


def _text_language(item: AnswerInput, stored: Answer | None) -> str | None:
    """The language of the free text: the page's language when the text changed, else as it was."""
    if not item.has_text:
        return None
    if stored is not None and all(
        getattr(stored, f) == getattr(item, f) for f in ("reason", "evidence", "comment", "value")
    ):
        return stored.text_language
    return item.language


def _conflict(answer: Answer) -> Conflict:
    return Conflict(
        question_id=answer.question_id,
        current=_snapshot(answer),
        version=answer.version,
        updated_by=answer.updated_by.name if answer.updated_by else None,
        updated_at=answer.updated_at,
    )


def open_assessment(
    session: Session,
    registry: FrameworkRegistry,
    actor: User,
    country: Country,
    cycle: str,
    area: str = "",
) -> Assessment:
    """Open a country's (or one area's) assessment for a cycle, pinned to the current framework."""
    if not can_open_assessment(actor, country):
        raise AccessDenied("only an administrator or the country's focal point opens an assessment")
    cycle, area = cycle.strip(), area.strip()
    if not cycle:
        raise ValueError("a cycle is required")
    limited_to = actor.area_in(country.id)
    if limited_to is not None and area != limited_to:
        raise AccessDenied("a focal point limited to one area opens that area's assessments only")
    begin_write(session)
    duplicate = session.scalar(
        select(Assessment.id).where(
            Assessment.country_id == country.id, Assessment.cycle == cycle, Assessment.area == area
        )
    )
    if duplicate is not None:
        raise AssessmentExists(f"an assessment for cycle {cycle} already exists")
    focal_point = (
        actor
        if actor.role_in(country.id)
        else session.scalar(
            select(User)
            .join(Membership)
            .where(Membership.country_id == country.id, Membership.role == "focal_point")
        )
    )
    assessment = Assessment(
        country=country,
        cycle=cycle,
        area=area,
        framework_version=registry.current_version,
        focal_point=focal_point,
        created_by_id=actor.id,
    )
    session.add(assessment)
    session.flush()
    audit.record(
        session,
        actor,
        "open",
        "assessment",
        assessment.id,
        assessment_id=assessment.id,
        new={
            "country": country.iso_code,
            "cycle": cycle,
            "area": area,
            "framework_version": assessment.framework_version,
        },
    )
    session.commit()
    return assessment


LIST_PAGE_SIZE = 50


@dataclass(frozen=True)
class AssessmentPage:
    items: list[Assessment]
    page: int
    pages: int
    total: int


def visible_assessments(
    session: Session, user: User, page: int = 1, per_page: int = LIST_PAGE_SIZE
) -> AssessmentPage:
    """One page of the assessments the user may see, newest cycle first: the secretariat may
    have thousands, so the list is paged."""
    query = select(Assessment)
    if not user.is_admin:
        # A membership limited to one area sees that area's assessments only (as role_of).
        query = query.where(
            or_(
                false(),
                *(
                    and_(Assessment.country_id == m.country_id, Assessment.area == m.area)
                    if m.area
                    else Assessment.country_id == m.country_id
                    for m in user.memberships
                ),
            )
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    items = session.scalars(
        query.options(selectinload(Assessment.country))
        .order_by(Assessment.cycle.desc(), Assessment.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return AssessmentPage(list(items), page, pages, total)


def progress(
    session: Session, registry: FrameworkRegistry, assessments: list[Assessment]
) -> dict[int, tuple[int, int]]:
    """How many questions each assessment has answered, out of how many: one query for all."""
    ids = [a.id for a in assessments]
    counts: dict[int, int] = {}
    if ids:
        rows = session.execute(
            select(Answer.assessment_id, func.count())
            .where(Answer.assessment_id.in_(ids))
            .group_by(Answer.assessment_id)
        )
        counts = {row[0]: row[1] for row in rows}
    result = {}
    for assessment in assessments:
        framework = registry.get(assessment.framework_version)
        total = sum(len(i.questions) for d in framework.answerable_domains for i in d.indicators)
        result[assessment.id] = (min(counts.get(assessment.id, 0), total), total)
    return result


def get_answers(session: Session, assessment: Assessment) -> dict[str, Answer]:
    return {
        a.question_id: a
        for a in session.scalars(select(Answer).where(Answer.assessment_id == assessment.id))
    }


def to_response(
    status: str, level: int | None, confidence: str | None, evidence: str | None
) -> Response:
    """A stored answer or rating, as the scoring engine reads it."""
    return Response(
        status=Status(status),
        level=level,
        confidence=Confidence(confidence) if confidence else None,
        has_evidence=bool(evidence and evidence.strip()),
    )


def as_responses(answers: dict[str, Answer]) -> dict[str, Response]:
    return {
        qid: to_response(a.status, a.level, a.confidence, a.evidence) for qid, a in answers.items()
    }


def score(session: Session, framework: Framework, assessment: Assessment) -> AssessmentScore:
    """G from the government's answers, P from the submitted reviews, V from the workshop."""
    return score_many(session, lambda _a: framework, [assessment])[assessment.id]


def score_many(
    session: Session,
    framework_of: Callable[[Assessment], Framework],
    assessments: list[Assessment],
) -> dict[int, AssessmentScore]:
    """Score several assessments with one query per kind of row, however many there are.

    The rows are read as plain tuples of the columns the engine needs: building ORM objects for
    every answer and rating cost more than the scoring itself."""
    ids = [a.id for a in assessments]
    answers: dict[int, dict[str, Response]] = {i: {} for i in ids}
    for assessment_id, question_id, *fields in session.execute(
        select(
            Answer.assessment_id,
            Answer.question_id,
            Answer.status,
            Answer.level,
            Answer.confidence,
            Answer.evidence,
        ).where(Answer.assessment_id.in_(ids))
    ):
        answers[assessment_id][question_id] = to_response(*fields)
    validated: dict[int, dict[str, int]] = {i: {} for i in ids}
    for assessment_id, indicator_id, level in session.execute(
        select(
            ValidatedScore.assessment_id, ValidatedScore.indicator_id, ValidatedScore.level
        ).where(
            ValidatedScore.assessment_id.in_(ids),
            ValidatedScore.outcome == "validated",
            ValidatedScore.level.is_not(None),
        )
    ):
        validated[assessment_id][indicator_id] = level
    # One dict of ratings per submitted review, in the order the reviews were created.
    reviews: dict[int, dict[int, dict[str, Response]]] = {i: {} for i in ids}
    for assessment_id, review_id, question_id, *fields in session.execute(
        select(
            Review.assessment_id,
            Review.id,
            ReviewRating.question_id,
            ReviewRating.status,
            ReviewRating.level,
            ReviewRating.confidence,
            ReviewRating.evidence,
        )
        .outerjoin(
            ReviewRating, ReviewRating.review_id == Review.id
        )  # a review rating nothing counts
        .where(Review.assessment_id.in_(ids), Review.submitted_at.is_not(None))
        .order_by(Review.id)
    ):
        ratings = reviews[assessment_id].setdefault(review_id, {})
        if question_id is not None:
            ratings[question_id] = to_response(*fields)
    return {
        a.id: score_assessment(
            framework_of(a),
            answers[a.id],
            list(reviews[a.id].values()),
            validated=validated[a.id],
            targets=a.targets or {},
            triggers_set={t.trigger_id for t in a.triggers},
        )
        for a in assessments
    }


class InvalidTriggerDate(UserError):
    pass


EARLIEST_TRIGGER_YEAR, LATEST_TRIGGER_YEAR = 1900, 2200


def parse_trigger_dates(posted: dict[str, str]) -> dict[str, date | None]:
    """The expected dates from the checklist form (YYYY-MM-DD, empty for unknown)."""
    dates: dict[str, date | None] = {}
    for trigger_id, raw in posted.items():
        if not raw:
            dates[trigger_id] = None
            continue
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            raise InvalidTriggerDate(
                N_("the date of %(trigger)s is not a date (YYYY-MM-DD)"), trigger=trigger_id
            ) from None
        if not EARLIEST_TRIGGER_YEAR <= day.year <= LATEST_TRIGGER_YEAR:
            raise InvalidTriggerDate(
                N_("the date of %(trigger)s is out of range"), trigger=trigger_id
            )
        dates[trigger_id] = day
    return dates


def set_triggers(
    session: Session,
    framework: Framework,
    assessment: Assessment,
    actor: User,
    chosen: set[str],
    notes: dict[str, str],
    dates: dict[str, date | None] | None = None,
) -> None:
    """Set exactly the chosen context triggers (unknown ids are ignored), with their notes and
    the dates they are expected on, where known."""
    dates = dates or {}
    valid = {t.id for t in framework.triggers}
    chosen = chosen & valid
    begin_write(session)
    current = {t.trigger_id: t for t in assessment.triggers}
    for trigger_id in sorted(set(current) - chosen):
        session.delete(current[trigger_id])
        audit.record(
            session,
            actor,
            "unset_trigger",
            "trigger",
            trigger_id,
            assessment_id=assessment.id,
            old={"set": True},
            new={"set": False},
        )
    for trigger_id in sorted(chosen):
        note = (notes.get(trigger_id) or "").replace("\x00", "").strip()[:2000] or None
        expected = dates.get(trigger_id)
        flag = current.get(trigger_id)
        if flag is None:
            session.add(
                TriggerFlag(
                    assessment_id=assessment.id,
                    trigger_id=trigger_id,
                    note=note,
                    expected_on=expected,
                    set_by_id=actor.id,
                )
            )
            audit.record(
                session,
                actor,
                "set_trigger",
                "trigger",
                trigger_id,
                assessment_id=assessment.id,
                old={"set": False},
                new={"set": True, "note": note, "expected_on": _iso(expected)},
            )
        elif flag.note != note or flag.expected_on != expected:
            audit.record(
                session,
                actor,
                "set_trigger",
                "trigger",
                trigger_id,
                assessment_id=assessment.id,
                old={"note": flag.note, "expected_on": _iso(flag.expected_on)},
                new={"note": note, "expected_on": _iso(expected)},
            )
            flag.note = note
            flag.expected_on = expected
    session.commit()
    session.expire(assessment, ["triggers"])


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
