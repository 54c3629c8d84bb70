"""No figure of a gap report may change when its layout does (issue 17).

The fixtures in ``tests/fixtures/figures/`` were extracted with pdftotext from the reports the code
made before the report was made faster; each example's report must still show exactly those
figures: every clause with its status and score, every number of every section (plain and
``-layout`` text), and the same number of pages.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from jingzhi_audit.api import assess
from jingzhi_audit.render.html_report import _num
from jingzhi_audit.result import STATUS_LABELS
from tests.report.figures import (
    EXAMPLES,
    FIGURES,
    ROOT,
    clause_rows,
    example_pdf,
    figures,
    pdftotext,
)

pytest.importorskip("weasyprint", reason="WeasyPrint is not installed (pip install 'jingzhi-audit[pdf]')")
needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, list[str]]]:
    folder = tmp_path_factory.mktemp("figures")
    return {name: example_pdf(name, folder) for name in EXAMPLES}


@needs_poppler
@pytest.mark.parametrize("name", EXAMPLES)
def test_report_keeps_every_figure(name: str, pdfs: dict[str, tuple[Path, list[str]]]) -> None:
    expected = (FIGURES / f"{name}.txt").read_text(encoding="utf-8")
    assert figures(*pdfs[name]) == expected


@needs_poppler
@pytest.mark.parametrize("name", EXAMPLES)
def test_clause_figures_are_the_results(name: str, pdfs: dict[str, tuple[Path, list[str]]]) -> None:
    """The extraction reads what the result says: one row per clause, its status and score."""
    result = assess(ROOT / "examples" / name / "community.yaml")
    expected = [f"{c.id} {STATUS_LABELS[c.status]} {'—' if c.status == 'na' else _num(c.earned)} {_num(c.points)}"
                for c in result.clauses]
    assert clause_rows(pdftotext(pdfs[name][0], layout=True)) == expected
