"""The blank questionnaire for paper: every question with its level descriptors and boxes to
tick, in one language or two side by side (pure: framework data in, plain data out)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..framework import Framework


@dataclass(frozen=True)
class Text:
    """One string in the first language and, for a bilingual edition, the second."""

    first: str
    second: str | None = None


@dataclass(frozen=True)
class BlankQuestion:
    id: str
    type: str
    text: Text
    guidance: Text
    levels: tuple[tuple[int, Text], ...]
    choices: tuple[tuple[str, Text], ...]
    evidence: tuple[Text, ...]
    unit: Text | None


@dataclass(frozen=True)
class BlankIndicator:
    id: str
    name: Text
    questions: tuple[BlankQuestion, ...]


@dataclass(frozen=True)
class BlankDomain:
    code: str
    name: Text
    description: Text
    indicators: tuple[BlankIndicator, ...]


@dataclass(frozen=True)
class BlankTrigger:
    id: str
    text: Text
    guidance: Text


@dataclass(frozen=True)
class BlankQuestionnaire:
    title: Text
    version: str
    languages: tuple[str, ...]
    generated_on: date
    scale: tuple[tuple[int, Text], ...]
    domains: tuple[BlankDomain, ...]
    triggers: tuple[BlankTrigger, ...]


def build_blank(
    first: Framework,
    second: Framework | None,
    languages: tuple[str, ...],
    generated_on: date,
    only: set[str] | None = None,
) -> BlankQuestionnaire:
    """`first` and `second` are the same framework version in two languages (second optional);
    `only` keeps just these indicators (worksheets for a workshop) and leaves out the triggers."""

    def pair(get):  # noqa: ANN001, ANN202 - a getter applied to each language's framework
        return Text(get(first), get(second) if second is not None else None)

    domains = []
    for domain in first.answerable_domains:
        indicators = []
        for indicator in domain.indicators:
            if only is not None and indicator.id not in only:
                continue
            questions = []
            for q in indicator.questions:
                qid = q.id
                questions.append(
                    BlankQuestion(
                        id=qid,
                        type=q.type.value,
                        text=pair(lambda f, qid=qid: f.question(qid).text),
                        guidance=pair(lambda f, qid=qid: f.question(qid).guidance),
                        levels=tuple(
                            (n, pair(lambda f, qid=qid, n=n: (f.question(qid).levels or {})[n]))
                            for n in sorted(q.levels or {})
                        ),
                        choices=tuple(
                            (
                                c.value,
                                pair(
                                    lambda f, qid=qid, v=c.value: next(
                                        x.label
                                        for x in f.question(qid).choices or ()
                                        if x.value == v
                                    )
                                ),
                            )
                            for c in q.choices or ()
                        ),
                        evidence=tuple(
                            pair(lambda f, qid=qid, n=n: f.question(qid).evidence[n])
                            for n in range(len(q.evidence))
                        ),
                        unit=pair(lambda f, qid=qid: f.question(qid).unit or "")
                        if q.unit
                        else None,
                    )
                )
            iid = indicator.id
            indicators.append(
                BlankIndicator(
                    iid, pair(lambda f, iid=iid: f.indicator(iid).name), tuple(questions)
                )
            )
        code = domain.code
        if not indicators:
            continue
        domains.append(
            BlankDomain(
                code,
                pair(lambda f, c=code: f.domain(c).name),
                pair(lambda f, c=code: f.domain(c).description),
                tuple(indicators),
            )
        )
    triggers = tuple(
        BlankTrigger(
            t.id,
            pair(lambda f, tid=t.id: next(x.text for x in f.triggers if x.id == tid)),
            pair(lambda f, tid=t.id: next(x.guidance for x in f.triggers if x.id == tid)),
        )
        for t in first.triggers
        if only is None
    )
    return BlankQuestionnaire(
        title=pair(lambda f: f.meta.title),
        version=first.version,
        languages=languages,
        generated_on=generated_on,
        scale=tuple((n, pair(lambda f, n=n: f.meta.scale[n])) for n in sorted(first.meta.scale)),
        domains=tuple(domains),
        triggers=triggers,
    )
