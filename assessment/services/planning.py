"""National targets and the action plan that grows out of the priority gaps."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access import Action as Act
from ..access import allowed
from ..db import begin_write
from ..framework import Framework
from ..models import Action, Assessment, State, User, utcnow
from . import audit
from .assessments import AccessDenied
from .errors import N_, UserError

STATUSES = ("planned", "in_progress", "done", "dropped")


class PlanningError(UserError):
    pass


def can_plan(user: User, assessment: Assessment) -> bool:
    """The focal point (or an administrator) sets targets and keeps the action plan, until
    the assessment is published."""
    return allowed(user, Act.MANAGE_TEAM, assessment) and assessment.state != State.PUBLISHED


def set_targets(
    session: Session,
    framework: Framework,
    assessment: Assessment,
    actor: User,
    targets: dict[str, int | None],
) -> None:
    """National targets per indicator (None: back to the default)."""
    if not can_plan(actor, assessment):
        raise AccessDenied("only the focal point or an administrator sets targets")
    known = {i.id for i in framework.indicators}
    new = dict(assessment.targets or {})
    for indicator_id, level in targets.items():
        if indicator_id not in known:
            raise PlanningError(N_("no indicator %(id)s"), id=indicator_id)
        if level is None:
            new.pop(indicator_id, None)
        elif not 0 <= level <= 4:
            raise PlanningError(N_("a target is a level from 0 to 4"))
        else:
            new[indicator_id] = level
    begin_write(session)
    if new != (assessment.targets or {}):
        audit.record(
            session,
            actor,
            "targets",
            "assessment",
            assessment.id,
            assessment_id=assessment.id,
            old=dict(assessment.targets or {}),
            new=new,
        )
        assessment.targets = new
    session.commit()


def actions_of(session: Session, assessment: Assessment) -> list[Action]:
    return list(
        session.scalars(
            select(Action)
            .where(Action.assessment_id == assessment.id)
            .order_by(Action.deadline.is_(None), Action.deadline, Action.id)
        )
    )


def save_action(
    session: Session,
    framework: Framework,
    assessment: Assessment,
    actor: User,
    *,
    title: str,
    owner: str,
    deadline: date | None,
    status: str,
    indicator_ids: list[str],
    note: str | None = None,
    action: Action | None = None,
) -> Action:
    if not can_plan(actor, assessment):
        raise AccessDenied("only the focal point or an administrator keeps the action plan")
    title, owner = title.strip(), owner.strip()
    if not title or not owner:
        raise PlanningError(N_("an action needs what is to be done and who owns it"))
    if status not in STATUSES:
        raise PlanningError(N_("unknown status"))
    known = {i.id for i in framework.indicators}
    unknown = [i for i in indicator_ids if i not in known]
    if unknown:
        raise PlanningError(N_("no indicator %(id)s"), id=", ".join(unknown))
    begin_write(session)
    old = None
    if action is None:
        action = Action(assessment_id=assessment.id, created_by_id=actor.id)
        session.add(action)
    else:
        if action.assessment_id != assessment.id:
            raise AccessDenied("this action belongs to another assessment")
        old = {
            "title": action.title,
            "owner": action.owner,
            "status": action.status,
            "deadline": action.deadline.isoformat() if action.deadline else None,
        }
    action.title, action.owner, action.deadline = title[:2000], owner[:200], deadline
    action.status, action.indicator_ids = status, sorted(set(indicator_ids))
    action.note = (note or "").strip()[:5000] or None
    action.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "action",
        "action",
        action.id,
        assessment_id=assessment.id,
        old=old,
        new={
            "title": action.title,
            "owner": action.owner,
            "status": action.status,
            "deadline": deadline.isoformat() if deadline else None,
            "indicators": action.indicator_ids,
        },
    )
    session.commit()
    return action
