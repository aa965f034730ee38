"""Render a PDF in a child process with a time limit and a memory limit.

WeasyPrint holds the whole document in memory and does not give it back, and a hostile document
can make it work for a long time; a child that exits after each job keeps the web worker safe.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
from multiprocessing.connection import Connection

from .data import GapReport


class RenderFailed(RuntimeError):
    pass


def _child(conn: Connection, report: GapReport, lang: str, memory_mb: int, nice: int) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # Below the web workers' priority: a render uses what CPU the answering leaves free.
    if nice:
        os.nice(nice)
    try:
        from .render import render_pdf

        conn.send(("ok", render_pdf(report, lang)))
    except MemoryError:
        conn.send(("error", f"the report needed more than {memory_mb} MB"))
    except Exception as error:  # noqa: BLE001 - reported to the parent, which raises
        conn.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        conn.close()


def render_pdf_isolated(
    report: GapReport, lang: str, *, timeout: float, memory_mb: int, nice: int = 0
) -> bytes:
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(sender, report, lang, memory_mb, nice), daemon=True
    )
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise RenderFailed(f"the report took longer than {timeout:g} seconds")
        status, payload = receiver.recv()
    except EOFError:
        raise RenderFailed("the report renderer stopped unexpectedly") from None
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)
    if status != "ok":
        raise RenderFailed(payload)
    return payload
