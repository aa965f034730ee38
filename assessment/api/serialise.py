"""Plain JSON shapes of the API's resources (see openapi.py, which documents each)."""

from __future__ import annotations

from typing import Any

from ..framework import Framework
from ..framework.schema import Question
from ..models import Answer, Assessment
from ..scoring import AssessmentScore, DomainScore, IndicatorScore
from ..services.interchange import iso_time


def assessment(item: Assessment) -> dict[str, Any]:
    return {
        "id": item.id,
        "country": {"iso_code": item.country.iso_code, "name": item.country.name},
        "area": item.area,
        "cycle": item.cycle,
        "state": item.state,
        "framework_version": item.framework_version,
        "blind_review": item.blind_review,
        "created_at": iso_time(item.created_at),
        "submitted_at": iso_time(item.submitted_at),
    }


def answer(item: Answer) -> dict[str, Any]:
    return {
        "question_id": item.question_id,
        "status": item.status,
        "level": item.level,
        "value": item.value,
        "reason": item.reason,
        "confidence": item.confidence,
        "evidence": item.evidence,
        "comment": item.comment,
        "flagged": item.flagged,
        "text_language": item.text_language,
        "version": item.version,
        "updated_by": item.updated_by.name if item.updated_by else None,
        "updated_at": iso_time(item.updated_at),
    }


def _question(q: Question) -> dict[str, Any]:
    return {
        "id": q.id,
        "type": q.type.value,
        "text": q.text,
        "guidance": q.guidance,
        "levels": {str(n): text for n, text in q.levels.items()} if q.levels else None,
        "evidence": list(q.evidence),
        "choices": [{"value": c.value, "label": c.label} for c in q.choices or []] or None,
        "unit": q.unit,
    }


def framework(item: Framework, lang: str) -> dict[str, Any]:
    return {
        "version": item.version,
        "lang": lang,
        "title": item.meta.title,
        "scale": {str(n): text for n, text in item.meta.scale.items()},
        "domains": [
            {
                "code": d.code,
                "name": d.name,
                "kind": d.kind.value,
                "description": d.description,
                "indicators": [
                    {
                        "id": i.id,
                        "name": i.name,
                        "description": i.description,
                        "weight": i.weight,
                        "questions": [_question(q) for q in i.questions],
                    }
                    for i in d.indicators
                ],
                "triggers": [
                    {"id": t.id, "text": t.text, "guidance": t.guidance, "raises": list(t.raises)}
                    for t in d.triggers
                ],
            }
            for d in item.domains
        ],
    }


def _indicator(i: IndicatorScore) -> dict[str, Any]:
    return {
        "id": i.id,
        "domain": i.domain,
        "weight": i.weight,
        "government": i.government,
        "peer": i.peer,
        "validated": i.validated,
        "current": i.current,
        "target": i.target,
        "gap": i.gap,
        "priority": i.priority,
        "band": i.band.value if i.band else None,
        "contested": i.contested,
        "low_confidence": i.low_confidence,
        "triggered_by": list(i.triggered_by),
        "completeness": i.completeness,
        "evidence_coverage": i.evidence_coverage,
    }


def _domain(d: DomainScore) -> dict[str, Any]:
    return {
        "code": d.code,
        "kind": d.kind.value,
        "score": d.score,
        "government_score": d.score_of("government"),
        "peer_score": d.score_of("peer"),
        "validated_score": d.score_of("validated"),
        "completeness": d.completeness,
        "evidence_coverage": d.evidence_coverage,
        "indicators": [_indicator(i) for i in d.indicators],
    }


def scores(assessment_id: int, result: AssessmentScore) -> dict[str, Any]:
    return {
        "assessment": assessment_id,
        "framework_version": result.framework_version,
        "overall": result.overall,
        "completeness": result.completeness,
        "triggers_set": list(result.triggers_set),
        "domains": [_domain(d) for d in result.domains],
        "gaps": [
            {
                "indicator": g.id,
                "gap": g.gap,
                "priority": g.priority,
                "band": g.band.value if g.band else None,
            }
            for g in result.gaps
        ],
    }
