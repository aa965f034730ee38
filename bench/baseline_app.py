"""The baseline: a bare Flask + SQLAlchemy app doing what the platform's requests do at their
core, with nothing else (no login, CSRF, access checks, audit, framework or templates).

    /upsert/<assessment>/<question>  one-row upsert of an answer (what an autosave writes)
    /page/<assessment>               read an assessment's answers, render them as a table
    /file                            send one file from disk (what a cached report is)

It runs against the same database as the platform, in a table of its own.
"""

from __future__ import annotations

import os

from flask import Flask, render_template_string, request, send_file
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from assessment.db import make_engine

metadata = MetaData()
baseline_answers = Table(
    "bench_baseline_answers",
    metadata,
    Column("assessment_id", Integer, primary_key=True),
    Column("question_id", String(32), primary_key=True),
    Column("level", Integer),
    Column("evidence", Text),
    Column("version", Integer, nullable=False, default=1),
)

PAGE = """<!doctype html><html><head><title>{{ id }}</title></head><body>
<table>{% for row in rows %}<tr><td>{{ row.question_id }}</td><td>{{ row.level }}</td>
<td>{{ row.evidence }}</td></tr>{% endfor %}</table></body></html>"""


def create_app() -> Flask:
    app = Flask(__name__)
    engine = make_engine(
        os.environ["DATABASE_URL"], synchronous=os.environ.get("SQLITE_SYNCHRONOUS", "FULL")
    )
    metadata.create_all(engine)
    upsert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    pdf = os.environ.get("BASELINE_FILE", "")
    app.extensions["engine"] = engine

    @app.post("/upsert/<int:assessment_id>/<question_id>")
    def save(assessment_id: int, question_id: str):  # noqa: ANN202
        payload = request.get_json()
        statement = upsert(baseline_answers).values(
            assessment_id=assessment_id,
            question_id=question_id,
            level=int(payload["level"]),
            evidence=payload.get("evidence"),
            version=1,
        )
        statement = statement.on_conflict_do_update(
            index_elements=["assessment_id", "question_id"],
            set_={
                "level": statement.excluded.level,
                "evidence": statement.excluded.evidence,
                "version": baseline_answers.c.version + 1,
            },
        )
        with engine.connect().execution_options(sqlite_immediate=True) as conn:
            conn.execute(statement)
            conn.commit()
        return {"saved": True}

    @app.get("/page/<int:assessment_id>")
    def page(assessment_id: int) -> str:
        with engine.connect() as conn:
            rows = conn.execute(
                select(baseline_answers).where(baseline_answers.c.assessment_id == assessment_id)
            ).all()
        return render_template_string(PAGE, id=assessment_id, rows=rows)

    @app.get("/file")
    def file():  # noqa: ANN202
        return send_file(pdf, mimetype="application/pdf", conditional=True, etag=True, max_age=0)

    return app


app = create_app()
