"""One PDF render, timed in a fresh process, so that every sample pays the same start-up.

    python -m bench.pdf_probe app|bare INPUT.pickle

`app` renders the way the platform does (render_pdf_isolated: a child process with its limits);
`bare` is the baseline: plain WeasyPrint on the same HTML with the same stylesheet. Prints one
JSON line: seconds, peak resident memory in MB, pages, bytes.
"""

from __future__ import annotations

import io
import json
import pickle
import resource
import sys
import time


def main(mode: str, source: str) -> None:
    with open(source, "rb") as handle:
        job = pickle.load(handle)  # noqa: S301 - written by bench.run a moment ago
    started = time.perf_counter()
    if mode == "app":
        from assessment.reports import render_pdf_isolated

        pdf = render_pdf_isolated(job["report"], job["lang"], timeout=300, memory_mb=2048)
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    else:
        from weasyprint import CSS, HTML

        from assessment.reports.fetcher import BASE_URL, STATIC_DIR

        pdf = HTML(string=job["html"], base_url=BASE_URL).write_pdf(
            stylesheets=[CSS(filename=str(STATIC_DIR / "print.css"))]
        )
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    seconds = time.perf_counter() - started
    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(
        json.dumps(
            {"seconds": seconds, "peak_mb": peak_kb / 1024, "pages": pages, "bytes": len(pdf)}
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
