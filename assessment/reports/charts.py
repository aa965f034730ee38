"""Charts as SVG built on the server, so the page and the PDF show the same picture (pure)."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

# Presentation attributes rather than CSS, so WeasyPrint draws the same chart as the browser.
BAR, TRACK, INK, MUTED = "#12355b", "#e8ecf2", "#1b1b1b", "#555555"
FONT = 'font-size="12" font-family="Noto Sans, Noto Sans Arabic, Noto Sans CJK SC, sans-serif"'
TEXT = f'{FONT} fill="{INK}"'


def score_bars(
    bars: Sequence[tuple[str, float | None]],
    *,
    title: str,
    empty_label: str,
    width: int = 560,
    rtl: bool = False,
) -> Markup:
    """Horizontal bars for 0-100 scores, one per label. Labels are escaped; None draws no bar."""
    row, label_w, pad = 34, 190, 8
    plot_w = width - label_w - 60
    height = row * len(bars) + 2 * pad
    anchor_x = width - pad if rtl else label_w - pad
    bar_x0 = pad + 52 if rtl else label_w
    parts = [
        # The geometry is laid out left to right in both directions (in RTL the bars sit left
        # of their labels); a right-to-left page must not flip what text-anchor means.
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" direction="ltr" '
        f'style="direction: ltr" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}">',
        f"<title>{escape(title)}</title>",
    ]
    for n, (label, value) in enumerate(bars):
        y = pad + n * row
        # Labels end against the bars in LTR, and at the right edge in RTL.
        parts.append(
            f'<text x="{anchor_x}" y="{y + 21}" text-anchor="end" '
            f'class="chart-label" {TEXT}>{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{bar_x0}" y="{y + 6}" width="{plot_w}" height="20" class="chart-track" '
            f'fill="{TRACK}"/>'
        )
        if value is None:
            empty_x, empty_anchor = (bar_x0 + plot_w - 6, "end") if rtl else (bar_x0 + 6, "start")
            parts.append(
                f'<text x="{empty_x}" y="{y + 21}" text-anchor="{empty_anchor}" '
                f'class="chart-empty" {FONT} fill="{MUTED}">{escape(empty_label)}</text>'
            )
            continue
        length = plot_w * max(0.0, min(100.0, value)) / 100
        x = bar_x0 + plot_w - length if rtl else bar_x0
        parts.append(
            f'<rect x="{x:.1f}" y="{y + 6}" width="{length:.1f}" height="20" class="chart-bar" '
            f'fill="{BAR}"/>'
        )
        value_x = bar_x0 - 6 if rtl else bar_x0 + plot_w + 6
        value_anchor = "end" if rtl else "start"
        parts.append(
            f'<text x="{value_x}" y="{y + 21}" text-anchor="{value_anchor}" '
            f'class="chart-value" {TEXT}>{value:.0f}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated string above is escaped
