"""Rendering a report as a background job (RQ on Redis) into the shared report cache.

The job gets plain data only, so a worker needs neither the web app nor the database: start one
with `flask --app wsgi reports worker` (or `rq worker reports` with the same REDIS_URL).
"""

from __future__ import annotations

import os
import resource
from pathlib import Path

from .data import GapReport


def render_to_cache(report: GapReport, lang: str, paper: str, target: str, memory_mb: int) -> str:
    """Render into `target` (atomically) under a memory cap and return its path."""
    from .render import render_pdf

    # A soft cap, put back afterwards: a worker that runs jobs in its own process (RQ's
    # SimpleWorker) must not keep it.
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (min(limit, hard) if hard > 0 else limit, hard))
    try:
        pdf = render_pdf(report, lang, paper)
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    path = Path(target)
    partial = path.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(pdf)
    os.replace(partial, path)
    return str(path)
