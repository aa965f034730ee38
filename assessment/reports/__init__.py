"""PDF reports: HTML + print CSS → WeasyPrint, fed with plain data only."""

from .data import (
    ActionLine,
    AssessmentInfo,
    ContestedItem,
    EvidenceLine,
    GapReport,
    ReportExtras,
    SideLine,
    build_gap_report,
)
from .isolation import RenderFailed, render_pdf_isolated

__all__ = [
    "ActionLine",
    "AssessmentInfo",
    "ContestedItem",
    "EvidenceLine",
    "GapReport",
    "RenderFailed",
    "ReportExtras",
    "SideLine",
    "build_gap_report",
    "render_pdf_isolated",
]
