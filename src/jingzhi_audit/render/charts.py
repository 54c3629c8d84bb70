"""Charts as inline SVG, drawn from result figures (no plotting library, no external files)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from markupsafe import Markup

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
