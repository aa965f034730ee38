"""The scoring rules of the framework, table by table, on the tiny test framework:
SEC-1 (weight 3; SEC-1.1, SEC-1.2 scored), SEC-2 (weight 1; SEC-2.1), JUS-1 (weight 2; JUS-1.1),
ARC-1 (weight 2, cross-cutting; ARC-1.1); trigger CTX-1 raises SEC-2."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessment.framework import load_framework
from assessment.framework.schema import Band
from assessment.scoring import Confidence, Response, Status, band_for, score_assessment

FRAMEWORK = load_framework(Path(__file__).parents[1] / "data" / "questionnaires")
NA = Response(status=Status.NOT_APPLICABLE)
UNKNOWN = Response(status=Status.UNKNOWN)


def rated(level: int, confidence: Confidence | None = None, evidence: bool = False) -> Response:
    return Response(level=level, confidence=confidence, has_evidence=evidence)


def test_nothing_answered_scores_nothing() -> None:
    result = score_assessment(FRAMEWORK, {})
    assert result.overall is None
    assert all(d.score is None for d in result.domains)
    assert result.gaps == ()
    assert result.completeness == 0.0
    assert [d.code for d in result.domains] == ["SEC", "JUS", "ARC"]  # context is not scored


def test_government_rating_is_the_mean_of_rated_answers() -> None:
    result = score_assessment(FRAMEWORK, {"SEC-1.1": rated(1), "SEC-1.2": rated(4)})
    sec1 = result.indicator("SEC-1")
    assert sec1.government == 2.5
    assert sec1.current == 2.5
    assert sec1.target == 4  # weight 3 aims at 4
    assert sec1.gap == 1.5
    assert sec1.priority == 4.5
    assert sec1.band is Band.MEDIUM


@pytest.mark.parametrize("unrated", [NA, UNKNOWN])
def test_not_applicable_and_unknown_are_never_zero(unrated: Response) -> None:
    result = score_assessment(FRAMEWORK, {"SEC-1.1": rated(4), "SEC-1.2": unrated})
    assert result.indicator("SEC-1").government == 4.0
    assert result.indicator("SEC-1").answered == 2
    assert result.indicator("SEC-1").rated == 1


def test_all_not_applicable_leaves_the_indicator_unscored() -> None:
    result = score_assessment(FRAMEWORK, {"SEC-1.1": NA, "SEC-1.2": NA})
    assert result.indicator("SEC-1").current is None
    assert result.indicator("SEC-1").gap is None
    assert result.domain("SEC").score is None


def test_domain_score_is_weighted_over_scored_indicators_only() -> None:
    # SEC-1 = 2 (w3), SEC-2 = 4 (w1): 100 * (3*2 + 1*4) / (4*3 + 4*1) = 62.5
    answers = {"SEC-1.1": rated(2), "SEC-1.2": rated(2), "SEC-2.1": rated(4)}
    assert score_assessment(FRAMEWORK, answers).domain("SEC").score == pytest.approx(62.5)
    # Without SEC-2 the domain is SEC-1 alone: 100 * 2/4
    assert score_assessment(FRAMEWORK, {"SEC-1.1": rated(2)}).domain("SEC").score == 50.0


def test_overall_is_the_mean_of_scored_domains_without_the_cross_cutting_block() -> None:
    answers = {
        "SEC-1.1": rated(4),
        "SEC-1.2": rated(4),
        "SEC-2.1": rated(4),
        "JUS-1.1": rated(0),
        "ARC-1.1": rated(0),
    }
    result = score_assessment(FRAMEWORK, answers)
    assert result.domain("SEC").score == 100.0
    assert result.domain("JUS").score == 0.0
    assert result.domain("ARC").score == 0.0
    assert result.overall == 50.0  # (100 + 0) / 2: ARC is reported beside, not averaged in


@pytest.mark.parametrize(
    ("government", "reviewers", "validated", "current", "contested"),
    [
        (3, [], None, 3.0, False),  # G alone
        (3, [1], None, 1.0, True),  # the lower of G and P; |G-P| = 2 is contested
        (3, [2], None, 2.0, False),
        (1, [4, 2, 3], None, 1.0, True),  # P is the median of reviewers (3)
        (3, [1], 4, 4.0, True),  # V wins when it exists
        (None, [2], None, 2.0, False),  # only reviewers: their rating
    ],
)
def test_current_score_prefers_validated_then_the_lower_rating(
    government: int | None,
    reviewers: list[int],
    validated: int | None,
    current: float,
    contested: bool,
) -> None:
    gov = {} if government is None else {"JUS-1.1": rated(government)}
    peers = [{"JUS-1.1": rated(level)} for level in reviewers]
    result = score_assessment(
        FRAMEWORK, gov, peers, validated={"JUS-1": validated} if validated is not None else None
    )
    jus1 = result.indicator("JUS-1")
    assert jus1.current == current
    assert jus1.contested is contested


def test_peer_rating_median_of_an_even_number_of_reviewers() -> None:
    peers = [{"JUS-1.1": rated(n)} for n in (1, 2, 3, 4)]
    assert score_assessment(FRAMEWORK, {}, peers).indicator("JUS-1").peer == 2.5


def test_priority_adds_trigger_and_doubt_bonuses() -> None:
    # SEC-2 (w1, target 3) at 1: gap 2, priority 2
    base = score_assessment(FRAMEWORK, {"SEC-2.1": rated(1)}).indicator("SEC-2")
    assert (base.gap, base.priority, base.band) == (2.0, 2.0, Band.MEDIUM)
    triggered = score_assessment(FRAMEWORK, {"SEC-2.1": rated(1)}, triggers_set={"CTX-1"})
    assert triggered.indicator("SEC-2").priority == 4.0
    assert triggered.indicator("SEC-2").triggered_by == ("CTX-1",)
    assert triggered.triggers_set == ("CTX-1",)
    doubtful = score_assessment(
        FRAMEWORK, {"SEC-2.1": rated(1, Confidence.LOW)}, triggers_set={"CTX-1"}
    )
    assert doubtful.indicator("SEC-2").low_confidence
    assert doubtful.indicator("SEC-2").priority == 5.0
    assert doubtful.indicator("SEC-2").band is Band.HIGH


def test_a_trigger_only_raises_its_linked_indicators() -> None:
    result = score_assessment(FRAMEWORK, {"SEC-1.1": rated(1)}, triggers_set={"CTX-1"})
    assert result.indicator("SEC-1").triggered_by == ()
    assert result.indicator("SEC-1").priority == 9.0  # gap 3 x weight 3, no bonus


def test_low_confidence_needs_more_than_half_of_rated_answers() -> None:
    half = {"SEC-1.1": rated(2, Confidence.LOW), "SEC-1.2": rated(2, Confidence.HIGH)}
    assert not score_assessment(FRAMEWORK, half).indicator("SEC-1").low_confidence
    most = {"SEC-1.1": rated(2, Confidence.LOW), "SEC-1.2": rated(2, Confidence.LOW)}
    assert score_assessment(FRAMEWORK, most).indicator("SEC-1").low_confidence


def test_national_targets_replace_the_default() -> None:
    result = score_assessment(FRAMEWORK, {"SEC-2.1": rated(3)}, targets={"SEC-2": 4})
    assert result.indicator("SEC-2").target == 4
    assert result.indicator("SEC-2").gap == 1.0


def test_no_gap_above_target() -> None:
    result = score_assessment(FRAMEWORK, {"SEC-2.1": rated(4)})
    assert result.indicator("SEC-2").gap == 0.0
    assert result.indicator("SEC-2").band is Band.LOW
    assert result.gaps == ()


@pytest.mark.parametrize(
    ("priority", "band"),
    [
        (0, Band.LOW),
        (1.9, Band.LOW),
        (2, Band.MEDIUM),
        (4.5, Band.MEDIUM),
        (5, Band.HIGH),
        (7.9, Band.HIGH),
        (8, Band.CRITICAL),
        (15, Band.CRITICAL),
    ],
)
def test_bands(priority: float, band: Band) -> None:
    assert band_for(priority) is band


def test_gaps_are_ranked_by_priority() -> None:
    answers = {"SEC-1.1": rated(0), "SEC-2.1": rated(2), "JUS-1.1": rated(1), "ARC-1.1": rated(3)}
    ranked = [g.id for g in score_assessment(FRAMEWORK, answers).gaps]
    # SEC-1: 4*3 = 12; JUS-1: 2*2 = 4; SEC-2: 1*1 = 1; ARC-1: 0 -> no gap
    assert ranked == ["SEC-1", "JUS-1", "SEC-2"]


def test_completeness_and_evidence_coverage() -> None:
    answers = {
        "SEC-1.1": rated(3, evidence=True),
        "SEC-1.2": rated(3),
        "SEC-1.3": Response(status=Status.ANSWERED),
    }
    sec1 = score_assessment(FRAMEWORK, answers).indicator("SEC-1")
    assert sec1.completeness == 1.0  # all three questions answered, one of them a number
    assert sec1.evidence_coverage == 0.5
    assert sec1.unevidenced_high == ("SEC-1.2",)  # level 3 with no evidence is flagged


def test_a_high_score_with_evidence_is_not_flagged() -> None:
    answers = {"SEC-1.1": rated(4, evidence=True), "SEC-1.2": rated(2)}
    assert score_assessment(FRAMEWORK, answers).indicator("SEC-1").unevidenced_high == ()
