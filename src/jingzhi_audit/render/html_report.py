"""Render a Result to an HTML report (the same template feeds the PDF).

Autoescape is on for everything: every text that came from an evidence file (names, notes,
reasons, file names) is untrusted and must appear as literal text. The stylesheet is our own
static file, passed as trusted markup (autoescaping a quoted CSS value would silently drop it).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from ..result import FLAG_LABELS, REASON_LABELS, REVIEW_STATE_LABELS, STATUS_LABELS, Result, stars
from .charts import radar
from .wording import checks_of, flag_summary, na_cap_label, notices, percent, place, rating_note

if TYPE_CHECKING:
    from ..result.cycle import Comparison

TEMPLATES = Path(__file__).resolve().parent / "templates"


@functools.cache
def environment() -> Environment:
    """The Jinja2 environment of the reports (autoescape on, strict undefined)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = percent
    env.filters["num"] = _num
    env.filters["status"] = lambda s: STATUS_LABELS.get(s, s)
    env.filters["reason"] = lambda r: REASON_LABELS.get(r, r)
    env.filters["flag"] = lambda f: FLAG_LABELS.get(f, f)
    env.filters["stars"] = stars
    env.filters["size"] = _size
    env.filters["fact"] = _fact
    env.filters["signed"] = lambda v: f"{v:+.1f}" if round(v, 1) != 0 else "0.0"
    return env


@functools.cache
def stylesheet() -> Markup:
    """The reports' CSS, as trusted markup."""
    return Markup((TEMPLATES / "report.css").read_text(encoding="utf-8"))


def _num(value: float | int | None, places: int = 2) -> str:
    """A figure as printed: trailing zeros dropped (1.50 → 1.5, 2.00 → 2)."""
    if value is None:
        return "—"
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _fact(value: float | int | bool | None) -> str:
    if value is None:
        return "（未填写）"
    if isinstance(value, bool):
        return "是" if value else "否"
    return _num(value, 4)


def _size(size: int | None) -> str:
    if size is None:
        return ""
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return ""


def context(result: Result, history: Comparison | None = None) -> dict[str, Any]:
    """Everything the template shows, taken from the result (grouped, never recomputed).

    ``history`` is the comparison with the previous archived assessment (``cycle.trend``; ``result.cycle.Comparison``), if any."""
    by_category: dict[str, list[Any]] = {c.id: [] for c in result.categories}
    for clause in result.clauses:
        by_category[clause.category].append(clause)
    items_by_category: dict[str, list[Any]] = {c.id: [] for c in result.categories}
    for item in result.items:
        items_by_category[item.category].append(item)
    categories = {c.id: c for c in result.categories}
    flagged = {
        flag: [c for c in result.clauses if flag in c.flags]
        for flag in ("unevidenced", "missing_attachment", "mismatch", "unverified", "unassessed",
                     "na_expired", "na_unapproved", "stale_evidence")
    }
    # Evidence is numbered once in the index (文1…, 账1…, 链1…) and cited by number in the clause
    # tables, so a long file or ledger name is printed once, not under every clause it supports.
    files = [a for a in result.evidence.attachments if a.kind == "file"]
    papers = [a for a in result.evidence.attachments if a.kind == "paper"]
    links = [a for a in result.evidence.attachments if a.kind == "url"]
    codes = {(a.kind, a.path): f"{prefix}{n}" for prefix, group in (("文", files), ("账", papers), ("链", links))
             for n, a in enumerate(group, 1)}
    return {
        "r": result,
        "css": stylesheet(),
        "place": place(result),
        "rating_note": rating_note(result),
        "notices": notices(result),
        "flag_summary": flag_summary(result),
        "radar": radar([c.title for c in result.categories], [c.ratio for c in result.categories]),
        "clauses_by_category": by_category,
        "items_by_category": items_by_category,
        "categories": categories,
        "flagged": flagged,
        "na_clauses": [c for c in result.clauses if c.status == "na"],
        "cap_label": na_cap_label(result),
        "example_gap": result.gaps[0] if result.gaps else None,
        "files": files,
        "papers": papers,
        "links": links,
        "code": lambda attachment: codes.get((attachment.kind, attachment.path), "?"),
        "rv": result.review,
        "review_state": REVIEW_STATE_LABELS[result.review.state] if result.review is not None else "",
        "checks": checks_of,
        "history": history,
        "trend_chart": _trend_chart(history),
    }


def _trend_chart(history: Comparison | None) -> Markup | None:
    if history is None:
        return None
    from .charts import trend_chart

    return trend_chart(history.trend)


def render_html(result: Result, history: Comparison | None = None) -> str:
    """The gap report as HTML."""
    return environment().get_template("report.html.j2").render(context(result, history))
