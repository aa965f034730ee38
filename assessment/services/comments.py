"""Comments on questions, threaded by replies, visible to the assessment's members."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..db import begin_write
from ..models import Assessment, Comment, User
from . import audit
from .errors import N_, UserError

MAX_COMMENT = 5000


class InvalidComment(UserError):
    pass


@dataclass
class Thread:
    comment: Comment
    replies: list[Thread] = field(default_factory=list)


def add(
    session: Session,
    assessment: Assessment,
    question_id: str,
    author: User,
    body: str,
    parent_id: int | None = None,
    language: str | None = None,
) -> Comment:
    body = body.replace("\x00", "").strip()
    if not body:
        raise InvalidComment(N_("write something first"))
    if len(body) > MAX_COMMENT:
        raise InvalidComment(N_("a comment holds at most %(n)d characters"), n=MAX_COMMENT)
    begin_write(session)
    if parent_id is not None:
        parent = session.get(Comment, parent_id)
        if (
            parent is None
            or parent.assessment_id != assessment.id
            or parent.question_id != question_id
        ):
            raise InvalidComment(N_("the comment you reply to is not on this question"))
    comment = Comment(
        assessment_id=assessment.id,
        question_id=question_id,
        parent_id=parent_id,
        author_id=author.id,
        body=body,
        language=language,
    )
    session.add(comment)
    session.flush()
    audit.record(
        session,
        author,
        "comment",
        "comment",
        comment.id,
        assessment_id=assessment.id,
        new={"question": question_id, "body": body, "reply_to": parent_id},
    )
    session.commit()
    return comment


def threads(
    session: Session, assessment: Assessment, question_ids: list[str]
) -> dict[str, list[Thread]]:
    """Each question's comments as threads, oldest first."""
    comments = session.scalars(
        select(Comment)
        .where(Comment.assessment_id == assessment.id, Comment.question_id.in_(question_ids))
        .options(selectinload(Comment.author))
        .order_by(Comment.created_at, Comment.id)
    ).all()
    nodes = {c.id: Thread(c) for c in comments}
    roots: dict[str, list[Thread]] = defaultdict(list)
    for comment in comments:
        node = nodes[comment.id]
        if comment.parent_id in nodes:
            nodes[comment.parent_id].replies.append(node)
        else:
            roots[comment.question_id].append(node)
    return dict(roots)
