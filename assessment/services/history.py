"""An assessment's history: the audit log, filtered by question and person, newest first."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import AuditEntry, User

PAGE_SIZE = 50


@dataclass(frozen=True)
class HistoryPage:
    entries: list[tuple[AuditEntry, User | None]]
    page: int
    pages: int
    total: int


def history(
    session: Session,
    assessment_id: int,
    *,
    question_id: str | None = None,
    user_id: int | None = None,
    page: int = 1,
) -> HistoryPage:
    query = (
        select(AuditEntry, User)
        .outerjoin(User, User.id == AuditEntry.user_id)
        .where(AuditEntry.assessment_id == assessment_id)
    )
    if question_id:
        query = query.where(AuditEntry.question_id == question_id)
    if user_id:
        query = query.where(AuditEntry.user_id == user_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = session.execute(
        query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return HistoryPage([(entry, user) for entry, user in rows], page, pages, total)
