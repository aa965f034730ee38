"""The home page says how far each assessment has come."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from assessment.models import Answer
from tests.conftest import World, login


def test_home_shows_answered_out_of_total(
    app: Flask, client: FlaskClient, session: Session, world: World
) -> None:
    framework = app.extensions["frameworks"].current
    questions = [q for d in framework.answerable_domains for i in d.indicators for q in i.questions]
    total = len(questions)
    login(client, "focal@test.example")
    assert f"0 / {total}" in client.get("/en/").text

    for question in questions[:3]:
        session.add(
            Answer(
                assessment_id=world.assessment.id,
                question_id=question.id,
                status="unknown",
                reason="Held by another ministry.",
                updated_by_id=world.focal.id,
            )
        )
    session.commit()
    page = client.get("/en/").text
    assert f"3 / {total}" in page
    assert f'<progress max="{total}" value="3"' in page
    # The other country's assessment is neither listed nor counted.
    assert page.count("<progress") == 1
