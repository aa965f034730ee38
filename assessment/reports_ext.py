"""Serving gap reports: cached by the hash of their inputs, rendered off the web worker.

Without Redis a report renders in a child process while the request waits (with a time and a
memory limit). With REDIS_URL set it renders in an RQ worker: the request returns at once, the
page says the report is being prepared, and the next request serves the finished file.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, is_dataclass
from pathlib import Path

from flask import Flask, current_app

from .reports import GapReport, RenderFailed, render_pdf_isolated
from .reports.render import template_fingerprint


def init_app(app: Flask) -> None:
    Path(app.config["REPORT_CACHE_DIR"]).mkdir(parents=True, exist_ok=True)


def _plain(value: object) -> object:
    # json.dumps walks the nested dataclasses itself; dataclasses.asdict would deep-copy them
    # all first, which cost more than everything else a cached download does.
    if is_dataclass(value) and not isinstance(value, type):
        return value.__dict__
    return str(value)


def cache_key(report: GapReport, lang: str, paper: str = "a4") -> str:
    payload = json.dumps(report, sort_keys=True, default=_plain, ensure_ascii=False)
    digest = hashlib.sha256(f"{template_fingerprint()}|{lang}|{paper}|{payload}".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Pending:
    """The report is being rendered by a worker; `state` is RQ's job status."""

    state: str


def queue():  # noqa: ANN201 - rq.Queue, imported only when Redis is configured
    from redis import Redis
    from rq import Queue

    config = current_app.config
    return Queue(config["REPORT_QUEUE"], connection=Redis.from_url(config["REDIS_URL"]))


def gap_report_pdf(report: GapReport, lang: str, paper: str = "a4") -> Path | Pending:
    """The PDF's path in the cache; rendered first if these inputs were never rendered (in a
    child process), or Pending while an RQ worker renders it (when REDIS_URL is set)."""
    config = current_app.config
    key = cache_key(report, lang, paper)
    path = Path(config["REPORT_CACHE_DIR"]) / f"{key}.pdf"
    if path.exists():
        return path
    if config.get("REDIS_URL"):
        return _enqueue(report, lang, paper, key, path)
    pdf = render_pdf_isolated(
        report,
        lang,
        timeout=config["REPORT_TIMEOUT_SECONDS"],
        memory_mb=config["REPORT_MEMORY_LIMIT_MB"],
        nice=config["REPORT_NICE"],
    )
    partial = path.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(pdf)
    os.replace(partial, path)  # atomic: a reader never sees half a file
    return path


def _enqueue(report: GapReport, lang: str, paper: str, key: str, path: Path) -> Pending:
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    config = current_app.config
    reports = queue()
    try:
        job = Job.fetch(key, connection=reports.connection)
    except NoSuchJobError:
        job = None
    if job is not None:
        status = job.get_status()
        if status == "failed":
            job.delete()
            raise RenderFailed("the report worker could not render this report")
        if status != "finished":
            return Pending(str(status))
        if path.exists():  # finished a moment ago
            return Pending("finished")
    # The job id is the cache key: two people asking for the same report share one render.
    job = reports.enqueue_call(
        "assessment.reports.jobs.render_to_cache",
        args=(report, lang, paper, str(path), config["REPORT_MEMORY_LIMIT_MB"]),
        job_id=key,
        timeout=config["REPORT_TIMEOUT_SECONDS"],
        result_ttl=3600,
        failure_ttl=600,
    )
    return Pending(str(job.get_status()))


def report_status(report: GapReport, lang: str, paper: str = "a4") -> str:
    """Where the report of these inputs stands, without starting a render: "ready" (in the
    cache), "pending" (queued or rendering), "failed" (the worker gave up), or "absent"."""
    config = current_app.config
    key = cache_key(report, lang, paper)
    if (Path(config["REPORT_CACHE_DIR"]) / f"{key}.pdf").exists():
        return "ready"
    if not config.get("REDIS_URL"):
        return "absent"
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    try:
        job = Job.fetch(key, connection=queue().connection)
    except NoSuchJobError:
        return "absent"
    status = job.get_status()
    if status == "failed":
        return "failed"
    return "absent" if status == "finished" else "pending"


def cached_report(report: GapReport, lang: str, paper: str = "a4") -> Path | None:
    path = Path(current_app.config["REPORT_CACHE_DIR"]) / f"{cache_key(report, lang, paper)}.pdf"
    return path if path.exists() else None
