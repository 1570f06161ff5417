"""Small server-rendered SVG charts (no JavaScript, no CDN, no inline styles)."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

PALETTE = ("#0d6efd", "#198754", "#b02a37", "#6f42c1")
WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 560, 220, 44, 34, 12


def _frame(title: str, body: list[str]) -> Markup:
    # Every piece of text in `body` was escaped where it was made.
    return Markup(  # noqa: S704 (the title is escaped here, every label where it was made)
        f'<svg class="chart" width="100%" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _axis(maximum: float, percent: bool) -> list[str]:
    parts = []
    plot_h = HEIGHT - PAD_BOTTOM - PAD_TOP
    for i in range(5):
        value = maximum * i / 4
        y = HEIGHT - PAD_BOTTOM - plot_h * i / 4
        label = f"{value:.0%}" if percent else f"{value:g}"
        parts.append(
            f'<line x1="{PAD_LEFT}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dee2e6"/>'
            f'<text x="{PAD_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#495057">'
            f"{escape(label)}</text>"
        )
    return parts


def bars(
    title: str, labels: Sequence[str], values: Sequence[float], colors: Sequence[str] = PALETTE
) -> Markup:
    """A vertical bar chart of `values` (numbers) with `labels` below each bar."""
    maximum = max([v for v in values if v is not None] + [1])
    maximum = _nice(maximum)
    plot_w = WIDTH - PAD_LEFT - 8
    plot_h = HEIGHT - PAD_BOTTOM - PAD_TOP
    step = plot_w / max(len(values), 1)
    body = _axis(maximum, False)
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = plot_h * (value or 0) / maximum
        x = PAD_LEFT + i * step + step * 0.15
        y = HEIGHT - PAD_BOTTOM - h
        color = colors[i % len(colors)]
        body.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" fill="{color}">'
            f"<title>{escape(label)}: {escape(f'{value:g}')}</title></rect>"
            f'<text x="{x + step * 0.35:.1f}" y="{HEIGHT - PAD_BOTTOM + 16}" text-anchor="middle" '
            f'font-size="11" fill="#212529">{escape(label)}</text>'
        )
    return _frame(title, body)


def lines(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]]) -> Markup:
    """A line chart of fractions (0..1) over `labels`, one line per (name, values), with a legend."""
    plot_w = WIDTH - PAD_LEFT - 24
    plot_h = HEIGHT - PAD_BOTTOM - PAD_TOP
    step = plot_w / max(len(labels) - 1, 1)
    body = _axis(1.0, True)
    for i, label in enumerate(labels):
        x = PAD_LEFT + 8 + i * step
        body.append(
            f'<text x="{x:.1f}" y="{HEIGHT - PAD_BOTTOM + 16}" text-anchor="middle" font-size="11" '
            f'fill="#212529">{escape(label)}</text>'
        )
    for n, (name, values) in enumerate(series):
        color = PALETTE[n % len(PALETTE)]
        points = [
            (PAD_LEFT + 8 + i * step, HEIGHT - PAD_BOTTOM - plot_h * v)
            for i, v in enumerate(values)
            if v is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            body.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2.5"/>')
        for x, y in points:
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{color}"/>')
        body.append(
            f'<rect x="{PAD_LEFT + 10 + n * 150}" y="{HEIGHT - 12}" width="10" height="10" fill="{color}"/>'
            f'<text x="{PAD_LEFT + 24 + n * 150}" y="{HEIGHT - 3}" font-size="11" fill="#212529">'
            f"{escape(name)}</text>"
        )
    return _frame(title, body)


def _nice(value: float) -> float:
    """A round axis maximum at or above `value`."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000):
        if value <= step * 4:
            return step * 4
    return value
