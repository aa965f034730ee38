"""The framework loader: the real framework loads, and each kind of broken file is reported with
its file and key path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assessment.config import PROJECT_ROOT
from assessment.framework import FrameworkError, FrameworkRegistry, load_framework
from assessment.framework.schema import DomainKind

TEST_FRAMEWORK = Path(__file__).parents[1] / "data" / "questionnaires"


def test_the_shipped_framework_loads_with_every_scored_domain() -> None:
    framework = load_framework(PROJECT_ROOT / "questionnaires")
    codes = [d.code for d in framework.domains]
    assert codes == ["SEC", "JUS", "INC", "CIT", "ARC", "CTX"]
    assert [d.code for d in framework.scored_domains] == ["SEC", "JUS", "INC", "CIT"]
    assert framework.domain("ARC").kind is DomainKind.CROSS_CUTTING
    for question in framework.questions:
        assert framework.indicator_of(question.id).id == question.id.split(".")[0]


def test_lookups_by_stable_id() -> None:
    framework = load_framework(TEST_FRAMEWORK)
    assert framework.version == "0.9.0"
    assert framework.question("SEC-1.2").levels[3] == "practice SEC-1.2"
    assert framework.indicator_of("JUS-1.2").id == "JUS-1"
    assert [q.id for q in framework.indicator("SEC-1").scored_questions] == ["SEC-1.1", "SEC-1.2"]
    assert framework.counts()["SEC"] == {
        "indicators": 2,
        "questions": 5,
        "scored": 3,
        "triggers": 0,
    }


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    target = tmp_path / "questionnaires"
    shutil.copytree(TEST_FRAMEWORK, target)
    return target


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text()
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1))


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(FrameworkError) as caught:
        load_framework(folder)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "sec.yaml",
            "    weight: 3\n",
            "    weight: 4\n",
            "sec.yaml: indicators[0](SEC-1).weight: Input should be less than or equal to 3",
        ),
        (
            "sec.yaml",
            "    weight: 3\n",
            "    weight: 3\n    colour: red\n",
            "sec.yaml: indicators[0](SEC-1).colour: unknown key",
        ),
        (
            "sec.yaml",
            ", 4: monitored SEC-1.2}",
            "}",
            "sec.yaml: indicators[0](SEC-1).questions[1](SEC-1.2).levels: a descriptor is missing "
            "for level(s) [4]",
        ),
        (
            "sec.yaml",
            "    risk_factors: [RF3]\n",
            "    risk_factors: [RF15]\n",
            "sec.yaml: indicators[0](SEC-1).risk_factors[0]: 'RF15' is not allowed",
        ),
        (
            "sec.yaml",
            "    counters: [capacity]\n",
            "    counters: [courage]\n",
            "sec.yaml: indicators[0](SEC-1).counters[0]: Input should be 'will', 'capacity' or",
        ),
        (
            "jus.yaml",
            "      - id: JUS-1.1\n",
            "      - id: JUS-1.3\n",
            "jus.yaml: indicators[0](JUS-1).questions[2](JUS-1.3).id: id JUS-1.3 is already used",
        ),
        (
            "sec.yaml",
            "      - indicator: JUS-1\n",
            "      - indicator: JUS-7\n",
            "sec.yaml: indicators[1](SEC-2).depends_on[0].indicator: no indicator JUS-7",
        ),
        (
            "ctx.yaml",
            "    raises: [SEC-2]",
            "    raises: [SEC-9]",
            "ctx.yaml: triggers[0](CTX-1).raises[0]: no indicator SEC-9 in the framework",
        ),
        (
            "sec.yaml",
            "      - id: SEC-1.1\n",
            "      - id: SEC-2.9\n",
            "question SEC-2.9 is not under SEC-1",
        ),
        (
            "sec.yaml",
            "        type: yes_no_partial\n",
            "        type: maybe\n",
            "sec.yaml: indicators[1](SEC-2).questions[1](SEC-2.2).type: Input should be",
        ),
        (
            "jus.yaml",
            "          - {value: common, label: Common law}\n",
            "",
            None,
        ),  # one choice is still a valid choice list
        (
            "sec.yaml",
            "code: SEC\n",
            "code: SEC\ncode: JUS\n",
            "sec.yaml: line 2, column 1: not valid YAML: the key 'code' is given twice",
        ),
        ("sec.yaml", "name: Security\n", "name: [Security\n", "sec.yaml: line"),
        (
            "framework.yaml",
            "version: 0.9.0",
            "version: nine",
            "framework.yaml: version: the version is MAJOR.MINOR.PATCH",
        ),
        (
            "framework.yaml",
            "domains: [SEC, JUS, ARC, CTX]",
            "domains: [SEC, JUS, ARC, CTX, INC]",
            "framework.yaml: domains[4]: no file inc.yaml for domain INC",
        ),
    ],
)
def test_a_broken_file_is_reported_with_file_and_key_path(
    broken: Path, file: str, old: str, new: str, expected: str | None
) -> None:
    edit(broken, file, old, new)
    if expected is None:
        load_framework(broken)
        return
    problems = problems_of(broken)
    assert any(p.startswith(expected) or expected in p for p in problems), problems


def test_a_dependency_cycle_is_refused(broken: Path) -> None:
    edit(
        broken,
        "jus.yaml",
        "    atrocity_types: [mass_killing]\n",
        "    atrocity_types: [mass_killing]\n    depends_on:\n"
        "      - indicator: SEC-2\n        reason: Loops back.\n",
    )
    problems = problems_of(broken)
    assert any("dependency cycle: JUS-1 -> SEC-2 -> JUS-1" in p for p in problems), problems


def test_all_problems_of_a_run_are_reported_together(broken: Path) -> None:
    edit(broken, "sec.yaml", "    weight: 3\n", "    weight: 0\n")
    edit(broken, "jus.yaml", "    weight: 2\n", "    weight: 9\n")
    problems = problems_of(broken)
    assert any(p.startswith("sec.yaml:") for p in problems)
    assert any(p.startswith("jus.yaml:") for p in problems)


def test_a_scale_question_needs_levels_recommendations_and_evidence(broken: Path) -> None:
    edit(broken, "arc.yaml", "        evidence: [a document for ARC-1.1]\n", "")
    problems = problems_of(broken)
    assert any(
        "arc.yaml: indicators[0](ARC-1).questions[0](ARC-1.1)" in p and "evidence" in p
        for p in problems
    ), problems


def test_registry_keeps_pinned_releases(broken: Path, tmp_path: Path) -> None:
    release = broken / "releases" / "0.8.0"
    shutil.copytree(TEST_FRAMEWORK, release)
    edit(release, "framework.yaml", "version: 0.9.0", "version: 0.8.0")
    edit(release, "framework.yaml", "  - version: 0.9.0", "  - version: 0.8.0")
    registry = FrameworkRegistry.load(broken)
    assert registry.current_version == "0.9.0"
    assert registry.versions == ["0.8.0", "0.9.0"]
    assert registry.get("0.8.0").version == "0.8.0"


def test_a_release_folder_must_hold_its_own_version(broken: Path) -> None:
    shutil.copytree(TEST_FRAMEWORK, broken / "releases" / "0.8.0")
    with pytest.raises(FrameworkError, match="named 0.8.0 but holds 0.9.0"):
        FrameworkRegistry.load(broken)


def test_a_window_must_favour_existing_indicators_and_say_why(broken: Path) -> None:
    edit(broken, "ctx.yaml", "    favours: [JUS-1]\n", "    favours: [JUS-9]\n")
    problems = problems_of(broken)
    assert any(
        p.startswith("ctx.yaml: triggers[0](CTX-1).favours[0]: no indicator JUS-9")
        for p in problems
    ), problems
    edit(broken, "ctx.yaml", "    window: A vote focuses minds on the courts.\n", "")
    problems = problems_of(broken)
    assert any("needs a 'window' saying why" in p for p in problems), problems


def test_every_shipped_trigger_favours_reforms_and_every_indicator_has_atrocity_types() -> None:
    framework = load_framework(PROJECT_ROOT / "questionnaires")
    assert all(t.favours and t.window for t in framework.triggers)
    assert all(i.atrocity_types for i in framework.indicators)
    kinds = {a.value for i in framework.indicators for a in i.atrocity_types}
    assert kinds == {
        "mass_killing",
        "forced_displacement",
        "sexual_violence",
        "arbitrary_detention",
    }
