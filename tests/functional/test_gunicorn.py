"""The web tier as deployed: gunicorn with the repository's gunicorn.conf.py."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_configuration_recycles_workers_and_preloads() -> None:
    from gunicorn.config import Config

    config = Config()
    namespace: dict[str, object] = {"__file__": str(ROOT / "gunicorn.conf.py")}
    exec((ROOT / "gunicorn.conf.py").read_text(), namespace)  # noqa: S102 - our own file
    for name in ("workers", "threads", "timeout", "max_requests", "max_requests_jitter"):
        config.set(name, namespace[name])
    assert config.workers >= 3
    assert config.max_requests > 0
    assert 0 < config.max_requests_jitter < config.max_requests
    assert namespace["preload_app"] is True
    assert namespace["worker_class"] == "gthread"
    assert callable(namespace["post_fork"])


@pytest.mark.slow
def test_gunicorn_serves_the_app_with_the_repository_settings(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
        "SECRET_KEY": "gunicorn-test",
        "WEB_CONCURRENCY": "2",
        "WEB_ACCESS_LOG": "off",
    }
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [gunicorn, "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=out,
        )
    try:
        answers = []
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:  # noqa: S310
                    answers.append(json.loads(r.read()))
                    if len(answers) == 10:
                        break
            except OSError:
                time.sleep(0.1)
        assert answers, log.read_text()
        assert all(a == {"status": "ok", "database": "ok"} for a in answers)
    finally:
        process.terminate()
        process.wait(30)
    text = log.read_text()
    assert "Using worker: gthread" in text
    assert text.count("Booting worker") == 2
