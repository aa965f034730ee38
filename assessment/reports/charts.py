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
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
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
    return Markup("".join(parts))  # noqa: S704 - every interpolated string above is escaped  # nosec B704


def _two_lines(label: str, limit: int = 16) -> list[str]:
    """Split a long label at the space nearest its middle, so the chart can stay narrow."""
    if len(label) <= limit or " " not in label:
        return [label]
    middle = len(label) // 2
    spaces = [n for n, c in enumerate(label) if c == " "]
    cut = min(spaces, key=lambda n: abs(n - middle))
    return [label[:cut], label[cut + 1 :]]


def radar(
    axes: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None], str]],
    *,
    title: str,
    size: int = 300,
) -> Markup:
    """A radar of 0-100 scores: one axis per label, one closed polygon per series
    (name, values, colour). A missing value sits at the centre; labels are escaped."""
    import math

    pad_x, pad_y = 95, 40
    width, height = size + 2 * pad_x, size + 2 * pad_y + 24
    cx, cy = width / 2, pad_y + size / 2
    radius = size / 2 - 10
    count = max(len(axes), 3)

    def point(index: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / count
        return (
            cx + radius * value / 100 * math.cos(angle),
            cy + radius * value / 100 * math.sin(angle),
        )

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart radar" role="img" '
        f'direction="ltr" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
        f'height="{height:.0f}">',
        f"<title>{escape(title)}</title>",
    ]
    for ring in (25, 50, 75, 100):
        ring_points = " ".join(
            f"{x:.1f},{y:.1f}" for x, y in (point(i, ring) for i in range(count))
        )
        parts.append(
            f'<polygon points="{ring_points}" fill="none" stroke="{TRACK}" stroke-width="1"/>'
        )
    for index, label in enumerate(axes):
        x, y = point(index, 100)
        lx, ly = point(index, 112)
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        parts.append(
            f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" '
            f'stroke="{TRACK}" stroke-width="1"/>'
        )
        lines = _two_lines(label)
        top = (
            ly + 4 - (len(lines) - 1) * 6
            if abs(lx - cx) >= 10
            else (ly - 4 * (len(lines) - 1) if ly < cy else ly + 8)
        )
        # One <text> a line: WeasyPrint shapes Arabic in a whole <text>, not across <tspan>s.
        for n, line in enumerate(lines):
            parts.append(
                f'<text x="{lx:.1f}" y="{top + n * 12:.1f}" text-anchor="{anchor}" '
                f'class="chart-label" {TEXT}>{escape(line)}</text>'
            )
    for name, values, colour in series:
        if all(v is None for v in values):
            continue
        shape = " ".join(
            f"{x:.1f},{y:.1f}" for x, y in (point(i, v or 0.0) for i, v in enumerate(values))
        )
        parts.append(
            f'<polygon points="{shape}" fill="{colour}" fill-opacity="0.12" '
            f'stroke="{colour}" stroke-width="2.5" class="series">'
            f"<title>{escape(name)}</title></polygon>"
        )
    legend_y = height - 10
    shown = [
        (name, colour) for name, values, colour in series if not all(v is None for v in values)
    ]
    for n, (name, colour) in enumerate(shown):
        x = cx - 30 * len(shown) + n * 60
        parts.append(
            f'<rect x="{x:.1f}" y="{legend_y - 10}" width="12" height="12" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{x + 17:.1f}" y="{legend_y}" class="chart-label" '
            f"{TEXT}>{escape(name)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated string above is escaped  # nosec B704


def level_bar(current: float | None, target: int, *, width: int = 120) -> Markup:
    """A small 0-4 bar with the current score filled and the target marked."""
    fill = 0 if current is None else width * max(0.0, min(4.0, current)) / 4
    mark = width * target / 4
    return Markup(  # noqa: S704 - numbers only  # nosec B704
        f'<svg xmlns="http://www.w3.org/2000/svg" class="level-bar" direction="ltr" '
        f'width="{width}" height="14" viewBox="0 0 {width} 14" aria-hidden="true">'
        f'<rect width="{width}" height="14" fill="{TRACK}"/>'
        f'<rect width="{fill:.1f}" height="14" fill="{BAR}"/>'
        f'<rect x="{max(0.0, mark - 2):.1f}" width="3" height="14" fill="#c2384a"/></svg>'
    )


def score_meter(score: float | None, *, width: int = 90) -> Markup:
    """A small 0-100 meter."""
    fill = 0 if score is None else width * max(0.0, min(100.0, score)) / 100
    return Markup(  # noqa: S704 - numbers only  # nosec B704
        f'<svg xmlns="http://www.w3.org/2000/svg" class="meter" direction="ltr" width="{width}" '
        f'height="10" viewBox="0 0 {width} 10" aria-hidden="true">'
        f'<rect width="{width}" height="10" fill="{TRACK}"/>'
        f'<rect width="{fill:.1f}" height="10" fill="{BAR}"/></svg>'
    )
