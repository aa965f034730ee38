"""The results dashboard, national targets, the action plan, cycles compared, the regional
overview."""

from __future__ import annotations

import shutil
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.framework import FrameworkRegistry, load_framework
from assessment.models import Action, Answer, Assessment, TriggerFlag
from assessment.services.comparison import compare
from tests.conftest import World, csrf_from, login

TEST_FRAMEWORK = Path(__file__).parents[1] / "data" / "questionnaires"


def _answer(session: Session, assessment_id: int, levels: dict[str, int], author: int) -> None:
    for qid, level in levels.items():
        session.add(
            Answer(assessment_id=assessment_id, question_id=qid, level=level, updated_by_id=author)
        )
    session.commit()


def test_dashboard_shows_radar_coverage_triggers_and_what_is_incomplete(
    client: FlaskClient, world: World, session: Session
) -> None:
    _answer(
        session, world.assessment.id, {"SEC-1.1": 4, "SEC-2.1": 1, "JUS-2.1": 0}, world.focal.id
    )
    session.add(TriggerFlag(assessment_id=world.assessment.id, trigger_id="CTX-1"))
    session.commit()
    login(client, world.focal.email)
    page = client.get(f"/en/assessments/{world.assessment.id}/results").text
    assert page.count('class="series"') == 1  # G only: no review, no workshop yet
    assert "Domain scores by rating" in page
    assert "RF3 · Weakness of State structures" in page
    assert "capacity" in page and "national" in page
    assert "CTX-1" in page  # the trigger that is set
    assert "rated 3 or more without evidence" in page  # SEC-1.1 at 4, no evidence
    assert "questions unanswered" in page
    assert 'class="level-bar"' in page


def test_scores_json_for_members_only(
    client: FlaskClient, world: World, session: Session, app: Flask
) -> None:
    _answer(session, world.assessment.id, {"SEC-1.1": 2}, world.focal.id)
    login(client, world.focal.email)
    data = client.get(f"/en/assessments/{world.assessment.id}/scores.json").get_json()
    sec = next(d for d in data["domains"] if d["code"] == "SEC")
    sec1 = next(i for i in sec["indicators"] if i["id"] == "SEC-1")
    assert sec1["government"] == 2.0
    assert data["gaps"][0]["indicator"] == "SEC-1"
    stranger = app.test_client()
    login(stranger, world.other_focal.email)
    assert stranger.get(f"/en/assessments/{world.assessment.id}/scores.json").status_code == 404


def test_national_targets_change_the_gaps(
    client: FlaskClient, world: World, session: Session, app: Flask
) -> None:
    _answer(session, world.assessment.id, {"SEC-1.1": 3, "SEC-1.2": 3}, world.focal.id)
    login(client, world.focal.email)
    url = f"/en/assessments/{world.assessment.id}/targets"
    before = client.get(f"/en/assessments/{world.assessment.id}/scores.json").get_json()
    assert any(g["indicator"] == "SEC-1" for g in before["gaps"])  # weight 3: target 4
    client.post(url, data={"csrf_token": csrf_from(client.get(url).text), "target-SEC-1": "3"})
    after = client.get(f"/en/assessments/{world.assessment.id}/scores.json").get_json()
    assert not any(g["indicator"] == "SEC-1" for g in after["gaps"])
    session.rollback()
    session.expire_all()
    assert session.get(Assessment, world.assessment.id).targets == {"SEC-1": 3}
    contributor = app.test_client()
    login(contributor, world.contributor.email)
    assert (
        contributor.post(
            url, data={"csrf_token": csrf_from(contributor.get(url).text), "target-SEC-1": "0"}
        ).status_code
        == 403
    )


def test_action_plan_and_progress_in_the_next_cycle(
    client: FlaskClient, world: World, session: Session, app: Flask
) -> None:
    login(client, world.focal.email)
    url = f"/en/assessments/{world.assessment.id}/actions"
    token = csrf_from(client.get(url).text)
    client.post(
        url,
        data={
            "csrf_token": token,
            "title": "Adopt a law on parliamentary oversight",
            "owner": "Ministry of Defence",
            "deadline": "2027-06-30",
            "status": "planned",
            "indicators": "SEC-1, SEC-2",
        },
    )
    bad = client.post(
        url,
        data={
            "csrf_token": token,
            "title": "x",
            "owner": "y",
            "status": "planned",
            "indicators": "SEC-99",
        },
        follow_redirects=True,
    )
    assert "no indicator SEC-99" in bad.text
    session.rollback()
    [action] = session.scalars(select(Action)).all()
    assert action.indicator_ids == ["SEC-1", "SEC-2"]
    client.post(
        url,
        data={
            "csrf_token": token,
            "action_id": str(action.id),
            "title": action.title,
            "owner": action.owner,
            "deadline": "2027-06-30",
            "status": "done",
            "indicators": "SEC-1",
        },
    )
    session.rollback()
    session.expire_all()
    assert session.get(Action, action.id).status == "done"
    later = Assessment(
        country_id=world.home.id, cycle="2027", framework_version=world.assessment.framework_version
    )
    session.add(later)
    session.commit()
    _answer(session, later.id, {"SEC-1.1": 3}, world.focal.id)
    page = client.get(f"/en/assessments/{later.id}/actions").text
    assert "Progress on the plan of cycle 2026" in page
    assert "Adopt a law on parliamentary oversight" in page and "done" in page
    reviewer = app.test_client()
    login(reviewer, world.facilitator.email)
    assert (
        reviewer.post(
            url,
            data={
                "csrf_token": csrf_from(reviewer.get(url).text),
                "title": "x",
                "owner": "y",
                "status": "planned",
            },
        ).status_code
        == 403
    )


def test_cycles_compared_item_by_item_across_framework_versions(
    world: World, session: Session, tmp_path: Path
) -> None:
    old = load_framework(TEST_FRAMEWORK)
    newer_dir = tmp_path / "newer"
    shutil.copytree(TEST_FRAMEWORK, newer_dir)
    # Version 1.0.0 retires ARC-1 and adds ARC-2.
    arc = newer_dir / "arc.yaml"
    arc.write_text(arc.read_text().replace("ARC-1", "ARC-2"))
    meta = newer_dir / "framework.yaml"
    meta.write_text(
        meta.read_text()
        .replace("version: 0.9.0", "version: 1.0.0")
        .replace("  - version: 0.9.0", "  - version: 1.0.0")
    )
    new = load_framework(newer_dir)
    registry = FrameworkRegistry({"0.9.0": old, "1.0.0": new}, "1.0.0")
    first = Assessment(country_id=world.home.id, cycle="2024", framework_version="0.9.0")
    second = Assessment(country_id=world.home.id, cycle="2025", framework_version="1.0.0")
    session.add_all([first, second])
    session.commit()
    _answer(session, first.id, {"SEC-1.1": 1, "SEC-2.1": 3, "ARC-1.1": 2}, world.focal.id)
    _answer(session, second.id, {"SEC-1.1": 3, "SEC-2.1": 1, "ARC-2.1": 2}, world.focal.id)
    result = compare(session, registry, [first, second], "en")
    rows = {r.id: r for r in result.indicators}
    assert rows["SEC-1"].change == "improved"
    assert rows["SEC-2"].change == "fell back"
    assert rows["ARC-2"].change == "new"
    assert rows["ARC-1"].change == "dropped"
    assert not rows["ARC-2"].cells[0].present
    assert result.versions == ("0.9.0", "1.0.0")


def test_compare_page_and_regional_overview_respect_consent(
    client: FlaskClient, world: World, session: Session, app: Flask
) -> None:
    _answer(session, world.assessment.id, {"SEC-1.1": 2}, world.focal.id)
    _answer(session, world.other_assessment.id, {"SEC-1.1": 4}, world.other_focal.id)
    login(client, world.focal.email)
    page = client.get(f"/en/assessments/{world.assessment.id}/compare").text
    assert "only one cycle so far" in page
    admin = app.test_client()
    login(admin, world.admin.email)
    overview = admin.get("/en/admin/overview").text
    assert "No country shares its results yet." in overview
    index = admin.get("/en/admin/").text
    admin.post(
        f"/en/admin/countries/{world.home.id}/sharing",
        data={"csrf_token": csrf_from(index), "action": "sharing", "share": "1"},
    )
    overview = admin.get("/en/admin/overview").text
    assert "Republic of Veridia" in overview
    assert "Northern Federation" not in overview  # no consent recorded
    assert client.get("/en/admin/overview").status_code == 404
