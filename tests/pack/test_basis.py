"""Every threshold shows what it rests on; the README's table of points per basis is computed."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from pathlib import Path

from typer.testing import CliRunner

from jingzhi_audit.api import assess
from jingzhi_audit.cli import app
from jingzhi_audit.pack import load_pack
from jingzhi_audit.pack.basis import (
    KIND_LABELS,
    NO_THRESHOLD,
    WEAKEST_FIRST,
    clause_basis,
    points_by_basis,
)
from jingzhi_audit.render.markdown import render_markdown
from tests.conftest import BUNDLED_PACK, ROOT

PACKS = sorted(p for p in (ROOT / "standards").iterdir() if (p / "pack.yaml").is_file())
NAMES = {"stated": "stated", "borrowed": "borrowed", "norm": "norm", "estimated": "estimated"}


def test_borrowed_and_norm_thresholds_name_a_registered_document() -> None:
    for folder in PACKS:
        pack = load_pack(folder)
        for name, threshold in pack.meta.thresholds.items():
            if threshold.basis in ("borrowed", "norm"):
                assert threshold.source.doc in pack.meta.documents, (pack.id, name)
            if threshold.basis == "stated":
                assert threshold.source.quote, (pack.id, name)


def readme_rows(folder: Path) -> list[str]:
    """The rows the README's 阈值依据 table must contain for ``folder``'s pack."""
    pack = load_pack(folder)
    counts = Counter(t.basis for t in pack.meta.thresholds.values())
    points = points_by_basis(pack)
    rows = []
    for kind in ("stated", "borrowed", "norm", "estimated", NO_THRESHOLD):
        label = KIND_LABELS[kind] + (f"（{kind}）" if kind != NO_THRESHOLD else "")
        n = str(counts[kind]) if kind != NO_THRESHOLD else "—"
        rows.append(f"| {label} | {n} | {float(points[kind]):.1f} |")
    return rows


def test_readme_lists_the_points_resting_on_each_basis() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for row in readme_rows(BUNDLED_PACK):
        assert row in readme, row
    pack = load_pack(BUNDLED_PACK)
    total = sum(points_by_basis(pack).values(), Fraction(0))
    assert f"由数据决定的分值合计 {float(total):.1f} 分" in readme


def test_a_clause_rests_on_its_weakest_threshold() -> None:
    pack = load_pack(BUNDLED_PACK)
    clauses = {c.id: c for _, _, c in pack.clauses()}
    assert clause_basis(pack, clauses["10.2.1"]) == "stated"      # 90%: the press release's own figure
    assert clause_basis(pack, clauses["5.5.3"]) == "estimated"    # 40 学时 (criterion a)
    assert clause_basis(pack, clauses["5.4.1"]) == "borrowed"     # Xiangshan's 5万元/千户 and its 3000 户 cap
    assert clause_basis(pack, clauses["8.4.1"]) == "norm"         # 完整居住社区建设标准「物业管理全覆盖」
    assert clause_basis(pack, clauses["6.5.2"]) is None           # certificates outside the list == 0
    assert WEAKEST_FIRST[0] == "estimated" and set(NAMES) == set(WEAKEST_FIRST)


def test_outputs_print_the_estimate_mark() -> None:
    result = assess(ROOT / "examples" / "qingshan" / "community.yaml", generated_at="x")
    estimated = [g for g in result.gaps if g.figure_basis == "estimated"]
    assert estimated, "qingshan has gaps on clauses whose figure is the tool's estimate"
    markdown = render_markdown(result)
    assert f"{estimated[0].text}（工具推定）" in markdown
    runner = CliRunner()
    shown = runner.invoke(app, ["show", "5.5.3"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0 and "40学时（工具推定）" in shown.stdout
    tree = runner.invoke(app, ["show", "9.3"], env={"COLUMNS": "200"})
    assert "（工具推定）" in tree.stdout
