"""Read the framework files, validate them, and build an immutable Framework.

Pure: no Flask. Every problem is reported with the file and the key path, and all problems of a
run are collected so that an editor can fix a file in one pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .schema import Domain, DomainKind, FrameworkMeta, Indicator, Question, Trigger

META_FILE = "framework.yaml"


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"


class FrameworkError(Exception):
    """The framework files are invalid; `problems` says where and why."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice in one mapping (PyYAML keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} is given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass  # nosec B506


def _key_path(data: Any, loc: tuple[int | str, ...]) -> str:
    """Turn pydantic's location into a readable path, naming list items by their id."""
    parts: list[str] = []
    node = data
    for step in loc:
        if isinstance(step, int) and isinstance(node, list):
            item = node[step] if step < len(node) else None
            label = item.get("id") or item.get("code") if isinstance(item, dict) else None
            parts.append(f"[{step}]" + (f"({label})" if label else ""))
            node = item
        else:
            parts.append(("." if parts else "") + str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return "".join(parts)


def _problems_from(error: ValidationError, file: str, data: Any) -> list[Problem]:
    problems = []
    for detail in error.errors():
        loc = tuple(step for step in detail["loc"] if not _is_union_tag(step))
        message = detail["msg"].removeprefix("Value error, ")
        if detail["type"] == "extra_forbidden":
            message = "unknown key"
        elif detail["type"] == "literal_error" and "input" in detail:
            message = f"{detail['input']!r} is not allowed; {message.lower()}"
        problems.append(Problem(file, _key_path(data, loc), message))
    return problems


def _is_union_tag(step: int | str) -> bool:
    return isinstance(step, str) and step.startswith(("function-", "literal["))


@dataclass(frozen=True)
class Framework:
    """The validated framework of one version, with lookups by stable id."""

    meta: FrameworkMeta
    domains: tuple[Domain, ...]

    @property
    def version(self) -> str:
        return self.meta.version

    def domain(self, code: str) -> Domain:
        for domain in self.domains:
            if domain.code == code:
                return domain
        raise KeyError(code)

    @property
    def scored_domains(self) -> tuple[Domain, ...]:
        return tuple(d for d in self.domains if d.kind is DomainKind.SCORED)

    @property
    def answerable_domains(self) -> tuple[Domain, ...]:
        """Domains a respondent walks through (everything but the trigger checklist)."""
        return tuple(d for d in self.domains if d.kind is not DomainKind.CONTEXT)

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for d in self.domains for i in d.indicators)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for i in self.indicators for q in i.questions)

    @property
    def triggers(self) -> tuple[Trigger, ...]:
        return tuple(t for d in self.domains for t in d.triggers)

    def indicator(self, indicator_id: str) -> Indicator:
        return self._indicators[indicator_id]

    def question(self, question_id: str) -> Question:
        return self._questions[question_id]

    def indicator_of(self, question_id: str) -> Indicator:
        return self._indicator_of_question[question_id]

    def domain_of(self, indicator_id: str) -> Domain:
        return self.domain(indicator_id.split("-")[0])

    def __post_init__(self) -> None:
        # Derived indexes; the dataclass is frozen, so set them once here.
        indicators = {i.id: i for i in self.indicators}
        questions = {q.id: q for i in self.indicators for q in i.questions}
        owner = {q.id: i for i in self.indicators for q in i.questions}
        object.__setattr__(self, "_indicators", indicators)
        object.__setattr__(self, "_questions", questions)
        object.__setattr__(self, "_indicator_of_question", owner)

    def risk_factor_coverage(self) -> dict[str, list[str]]:
        """Which UN Framework of Analysis risk factors each domain's indicators address."""
        return {
            d.code: sorted(
                {rf for i in d.indicators for rf in i.risk_factors}, key=lambda rf: int(rf[2:])
            )
            for d in self.domains
            if d.indicators
        }

    def uncovered_risk_factors(self, required: range = range(1, 10)) -> list[str]:
        covered = {rf for rfs in self.risk_factor_coverage().values() for rf in rfs}
        return [f"RF{n}" for n in required if f"RF{n}" not in covered]

    def counts(self) -> dict[str, dict[str, int]]:
        """Indicators, questions and scored questions per domain."""
        return {
            d.code: {
                "indicators": len(d.indicators),
                "questions": sum(len(i.questions) for i in d.indicators),
                "scored": sum(len(i.scored_questions) for i in d.indicators),
                "triggers": len(d.triggers),
            }
            for d in self.domains
        }


def load_framework(directory: Path | str) -> Framework:
    """Load and validate `framework.yaml` and the domain files it lists from `directory`."""
    directory = Path(directory)
    problems: list[Problem] = []

    meta_path = directory / META_FILE
    meta = _validate(meta_path, FrameworkMeta, problems)
    if meta is None:
        raise FrameworkError(problems)

    domains: list[Domain] = []
    for position, code in enumerate(meta.domains):
        path = directory / f"{code.lower()}.yaml"
        if not path.is_file():
            problems.append(
                Problem(META_FILE, f"domains[{position}]", f"no file {path.name} for domain {code}")
            )
            continue
        domain = _validate(path, Domain, problems)
        if domain is None:
            continue
        if domain.code != code:
            problems.append(Problem(path.name, "code", f"expected {code}, found {domain.code}"))
        domains.append(domain)

    if problems:
        raise FrameworkError(problems)
    problems.extend(_cross_reference_problems(domains))
    if problems:
        raise FrameworkError(problems)
    return Framework(meta=meta, domains=tuple(domains))


def _validate(path: Path, model: type[Any], problems: list[Problem]) -> Any:
    try:
        data = _read_yaml(path)
    except FileNotFoundError:
        problems.append(Problem(path.name, "", "file not found"))
        return None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(error, "problem", None) or str(error)
        problems.append(Problem(path.name, where, f"not valid YAML: {reason}"))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(path.name, "", "expected a mapping at the top of the file"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems.extend(_problems_from(error, path.name, data))
        return None


def _cross_reference_problems(domains: list[Domain]) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    indicator_ids: set[str] = set()

    def claim(item_id: str, file: str, path: str) -> None:
        if item_id in seen:
            problems.append(Problem(file, path, f"id {item_id} is already used in {seen[item_id]}"))
        else:
            seen[item_id] = file

    for domain in domains:
        file = f"{domain.code.lower()}.yaml"
        for i, indicator in enumerate(domain.indicators):
            claim(indicator.id, file, f"indicators[{i}]({indicator.id}).id")
            indicator_ids.add(indicator.id)
            for j, question in enumerate(indicator.questions):
                where = f"indicators[{i}]({indicator.id}).questions[{j}]({question.id}).id"
                claim(question.id, file, where)
                if not question.id.startswith(indicator.id + "."):
                    problems.append(
                        Problem(file, where, f"question {question.id} is not under {indicator.id}")
                    )
        for t, trigger in enumerate(domain.triggers):
            claim(trigger.id, file, f"triggers[{t}]({trigger.id}).id")

    graph: dict[str, list[str]] = {}
    for domain in domains:
        file = f"{domain.code.lower()}.yaml"
        for i, indicator in enumerate(domain.indicators):
            graph[indicator.id] = [d.indicator for d in indicator.depends_on]
            for k, dependency in enumerate(indicator.depends_on):
                where = f"indicators[{i}]({indicator.id}).depends_on[{k}].indicator"
                if dependency.indicator not in indicator_ids:
                    problems.append(
                        Problem(
                            file, where, f"no indicator {dependency.indicator} in the framework"
                        )
                    )
                elif dependency.indicator == indicator.id:
                    problems.append(Problem(file, where, "an indicator cannot depend on itself"))
        for t, trigger in enumerate(domain.triggers):
            for key in ("raises", "favours"):
                for k, target in enumerate(getattr(trigger, key)):
                    if target not in indicator_ids:
                        where = f"triggers[{t}]({trigger.id}).{key}[{k}]"
                        problems.append(
                            Problem(file, where, f"no indicator {target} in the framework")
                        )

    cycle = _find_cycle(graph)
    if cycle:
        owner = f"{cycle[0].split('-')[0].lower()}.yaml"
        problems.append(
            Problem(owner, f"{cycle[0]}.depends_on", "dependency cycle: " + " -> ".join(cycle))
        )
    return problems


def _find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> list[str] | None:
        if node in visiting:
            return visiting[visiting.index(node) :] + [node]
        if node in done or node not in graph:
            return None
        visiting.append(node)
        for target in graph[node]:
            found = visit(target)
            if found:
                return found
        visiting.pop()
        done.add(node)
        return None

    for start in sorted(graph):
        found = visit(start)
        if found:
            return found
    return None
