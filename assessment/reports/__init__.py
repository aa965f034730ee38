"""PDF reports: HTML + print CSS → WeasyPrint, fed with plain data only."""

from .data import (
    ActionLine,
    AssessmentInfo,
    ContestedItem,
    EvidenceLine,
    GapReport,
    Insights,
    ReportExtras,
    SideLine,
    build_gap_report,
    build_insights,
)
from .isolation import RenderFailed, render_pdf_isolated

__all__ = [
    "ActionLine",
    "AssessmentInfo",
    "ContestedItem",
    "EvidenceLine",
    "GapReport",
    "Insights",
    "RenderFailed",
    "ReportExtras",
    "SideLine",
    "build_gap_report",
    "build_insights",
    "render_pdf_isolated",
]
