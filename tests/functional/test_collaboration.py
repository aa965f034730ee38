"""Evidence files, comments, the team, transitions, history, the context checklist and the
administration pages, each with what must be refused."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.models import (
    Assessment,
    AuditEntry,
    Comment,
    Country,
    EvidenceFile,
    State,
    TriggerFlag,
    User,
)
from tests.conftest import PASSWORD, World, csrf_from, login

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _office(kind: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{kind}/document.xml", "<doc/>")
    return buffer.getvalue()


def _section(client: FlaskClient, world: World, code: str = "SEC") -> str:
    return client.get(f"/en/assessments/{world.assessment.id}/sections/{code}").text


def _upload(client: FlaskClient, world: World, data: bytes, name: str, question: str = "SEC-1.1"):  # noqa: ANN202
    token = csrf_from(_section(client, world))
    return client.post(
        f"/en/assessments/{world.assessment.id}/questions/{question}/evidence",
        data={"csrf_token": token, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).text


def _post_large(client: FlaskClient, world: World, token: str, data: bytes, name: str):  # noqa: ANN202
    """Upload a body too large for the test client's memory buffer; it spools it to a temporary
    file, which stays open when the server refuses the body unread."""
    from werkzeug.test import EnvironBuilder

    builder = EnvironBuilder(
        path=f"/en/assessments/{world.assessment.id}/questions/SEC-1.1/evidence",
        method="POST",
        data={"csrf_token": token, "file": (io.BytesIO(data), name)},
    )
    environ = builder.get_environ()
    try:
        return client.open(environ, follow_redirects=True)
    finally:
        environ["wsgi.input"].close()
        builder.close()


def _files(session: Session) -> list[EvidenceFile]:
    session.rollback()
    return list(session.scalars(select(EvidenceFile)))


def test_evidence_is_stored_outside_the_web_root_and_served_as_attachment(
    client: FlaskClient, world: World, session: Session, app: Flask
) -> None:
    login(client, world.focal.email)
    page = _upload(client, world, PDF, "../../etc/Committee report.pdf")
    assert "The file is attached." in page
    [record] = _files(session)
    assert record.original_name == "Committee report.pdf"
    assert record.content_type == "application/pdf"
    stored = Path(app.config["EVIDENCE_DIR"]) / record.stored_name
    assert stored.read_bytes() == PDF
    assert "static" not in str(stored)
    assert record.stored_name not in page  # the random name is never shown
    download = client.get(
        f"/en/assessments/{world.assessment.id}/evidence/{record.id}", buffered=True
    )
    assert download.status_code == 200
    assert download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("data", "name", "kept_as"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"0" * 20, "photo.png", "image/png"),
        (b"\xff\xd8\xff\xe0" + b"0" * 20, "scan.jpeg", "image/jpeg"),
        (
            _office("word"),
            "law.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            _office("xl"),
            "budget",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_accepted_types_are_recognised_by_content(
    client: FlaskClient, world: World, session: Session, data: bytes, name: str, kept_as: str
) -> None:
    login(client, world.focal.email)
    assert "The file is attached." in _upload(client, world, data, name)
    [record] = _files(session)
    assert record.content_type == kept_as


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"<html><script>alert(1)</script></html>", "report.pdf"),  # disguised
        (b"<?php system($_GET['c']); ?>", "shell.php"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "chart.svg"),
        (b"", "empty.pdf"),
        (_office("evil"), "archive.docx"),  # a zip that is no office document
        (b"PK\x03\x04broken", "broken.xlsx"),
    ],
)
def test_disguised_and_empty_files_are_refused(
    client: FlaskClient, world: World, session: Session, data: bytes, name: str
) -> None:
    login(client, world.focal.email)
    page = _upload(client, world, data, name)
    assert "The file was not attached" in page
    assert _files(session) == []


@pytest.mark.parametrize("extra", [1, 3 * 1024 * 1024])  # just over the file limit, and far over
def test_an_oversized_file_is_refused(
    client: FlaskClient, world: World, session: Session, app: Flask, extra: int
) -> None:
    login(client, world.focal.email)
    token = csrf_from(_section(client, world))
    too_big = PDF + b"0" * (app.config["MAX_UPLOAD_BYTES"] + extra - len(PDF))
    response = _post_large(client, world, token, too_big, "big.pdf")
    assert "larger than 10 MB" in response.text or response.status_code == 413
    assert _files(session) == []


def test_a_file_larger_than_other_requests_may_be_is_accepted(
    client: FlaskClient, world: World, session: Session, app: Flask
) -> None:
    login(client, world.focal.email)
    token = csrf_from(_section(client, world))
    big = PDF + b"0" * (app.config["MAX_CONTENT_LENGTH"] * 2)  # 4 MB: over the page limit
    response = _post_large(client, world, token, big, "annex.pdf")
    assert "The file is attached." in response.text
    assert [f.size for f in _files(session)] == [len(big)]


def test_who_may_attach_and_see_files(
    client: FlaskClient, world: World, session: Session, app: Flask
) -> None:
    login(client, world.focal.email)
    _upload(client, world, PDF, "a.pdf")
    [record] = _files(session)
    reviewer = app.test_client()
    login(reviewer, world.reviewer.email)
    token = csrf_from(reviewer.get("/en/").text)
    refused = reviewer.post(
        f"/en/assessments/{world.assessment.id}/questions/SEC-1.1/evidence",
        data={"csrf_token": token, "file": (io.BytesIO(PDF), "b.pdf")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 403
    evidence_url = f"/en/assessments/{world.assessment.id}/evidence/{record.id}"
    assert reviewer.get(evidence_url).status_code == 403  # blind: the government's evidence too
    assessment = session.get(Assessment, world.assessment.id)
    assessment.blind_review = False
    session.commit()
    assert reviewer.get(evidence_url, buffered=True).status_code == 200
    stranger = app.test_client()
    login(stranger, world.other_focal.email)
    assert (
        stranger.get(f"/en/assessments/{world.assessment.id}/evidence/{record.id}").status_code
        == 404
    )
    assert (
        stranger.get(
            f"/en/assessments/{world.other_assessment.id}/evidence/{record.id}"
        ).status_code
        == 404
    )


def test_removing_a_file_hides_it_and_is_audited(
    client: FlaskClient, world: World, session: Session
) -> None:
    login(client, world.focal.email)
    _upload(client, world, PDF, "a.pdf")
    [record] = _files(session)
    token = csrf_from(_section(client, world))
    client.post(
        f"/en/assessments/{world.assessment.id}/evidence/{record.id}/remove",
        data={"csrf_token": token},
    )
    assert (
        client.get(f"/en/assessments/{world.assessment.id}/evidence/{record.id}").status_code == 404
    )
    session.rollback()
    actions = [e.action for e in session.scalars(select(AuditEntry))]
    assert "attach" in actions and "detach" in actions


def test_comments_are_threaded_escaped_and_scoped(
    client: FlaskClient, world: World, session: Session, app: Flask
) -> None:
    login(client, world.focal.email)
    url = f"/en/assessments/{world.assessment.id}/questions/SEC-1.1/comments"
    client.post(
        url,
        data={
            "csrf_token": csrf_from(_section(client, world)),
            "body": "<script>alert(1)</script> Which committee?",
        },
    )
    session.rollback()
    [first] = session.scalars(select(Comment)).all()
    reviewer = app.test_client()
    login(reviewer, world.reviewer.email)
    reviewer.post(
        url,
        data={
            "csrf_token": csrf_from(reviewer.get("/en/").text),
            "body": "The defence committee.",
            "parent_id": str(first.id),
        },
    )
    page = _section(client, world)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Which committee?" in page
    assert "<script>alert(1)" not in page
    assert page.index("Which committee?") < page.index("The defence committee.")
    session.rollback()
    reply = session.scalar(select(Comment).where(Comment.parent_id == first.id))
    assert reply.author_id == world.reviewer.id
    # A reply must belong to the same question; an outsider cannot comment at all.
    other_url = f"/en/assessments/{world.assessment.id}/questions/SEC-1.2/comments"
    client.post(
        other_url,
        data={
            "csrf_token": csrf_from(_section(client, world)),
            "body": "misplaced",
            "parent_id": str(first.id),
        },
    )
    stranger = app.test_client()
    login(stranger, world.other_focal.email)
    assert (
        stranger.post(
            url, data={"csrf_token": csrf_from(stranger.get("/en/").text), "body": "hello"}
        ).status_code
        == 404
    )
    session.rollback()
    assert session.scalars(select(Comment)).all().__len__() == 2


def test_inviting_a_contributor_end_to_end(
    client: FlaskClient, world: World, session: Session, app: Flask
) -> None:
    login(client, world.focal.email)
    team_url = f"/en/assessments/{world.assessment.id}/team"
    page = client.post(
        team_url,
        data={
            "csrf_token": csrf_from(client.get(team_url).text),
            "email": "New.Person@Ministry.example",
            "name": "Nadia",
            "sections": ["JUS", "INC"],
        },
    )
    assert page.status_code == 200
    link = page.text.split('<code class="link-box">')[1].split("</code>")[0]
    path = link.split("localhost", 1)[1]
    newcomer = app.test_client()
    form = newcomer.get(path)
    assert "Welcome, Nadia" in form.text
    done = newcomer.post(
        path,
        data={
            "csrf_token": csrf_from(form.text),
            "password": "a long new password",
            "confirm": "a long new password",
        },
    )
    assert done.status_code == 302
    assert newcomer.get(path).status_code == 400  # the link works once
    login(newcomer, "new.person@ministry.example", "a long new password")
    overview = newcomer.get(f"/en/assessments/{world.assessment.id}").text
    assert overview.count("yours to answer") == 2
    assert newcomer.get(team_url).status_code == 403  # contributors do not manage the team
    session.rollback()
    history = [e.action for e in session.scalars(select(AuditEntry))]
    assert {"create", "assign", "accept_invitation"} <= set(history)


def test_a_person_of_another_country_cannot_be_invited(client: FlaskClient, world: World) -> None:
    login(client, world.focal.email)
    team_url = f"/en/assessments/{world.assessment.id}/team"
    page = client.post(
        team_url,
        data={
            "csrf_token": csrf_from(client.get(team_url).text),
            "email": world.other_focal.email,
            "sections": ["SEC"],
        },
        follow_redirects=True,
    )
    assert "Not invited" in page.text


def test_focal_point_changes_a_contributors_sections(
    client: FlaskClient, world: World, session: Session
) -> None:
    login(client, world.focal.email)
    team_url = f"/en/assessments/{world.assessment.id}/team"
    token = csrf_from(client.get(team_url).text)
    client.post(
        f"{team_url}/{world.contributor.id}", data={"csrf_token": token, "sections": ["CIT"]}
    )
    session.rollback()
    assessment = session.get(Assessment, world.assessment.id)
    session.refresh(assessment)
    assert {a.domain_code for a in assessment.assignments} == {"CIT"}


def _transition(client: FlaskClient, world: World, name: str, reason: str = "") -> str:
    token = csrf_from(client.get(f"/en/assessments/{world.assessment.id}").text)
    return client.post(
        f"/en/assessments/{world.assessment.id}/transitions/{name}",
        data={"csrf_token": token, "reason": reason},
        follow_redirects=True,
    ).text


def _set_state(session: Session, world: World, state: State) -> None:
    session.rollback()
    assessment = session.get(Assessment, world.assessment.id)
    assessment.state = state.value
    session.commit()


def _state(session: Session, world: World) -> str:
    session.rollback()
    session.expire_all()  # a rollback outside a transaction expires nothing
    return session.get(Assessment, world.assessment.id).state


@pytest.mark.parametrize(
    ("start", "name", "who", "end"),
    [
        (State.SUBMITTED, "open_review", "facilitator", State.PEER_REVIEW),
        (State.SUBMITTED, "open_review", "focal", State.SUBMITTED),
        (State.SUBMITTED, "open_review", "reviewer", State.SUBMITTED),
        (State.PEER_REVIEW, "open_workshop", "facilitator", State.VALIDATION),
        (State.VALIDATION, "validate", "contributor", State.VALIDATION),
        (State.VALIDATED, "publish", "facilitator", State.VALIDATED),
        (State.VALIDATED, "publish", "admin", State.PUBLISHED),
        (State.DRAFT, "open_review", "admin", State.DRAFT),  # not from this state
    ],
)
def test_each_transition_is_open_only_to_its_role(
    client: FlaskClient,
    world: World,
    session: Session,
    start: State,
    name: str,
    who: str,
    end: State,
) -> None:
    _set_state(session, world, start)
    login(client, getattr(world, who).email)
    _transition(client, world, name)
    assert _state(session, world) == end


def test_reopening_needs_an_administrator_and_a_reason(
    client: FlaskClient, world: World, session: Session, app: Flask
) -> None:
    _set_state(session, world, State.SUBMITTED)
    focal = app.test_client()
    login(focal, world.focal.email)
    _transition(focal, world, "reopen", "typo in SEC")
    assert _state(session, world) == State.SUBMITTED
    login(client, world.admin.email)
    assert "Give the reason" in _transition(client, world, "reopen", "  ")
    assert _state(session, world) == State.SUBMITTED
    _transition(client, world, "reopen", "The ministry of defence sent corrected figures.")
    assert _state(session, world) == State.DRAFT
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "reopen")).one()
    assert entry.new_value["reason"] == "The ministry of defence sent corrected figures."
    assert entry.user_id == world.admin.id


def test_history_filters_by_question_and_person(
    client: FlaskClient, world: World, app: Flask
) -> None:
    from tests.functional.test_autosave import save

    login(client, world.focal.email)
    token = csrf_from(client.get("/en/").text)
    save(client, token, world.assessment.id, "SEC-1.1", version=0, level=1)
    save(client, token, world.assessment.id, "SEC-1.1", version=1, level=3)
    contributor = app.test_client()
    login(contributor, world.contributor.email)
    save(
        contributor,
        csrf_from(contributor.get("/en/").text),
        world.assessment.id,
        "SEC-2.1",
        version=0,
        level=2,
    )
    url = f"/en/assessments/{world.assessment.id}/history"
    everything = client.get(url).text
    assert "3 change(s)" in everything
    by_question = client.get(f"{url}?question=SEC-1.1").text
    assert "2 change(s)" in by_question and "SEC-2.1" not in by_question
    by_person = client.get(f"{url}?person={world.contributor.id}").text
    assert "1 change(s)" in by_person and "Carlos" in by_person
    reviewer = app.test_client()
    login(reviewer, world.reviewer.email)
    assert reviewer.get(url).status_code == 403  # reviewers rate blind


def test_context_triggers_are_set_audited_and_raise_priorities(
    client: FlaskClient, world: World, session: Session
) -> None:
    login(client, world.focal.email)
    url = f"/en/assessments/{world.assessment.id}/context"
    token = csrf_from(client.get(url).text)
    client.post(
        url,
        data={
            "csrf_token": token,
            "trigger": ["CTX-1", "CTX-404"],
            "note-CTX-1": "Elections in March.",
        },
    )
    session.rollback()
    flags = session.scalars(select(TriggerFlag)).all()
    assert [(f.trigger_id, f.note) for f in flags] == [("CTX-1", "Elections in March.")]
    client.post(url, data={"csrf_token": csrf_from(client.get(url).text)})
    session.rollback()
    assert session.scalars(select(TriggerFlag)).all() == []
    actions = [e.action for e in session.scalars(select(AuditEntry))]
    assert actions.count("set_trigger") == 1 and actions.count("unset_trigger") == 1
    reviewer = client.application.test_client()
    login(reviewer, world.reviewer.email)
    assert reviewer.post(url, data={"csrf_token": token}).status_code in (400, 403)


def test_administration_is_for_administrators(
    client: FlaskClient, world: World, session: Session
) -> None:
    login(client, world.focal.email)
    assert client.get("/en/admin/").status_code == 404
    admin = client.application.test_client()
    login(admin, world.admin.email)
    page = admin.get("/es/admin/")
    assert "Alemania" in page.text  # the country list comes from Babel, in the page's language
    admin.post(
        "/en/admin/",
        data={
            "country-csrf_token": csrf_from(page.text),
            "country-iso_code": "KE",
            "country-submit": "1",
        },
    )
    session.rollback()
    kenya = session.scalar(select(Country).where(Country.iso_code == "KE"))
    assert kenya.name == "Kenya"
    admin.post(
        "/en/admin/",
        data={
            "user-csrf_token": csrf_from(page.text),
            "user-email": "fp@kenya.example",
            "user-name": "Wanjiru",
            "user-password": PASSWORD,
            "user-country_id": str(kenya.id),
            "user-role": "focal_point",
            "user-submit": "1",
        },
    )
    admin.post(
        "/en/admin/",
        data={
            "open-csrf_token": csrf_from(page.text),
            "open-country_id": str(kenya.id),
            "open-cycle": "2027",
            "open-submit": "1",
        },
    )
    session.rollback()
    person = session.scalar(select(User).where(User.email == "fp@kenya.example"))
    assert person.role_in(kenya.id).value == "focal_point"
    opened = session.scalar(select(Assessment).where(Assessment.country_id == kenya.id))
    assert opened.cycle == "2027" and opened.focal_point_id == person.id
