"""XLSForm interchange (through pyxform) and the framework in other languages."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from assessment.config import PROJECT_ROOT
from assessment.framework import FrameworkRegistry, load_framework
from assessment.framework.messages import domain_messages
from assessment.framework.xlsform import (
    XLSFormError,
    column,
    export_xlsform,
    import_xlsform,
    write_framework,
)

TEST_FRAMEWORK = Path(__file__).parents[1] / "data" / "questionnaires"


def _french_catalog(folder: Path) -> None:
    """A tiny French catalog: a few framework strings and one interface label."""
    content = Catalog(locale="fr", domain="questionnaires")
    content.add("Question SEC-1.1?", "Question SEC-1.1 ?", context="SEC-1.1 text")
    content.add("Security", "Sécurité", context="SEC name")
    content.add("practice SEC-1.1", "pratique SEC-1.1", context="SEC-1.1 level 3")
    interface = Catalog(locale="fr", domain="messages")
    interface.add("Not applicable", "Sans objet")
    target = folder / "fr" / "LC_MESSAGES"
    target.mkdir(parents=True)
    for catalog, name in ((content, "questionnaires"), (interface, "messages")):
        with (target / f"{name}.mo").open("wb") as handle:
            write_mo(handle, catalog)


@pytest.fixture
def registry(tmp_path: Path) -> FrameworkRegistry:
    _french_catalog(tmp_path / "translations")
    return FrameworkRegistry.load(TEST_FRAMEWORK, tmp_path / "translations")


def test_the_framework_in_another_language(registry: FrameworkRegistry) -> None:
    french = registry.localized("0.9.0", "fr")
    assert french.question("SEC-1.1").text == "Question SEC-1.1 ?"
    assert french.question("SEC-1.1").levels[3] == "pratique SEC-1.1"
    assert french.domain("SEC").name == "Sécurité"
    assert french.question("SEC-1.2").text == "Question SEC-1.2?"  # not translated: English
    assert french.indicator("SEC-1").weight == 3  # tags are untouched
    assert registry.localized("0.9.0", "en") is registry.get("0.9.0")
    assert registry.localized("0.9.0", "es").question("SEC-1.1").text == "Question SEC-1.1?"


def test_every_string_has_a_unique_context_named_by_its_id() -> None:
    framework = load_framework(PROJECT_ROOT / "questionnaires")
    contexts = [c for d in framework.domains for c, _text in domain_messages(d)]
    assert len(contexts) == len(set(contexts))
    assert "SEC-1.1 level 4" in contexts
    assert "SEC-1 name" in contexts
    assert "CTX-1 guidance" in contexts


@pytest.mark.parametrize("folder", [TEST_FRAMEWORK, PROJECT_ROOT / "questionnaires"])
def test_round_trip_loses_nothing(folder: Path, tmp_path: Path) -> None:
    framework = load_framework(folder)
    data = export_xlsform({"en": framework})
    meta, domains = import_xlsform(data)
    write_framework(meta, domains, tmp_path / "back")
    back = load_framework(tmp_path / "back")
    assert back.meta == framework.meta
    assert back.domains == framework.domains


def test_pyxform_converts_the_export_without_errors(
    registry: FrameworkRegistry, tmp_path: Path
) -> None:
    versions = {lang: registry.localized("0.9.0", lang) for lang in ("en", "fr")}
    french_labels = {"Not applicable": "Sans objet"}
    path = tmp_path / "form.xlsx"
    path.write_bytes(
        export_xlsform(
            versions, lambda lang, text: french_labels.get(text, text) if lang == "fr" else text
        )
    )
    warnings: list[str] = []
    result = convert(str(path), warnings=warnings)
    assert warnings == []
    xform = result.xform
    assert 'id="test-framework"' in xform
    assert 'version="0.9.0"' in xform
    assert "Question SEC-1.1 ?" in xform  # the French label went through
    assert "Sans objet" in xform

    book = load_workbook(path, read_only=True)
    header = next(book["survey"].iter_rows(values_only=True))
    assert column("label", "fr") == "label::French (fr)"
    assert {"label::English (en)", "label::French (fr)", "hint::French (fr)"} <= set(header)
    rows = list(book["survey"].iter_rows(values_only=True))
    types = [r[0] for r in rows[1:]]
    assert types[:2] == ["begin_group", "begin_group"]  # domain, then indicator, nested
    assert "select_one lv_SEC-1.1" in types
    assert "decimal" in types
    assert "select_one yes_no_partial" in types
    assert "select_one ch_JUS-1.2" in types
    assert "select_one yes_no" in types


def test_edited_english_labels_come_back(tmp_path: Path) -> None:
    data = export_xlsform({"en": load_framework(TEST_FRAMEWORK)})
    book = load_workbook(io.BytesIO(data))
    sheet = book["survey"]
    label = [c.value for c in sheet[1]].index("label::English (en)")
    for row in sheet.iter_rows(min_row=2):
        if row[1].value == "SEC-1.1":
            row[label].value = "A sharper question?"
    buffer = io.BytesIO()
    book.save(buffer)
    meta, domains = import_xlsform(buffer.getvalue())
    assert domains[0].indicators[0].questions[0].text == "A sharper question?"


def test_a_workbook_that_is_not_ours_is_refused(tmp_path: Path) -> None:
    data = export_xlsform({"en": load_framework(TEST_FRAMEWORK)})
    book = load_workbook(io.BytesIO(data))
    del book["framework"]
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(XLSFormError, match="no 'framework' sheet"):
        import_xlsform(buffer.getvalue())


def test_an_unbalanced_group_is_refused() -> None:
    data = export_xlsform({"en": load_framework(TEST_FRAMEWORK)})
    book = load_workbook(io.BytesIO(data))
    sheet = book["survey"]
    sheet.delete_rows(sheet.max_row)  # the last end_group
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(XLSFormError, match="never closed"):
        import_xlsform(buffer.getvalue())
