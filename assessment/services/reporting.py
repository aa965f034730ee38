"""Gathering what a gap report needs from the database, as plain data."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from ..framework import Framework
from ..labels import country_name
from ..models import Assessment
from ..reports import AssessmentInfo, GapReport, build_gap_report
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
    )
