"""Stable ids: an id never changes meaning, and nothing is added or removed without a new version.

`questionnaires/ids.lock` records every id ever released with a fingerprint of its meaning. The
check compares the framework with it; `flask --app wsgi questionnaires lock` writes it after a
version bump. Pure: no Flask.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .loader import Framework

LOCK_FILE = "ids.lock"


def _digest(payload: Any) -> str:
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def fingerprints(framework: Framework) -> dict[str, str]:
    """What each id means, reduced to a hash: names for domains and indicators; type, text,
    levels and choices for questions; text for triggers."""
    found: dict[str, str] = {}
    for domain in framework.domains:
        found[domain.code] = _digest({"name": domain.name, "kind": domain.kind.value})
        for indicator in domain.indicators:
            found[indicator.id] = _digest({"name": indicator.name})
            for q in indicator.questions:
                found[q.id] = _digest(
                    {
                        "type": q.type.value,
                        "text": q.text,
                        "levels": {str(k): v for k, v in (q.levels or {}).items()},
                        "choices": [c.value for c in q.choices or ()],
                    }
                )
        for trigger in domain.triggers:
            found[trigger.id] = _digest({"text": trigger.text})
    return found


@dataclass
class Lock:
    version: str
    items: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> Lock | None:
        if not path.exists():
            return None
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return cls(version=str(data["version"]), items=dict(data.get("items") or {}))

    def write(self, path: Path) -> None:
        header = (
            "# Every id the framework has released, with a fingerprint of its meaning.\n"
            "# Written by `flask --app wsgi questionnaires lock`; checked by the test suite.\n"
        )
        body = yaml.safe_dump(
            {"version": self.version, "items": self.items},
            sort_keys=True,
            allow_unicode=True,
            width=100,
        )
        path.write_text(header + body, encoding="utf-8")


def problems(framework: Framework, lock: Lock | None) -> Iterator[str]:
    if lock is None:
        yield f"no {LOCK_FILE}: run `flask --app wsgi questionnaires lock`"
        return
    current = fingerprints(framework)
    for item_id, entry in sorted(lock.items.items()):
        if "retired" in entry:
            if item_id in current:
                yield (
                    f"{item_id} was retired in {entry['retired']} and may not be used again; "
                    "give the item a new id"
                )
        elif item_id not in current:
            yield (
                f"{item_id} was removed; bump the framework version and run "
                "`questionnaires lock` to retire it"
            )
        elif current[item_id] != entry["fingerprint"]:
            yield (
                f"{item_id} changed meaning; a changed item needs a new id (an editorial fix "
                f"that keeps the meaning: `questionnaires lock --reword {item_id}`)"
            )
    for item_id in sorted(set(current) - set(lock.items)):
        yield f"{item_id} is new; bump the framework version and run `questionnaires lock`"
    if lock.version != framework.version:
        yield (
            f"the lock was written for version {lock.version}, the framework is "
            f"{framework.version}: run `questionnaires lock`"
        )


class LockRefused(ValueError):
    pass


def updated_lock(
    framework: Framework, lock: Lock | None, reworded: frozenset[str] = frozenset()
) -> Lock:
    """The lock for this framework. Adding or retiring ids needs a version newer than the lock's;
    a changed meaning is refused unless the id is named as reworded (same meaning, better words)."""
    current = fingerprints(framework)
    if lock is None:
        return Lock(
            framework.version,
            {i: {"fingerprint": f, "since": framework.version} for i, f in current.items()},
        )
    items = {k: dict(v) for k, v in lock.items.items()}
    changed = [
        i
        for i, e in items.items()
        if "retired" not in e and i in current and current[i] != e["fingerprint"]
    ]
    refused = [i for i in changed if i not in reworded]
    if refused:
        raise LockRefused("changed meaning, give these items new ids: " + ", ".join(refused))
    reused = [i for i, e in items.items() if "retired" in e and i in current]
    if reused:
        raise LockRefused("retired ids may not come back: " + ", ".join(reused))
    added = [i for i in current if i not in items]
    removed = [i for i, e in items.items() if "retired" not in e and i not in current]
    if (added or removed) and framework.version == lock.version:
        raise LockRefused(
            f"ids were added or removed but the version is still {lock.version}: "
            "bump it in framework.yaml and add a changelog entry"
        )
    for i in changed:
        items[i]["fingerprint"] = current[i]
    for i in added:
        items[i] = {"fingerprint": current[i], "since": framework.version}
    for i in removed:
        items[i]["retired"] = framework.version
    return Lock(framework.version, items)
