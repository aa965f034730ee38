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
    SEE_GOVERNMENT = "see_government"  # the government's answers, results and reports
    MANAGE_REVIEW = "manage_review"  # invite peer reviewers, set blind review
    REVIEW = "review"  # rate as a peer reviewer (in one's own review)
    VALIDATE = "validate"  # record the workshop's outcomes


def role_of(user: User, assessment: Assessment) -> Role | None:
    """The user's role for this assessment: none for another country, and none for another area
    than the one their membership is limited to (nor for the national assessment then)."""
    area = user.area_in(assessment.country_id)
    if area is not None and area != assessment.area:
        return None
    return user.role_in(assessment.country_id)


def allowed(user: User, action: Action, assessment: Assessment, section: str | None = None) -> bool:
    """May `user` do `action` on `assessment` (in `section`, a domain code, where it matters)?"""
    if user.is_admin:
        if action is Action.ANSWER:
            return assessment.state == State.DRAFT
        if action is Action.REVIEW:
            return False  # administrators never rate in a reviewer's place
        if action is Action.VALIDATE:
            return assessment.state == State.VALIDATION
        return True
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
    if action is Action.MANAGE_REVIEW:
        return role is Role.FOCAL_POINT
    if action is Action.REVIEW:
        return (
            role is Role.PEER_REVIEWER
            and assessment.state == State.PEER_REVIEW
            and any(r.reviewer_id == user.id and r.submitted_at is None for r in assessment.reviews)
        )
    if action is Action.VALIDATE:
        return role is Role.FACILITATOR and assessment.state == State.VALIDATION
    if action in (Action.HISTORY, Action.SEE_GOVERNMENT, Action.REPORT):
        return role is not Role.PEER_REVIEWER or sees_government(user, assessment)
    return True


def sees_government(user: User, assessment: Assessment) -> bool:
    """A peer reviewer sees the government's ratings when the review is not blind, or once
    their own review is submitted; everyone else of the country always does."""
    if role_of(user, assessment) is not Role.PEER_REVIEWER:
        return True
    if not assessment.blind_review:
        return True
    return any(r.reviewer_id == user.id and r.submitted_at is not None for r in assessment.reviews)


def assigned_sections(user: User, assessment: Assessment) -> set[str]:
    return {a.domain_code for a in assessment.assignments if a.user_id == user.id}


def answerable_sections(user: User, assessment: Assessment, codes: list[str]) -> list[str]:
    return [code for code in codes if allowed(user, Action.ANSWER, assessment, code)]


def can_open_assessment(user: User, country: Country) -> bool:
    return user.is_admin or user.role_in(country.id) is Role.FOCAL_POINT
