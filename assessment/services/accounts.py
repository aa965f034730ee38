"""Accounts: creating users, checking a login, ending every session of a user."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db import begin_write
from ..models import Country, Membership, Role, User
from ..passwords import hash_password, needs_rehash, verify_password
from . import audit
from .errors import N_, UserError


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives timestamps back without their zone; they were stored in UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def authenticate(
    session: Session,
    email: str,
    password: str,
    *,
    lockout_threshold: int = 10,
    lockout_minutes: int = 15,
) -> User | None:
    """The user if the password is right and the account not locked; None otherwise, in the
    same time either way. Too many failures lock the account for a while (ASVS V2.2)."""
    user = find_user(session, email)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not user.active:
        return None
    if is_locked(user):
        return None
    begin_write(session)
    if not ok:
        count_failure(session, user, lockout_threshold, lockout_minutes)
        session.commit()
        return None
    user.failed_logins = 0
    user.locked_until = None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.commit()
    return user


def is_locked(user: User) -> bool:
    locked_until = _aware(user.locked_until)
    return locked_until is not None and locked_until > datetime.now(UTC)


def count_failure(session: Session, user: User, threshold: int, minutes: int) -> None:
    """One more failed attempt (a wrong password or a wrong second-factor code); too many lock
    the account for a while. The caller holds the write transaction and commits."""
    user.failed_logins = (user.failed_logins or 0) + 1
    if user.failed_logins >= threshold:
        user.locked_until = datetime.now(UTC) + timedelta(minutes=minutes)
        user.failed_logins = 0
        audit.record(
            session, None, "lockout", "user", user.id, new={"until": user.locked_until.isoformat()}
        )


def end_all_sessions(session: Session, user: User) -> None:
    """Replace the token in the login cookie, so no earlier cookie of this user works any more."""
    begin_write(session)
    user.session_token = secrets.token_hex(16)
    audit.record(session, user, "logout", "user", user.id)
    session.commit()


def create_user(
    session: Session,
    email: str,
    name: str,
    password: str,
    *,
    is_admin: bool = False,
    country: Country | None = None,
    role: Role | None = None,
    actor: User | None = None,
) -> User:
    user = User(
        email=normalise_email(email),
        name=name,
        password_hash=hash_password(password),
        is_admin=is_admin,
    )
    session.add(user)
    if country is not None and role is not None:
        user.memberships.append(Membership(country=country, role=role.value))
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "user",
        user.id,
        new={
            "email": user.email,
            "is_admin": is_admin,
            "role": role.value if role else None,
            "country": country.iso_code if country else None,
        },
    )
    return user


class EnlistError(UserError):
    pass


def enlist(
    session: Session, country: Country, role: Role, email: str, name: str, actor: User
) -> tuple[User, bool]:
    """The person with this e-mail, in `role` for `country`: an existing account of the same
    country and role, one that has no country yet, or a new account (with an unusable password
    until its invitation is accepted). Returns the user and whether the account is new."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise EnlistError(N_("give a valid e-mail address"))
    user = find_user(session, email)
    if user is None:
        if not name.strip():
            raise EnlistError(N_("give the new person's name"))
        user = create_user(
            session,
            email,
            name.strip()[:200],
            secrets.token_urlsafe(32),
            country=country,
            role=role,
            actor=actor,
        )
        return user, True
    current = user.role_in(country.id)
    if user.is_admin or (current is not None and current is not role):
        raise EnlistError(N_("this person already works on the assessment in another role"))
    if current is None:
        if user.memberships:
            raise EnlistError(N_("this person belongs to another country's team"))
        user.memberships.append(Membership(country_id=country.id, role=role.value))
    return user, False
