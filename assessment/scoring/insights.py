"""What the scores mean together: reforms out of step, the atrocity-type lens, windows of
opportunity and areas compared. Pure: plain data in, plain data out, no Flask, no database.

- Out of step: an indicator at 3 or above while one it depends on sits at 1 or below (current
  scores, the ones the dashboard shows). Reform on the strong side will not hold until the weak
  side catches up, so the advice goes to the lagging indicator.
- Atrocity types: perpetrators swap one tactic for another when one is watched, so the gaps are
  regrouped by the types they bear on, least covered by established capacity first.
- Windows: a set trigger with a known date in the coming twelve months makes the gaps it raises
  urgent and favours the reforms the framework links to it.
- Areas: the same cycle's assessments of a country's areas side by side, and where each area
  differs most from the national assessment.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from assessment.framework import Framework
from assessment.framework.schema import AtrocityType, Band

from .engine import AssessmentScore, IndicatorScore, weighted_score

AHEAD_FROM = 3.0  # the depending indicator is established ...
LAGGING_UP_TO = 1.0  # ... while the one it needs is initial or absent
ESTABLISHED = 3.0
WINDOW_MONTHS = 12


@dataclass(frozen=True)
class OutOfStep:
    indicator: str  # the one ahead, at 3 or above
    current: float
    depends_on: str  # the one lagging, at 1 or below
    lagging_current: float
    reason: str
    advice: tuple[tuple[str, str], ...]  # (question id, what to do) for the lagging side


def _advice(framework: Framework, score: IndicatorScore) -> tuple[tuple[str, str], ...]:
    """The framework's recommendations for the lagging indicator, at its band (critical and high
    keep their own; anything lower reads the medium advice)."""
    band = score.band if score.band in (Band.CRITICAL, Band.HIGH) else Band.MEDIUM
    return tuple(
        (q.id, getattr(q.recommendations, band.value))
        for q in framework.indicator(score.id).scored_questions
        if q.recommendations
    )


def out_of_step(framework: Framework, result: AssessmentScore) -> tuple[OutOfStep, ...]:
    """Every dependency out of step, in framework order."""
    scores = {i.id: i for i in result.indicators}
    found = []
    for indicator in framework.indicators:
        ahead = scores.get(indicator.id)
        if ahead is None or ahead.current is None or ahead.current < AHEAD_FROM:
            continue
        for dependency in indicator.depends_on:
            lagging = scores.get(dependency.indicator)
            if lagging is None or lagging.current is None or lagging.current > LAGGING_UP_TO:
                continue
            found.append(
                OutOfStep(
                    indicator=indicator.id,
                    current=ahead.current,
                    depends_on=lagging.id,
                    lagging_current=lagging.current,
                    reason=dependency.reason,
                    advice=_advice(framework, lagging),
                )
            )
    return tuple(found)


@dataclass(frozen=True)
class TypeCover:
    """One atrocity type: the indicators bearing on it, how many are established, and its gaps."""

    type: str
    indicators: tuple[str, ...]
    scored: int
    established: int
    score: float | None  # 0-100, weighted as a domain is
    gaps: tuple[str, ...]  # indicator ids with a gap, highest priority first

    @property
    def share_established(self) -> float | None:
        return self.established / self.scored if self.scored else None


def atrocity_lens(framework: Framework, result: AssessmentScore) -> tuple[TypeCover, ...]:
    """The four atrocity types, least covered by established capacity first (a type with nothing
    scored yet comes last: it is unknown, not covered)."""
    scores = {i.id: i for i in result.indicators}
    ranked_gaps = [g.id for g in result.gaps]
    rows = []
    for kind in AtrocityType:
        members = [i for i in framework.indicators if kind in i.atrocity_types and i.id in scores]
        ids = {i.id for i in members}
        current = [scores[i.id].current for i in members]
        rows.append(
            TypeCover(
                type=kind.value,
                indicators=tuple(i.id for i in members),
                scored=sum(1 for c in current if c is not None),
                established=sum(1 for c in current if c is not None and c >= ESTABLISHED),
                score=weighted_score([(i.weight, scores[i.id].current) for i in members]),
                gaps=tuple(g for g in ranked_gaps if g in ids),
            )
        )
    order = [kind.value for kind in AtrocityType]
    return tuple(
        sorted(
            rows,
            key=lambda r: (
                r.share_established is None,
                r.share_established if r.share_established is not None else 0,
                r.score if r.score is not None else 0,
                order.index(r.type),
            ),
        )
    )


def months_later(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where it has no such day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Window:
    trigger: str
    expected_on: date | None  # None: set, with no date given
    urgent: tuple[str, ...]  # gaps the trigger raises, highest priority first
    favoured: tuple[str, ...]  # reforms the window favours that still have a gap
    window: str | None  # why the window favours them


@dataclass(frozen=True)
class Windows:
    start: date
    end: date
    coming: tuple[Window, ...]  # set, dated within [start, end], soonest first
    undated: tuple[Window, ...]  # set, with no date: they may fall in the window
    elsewhere: tuple[tuple[str, date], ...]  # set, dated before start or after end


def windows(
    framework: Framework,
    result: AssessmentScore,
    dates: Mapping[str, date | None],
    today: date,
) -> Windows:
    """For each set trigger (`dates` holds the set triggers and their expected dates), what a
    date in the coming twelve months makes urgent and what it favours."""
    end = months_later(today, WINDOW_MONTHS)
    ranked = result.gaps
    with_gap = {g.id for g in ranked}
    coming, undated, elsewhere = [], [], []
    for trigger in framework.triggers:
        if trigger.id not in dates:
            continue
        when = dates[trigger.id]
        if when is not None and not today <= when <= end:
            elsewhere.append((trigger.id, when))
            continue
        item = Window(
            trigger=trigger.id,
            expected_on=when,
            urgent=tuple(g.id for g in ranked if g.id in trigger.raises),
            favoured=tuple(i for i in trigger.favours if i in with_gap),
            window=trigger.window,
        )
        (coming if when is not None else undated).append(item)
    coming.sort(key=lambda w: (w.expected_on or end, w.trigger))
    return Windows(today, end, tuple(coming), tuple(undated), tuple(elsewhere))


@dataclass(frozen=True)
class AreaColumn:
    label: str  # the area's name, "" for the whole country
    scores: Mapping[str, float | None]  # indicator id -> current score
    domains: Mapping[str, float | None]  # domain code -> 0-100


@dataclass(frozen=True)
class Divergence:
    indicator: str
    national: float
    area: str
    area_score: float

    @property
    def difference(self) -> float:
        return self.area_score - self.national


def area_column(label: str, result: AssessmentScore) -> AreaColumn:
    return AreaColumn(
        label=label,
        scores={i.id: i.current for i in result.indicators},
        domains={d.code: d.score for d in result.domains},
    )


def divergences(
    national: AreaColumn, areas: Sequence[AreaColumn], limit: int = 10
) -> tuple[Divergence, ...]:
    """Where the areas differ most from the national assessment: for each indicator the area
    furthest from it, largest differences first."""
    found = []
    for indicator, nat in national.scores.items():
        if nat is None:
            continue
        candidates = [
            Divergence(indicator, nat, a.label, s)
            for a in areas
            if (s := a.scores.get(indicator)) is not None and s != nat
        ]
        if candidates:
            found.append(max(candidates, key=lambda d: (abs(d.difference), d.area)))
    found.sort(key=lambda d: (-abs(d.difference), d.indicator))
    return tuple(found[:limit])
