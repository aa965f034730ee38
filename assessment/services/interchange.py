"""The complete JSON export of one assessment, and its import on another installation.

The document holds everything the assessment is made of: the government's answers (with their
versions), context triggers, section assignments, comments, evidence files (their bytes in
base64), peer reviews and their ratings, the workshop's outcomes, the action plan and national
targets. People are named by e-mail address; on import each is matched to an account of the same
address, or recorded as an inactive account an administrator can later invite. The audit log
stays with the installation that wrote it: the import records one entry of its own.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import begin_write
from ..framework import FrameworkRegistry, UnknownFrameworkVersion
from ..models import (
    Action,
    Answer,
    Assessment,
    Comment,
    Country,
    EvidenceFile,
    Review,
    ReviewRating,
    SectionAssignment,
    State,
    TriggerFlag,
    User,
    ValidatedScore,
)
from ..storage import EvidenceStore
from . import audit
from .accounts import create_user, find_user, normalise_email
from .assessments import AnswerInput, InvalidAnswer, validate_answer
from .comments import MAX_COMMENT
from .errors import N_, UserError

FORMAT = "structural-prevention-assessment"
FORMAT_VERSION = 1


class ImportError_(UserError):  # noqa: N801 - not the builtin
    pass


def iso_time(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:  # SQLite hands back naive UTC timestamps
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def _email(user: User | None) -> str | None:
    return user.email if user is not None else None


def export_assessment(
    session: Session, assessment: Assessment, store: EvidenceStore, *, files: bool = True
) -> dict[str, Any]:
    """The whole assessment as a JSON-ready dict, in a stable order."""
    people: dict[int, User] = {}

    def person(user_id: int | None) -> str | None:
        if user_id is None:
            return None
        if user_id not in people:
            found = session.get(User, user_id)
            if found is None:
                return None
            people[user_id] = found
        return people[user_id].email

    aid = assessment.id
    answers = session.scalars(
        select(Answer).where(Answer.assessment_id == aid).order_by(Answer.question_id)
    ).all()
    comments = session.scalars(
        select(Comment).where(Comment.assessment_id == aid).order_by(Comment.created_at, Comment.id)
    ).all()
    refs = {c.id: n for n, c in enumerate(comments, start=1)}
    evidence = session.scalars(
        select(EvidenceFile)
        .where(EvidenceFile.assessment_id == aid, EvidenceFile.removed_at.is_(None))
        .order_by(EvidenceFile.uploaded_at, EvidenceFile.id)
    ).all()
    reviews = session.scalars(
        select(Review).where(Review.assessment_id == aid).order_by(Review.created_at, Review.id)
    ).all()
    outcomes = session.scalars(
        select(ValidatedScore)
        .where(ValidatedScore.assessment_id == aid)
        .order_by(ValidatedScore.indicator_id)
    ).all()
    actions = session.scalars(
        select(Action).where(Action.assessment_id == aid).order_by(Action.created_at, Action.id)
    ).all()

    def file_entry(record: EvidenceFile) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "question_id": record.question_id,
            "name": record.original_name,
            "content_type": record.content_type,
            "size": record.size,
            "sha256": record.sha256,
            "uploaded_by": person(record.uploaded_by_id),
            "uploaded_at": iso_time(record.uploaded_at),
        }
        if files:
            entry["content"] = base64.b64encode(store.read(record.stored_name)).decode("ascii")
        return entry

    document: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": iso_time(datetime.now(UTC)),
        "assessment": {
            "country": {"iso_code": assessment.country.iso_code, "name": assessment.country.name},
            "area": assessment.area,
            "cycle": assessment.cycle,
            "framework_version": assessment.framework_version,
            "state": assessment.state,
            "blind_review": assessment.blind_review,
            "targets": dict(sorted((assessment.targets or {}).items())),
            "focal_point": person(assessment.focal_point_id),
            "created_by": person(assessment.created_by_id),
            "created_at": iso_time(assessment.created_at),
            "submitted_at": iso_time(assessment.submitted_at),
        },
        "answers": [
            {
                "question_id": a.question_id,
                "status": a.status,
                "level": a.level,
                "value": a.value,
                "reason": a.reason,
                "confidence": a.confidence,
                "evidence": a.evidence,
                "comment": a.comment,
                "flagged": a.flagged,
                "text_language": a.text_language,
                "version": a.version,
                "updated_by": person(a.updated_by_id),
                "updated_at": iso_time(a.updated_at),
            }
            for a in answers
        ],
        "triggers": [
            {
                "trigger_id": t.trigger_id,
                "note": t.note,
                "set_by": person(t.set_by_id),
                "set_at": iso_time(t.set_at),
            }
            for t in sorted(assessment.triggers, key=lambda t: t.trigger_id)
        ],
        "assignments": [
            {
                "user": person(s.user_id),
                "domain_code": s.domain_code,
                "assigned_by": person(s.assigned_by_id),
                "assigned_at": iso_time(s.assigned_at),
            }
            for s in sorted(
                assessment.assignments,
                key=lambda s: (people_key(session, s.user_id), s.domain_code),
            )
        ],
        "comments": [
            {
                "ref": refs[c.id],
                "reply_to": refs.get(c.parent_id) if c.parent_id else None,
                "question_id": c.question_id,
                "author": person(c.author_id),
                "body": c.body,
                "language": c.language,
                "created_at": iso_time(c.created_at),
            }
            for c in comments
        ],
        "evidence_files": [file_entry(f) for f in evidence],
        "reviews": [
            {
                "reviewer": person(r.reviewer_id),
                "organisation": r.organisation,
                "invited_by": person(r.invited_by_id),
                "created_at": iso_time(r.created_at),
                "submitted_at": iso_time(r.submitted_at),
                "ratings": [
                    {
                        "question_id": x.question_id,
                        "status": x.status,
                        "level": x.level,
                        "reason": x.reason,
                        "confidence": x.confidence,
                        "justification": x.justification,
                        "evidence": x.evidence,
                        "text_language": x.text_language,
                        "version": x.version,
                        "updated_at": iso_time(x.updated_at),
                    }
                    for x in sorted(r.ratings, key=lambda x: x.question_id)
                ],
            }
            for r in reviews
        ],
        "validated_scores": [
            {
                "indicator_id": v.indicator_id,
                "outcome": v.outcome,
                "level": v.level,
                "note": v.note,
                "recorded_by": person(v.recorded_by_id),
                "recorded_at": iso_time(v.recorded_at),
            }
            for v in outcomes
        ],
        "actions": [
            {
                "title": a.title,
                "owner": a.owner,
                "deadline": a.deadline.isoformat() if a.deadline else None,
                "status": a.status,
                "indicator_ids": list(a.indicator_ids or []),
                "note": a.note,
                "created_by": person(a.created_by_id),
                "created_at": iso_time(a.created_at),
                "updated_at": iso_time(a.updated_at),
            }
            for a in actions
        ],
    }
    document["people"] = [
        {"email": u.email, "name": u.name} for u in sorted(people.values(), key=lambda u: u.email)
    ]
    return document


def people_key(session: Session, user_id: int) -> str:
    user = session.get(User, user_id)
    return user.email if user else ""


# The document's shape, checked before anything is written.


def _utc(moment: datetime) -> datetime:
    """Times are stored in UTC (SQLite keeps no zone): a naive time is taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


Moment = Annotated[datetime, AfterValidator(_utc)]
Text = Annotated[str, StringConstraints(max_length=100_000)]
Short = Annotated[str, StringConstraints(max_length=200)]
Email = Annotated[
    str, StringConstraints(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
]
Level = Annotated[int, Field(ge=0, le=4)]
Confidence = Literal["high", "medium", "low"] | None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Country(_Strict):
    iso_code: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    name: Short


class _Assessment(_Strict):
    country: _Country
    area: Short = ""
    cycle: Annotated[str, StringConstraints(min_length=1, max_length=20)]
    framework_version: Annotated[str, StringConstraints(max_length=20)]
    state: Literal[tuple(s.value for s in State)]  # type: ignore[valid-type]
    blind_review: bool = True
    targets: dict[Annotated[str, StringConstraints(max_length=32)], Level] = {}
    focal_point: Email | None = None
    created_by: Email | None = None
    created_at: Moment
    submitted_at: Moment | None = None


class _Answer(_Strict):
    question_id: Annotated[str, StringConstraints(max_length=32)]
    status: Literal["answered", "not_applicable", "unknown"]
    level: Level | None = None
    value: Text | None = None
    reason: Text | None = None
    confidence: Confidence = None
    evidence: Text | None = None
    comment: Text | None = None
    flagged: bool = False
    text_language: Annotated[str, StringConstraints(max_length=8)] | None = None
    version: Annotated[int, Field(ge=1, lt=2**31)] = 1
    updated_by: Email | None = None
    updated_at: Moment


class _Trigger(_Strict):
    trigger_id: Annotated[str, StringConstraints(max_length=32)]
    note: Text | None = None
    set_by: Email | None = None
    set_at: Moment


class _Assignment(_Strict):
    user: Email
    domain_code: Annotated[str, StringConstraints(max_length=8)]
    assigned_by: Email | None = None
    assigned_at: Moment


class _Comment(_Strict):
    ref: int
    reply_to: int | None = None
    question_id: Annotated[str, StringConstraints(max_length=32)]
    author: Email | None = None
    body: Annotated[str, StringConstraints(min_length=1, max_length=MAX_COMMENT)]
    language: Annotated[str, StringConstraints(max_length=8)] | None = None
    created_at: Moment


class _File(_Strict):
    question_id: Annotated[str, StringConstraints(max_length=32)]
    name: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    content_type: Annotated[str, StringConstraints(max_length=100)]
    size: Annotated[int, Field(ge=1)]
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    uploaded_by: Email | None = None
    uploaded_at: Moment
    content: str | None = None


class _Rating(_Strict):
    question_id: Annotated[str, StringConstraints(max_length=32)]
    status: Literal["answered", "not_applicable", "unknown"]
    level: Level | None = None
    reason: Text | None = None
    confidence: Confidence = None
    justification: Text | None = None
    evidence: Text | None = None
    text_language: Annotated[str, StringConstraints(max_length=8)] | None = None
    version: Annotated[int, Field(ge=1, lt=2**31)] = 1
    updated_at: Moment


class _Review(_Strict):
    reviewer: Email
    organisation: Short
    invited_by: Email | None = None
    created_at: Moment
    submitted_at: Moment | None = None
    ratings: list[_Rating] = []


class _Outcome(_Strict):
    indicator_id: Annotated[str, StringConstraints(max_length=32)]
    outcome: Literal["validated", "disagreement"]
    level: Level | None = None
    note: Text
    recorded_by: Email | None = None
    recorded_at: Moment


class _Action(_Strict):
    title: Text
    owner: Short
    deadline: date | None = None
    status: Literal["planned", "in_progress", "done", "dropped"]
    indicator_ids: list[Annotated[str, StringConstraints(max_length=32)]] = []
    note: Text | None = None
    created_by: Email | None = None
    created_at: Moment
    updated_at: Moment


class _Person(_Strict):
    email: Email
    name: Short


class Document(_Strict):
    format: Literal["structural-prevention-assessment"]
    format_version: Literal[1]
    exported_at: Moment | None = None
    assessment: _Assessment
    people: list[_Person] = []
    answers: list[_Answer] = []
    triggers: list[_Trigger] = []
    assignments: list[_Assignment] = []
    comments: list[_Comment] = []
    evidence_files: list[_File] = []
    reviews: list[_Review] = []
    validated_scores: list[_Outcome] = []
    actions: list[_Action] = []


def _problem(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "document"
    return f"{where}: {first['msg']}"


def parse(data: Any) -> Document:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportError_(N_("this is not an assessment export of this platform"))
    try:
        return Document.model_validate(data)
    except ValidationError as error:
        raise ImportError_(
            N_("the export is not valid: %(problem)s"), problem=_problem(error)
        ) from None
    except RecursionError:
        raise ImportError_(N_("the export is nested too deeply")) from None


def import_assessment(
    session: Session,
    registry: FrameworkRegistry,
    data: Any,
    store: EvidenceStore,
    actor: User | None = None,
) -> Assessment:
    """Recreate an exported assessment here. Checks everything first; writes all or nothing."""
    doc = parse(data)
    meta = doc.assessment
    try:
        framework = registry.get(meta.framework_version)
    except UnknownFrameworkVersion:
        raise ImportError_(
            N_("this installation has no framework version %(version)s"),
            version=meta.framework_version,
        ) from None
    questions = {q.id for q in framework.questions}
    indicators = {i.id for i in framework.indicators}
    triggers = {t.id for t in framework.triggers}
    domains = {d.code for d in framework.answerable_domains}

    def known(ids: set[str], given: list[str], what: str) -> None:
        unknown = sorted(set(given) - ids)
        if unknown:
            raise ImportError_(
                N_("the export names %(what)s this framework does not have: %(ids)s"),
                what=what,
                ids=", ".join(unknown[:5]),
            )

    known(questions, [a.question_id for a in doc.answers], "questions")
    known(questions, [c.question_id for c in doc.comments], "questions")
    known(questions, [f.question_id for f in doc.evidence_files], "questions")
    known(questions, [x.question_id for r in doc.reviews for x in r.ratings], "questions")
    known(indicators, [v.indicator_id for v in doc.validated_scores], "indicators")
    known(indicators, list(meta.targets), "indicators")
    known(indicators, [i for a in doc.actions for i in a.indicator_ids], "indicators")
    known(triggers, [t.trigger_id for t in doc.triggers], "triggers")
    known(domains, [s.domain_code for s in doc.assignments], "sections")
    for what, keys in [
        ("answers", [a.question_id for a in doc.answers]),
        ("triggers", [t.trigger_id for t in doc.triggers]),
        ("assignments", [(x.user.lower(), x.domain_code) for x in doc.assignments]),
        ("reviews", [r.reviewer.lower() for r in doc.reviews]),
        ("ratings", [(n, x.question_id) for n, r in enumerate(doc.reviews) for x in r.ratings]),
        ("validated_scores", [v.indicator_id for v in doc.validated_scores]),
    ]:
        if len(set(keys)) != len(keys):
            raise ImportError_(N_("the export lists the same item twice in %(part)s"), part=what)
    for a in doc.answers:
        # Each answer must fit its question (a level for a scale, a listed choice ...), as
        # when it is typed in; the text itself is kept exactly as exported.
        try:
            validate_answer(
                framework.question(a.question_id),
                AnswerInput(
                    question_id=a.question_id,
                    expected_version=a.version,
                    status=a.status,
                    level=a.level,
                    value=a.value,
                    reason=a.reason,
                    confidence=a.confidence,
                ),
                text_limit=100_000,
            )
        except InvalidAnswer as error:
            raise ImportError_(
                N_("the answer to %(question)s does not fit its question: %(problem)s"),
                question=a.question_id,
                problem=str(error),
            ) from None
    refs = {c.ref for c in doc.comments}
    if len(refs) != len(doc.comments) or any(
        c.reply_to is not None and (c.reply_to not in refs or c.reply_to >= c.ref)
        for c in doc.comments
    ):
        raise ImportError_(N_("the export's comments do not form threads"))
    contents: dict[int, bytes] = {}
    for n, entry in enumerate(doc.evidence_files):
        if entry.content is None:
            raise ImportError_(N_("the export was made without its evidence files"))
        try:
            raw = base64.b64decode(entry.content, validate=True)
        except (binascii.Error, ValueError):
            raise ImportError_(N_("an evidence file of the export is damaged")) from None
        if hashlib.sha256(raw).hexdigest() != entry.sha256 or len(raw) != entry.size:
            raise ImportError_(N_("an evidence file of the export is damaged"))
        contents[n] = raw

    begin_write(session)
    country = session.scalar(select(Country).where(Country.iso_code == meta.country.iso_code))
    if country is None:
        country = Country(iso_code=meta.country.iso_code, name=meta.country.name)
        session.add(country)
        session.flush()
    duplicate = session.scalar(
        select(Assessment.id).where(
            Assessment.country_id == country.id,
            Assessment.cycle == meta.cycle,
            Assessment.area == meta.area,
        )
    )
    if duplicate is not None:
        session.rollback()
        raise ImportError_(
            N_("this installation already has the assessment of %(country)s for %(cycle)s"),
            country=meta.country.iso_code,
            cycle=meta.cycle,
        )

    names = {p.email.lower(): p.name for p in doc.people}
    users: dict[str, User] = {}

    def user(email: str | None) -> User | None:
        if email is None:
            return None
        key = normalise_email(email)
        if key not in users:
            found = find_user(session, key)
            if found is None:
                # Someone this installation does not know: an account that cannot log in
                # until an administrator invites them.
                found = create_user(
                    session, key, names.get(key, key), secrets.token_urlsafe(32), actor=actor
                )
                found.active = False
            users[key] = found
        return users[key]

    def uid(email: str | None) -> int | None:
        found = user(email)
        return found.id if found else None

    assessment = Assessment(
        country=country,
        area=meta.area,
        cycle=meta.cycle,
        framework_version=meta.framework_version,
        state=meta.state,
        blind_review=meta.blind_review,
        targets=dict(meta.targets),
        focal_point_id=uid(meta.focal_point),
        created_by_id=uid(meta.created_by),
        created_at=meta.created_at,
        submitted_at=meta.submitted_at,
    )
    session.add(assessment)
    session.flush()
    aid = assessment.id
    for a in doc.answers:
        session.add(
            Answer(
                assessment_id=aid,
                **a.model_dump(exclude={"updated_by"}),
                updated_by_id=uid(a.updated_by),
            )
        )
    for t in doc.triggers:
        session.add(
            TriggerFlag(
                assessment_id=aid,
                trigger_id=t.trigger_id,
                note=t.note,
                set_by_id=uid(t.set_by),
                set_at=t.set_at,
            )
        )
    for s in doc.assignments:
        session.add(
            SectionAssignment(
                assessment_id=aid,
                user_id=uid(s.user),
                domain_code=s.domain_code,
                assigned_by_id=uid(s.assigned_by),
                assigned_at=s.assigned_at,
            )
        )
    comment_ids: dict[int, int] = {}
    for c in sorted(doc.comments, key=lambda c: c.ref):
        comment = Comment(
            assessment_id=aid,
            question_id=c.question_id,
            parent_id=comment_ids.get(c.reply_to) if c.reply_to else None,
            author_id=uid(c.author),
            body=c.body,
            language=c.language,
            created_at=c.created_at,
        )
        session.add(comment)
        session.flush()
        comment_ids[c.ref] = comment.id
    written: list[str] = []
    try:
        for n, f in enumerate(doc.evidence_files):
            stored_name = secrets.token_hex(16)
            store.put(stored_name, contents[n])
            written.append(stored_name)
            session.add(
                EvidenceFile(
                    assessment_id=aid,
                    question_id=f.question_id,
                    original_name=f.name,
                    stored_name=stored_name,
                    content_type=f.content_type,
                    size=f.size,
                    sha256=f.sha256,
                    uploaded_by_id=uid(f.uploaded_by),
                    uploaded_at=f.uploaded_at,
                )
            )
        for r in doc.reviews:
            review = Review(
                assessment_id=aid,
                reviewer_id=uid(r.reviewer),
                organisation=r.organisation,
                invited_by_id=uid(r.invited_by),
                created_at=r.created_at,
                submitted_at=r.submitted_at,
            )
            review.ratings = [ReviewRating(**x.model_dump()) for x in r.ratings]
            session.add(review)
        for v in doc.validated_scores:
            session.add(
                ValidatedScore(
                    assessment_id=aid,
                    **v.model_dump(exclude={"recorded_by"}),
                    recorded_by_id=uid(v.recorded_by),
                )
            )
        for a in doc.actions:
            session.add(
                Action(
                    assessment_id=aid,
                    **a.model_dump(exclude={"created_by"}),
                    created_by_id=uid(a.created_by),
                )
            )
        audit.record(
            session,
            actor,
            "import",
            "assessment",
            aid,
            assessment_id=aid,
            new={
                "country": country.iso_code,
                "cycle": meta.cycle,
                "area": meta.area,
                "answers": len(doc.answers),
                "exported_at": iso_time(doc.exported_at),
            },
        )
        session.commit()
    except BaseException:
        session.rollback()
        for stored_name in written:
            store.delete(stored_name)
        raise
    return assessment
