"""Renderers of a ``Result``: they format it and never compute a score.

One registry feeds ``audit score --format``; heavy libraries (WeasyPrint) are imported only inside
the renderer that needs them, so the terminal path stays fast.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI builds its --format choices from this registry at start-up: keep it light
    from ..result import Result


@dataclass(frozen=True)
class Renderer:
    name: str
    suffix: str
    binary: bool
    render: Callable[[Result], str | bytes]
    description: str


def _table(result: Result) -> str:
    from .terminal import render_text

    return render_text(result)


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


RENDERERS: dict[str, Renderer] = {
    r.name: r
    for r in (
        Renderer("table", ".txt", False, _table, "终端表格"),
        Renderer("json", ".json", False, _json, "结果 JSON（audit schema result）"),
        Renderer("markdown", ".md", False, _markdown, "Markdown 报告"),
        Renderer("html", ".html", False, _html, "HTML 差距报告"),
        Renderer("pdf", ".pdf", True, _pdf, "PDF 差距报告"),
    )
}
