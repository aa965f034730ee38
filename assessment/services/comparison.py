"""A country's cycles side by side, item by item through stable ids, and the regional overview."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..framework import FrameworkRegistry
from ..models import Assessment, Country
from ..scoring import AssessmentScore
from .assessments import score, score_many

STEADY = 0.25  # a change smaller than this is "unchanged"


@dataclass(frozen=True)
class Cell:
    value: float | None
    present: bool  # the item exists in the framework version this cycle used


@dataclass(frozen=True)
class ItemRow:
    id: str
    name: str
    domain: str
    cells: tuple[Cell, ...]

    @property
    def change(self) -> str:
        """improved, fell back, unchanged, new, dropped, or "—" when nothing can be compared."""
        first, last = self.cells[0], self.cells[-1]
        if not first.present and last.present:
            return "new"
        if first.present and not last.present:
            return "dropped"
        if first.value is None or last.value is None:
            return "—"
        delta = last.value - first.value
        if delta >= STEADY:
            return "improved"
        if delta <= -STEADY:
            return "fell back"
        return "unchanged"


@dataclass(frozen=True)
class CycleComparison:
    assessments: tuple[Assessment, ...]
    versions: tuple[str, ...]
    overall: tuple[float | None, ...]
    domains: tuple[ItemRow, ...]
    indicators: tuple[ItemRow, ...]


def cycles_of(session: Session, assessment: Assessment) -> list[Assessment]:
    """The assessments of the same country and area, oldest cycle first."""
    return list(
        session.scalars(
            select(Assessment)
            .where(
                Assessment.country_id == assessment.country_id, Assessment.area == assessment.area
            )
            .options(selectinload(Assessment.triggers), selectinload(Assessment.country))
            .order_by(Assessment.cycle)
        )
    )


def compare(
    session: Session, registry: FrameworkRegistry, assessments: list[Assessment], lang: str
) -> CycleComparison:
    frameworks = [registry.localized(a.framework_version, lang) for a in assessments]
    results: list[AssessmentScore] = [
        score(session, registry.get(a.framework_version), a) for a in assessments
    ]
    newest = frameworks[-1]

    def name_of(item_id: str, kind: str) -> tuple[str, str]:
        for framework in reversed(frameworks):
            try:
                if kind == "domain":
                    return framework.domain(item_id).name, item_id
                return framework.indicator(item_id).name, item_id.split("-")[0]
            except KeyError:
                continue
        return item_id, item_id.split("-")[0]

    domain_ids: list[str] = []
    indicator_ids: list[str] = []
    for framework in [newest, *frameworks]:  # the newest order first, then what only older had
        for d in framework.domains:
            if d.indicators and d.code not in domain_ids:
                domain_ids.append(d.code)
            for i in d.indicators:
                if i.id not in indicator_ids:
                    indicator_ids.append(i.id)

    def domain_cell(result: AssessmentScore, code: str) -> Cell:
        found = next((d for d in result.domains if d.code == code), None)
        return Cell(found.score if found else None, found is not None)

    def indicator_cell(result: AssessmentScore, indicator_id: str) -> Cell:
        found = next((i for i in result.indicators if i.id == indicator_id), None)
        return Cell(found.current if found else None, found is not None)

    return CycleComparison(
        assessments=tuple(assessments),
        versions=tuple(a.framework_version for a in assessments),
        overall=tuple(r.overall for r in results),
        domains=tuple(
            ItemRow(code, *name_of(code, "domain"), tuple(domain_cell(r, code) for r in results))
            for code in domain_ids
        ),
        indicators=tuple(
            ItemRow(i, *name_of(i, "indicator"), tuple(indicator_cell(r, i) for r in results))
            for i in indicator_ids
        ),
    )


@dataclass(frozen=True)
class CountryRow:
    country: Country
    assessment: Assessment
    domains: dict[str, float | None]
    overall: float | None


def regional_overview(session: Session, registry: FrameworkRegistry) -> list[CountryRow]:
    """Each consenting country's latest national assessment (validated or published first)."""
    countries = list(
        session.scalars(
            select(Country).where(Country.shares_results.is_(True)).order_by(Country.name)
        )
    )
    # Every national assessment of those countries in one query, newest cycle first.
    candidates: dict[int, list[Assessment]] = {c.id: [] for c in countries}
    for assessment in session.scalars(
        select(Assessment)
        .join(Country, Country.id == Assessment.country_id)
        .where(Country.shares_results.is_(True), Assessment.area == "")
        .options(selectinload(Assessment.triggers))
        .order_by(Assessment.cycle.desc(), Assessment.id)
    ):
        candidates[assessment.country_id].append(assessment)
    chosen: dict[int, Assessment] = {}
    for country in countries:
        found = candidates[country.id]
        if found:
            settled = [a for a in found if a.state in ("validated", "published")]
            chosen[country.id] = (settled or found)[0]
    results = score_many(
        session, lambda a: registry.get(a.framework_version), list(chosen.values())
    )
    rows = []
    for country in countries:
        if country.id in chosen:
            assessment = chosen[country.id]
            result = results[assessment.id]
            rows.append(
                CountryRow(
                    country, assessment, {d.code: d.score for d in result.domains}, result.overall
                )
            )
    return rows
