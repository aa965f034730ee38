"""Exports of an assessment for spreadsheets: its answers (CSV and XLSX), its scores (XLSX), and
the aggregate open-data CSV of domain scores for researchers.

Every text cell that a spreadsheet would read as a formula (it begins with = + - @, a tab or a
carriage return) is written with a leading apostrophe, so an answer such as
=HYPERLINK("http://evil.example") stays text when the file is opened.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..framework import Framework, FrameworkRegistry
from ..labels import BANDS, CONFIDENCE, N_, STATES
from ..models import Assessment, Country, State
from ..scoring import AssessmentScore
from . import comments as comment_service
from . import evidence as evidence_service
from .assessments import get_answers, score

Translate = Callable[..., str]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Scores are published as open data once they are final.
OPEN_DATA_STATES = (State.VALIDATED.value, State.PUBLISHED.value)

STATUSES = {
    "answered": N_("answered"),
    "not_applicable": N_("not applicable"),
    "unknown": N_("unknown"),
}


def _same(text: str, **params: Any) -> str:
    return text % params if params else text


def neutralise(value: Any) -> Any:
    """A cell value that no spreadsheet evaluates: numbers stay numbers, text that would start a
    formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


@dataclass(frozen=True)
class Table:
    title: str
    header: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def _round(value: float | None, digits: int = 2) -> float | str:
    return "" if value is None else round(value, digits)


def answers_table(
    session: Session,
    framework: Framework,
    assessment: Assessment,
    _: Translate = _same,
    result: AssessmentScore | None = None,
) -> Table:
    """One row per question of the assessment: the government's answer (G), the reviewers'
    median (P), the indicator's validated score (V), confidence, evidence and comments."""
    answers = get_answers(session, assessment)
    result = result or score(session, framework, assessment)
    files: dict[str, list[str]] = {}
    for record in evidence_service.files_of(session, assessment):
        files.setdefault(record.question_id, []).append(record.original_name)
    threads = comment_service.threads(session, assessment, [q.id for q in framework.questions])
    header = (
        _("Domain"),
        _("Indicator"),
        _("Indicator name"),
        _("Question"),
        _("Question text"),
        _("Status"),
        _("G (government level)"),
        _("Answer"),
        _("P (peer review median)"),
        _("V (validated indicator score)"),
        _("Confidence"),
        _("Reason"),
        _("Evidence"),
        _("Evidence files"),
        _("Comment"),
        _("Discussion"),
        _("Flagged"),
        _("Last saved by"),
        _("Last saved at"),
    )
    rows = []
    for domain in framework.answerable_domains:
        for indicator in domain.indicators:
            scored = result.indicator(indicator.id)
            by_question = {s.id: s for s in scored.question_scores}
            for question in indicator.questions:
                answer = answers.get(question.id)
                question_score = by_question.get(question.id)
                discussion = "\n".join(
                    _line(thread, 0) for thread in threads.get(question.id, [])
                ).strip()
                rows.append(
                    (
                        domain.code,
                        indicator.id,
                        indicator.name,
                        question.id,
                        question.text,
                        _(STATUSES[answer.status]) if answer else "",
                        answer.level if answer and answer.level is not None else "",
                        answer.value if answer else "",
                        _round(question_score.peer if question_score else None),
                        "" if scored.validated is None else scored.validated,
                        _(CONFIDENCE[answer.confidence]) if answer and answer.confidence else "",
                        answer.reason if answer else "",
                        answer.evidence if answer else "",
                        "; ".join(files.get(question.id, [])),
                        answer.comment if answer else "",
                        discussion,
                        _("yes") if answer and answer.flagged else "",
                        answer.updated_by.name if answer and answer.updated_by else "",
                        answer.updated_at.isoformat(timespec="seconds") if answer else "",
                    )
                )
    return Table(_("Answers"), header, rows)


def _line(thread: comment_service.Thread, depth: int) -> str:
    author = thread.comment.author.name if thread.comment.author else "—"
    text = f"{'  ' * depth}{author}: {thread.comment.body}"
    return "\n".join([text, *(_line(reply, depth + 1) for reply in thread.replies)])


def scores_tables(
    framework: Framework, result: AssessmentScore, _: Translate = _same
) -> list[Table]:
    """Domains, indicators, and the gaps in order of priority."""
    domains = Table(
        _("Domains"),
        (
            _("Domain"),
            _("Name"),
            _("Score (0-100)"),
            _("G score"),
            _("P score"),
            _("V score"),
            _("Completeness"),
            _("Evidence coverage"),
        ),
        [
            (
                d.code,
                framework.domain(d.code).name,
                _round(d.score, 1),
                _round(d.score_of("government"), 1),
                _round(d.score_of("peer"), 1),
                _round(d.score_of("validated"), 1),
                _round(d.completeness, 3),
                _round(d.evidence_coverage, 3),
            )
            for d in result.domains
        ],
    )
    indicator_header = (
        _("Indicator"),
        _("Name"),
        _("Domain"),
        _("Weight"),
        _("G"),
        _("P"),
        _("V"),
        _("Current"),
        _("Target"),
        _("Gap"),
        _("Priority"),
        _("Band"),
        _("Contested"),
        _("Low confidence"),
        _("Raised by triggers"),
        _("Completeness"),
        _("Evidence coverage"),
    )

    def row(i: Any) -> tuple[Any, ...]:
        return (
            i.id,
            framework.indicator(i.id).name,
            i.domain,
            i.weight,
            _round(i.government),
            _round(i.peer),
            "" if i.validated is None else i.validated,
            _round(i.current),
            i.target,
            _round(i.gap),
            _round(i.priority),
            _(BANDS[i.band.value]) if i.band else "",
            _("yes") if i.contested else "",
            _("yes") if i.low_confidence else "",
            ", ".join(i.triggered_by),
            _round(i.completeness, 3),
            _round(i.evidence_coverage, 3),
        )

    indicators = Table(_("Indicators"), indicator_header, [row(i) for i in result.indicators])
    gaps = Table(
        _("Priority gaps"),
        (_("Rank"), *indicator_header),
        [(n, *row(i)) for n, i in enumerate(result.gaps, start=1)],
    )
    return [domains, indicators, gaps]


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(v) for v in table.header])
    writer.writerows([neutralise(v) for v in row] for row in table.rows)
    # With a byte-order mark, spreadsheets read the file as UTF-8 (Arabic, Chinese, Russian).
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _sheet_title(title: str, taken: set[str]) -> str:
    # Excel limits sheet names to 31 characters, without []:*?/\
    clean = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "Sheet"
    name, n = clean, 2
    while name in taken:
        name = f"{clean[:28]} {n}"
        n += 1
    taken.add(name)
    return name


def to_xlsx(tables: Sequence[Table], rtl: bool = False) -> bytes:
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(_sheet_title(table.title, taken))
        sheet.sheet_view.rightToLeft = rtl
        sheet.append([neutralise(v) for v in table.header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([neutralise(v) for v in row])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text
                    if len(cell.value) > 60:
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def open_data_table(session: Session, registry: FrameworkRegistry) -> Table:
    """Domain scores per country and cycle, for the countries that agreed to share their
    results, and only for validated or published assessments. Nothing about people, answers or
    comments: scores only."""
    assessments = session.scalars(
        select(Assessment)
        .join(Country)
        .where(Country.shares_results.is_(True), Assessment.state.in_(OPEN_DATA_STATES))
        .options(selectinload(Assessment.country), selectinload(Assessment.triggers))
        .order_by(Country.iso_code, Assessment.cycle, Assessment.area)
    ).all()
    rows = []
    for assessment in assessments:
        framework = registry.get(assessment.framework_version)
        result = score(session, framework, assessment)
        for d in result.domains:
            rows.append(
                (
                    assessment.country.iso_code,
                    assessment.country.name,
                    assessment.area,
                    assessment.cycle,
                    assessment.framework_version,
                    STATES.get(assessment.state, assessment.state),
                    d.code,
                    d.kind.value,
                    _round(d.score, 1),
                    _round(d.score_of("government"), 1),
                    _round(d.score_of("peer"), 1),
                    _round(d.score_of("validated"), 1),
                    _round(d.completeness, 3),
                )
            )
    header = (
        "country_iso",
        "country",
        "area",
        "cycle",
        "framework_version",
        "state",
        "domain",
        "domain_kind",
        "score",
        "government_score",
        "peer_score",
        "validated_score",
        "completeness",
    )
    return Table("domain_scores", header, rows)


def rows_as_dicts(table: Table) -> Iterable[dict[str, Any]]:
    return (dict(zip(table.header, row, strict=True)) for row in table.rows)
