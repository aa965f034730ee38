"""Scoring: a pure module (no Flask, no database)."""

from .engine import (
    AssessmentScore,
    Confidence,
    DomainScore,
    IndicatorScore,
    QuestionScore,
    Response,
    Status,
    band_for,
    default_target,
    score_assessment,
    score_indicator,
    weighted_score,
)

__all__ = [
    "AssessmentScore",
    "Confidence",
    "DomainScore",
    "IndicatorScore",
    "QuestionScore",
    "Response",
    "Status",
    "band_for",
    "default_target",
    "score_assessment",
    "score_indicator",
    "weighted_score",
]
