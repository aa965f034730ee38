"""The assessment's states and who may move it from one to the next (DESIGN section 3)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..access import role_of
from ..db import begin_write
from ..framework import Framework
from ..models import Answer, Assessment, Role, State, User, utcnow
from . import audit


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[State]
    target: State
    roles: frozenset[Role]  # administrators may always, see may()
    needs_reason: bool = False


TRANSITIONS = {
    t.name: t
    for t in (
        Transition(
            "submit", frozenset({State.DRAFT}), State.SUBMITTED, frozenset({Role.FOCAL_POINT})
        ),
        Transition(
            "open_review",
            frozenset({State.SUBMITTED}),
            State.PEER_REVIEW,
            frozenset({Role.FACILITATOR}),
        ),
        Transition(
            "open_workshop",
            frozenset({State.PEER_REVIEW}),
            State.VALIDATION,
            frozenset({Role.FACILITATOR}),
        ),
        Transition(
            "validate",
            frozenset({State.VALIDATION}),
            State.VALIDATED,
            frozenset({Role.FACILITATOR}),
        ),
        Transition("publish", frozenset({State.VALIDATED}), State.PUBLISHED, frozenset()),
        Transition(
            "reopen", frozenset(State) - {State.DRAFT}, State.DRAFT, frozenset(), needs_reason=True
        ),
    )
}


class TransitionRefused(ValueError):
    """Why a move was refused: `reason` is one of the constants below; `count` says how many
    questions or indicators stand in the way."""

    UNKNOWN = "unknown"
    NOT_ALLOWED = "not_allowed"
    REASON_NEEDED = "reason_needed"
    INCOMPLETE = "incomplete"  # questions unanswered
    UNSETTLED = "unsettled"  # contested indicators without an outcome

    def __init__(self, reason: str, count: int = 0):
        self.reason = reason
        self.count = count
        super().__init__(f"{reason} ({count})" if count else reason)


def may(user: User, transition: Transition, assessment: Assessment) -> bool:
    if State(assessment.state) not in transition.sources:
        return False
    if user.is_admin:
        return True
    return role_of(user, assessment) in transition.roles


def available(user: User, assessment: Assessment) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if may(user, t, assessment)]


def missing_answers(framework: Framework, answers: dict[str, Answer]) -> list[str]:
    """Question ids of the walk-through that have no answer yet, in framework order."""
    return [
        q.id
        for d in framework.answerable_domains
        for i in d.indicators
        for q in i.questions
        if q.id not in answers
    ]


def apply(
    session: Session,
    assessment: Assessment,
    actor: User,
    name: str,
    *,
    reason: str | None = None,
    missing: list[str] | None = None,
    unsettled: list[str] | None = None,
) -> None:
    """Move the assessment along `name`; refuse what the actor's role or the state forbids, a
    reopening without a reason, a submission while questions are unanswered, and a validation
    while contested indicators have neither a validated score nor a recorded disagreement."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise TransitionRefused(TransitionRefused.UNKNOWN)
    if not may(actor, transition, assessment):
        raise TransitionRefused(TransitionRefused.NOT_ALLOWED)
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        raise TransitionRefused(TransitionRefused.REASON_NEEDED)
    if name == "submit" and missing:
        raise TransitionRefused(TransitionRefused.INCOMPLETE, len(missing))
    if name == "validate" and unsettled:
        raise TransitionRefused(TransitionRefused.UNSETTLED, len(unsettled))
    begin_write(session)
    old = assessment.state
    assessment.state = transition.target.value
    if transition.target is State.SUBMITTED:
        assessment.submitted_at = utcnow()
    audit.record(
        session,
        actor,
        name,
        "assessment",
        assessment.id,
        assessment_id=assessment.id,
        old={"state": old},
        new={"state": assessment.state, "reason": reason or None},
    )
    session.commit()
