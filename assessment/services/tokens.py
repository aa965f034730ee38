"""Personal API tokens: made by their owner, shown once, stored as a SHA-256 hash, revocable."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..db import begin_write
from ..models import ApiToken, User, utcnow
from . import audit
from .errors import N_, UserError

SCOPES = ("read", "write")
PREFIX = "spa_"  # marks our tokens, so a leaked one is recognisable in a log or a scan
# Recording every use would make every API read a write: once a minute is enough to tell.
LAST_USED_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    record: ApiToken
    secret: str  # the token itself, never stored


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create(session: Session, owner: User, name: str, scope: str) -> NewToken:
    name = (name or "").replace("\x00", "").strip()
    if not name:
        raise UserError(N_("give the token a name"))
    if len(name) > 100:
        raise UserError(N_("the name is longer than %(n)d characters"), n=100)
    if scope not in SCOPES:
        raise UserError(N_("the scope is read or write"))
    secret = PREFIX + secrets.token_urlsafe(32)
    begin_write(session)
    record = ApiToken(
        user_id=owner.id,
        name=name,
        scope=scope,
        token_hash=_hash(secret),
        prefix=secret[: len(PREFIX) + 4],
    )
    session.add(record)
    session.flush()
    audit.record(
        session, owner, "create_token", "api_token", record.id, new={"name": name, "scope": scope}
    )
    session.commit()
    return NewToken(record, secret)


def tokens_of(session: Session, owner: User) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == owner.id).order_by(ApiToken.id.desc())
        )
    )


def revoke(session: Session, owner: User, token_id: int) -> bool:
    """Revoke one of the owner's tokens; False when they have no such token."""
    begin_write(session)
    record = session.get(ApiToken, token_id)
    if record is None or record.user_id != owner.id:
        session.rollback()
        return False
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        audit.record(
            session, owner, "revoke_token", "api_token", record.id, old={"name": record.name}
        )
    session.commit()
    return True


def authenticate(session: Session, secret: str) -> ApiToken | None:
    """The live token with this secret, its owner active; its last use noted. None otherwise."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    digest = _hash(secret)
    record = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    # The lookup is by hash, so timing tells nothing of the secret; compare anyway.
    if record is None or not hmac.compare_digest(record.token_hash, digest):
        return None
    if record.revoked_at is not None or not record.user.active:
        return None
    now = utcnow()
    last = record.last_used_at
    if last is not None and last.tzinfo is None:  # SQLite hands back naive datetimes
        last = last.replace(tzinfo=now.tzinfo)
    if last is None or now - last >= LAST_USED_PRECISION:
        begin_write(session)
        session.execute(
            update(ApiToken)
            .where(ApiToken.id == record.id)
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )
        session.commit()
        record.last_used_at = now
    return record
