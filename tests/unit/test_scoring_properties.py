"""Properties the scoring must keep whatever the answers (hypothesis), and the cases the tables
do not cover: one question, mixed types, per-question and per-rating scores."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.framework import load_framework
from assessment.scoring import Confidence, Response, Status, score_assessment

FRAMEWORK = load_framework(Path(__file__).parents[1] / "data" / "questionnaires")
REAL = load_framework(Path(__file__).parents[2] / "questionnaires")
SCORED = [q.id for q in FRAMEWORK.questions if q.scored]
INDICATORS = [i.id for i in FRAMEWORK.indicators]


@st.composite
def responses(draw: st.DrawFn, questions: list[str] = SCORED) -> dict[str, Response]:
    chosen = draw(st.lists(st.sampled_from(questions), unique=True))
    found = {}
    for qid in chosen:
        status = draw(st.sampled_from(list(Status)))
        found[qid] = Response(
            status=status,
            level=draw(st.integers(0, 4)) if status is Status.ANSWERED else None,
            confidence=draw(st.none() | st.sampled_from(list(Confidence))),
            has_evidence=draw(st.booleans()),
        )
    return found


scenarios = st.fixed_dictionaries(
    {
        "government": responses(),
        "reviewers": st.lists(responses(), max_size=3),
        "validated": st.dictionaries(st.sampled_from(INDICATORS), st.integers(0, 4)),
        "targets": st.dictionaries(st.sampled_from(INDICATORS), st.integers(0, 4)),
        "triggers": st.sets(st.sampled_from(["CTX-1", "CTX-9"])),
    }
)


def _score(s: dict) -> object:
    return score_assessment(
        FRAMEWORK,
        s["government"],
        s["reviewers"],
        validated=s["validated"],
        targets=s["targets"],
        triggers_set=s["triggers"],
    )


@settings(max_examples=300, deadline=None)
@given(scenarios)
def test_every_score_stays_in_range(s: dict) -> None:
    result = _score(s)
    for i in result.indicators:
        for value in (i.government, i.peer, i.current):
            assert value is None or 0 <= value <= 4
        assert i.gap is None or 0 <= i.gap <= 4
        assert i.priority is None or 0 <= i.priority <= 4 * 3 + 2 + 1
        assert 0 <= i.completeness <= 1
        assert i.evidence_coverage is None or 0 <= i.evidence_coverage <= 1
    for d in result.domains:
        for value in (
            d.score,
            d.score_of("government"),
            d.score_of("peer"),
            d.score_of("validated"),
        ):
            assert value is None or 0 <= value <= 100
    assert result.overall is None or 0 <= result.overall <= 100


@settings(max_examples=300, deadline=None)
@given(scenarios, st.data())
def test_more_evidence_never_lowers_a_score(s: dict, data: st.DataObject) -> None:
    if not s["government"]:
        return
    qid = data.draw(st.sampled_from(sorted(s["government"])))
    before = _score(s)
    with_evidence = dict(s["government"])
    with_evidence[qid] = replace(with_evidence[qid], has_evidence=True)
    after = _score(s | {"government": with_evidence})
    for old, new in zip(before.indicators, after.indicators, strict=True):
        assert (new.current or 0) >= (old.current or 0)
        assert (new.priority or 0) <= (old.priority or 0)
        assert len(new.unevidenced_high) <= len(old.unevidenced_high)
    for old, new in zip(before.domains, after.domains, strict=True):
        assert (new.score or 0) >= (old.score or 0)


@settings(max_examples=300, deadline=None)
@given(scenarios, st.data())
def test_raising_one_answer_never_lowers_its_domain(s: dict, data: st.DataObject) -> None:
    raisable = [
        q
        for q, r in s["government"].items()
        if r.status is Status.ANSWERED and r.level is not None and r.level < 4
    ]
    if not raisable:
        return
    qid = data.draw(st.sampled_from(sorted(raisable)))
    raised = dict(s["government"])
    raised[qid] = replace(raised[qid], level=raised[qid].level + 1)
    before, after = _score(s), _score(s | {"government": raised})
    code = FRAMEWORK.domain_of(FRAMEWORK.indicator_of(qid).id).code
    assert (after.domain(code).score or 0) >= (before.domain(code).score or 0)
    # (Its priority may still rise: moving G away from P can make the indicator contested.)
    assert (after.overall or 0) >= (before.overall or 0)


def test_one_question_indicator() -> None:
    result = score_assessment(FRAMEWORK, {"ARC-1.1": Response(level=1)})
    arc1 = result.indicator("ARC-1")
    assert (arc1.government, arc1.current, arc1.gap, arc1.priority) == (1.0, 1.0, 2.0, 4.0)
    assert result.domain("ARC").score == 25.0


def test_mixed_types_count_for_completeness_but_not_the_score() -> None:
    answers = {"JUS-1.1": Response(level=2), "JUS-1.2": Response(), "JUS-1.3": Response()}
    jus1 = score_assessment(FRAMEWORK, answers).indicator("JUS-1")
    assert jus1.completeness == 1.0
    assert jus1.rated == 1
    assert jus1.government == 2.0


def test_per_question_and_per_rating_scores() -> None:
    government = {"SEC-1.1": Response(level=4), "SEC-1.2": Response(level=2)}
    reviewers = [
        {"SEC-1.1": Response(level=1)},
        {"SEC-1.1": Response(level=2)},
        {"SEC-1.1": Response(level=0), "SEC-1.2": Response(level=3)},
    ]
    result = score_assessment(FRAMEWORK, government, reviewers, validated={"SEC-1": 3})
    sec1 = result.indicator("SEC-1")
    by_id = {q.id: q for q in sec1.question_scores}
    assert (by_id["SEC-1.1"].government, by_id["SEC-1.1"].peer, by_id["SEC-1.1"].current) == (
        4,
        1,
        1.0,
    )
    assert (by_id["SEC-1.2"].peer, by_id["SEC-1.2"].current) == (3, 2.0)
    domain = result.domain("SEC")
    assert domain.score_of("government") == 75.0  # SEC-1 only: G = 3 of 4
    assert domain.score_of("validated") == 75.0
    assert domain.score == 75.0  # V wins


def test_scoring_the_full_framework_is_pure_and_repeatable() -> None:
    answers = {
        q.id: Response(level=n % 5, has_evidence=n % 2 == 0)
        for n, q in enumerate(REAL.questions)
        if q.scored
    }
    first = score_assessment(REAL, answers)
    assert all(score_assessment(REAL, answers) == first for _ in range(3))
    assert len(first.indicators) == 37
