"""The demo: a fictional country with one user per role, an assessment part-filled and one
complete, so a newcomer sees real results at once. Running it twice changes nothing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import begin_write
from ..framework import Framework, FrameworkRegistry
from ..framework.schema import Question, QuestionType
from ..models import (
    Answer,
    Assessment,
    Country,
    Review,
    ReviewRating,
    Role,
    SectionAssignment,
    State,
    TriggerFlag,
    User,
    ValidatedScore,
    utcnow,
)
from . import audit
from .accounts import create_user, find_user

DEMO_COUNTRY = ("XV", "Republic of Veridia")
OTHER_COUNTRY = ("XN", "Northern Federation")  # shows that countries never see each other


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str


DEMO_USERS = (
    ("admin@demo.example", "Amina Secretariat", None),
    ("focal@demo.example", "Fatima Focal", Role.FOCAL_POINT),
    ("contributor@demo.example", "Carlos Contributor", Role.CONTRIBUTOR),
    ("reviewer@demo.example", "Rania Reviewer", Role.PEER_REVIEWER),
    ("facilitator@demo.example", "Felix Facilitator", Role.FACILITATOR),
    ("reviewer2@demo.example", "Rafael Second Reviewer", Role.PEER_REVIEWER),
    ("focal@northern.example", "Nils North", Role.FOCAL_POINT),
)


def _spread(key: str, modulo: int) -> int:
    """A stable pseudo-random number from a key, so the demo answers look real but never change."""
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % modulo


def _demo_answer(question: Question, cycle: str) -> dict[str, object]:
    key = f"{cycle}:{question.id}"
    if question.type is QuestionType.SCALE:
        level = _spread(key, 5)
        if _spread(key + "na", 13) == 0:
            return {"status": "unknown", "reason": "The ministry has not yet collected these data."}
        return {
            "level": level,
            "confidence": ("high", "medium", "low")[_spread(key + "c", 3)],
            "evidence": "Annual report of the responsible ministry, section 3."
            if level >= 2
            else None,
        }
    if question.type is QuestionType.YES_NO_PARTIAL:
        return {"value": ("yes", "no", "partial")[_spread(key, 3)]}
    if question.type is QuestionType.NUMBER:
        return {"value": str(_spread(key, 12))}
    if question.type is QuestionType.CHOICE:
        choices = question.choices or []
        return {"value": choices[_spread(key, len(choices))].value}
    return {"value": "Two recruitment campaigns in the northern provinces; most recruits stayed."}


# Reforms out of step, as prevention practice meets them: in the 2025 cycle, one reform ahead of
# the one it depends on in each assessment (area "" is the whole country, settled in the workshop).
OUT_OF_STEP_STORY: dict[str, dict[str, int]] = {
    "": {"JUS-7": 3, "JUS-2": 1},  # an ombudsman whose findings no court enforces
    "Northern Province": {"SEC-7": 4, "JUS-3": 1},  # complaints bodies, no court to try soldiers
    "Coastal Region": {"SEC-6": 3, "INC-3": 0},  # disarmament without reintegration jobs
}


def _fill(
    session: Session, framework: Framework, assessment: Assessment, author: User, share: float
) -> None:
    questions = [q for d in framework.answerable_domains for i in d.indicators for q in i.questions]
    chosen = questions[: max(1, round(len(questions) * share))]
    story = OUT_OF_STEP_STORY.get(assessment.area, {}) if assessment.cycle == "2025" else {}
    for question in chosen:
        # Areas get answers of their own, so the regions differ from each other.
        key = f"{assessment.cycle}:{assessment.area}" if assessment.area else assessment.cycle
        fields = {"status": "answered", **_demo_answer(question, key)}
        level = story.get(question.id.split(".")[0])
        if question.scored and level is not None:
            fields = {"status": "answered", "level": level, "confidence": "high"}
            fields["evidence"] = "Annual report of the responsible ministry, section 3."
        session.add(
            Answer(
                assessment=assessment, question_id=question.id, updated_by_id=author.id, **fields
            )
        )


def seed(
    session: Session, registry: FrameworkRegistry, password: str, today: date | None = None
) -> list[DemoLogin]:
    """Create whatever part of the demo is missing; return the demo logins."""
    framework = registry.current
    begin_write(session)
    countries = {}
    for code, name in (DEMO_COUNTRY, OTHER_COUNTRY):
        country = session.scalar(select(Country).where(Country.iso_code == code))
        if country is None:
            country = Country(iso_code=code, name=name)
            session.add(country)
            session.flush()
            audit.record(session, None, "create", "country", code, new={"name": name})
        countries[code] = country

    users = {}
    for email, name, role in DEMO_USERS:
        user = find_user(session, email)
        if user is None:
            country = countries[OTHER_COUNTRY[0] if "northern" in email else DEMO_COUNTRY[0]]
            user = create_user(
                session,
                email,
                name,
                password,
                is_admin=role is None,
                country=country if role else None,
                role=role,
            )
        users[email] = user

    veridia = countries[DEMO_COUNTRY[0]]
    focal = users["focal@demo.example"]
    for cycle, share, state in (("2025", 1.0, State.SUBMITTED), ("2026", 0.4, State.DRAFT)):
        exists = session.scalar(
            select(Assessment).where(
                Assessment.country_id == veridia.id,
                Assessment.cycle == cycle,
                Assessment.area == "",
            )
        )
        if exists is not None:
            continue
        assessment = Assessment(
            country=veridia,
            cycle=cycle,
            framework_version=framework.version,
            state=state.value,
            focal_point=focal,
            created_by_id=focal.id,
        )
        session.add(assessment)
        _fill(session, framework, assessment, focal, share)
        if cycle == "2025" and framework.triggers:
            first = framework.triggers[0]
            session.add(
                TriggerFlag(
                    assessment=assessment,
                    trigger_id=first.id,
                    note="Presidential election due next year.",
                    set_by_id=focal.id,
                )
            )
        session.flush()
        audit.record(
            session,
            None,
            "seed",
            "assessment",
            assessment.id,
            assessment_id=assessment.id,
            new={"cycle": cycle, "state": state.value},
        )

    complete = session.scalar(
        select(Assessment).where(
            Assessment.country_id == veridia.id, Assessment.cycle == "2025", Assessment.area == ""
        )
    )
    if complete is not None and not complete.reviews:
        _review_and_validate(session, framework, complete, users)
    if complete is not None:
        _date_the_election(session, complete, today or date.today())
    for area in DEMO_AREAS:
        _area_assessment(session, framework, veridia, area, focal)

    draft = session.scalar(
        select(Assessment).where(
            Assessment.country_id == veridia.id, Assessment.cycle == "2026", Assessment.area == ""
        )
    )
    contributor = users["contributor@demo.example"]
    if draft is not None and not draft.assignments:
        for code in ("SEC", "JUS"):  # the ministry of defence and justice's sections
            session.add(
                SectionAssignment(
                    assessment_id=draft.id,
                    user_id=contributor.id,
                    domain_code=code,
                    assigned_by_id=focal.id,
                )
            )

    northern = countries[OTHER_COUNTRY[0]]
    if session.scalar(select(Assessment.id).where(Assessment.country_id == northern.id)) is None:
        session.add(
            Assessment(
                country=northern,
                cycle="2026",
                framework_version=framework.version,
                focal_point=users["focal@northern.example"],
            )
        )
    session.commit()
    return [
        DemoLogin(email, role.value if role else "administrator")
        for email, _name, role in DEMO_USERS
    ]


DEMO_AREAS = ("Northern Province", "Coastal Region")
ELECTION_IN_DAYS = 120  # the demo's election falls in the coming months, whenever it is seeded


def _date_the_election(session: Session, assessment: Assessment, today: date) -> None:
    """The national election flag carries a date a few months ahead, and a second trigger (an
    expected economic shock) is set without one: the windows of opportunity have something
    to show."""
    flags = {f.trigger_id: f for f in assessment.triggers}
    election = flags.get("CTX-1")
    if election is not None and election.expected_on is None:
        election.expected_on = today + timedelta(days=ELECTION_IN_DAYS)
    if "CTX-4" not in flags:
        session.add(
            TriggerFlag(
                assessment_id=assessment.id,
                trigger_id="CTX-4",
                note="Fuel subsidies are due to end; prices are expected to rise sharply.",
            )
        )


def _area_assessment(
    session: Session, framework: Framework, country: Country, area: str, focal: User
) -> None:
    """A submitted assessment of one area for the 2025 cycle, beside the national one."""
    exists = session.scalar(
        select(Assessment.id).where(
            Assessment.country_id == country.id,
            Assessment.cycle == "2025",
            Assessment.area == area,
        )
    )
    if exists is not None:
        return
    assessment = Assessment(
        country=country,
        cycle="2025",
        area=area,
        framework_version=framework.version,
        state=State.SUBMITTED.value,
        focal_point=focal,
        created_by_id=focal.id,
    )
    session.add(assessment)
    _fill(session, framework, assessment, focal, 1.0)
    session.flush()
    audit.record(
        session,
        None,
        "seed",
        "assessment",
        assessment.id,
        assessment_id=assessment.id,
        new={"cycle": "2025", "area": area, "state": State.SUBMITTED.value},
    )


REVIEW_JUSTIFICATION = "Interviews with the affected communities and our monitoring data."
REVIEWERS = (
    ("reviewer@demo.example", "Veridia Human Rights League", -1),
    ("reviewer2@demo.example", "Coalition of Women Peacebuilders", -2),
)


def _review_and_validate(
    session: Session, framework: Framework, assessment: Assessment, users: dict[str, User]
) -> None:
    """Two civil-society reviews, less generous than the government and not alike, and a
    workshop that settled every contested indicator: the 2025 cycle shows G, P and V."""
    from .assessments import score
    from .review import needs_workshop

    session.flush()
    answers = {a.question_id: a for a in assessment.answers}
    for email, organisation, shift in REVIEWERS:
        review = Review(
            assessment_id=assessment.id,
            reviewer_id=users[email].id,
            organisation=organisation,
            submitted_at=utcnow(),
        )
        session.add(review)
        for question in framework.questions:
            if not question.scored:
                continue
            given = answers.get(question.id)
            base = given.level if given is not None and given.level is not None else 2
            level = max(0, min(4, base + shift + _spread(f"{email}:{question.id}", 2)))
            review.ratings.append(
                ReviewRating(
                    question_id=question.id,
                    level=level,
                    confidence=("high", "medium")[_spread(question.id + email, 2)],
                    justification=REVIEW_JUSTIFICATION,
                )
            )
    session.flush()
    session.expire(assessment, ["reviews"])
    facilitator = users["facilitator@demo.example"]
    result = score(session, framework, assessment)
    story = OUT_OF_STEP_STORY[""]
    for indicator_id, level in story.items():
        session.add(
            ValidatedScore(
                assessment_id=assessment.id,
                indicator_id=indicator_id,
                outcome="validated",
                level=level,
                note="Agreed in the workshop after reviewing the evidence together.",
                recorded_by_id=facilitator.id,
            )
        )
    for n, indicator_id in enumerate(i for i in needs_workshop(result) if i not in story):
        scores = result.indicator(indicator_id)
        if n % 3 == 2:
            session.add(
                ValidatedScore(
                    assessment_id=assessment.id,
                    indicator_id=indicator_id,
                    outcome="disagreement",
                    note="The ministry and the reviewers keep different readings of the evidence.",
                    recorded_by_id=facilitator.id,
                )
            )
        else:
            agreed = round(((scores.government or 0) + (scores.peer or 0)) / 2)
            session.add(
                ValidatedScore(
                    assessment_id=assessment.id,
                    indicator_id=indicator_id,
                    outcome="validated",
                    level=agreed,
                    note="Agreed in the workshop after reviewing the evidence together.",
                    recorded_by_id=facilitator.id,
                )
            )
    assessment.state = State.VALIDATED.value
