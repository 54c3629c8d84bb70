"""What an inspector must see in every batch view: 依据不足, 缺少佐证, the 街道, communities sharing a
name, the 区 named in the evidence as the title, and footer counts that agree with the header."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jingzhi_audit.api import assess
from jingzhi_audit.batch import attention
from jingzhi_audit.cli import app
from jingzhi_audit.result.district import CommunityRow, row_from_result
from tests.conftest import ROOT, pdf_text

QINGSHAN = "青山社区（虚构）"
LAOCHENG = "老城社区（虚构）"


@pytest.fixture(scope="module")
def rows() -> dict[str, CommunityRow]:
    examples = ROOT / "examples"
    return {name: row_from_result(assess(examples / name / "community.yaml", generated_at="2026-11-22T10:00:00+08:00"),
                                  f"{name}/community.yaml", {}) for name in ("haiyun", "qingshan", "laocheng")}


def _copy(row: CommunityRow, **changes: object) -> CommunityRow:
    return row.model_copy(update=changes)


def test_the_title_is_the_district_the_files_name(rows: dict[str, CommunityRow]) -> None:
    one = [_copy(r, district="文登区") for r in rows.values()]
    assert attention.district_title(one, "第三批") == ("文登区", [])
    some_blank = [*one[:2], _copy(one[2], district=None)]
    title, warnings = attention.district_title(some_blank, "第三批")
    assert title == "文登区" and warnings == ["1 个证据文件未填写区（市），汇总按其余文件所填的“文登区”命名"]
    mixed = [_copy(one[0], district="环翠区"), *one[1:]]
    title, warnings = attention.district_title(mixed, "第三批")
    assert title == "第三批" and "不一致（文登区 2 个、环翠区 1 个）" in warnings[0]
    assert attention.district_title([_copy(r, district=" ") for r in one], "第三批") == ("第三批", [])


def test_communities_sharing_a_name_stay_apart(rows: dict[str, CommunityRow]) -> None:
    q = rows["qingshan"]
    other_street = [q, _copy(q, path="b/community.yaml", street="天福街道")]
    labels, warnings = attention.labels(other_street)
    assert set(labels.values()) == {f"{QINGSHAN}（龙山街道）", f"{QINGSHAN}（天福街道）"}
    assert len(warnings) == 1 and "有 2 个社区同名“青山社区（虚构）”" in warnings[0]
    same_street = [q, _copy(q, path="qingshan-2025/community.yaml")]
    labels, _ = attention.labels(same_street)
    assert set(labels.values()) == {f"{QINGSHAN}（qingshan）", f"{QINGSHAN}（qingshan-2025）"}
    same_folder = [_copy(q, path="a/x/community.yaml"), _copy(q, path="b/x/community.yaml")]
    labels, _ = attention.labels(same_folder)
    assert set(labels.values()) == {f"{QINGSHAN}（a/x/community.yaml）", f"{QINGSHAN}（b/x/community.yaml）"}
    assert attention.labels(list(rows.values()))[1] == []  # distinct names: no warning, names unchanged


def test_insufficient_basis_and_unevidenced(rows: dict[str, CommunityRow]) -> None:
    labels = {r.path: r.name for r in rows.values()}
    assert rows["laocheng"].insufficient == ["8 社区环境"]
    assert attention.insufficient(list(rows.values()), labels) == [LAOCHENG]
    capped = _copy(rows["qingshan"], insufficient=[], rating=rows["qingshan"].rating.model_copy(
        update={"capped_by": "na_cap"}))
    assert attention.insufficient([capped], labels) == [QINGSHAN]  # a capped rating counts too
    assert attention.unevidenced(list(rows.values()), labels) == [LAOCHENG]


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """第三批: qingshan twice (same name, same street), laocheng moved to 文登区, and a broken file."""
    source = tmp_path_factory.mktemp("d") / "第三批"
    source.mkdir()
    shutil.copytree(ROOT / "examples" / "qingshan", source / "qingshan-a")
    shutil.copytree(ROOT / "examples" / "qingshan", source / "qingshan-b")
    shutil.copytree(ROOT / "examples" / "laocheng", source / "laocheng")
    yaml_file = source / "laocheng" / "community.yaml"
    yaml_file.write_text(yaml_file.read_text(encoding="utf-8").replace("district: 环翠区", "district: 文登区"),
                         encoding="utf-8")
    (source / "broken.yaml").write_text("community: [1, 2\n", encoding="utf-8")
    return source, source.parent / "out"


@pytest.fixture(scope="module")
def batch_run(district: tuple[Path, Path]):  # type: ignore[no-untyped-def]
    source, out = district
    return CliRunner().invoke(app, ["batch", str(source), "-o", str(out), "--jobs", "2", "--pdf"],
                              env={"COLUMNS": "80"}, catch_exceptions=False)


def _counts(text: str) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """(files, graded, failed) from the header line and from the footer line."""
    head = re.search(r"已评分 (\d+) / (\d+)(?:，无法评分 (\d+))?", text)
    foot = re.search(r"合计：证据文件 (\d+) 个，已评分 (\d+) 个，无法评分 (\d+) 个。", text)
    assert head and foot, text
    return (int(head[2]), int(head[1]), int(head[3] or 0)), (int(foot[1]), int(foot[2]), int(foot[3]))


def test_terminal_view(batch_run) -> None:  # type: ignore[no-untyped-def]
    assert batch_run.exit_code == 1  # one file could not be graded
    out = batch_run.stdout
    assert out.startswith("文登区  规则包 jingzhi-2022")  # the 区 the files name, not the folder 第三批
    assert "证据文件夹 " in out and "第三批" in out
    assert "⚠ 有 2 个社区同名“青山社区（虚构）”" in out
    assert f"{QINGSHAN}" in out and "（qingshan-a）" in out and "（qingshan-b）" in out
    ranking = out.split("总分排名", 1)[1].split("分类统计", 1)[0]
    assert "龙山街道" in ranking and "环翠楼街道" in ranking
    assert "依据不足" in ranking and "缺少佐证2" in ranking
    assert f"依据不足（1）：{LAOCHENG}" in out and f"缺少佐证（1）：{LAOCHENG}" in out
    header, footer = _counts(out)
    assert header == footer == (4, 3, 1)
    done = re.search(r"本次重新处理 (\d+) 个，未改动而跳过 (\d+) 个（共 (\d+) 个证据文件）", batch_run.stderr)
    assert done and int(done[1]) + int(done[2]) == int(done[3]) == header[0]


def test_csv_and_xlsx(batch_run, district: tuple[Path, Path]) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    _, out = district
    rows = list(csv.reader(io.StringIO((out / "summary.csv").read_bytes().decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    col = {name: header.index(name) for name in ("社区", "街道", "依据不足", "缺少佐证")}
    by_name = {r[col["社区"]]: r for r in body if r[col["社区"]]}
    assert set(by_name) == {f"{QINGSHAN}（qingshan-a）", f"{QINGSHAN}（qingshan-b）", LAOCHENG}
    assert by_name[LAOCHENG][col["依据不足"]] == "8 社区环境" and by_name[LAOCHENG][col["缺少佐证"]] == "2"
    assert by_name[LAOCHENG][col["街道"]] == "环翠楼街道"
    book = load_workbook(out / "summary.xlsx")
    attention_rows = [tuple(c.value for c in r) for r in book["需关注的社区"].iter_rows(min_row=2)]
    assert ("依据不足", LAOCHENG) in attention_rows and ("缺少佐证", LAOCHENG) in attention_rows
    assert any(kind == "提示" and "同名" in text for kind, text in attention_rows)


def test_district_pdf(batch_run, district: tuple[Path, Path]) -> None:  # type: ignore[no-untyped-def]
    _, out = district
    text = pdf_text(out / "summary.pdf")
    assert text.startswith("区（市）社区评估汇总\n\n文登区\n")
    kpis = re.search(r"证据文件\s+已评分\s+无法评分\s+(\d+)\s+(\d+)\s+(\d+)", text)
    assert kpis, text[:400]
    header = (int(kpis[1]), int(kpis[2]), int(kpis[3]))
    foot = re.search(r"合计：证据文件 (\d+) 个，已评分 (\d+) 个，无法评分 (\d+) 个。", re.sub(r"\n(?=\S)", "", text))
    assert foot and header == (int(foot[1]), int(foot[2]), int(foot[3])) == (4, 3, 1)
    ranking = text.split("一、总分排名", 1)[1].split("二、", 1)[0]
    assert "街道" in ranking and "龙山街道" in ranking and "环翠楼街道" in ranking
    assert "依据不足" in ranking and "缺少佐证2" in ranking and "（qingshan-a）" in ranking
    attention_part = text.split("四、", 1)[1]
    assert "依据不足（1）" in attention_part and "缺少佐证（1）" in attention_part
    assert "同名" in text


def test_a_name_that_looks_like_a_formula_stays_text(tmp_path: Path, runner: CliRunner) -> None:
    from openpyxl import load_workbook

    source = tmp_path / "区"
    shutil.copytree(ROOT / "examples" / "qingshan", source / "q")
    evidence = source / "q" / "community.yaml"
    evidence.write_text(evidence.read_text(encoding="utf-8").replace("name: 青山社区（虚构）", 'name: "=1+2"'),
                        encoding="utf-8")
    result = runner.invoke(app, ["batch", str(source), "-o", str(tmp_path / "out"), "--jobs", "1"],
                           env={"COLUMNS": "80"}, catch_exceptions=False)
    assert result.exit_code == 0, result.stdout + result.stderr
    rows = list(csv.reader(io.StringIO((tmp_path / "out" / "summary.csv").read_bytes().decode("utf-8-sig"))))
    assert rows[1][1] == "'=1+2"
    cell = load_workbook(tmp_path / "out" / "summary.xlsx")["排名"]["B2"]
    assert (cell.value, cell.data_type) == ("=1+2", "s")
