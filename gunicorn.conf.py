"""gunicorn settings for the web tier, read by `make run`, the Docker image and `make bench`.

Every value can be changed from the environment, so one file serves a laptop and a server:
WEB_CONCURRENCY (worker processes), WEB_THREADS (threads per worker), WEB_TIMEOUT,
WEB_MAX_REQUESTS, BIND (or PORT). PDFs never render in these processes: a report renders in a
child process with its own time and memory limit, or in an RQ worker when REDIS_URL is set.
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


bind = os.environ.get("BIND") or f"127.0.0.1:{_int('PORT', 5000)}"

# gunicorn's rule of thumb: (2 x cores) + 1 workers, sized by cores, not by clients.
workers = _int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1)
# Threads let a worker keep serving while one of its requests waits on a report render or on
# the database; with one thread the workers are plain sync workers (the fastest for autosave).
threads = _int("WEB_THREADS", 2)
worker_class = "gthread" if threads > 1 else "sync"

# A request that runs longer than this is killed with its worker. Reports render outside the
# request (child process or queue), so no page needs anything near this.
timeout = _int("WEB_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5

# Recycle each worker after this many requests (with jitter, so they do not all restart at once):
# a slow leak in any library cannot grow without bound.
max_requests = _int("WEB_MAX_REQUESTS", 2000)
max_requests_jitter = max(1, max_requests // 10)

# Load the app once in the master and fork it: the framework, the catalogs and the templates are
# shared copy-on-write. Connections are opened only in the workers (see post_fork).
preload_app = True

accesslog = os.environ.get("WEB_ACCESS_LOG", "-") or None
if accesslog == "off":
    accesslog = None


def post_fork(server, worker) -> None:  # noqa: ANN001 - gunicorn's hook signature
    """A forked worker must not share a database connection with its parent or siblings."""
    import sys

    wsgi = sys.modules.get("wsgi")
    app = getattr(wsgi, "app", None)
    if app is not None and "database" in app.extensions:
        app.extensions["database"].engine.dispose(close=False)
