"""Stable ids: the shipped framework matches its lock, and every way of breaking an id is caught."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assessment.config import PROJECT_ROOT
from assessment.framework import load_framework
from assessment.framework.stability import LOCK_FILE, Lock, LockRefused, problems, updated_lock

TEST_FRAMEWORK = Path(__file__).parents[1] / "data" / "questionnaires"


def test_the_shipped_framework_keeps_every_released_id() -> None:
    folder = PROJECT_ROOT / "questionnaires"
    found = list(problems(load_framework(folder), Lock.read(folder / LOCK_FILE)))
    assert found == []


def test_the_shipped_framework_covers_rf1_to_rf9() -> None:
    framework = load_framework(PROJECT_ROOT / "questionnaires")
    assert framework.uncovered_risk_factors() == []
    assert all(len(d.indicators) >= 6 for d in framework.domains if d.indicators)
    assert len(framework.indicators) >= 32
    assert len(framework.questions) >= 130


def test_uncovered_risk_factors_are_named() -> None:
    framework = load_framework(TEST_FRAMEWORK)
    assert framework.uncovered_risk_factors() == [f"RF{n}" for n in (1, 2, 4, 5, 6, 7, 8, 9)]
    assert framework.risk_factor_coverage()["SEC"] == ["RF3"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "q"
    shutil.copytree(TEST_FRAMEWORK, target)
    updated_lock(load_framework(target), None).write(target / LOCK_FILE)
    return target


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def bump(folder: Path, version: str) -> None:
    edit(folder, "framework.yaml", "version: 0.9.0\n", f"version: {version}\n")
    edit(
        folder,
        "framework.yaml",
        "changelog:\n",
        f'changelog:\n  - version: {version}\n    date: "2026-02-01"\n    changes: [A change.]\n',
    )


def found(folder: Path) -> list[str]:
    return list(problems(load_framework(folder), Lock.read(folder / LOCK_FILE)))


def test_a_locked_framework_has_no_problem(folder: Path) -> None:
    assert found(folder) == []


def test_changing_the_meaning_of_an_id_fails(folder: Path) -> None:
    edit(folder, "sec.yaml", "text: Question SEC-1.1?", "text: A different question?")
    assert found(folder) == [
        "SEC-1.1 changed meaning; a changed item needs a new id (an editorial fix that keeps the "
        "meaning: `questionnaires lock --reword SEC-1.1`)"
    ]
    bump(folder, "0.10.0")
    with pytest.raises(LockRefused, match="SEC-1.1"):  # a version bump does not make it right
        updated_lock(load_framework(folder), Lock.read(folder / LOCK_FILE))


def test_a_changed_level_descriptor_is_a_changed_meaning(folder: Path) -> None:
    edit(folder, "sec.yaml", "3: practice SEC-1.2", "3: something else")
    assert any(p.startswith("SEC-1.2 changed meaning") for p in found(folder))


def test_a_rewording_can_be_accepted_explicitly(folder: Path) -> None:
    edit(folder, "sec.yaml", "text: Question SEC-1.1?", "text: Question SEC-1.1, reworded?")
    lock = updated_lock(
        load_framework(folder), Lock.read(folder / LOCK_FILE), frozenset({"SEC-1.1"})
    )
    lock.write(folder / LOCK_FILE)
    assert found(folder) == []


def test_removing_an_id_needs_a_version_bump(folder: Path) -> None:
    edit(
        folder,
        "jus.yaml",
        """      - id: JUS-1.3
        type: text
        text: Describe the courts.
        guidance: In a few lines.
""",
        "",
    )
    assert found(folder) == [
        "JUS-1.3 was removed; bump the framework version and run `questionnaires lock` to retire it"
    ]
    with pytest.raises(LockRefused, match="bump it"):
        updated_lock(load_framework(folder), Lock.read(folder / LOCK_FILE))
    bump(folder, "0.10.0")
    updated_lock(load_framework(folder), Lock.read(folder / LOCK_FILE)).write(folder / LOCK_FILE)
    assert found(folder) == []
    assert Lock.read(folder / LOCK_FILE).items["JUS-1.3"]["retired"] == "0.10.0"


def test_a_retired_id_cannot_come_back(folder: Path) -> None:
    lock = Lock.read(folder / LOCK_FILE)
    lock.items["JUS-1.3"]["retired"] = "0.8.0"
    lock.write(folder / LOCK_FILE)
    assert "JUS-1.3 was retired in 0.8.0 and may not be used again; give the item a new id" in (
        found(folder)
    )


def test_adding_an_id_needs_a_version_bump(folder: Path) -> None:
    edit(
        folder,
        "arc.yaml",
        "      - id: ARC-1.1\n",
        """      - id: ARC-1.2
        type: text
        text: Anything else?
        guidance: Free text.
      - id: ARC-1.1
""",
    )
    assert found(folder) == [
        "ARC-1.2 is new; bump the framework version and run `questionnaires lock`"
    ]
    with pytest.raises(LockRefused):
        updated_lock(load_framework(folder), Lock.read(folder / LOCK_FILE))
    bump(folder, "0.10.0")
    updated_lock(load_framework(folder), Lock.read(folder / LOCK_FILE)).write(folder / LOCK_FILE)
    assert found(folder) == []


def test_a_version_bump_without_a_changelog_entry_is_refused(folder: Path) -> None:
    from assessment.framework import FrameworkError

    edit(folder, "framework.yaml", "version: 0.9.0\n", "version: 0.9.1\n")
    with pytest.raises(FrameworkError, match="first changelog entry must describe version 0.9.1"):
        load_framework(folder)
