"""The insight rules at their edges: dependencies out of step, the atrocity-type lens, windows of
opportunity and areas compared. The tiny test framework has SEC-2 depending on JUS-1, and CTX-1
raising SEC-2 and favouring JUS-1."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from assessment.config import PROJECT_ROOT
from assessment.framework import load_framework
from assessment.scoring import AssessmentScore, Response, score_assessment
from assessment.scoring.insights import (
    area_column,
    atrocity_lens,
    divergences,
    months_later,
    out_of_step,
    windows,
)

FRAMEWORK = load_framework(Path(__file__).parents[1] / "data" / "questionnaires")
SHIPPED = load_framework(PROJECT_ROOT / "questionnaires")


def with_current(result: AssessmentScore, current: dict[str, float | None]) -> AssessmentScore:
    """The same result with some current scores replaced, to try the rule at exact values."""
    domains = tuple(
        replace(
            d,
            indicators=tuple(
                replace(i, current=current[i.id]) if i.id in current else i for i in d.indicators
            ),
        )
        for d in result.domains
    )
    return replace(result, domains=domains)


def levels(sec2: int, jus1: int) -> AssessmentScore:
    return score_assessment(
        FRAMEWORK, {"SEC-2.1": Response(level=sec2), "JUS-1.1": Response(level=jus1)}
    )


def test_a_dependency_at_three_over_one_is_out_of_step_with_reason_scores_and_advice() -> None:
    found = out_of_step(FRAMEWORK, levels(3, 1))
    assert len(found) == 1
    item = found[0]
    assert (item.indicator, item.current, item.depends_on, item.lagging_current) == (
        "SEC-2",
        3.0,
        "JUS-1",
        1.0,
    )
    assert item.reason == "Courts must try soldiers."
    # The advice is the lagging side's (JUS-1), not the one ahead.
    assert [qid for qid, _advice in item.advice] == ["JUS-1.1"]
    jus11 = FRAMEWORK.question("JUS-1.1")
    assert item.advice[0][1] in (
        jus11.recommendations.critical,
        jus11.recommendations.high,
        jus11.recommendations.medium,
    )


@pytest.mark.parametrize(
    ("ahead", "lagging", "flagged"),
    [
        (3.0, 1.0, True),  # both on the line
        (4.0, 0.0, True),
        (2.99, 1.0, False),  # just below 3
        (3.0, 1.01, False),  # just above 1
        (2.0, 1.0, False),
        (3.0, 2.0, False),
        (3.0, None, False),  # the lagging side is not scored yet: unknown, not out of step
        (None, 0.0, False),
    ],
)
def test_the_threshold_edges(ahead: float | None, lagging: float | None, flagged: bool) -> None:
    result = with_current(levels(2, 2), {"SEC-2": ahead, "JUS-1": lagging})
    assert bool(out_of_step(FRAMEWORK, result)) is flagged


def test_answers_just_outside_the_threshold_are_not_flagged() -> None:
    assert out_of_step(FRAMEWORK, levels(2, 1)) == ()
    assert out_of_step(FRAMEWORK, levels(3, 2)) == ()
    assert out_of_step(FRAMEWORK, levels(4, 0)) != ()


def test_the_shipped_framework_holds_enough_dependencies_across_the_domains() -> None:
    links = [(i.id, d) for i in SHIPPED.indicators for d in i.depends_on]
    assert len(links) >= 15
    assert all(d.reason.strip() for _i, d in links)
    # They cross sectors, and every scored domain takes part.
    assert sum(1 for i, d in links if i.split("-")[0] != d.indicator.split("-")[0]) >= 10
    involved = {x.split("-")[0] for i, d in links for x in (i, d.indicator)}
    assert {"SEC", "JUS", "INC", "CIT"} <= involved


def test_the_atrocity_lens_puts_the_least_covered_type_first() -> None:
    detention = {i.id for i in SHIPPED.indicators if "arbitrary_detention" in i.atrocity_types}
    answers = {
        q.id: Response(level=0 if indicator.id in detention else 4)
        for indicator in SHIPPED.indicators
        for q in indicator.scored_questions
    }
    result = score_assessment(SHIPPED, answers)
    lens = atrocity_lens(SHIPPED, result)
    assert [t.type for t in lens][0] == "arbitrary_detention"
    first = lens[0]
    assert first.established == 0
    assert first.scored == len(detention)
    assert set(first.gaps) == detention
    # Highest priority first, as in the ranked gaps.
    ranked = [g.id for g in result.gaps if g.id in detention]
    assert list(first.gaps) == ranked
    assert {t.type for t in lens} == {
        "mass_killing",
        "forced_displacement",
        "sexual_violence",
        "arbitrary_detention",
    }
    assert all(t.share_established is not None and t.share_established > 0 for t in lens[1:])


def test_a_type_with_nothing_scored_comes_last() -> None:
    lens = atrocity_lens(SHIPPED, score_assessment(SHIPPED, {}))
    assert all(t.scored == 0 and t.share_established is None for t in lens)


TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("expected_on", "where"),
    [
        (date(2026, 11, 22), "coming"),  # today
        (date(2027, 11, 22), "coming"),  # twelve months on, the last day in
        (date(2027, 11, 23), "elsewhere"),  # one day beyond
        (date(2026, 11, 21), "elsewhere"),  # yesterday: past
        (None, "undated"),
    ],
)
def test_a_trigger_window_inside_and_outside_twelve_months(
    expected_on: date | None, where: str
) -> None:
    result = score_assessment(
        FRAMEWORK,
        {"SEC-2.1": Response(level=1), "JUS-1.1": Response(level=1)},
        triggers_set={"CTX-1"},
    )
    found = windows(FRAMEWORK, result, {"CTX-1": expected_on}, TODAY)
    assert found.end == date(2027, 11, 22)
    groups = {
        "coming": [w.trigger for w in found.coming],
        "undated": [w.trigger for w in found.undated],
        "elsewhere": [t for t, _d in found.elsewhere],
    }
    assert groups[where] == ["CTX-1"]
    assert sum(len(v) for v in groups.values()) == 1
    if where != "elsewhere":
        window = (found.coming or found.undated)[0]
        assert window.urgent == ("SEC-2",)  # the gap CTX-1 raises
        assert window.favoured == ("JUS-1",)  # the reform the window favours, still short
        assert window.window == "A vote focuses minds on the courts."


def test_a_window_leaves_out_what_meets_its_target_and_triggers_not_set() -> None:
    result = score_assessment(
        FRAMEWORK,
        {"SEC-2.1": Response(level=4), "JUS-1.1": Response(level=4)},
        triggers_set={"CTX-1"},
    )
    found = windows(FRAMEWORK, result, {"CTX-1": date(2027, 1, 10)}, TODAY)
    assert found.coming[0].urgent == ()
    assert found.coming[0].favoured == ()
    assert windows(FRAMEWORK, result, {}, TODAY).coming == ()


def test_twelve_months_later_on_month_ends() -> None:
    assert months_later(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert months_later(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert months_later(date(2026, 11, 30), 12) == date(2027, 11, 30)


def test_areas_differ_most_where_the_gap_to_the_national_score_is_widest() -> None:
    national = score_assessment(
        FRAMEWORK, {"SEC-2.1": Response(level=2), "JUS-1.1": Response(level=2)}
    )
    north = score_assessment(
        FRAMEWORK, {"SEC-2.1": Response(level=4), "JUS-1.1": Response(level=1)}
    )
    coast = score_assessment(
        FRAMEWORK, {"SEC-2.1": Response(level=2), "JUS-1.1": Response(level=0)}
    )
    found = divergences(
        area_column("", national), [area_column("North", north), area_column("Coast", coast)]
    )
    # Equal differences: by indicator id.
    assert [(d.indicator, d.area, d.difference) for d in found] == [
        ("JUS-1", "Coast", -2.0),
        ("SEC-2", "North", 2.0),
    ]
    # An indicator no area differs on is not listed.
    same = divergences(area_column("", national), [area_column("Coast", national)])
    assert same == ()
