"""How well the current scores cover each UN Framework risk factor, condition and level (pure)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from assessment.framework import Framework
from assessment.framework.schema import Indicator

from .engine import AssessmentScore, weighted_score

ESTABLISHED = 3


@dataclass(frozen=True)
class Coverage:
    """Indicators that address one tag (RF3, "capacity", "local"), and how strong they are."""

    tag: str
    indicators: tuple[str, ...]
    scored: int
    established: int  # indicators whose current score is 3 or more
    score: float | None  # 0-100, weighted as a domain is

    @property
    def share_established(self) -> float | None:
        return self.established / self.scored if self.scored else None


def _coverage(
    framework: Framework,
    result: AssessmentScore,
    tags: Iterable[str],
    tags_of: Callable[[Indicator], Iterable[str]],
) -> tuple[Coverage, ...]:
    scores = {i.id: i for i in result.indicators}
    rows = []
    for tag in tags:
        members = [i for i in framework.indicators if tag in tags_of(i) and i.id in scores]
        current = [scores[i.id].current for i in members]
        rows.append(
            Coverage(
                tag=tag,
                indicators=tuple(i.id for i in members),
                scored=sum(1 for c in current if c is not None),
                established=sum(1 for c in current if c is not None and c >= ESTABLISHED),
                score=weighted_score([(i.weight, scores[i.id].current) for i in members]),
            )
        )
    return tuple(rows)


def by_risk_factor(framework: Framework, result: AssessmentScore) -> tuple[Coverage, ...]:
    return _coverage(framework, result, [f"RF{n}" for n in range(1, 15)], lambda i: i.risk_factors)


def by_condition(framework: Framework, result: AssessmentScore) -> tuple[Coverage, ...]:
    return _coverage(
        framework,
        result,
        ["will", "capacity", "acquiescence"],
        lambda i: [c.value for c in i.counters],
    )


def by_level(framework: Framework, result: AssessmentScore) -> tuple[Coverage, ...]:
    return _coverage(
        framework,
        result,
        ["local", "national", "regional"],
        lambda i: [lv.value for lv in i.levels],
    )


def by_atrocity_type(framework: Framework, result: AssessmentScore) -> tuple[Coverage, ...]:
    return _coverage(
        framework,
        result,
        ["mass_killing", "forced_displacement", "sexual_violence", "arbitrary_detention"],
        lambda i: [a.value for a in i.atrocity_types],
    )
