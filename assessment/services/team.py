"""The focal point's team: contributors invited to an assessment and the sections they answer."""

from __future__ import annotations

import hashlib
import secrets

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access import role_of
from ..db import begin_write
from ..models import Assessment, Membership, Role, SectionAssignment, User
from ..passwords import hash_password
from . import audit
from .accounts import EnlistError, enlist
from .errors import N_, UserError

INVITATION_DAYS = 14
MIN_PASSWORD = 10


class TeamError(UserError):
    pass


def _serializer(secret: str, salt: str = "invitation") -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=salt)


def _fingerprint(user: User) -> str:
    # Changes when the password is set, so an invitation works once.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def invitation_token(user: User, secret: str) -> str:
    return _serializer(secret).dumps({"u": user.id, "h": _fingerprint(user)})


def invited_user(session: Session, token: str, secret: str) -> User:
    try:
        data = _serializer(secret).loads(token, max_age=INVITATION_DAYS * 24 * 3600)
    except SignatureExpired:
        raise TeamError(
            N_("this invitation has expired; ask your focal point for a new one")
        ) from None
    except BadSignature:
        raise TeamError(N_("this invitation link is not valid")) from None
    user = session.get(User, int(data.get("u", 0)))
    if user is None or not user.active or data.get("h") != _fingerprint(user):
        raise TeamError(N_("this invitation has already been used"))
    return user


# Links a person asks for by e-mail: a salt of their own, so an invitation link is not a reset
# link and the other way round, and a short life, since the mailbox may be read by others.
RESET_SALT = "password-reset"


def reset_token(user: User, secret: str) -> str:
    return _serializer(secret, RESET_SALT).dumps({"u": user.id, "h": _fingerprint(user)})


def reset_user(session: Session, token: str, secret: str, max_age_seconds: int) -> User:
    try:
        data = _serializer(secret, RESET_SALT).loads(token, max_age=max_age_seconds)
    except SignatureExpired:
        raise TeamError(N_("this link has expired; ask for a new one")) from None
    except BadSignature:
        raise TeamError(N_("this link is not valid")) from None
    user = session.get(User, int(data.get("u", 0)))
    if user is None or not user.active or data.get("h") != _fingerprint(user):
        raise TeamError(N_("this link has already been used; ask for a new one"))
    return user


def accept_invitation(
    session: Session, user: User, password: str, *, action: str = "accept_invitation"
) -> None:
    """Set the password chosen through a one-time link; every session of the person ends."""
    if len(password) < MIN_PASSWORD:
        raise TeamError(N_("choose a password of at least %(n)d characters"), n=MIN_PASSWORD)
    begin_write(session)
    user.password_hash = hash_password(password)
    user.session_token = secrets.token_hex(16)
    audit.record(session, user, action, "user", user.id)
    session.commit()


def invite(
    session: Session,
    assessment: Assessment,
    actor: User,
    email: str,
    name: str,
    sections: list[str],
    valid_sections: list[str],
) -> tuple[User, bool]:
    """Add a contributor to the assessment's country (creating the account if needed) and
    assign sections. Returns the user and whether the account is new (and needs the link)."""
    unknown = [s for s in sections if s not in valid_sections]
    if unknown or not sections:
        raise TeamError(N_("choose at least one section of this assessment"))
    begin_write(session)
    try:
        user, created = enlist(session, assessment.country, Role.CONTRIBUTOR, email, name, actor)
    except EnlistError as error:
        raise TeamError(error.message, **error.params) from None
    _set_sections(session, assessment, actor, user, sections)
    session.commit()
    return user, created


def set_sections(
    session: Session,
    assessment: Assessment,
    actor: User,
    user: User,
    sections: list[str],
    valid_sections: list[str],
) -> None:
    if any(s not in valid_sections for s in sections):
        raise TeamError(N_("choose sections of this assessment"))
    if role_of(user, assessment) is not Role.CONTRIBUTOR:
        raise TeamError(N_("only contributors are assigned sections"))
    begin_write(session)
    _set_sections(session, assessment, actor, user, sections)
    session.commit()


def _set_sections(
    session: Session, assessment: Assessment, actor: User, user: User, sections: list[str]
) -> None:
    current = {
        a.domain_code: a
        for a in session.scalars(
            select(SectionAssignment).where(
                SectionAssignment.assessment_id == assessment.id,
                SectionAssignment.user_id == user.id,
            )
        )
    }
    wanted = set(sections)
    for code, assignment in current.items():
        if code not in wanted:
            session.delete(assignment)
    for code in sorted(wanted - set(current)):
        session.add(
            SectionAssignment(
                assessment_id=assessment.id,
                user_id=user.id,
                domain_code=code,
                assigned_by_id=actor.id,
            )
        )
    if wanted != set(current):
        audit.record(
            session,
            actor,
            "assign",
            "membership",
            user.id,
            assessment_id=assessment.id,
            old={"user": user.email, "sections": sorted(current)},
            new={"user": user.email, "sections": sorted(wanted)},
        )
    session.flush()
    session.expire(assessment, ["assignments"])


def members(session: Session, assessment: Assessment) -> list[tuple[User, str, list[str]]]:
    """Everyone who works on the assessment (the country's team, less those limited to another
    area), with their role and sections."""
    people = session.scalars(
        select(User)
        .join(Membership)
        .where(Membership.country_id == assessment.country_id)
        .order_by(User.name)
    ).all()
    sections: dict[int, list[str]] = {}
    for a in assessment.assignments:
        sections.setdefault(a.user_id, []).append(a.domain_code)
    return [
        (u, role.value, sorted(sections.get(u.id, [])))
        for u in people
        if (role := role_of(u, assessment)) is not None
    ]
