"""Who may do what with an assessment. Every view asks here before it touches an object."""

from __future__ import annotations

from enum import StrEnum

from .models import Assessment, Country, Role, State, User


class Action(StrEnum):
    VIEW = "view"
    ANSWER = "answer"  # write the government's answers (in a section, for contributors)
    REPORT = "report"
    COMMENT = "comment"
    MANAGE_TEAM = "manage_team"  # invite contributors and assign them sections
    HISTORY = "history"


def role_of(user: User, assessment: Assessment) -> Role | None:
    return user.role_in(assessment.country_id)


def allowed(user: User, action: Action, assessment: Assessment, section: str | None = None) -> bool:
    """May `user` do `action` on `assessment` (in `section`, a domain code, where it matters)?"""
    if user.is_admin:
        return action is not Action.ANSWER or assessment.state == State.DRAFT
    role = role_of(user, assessment)
    if role is None:
        return False  # another country's assessment: as if it did not exist
    if action is Action.ANSWER:
        if assessment.state != State.DRAFT:
            return False
        if role is Role.FOCAL_POINT:
            return True
        if role is Role.CONTRIBUTOR:
            return section is not None and section in assigned_sections(user, assessment)
        return False
    if action is Action.MANAGE_TEAM:
        return role is Role.FOCAL_POINT
    if action is Action.HISTORY:
        # Peer reviewers rate blind: the history would show them the government's answers.
        return role is not Role.PEER_REVIEWER
    return True


def assigned_sections(user: User, assessment: Assessment) -> set[str]:
    return {a.domain_code for a in assessment.assignments if a.user_id == user.id}


def answerable_sections(user: User, assessment: Assessment, codes: list[str]) -> list[str]:
    return [code for code in codes if allowed(user, Action.ANSWER, assessment, code)]


def can_open_assessment(user: User, country: Country) -> bool:
    return user.is_admin or user.role_in(country.id) is Role.FOCAL_POINT
