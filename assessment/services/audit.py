"""The append-only audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..models import AuditEntry, User


def record(
    session: Session,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: str | int,
    *,
    assessment_id: int | None = None,
    question_id: str | None = None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        user_id=actor.id if actor else None,
        assessment_id=assessment_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        question_id=question_id,
        old_value=old,
        new_value=new,
    )
    session.add(entry)
    return entry
