"""Command-line tools: `flask --app wsgi <group> <command>`."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from .db import database
from .framework import FrameworkError, FrameworkRegistry, stability
from .framework.stability import LOCK_FILE
from .framework_ext import framework_for, registry
from .models import Assessment

questionnaires = AppGroup("questionnaires", help="Check the framework files.")
db_group = AppGroup("db", help="Database migrations.")
demo = AppGroup("demo", help="The demo country, users and assessments.")
scores = AppGroup("scores", help="Scores of an assessment.")
report = AppGroup("report", help="PDF reports.")
i18n = AppGroup("i18n", help="Translation catalogs: extract, update, compile, status.")
reports_group = AppGroup("reports", help="The report worker (RQ on Redis).")
interchange_group = AppGroup(
    "interchange", help="Assessments to and from JSON; open data for researchers."
)


@reports_group.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def reports_worker(burst: bool) -> None:
    """Render reports from the queue (needs REDIS_URL)."""
    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("set REDIS_URL to the Redis server of the report queue")
    from rq import Worker

    from .reports_ext import queue

    reports = queue()
    # Renders yield the CPU to web workers that share the machine.
    if current_app.config["REPORT_NICE"]:
        os.nice(current_app.config["REPORT_NICE"])
    Worker([reports], connection=reports.connection).work(burst=burst)


@questionnaires.command("check")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="Check this folder instead of the configured one.",
)
def questionnaires_check(directory: Path | None) -> None:
    """Validate the framework files and print their counts."""
    folder = directory or Path(current_app.config["QUESTIONNAIRES_DIR"])
    try:
        loaded = FrameworkRegistry.load(folder)
    except FrameworkError as error:
        click.echo(
            f"The framework in {folder} is invalid ({len(error.problems)} problem(s)):", err=True
        )
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    framework = loaded.current
    click.echo(f"{framework.meta.title}")
    click.echo(f"framework {framework.meta.framework}, version {framework.version}")
    totals = {"indicators": 0, "questions": 0, "scored": 0, "triggers": 0}
    click.echo(
        f"{'domain':<8}{'kind':<15}{'indicators':>11}{'questions':>11}{'scored':>8}{'triggers':>10}"
    )
    for code, counts in framework.counts().items():
        kind = framework.domain(code).kind.value
        click.echo(
            f"{code:<8}{kind:<15}{counts['indicators']:>11}{counts['questions']:>11}"
            f"{counts['scored']:>8}{counts['triggers']:>10}"
        )
        for key in totals:
            totals[key] += counts[key]
    click.echo(
        f"{'total':<23}{totals['indicators']:>11}{totals['questions']:>11}"
        f"{totals['scored']:>8}{totals['triggers']:>10}"
    )
    click.echo("UN Framework of Analysis risk factors addressed:")
    for code, factors in framework.risk_factor_coverage().items():
        click.echo(f"  {code:<6}{', '.join(factors)}")
    if len(loaded.versions) > 1:
        click.echo("releases kept for pinned assessments: " + ", ".join(loaded.versions))

    failures = []
    uncovered = framework.uncovered_risk_factors()
    if uncovered:
        failures.append("no indicator addresses " + ", ".join(uncovered) + " (RF1-RF9 must be)")
    failures += list(stability.problems(framework, stability.Lock.read(folder / LOCK_FILE)))
    for failure in failures:
        click.echo(f"  {failure}", err=True)
    if failures:
        sys.exit(1)
    click.echo("ok: schema, cross-references, risk-factor coverage and stable ids")


@questionnaires.command("lock")
@click.option(
    "--reword",
    multiple=True,
    metavar="ID",
    help="Accept a new wording of ID that keeps its meaning (repeatable).",
)
def questionnaires_lock(reword: tuple[str, ...]) -> None:
    """Record the framework's ids after a version bump (see questionnaires/ids.lock)."""
    folder = Path(current_app.config["QUESTIONNAIRES_DIR"])
    framework = FrameworkRegistry.load(folder).current
    path = folder / LOCK_FILE
    try:
        lock = stability.updated_lock(framework, stability.Lock.read(path), frozenset(reword))
    except stability.LockRefused as error:
        raise click.ClickException(str(error)) from None
    lock.write(path)
    click.echo(f"wrote {path} for version {lock.version} ({len(lock.items)} ids)")


@questionnaires.command("export-xlsform")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def questionnaires_export_xlsform(output: Path) -> None:
    """Write the current framework as an XLSForm, with labels in every language."""
    from babel.support import Translations

    from .config import KNOWN_LOCALES
    from .framework.xlsform import export_xlsform

    frameworks = registry()
    version = frameworks.current_version
    versions = {lang: frameworks.localized(version, lang) for lang in KNOWN_LOCALES}
    folder = current_app.config["TRANSLATIONS_DIR"]
    interface = {
        lang: Translations.load(folder, [lang], domain="messages") for lang in KNOWN_LOCALES
    }
    output.write_bytes(export_xlsform(versions, lambda lang, text: interface[lang].gettext(text)))
    click.echo(f"wrote {output}: framework {version} in {', '.join(versions)}")


@questionnaires.command("import-xlsform")
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the framework files (default: WORKBOOK's name + '-framework').",
)
def questionnaires_import_xlsform(workbook: Path, output: Path | None) -> None:
    """Read an XLSForm written by export-xlsform back into framework files, and validate them."""
    from pydantic import ValidationError

    from .framework.xlsform import XLSFormError, import_xlsform, write_framework

    folder = output or workbook.with_name(workbook.stem + "-framework")
    try:
        meta, domains = import_xlsform(workbook.read_bytes())
    except (XLSFormError, ValidationError) as error:
        raise click.ClickException(f"{workbook.name}: {error}") from None
    write_framework(meta, domains, folder)
    try:
        framework = FrameworkRegistry.load(folder).current
    except FrameworkError as error:
        raise click.ClickException(f"the imported framework is invalid:\n{error}") from None
    total = sum(len(d.indicators) for d in framework.domains)
    click.echo(
        f"wrote {folder}: framework {framework.version}, {len(framework.domains)} domains, "
        f"{total} indicators, {len(framework.questions)} questions"
    )


@db_group.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: head)."""
    from .migrations import upgrade

    upgrade(database().engine, revision)
    click.echo(f"database at {revision}")


@db_group.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    from .migrations import revision

    revision(database().engine, message)


@demo.command("seed")
def demo_seed() -> None:
    """Create the demo country, users and assessments (idempotent)."""
    from .services.demo import seed

    password = current_app.config["DEMO_PASSWORD"]
    with database().session() as session:
        logins = seed(session, registry(), password)
    click.echo(f"Demo logins (password: {password}):")
    for login in logins:
        click.echo(f"  {login.email:<28} {login.role}")


def _assessment(session, assessment_id: int) -> Assessment:  # noqa: ANN001
    found = session.get(Assessment, assessment_id)
    if found is None:
        raise click.ClickException(f"no assessment {assessment_id}")
    return found


@scores.command("show")
@click.argument("assessment_id", type=int)
@click.option("--top", default=5, show_default=True, help="How many gaps to list.")
def scores_show(assessment_id: int, top: int) -> None:
    """Print domain scores and the top gaps of an assessment."""
    from .i18n import assessment_title
    from .services.assessments import score

    with database().session() as session:
        assessment = _assessment(session, assessment_id)
        framework = framework_for(assessment.framework_version)
        result = score(session, framework, assessment)
        click.echo(
            f"{assessment_title(assessment, 'en')} · framework {assessment.framework_version} · "
            f"{assessment.state}"
        )
        for d in result.domains:
            value = "—" if d.score is None else f"{d.score:5.1f}"
            click.echo(
                f"  {d.code:<5}{framework.domain(d.code).name:<40}{value:>7} / 100   "
                f"answered {d.answered}/{d.questions}"
            )
        overall = "—" if result.overall is None else f"{result.overall:.1f}"
        click.echo(f"  overall {overall} / 100")
        click.echo("top gaps:")
        for n, gap in enumerate(result.gaps[:top], start=1):
            click.echo(
                f"  {n}. {gap.id:<7}{framework.indicator(gap.id).name[:50]:<52}"
                f"current {gap.current:.1f} target {gap.target} "
                f"priority {gap.priority:.1f} {gap.band.value if gap.band else ''}"
            )
        if not result.gaps:
            click.echo("  none")


PAPER = click.option(
    "--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True
)


def _language(value: str, option: str = "--lang") -> str:
    if value not in current_app.config["LANGUAGES"]:
        raise click.BadParameter(
            f"choose one of {', '.join(current_app.config['LANGUAGES'])}", param_hint=option
        )
    return value


@report.command("blank")
@click.option("--lang", default="en", show_default=True)
@click.option("--second-lang", default=None, help="A second language, side by side.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@PAPER
def report_blank(lang: str, second_lang: str | None, output: Path, paper: str) -> None:
    """Write the blank questionnaire for paper, in one language or two side by side."""
    from .reports.blank import build_blank
    from .reports.render import render_blank_pdf

    languages = (_language(lang),) + (
        (_language(second_lang, "--second-lang"),) if second_lang else ()
    )
    frameworks = registry()
    version = frameworks.current_version
    second = frameworks.localized(version, second_lang) if second_lang else None
    blank = build_blank(frameworks.localized(version, lang), second, languages, date.today())
    output.write_bytes(render_blank_pdf(blank, paper))
    click.echo(f"wrote {output}")


@report.command("pack")
@click.option("--assessment", "assessment_id", type=int, required=True)
@click.option("--lang", default="en", show_default=True)
@click.option(
    "--indicators",
    default=None,
    help="Worksheets for these indicator ids (comma-separated); default: the "
    "contested indicators and the critical and high gaps.",
)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@PAPER
def report_pack(
    assessment_id: int, lang: str, indicators: str | None, output: Path, paper: str
) -> None:
    """Write the workshop pack: the gap report, then blank worksheets, in one PDF."""
    from .reports.blank import build_blank
    from .reports.render import render_pack_pdf
    from .services.reporting import gap_report_data

    _language(lang)
    with database().session() as session:
        assessment = _assessment(session, assessment_id)
        framework = registry().localized(assessment.framework_version, lang)
        data = gap_report_data(session, framework, assessment, lang, on=date.today())
    if indicators:
        chosen = {i.strip() for i in indicators.split(",") if i.strip()}
        unknown = sorted(i for i in chosen if i not in {x.id for x in framework.indicators})
        if unknown:
            raise click.BadParameter(
                f"no indicator {', '.join(unknown)}", param_hint="--indicators"
            )
    else:
        chosen = {c.indicator.id for c in data.contested_items} | {
            g.indicator.id for g in data.gaps if g.indicator.band in ("critical", "high")
        }
    worksheets = build_blank(framework, None, (lang,), date.today(), only=chosen)
    output.write_bytes(render_pack_pdf(data, worksheets, lang, paper))
    click.echo(f"wrote {output}: the report and worksheets for {len(chosen)} indicator(s)")


@report.command("render")
@click.option("--assessment", "assessment_id", type=int, required=True)
@click.option("--lang", default="en", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@PAPER
def report_render(assessment_id: int, lang: str, output: Path, paper: str) -> None:
    """Render the gap report of an assessment to a PDF file."""
    from .reports.render import render_pdf
    from .services.reporting import cycle_areas, gap_report_data

    _language(lang)
    with database().session() as session:
        assessment = _assessment(session, assessment_id)
        framework = registry().localized(assessment.framework_version, lang)
        # The operator's command: every area of the cycle is compared.
        data = gap_report_data(
            session,
            framework,
            assessment,
            lang,
            on=date.today(),
            areas=cycle_areas(session, assessment),
        )
    output.write_bytes(render_pdf(data, lang, paper))
    click.echo(f"wrote {output}")


def _translations() -> Path:
    return Path(current_app.config["TRANSLATIONS_DIR"])


@i18n.command("extract")
def i18n_extract() -> None:
    """Write messages.pot (interface) and questionnaires.pot (framework content)."""
    from .i18n_catalogs import extract

    extract(_translations())


@i18n.command("update")
@click.option(
    "--domain",
    "domains",
    multiple=True,
    type=click.Choice(["messages", "questionnaires"]),
    help="Only this catalog (repeatable; default: both).",
)
def i18n_update(domains: tuple[str, ...]) -> None:
    """Merge the templates into every language's catalogs."""
    from .i18n_catalogs import update

    update(_translations(), list(domains) or None)


@i18n.command("compile")
def i18n_compile() -> None:
    """Compile the catalogs to .mo files."""
    from .i18n_catalogs import compile_catalogs

    compile_catalogs(_translations())


@i18n.command("status")
def i18n_status() -> None:
    """Per-language translation completeness of both catalogs."""
    from .i18n_catalogs import status

    rows = status(_translations())
    click.echo(
        f"{'language':<10}{'catalog':<16}{'translated':>11}{'fuzzy':>7}{'missing':>9}"
        f"{'total':>7}{'complete':>10}"
    )
    for row in rows:
        click.echo(
            f"{row.lang:<10}{row.domain:<16}{row.translated:>11}{row.fuzzy:>7}"
            f"{row.missing:>9}{row.total:>7}{row.share:>10.0%}"
        )


@click.command("backup")
@with_appcontext
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def backup_command(output: Path) -> None:
    """Write the database and the evidence files to one archive."""
    from .services.backup import BackupError, backup
    from .storage import evidence_store

    try:
        manifest = backup(database().engine, evidence_store(), output)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    answers = manifest["tables"].get("answers", 0)  # type: ignore[union-attr]
    click.echo(
        f"wrote {output}: {manifest['database']}, {answers} answers, "
        f"{manifest['evidence_files']} evidence files"
    )


@click.command("restore")
@with_appcontext
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(archive: Path) -> None:
    """Restore an archive written by `backup` into this installation's empty database."""
    from .services.backup import BackupError, restore
    from .storage import evidence_store

    try:
        manifest = restore(database().engine, evidence_store(), archive)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"restored {archive} (written {manifest['created']})")


@interchange_group.command("export")
@click.argument("assessment_id", type=int)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--without-files", is_flag=True, help="Leave the evidence files out.")
def interchange_export(assessment_id: int, output: Path, without_files: bool) -> None:
    """Write the complete assessment (answers, reviews, comments, files, plan) as JSON."""
    import json

    from .services.interchange import export_assessment
    from .storage import evidence_store

    with database().session() as session:
        assessment = _assessment(session, assessment_id)
        document = export_assessment(
            session,
            assessment,
            evidence_store(),
            files=not without_files,
        )
    output.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    click.echo(f"wrote {output}: {len(document['answers'])} answers")


@interchange_group.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def interchange_import(source: Path) -> None:
    """Recreate an assessment from a JSON export of another installation."""
    import json

    from .services.interchange import ImportError_, import_assessment
    from .storage import evidence_store

    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise click.ClickException(f"{source} is not JSON: {error}") from None
    with database().session() as session:
        try:
            assessment = import_assessment(session, registry(), data, evidence_store())
        except ImportError_ as error:
            raise click.ClickException(str(error)) from None
        click.echo(
            f"imported assessment {assessment.id}: {assessment.country.iso_code} "
            f"{assessment.cycle} ({assessment.state})"
        )


@interchange_group.command("open-data")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def interchange_open_data(output: Path) -> None:
    """Domain scores per country and cycle, for countries that share their results (CSV)."""
    from .services.exports import open_data_table, to_csv

    with database().session() as session:
        table = open_data_table(session, registry())
    output.write_bytes(to_csv(table))
    click.echo(f"wrote {output}: {len(table.rows)} rows")


def register_commands(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    for group in (
        questionnaires,
        db_group,
        demo,
        scores,
        report,
        i18n,
        reports_group,
        interchange_group,
    ):
        app.cli.add_command(group)
