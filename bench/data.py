"""Bulk data for the benchmarks: thousands of complete assessments, written with executemany
(SQLite) or COPY (PostgreSQL), never through the ORM one row at a time.

Bulk countries have codes no real country has (a letter and a digit); every bulk country has a
focal point and a peer reviewer; every bulk assessment is fully answered, and one in seven has a
submitted peer review of every scored question.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, Table, select, text

from assessment.framework import Framework
from assessment.framework.schema import Question, QuestionType
from assessment.models import (
    Answer,
    Assessment,
    Country,
    Membership,
    Review,
    ReviewRating,
    User,
)
from assessment.passwords import hash_password

PASSWORD = "bench-password"
REVIEWED_EVERY = 7  # one assessment in seven carries a submitted peer review
COUNTRIES = [f"{letter}{digit}" for letter in "BCDEFGHIJK" for digit in range(10)]


@dataclass
class BulkData:
    """What has been written so far, and who the load generator logs in as."""

    assessments: int = 0
    answers: int = 0
    ratings: int = 0
    # (e-mail, assessment id) of focal points whose draft assessment the load users answer
    respondents: list[tuple[str, int]] = field(default_factory=list)
    countries: list[int] = field(default_factory=list)
    focal_points: dict[int, int] = field(default_factory=dict)  # country id -> user id
    reviewers: dict[int, int] = field(default_factory=dict)
    codes: dict[int, str] = field(default_factory=dict)  # country id -> lower-case code


def answer_fields(question: Question, rng: random.Random) -> dict[str, Any]:
    if question.type is QuestionType.SCALE:
        level = rng.randrange(5)
        return {
            "level": level,
            "value": None,
            "confidence": rng.choice(("high", "medium", "low")),
            "evidence": "Annual report of the ministry, section 3." if level >= 2 else None,
        }
    if question.type is QuestionType.YES_NO_PARTIAL:
        value = rng.choice(("yes", "no", "partial"))
    elif question.type is QuestionType.NUMBER:
        value = str(rng.randrange(20))
    elif question.type is QuestionType.CHOICE:
        value = rng.choice([c.value for c in question.choices or []])
    else:
        value = "Two recruitment campaigns in the northern provinces."
    return {"level": None, "value": value, "confidence": None, "evidence": None}


def _insert(engine: Engine, table: Table, rows: list[dict[str, Any]]) -> None:
    """Many rows at once: COPY on PostgreSQL, executemany in chunks elsewhere."""
    if not rows:
        return
    columns = list(rows[0])
    if engine.dialect.name == "postgresql":
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            names = ", ".join(columns)
            with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row([row[c] for c in columns])
            raw.commit()
        finally:
            raw.close()
        return
    with engine.begin() as conn:
        for start in range(0, len(rows), 20_000):
            conn.execute(table.insert(), rows[start : start + 20_000])


def ensure_people(engine: Engine, data: BulkData, countries: int) -> None:
    """Bulk countries, each with a focal point and a peer reviewer (one password hash for all)."""
    if data.countries:
        return
    digest = hash_password(PASSWORD)
    now = datetime.now(UTC)
    codes = COUNTRIES[:countries]
    _insert(
        engine,
        Country.__table__,
        [
            {"iso_code": c, "name": f"Bench country {c}", "shares_results": True, "created_at": now}
            for c in codes
        ],
    )
    with engine.connect() as conn:
        ids = dict(
            conn.execute(
                select(Country.iso_code, Country.id).where(Country.iso_code.in_(codes))
            ).all()
        )
    people = []
    for code in codes:
        for role in ("focal", "reviewer"):
            people.append(
                {
                    "email": f"{role}-{code.lower()}@bench.example",
                    "name": f"{role.title()} {code}",
                    "password_hash": digest,
                    "is_admin": False,
                    "active": True,
                    "session_token": f"{role}{code}".ljust(32, "0"),
                    "failed_logins": 0,
                    "created_at": now,
                }
            )
    _insert(engine, User.__table__, people)
    with engine.connect() as conn:
        users = dict(
            conn.execute(
                select(User.email, User.id).where(User.email.like("%@bench.example"))
            ).all()
        )
    memberships = []
    for code in codes:
        country = ids[code]
        focal = users[f"focal-{code.lower()}@bench.example"]
        reviewer = users[f"reviewer-{code.lower()}@bench.example"]
        data.focal_points[country] = focal
        data.reviewers[country] = reviewer
        memberships += [
            {"user_id": focal, "country_id": country, "role": "focal_point"},
            {"user_id": reviewer, "country_id": country, "role": "peer_reviewer"},
        ]
        data.countries.append(country)
        data.codes[country] = code.lower()
    _insert(engine, Membership.__table__, memberships)


def grow(engine: Engine, framework: Framework, data: BulkData, target: int, seed: int = 7) -> None:
    """Add complete assessments until there are `target` bulk assessments."""
    rng = random.Random(seed + data.assessments)  # noqa: S311 - test data, not secrets
    questions = [q for d in framework.answerable_domains for i in d.indicators for q in i.questions]
    scored = [q for q in questions if q.type is QuestionType.SCALE]
    now = datetime.now(UTC)
    first = data.assessments
    new = []
    for k in range(first, target):
        country = data.countries[k % len(data.countries)]
        new.append(
            {
                "country_id": country,
                "area": f"Region {k}",
                "cycle": "2026",
                "framework_version": framework.version,
                "state": "draft",
                "focal_point_id": data.focal_points[country],
                "created_at": now,
                "targets": None,
                "blind_review": True,
            }
        )
    if not new:
        return
    for row in new:  # COPY takes JSON as text; executemany lets the JSON type serialise it
        row["targets"] = "{}" if engine.dialect.name == "postgresql" else {}
    _insert(engine, Assessment.__table__, new)
    with engine.connect() as conn:
        rows = conn.execute(
            select(Assessment.id, Assessment.country_id, Assessment.area).where(
                Assessment.area.in_([r["area"] for r in new])
            )
        ).all()
    answers, reviews = [], []
    answering = {c for c in data.countries if any(data.codes[c] in e for e, _ in data.respondents)}
    for assessment_id, country, _area in sorted(rows):
        author = data.focal_points[country]
        for question in questions:
            answers.append(
                {
                    "assessment_id": assessment_id,
                    "question_id": question.id,
                    "status": "answered",
                    **answer_fields(question, rng),
                    "reason": None,
                    "comment": None,
                    "flagged": False,
                    "text_language": None,
                    "version": 1,
                    "updated_by_id": author,
                    "updated_at": now,
                }
            )
        if assessment_id % REVIEWED_EVERY == 0:
            reviews.append(
                {
                    "assessment_id": assessment_id,
                    "reviewer_id": data.reviewers[country],
                    "organisation": f"Civil society of {country}",
                    "created_at": now,
                    "submitted_at": now,
                }
            )
        if country not in answering:  # one draft per country for the load users to answer
            answering.add(country)
            data.respondents.append((f"focal-{data.codes[country]}@bench.example", assessment_id))
    _insert(engine, Answer.__table__, answers)
    _insert(engine, Review.__table__, reviews)
    with engine.connect() as conn:
        review_ids = conn.execute(
            select(Review.id).where(Review.assessment_id.in_([r[0] for r in rows]))
        ).scalars()
        ratings = [
            {
                "review_id": review_id,
                "question_id": q.id,
                "status": "answered",
                "level": rng.randrange(5),
                "confidence": "medium",
                "version": 1,
                "updated_at": now,
            }
            for review_id in list(review_ids)
            for q in scored
        ]
    _insert(engine, ReviewRating.__table__, ratings)
    data.assessments = target
    data.answers += len(answers)
    data.ratings += len(ratings)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
