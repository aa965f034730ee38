"""States a journey starts from, written straight into the served database, and the look-ups
that check what the server stored. The journeys themselves only use the browser."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from assessment.models import Assessment, Country, State, User, ValidatedScore
from assessment.services import demo
from assessment.services import review as review_service
from assessment.services.accounts import find_user


def _users(session: Session) -> dict[str, User]:
    return {email: find_user(session, email) for email, _name, _role in demo.DEMO_USERS}


def complete_assessment(
    app: Flask, session: Session, cycle: str, state: State, *, answered: bool = True
) -> int:
    """A Veridia assessment with every question answered by the focal point (or none)."""
    framework = app.extensions["frameworks"].current
    users = _users(session)
    country = session.scalar(select(Country).where(Country.iso_code == demo.DEMO_COUNTRY[0]))
    assessment = Assessment(
        country=country,
        cycle=cycle,
        framework_version=framework.version,
        state=state.value,
        focal_point=users["focal@demo.example"],
        created_by_id=users["focal@demo.example"].id,
    )
    session.add(assessment)
    if answered:
        demo._fill(session, framework, assessment, users["focal@demo.example"], 1.0)
    session.commit()
    return assessment.id


def submitted_with_reviewer(app: Flask, session: Session, cycle: str) -> int:
    """Submitted, with the demo reviewer invited (blind, the default) but the review not open."""
    assessment_id = complete_assessment(app, session, cycle, State.SUBMITTED)
    assessment = session.get(Assessment, assessment_id)
    focal = find_user(session, "focal@demo.example")
    review_service.invite_reviewer(
        session, assessment, focal, "reviewer@demo.example", "", "Veridia Human Rights League"
    )
    return assessment_id


def in_workshop(app: Flask, session: Session, cycle: str) -> int:
    """Two reviews submitted, the validation workshop open, nothing settled yet."""
    framework = app.extensions["frameworks"].current
    assessment_id = complete_assessment(app, session, cycle, State.PEER_REVIEW)
    assessment = session.get(Assessment, assessment_id)
    demo._review_and_validate(session, framework, assessment, _users(session))
    session.flush()
    session.execute(delete(ValidatedScore).where(ValidatedScore.assessment_id == assessment_id))
    assessment.state = State.VALIDATION.value
    session.commit()
    return assessment_id


def fresh(session: Session) -> Session:
    """Forget what the session cached: the server wrote since."""
    session.rollback()
    session.expire_all()
    return session
