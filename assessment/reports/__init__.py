"""PDF reports: HTML + print CSS → WeasyPrint, fed with plain data only."""

from .data import AssessmentInfo, GapReport, build_gap_report
from .isolation import RenderFailed, render_pdf_isolated

__all__ = ["AssessmentInfo", "GapReport", "RenderFailed", "build_gap_report", "render_pdf_isolated"]
