"""The command-line contracts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessment.config import PROJECT_ROOT
from assessment.framework import load_framework
from assessment.models import Answer, Assessment, AuditEntry, Country, User


def test_questionnaires_check_prints_counts(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["questionnaires", "check"])
    assert result.exit_code == 0, result.output
    framework = app.extensions["frameworks"].current
    for code, counts in framework.counts().items():
        line = next(line for line in result.output.splitlines() if line.startswith(code))
        assert str(counts["indicators"]) in line
        assert str(counts["questions"]) in line
    assert f"version {framework.version}" in result.output


def test_questionnaires_check_fails_on_a_broken_file(app: Flask, tmp_path: Path) -> None:
    folder = tmp_path / "q"
    shutil.copytree(PROJECT_ROOT / "questionnaires", folder)
    sec = folder / "sec.yaml"
    sec.write_text(sec.read_text().replace("    weight: 3\n", "    weight: 7\n", 1))
    result = app.test_cli_runner().invoke(args=["questionnaires", "check", "--dir", str(folder)])
    assert result.exit_code == 1
    assert (
        "sec.yaml: indicators[0](SEC-1).weight: Input should be less than or equal to 3"
        in result.output
    )


def test_an_invalid_framework_stops_the_app(tmp_path: Path) -> None:
    from assessment import create_app
    from assessment.framework import FrameworkError

    folder = tmp_path / "q"
    shutil.copytree(PROJECT_ROOT / "questionnaires", folder)
    (folder / "ctx.yaml").write_text("code: CTX\nname: x\nkind: context\ndescription: x\n")
    with pytest.raises(FrameworkError, match="ctx.yaml: .*needs at least one trigger"):
        create_app(
            {
                "QUESTIONNAIRES_DIR": str(folder),
                "SECRET_KEY": "k",
                "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
            }
        )


def _counts(session: Session) -> tuple[int, ...]:
    session.rollback()
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (User, Country, Assessment, Answer, AuditEntry)
    )


def test_demo_seed_is_idempotent_and_gives_real_results(app: Flask, session: Session) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    assert "focal@demo.example" in first.output
    assert "demo-password" in first.output
    counts = _counts(session)
    assert counts[0] == 7
    assert counts[1] == 2
    assert counts[2] == 5  # Veridia 2025 (national and two areas), 2026; the other country
    assert counts[3] > 100
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    assert _counts(session) == counts

    complete = session.scalar(
        select(Assessment).where(Assessment.cycle == "2025", Assessment.area == "")
    )
    shown = runner.invoke(args=["scores", "show", str(complete.id)])
    assert shown.exit_code == 0, shown.output
    assert "Republic of Veridia, 2025" in shown.output
    assert "overall" in shown.output
    assert "top gaps:" in shown.output
    assert "1. " in shown.output  # the complete demo assessment has gaps to show


def test_scores_show_unknown_assessment(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["scores", "show", "424242"])
    assert result.exit_code != 0
    assert "no assessment 424242" in result.output


@pytest.mark.slow
def test_report_render_writes_a_pdf(app: Flask, session: Session, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "seed"])
    complete = session.scalar(
        select(Assessment).where(Assessment.cycle == "2025", Assessment.area == "")
    )
    output = tmp_path / "report.pdf"
    result = runner.invoke(
        args=[
            "report",
            "render",
            "--assessment",
            str(complete.id),
            "--lang",
            "en",
            "--output",
            str(output),
        ]
    )
    assert result.exit_code == 0, result.output
    text = "\n".join(p.extract_text() for p in PdfReader(output).pages)
    assert "Republic of Veridia" in text
    assert "Security sector" in text
    bad = runner.invoke(
        args=[
            "report",
            "render",
            "--assessment",
            str(complete.id),
            "--lang",
            "xx",
            "--output",
            str(output),
        ]
    )
    assert bad.exit_code != 0
    assert "--lang" in bad.output


def test_xlsform_export_and_import_commands(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    workbook = tmp_path / "framework.xlsx"
    exported = runner.invoke(args=["questionnaires", "export-xlsform", "--output", str(workbook)])
    assert exported.exit_code == 0, exported.output
    assert "en, fr, es, ar, ru, zh, pt" in exported.output
    imported = runner.invoke(
        args=["questionnaires", "import-xlsform", str(workbook), "--output", str(tmp_path / "back")]
    )
    assert imported.exit_code == 0, imported.output
    framework = app.extensions["frameworks"].current
    assert f"{len(framework.questions)} questions" in imported.output
    assert load_framework(tmp_path / "back").domains == framework.domains


def test_import_xlsform_refuses_a_foreign_workbook(app: Flask, tmp_path: Path) -> None:
    from openpyxl import Workbook

    path = tmp_path / "other.xlsx"
    Workbook().save(path)
    result = app.test_cli_runner().invoke(args=["questionnaires", "import-xlsform", str(path)])
    assert result.exit_code != 0
    assert "no 'survey' sheet" in result.output
