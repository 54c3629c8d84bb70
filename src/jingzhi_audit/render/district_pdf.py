"""The district summary as PDF: ranking with bars, a community × category heat map, weak spots."""

from __future__ import annotations

import functools
import itertools
from typing import Any

from markupsafe import Markup

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


HEAT_STEPS = 20  # heat-map colours in steps of 5 %
SHOWN = 100  # communities in the ranking and the heat map: the first 50 and the last 50 (all in summary.xlsx)


@functools.cache
def district_css() -> Markup:
    """Classes for the heat map's colours and the bars' widths (our own static rules: a district's
    tables carried ~2,400 inline styles, which WeasyPrint parses and cascades one by one)."""
    heat = [f".h{i} {{ background: {_heat(i / HEAT_STEPS)}; }}" for i in range(HEAT_STEPS + 1)]
    bars = [f".w{i} {{ width: {i}%; }}" for i in range(101)]
    return Markup("\n".join([*heat, f".hx {{ background: {_heat(None)}; }}", *bars]))


def _heat_class(ratio: float | None) -> str:
    return "hx" if ratio is None else f"h{round(max(0.0, min(1.0, ratio)) * HEAT_STEPS)}"


def _width_class(share: float) -> str:
    return f"w{round(max(0.0, min(100.0, share)))}"


def district_context(summary: DistrictSummary) -> dict[str, Any]:
    """What the district PDF template shows."""
    top = max((r.row.total for r in summary.ranking), default=100) or 100
    ranking = summary.ranking
    hidden = max(0, len(ranking) - SHOWN)
    return {
        "s": summary,
        # a long table costs WeasyPrint ~13 ms a community: show the head and the tail of the ranking
        "head": ranking[: SHOWN // 2] if hidden else ranking,
        "tail": ranking[len(ranking) - SHOWN // 2:] if hidden else [],
        "hidden": hidden,
        "css": stylesheet(),
        "district_css": district_css(),
        "heat": _heat_class,
        "bar": lambda total: _width_class(total / top * 100),
        "width": _width_class,
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
    """The district summary as HTML (for the PDF)."""
    return environment().get_template("district.html.j2").render(district_context(summary))


def render_district_pdf(summary: DistrictSummary) -> bytes:
    """The district summary as PDF bytes."""
    from .pdf import html_to_pdf

    return html_to_pdf(render_district_html(summary))
