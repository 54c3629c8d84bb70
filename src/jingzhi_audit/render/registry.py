"""The registries of output formats, one per kind of output; every ``--format`` choice comes from
here. Each renderer imports its module only when called, so that building the CLI's choices at
start-up costs nothing, and the terminal path never loads WeasyPrint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from rich.console import RenderableType

    from ..compare.engine import Comparison
    from ..result import Result
    from ..result.cycle import CommunityHistory, DistrictHistory
    from ..result.cycle import Comparison as History
    from ..result.district import DistrictSummary
    from ..result.validation import TargetReport

T = TypeVar("T")


@dataclass(frozen=True)
class Renderer(Generic[T]):
    """One output format: its name (the ``--format`` value), file suffix, and how to draw it.

    ``view`` is the rich renderable for the terminal, where a format has one (it then prints at
    the terminal's width instead of as fixed-width text).
    """

    name: str
    suffix: str
    binary: bool
    render: Callable[[T], str | bytes]
    description: str
    view: Callable[[T, int], RenderableType] | None = None
    """The terminal view at a console width (columns chosen to fit it)."""


def _registry(*renderers: Renderer[T]) -> dict[str, Renderer[T]]:
    return {r.name: r for r in renderers}


def renderer_for(registry: dict[str, Renderer[Any]], name: str) -> Renderer[Any]:
    """The renderer called ``name``; ``KeyError`` naming the choices for anything else."""
    try:
        return registry[name]
    except KeyError:
        raise KeyError(f"没有「{name}」格式（可用：{'、'.join(registry)}）") from None


def by_suffix(registry: dict[str, Renderer[Any]], suffix: str) -> Renderer[Any] | None:
    """The renderer whose file suffix is ``suffix`` (``.pdf`` → pdf), if any."""
    return next((r for r in registry.values() if r.suffix == suffix.lower()), None)


# -- a community's result (audit score, audit report) --------------------------------------------
def _table(result: Result) -> str:
    from .terminal import render_text

    return render_text(result)


def _table_view(result: Result, width: int) -> RenderableType:
    from .terminal import result_view

    return result_view(result, width)


def _json(result: Result) -> str:
    return result.model_dump_json(indent=2) + "\n"


def _markdown(result: Result) -> str:
    from .markdown import render_markdown

    return render_markdown(result)


def _html(result: Result) -> str:
    from .html_report import render_html

    return render_html(result)


def _pdf(result: Result) -> bytes:
    from .pdf import render_pdf

    return render_pdf(result)


RESULT_FORMATS: dict[str, Renderer[Result]] = _registry(
    Renderer("table", ".txt", False, _table, "终端表格", view=_table_view),
    Renderer("json", ".json", False, _json, "结果 JSON（audit schema result）"),
    Renderer("markdown", ".md", False, _markdown, "Markdown 报告"),
    Renderer("html", ".html", False, _html, "HTML 差距报告"),
    Renderer("pdf", ".pdf", True, _pdf, "PDF 差距报告"),
)
"""``audit score --format``."""

REPORT_FORMATS = {name: r for name, r in RESULT_FORMATS.items() if name in ("markdown", "html", "pdf")}
"""``audit report --format``: the gap reports (a saved result is already JSON)."""


# -- validation reports (audit validate) ---------------------------------------------------------
def _problems(kind: str) -> Callable[[list[TargetReport]], str]:
    def render(reports: list[TargetReport]) -> str:
        from . import problems

        text: str = getattr(problems, f"render_{kind}")(reports)
        return text

    return render


VALIDATE_FORMATS: dict[str, Renderer[list[TargetReport]]] = _registry(
    Renderer("text", ".txt", False, _problems("text"), "文字（文件:行: 字段: 说明）"),
    Renderer("json", ".json", False, _problems("json"), "JSON"),
    Renderer("junit", ".xml", False, _problems("junit"), "JUnit XML（CI）"),
)
"""``audit validate --format``."""


# -- comparisons (audit compare) -----------------------------------------------------------------
def _compare_view(comparison: Comparison, width: int) -> RenderableType:
    from .compare_text import comparison_view

    return comparison_view(comparison, width)


def _compare_text(comparison: Comparison) -> str:
    from .compare_text import render_text

    return render_text(comparison)


def _compare_json(comparison: Comparison) -> str:
    return comparison.model_dump_json(indent=2) + "\n"


COMPARE_FORMATS: dict[str, Renderer[Comparison]] = _registry(
    Renderer("table", ".txt", False, _compare_text, "终端表格", view=_compare_view),
    Renderer("json", ".json", False, _compare_json, "JSON"),
)
"""``audit compare --format``."""


# -- the district summary (audit batch) ------------------------------------------------------------
def _summary_json(summary: DistrictSummary) -> str:
    return summary.model_dump_json(indent=2) + "\n"


def _summary_csv(summary: DistrictSummary) -> bytes:
    from .district_tables import summary_csv

    return summary_csv(summary)


def _summary_xlsx(summary: DistrictSummary) -> bytes:
    from .district_tables import summary_xlsx

    return summary_xlsx(summary)


def _summary_pdf(summary: DistrictSummary) -> bytes:
    from .district_pdf import render_district_pdf

    return render_district_pdf(summary)


DISTRICT_FORMATS: dict[str, Renderer[DistrictSummary]] = _registry(
    Renderer("json", ".json", False, _summary_json, "全区汇总 JSON"),
    Renderer("csv", ".csv", True, _summary_csv, "排名表 CSV（UTF-8 带 BOM）"),
    Renderer("xlsx", ".xlsx", True, _summary_xlsx, "Excel 汇总（六张表）"),
    Renderer("pdf", ".pdf", True, _summary_pdf, "全区 PDF 汇总"),
)
"""The files ``audit batch`` writes as ``summary.<suffix>`` (the PDF only with ``--pdf``)."""


def with_history(renderer: Renderer[Result], history: History) -> Renderer[Result]:
    """A gap-report renderer that adds 「与上次评估相比」 (HTML and PDF); any other, unchanged."""
    from dataclasses import replace

    if renderer.name == "html":
        from .html_report import render_html

        return replace(renderer, render=lambda r: render_html(r, history))
    if renderer.name == "pdf":
        from .pdf import render_pdf

        return replace(renderer, render=lambda r: render_pdf(r, history))
    return renderer


# -- the assessment cycle (audit diff, audit history) --------------------------------------------
def _diff_view(outcome: Any) -> RenderableType:
    from .cycle_text import diff_view

    return diff_view(outcome.diff, outcome.plan)


def _diff_fit(outcome: Any, width: int) -> RenderableType:
    return _diff_view(outcome)  # its tables fold to the terminal's width


def _diff_markdown(outcome: Any) -> str:
    from .cycle_text import diff_markdown

    return diff_markdown(outcome.diff, outcome.plan)


def _diff_text(outcome: Any) -> str:
    from .terminal import to_text

    return to_text(_diff_view(outcome))


def _diff_json(outcome: Any) -> str:
    text: str = outcome.as_json()
    return text


DIFF_FORMATS: dict[str, Renderer[Any]] = _registry(
    Renderer("table", ".txt", False, _diff_text, "终端表格", view=_diff_fit),
    Renderer("json", ".json", False, _diff_json, "JSON"),
    Renderer("markdown", ".md", False, _diff_markdown, "Markdown"),
)
"""``audit diff --format``."""


def _history_view(found: CommunityHistory | DistrictHistory) -> RenderableType:
    from .cycle_text import history_view

    return history_view(found)


def _history_fit(found: Any, width: int) -> RenderableType:
    return _history_view(found)


def _history_text(found: CommunityHistory | DistrictHistory) -> str:
    from .terminal import to_text

    return to_text(_history_view(found))


def _history_markdown(found: CommunityHistory | DistrictHistory) -> str:
    from .cycle_text import history_markdown

    return history_markdown(found)


HISTORY_FORMATS: dict[str, Renderer[Any]] = _registry(
    Renderer("table", ".txt", False, _history_text, "终端表格", view=_history_fit),
    Renderer("json", ".json", False, lambda h: h.model_dump_json(indent=2) + "\n", "JSON"),
    Renderer("markdown", ".md", False, _history_markdown, "Markdown"),
)
"""``audit history --format``."""
