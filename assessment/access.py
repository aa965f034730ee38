"""Who may do what with an assessment. Every view asks here before it touches an object."""

from __future__ import annotations

from enum import StrEnum

from .models import Assessment, Country, Role, State, User


class Action(StrEnum):
    VIEW = "view"
    ANSWER = "answer"
    REPORT = "report"


_ANSWERING_ROLES = {Role.FOCAL_POINT, Role.CONTRIBUTOR}


def allowed(user: User, action: Action, assessment: Assessment) -> bool:
    if user.is_admin:
        return action is not Action.ANSWER or assessment.state == State.DRAFT
    role = user.role_in(assessment.country_id)
    if role is None:
        return False  # another country's assessment: as if it did not exist
    if action is Action.ANSWER:
        return role in _ANSWERING_ROLES and assessment.state == State.DRAFT
    return True


def can_open_assessment(user: User, country: Country) -> bool:
    return user.is_admin or user.role_in(country.id) is Role.FOCAL_POINT
