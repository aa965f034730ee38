"""Gathering what a gap report needs from the database, as plain data."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..framework import Framework
from ..labels import country_name
from ..models import Answer, Assessment
from ..reports import (
    ActionLine,
    AssessmentInfo,
    EvidenceLine,
    GapReport,
    ReportExtras,
    build_gap_report,
    build_insights,
)
from . import evidence as evidence_service
from . import planning
from . import review as review_service
from .assessments import get_answers, score_many


def gap_report_data(
    session: Session,
    framework: Framework,
    assessment: Assessment,
    lang: str = "en",
    on: date | None = None,
    areas: Sequence[Assessment] = (),
) -> GapReport:
    """The report's data, with `framework` already in `lang` (see FrameworkRegistry.localized).

    `areas` are the same cycle's other assessments of the country (its areas, or the national
    one) that the reader may see; the caller checks access. Those pinned to another framework
    version are left out of the comparison, since their indicators may not match."""
    answers = get_answers(session, assessment)
    others = [
        other
        for other in areas
        if other.id != assessment.id
        and other.country_id == assessment.country_id
        and other.cycle == assessment.cycle
        and other.framework_version == assessment.framework_version
    ]
    # This assessment and the areas it is compared with, scored with one query per kind of row.
    results = score_many(session, lambda _a: framework, [assessment, *others])
    result = results[assessment.id]
    today = on or date.today()
    info = AssessmentInfo(
        country=country_name(assessment.country.iso_code, assessment.country.name, lang),
        area=assessment.area,
        cycle=assessment.cycle,
        state=assessment.state,
        framework_version=assessment.framework_version,
    )
    compared = [(assessment.area, result)] + [(other.area, results[other.id]) for other in others]
    insights = build_insights(
        framework,
        result,
        today,
        {t.trigger_id: (t.expected_on, t.note) for t in assessment.triggers},
        compared,
        assessment.area,
    )
    return build_gap_report(
        framework,
        result,
        info,
        levels={qid: a.level for qid, a in answers.items()},
        generated_on=today,
        extras=_extras(session, framework, assessment, answers),
        insights=insights,
    )


def cycle_areas(session: Session, assessment: Assessment) -> list[Assessment]:
    """The country's assessments of the same cycle, the whole country and every area, this one
    included (the caller keeps those the reader may see)."""
    return list(
        session.scalars(
            select(Assessment)
            .where(
                Assessment.country_id == assessment.country_id,
                Assessment.cycle == assessment.cycle,
            )
            .options(selectinload(Assessment.triggers), selectinload(Assessment.reviews))
            .order_by(Assessment.area)
        )
    )


def _usual_confidence(values: list[str]) -> str | None:
    """The confidence most of the answers carry (ties go to the more cautious)."""
    if not values:
        return None
    counts = Counter(values)
    return max(
        ("low", "medium", "high"), key=lambda c: (counts[c], -("low", "medium", "high").index(c))
    )


def _extras(
    session: Session, framework: Framework, assessment: Assessment, answers: dict[str, Answer]
) -> ReportExtras:
    files = evidence_service.files_of(session, assessment)
    files_by_question: dict[str, list[str]] = {}
    for record in files:
        files_by_question.setdefault(record.question_id, []).append(record.original_name)
    confidence, file_counts = {}, {}
    for indicator in framework.indicators:
        ids = [q.id for q in indicator.scored_questions]
        confidence[indicator.id] = _usual_confidence(
            [answers[q].confidence for q in ids if q in answers and answers[q].confidence]
        )
        file_counts[indicator.id] = sum(
            len(files_by_question.get(q.id, [])) for q in indicator.questions
        )
    reviews = review_service.submitted_reviews(session, assessment)
    outcomes = review_service.outcomes(session, assessment)
    discussion = {}
    sides = review_service.sides(answers, reviews, [q.id for q in framework.questions if q.scored])
    for indicator in framework.indicators:
        ids = [q.id for q in indicator.scored_questions]
        outcome = outcomes.get(indicator.id)
        discussion[indicator.id] = (
            outcome.outcome if outcome else None,
            outcome.note if outcome else None,
            tuple(side for qid in ids for side in sides[qid]),
        )
    actions = tuple(
        ActionLine(a.title, a.owner, a.deadline, a.status, tuple(a.indicator_ids))
        for a in planning.actions_of(session, assessment)
    )
    evidence = tuple(
        EvidenceLine(
            q.id,
            (answers[q.id].evidence if q.id in answers else None),
            tuple(files_by_question.get(q.id, [])),
        )
        for q in framework.questions
        if (q.id in answers and answers[q.id].evidence) or q.id in files_by_question
    )
    return ReportExtras(
        confidence=confidence,
        files=file_counts,
        discussion=discussion,
        actions=actions,
        evidence=evidence,
    )
