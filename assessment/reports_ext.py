"""Serving gap reports: rendered off the request's process, cached by the hash of their inputs."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path

from flask import Flask, current_app

from .reports import GapReport, render_pdf_isolated
from .reports.render import template_fingerprint


def init_app(app: Flask) -> None:
    Path(app.config["REPORT_CACHE_DIR"]).mkdir(parents=True, exist_ok=True)


def cache_key(report: GapReport, lang: str) -> str:
    payload = json.dumps(asdict(report), sort_keys=True, default=str, ensure_ascii=False)
    digest = hashlib.sha256(f"{template_fingerprint()}|{lang}|{payload}".encode())
    return digest.hexdigest()


def gap_report_pdf(report: GapReport, lang: str) -> Path:
    """The PDF's path in the cache, rendering it first if these inputs were never rendered."""
    config = current_app.config
    path = Path(config["REPORT_CACHE_DIR"]) / f"{cache_key(report, lang)}.pdf"
    if not path.exists():
        pdf = render_pdf_isolated(
            report,
            lang,
            timeout=config["REPORT_TIMEOUT_SECONDS"],
            memory_mb=config["REPORT_MEMORY_LIMIT_MB"],
        )
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(pdf)
        os.replace(partial, path)  # atomic: a reader never sees half a file
    return path
