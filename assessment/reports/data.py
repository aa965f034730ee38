"""The plain data a gap report is made of, built from the framework and the scores (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..framework import Framework
from ..framework.schema import Band
from ..scoring import AssessmentScore, IndicatorScore, coverage, insights


@dataclass(frozen=True)
class AssessmentInfo:
    country: str
    area: str
    cycle: str
    state: str
    framework_version: str


@dataclass(frozen=True)
class IndicatorRow:
    id: str
    name: str
    weight: int
    government: float | None
    peer: float | None
    validated: int | None
    current: float | None
    target: int
    gap: float | None
    priority: float | None
    band: str | None
    contested: bool
    low_confidence: bool
    answered: int
    questions: int
    evidenced: int
    unevidenced_high: tuple[str, ...]
    confidence: str | None = None
    files: int = 0


@dataclass(frozen=True)
class DomainSection:
    code: str
    name: str
    kind: str
    description: str
    score: float | None
    completeness: float
    evidence_coverage: float | None
    rows: tuple[IndicatorRow, ...]
    government_score: float | None = None
    peer_score: float | None = None
    validated_score: float | None = None
    answered: int = 0
    questions: int = 0


@dataclass(frozen=True)
class CoverageRow:
    tag: str
    indicators: tuple[str, ...]
    scored: int
    established: int
    score: float | None


@dataclass(frozen=True)
class GapItem:
    rank: int
    indicator: IndicatorRow
    domain: str
    recommendations: tuple[tuple[str, str], ...]  # (question id, what to do)
    triggered_by: tuple[str, ...]


@dataclass(frozen=True)
class TriggerLine:
    id: str
    text: str
    raises: tuple[str, ...]


@dataclass(frozen=True)
class SideLine:
    """What one side (the government or a reviewing organisation) said about a question."""

    who: str  # "" for the government
    question_id: str
    level: int | None
    status: str
    confidence: str | None
    justification: str | None
    evidence: str | None


@dataclass(frozen=True)
class ContestedItem:
    indicator: IndicatorRow
    peer_ratings: tuple[float, ...]
    outcome: str | None  # "validated", "disagreement" or None
    outcome_note: str | None
    sides: tuple[SideLine, ...]


@dataclass(frozen=True)
class ActionLine:
    title: str
    owner: str
    deadline: date | None
    status: str
    indicators: tuple[str, ...]


@dataclass(frozen=True)
class EvidenceLine:
    question_id: str
    text: str | None
    files: tuple[str, ...]


@dataclass(frozen=True)
class ReportExtras:
    """What the report takes from the database beyond the scores (plain data)."""

    confidence: dict[str, str | None]  # indicator id -> the government's usual confidence
    files: dict[str, int]  # indicator id -> evidence files attached
    # indicator id -> (outcome, note, what each side said) for the indicators to settle
    discussion: dict[str, tuple[str | None, str | None, tuple[SideLine, ...]]] = field(
        default_factory=dict
    )
    actions: tuple[ActionLine, ...] = ()
    evidence: tuple[EvidenceLine, ...] = ()


@dataclass(frozen=True)
class OutOfStepLine:
    indicator: str
    name: str
    current: float
    depends_on: str
    depends_on_name: str
    lagging_current: float
    reason: str
    advice: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class AtrocityTypeLine:
    type: str
    indicators: int
    scored: int
    established: int
    share_established: float | None
    score: float | None
    gaps: tuple[tuple[str, str, str | None], ...]  # (indicator id, name, band)


@dataclass(frozen=True)
class WindowLine:
    trigger: str
    text: str
    expected_on: date | None
    note: str | None
    window: str | None
    urgent: tuple[tuple[str, str, str | None], ...]  # (indicator id, name, band)
    favoured: tuple[tuple[str, str], ...]  # (indicator id, name)


@dataclass(frozen=True)
class HeatRow:
    id: str
    name: str
    cells: tuple[float | None, ...]  # one per area column


@dataclass(frozen=True)
class HeatDomain:
    code: str
    name: str
    cells: tuple[float | None, ...]  # the domain's 0-100 score per column
    rows: tuple[HeatRow, ...]


@dataclass(frozen=True)
class DivergenceLine:
    indicator: str
    name: str
    national: float
    area: str
    area_score: float
    difference: float


@dataclass(frozen=True)
class AreasCompared:
    columns: tuple[str, ...]  # area names; "" is the whole country
    current: int  # the column of the assessment the report is about
    domains: tuple[HeatDomain, ...]
    divergences: tuple[DivergenceLine, ...]  # only when the national assessment is in the table


@dataclass(frozen=True)
class Insights:
    out_of_step: tuple[OutOfStepLine, ...]
    atrocity_types: tuple[AtrocityTypeLine, ...]
    window_start: date
    window_end: date
    windows: tuple[WindowLine, ...]  # dated within the coming twelve months
    undated: tuple[WindowLine, ...]  # set without a date
    elsewhere: tuple[tuple[str, str, date], ...]  # (trigger id, text, date) outside the window
    areas: AreasCompared | None = None
    dependencies: int = 0  # how many dependencies the framework holds


@dataclass(frozen=True)
class GapReport:
    info: AssessmentInfo
    generated_on: date
    overall: float | None
    completeness: float
    domains: tuple[DomainSection, ...]
    gaps: tuple[GapItem, ...]
    triggers: tuple[TriggerLine, ...]
    scale: tuple[tuple[int, str], ...]
    coverage_by_risk_factor: tuple[CoverageRow, ...] = ()
    coverage_by_condition: tuple[CoverageRow, ...] = ()
    coverage_by_level: tuple[CoverageRow, ...] = ()
    contested_items: tuple[ContestedItem, ...] = ()
    actions: tuple[ActionLine, ...] = ()
    evidence: tuple[EvidenceLine, ...] = ()
    insights: Insights | None = None

    @property
    def contested(self) -> tuple[IndicatorRow, ...]:
        return tuple(r for d in self.domains for r in d.rows if r.contested)

    @property
    def unevidenced(self) -> tuple[IndicatorRow, ...]:
        return tuple(r for d in self.domains for r in d.rows if r.unevidenced_high)


def _row(
    framework: Framework, score: IndicatorScore, extras: ReportExtras | None = None
) -> IndicatorRow:
    return IndicatorRow(
        id=score.id,
        name=framework.indicator(score.id).name,
        weight=score.weight,
        government=score.government,
        peer=score.peer,
        validated=score.validated,
        current=score.current,
        target=score.target,
        gap=score.gap,
        priority=score.priority,
        band=score.band.value if score.band else None,
        contested=score.contested,
        low_confidence=score.low_confidence,
        answered=score.answered,
        questions=score.questions,
        evidenced=score.evidenced,
        unevidenced_high=score.unevidenced_high,
        confidence=extras.confidence.get(score.id) if extras else None,
        files=extras.files.get(score.id, 0) if extras else 0,
    )


def _recommendations(
    framework: Framework, score: IndicatorScore, levels: dict[str, int | None]
) -> tuple[tuple[str, str], ...]:
    """What to do: the framework's advice for the indicator's band, for each question below its
    target."""
    band = score.band if score.band in (Band.CRITICAL, Band.HIGH) else Band.MEDIUM
    advice = []
    for question in framework.indicator(score.id).scored_questions:
        level = levels.get(question.id)
        if question.recommendations and (level is None or level < score.target):
            advice.append((question.id, getattr(question.recommendations, band.value)))
    return tuple(advice)


def build_gap_report(
    framework: Framework,
    score: AssessmentScore,
    info: AssessmentInfo,
    levels: dict[str, int | None],
    generated_on: date,
    top: int | None = None,
    extras: ReportExtras | None = None,
    insights: Insights | None = None,
) -> GapReport:
    rows = {i.id: _row(framework, i, extras) for i in score.indicators}
    domains = tuple(
        DomainSection(
            code=d.code,
            name=framework.domain(d.code).name,
            kind=d.kind.value,
            description=framework.domain(d.code).description,
            score=d.score,
            completeness=d.completeness,
            evidence_coverage=d.evidence_coverage,
            rows=tuple(rows[i.id] for i in d.indicators),
            government_score=d.score_of("government"),
            peer_score=d.score_of("peer"),
            validated_score=d.score_of("validated"),
            answered=d.answered,
            questions=d.questions,
        )
        for d in score.domains
    )
    ranked = score.gaps[:top] if top else score.gaps
    gaps = tuple(
        GapItem(
            rank=n,
            indicator=rows[i.id],
            domain=framework.domain_of(i.id).name,
            recommendations=_recommendations(framework, i, levels),
            triggered_by=i.triggered_by,
        )
        for n, i in enumerate(ranked, start=1)
    )
    triggers = tuple(
        TriggerLine(t.id, t.text, tuple(t.raises))
        for t in framework.triggers
        if t.id in score.triggers_set
    )
    return GapReport(
        info=info,
        generated_on=generated_on,
        overall=score.overall,
        completeness=score.completeness,
        domains=domains,
        gaps=gaps,
        triggers=triggers,
        scale=tuple(sorted(framework.meta.scale.items())),
        coverage_by_risk_factor=_plain(coverage.by_risk_factor(framework, score)),
        coverage_by_condition=_plain(coverage.by_condition(framework, score)),
        coverage_by_level=_plain(coverage.by_level(framework, score)),
        contested_items=tuple(
            ContestedItem(
                rows[i.id], i.peer_ratings, *extras.discussion.get(i.id, (None, None, ()))
            )
            for i in score.indicators
            if i.contested or i.low_confidence
        )
        if extras
        else (),
        actions=extras.actions if extras else (),
        evidence=extras.evidence if extras else (),
        insights=insights,
    )


def _plain(rows: tuple[coverage.Coverage, ...]) -> tuple[CoverageRow, ...]:
    return tuple(CoverageRow(r.tag, r.indicators, r.scored, r.established, r.score) for r in rows)


def build_insights(
    framework: Framework,
    score: AssessmentScore,
    today: date,
    triggers: dict[str, tuple[date | None, str | None]],
    areas: list[tuple[str, AssessmentScore]] | None = None,
    area: str = "",
) -> Insights:
    """The insights chapter: `triggers` maps each set trigger to (expected date, note); `areas`
    holds (area name, scores) for the same cycle's assessments of the country, this one
    included, that the reader may see."""
    name = {i.id: i.name for i in framework.indicators}
    band = {i.id: (i.band.value if i.band else None) for i in score.indicators}
    trigger_of = {t.id: t for t in framework.triggers}

    def window_line(w: insights.Window) -> WindowLine:
        expected, note = triggers.get(w.trigger, (None, None))
        return WindowLine(
            trigger=w.trigger,
            text=trigger_of[w.trigger].text,
            expected_on=w.expected_on,
            note=note,
            window=w.window,
            urgent=tuple((i, name[i], band[i]) for i in w.urgent),
            favoured=tuple((i, name[i]) for i in w.favoured),
        )

    found = insights.windows(framework, score, {k: v[0] for k, v in triggers.items()}, today)
    return Insights(
        out_of_step=tuple(
            OutOfStepLine(
                o.indicator,
                name[o.indicator],
                o.current,
                o.depends_on,
                name[o.depends_on],
                o.lagging_current,
                o.reason,
                o.advice,
            )
            for o in insights.out_of_step(framework, score)
        ),
        atrocity_types=tuple(
            AtrocityTypeLine(
                t.type,
                len(t.indicators),
                t.scored,
                t.established,
                t.share_established,
                t.score,
                tuple((i, name[i], band[i]) for i in t.gaps),
            )
            for t in insights.atrocity_lens(framework, score)
        ),
        window_start=found.start,
        window_end=found.end,
        windows=tuple(window_line(w) for w in found.coming),
        undated=tuple(window_line(w) for w in found.undated),
        elsewhere=tuple((t, trigger_of[t].text, d) for t, d in found.elsewhere),
        areas=_areas(framework, areas, area) if areas and len(areas) > 1 else None,
        dependencies=sum(len(i.depends_on) for i in framework.indicators),
    )


def _areas(
    framework: Framework, areas: list[tuple[str, AssessmentScore]], area: str
) -> AreasCompared:
    ordered = sorted(areas, key=lambda a: (a[0] != "", a[0].casefold()))
    columns = [insights.area_column(label, result) for label, result in ordered]
    domains = tuple(
        HeatDomain(
            code=d.code,
            name=d.name,
            cells=tuple(c.domains.get(d.code) for c in columns),
            rows=tuple(
                HeatRow(i.id, i.name, tuple(c.scores.get(i.id) for c in columns))
                for i in d.indicators
            ),
        )
        for d in framework.domains
        if d.indicators
    )
    national = next((c for c in columns if c.label == ""), None)
    name = {i.id: i.name for i in framework.indicators}
    divergences = (
        tuple(
            DivergenceLine(
                d.indicator, name[d.indicator], d.national, d.area, d.area_score, d.difference
            )
            for d in insights.divergences(national, [c for c in columns if c.label != ""])
        )
        if national is not None
        else ()
    )
    return AreasCompared(
        columns=tuple(c.label for c in columns),
        current=[c.label for c in columns].index(area) if area in [c.label for c in columns] else 0,
        domains=domains,
        divergences=divergences,
    )
