"""The scoring engine of the framework: plain data in, plain data out.

No Flask, no database: the caller turns stored answers into `Response` values and gets back
frozen results that views, reports and the command line all read the same way.

Rules (see the methodology annex of the gap report):
- G, an indicator's government rating, is the mean of the government's rated answers to its
  scale questions; a reviewer's rating is the mean of that reviewer's rated answers; P is the
  median over reviewers. "Not applicable" and "unknown" are never rated, never 0.
- Current = V (validated in the workshop) where it exists, else the lower of G and P where both
  exist, else whichever exists.
- Domain score = 100 · Σ wᵢcᵢ / Σ 4wᵢ over indicators with a current score; the overall score is the
  mean of the scored domains that have a score; the cross-cutting block is reported beside it.
- Gap = max(0, target − current); target 3 by default, 4 for weight-3 indicators, or the national
  target. Priority = gap × weight, +2 when a linked trigger is set, +1 when contested (|G − P| ≥ 2)
  or of low confidence (more than half of the government's rated answers marked low).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from statistics import fmean, median

from assessment.framework import Framework
from assessment.framework.schema import Band, DomainKind, Indicator, QuestionType

MAX_LEVEL = 4
DEFAULT_TARGET = 3
CRITICAL_WEIGHT_TARGET = 4
CONTESTED_DISTANCE = 2
TRIGGER_BONUS = 2
DOUBT_BONUS = 1
UNEVIDENCED_ABOVE = 2


class Status(StrEnum):
    ANSWERED = "answered"
    NOT_APPLICABLE = "not_applicable"
    UNKNOWN = "unknown"


class Confidence(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True)
class Response:
    """One respondent's answer to one question, as scoring sees it."""

    status: Status = Status.ANSWERED
    level: int | None = None
    confidence: Confidence | None = None
    has_evidence: bool = False

    @property
    def rated(self) -> bool:
        return self.status is Status.ANSWERED and self.level is not None


Responses = Mapping[str, Response]  # question id -> response


def band_for(priority: float) -> Band:
    if priority >= 8:
        return Band.CRITICAL
    if priority >= 5:
        return Band.HIGH
    if priority >= 2:
        return Band.MEDIUM
    return Band.LOW


def default_target(indicator: Indicator) -> int:
    return CRITICAL_WEIGHT_TARGET if indicator.weight == 3 else DEFAULT_TARGET


@dataclass(frozen=True)
class QuestionScore:
    """One scale question: the government's level and the median of the reviewers' levels."""

    id: str
    government: int | None
    peer: float | None
    current: float | None


@dataclass(frozen=True)
class IndicatorScore:
    id: str
    domain: str
    weight: int
    government: float | None
    peer: float | None
    peer_ratings: tuple[float, ...]
    validated: int | None
    current: float | None
    target: int
    gap: float | None
    priority: float | None
    band: Band | None
    contested: bool
    low_confidence: bool
    triggered_by: tuple[str, ...]
    questions: int
    answered: int
    rated: int
    evidenced: int
    unevidenced_high: tuple[str, ...]  # question ids rated above 2 with no evidence
    question_scores: tuple[QuestionScore, ...] = ()

    @property
    def completeness(self) -> float:
        return self.answered / self.questions if self.questions else 1.0

    @property
    def evidence_coverage(self) -> float | None:
        return self.evidenced / self.rated if self.rated else None


@dataclass(frozen=True)
class DomainScore:
    code: str
    kind: DomainKind
    score: float | None  # 0-100, from the current scores
    indicators: tuple[IndicatorScore, ...]

    def score_of(self, rating: str) -> float | None:
        """The domain on 0-100 from one rating alone: "government", "peer" or "validated"."""
        return weighted_score([(i.weight, getattr(i, rating)) for i in self.indicators])

    @property
    def questions(self) -> int:
        return sum(i.questions for i in self.indicators)

    @property
    def answered(self) -> int:
        return sum(i.answered for i in self.indicators)

    @property
    def completeness(self) -> float:
        return self.answered / self.questions if self.questions else 1.0

    @property
    def evidence_coverage(self) -> float | None:
        rated = sum(i.rated for i in self.indicators)
        return sum(i.evidenced for i in self.indicators) / rated if rated else None


@dataclass(frozen=True)
class AssessmentScore:
    framework_version: str
    domains: tuple[DomainScore, ...]
    overall: float | None
    triggers_set: tuple[str, ...] = field(default=())

    @property
    def indicators(self) -> tuple[IndicatorScore, ...]:
        return tuple(i for d in self.domains for i in d.indicators)

    def domain(self, code: str) -> DomainScore:
        return next(d for d in self.domains if d.code == code)

    def indicator(self, indicator_id: str) -> IndicatorScore:
        return next(i for i in self.indicators if i.id == indicator_id)

    @property
    def gaps(self) -> tuple[IndicatorScore, ...]:
        """Indicators with a gap, highest priority first (then larger gap, then heavier weight)."""
        with_gap = [i for i in self.indicators if i.gap]
        return tuple(
            sorted(with_gap, key=lambda i: (-(i.priority or 0), -(i.gap or 0), -i.weight, i.id))
        )

    @property
    def completeness(self) -> float:
        questions = sum(d.questions for d in self.domains)
        return sum(d.answered for d in self.domains) / questions if questions else 1.0

    @property
    def contested(self) -> tuple[IndicatorScore, ...]:
        return tuple(i for i in self.indicators if i.contested)


def _rating(indicator: Indicator, responses: Responses) -> float | None:
    levels = [
        r.level
        for q in indicator.scored_questions
        if (r := responses.get(q.id)) is not None and r.rated and r.level is not None
    ]
    return fmean(levels) if levels else None


def _median(values: list[int]) -> float:
    """statistics.median, without its generality: this runs for every question of every score."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def score_indicator(
    indicator: Indicator,
    government: Responses,
    reviewers: Sequence[Responses] = (),
    validated: int | None = None,
    target: int | None = None,
    triggered_by: Collection[str] = (),
) -> IndicatorScore:
    # One pass over the scored questions gathers everything: scoring a thousand assessments
    # must stay well under a second.
    own_levels: list[int] = []
    reviewer_levels: list[list[int]] = [[] for _ in reviewers]
    low = evidenced = 0
    unevidenced_high = []
    question_scores = []
    answered = Status.ANSWERED
    for question in indicator.questions:
        if question.type is not QuestionType.SCALE:
            continue
        qid = question.id
        own = government.get(qid)
        g_level = None
        if own is not None and own.status is answered and own.level is not None:
            g_level = own.level
            own_levels.append(g_level)
            if own.confidence is Confidence.LOW:
                low += 1
            if own.has_evidence:
                evidenced += 1
            elif g_level > UNEVIDENCED_ABOVE:
                unevidenced_high.append(qid)
        peers = []
        for k, responses in enumerate(reviewers):
            rating = responses.get(qid)
            if rating is not None and rating.status is answered and rating.level is not None:
                peers.append(rating.level)
                reviewer_levels[k].append(rating.level)
        if peers:
            p_level: float | None = _median(peers)
            lower = float(p_level if g_level is None else min(g_level, p_level))
        else:
            p_level = None
            lower = None if g_level is None else float(g_level)
        question_scores.append(QuestionScore(qid, g_level, p_level, lower))

    g = fmean(own_levels) if own_levels else None
    peer_ratings = tuple(fmean(levels) for levels in reviewer_levels if levels)
    p = median(peer_ratings) if peer_ratings else None

    if validated is not None:
        current: float | None = float(validated)
    elif g is not None and p is not None:
        current = min(g, p)
    else:
        current = g if g is not None else p

    rated = len(own_levels)
    low_confidence = rated > 0 and low * 2 > rated
    contested = g is not None and p is not None and abs(g - p) >= CONTESTED_DISTANCE
    goal = target if target is not None else default_target(indicator)

    gap = priority = None
    band = None
    if current is not None:
        gap = max(0.0, goal - current)
        priority = gap * indicator.weight
        if triggered_by:
            priority += TRIGGER_BONUS
        if contested or low_confidence:
            priority += DOUBT_BONUS
        band = band_for(priority)

    return IndicatorScore(
        id=indicator.id,
        domain=indicator.id.split("-")[0],
        weight=indicator.weight,
        government=g,
        peer=p,
        peer_ratings=peer_ratings,
        validated=validated,
        current=current,
        target=goal,
        gap=gap,
        priority=priority,
        band=band,
        contested=contested,
        low_confidence=low_confidence,
        triggered_by=tuple(sorted(triggered_by)),
        questions=len(indicator.questions),
        answered=sum(1 for q in indicator.questions if q.id in government),
        rated=rated,
        evidenced=evidenced,
        unevidenced_high=tuple(unevidenced_high),
        question_scores=tuple(question_scores),
    )


def weighted_score(pairs: Sequence[tuple[int, float | None]]) -> float | None:
    """100 · Σ wᵢcᵢ / Σ 4wᵢ over the pairs (weight, score) that have a score."""
    rated = [(w, c) for w, c in pairs if c is not None]
    if not rated:
        return None
    return 100.0 * sum(w * c for w, c in rated) / sum(MAX_LEVEL * w for w, _c in rated)


def domain_score(indicators: Sequence[IndicatorScore]) -> float | None:
    return weighted_score([(i.weight, i.current) for i in indicators])


def score_assessment(
    framework: Framework,
    government: Responses,
    reviewers: Sequence[Responses] = (),
    validated: Mapping[str, int] | None = None,
    targets: Mapping[str, int] | None = None,
    triggers_set: Collection[str] = (),
) -> AssessmentScore:
    validated = validated or {}
    targets = targets or {}
    raised_by: dict[str, list[str]] = {}
    for trigger in framework.triggers:
        if trigger.id in triggers_set:
            for indicator_id in trigger.raises:
                raised_by.setdefault(indicator_id, []).append(trigger.id)

    domains = []
    for domain in framework.domains:
        if domain.kind is DomainKind.CONTEXT:
            continue
        indicators = tuple(
            score_indicator(
                indicator,
                government,
                reviewers,
                validated=validated.get(indicator.id),
                target=targets.get(indicator.id),
                triggered_by=raised_by.get(indicator.id, ()),
            )
            for indicator in domain.indicators
        )
        domains.append(DomainScore(domain.code, domain.kind, domain_score(indicators), indicators))

    scored = [d.score for d in domains if d.kind is DomainKind.SCORED and d.score is not None]
    return AssessmentScore(
        framework_version=framework.version,
        domains=tuple(domains),
        overall=fmean(scored) if scored else None,
        triggers_set=tuple(sorted(t.id for t in framework.triggers if t.id in triggers_set)),
    )
