"""The benchmark runner behind `make bench`.

Starts the platform under gunicorn (gunicorn.conf.py) on loopback, and beside it a bare Flask +
SQLAlchemy app as the baseline, on the embedded SQLite database and, when the server answers, on
a throw-away PostgreSQL database; drives both from this process (asyncio + aiohttp virtual
users), bounded in time; renders the gap report against bare WeasyPrint; prints one table of
every measurement against its baseline and its target, and writes bench/results/latest.json.

    python -m bench.run [--scale small|full] [--seconds 8] [--pdf-runs 3] [--postgres URL|off]

Sizes: the 16x step holds 10,000 assessments and about 2 million answers at --scale full
(`make bench SCALE=full`) and 1,000 assessments (about 200,000 answers) at the default
--scale small, so a default run stays within a few minutes on two cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import pickle
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PY = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
ADMIN = ("admin@demo.example", "demo-password")
SIZES = {"small": 1_000, "full": 10_000}
# A page user loads a page about once a second: far faster than anyone reads a section of forty
# questions, so the load is heavier than 20 real people, yet not 20 requests always in flight.
PAGE_EVERY = 1.0


@dataclass
class Row:
    """One line of the table."""

    name: str
    database: str
    value: float | None
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    target: str = ""
    passed: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline


ROWS: list[Row] = []
DETAILS: dict[str, Any] = {}


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def server(app: str, env: dict[str, str], log: Path) -> Iterator[str]:
    """gunicorn serving `app` on a free loopback port, stopped afterwards."""
    port = free_port()
    with open(log, "ab") as out:
        process = subprocess.Popen(  # noqa: S603
            [
                GUNICORN,
                "--config",
                str(ROOT / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                app,
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=out,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        probe = "/healthz" if app == "wsgi:app" else "/page/0"
        for _ in range(300):
            if process.poll() is not None:
                raise RuntimeError(f"{app} did not start; see {log}")
            try:
                with urllib.request.urlopen(base + probe, timeout=2) as reply:  # noqa: S310
                    if reply.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"{app} did not answer; see {log}")
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def report_worker(env: dict[str, str], log: Path) -> Iterator[None]:
    """One RQ report worker (when REDIS_URL is set): renders run one at a time, at low priority."""
    if not env.get("REDIS_URL"):
        yield
        return
    with open(log, "ab") as out:
        process = subprocess.Popen(  # noqa: S603
            [PY, "-m", "flask", "--app", "wsgi", "reports", "worker"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=out,
        )
    try:
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def redis_reachable(url: str) -> bool:
    try:
        from redis import Redis

        connection = Redis.from_url(url, socket_connect_timeout=2)
        try:
            return bool(connection.ping())
        finally:
            connection.close()
    except Exception:  # noqa: BLE001 - any failure: run without it
        return False


def flask(env: dict[str, str], *args: str) -> str:
    run = subprocess.run(  # noqa: S603
        [PY, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{run.stdout}\n{run.stderr}")
    return run.stdout


def environment(database_url: str, instance: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")},
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "bench-" + secrets.token_hex(8),
        "SESSION_COOKIE_SECURE": "0",
        "REMEMBER_COOKIE_SECURE": "0",
        # Every virtual user logs in from 127.0.0.1 and saves far faster than a person.
        "LOGIN_RATE_LIMIT": "1000000 per minute",
        "AUTOSAVE_RATE_LIMIT": "1000000 per minute",
        "WEB_ACCESS_LOG": "off",
        "PYTHONPATH": str(ROOT),
    }


def ms(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


# ---------------------------------------------------------------------------------------------
# One database: data at three sizes, the web measurements, the growth factors.


class Bench:
    def __init__(self, kind: str, database_url: str, work: Path, args: argparse.Namespace):
        self.kind = kind
        self.url = database_url
        self.work = work
        self.args = args
        self.instance = work / f"instance-{kind}"
        self.instance.mkdir(parents=True, exist_ok=True)
        self.env = environment(database_url, self.instance)
        if args.redis_url:
            # Reports render in an RQ worker, apart from the web workers, as in production.
            self.env["REDIS_URL"] = args.redis_url
            self.env["REPORT_QUEUE"] = f"bench-reports-{secrets.token_hex(4)}"
        self.log = work / f"gunicorn-{kind}.log"

    def prepare(self) -> None:
        say(f"{self.kind}: migrating and seeding the demo")
        flask(self.env, "db", "upgrade")
        flask(self.env, "demo", "seed")
        os.environ.update({k: self.env[k] for k in ("INSTANCE_PATH", "DATABASE_URL")})
        from assessment import create_app

        self.app = create_app({"DATABASE_URL": self.url, "SECRET_KEY": self.env["SECRET_KEY"]})
        self.engine = self.app.extensions["database"].engine
        registry = self.app.extensions["frameworks"]
        self.framework = registry.get(registry.current_version)
        from bench import data
        from bench.baseline_app import metadata

        metadata.create_all(self.engine)
        self.data = data.BulkData()
        data.ensure_people(self.engine, self.data, countries=100)

    def grow(self, target: int) -> float:
        from bench import data

        started = time.perf_counter()
        data.grow(self.engine, self.framework, self.data, target)
        took = time.perf_counter() - started
        say(
            f"{self.kind}: {self.data.assessments} bulk assessments, "
            f"{self.data.answers + self.data.ratings:,} answers and ratings ({took:.1f} s)"
        )
        return took

    def fill_baseline_table(self) -> None:
        """The baseline app's table gets the same answers for its assessments."""
        from sqlalchemy import text

        ids = [a for _e, a in self.data.respondents]
        with self.engine.begin() as conn:
            conn.execute(text("DELETE FROM bench_baseline_answers"))
            conn.execute(
                text(
                    "INSERT INTO bench_baseline_answers "
                    "(assessment_id, question_id, level, evidence, version) "
                    "SELECT assessment_id, question_id, level, evidence, 1 FROM answers "
                    f"WHERE assessment_id IN ({','.join(str(int(i)) for i in ids)})"  # noqa: S608
                )
            )

    # -- the web measurements ------------------------------------------------------------------

    async def users(self, base: str, count: int, admin: bool = False) -> list[Any]:
        from bench import load

        people = [(ADMIN[0], 0)] * count if admin else self.data.respondents[:count]
        users = []
        for email, assessment_id in people:
            user = await load.new_user(base)
            password = ADMIN[1] if admin else "bench-password"
            await load.login(user, email, password)
            user.assessment_id = assessment_id
            users.append(user)
        return users

    async def more_users(self, base: str, start: int, end: int) -> list[Any]:
        from bench import load

        users = []
        for email, assessment_id in self.data.respondents[start:end]:
            user = await load.new_user(base)
            await load.login(user, email, "bench-password")
            user.assessment_id = assessment_id
            users.append(user)
        return users

    async def baseline_users(self, base: str, count: int) -> list[Any]:
        from bench import load

        users = []
        for _email, assessment_id in self.data.respondents[:count]:
            user = await load.new_user(base)
            user.assessment_id = assessment_id
            users.append(user)
        return users

    def scale_questions(self) -> list[str]:
        return [q.id for q in self.framework.questions if q.scored]

    async def growth_step(self, app_base: str, label: str) -> dict[str, float | None]:
        """A short measurement at the current size: autosave and section page medians, and
        scoring one assessment through the service (database and engine)."""
        from bench import load

        seconds = max(3.0, self.args.seconds / 2)
        users = self.pool[:20]
        saves = await load.paced(
            "autosave", users, load.autosave(self.scale_questions()), seconds, every=0.5
        )
        pages = await load.closed_loop(
            "section", users[:4], load.get("/en/assessments/{a}/sections/SEC"), seconds
        )
        scoring = self.time_service_scoring()
        step = {
            "autosave_p50_ms": saves.pct(50),
            "section_p50_ms": pages.pct(50),
            "score_one_ms": scoring,
        }
        DETAILS.setdefault(self.kind, {}).setdefault("growth", {})[label] = {
            "assessments": self.data.assessments,
            "answers": self.data.answers + self.data.ratings,
            **step,
        }
        say(f"{self.kind} {label}: {json.dumps({k: ms(v) for k, v in step.items()})}")
        return step

    def time_service_scoring(self) -> float:
        """Median time to score one assessment from the database (answers, reviews, engine)."""
        from assessment.models import Assessment
        from assessment.services.assessments import score

        samples = []
        ids = [a for _e, a in self.data.respondents[:15]]
        with self.app.extensions["database"].session() as session:
            for assessment_id in ids:
                assessment = session.get(Assessment, assessment_id)
                started = time.perf_counter()
                score(session, self.framework, assessment)
                samples.append(time.perf_counter() - started)
                session.rollback()
        return statistics.median(samples) * 1000

    async def web(self, app_base: str, base_base: str) -> None:
        from bench import load

        s = self.args.seconds
        db = self.kind
        questions = self.scale_questions()

        say(f"{db}: autosave, 100 users each saving about once a second")
        users = self.pool
        baseline = await self.baseline_users(base_base, 100)
        try:
            paced = await load.paced("autosave", users, load.autosave(questions), s, every=1.0)
            paced_base = await load.paced(
                "baseline upsert", baseline, load.baseline_upsert(questions), s, every=1.0
            )
            self.paced_p95 = paced.pct(95)
            DETAILS.setdefault(db, {})["autosave_paced"] = paced.summary()
            DETAILS[db]["baseline_upsert_paced"] = paced_base.summary()
            ROWS.append(
                Row(
                    "autosave p95, 100 users",
                    db,
                    paced.pct(95),
                    "ms",
                    paced_base.pct(95),
                    "bare upsert p95",
                    "< 50 ms",
                    (paced.pct(95) or 1e9) < 50,
                    f"{paced.throughput:.0f}/s, {paced.errors} errors",
                )
            )
            ROWS.append(
                Row(
                    "autosave p99, 100 users",
                    db,
                    paced.pct(99),
                    "ms",
                    paced_base.pct(99),
                    "bare upsert p99",
                    "< 200 ms",
                    (paced.pct(99) or 1e9) < 200,
                )
            )
            say(f"{db}: autosave throughput, 100 users without pauses")
            closed = await load.closed_loop("autosave", users, load.autosave(questions), s)
            closed_base = await load.closed_loop(
                "baseline upsert", baseline, load.baseline_upsert(questions), s
            )
            DETAILS[db]["autosave_closed"] = closed.summary()
            DETAILS[db]["baseline_upsert_closed"] = closed_base.summary()
            ROWS.append(
                Row(
                    "autosave throughput",
                    db,
                    closed.throughput,
                    "req/s",
                    closed_base.throughput,
                    "bare upsert req/s",
                    ">= 0.5 x baseline",
                    closed.throughput >= 0.5 * closed_base.throughput,
                    f"{closed.errors} errors",
                )
            )

            say(f"{db}: section page and dashboard, 20 users")
            twenty, twenty_base = users[:20], baseline[:20]
            page_base = await load.paced(
                "baseline page", twenty_base, load.get("/page/{a}"), s, every=PAGE_EVERY
            )
            DETAILS[db]["baseline_page"] = page_base.summary()
            for name, path, target in (
                ("section page p95, 20 users", "/en/assessments/{a}/sections/SEC", 100),
                ("results dashboard p95, 20 users", "/en/assessments/{a}/results", 150),
            ):
                await self.page_row(name, twenty, path, target, page_base)
        finally:
            await load.close(baseline)

        say(f"{db}: lists as the secretariat sees them, 20 users")
        for name, path, target in (
            ("assessment list p95, 20 users", "/en/", 100),
            ("regional overview p95, 20 users", "/en/admin/overview", 150),
        ):
            await self.page_row(name, self.admins, path, target, page_base)

    async def page_row(
        self, name: str, users: list[Any], path: str, target: float, base: Any
    ) -> None:
        """A page under 20 users who each load one about every second (the target), and the
        same users without pauses (what two cores serve at most, for the note)."""
        from bench import load

        db, s = self.kind, self.args.seconds
        stats = await load.paced(name, users, load.get(path), s, every=PAGE_EVERY)
        saturated = await load.closed_loop(name, users, load.get(path), s / 2)
        DETAILS[db][name] = stats.summary()
        DETAILS[db][name + " (no pauses)"] = saturated.summary()
        ROWS.append(
            Row(
                name,
                db,
                stats.pct(95),
                "ms",
                base.pct(95),
                "bare page p95",
                f"< {target:g} ms",
                (stats.pct(95) or 1e9) < target,
                f"{stats.throughput:.0f}/s, {stats.errors} errors; without pauses "
                f"{saturated.throughput:.0f}/s at p95 {fmt(saturated.pct(95))} ms",
            )
        )

    async def reports(self, app_base: str, base_base: str, baseline_file: Path) -> None:
        """A cached report served, and autosave while four reports render at once."""
        from bench import load

        db = self.kind
        demo = self.demo_assessment()
        admin = self.admins[0]
        admin.assessment_id = demo
        await fetch_report(admin, f"{app_base}/en/assessments/{demo}/report.pdf")
        cached = await load.sequential(
            "cached report", admin, load.get("/en/assessments/{a}/report.pdf"), 40
        )
        newest = max(Path(self.instance / "reports").glob("*.pdf"), key=lambda p: p.stat().st_mtime)
        shutil.copyfile(newest, baseline_file)
        base_user = await load.new_user(base_base)
        try:
            served = await load.sequential("baseline file", base_user, load.get("/file"), 40)
        finally:
            await load.close([base_user])
        DETAILS[db]["cached_report"] = cached.summary()
        DETAILS[db]["baseline_file"] = served.summary()
        ROWS.append(
            Row(
                "cached report served, p95",
                db,
                cached.pct(95),
                "ms",
                served.pct(95),
                "bare send_file p95",
                "< 50 ms",
                (cached.pct(95) or 1e9) < 50,
            )
        )

        say(f"{db}: autosave while four reports render at once")
        for path in (self.instance / "reports").glob("*.pdf"):
            path.unlink()
        users = self.pool
        requesters = self.admins[:4]
        langs = ("en", "fr", "ar", "zh")

        async def render(user: Any, lang: str) -> float:
            started = time.perf_counter()
            await fetch_report(user, f"{app_base}/{lang}/assessments/{demo}/report.pdf")
            return time.perf_counter() - started

        renders = asyncio.gather(
            *(render(u, lang) for u, lang in zip(requesters, langs, strict=True))
        )
        during = asyncio.create_task(
            load.paced(
                "autosave during renders",
                users,
                load.autosave(self.scale_questions()),
                self.args.seconds + 6,
                every=1.0,
            )
        )
        durations = await renders
        stats = await during
        DETAILS[db]["autosave_during_renders"] = stats.summary()
        DETAILS[db]["four_renders_s"] = durations
        ROWS.append(
            Row(
                "autosave p95 during 4 PDF renders",
                db,
                stats.pct(95),
                "ms",
                self.paced_p95,
                "autosave p95 without",
                "< 2 x baseline",
                (stats.pct(95) or 1e9) < 2 * (self.paced_p95 or 0),
                f"renders took {', '.join(f'{d:.1f}' for d in durations)} s",
            )
        )

    def demo_assessment(self) -> int:
        from sqlalchemy import select

        from assessment.models import Assessment, Country

        with self.engine.connect() as conn:
            return conn.execute(
                select(Assessment.id)
                .join(Country)
                .where(Country.iso_code == "XV", Assessment.cycle == "2025", Assessment.area == "")
            ).scalar_one()

    def scoring(self) -> None:
        """Scoring 1,000 complete assessments with the pure engine (data loaded beforehand)."""
        from sqlalchemy import select
        from sqlalchemy.orm import selectinload

        from assessment.models import Answer, Review
        from assessment.scoring import score_assessment
        from assessment.services.assessments import as_responses
        from assessment.services.review import reviewer_responses

        with self.app.extensions["database"].session() as session:
            ids = list(
                session.scalars(
                    select(Answer.assessment_id)
                    .distinct()
                    .order_by(Answer.assessment_id)
                    .limit(1000)
                )
            )
            answers: dict[int, dict[str, Any]] = {i: {} for i in ids}
            for answer in session.scalars(select(Answer).where(Answer.assessment_id.in_(ids))):
                answers[answer.assessment_id][answer.question_id] = answer
            reviews: dict[int, list[Any]] = {i: [] for i in ids}
            for review in session.scalars(
                select(Review)
                .where(Review.assessment_id.in_(ids), Review.submitted_at.is_not(None))
                .options(selectinload(Review.ratings))
            ):
                reviews[review.assessment_id].append(review)
            inputs = [(as_responses(answers[i]), reviewer_responses(reviews[i])) for i in ids]
        framework = self.framework

        def engine(n: int) -> float:
            started = time.process_time()
            for government, peers in inputs[:n]:
                score_assessment(framework, government, peers)
            return time.process_time() - started

        def plain(n: int) -> float:
            """The baseline: a plain mean of the rated levels per indicator, nothing else."""
            indicators = [(i.id, [q.id for q in i.scored_questions]) for i in framework.indicators]
            started = time.process_time()
            for government, _peers in inputs[:n]:
                for _id, qids in indicators:
                    levels = [
                        government[q].level
                        for q in qids
                        if q in government and government[q].level is not None
                    ]
                    _ = sum(levels) / len(levels) if levels else None
            return time.process_time() - started

        count = len(inputs)
        total = min(engine(count) for _ in range(3))
        base = min(plain(count) for _ in range(3))
        DETAILS.setdefault(self.kind, {})["scoring"] = {"assessments": count, "seconds": total}
        ROWS.append(
            Row(
                f"scoring {count:,} complete assessments",
                self.kind,
                total,
                "s",
                base,
                "plain means",
                "< 1 s in all",
                total < 1.0,
                f"CPU time, {total / count * 1000:.2f} ms each",
            )
        )
        sizes = [max(1, count // 16), max(1, count // 4), count]
        times = [min(engine(n) for _ in range(3)) for n in sizes]
        DETAILS[self.kind]["scoring_growth"] = dict(zip(map(str, sizes), times, strict=True))
        per = [t / n for t, n in zip(times, sizes, strict=True)]
        growth_row(self.kind, "scoring, time per assessment", per, "ms", 1000)


async def fetch_report(user: Any, url: str) -> None:
    """Download a report, waiting while the queue renders it (202 + Refresh) when it does."""
    for _ in range(1200):
        async with user.http.get(url) as reply:
            await reply.read()
            if reply.status == 200:
                return
            if reply.status != 202:
                raise RuntimeError(f"the report answered {reply.status}")
        await asyncio.sleep(0.5)
    raise RuntimeError("the report was not ready in 10 minutes")


def growth_row(
    db: str, name: str, values: list[float | None], unit: str, scale: float = 1.0
) -> None:
    """A cost measured at 1x, 4x, 16x the data: its factor from 1x to 16x, against 16 (linear)."""
    first, last = values[0], values[-1]
    factor = (last / first) if first and last else None
    DETAILS.setdefault(db, {}).setdefault("growth_factors", {})[name] = {
        "1x": values[0],
        "4x": values[1],
        "16x": values[2],
        "factor_16x": factor,
    }
    ROWS.append(
        Row(
            f"growth 1x->16x: {name}",
            db,
            factor,
            "x",
            16.0,
            "linear (16x)",
            "<= linear",
            factor is not None and factor <= 16 * 1.25,
            " / ".join(f"{(v or 0) * scale:.2f}" for v in values) + f" {unit} at 1x/4x/16x",
        )
    )


async def run_web(bench: Bench, sizes: list[int], pdf_file: Path, reports: bool) -> None:
    with (
        report_worker(bench.env, bench.log),
        server("wsgi:app", bench.env, bench.log) as app_base,
        server(
            "bench.baseline_app:app", {**bench.env, "BASELINE_FILE": str(pdf_file)}, bench.log
        ) as base_base,
    ):
        say(f"{bench.kind}: logging in 100 respondents and 20 administrators")
        bench.grow(sizes[0])
        bench.pool = await bench.users(app_base, 20)
        bench.admins = await bench.users(app_base, 20, admin=True)
        try:
            await measure(bench, sizes, app_base, base_base, pdf_file, reports)
        finally:
            from bench import load

            await load.close(bench.pool + bench.admins)
    if reports:  # the engine is pure: once is enough
        bench.scoring()


async def measure(
    bench: Bench, sizes: list[int], app_base: str, base_base: str, pdf_file: Path, reports: bool
) -> None:
    steps = []
    for label, size in zip(("1x", "4x", "16x"), sizes, strict=True):
        bench.grow(size)
        steps.append(await bench.growth_step(app_base, label))
    bench.fill_baseline_table()
    for key, name, unit in (
        ("autosave_p50_ms", "autosave p50", "ms"),
        ("section_p50_ms", "section page p50", "ms"),
        ("score_one_ms", "scoring one assessment from the database", "ms"),
    ):
        growth_row(bench.kind, name, [s[key] for s in steps], unit)
    bench.pool += await bench.more_users(app_base, len(bench.pool), 100)
    await bench.web(app_base, base_base)
    if reports:
        await bench.reports(app_base, base_base, pdf_file)


# ---------------------------------------------------------------------------------------------
# PDFs: the platform's render against bare WeasyPrint, in fresh processes.


def pdfs(bench: Bench, runs: int) -> None:
    from assessment.reports.render import render_html
    from assessment.services.reporting import gap_report_data

    registry = bench.app.extensions["frameworks"]
    demo = bench.demo_assessment()
    results: dict[str, dict[str, list[dict[str, float]]]] = {}
    from assessment.models import Assessment

    for lang in ("en", "ar", "zh"):
        with bench.app.app_context(), bench.app.extensions["database"].session() as session:
            assessment = session.get(Assessment, demo)
            framework = registry.localized(assessment.framework_version, lang)
            report = gap_report_data(session, framework, assessment, lang)
        job = bench.work / f"report-{lang}.pickle"
        job.write_bytes(
            pickle.dumps({"report": report, "lang": lang, "html": render_html(report, lang)})
        )
        results[lang] = {"app": [], "bare": []}
        for run in range(runs):
            for mode in ("app", "bare") if run % 2 == 0 else ("bare", "app"):
                probe = subprocess.run(  # noqa: S603
                    [PY, "-m", "bench.pdf_probe", mode, str(job)],
                    cwd=ROOT,
                    env={**os.environ, "PYTHONPATH": str(ROOT)},
                    capture_output=True,
                    text=True,
                    check=True,
                )
                results[lang][mode].append(json.loads(probe.stdout.strip().splitlines()[-1]))
        say(
            f"pdf {lang}: "
            + ", ".join(
                f"{m} {statistics.median(r['seconds'] for r in results[lang][m]):.2f} s"
                for m in ("app", "bare")
            )
        )
    DETAILS["pdf"] = results

    def median(lang: str, mode: str, key: str = "seconds") -> float:
        return statistics.median(r[key] for r in results[lang][mode])

    en = median("en", "app")
    pages = results["en"]["app"][0]["pages"]
    ROWS.append(
        Row(
            f"gap report en ({pages} pages), median",
            "-",
            en,
            "s",
            median("en", "bare"),
            "bare WeasyPrint",
            "<= 3 s and <= 1.2 x baseline",
            en <= 3.0 and en <= 1.2 * median("en", "bare"),
        )
    )
    peak = max(r["peak_mb"] for lang in results for r in results[lang]["app"])
    ROWS.append(
        Row(
            "gap report peak memory",
            "-",
            peak,
            "MB",
            max(r["peak_mb"] for lang in results for r in results[lang]["bare"]),
            "bare WeasyPrint",
            "<= 400 MB",
            peak <= 400,
        )
    )
    for lang in ("ar", "zh"):
        value = median(lang, "app")
        ROWS.append(
            Row(
                f"gap report {lang} ({results[lang]['app'][0]['pages']} pages), median",
                "-",
                value,
                "s",
                en,
                "gap report en",
                "<= 1.3 x en",
                value <= 1.3 * en,
            )
        )


# ---------------------------------------------------------------------------------------------


def postgres_database(server_url: str) -> tuple[str, Any] | None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    try:
        url = make_url(server_url)
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        name = f"assessment_bench_{secrets.token_hex(4)}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001 - reported, and the run goes on without it
        say(f"PostgreSQL not reachable at {server_url}: {type(error).__name__}; skipped")
        return None

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"


def table() -> str:
    header = ("measurement", "db", "value", "unit", "baseline", "ratio", "target", "result", "note")
    lines = [header]
    for row in ROWS:
        lines.append(
            (
                row.name,
                row.database,
                fmt(row.value),
                row.unit,
                f"{fmt(row.baseline)} ({row.baseline_name})" if row.baseline_name else "-",
                fmt(row.ratio) + "x" if row.ratio is not None else "-",
                row.target,
                "pass" if row.passed else ("FAIL" if row.passed is not None else "-"),
                row.note,
            )
        )
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header) - 1)]
    out = []
    for k, line in enumerate(lines):
        out.append(
            "  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=False)) + "  " + line[-1]
        )
        if k == 0:
            out.append("  ".join("-" * w for w in widths) + "  " + "-" * 4)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--scale", choices=sorted(SIZES), default=os.environ.get("SCALE") or "small"
    )
    parser.add_argument(
        "--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS") or 8)
    )
    parser.add_argument("--pdf-runs", type=int, default=int(os.environ.get("PDF_RUNS") or 2))
    parser.add_argument(
        "--postgres",
        default=os.environ.get("PG_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
        help="server for a throw-away database; 'off' to skip",
    )
    parser.add_argument(
        "--redis",
        default=os.environ.get("BENCH_REDIS_URL") or "redis://127.0.0.1:6379/13",
        help="Redis for the report queue and the shared rate limits; 'off' to skip",
    )
    args = parser.parse_args(argv)
    args.redis_url = None
    if args.redis != "off":
        if redis_reachable(args.redis):
            args.redis_url = args.redis
        else:
            say(f"Redis not reachable at {args.redis}: reports render in child processes")
    full = SIZES[args.scale]
    sizes = [full // 16, full // 4, full]
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="assessment-bench-"))
    say(
        f"scale {args.scale}: {sizes} bulk assessments; "
        f"{args.seconds:g} s per measurement; work in {work}"
    )
    pdf_file = work / "baseline.pdf"
    try:
        sqlite = Bench("sqlite", f"sqlite:///{work / 'bench.db'}", work, args)
        sqlite.prepare()
        asyncio.run(run_web(sqlite, sizes, pdf_file, reports=True))
        pdfs(sqlite, args.pdf_runs)
        sqlite.engine.dispose()
        if args.postgres != "off":
            found = postgres_database(args.postgres)
            if found:
                url, drop = found
                try:
                    pg = Bench("postgresql", url, work, args)
                    pg.prepare()
                    asyncio.run(run_web(pg, sizes, pdf_file, reports=False))
                    pg.engine.dispose()
                finally:
                    drop()
    finally:
        elapsed = time.perf_counter() - started
        report = table()
        print()
        print(report)
        print(
            f"\n{sum(1 for r in ROWS if r.passed)} of "
            f"{sum(1 for r in ROWS if r.passed is not None)} targets met; {elapsed / 60:.1f} min"
        )
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "latest.json").write_text(
            json.dumps(
                {
                    "when": datetime.now(UTC).isoformat(),
                    "machine": {
                        "cpus": os.cpu_count(),
                        "python": platform.python_version(),
                        "platform": platform.platform(),
                    },
                    "scale": args.scale,
                    "sizes": sizes,
                    "seconds_per_measurement": args.seconds,
                    "minutes": round(elapsed / 60, 2),
                    "rows": [{**r.__dict__, "ratio": r.ratio} for r in ROWS],
                    "details": DETAILS,
                },
                indent=2,
                default=str,
            )
        )
        (RESULTS / "latest.txt").write_text(report + "\n")
        # The servers' logs outlive the work folder: an error in the table can be looked up.
        for log in work.glob("gunicorn-*.log"):
            shutil.copyfile(log, RESULTS / log.name)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
