"""Insights on screen and in the PDF: reforms out of step, atrocity types, windows of opportunity
and areas compared, with access held per area."""

from __future__ import annotations

import io
from datetime import date, timedelta

from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.models import Answer, Assessment, Membership, TriggerFlag
from assessment.services.assessments import visible_assessments
from tests.conftest import World, csrf_from, login

REASON_START = "Investigations of soldiers and police end in impunity"


def _answer(
    session: Session, app: Flask, assessment: Assessment, levels: dict[str, int], default: int
) -> None:
    """Every scored question answered: at the indicator's level where given, else `default`."""
    framework = app.extensions["frameworks"].current
    for indicator in framework.indicators:
        for q in indicator.scored_questions:
            session.add(
                Answer(
                    assessment_id=assessment.id,
                    question_id=q.id,
                    level=levels.get(indicator.id, default),
                    evidence="Annual report",
                )
            )
    session.commit()


def _areas(session: Session, world: World, app: Flask) -> tuple[Assessment, Assessment]:
    """The whole country and two areas for the 2026 cycle, answered differently."""
    version = app.extensions["frameworks"].current_version
    north = Assessment(country=world.home, cycle="2026", area="North", framework_version=version)
    south = Assessment(country=world.home, cycle="2026", area="South", framework_version=version)
    session.add_all([north, south])
    session.commit()
    _answer(session, app, world.assessment, {"SEC-7": 3, "JUS-3": 1}, 2)
    _answer(session, app, north, {"SEC-7": 4, "JUS-3": 0, "INC-3": 4}, 2)
    _answer(session, app, south, {"INC-3": 0}, 2)
    return north, south


def _limit(session: Session, world: World, area: str) -> None:
    membership = session.scalar(select(Membership).where(Membership.user_id == world.focal.id))
    membership.area = area
    session.commit()


def test_the_insights_page_flags_a_dependency_out_of_step(
    client: FlaskClient, world: World, session: Session, app: Flask
) -> None:
    _answer(session, app, world.assessment, {"SEC-7": 3, "JUS-3": 1}, 2)
    login(client, world.focal.email)
    results = client.get(f"/en/assessments/{world.assessment.id}/results")
    assert f"/en/assessments/{world.assessment.id}/insights" in results.text
    page = client.get(f"/en/assessments/{world.assessment.id}/insights")
    assert page.status_code == 200
    text = page.text
    section = text[text.index('id="out-of-step"') : text.index('id="atrocity-types"')]
    assert '<span class="id">SEC-7</span>' in section and '<span class="id">JUS-3</span>' in section
    assert REASON_START in section
    assert "What to do for the lagging side" in section
    assert '<span class="id">JUS-3.1</span>' in section  # advice for the lagging side's questions
    assert '<span class="id">SEC-7.1</span>' not in section
    # Only the pair at the threshold: everything else sits at 2.
    assert section.count('class="insight"') == 1


def test_just_outside_the_threshold_nothing_is_out_of_step(
    client: FlaskClient, world: World, session: Session, app: Flask
) -> None:
    _answer(session, app, world.assessment, {"SEC-7": 3, "JUS-3": 2}, 2)
    login(client, world.focal.email)
    page = client.get(f"/en/assessments/{world.assessment.id}/insights")
    assert "No dependency is out of step." in page.text


def test_windows_show_a_dated_trigger_within_twelve_months_and_not_beyond(
    client: FlaskClient, world: World, session: Session, app: Flask
) -> None:
    _answer(session, app, world.assessment, {}, 1)
    login(client, world.focal.email)
    url = f"/en/assessments/{world.assessment.id}/context"
    soon = date.today() + timedelta(days=90)
    late = date.today() + timedelta(days=400)
    response = client.post(
        url,
        data={
            "csrf_token": csrf_from(client.get(url).text),
            "trigger": ["CTX-1", "CTX-2"],
            "date-CTX-1": soon.isoformat(),
            "date-CTX-2": late.isoformat(),
        },
    )
    assert response.status_code == 302
    session.rollback()
    session.expire_all()
    flags = {f.trigger_id: f.expected_on for f in session.scalars(select(TriggerFlag))}
    assert flags == {"CTX-1": soon, "CTX-2": late}
    page = client.get(f"/en/assessments/{world.assessment.id}/insights").text
    windows = page[page.index('id="windows"') : page.index('id="areas"')]
    coming = windows[: windows.index("Set, dated outside the coming twelve months")]
    outside = windows[windows.index("Set, dated outside the coming twelve months") :]
    assert '<span class="id">CTX-1</span>' in coming and "CTX-2" not in coming
    assert "CTX-2" in outside
    assert "Priority gaps it makes urgent" in coming and "Reforms the window favours" in coming
    assert '<span class="id">SEC-1</span>' in coming  # CTX-1 raises SEC-1, which has a gap
    assert '<span class="id">INC-2</span>' in coming  # the election window favours INC-2


def test_a_bad_trigger_date_is_refused_and_loses_nothing(
    client: FlaskClient, world: World, session: Session
) -> None:
    login(client, world.focal.email)
    url = f"/en/assessments/{world.assessment.id}/context"
    response = client.post(
        url,
        data={
            "csrf_token": csrf_from(client.get(url).text),
            "trigger": ["CTX-1"],
            "note-CTX-1": "Vote in spring.",
            "date-CTX-1": "2027-02-30",
        },
    )
    assert response.status_code == 400
    assert "the date of CTX-1 is not a date" in response.text
    assert 'value="2027-02-30"' in response.text  # what was typed stays in the form
    assert "Vote in spring." in response.text
    session.rollback()
    assert session.scalars(select(TriggerFlag)).all() == []


def test_areas_compared_side_by_side_and_where_they_differ_most(
    client: FlaskClient, world: World, session: Session, app: Flask
) -> None:
    _areas(session, world, app)
    login(client, world.focal.email)
    page = client.get(f"/en/assessments/{world.assessment.id}/insights").text
    areas = page[page.index('id="areas"') :]
    header = areas[areas.index("<thead>") : areas.index("</thead>")]
    assert header.index("Whole country") < header.index("North") < header.index("South")
    assert 'class="heat heat-4"' in areas and 'class="heat heat-0"' in areas
    assert "Where the areas differ most from the national assessment" in areas
    divergences = areas[areas.index("Where the areas differ most") :]
    # INC-3: 2 nationally, 4 in the North, 0 in the South; SEC-7: 3 against 4 in the North.
    assert '<span class="id">INC-3</span>' in divergences
    assert "style=" not in areas


def test_an_area_the_user_may_not_see_is_hidden_everywhere(
    client: FlaskClient, world: World, session: Session, app: Flask
) -> None:
    north, south = _areas(session, world, app)
    _limit(session, world, "North")
    login(client, world.focal.email)
    assert client.get(f"/en/assessments/{south.id}/insights").status_code == 404
    assert client.get(f"/en/assessments/{south.id}/results").status_code == 404
    assert client.get(f"/en/assessments/{south.id}").status_code == 404
    assert client.get(f"/en/assessments/{world.assessment.id}/results").status_code == 404
    page = client.get(f"/en/assessments/{north.id}/insights")
    assert page.status_code == 200
    # The comparison holds only what the user may see: their own area, nothing to compare.
    areas = page.text[page.text.index('id="areas"') :]
    assert "South" not in areas and "Whole country" not in areas
    session.expire_all()
    focal = session.get(type(world.focal), world.focal.id)
    assert [a.area for a in visible_assessments(session, focal).items] == ["North"]
    # Nor can the user open another area's assessment.
    home = client.get("/en/")
    response = client.post(
        "/en/assessments/new",
        data={
            "csrf_token": csrf_from(home.text),
            "country_id": world.home.id,
            "cycle": "2027",
            "area": "South",
        },
    )
    assert response.status_code == 302
    session.rollback()
    assert session.scalar(select(Assessment).where(Assessment.cycle == "2027")) is None
    # Another country's user sees none of it.
    other = client.application.test_client()
    login(other, world.other_focal.email)
    assert other.get(f"/en/assessments/{north.id}/insights").status_code == 404


def test_the_report_has_an_insights_chapter_in_english_and_arabic(
    client: FlaskClient, world: World, session: Session, app: Flask
) -> None:
    _areas(session, world, app)
    session.add(
        TriggerFlag(
            assessment_id=world.assessment.id,
            trigger_id="CTX-1",
            expected_on=date.today() + timedelta(days=60),
        )
    )
    session.commit()
    login(client, world.focal.email)
    response = client.get(f"/en/assessments/{world.assessment.id}/report.pdf", buffered=True)
    assert response.status_code == 200
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages]
    text = "\n".join(pages)
    start = text.index("Insights\nWhat the scores mean together")
    chapter = text[start : text.index("Action plan", start)]
    assert "Insights" in pages[1]  # in the table of contents
    for expected in (
        "Reforms out of step",
        "SEC-7",
        "JUS-3",
        "Atrocity types",
        "Windows of opportunity",
        "CTX-1",
        "Areas compared",
        "North",
        "South",
        "Where the areas differ most from the national assessment",
    ):
        assert expected in chapter, expected
    arabic = client.get(f"/ar/assessments/{world.assessment.id}/report.pdf", buffered=True)
    assert arabic.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(arabic.data)).pages)
    assert "Reforms out of step" not in text
    assert "SEC-7" in text and "North" in text
    arabic_page = client.get(f"/ar/assessments/{world.assessment.id}/insights")
    assert 'dir="rtl"' in arabic_page.text
    assert "Reforms out of step" not in arabic_page.text


def test_an_administrator_limits_a_membership_to_an_area(
    client: FlaskClient, world: World, session: Session
) -> None:
    login(client, world.admin.email)
    page = client.get("/en/admin/")
    response = client.post(
        f"/en/admin/people/{world.contributor.id}",
        data={
            "csrf_token": csrf_from(page.text),
            "action": "membership",
            "country_id": world.home.id,
            "role": "contributor",
            "area": "  North ",
        },
    )
    assert response.status_code == 302
    session.rollback()
    membership = session.scalar(
        select(Membership).where(Membership.user_id == world.contributor.id)
    )
    assert membership.area == "North"


def test_the_demo_country_has_two_areas_a_dated_trigger_and_reforms_out_of_step(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    assert app.test_cli_runner().invoke(args=["demo", "seed"]).exit_code == 0
    national = session.scalar(
        select(Assessment).where(Assessment.cycle == "2025", Assessment.area == "")
    )
    login(client, "focal@demo.example", app.config["DEMO_PASSWORD"])
    page = client.get(f"/en/assessments/{national.id}/insights").text
    section = page[page.index('id="out-of-step"') : page.index('id="atrocity-types"')]
    assert '<span class="id">JUS-7</span>' in section and '<span class="id">JUS-2</span>' in section
    windows = page[page.index('id="windows"') : page.index('id="areas"')]
    assert '<span class="id">CTX-1</span> <span class="tag tag-warn">' in windows  # dated
    assert "Set, with no date given" in windows  # CTX-4
    areas = page[page.index('id="areas"') :]
    assert "Northern Province" in areas and "Coastal Region" in areas
    arabic = client.get(f"/ar/assessments/{national.id}/insights").text
    assert 'dir="rtl"' in arabic and "إصلاحات غير متوازنة" in arabic


def test_the_team_of_an_area_leaves_out_members_limited_to_another_area(
    world: World, session: Session, app: Flask
) -> None:
    from assessment.services.team import members

    north, south = _areas(session, world, app)
    membership = session.scalar(
        select(Membership).where(Membership.user_id == world.contributor.id)
    )
    membership.area = "South"
    session.commit()
    session.expire_all()
    north, south = session.get(Assessment, north.id), session.get(Assessment, south.id)
    assert world.contributor.email not in [u.email for u, _r, _s in members(session, north)]
    assert world.contributor.email in [u.email for u, _r, _s in members(session, south)]
    assert world.focal.email in [u.email for u, _r, _s in members(session, north)]
