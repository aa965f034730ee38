"""Gathering what a gap report needs from the database, as plain data."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy.orm import Session

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
)
from . import evidence as evidence_service
from . import planning
from . import review as review_service
from .assessments import get_answers, score


def gap_report_data(
    session: Session,
    framework: Framework,
    assessment: Assessment,
    lang: str = "en",
    on: date | None = None,
) -> GapReport:
    """The report's data, with `framework` already in `lang` (see FrameworkRegistry.localized)."""
    answers = get_answers(session, assessment)
    info = AssessmentInfo(
        country=country_name(assessment.country.iso_code, assessment.country.name, lang),
        area=assessment.area,
        cycle=assessment.cycle,
        state=assessment.state,
        framework_version=assessment.framework_version,
    )
    return build_gap_report(
        framework,
        score(session, framework, assessment),
        info,
        levels={qid: a.level for qid, a in answers.items()},
        generated_on=on or date.today(),
        extras=_extras(session, framework, assessment, answers),
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
    for indicator in framework.indicators:
        ids = [q.id for q in indicator.scored_questions]
        sides = review_service.sides(answers, reviews, ids)
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
