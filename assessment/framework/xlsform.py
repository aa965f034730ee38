"""XLSForm interchange, so KoboToolbox and ODK users can collect answers in the field.

Export: domains and indicators become nested groups; a scale question becomes `select_one` over
its own five levels plus "not applicable" and "unknown" (which ask for a reason), with a
confidence question after it; other types become their XLSForm equivalents; every label and hint
comes in each language as `label::Language (code)`. What XLSForm has no column for (tags,
evidence, recommendations, dependencies, the changelog) goes into a `framework` sheet that form
tools ignore, so that `import_xlsform` rebuilds the framework whole. Pure: no Flask.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from io import BytesIO
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook, load_workbook

from .loader import META_FILE, Framework
from .schema import Domain, FrameworkMeta, Question, QuestionType

LANGUAGE_NAMES = {
    "en": "English",
    "fr": "French",
    "es": "Spanish",
    "ar": "Arabic",
    "ru": "Russian",
    "zh": "Chinese",
    "pt": "Portuguese",
}
NOT_RATED = ("not_applicable", "unknown")
REASON, CONFIDENCE = "_reason", "_confidence"  # suffixes of the generated follow-up questions


def N_(text: str) -> str:  # noqa: N802 - gettext's marker: extracted into messages.pot, not translated here
    return text


# The form's own labels, in English; the caller translates them from the interface catalog.
FIXED = {
    "not_applicable": N_("Not applicable"),
    "unknown": N_("Unknown"),
    "reason": N_("Why is this not applicable or unknown?"),
    "confidence": N_("How confident are you in this answer?"),
    "high": N_("High"),
    "medium": N_("Medium"),
    "low": N_("Low"),
    "yes": N_("Yes"),
    "no": N_("No"),
    "partial": N_("Partly"),
}
Labels = Callable[[str, str], str]  # (language, English) -> the label in that language
Text = Callable[[str, Framework], str | None]  # (language, framework in it) -> cell


def column(kind: str, lang: str) -> str:
    return f"{kind}::{LANGUAGE_NAMES.get(lang, lang)} ({lang})"


class _Writer:
    def __init__(self, versions: Mapping[str, Framework], labels: Labels):
        self.versions = versions
        self.langs = list(versions)
        self.labels = labels
        self.book = Workbook()
        self.survey = self.book.active
        self.survey.title = "survey"
        self.survey.append(
            ["type", "name", "relevant", "constraint", "required"]
            + [column("label", lang) for lang in self.langs]
            + [column("hint", lang) for lang in self.langs]
        )
        self.choices = self.book.create_sheet("choices")
        self.choices.append(["list_name", "name"] + [column("label", lang) for lang in self.langs])
        self.kept = self.book.create_sheet("framework")
        self.kept.append(["id", "field", "value"])

    def fixed(self, key: str) -> Text:
        return lambda lang, _f: self.labels(lang, FIXED[key])

    def row(
        self, kind: str, name: str, label: Text, hint: Text | None = None, **extra: str
    ) -> None:
        cells = [label(lang, self.versions[lang]) for lang in self.langs]
        hints = [(hint(lang, self.versions[lang]) if hint else None) or "" for lang in self.langs]
        self.survey.append(
            [
                kind,
                name,
                extra.get("relevant", ""),
                extra.get("constraint", ""),
                extra.get("required", ""),
            ]
            + cells
            + hints
        )

    def choice(self, list_name: str, name: str, label: Text) -> None:
        self.choices.append(
            [list_name, name] + [label(lang, self.versions[lang]) for lang in self.langs]
        )

    def keep(self, item_id: str, field: str, value: Any) -> None:
        self.kept.append([item_id, field, json.dumps(value, ensure_ascii=False)])


def export_xlsform(versions: Mapping[str, Framework], labels: Labels | None = None) -> bytes:
    """The framework as an XLSForm workbook. `versions` maps each language code to the framework
    in that language, English first; `labels` translates the form's own labels."""
    framework = versions["en"]
    w = _Writer(versions, labels or (lambda _lang, english: english))
    meta = framework.meta
    for field in ("framework", "version", "source_language", "domains", "changelog"):
        w.keep("framework", field, json.loads(meta.model_dump_json(include={field}))[field])
    w.keep("framework", "title", meta.title)
    w.keep("framework", "scale", {str(k): v for k, v in meta.scale.items()})
    for list_name, names in (
        ("yes_no_partial", ("yes", "partial", "no")),
        ("yes_no", ("yes", "no")),
        ("confidence", ("high", "medium", "low")),
    ):
        for name in names:
            w.choice(list_name, name, w.fixed(name))

    for domain in framework.domains:
        code = domain.code
        w.keep(code, "kind", domain.kind.value)
        w.row(
            "begin_group",
            code,
            lambda _l, f, c=code: f.domain(c).name,
            lambda _l, f, c=code: f.domain(c).description,
        )
        for indicator in domain.indicators:
            iid = indicator.id
            for field in (
                "weight",
                "risk_factors",
                "counters",
                "levels",
                "atrocity_types",
                "depends_on",
            ):
                w.keep(iid, field, json.loads(indicator.model_dump_json(include={field}))[field])
            w.row(
                "begin_group",
                iid,
                lambda _l, f, i=iid: f.indicator(i).name,
                lambda _l, f, i=iid: f.indicator(i).description,
            )
            for question in indicator.questions:
                _write_question(w, question)
            w.row("end_group", "", lambda _l, _f: "")
        for trigger in domain.triggers:
            tid = trigger.id
            w.keep(tid, "risk_factors", list(trigger.risk_factors))
            w.keep(tid, "raises", list(trigger.raises))
            if trigger.favours:
                w.keep(tid, "favours", list(trigger.favours))
                w.keep(tid, "window", trigger.window)
            w.row(
                "select_one yes_no",
                tid,
                lambda _l, f, t=tid: next(x.text for x in f.triggers if x.id == t),
                lambda _l, f, t=tid: next(x.guidance for x in f.triggers if x.id == t),
            )
        w.row("end_group", "", lambda _l, _f: "")

    settings = w.book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append([meta.title, meta.framework, meta.version, f"{LANGUAGE_NAMES['en']} (en)"])
    buffer = BytesIO()
    w.book.save(buffer)
    return buffer.getvalue()


def _write_question(w: _Writer, question: Question) -> None:
    qid = question.id
    w.keep(qid, "evidence", list(question.evidence))
    if question.recommendations:
        w.keep(qid, "recommendations", question.recommendations.model_dump())
    if question.unit:
        w.keep(qid, "unit", question.unit)

    def text(_lang: str, f: Framework) -> str:
        return f.question(qid).text

    def guidance(_lang: str, f: Framework) -> str:
        return f.question(qid).guidance

    if question.type is QuestionType.SCALE:
        list_name = f"lv_{qid}"
        for level in sorted(question.levels or {}):
            w.choice(
                list_name,
                str(level),
                lambda _l, f, n=level: f"{n} — {(f.question(qid).levels or {})[n]}",
            )
        for name in NOT_RATED:
            w.choice(list_name, name, w.fixed(name))
        w.row(f"select_one {list_name}", qid, text, guidance)
        not_rated = " or ".join(f"${{{qid}}} = '{n}'" for n in NOT_RATED)
        w.row("text", qid + REASON, w.fixed("reason"), relevant=not_rated, required="yes")
        w.row(
            "select_one confidence",
            qid + CONFIDENCE,
            w.fixed("confidence"),
            relevant=f"${{{qid}}} != '' and not({not_rated})",
        )
    elif question.type is QuestionType.YES_NO_PARTIAL:
        w.row("select_one yes_no_partial", qid, text, guidance)
    elif question.type is QuestionType.NUMBER:
        w.row("decimal", qid, text, guidance, constraint=". >= 0")
    elif question.type is QuestionType.CHOICE:
        list_name = f"ch_{qid}"
        for item in question.choices or ():
            w.choice(
                list_name,
                item.value,
                lambda _l, f, v=item.value: next(
                    c.label for c in f.question(qid).choices or () if c.value == v
                ),
            )
        w.row(f"select_one {list_name}", qid, text, guidance)
    else:
        w.row("text", qid, text, guidance)


# --- import ---------------------------------------------------------------------------------


class XLSFormError(ValueError):
    pass


def _rows(sheet: Any) -> list[dict[str, Any]]:
    rows = sheet.iter_rows(values_only=True)
    header = [str(h) if h is not None else "" for h in next(rows)]
    return [
        dict(zip(header, values, strict=False))
        for values in rows
        if any(v not in (None, "") for v in values)
    ]


def import_xlsform(data: bytes) -> tuple[FrameworkMeta, list[Domain]]:
    """Rebuild the framework (in its source language) from a workbook written by export_xlsform,
    with whatever its English labels and hints now say. Raises XLSFormError or pydantic's
    ValidationError on a workbook that does not hold a valid framework."""
    book = load_workbook(BytesIO(data), read_only=True)
    for sheet in ("survey", "choices", "framework"):
        if sheet not in book.sheetnames:
            raise XLSFormError(f"the workbook has no '{sheet}' sheet")
    label, hint = column("label", "en"), column("hint", "en")
    kept: dict[str, dict[str, Any]] = {}
    for item in _rows(book["framework"]):
        kept.setdefault(str(item["id"]), {})[str(item["field"])] = json.loads(item["value"])
    lists: dict[str, list[tuple[str, str]]] = {}
    for item in _rows(book["choices"]):
        lists.setdefault(item["list_name"], []).append((str(item["name"]), item.get(label) or ""))

    domains: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    for number, item in enumerate(_rows(book["survey"]), start=2):
        kind, name = (item.get("type") or "").strip(), str(item.get("name") or "").strip()
        text, guidance = item.get(label) or "", item.get(hint) or ""
        if kind == "begin_group":
            if not stack:
                extra = kept.get(name, {})
                group = {
                    "code": name,
                    "name": text,
                    "kind": extra.get("kind"),
                    "description": guidance,
                    "indicators": [],
                    "triggers": [],
                }
                domains.append(group)
            else:
                group = {"id": name, "name": text, **kept.get(name, {}), "questions": []}
                if guidance:
                    group["description"] = guidance
                stack[-1]["indicators"].append(group)
            stack.append(group)
        elif kind == "end_group":
            if not stack:
                raise XLSFormError(f"survey row {number}: end_group without begin_group")
            stack.pop()
        elif name.endswith((REASON, CONFIDENCE)):
            continue  # generated follow-ups of a scale question
        elif not stack:
            raise XLSFormError(f"survey row {number}: {name} stands outside any domain group")
        elif stack[-1] is domains[-1] and kind == "select_one yes_no":
            stack[-1]["triggers"].append(
                {"id": name, "text": text, "guidance": guidance, **kept.get(name, {})}
            )
        else:
            stack[-1]["questions"].append(
                _read_question(kind, name, text, guidance, kept.get(name, {}), lists, number)
            )
    if stack:
        raise XLSFormError("a group is never closed (missing end_group)")

    meta_fields = kept.get("framework", {})
    meta = FrameworkMeta.model_validate(
        {**meta_fields, "scale": {int(k): v for k, v in meta_fields.get("scale", {}).items()}}
    )
    return meta, [Domain.model_validate(_without_empty(d)) for d in domains]


def _read_question(
    kind: str,
    name: str,
    text: str,
    guidance: str,
    extra: dict[str, Any],
    lists: dict[str, list[tuple[str, str]]],
    number: int,
) -> dict[str, Any]:
    question: dict[str, Any] = {"id": name, "text": text, "guidance": guidance, **extra}
    if kind.startswith("select_one lv_"):
        levels = {
            int(v): label.split(" — ", 1)[-1]
            for v, label in lists.get(kind.split()[1], [])
            if v.isdigit()
        }
        question |= {"type": "scale", "levels": levels}
    elif kind == "select_one yes_no_partial":
        question["type"] = "yes_no_partial"
    elif kind == "decimal":
        question["type"] = "number"
    elif kind.startswith("select_one ch_"):
        question |= {
            "type": "choice",
            "choices": [
                {"value": v, "label": label} for v, label in lists.get(kind.split()[1], [])
            ],
        }
    elif kind == "text":
        question["type"] = "text"
    else:
        raise XLSFormError(f"survey row {number}: {name} has a type we do not read: {kind!r}")
    return question


def _without_empty(domain: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in domain.items() if v != [] or k == "indicators" and v}


def write_framework(meta: FrameworkMeta, domains: list[Domain], folder: Path) -> None:
    """Write the framework as YAML files in the layout the loader reads."""
    folder.mkdir(parents=True, exist_ok=True)

    def dump(model: Any, path: Path) -> None:
        data = model.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
        path.write_text(
            yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8"
        )

    dump(meta, folder / META_FILE)
    for domain in domains:
        dump(domain, folder / f"{domain.code.lower()}.yaml")
