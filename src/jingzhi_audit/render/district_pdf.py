"""The district summary as PDF: ranking with bars, a community × category heat map, weak spots."""

from __future__ import annotations

import itertools
from typing import Any

from ..result import REASON_LABELS
from ..result.district import DistrictSummary
from .district_text import footer, marks
from .html_report import environment, stylesheet


def _heat(ratio: float | None) -> str:
    """A background colour for a category ratio: red (low) → amber → green (high)."""
    if ratio is None:
        return "#f0f0f0"
    stops = [(0.0, (220, 38, 38)), (0.6, (245, 158, 11)), (0.8, (250, 204, 21)), (1.0, (34, 197, 94))]
    for (x0, c0), (x1, c1) in itertools.pairwise(stops):
        if ratio <= x1:
            t = (ratio - x0) / (x1 - x0) if x1 > x0 else 0
            rgb = [round(a + (b - a) * t) for a, b in zip(c0, c1, strict=True)]
            # lightened so that the figures stay readable
            return "#" + "".join(f"{round(v + (255 - v) * 0.55):02x}" for v in rgb)
    return "#b7f0c9"


def district_context(summary: DistrictSummary) -> dict[str, Any]:
    top = max((r.row.total for r in summary.ranking), default=100) or 100
    return {
        "s": summary,
        "css": stylesheet(),
        "heat": _heat,
        "bar": lambda total: f"{max(0.0, min(100.0, total / top * 100)):.1f}",
        "reason": lambda k: REASON_LABELS.get(k, k),
        "max_count": max((r.count for r in summary.ratings), default=1) or 1,
        "marks": marks,
        "footer": footer(summary),
        "change": _changes(summary),
    }


def _changes(summary: DistrictSummary) -> Any:
    """Path → the ranking's 与上次相比 text (empty without an archive)."""
    from .district_cycle import change_cell

    changes = summary.cycle.by_path() if summary.cycle is not None else {}
    return lambda path: change_cell(changes[path]) if path in changes else ""


def render_district_html(summary: DistrictSummary) -> str:
    return environment().get_template("district.html.j2").render(district_context(summary))


def render_district_pdf(summary: DistrictSummary) -> bytes:
    from .pdf import html_to_pdf

    return html_to_pdf(render_district_html(summary))
