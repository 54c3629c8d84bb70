"""Charts as inline SVG, drawn from result figures (no plotting library, no external files)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from ..result.cycle import TrendPoint
from .fonts import CHINESE_FAMILIES

FONT = ", ".join(f"'{family}'" for family in CHINESE_FAMILIES) + ", sans-serif"


def radar(labels: Sequence[str], ratios: Sequence[float | None], *, size: int = 300) -> Markup:
    """A radar chart of category ratios (0–1). SVG text does not inherit the page font: set it."""
    n = len(labels)
    cx = cy = size / 2
    radius = size * 0.33

    def point(i: int, r: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
             f'viewBox="0 0 {size} {size}" font-family="{FONT}" font-size="10">']
    for level in (0.2, 0.4, 0.6, 0.8, 1.0):
        ring = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, radius * level) for i in range(n)))
        stroke = "#888" if level == 1.0 else "#ccc"
        parts.append(f'<polygon points="{ring}" fill="none" stroke="{stroke}" stroke-width="0.6"/>')
    for i in range(n):
        x, y = point(i, radius)
        parts.append(f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="#ccc" stroke-width="0.6"/>')
    shape = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, radius * (r or 0)) for i, r in enumerate(ratios)))
    parts.append(f'<polygon points="{shape}" fill="#2b6cb0" fill-opacity="0.25" stroke="#2b6cb0" stroke-width="1.5"/>')
    for i, (label, ratio) in enumerate(zip(labels, ratios, strict=True)):
        x, y = point(i, radius + 24)
        anchor = "middle" if abs(x - cx) < 5 else ("start" if x > cx else "end")
        value = "—" if ratio is None else f"{ratio * 100:.1f}%"
        parts.append(f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{escape(label)}</text>')
        parts.append(f'<text x="{x:.1f}" y="{y + 12:.1f}" text-anchor="{anchor}" fill="#2b6cb0">{value}</text>')
    for level in (0.6, 1.0):
        x, y = point(0, radius * level)
        parts.append(f'<text x="{x + 3:.1f}" y="{y + 3:.1f}" font-size="7" fill="#999">{level * 100:.0f}%</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def trend_chart(points: list[TrendPoint], *, width: int = 360, height: int = 120) -> Markup:
    """Totals over the archived assessments as a small line chart (inline SVG, 0–100 scale)."""

    left, right, top, bottom = 30, 12, 12, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(points)

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(total: float) -> float:
        return top + plot_h * (1 - max(0.0, min(100.0, total)) / 100)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="9">']
    for level in (60, 70, 80, 90, 100):
        parts.append(f'<line x1="{left}" y1="{y(level):.1f}" x2="{width - right}" y2="{y(level):.1f}" '
                     f'stroke="#ddd" stroke-width="0.6"/>')
        parts.append(f'<text x="{left - 4}" y="{y(level) + 3:.1f}" text-anchor="end" fill="#999">{level}</text>')
    line = " ".join(f"{x(i):.1f},{y(p.total):.1f}" for i, p in enumerate(points))
    parts.append(f'<polyline points="{line}" fill="none" stroke="#2b6cb0" stroke-width="1.6"/>')
    for i, p in enumerate(points):
        parts.append(f'<circle cx="{x(i):.1f}" cy="{y(p.total):.1f}" r="2.6" fill="#2b6cb0"/>')
        parts.append(f'<text x="{x(i):.1f}" y="{y(p.total) - 5:.1f}" text-anchor="middle">{escape(p.total_text)}</text>')
        parts.append(f'<text x="{x(i):.1f}" y="{height - 8}" text-anchor="middle" fill="#555">'
                     f'{escape(p.assessed_on[:7])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
