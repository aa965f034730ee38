"""The report's pure parts: charts escape what they draw; the fetcher serves only shipped files."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessment.reports.charts import score_bars
from assessment.reports.fetcher import STATIC_DIR, RefusedURL, ShippedFilesFetcher


def test_chart_labels_are_escaped() -> None:
    svg = score_bars([('<script>alert(1)</script>"', 50.0)], title="<b>t</b>", empty_label="-")
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "<title>&lt;b&gt;t&lt;/b&gt;</title>" in svg


def test_chart_draws_one_bar_per_scored_label_and_says_when_unscored() -> None:
    svg = score_bars([("A", 25.0), ("B", None), ("C", 130.0)], title="t", empty_label="none yet")
    assert svg.count('class="chart-bar"') == 2
    assert svg.count('fill="#12355b"') == 2  # drawn with attributes, which WeasyPrint honours
    assert "none yet" in svg
    assert ">25<" in svg


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        (STATIC_DIR / ".." / ".." / "__init__.py").resolve().as_uri(),
        STATIC_DIR.as_uri() + "/../render.py",
        STATIC_DIR.as_uri() + "/%2e%2e/render.py",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/x.png",
        "file://otherhost/etc/passwd",
        STATIC_DIR.as_uri() + "/missing.css",
    ],
)
def test_fetcher_refuses_everything_not_shipped(url: str) -> None:
    with pytest.raises(RefusedURL):
        ShippedFilesFetcher().fetch(url)


def test_fetcher_serves_the_report_stylesheet() -> None:
    response = ShippedFilesFetcher().fetch((STATIC_DIR / "print.css").as_uri())
    assert b"@page" in response.read()
    assert response.content_type == "text/css"


def test_fetcher_refuses_a_symlink_out_of_the_static_folder(tmp_path: Path) -> None:
    root = tmp_path / "static"
    root.mkdir()
    (root / "escape.css").symlink_to("/etc/hostname")
    with pytest.raises(RefusedURL):
        ShippedFilesFetcher(root).fetch((root / "escape.css").as_uri())


def test_fetcher_serves_inline_data_urls() -> None:
    response = ShippedFilesFetcher().fetch("data:text/plain;base64,aGVsbG8=")
    assert response.read() == b"hello"
