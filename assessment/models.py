"""SQLAlchemy 2.0 models: persistence only; behaviour lives in services/."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql import false, true

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Role(StrEnum):
    """A user's role in a country (administrators are global, see User.is_admin)."""

    FOCAL_POINT = "focal_point"
    CONTRIBUTOR = "contributor"
    PEER_REVIEWER = "peer_reviewer"
    FACILITATOR = "facilitator"


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    PEER_REVIEW = "peer_review"
    VALIDATION = "validation"
    VALIDATED = "validated"
    PUBLISHED = "published"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the login cookie; replacing it ends every session of the user server-side.
    session_token: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_hex(16))
    locale: Mapped[str | None] = mapped_column(String(8))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # An administrator's second factor (RFC 6238 time-based codes): the shared secret, and the
    # last time step accepted, so that a code seen once can never be used again.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    # Flask-Login's user protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def role_in(self, country_id: int) -> Role | None:
        for membership in self.memberships:
            if membership.country_id == country_id:
                return Role(membership.role)
        return None

    def area_in(self, country_id: int) -> str | None:
        """The one area of the country the user's membership is limited to, if any."""
        for membership in self.memberships:
            if membership.country_id == country_id:
                return membership.area or None
        return None


class Country(Base):
    __tablename__ = "countries"

    id: Mapped[int] = mapped_column(primary_key=True)
    iso_code: Mapped[str] = mapped_column(String(2), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Whether the country's scores may appear in regional overviews and open data.
    shares_results: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    assessments: Mapped[list[Assessment]] = relationship(back_populates="country")


class Membership(Base):
    """Who works on a country's assessments, and in which role."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "country_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    country_id: Mapped[int] = mapped_column(ForeignKey("countries.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(32))
    # Limits the membership to the assessments of one named area; None is the whole country
    # and every area in it.
    area: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship(back_populates="memberships")
    country: Mapped[Country] = relationship()


class Assessment(Base):
    __tablename__ = "assessments"
    __table_args__ = (
        # One assessment per country, area and cycle; '' is the whole country.
        UniqueConstraint("country_id", "area", "cycle", name="one_per_cycle"),
        Index("ix_assessments_country_cycle", "country_id", "cycle"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    country_id: Mapped[int] = mapped_column(ForeignKey("countries.id"))
    area: Mapped[str] = mapped_column(String(200), default="")
    cycle: Mapped[str] = mapped_column(String(20))
    framework_version: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20), default=State.DRAFT.value)
    focal_point_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    country: Mapped[Country] = relationship(back_populates="assessments")
    focal_point: Mapped[User | None] = relationship(foreign_keys=[focal_point_id])
    answers: Mapped[list[Answer]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )
    triggers: Mapped[list[TriggerFlag]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )
    assignments: Mapped[list[SectionAssignment]] = relationship(cascade="all, delete-orphan")
    reviews: Mapped[list[Review]] = relationship(cascade="all, delete-orphan")
    # National targets that replace the default (indicator id -> level 0-4).
    targets: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    # Peer reviewers see the government's ratings only after submitting their own.
    blind_review: Mapped[bool] = mapped_column(default=True, server_default=true())


class Answer(Base):
    """The government's answer to one question of an assessment, with an optimistic version."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("assessment_id", "question_id"),
        CheckConstraint("level IS NULL OR (level >= 0 AND level <= 4)", name="level_range"),
        CheckConstraint("status IN ('answered', 'not_applicable', 'unknown')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(32))  # the framework's stable id
    status: Mapped[str] = mapped_column(String(20), default="answered")
    level: Mapped[int | None] = mapped_column(Integer)  # scale questions, 0-4
    value: Mapped[str | None] = mapped_column(Text)  # every other type, as text
    reason: Mapped[str | None] = mapped_column(Text)  # why "not applicable" or "unknown"
    confidence: Mapped[str | None] = mapped_column(String(8))
    evidence: Mapped[str | None] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(Text)
    flagged: Mapped[bool] = mapped_column(default=False, server_default=false())  # for follow-up
    # The language the free text (reason, evidence, comment, text answers) was written in; the
    # text is never translated, only marked, so a reader knows what they are reading.
    text_language: Mapped[str | None] = mapped_column(String(8))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="answers")
    updated_by: Mapped[User | None] = relationship()


class TriggerFlag(Base):
    """A context trigger (CTX-n) set for an assessment."""

    __tablename__ = "trigger_flags"
    __table_args__ = (UniqueConstraint("assessment_id", "trigger_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    trigger_id: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    # When the event is expected (an election day, the census), where known: it opens a window.
    expected_on: Mapped[date | None] = mapped_column(Date)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="triggers")


class AuditEntry(Base):
    """Append-only record of every change: who, when, what, old value, new value."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_assessment_at", "assessment_id", "at"),
        Index("ix_audit_log_assessment_question", "assessment_id", "question_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="SET NULL")
    )
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(64))
    question_id: Mapped[str | None] = mapped_column(String(32))  # the question it concerns
    old_value: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    new_value: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class SectionAssignment(Base):
    """A contributor may answer this section (domain) of this assessment."""

    __tablename__ = "section_assignments"
    __table_args__ = (UniqueConstraint("assessment_id", "user_id", "domain_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    domain_code: Mapped[str] = mapped_column(String(8))
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Comment(Base):
    """A comment on one question of an assessment; replies point at their parent."""

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_assessment_question", "assessment_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(32))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    author: Mapped[User | None] = relationship()


class EvidenceFile(Base):
    """A file attached as evidence to one question; stored under a random name, outside the
    web root, and served only as an attachment to those who may see the assessment."""

    __tablename__ = "evidence_files"
    __table_args__ = (
        Index("ix_evidence_files_assessment_question", "assessment_id", "question_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(32))
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    uploaded_by: Mapped[User | None] = relationship()


class AppliedOperation(Base):
    """An autosave that was applied, by the client's operation id: a retry gets the same answer
    back and is not applied twice."""

    __tablename__ = "applied_operations"

    operation_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    applied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Review(Base):
    """One peer reviewer's review of an assessment, for their organisation."""

    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("assessment_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    organisation: Mapped[str] = mapped_column(String(200))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id])
    ratings: Mapped[list[ReviewRating]] = relationship(
        back_populates="review", cascade="all, delete-orphan"
    )


class ReviewRating(Base):
    """A reviewer's rating of one question: their own, never the government's answer."""

    __tablename__ = "review_ratings"
    __table_args__ = (
        UniqueConstraint("review_id", "question_id"),
        CheckConstraint("level IS NULL OR (level >= 0 AND level <= 4)", name="level_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(20), default="answered")
    level: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
    confidence: Mapped[str | None] = mapped_column(String(8))
    justification: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)
    text_language: Mapped[str | None] = mapped_column(String(8))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    review: Mapped[Review] = relationship(back_populates="ratings")


class ValidatedScore(Base):
    """The workshop's outcome for one indicator: a validated score V, or a disagreement that
    stands, each with the note of what was agreed or why not."""

    __tablename__ = "validated_scores"
    __table_args__ = (
        UniqueConstraint("assessment_id", "indicator_id"),
        CheckConstraint("level IS NULL OR (level >= 0 AND level <= 4)", name="level_range"),
        CheckConstraint("outcome IN ('validated', 'disagreement')", name="outcome_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    indicator_id: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(16))
    level: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Action(Base):
    """One action of the assessment's action plan, grown out of its priority gaps."""

    __tablename__ = "actions"
    __table_args__ = (
        CheckConstraint(
            "status IN ('planned', 'in_progress', 'done', 'dropped')", name="status_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    deadline: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="planned")
    indicator_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ApiToken(Base):
    """A personal token for the JSON API. Only its SHA-256 is stored: the token itself is shown
    once, when it is made. Scope "read" only reads; "write" may also save answers and ask for
    reports, never more than its owner may do in the web pages."""

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint("scope IN ('read', 'write')", name="scope_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    scope: Mapped[str] = mapped_column(String(8))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # shown in the list, to tell tokens apart
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()
