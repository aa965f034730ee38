"""Scoring: a pure module (no Flask, no database)."""

from .engine import (
    AssessmentScore,
    Confidence,
    DomainScore,
    IndicatorScore,
    Response,
    Status,
    band_for,
    default_target,
    score_assessment,
    score_indicator,
)

__all__ = [
    "AssessmentScore",
    "Confidence",
    "DomainScore",
    "IndicatorScore",
    "Response",
    "Status",
    "band_for",
    "default_target",
    "score_assessment",
    "score_indicator",
]
