"""Charts as inline SVG, drawn on the server: no chart library, nothing loaded from elsewhere, and a
page that prints and archives as it looks."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

BAR = "#b4442c"
BAR_ALT = "#2c6e8f"
LINE = "#1d1d1b"


def bar_chart(
    rows: Sequence[tuple[str, float]],
    *,
    title: str,
    width: int = 640,
    bar_height: int = 22,
    label_width: int = 230,
    value_format=str,
    reference: tuple[str, float] | None = None,
    highlight: str | None = None,
) -> Markup:
    """Horizontal bars, one per (label, value); an optional vertical reference line (e.g. the HPS) and
    one highlighted row (e.g. the winner)."""
    rows = list(rows)
    top = max([v for _, v in rows] + ([reference[1]] if reference else []) + [1])
    plot = width - label_width - 120
    height = 24 + len(rows) * (bar_height + 8) + (18 if reference else 0)
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(rows):
        y = 12 + i * (bar_height + 8)
        w = max(1.0, plot * value / top)
        colour = BAR if label == highlight else BAR_ALT
        parts.append(
            f'<text x="{label_width - 8}" y="{y + bar_height * 0.7:.1f}" text-anchor="end" '
            f'class="chart-label">'
            f"{escape(label)}</text>"
            f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="{colour}" rx="2">'
            f"<title>{escape(label)}: {escape(value_format(value))}</title></rect>"
            f'<text x="{label_width + w + 6:.1f}" y="{y + bar_height * 0.7:.1f}" class="chart-value">'
            f"{escape(value_format(value))}</text>"
        )
    if reference:
        name, value = reference
        x = label_width + plot * value / top
        parts.append(
            f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{height - 16}" stroke="{LINE}" '
            f'stroke-dasharray="4 3"/>'
            f'<text x="{x:.1f}" y="{height - 4}" text-anchor="middle" class="chart-value">'
            f"{escape(name)} {escape(value_format(value))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 -- every text above went through escape()
