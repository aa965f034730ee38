"""The framework's translatable text, each string under a context built from its stable id.

One walk over the framework serves both directions: the Babel extractor lists the strings for
translators, and `translate` rebuilds the framework with a language's strings. A context is the
stable id and the field, e.g. "SEC-2.1 text", "SEC-2.1 level 3", "SEC-2 name" (pure, no Flask).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from .schema import Domain, FrameworkMeta, Indicator, Question, Trigger

# (context, English text)
Message = tuple[str, str]
Translate = Callable[[str, str], str]  # (context, English) -> text in the target language


def meta_messages(meta: FrameworkMeta) -> Iterator[Message]:
    yield "framework title", meta.title
    for level, text in sorted(meta.scale.items()):
        yield f"scale {level}", text


def _question(q: Question, t: Translate) -> Question:
    update: dict[str, Any] = {
        "text": t(f"{q.id} text", q.text),
        "guidance": t(f"{q.id} guidance", q.guidance),
        "evidence": [t(f"{q.id} evidence {n}", e) for n, e in enumerate(q.evidence, start=1)],
    }
    if q.levels:
        update["levels"] = {n: t(f"{q.id} level {n}", text) for n, text in q.levels.items()}
    if q.recommendations:
        update["recommendations"] = q.recommendations.model_copy(
            update={
                band: t(f"{q.id} recommendation {band}", getattr(q.recommendations, band))
                for band in ("critical", "high", "medium")
            }
        )
    if q.unit:
        update["unit"] = t(f"{q.id} unit", q.unit)
    if q.choices:
        update["choices"] = [
            c.model_copy(update={"label": t(f"{q.id} choice {c.value}", c.label)})
            for c in q.choices
        ]
    return q.model_copy(update=update)


def _indicator(i: Indicator, t: Translate) -> Indicator:
    update: dict[str, Any] = {"name": t(f"{i.id} name", i.name)}
    if i.description:
        update["description"] = t(f"{i.id} description", i.description)
    update |= {
        "depends_on": [
            d.model_copy(update={"reason": t(f"{i.id} depends on {d.indicator}", d.reason)})
            for d in i.depends_on
        ],
        "questions": [_question(q, t) for q in i.questions],
    }
    return i.model_copy(update=update)


def _trigger(trigger: Trigger, t: Translate) -> Trigger:
    update = {
        "text": t(f"{trigger.id} text", trigger.text),
        "guidance": t(f"{trigger.id} guidance", trigger.guidance),
    }
    if trigger.window:
        update["window"] = t(f"{trigger.id} window", trigger.window)
    return trigger.model_copy(update=update)


def translate_domain(domain: Domain, t: Translate) -> Domain:
    return domain.model_copy(
        update={
            "name": t(f"{domain.code} name", domain.name),
            "description": t(f"{domain.code} description", domain.description),
            "indicators": [_indicator(i, t) for i in domain.indicators],
            "triggers": [_trigger(tr, t) for tr in domain.triggers],
        }
    )


def translate_meta(meta: FrameworkMeta, t: Translate) -> FrameworkMeta:
    return meta.model_copy(
        update={
            "title": t("framework title", meta.title),
            "scale": {n: t(f"scale {n}", text) for n, text in meta.scale.items()},
        }
    )


def domain_messages(domain: Domain) -> Iterator[Message]:
    """Every string of a domain, in file order, with its context."""
    found: list[Message] = []

    def record(context: str, text: str) -> str:
        found.append((context, text))
        return text

    translate_domain(domain, record)
    yield from found
