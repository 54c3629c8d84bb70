"""audit batch: a district graded robustly, incrementally and atomically."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from jingzhi_audit.cli import app
from jingzhi_audit.result import Result
from tests.conftest import ROOT, pdf_text

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import write_district


@pytest.fixture
def district(tmp_path: Path) -> Path:
    """A dozen communities: ten good files and two broken ones."""
    source = tmp_path / "环翠区"
    write_district(source, 10, seed=7)
    (source / "broken-status").mkdir()
    (source / "broken-status" / "community.yaml").write_text(
        'standard: jingzhi-2022\ncommunity: {name: 坏社区甲}\nclauses:\n  "5.1.1": {status: 已完成}\n', encoding="utf-8")
    (source / "broken-yaml.yaml").write_text("community: [1, 2\n", encoding="utf-8")
    return source


def batch(runner: CliRunner, source: Path, out: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["batch", str(source), "-o", str(out), "--jobs", "2", *args],
                         env={"COLUMNS": "160"})


def test_district_with_two_broken_files(runner: CliRunner, district: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = batch(runner, district, out)
    assert result.exit_code == 1, result.stderr
    assert "已评分 10 / 12，无法评分 2" in result.stdout
    assert "状态「已完成」不是可选值" in result.stdout and "broken-yaml.yaml:2" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["files"], summary["graded"], len(summary["failed"])) == (12, 10, 2)
    # the ranking agrees with each community's own result JSON
    totals = [entry["row"]["total"] for entry in summary["ranking"]]
    assert totals == sorted(totals, reverse=True)
    for entry in summary["ranking"]:
        own = Result.model_validate_json((out / entry["row"]["outputs"]["json"]).read_text(encoding="utf-8"))
        assert (own.total, own.rating.id, own.community.name) == (
            entry["row"]["total"], entry["row"]["rating"]["id"], entry["row"]["name"])
        assert [c.score for c in own.categories] == [c["score"] for c in entry["row"]["categories"]]
    assert sum(r["count"] for r in summary["ratings"]) == 10
    assert summary["clauses_missed"] and summary["categories"][0]["title"] == "社区队伍"


def test_csv_opens_as_chinese_and_xlsx_has_the_tables(runner: CliRunner, district: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "out"
    batch(runner, district, out)
    raw = (out / "summary.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:6] == ["排名", "社区", "区（市）", "街道", "总分", "等级"]
    assert len(rows) == 1 + 12 and rows[-1][-1].startswith("无法评分：")
    book = load_workbook(out / "summary.xlsx")
    assert book.sheetnames == ["排名", "等级分布", "分类统计", "高频失分条款", "需关注的社区", "无法评分的文件", "复核差异"]
    assert book["排名"]["B1"].value == "社区" and book["排名"].freeze_panes == "A2"
    assert book["无法评分的文件"].max_row == 3


def test_incremental_runs(runner: CliRunner, district: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = batch(runner, district, out)
    assert "本次重新处理 12 个，未改动而跳过 0 个" in first.stderr
    before = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    second = batch(runner, district, out)
    assert "本次重新处理 2 个，未改动而跳过 10 个" in second.stderr  # only the broken ones are retried
    again = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert again["ranking"] == before["ranking"]
    # change one evidence file: only it is graded again
    target = sorted(district.glob("*/community.yaml"))[3]
    target.write_text(target.read_text(encoding="utf-8").replace("status: \"达标\"", "status: \"未达标\"", 1),
                      encoding="utf-8")
    third = batch(runner, district, out)
    assert "本次重新处理 3 个，未改动而跳过 9 个" in third.stderr
    # an attachment changes: that community is graded again
    attachment = sorted(district.glob("*/files/名册.csv"))[5]
    attachment.write_text("新内容，更长一些\n", encoding="utf-8")
    fourth = batch(runner, district, out)
    assert "本次重新处理 3 个，未改动而跳过 9 个" in fourth.stderr
    forced = batch(runner, district, out, "--force")
    assert "本次重新处理 12 个，未改动而跳过 0 个" in forced.stderr


def test_one_job_in_process_gives_the_same_summary(runner: CliRunner, district: Path, tmp_path: Path) -> None:
    batch(runner, district, tmp_path / "a")
    runner.invoke(app, ["batch", str(district), "-o", str(tmp_path / "b"), "--jobs", "1"])
    a = json.loads((tmp_path / "a" / "summary.json").read_text(encoding="utf-8"))
    b = json.loads((tmp_path / "b" / "summary.json").read_text(encoding="utf-8"))
    assert a["ranking"] == b["ranking"] and a["clauses_missed"] == b["clauses_missed"]


def test_files_whose_names_differ_only_in_suffixes_get_their_own_outputs(runner: CliRunner, tmp_path: Path) -> None:
    """``社区.2024.yaml`` beside ``社区.yaml`` and ``社区.xlsx``: no community's result overwrites another's."""
    source = tmp_path / "d"
    first = write_district(source, 1, seed=7)[0]
    folder = first.parent
    text = first.read_text(encoding="utf-8")
    name = yaml.safe_load(text)["community"]["name"]
    (folder / "community.2024.yaml").write_text(text.replace(name, "二〇二四社区"), encoding="utf-8")
    (folder / "copy.yaml").write_text(text.replace(name, "表格社区"), encoding="utf-8")
    assert runner.invoke(app, ["convert", str(folder / "copy.yaml"), "-o", str(folder / "community.xlsx")]).exit_code == 0
    (folder / "copy.yaml").unlink()
    out = tmp_path / "out"
    assert batch(runner, source, out).exit_code == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    outputs = {entry["row"]["outputs"]["json"]: entry["row"]["name"] for entry in summary["ranking"]}
    assert sorted(outputs.values()) == sorted([name, "二〇二四社区", "表格社区"])
    for path, community in outputs.items():
        assert Result.model_validate_json((out / path).read_text(encoding="utf-8")).community.name == community
    assert sorted(Path(p).name for p in outputs) == ["community.2024.json", "community.xlsx.json", "community.yaml.json"]


def test_a_file_of_another_pack_is_listed_apart(runner: CliRunner, district: Path, tmp_path: Path,
                                                 mini_pack: Path) -> None:
    (district / "other.yaml").write_text(f"standard: {mini_pack}\ncommunity: {{name: 别的社区}}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = batch(runner, district, out)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["graded"] == 10
    assert any("使用规则包 mini" in f["errors"][0] for f in summary["failed"])
    assert result.exit_code == 1


def test_not_a_folder_and_empty_folder(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["batch", str(tmp_path / "none.yaml")])
    assert result.exit_code == 1 and "不是文件夹" in result.stderr
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["batch", str(tmp_path / "empty"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 1 and "没有找到证据文件" in result.stderr


def _whole_outputs(out: Path) -> list[Path]:
    """The outputs under their final names; each must be whole (temporary files are not outputs)."""
    files = [p for p in (out / "communities").rglob("*") if p.is_file() and not p.name.endswith(".tmp")]
    for path in files:
        if path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
    return files


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_killing_a_run_leaves_only_whole_files_and_the_rerun_matches(tmp_path: Path, sig: int) -> None:
    source = tmp_path / "district"
    write_district(source, 300, seed=11)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "jingzhi_audit", "batch", str(source), "-o", str(out), "--jobs", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                            env={**os.environ, "COLUMNS": "120"})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.rglob("*.meta.json"))) < 10:
        time.sleep(0.02)
    os.killpg(proc.pid, sig) if sig == signal.SIGKILL else proc.send_signal(sig)
    proc.wait(timeout=60)
    partial = _whole_outputs(out)
    assert not (out / "summary.json").exists() or proc.returncode in (0, 1)
    done = len([p for p in partial if p.name.endswith(".meta.json")])
    assert 0 < done < 300, "the kill should land mid-run"
    if sig != signal.SIGKILL:  # SIGKILL cannot be caught; its leftovers are checked after the re-run
        assert not list(out.rglob(".*.tmp")), "a terminated worker must remove its temporary file"
    rerun = subprocess.run(cmd, capture_output=True, text=True, check=False, env={**os.environ, "COLUMNS": "120"})
    assert rerun.returncode == 0, rerun.stderr
    assert f"未改动而跳过 {done} 个" in rerun.stderr
    assert not list(out.rglob(".*.tmp"))  # leftovers of a SIGKILL are cleaned by the next run
    reference = tmp_path / "reference"
    subprocess.run([*cmd[:-4], "-o", str(reference), "--jobs", "2"], capture_output=True, check=True)
    a = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    b = json.loads((reference / "summary.json").read_text(encoding="utf-8"))
    for key in ("ranking", "ratings", "categories", "clauses_missed", "vetoed", "incomplete"):
        if key == "ranking":
            strip = [{**e, "row": {k: v for k, v in e["row"].items() if k != "outputs"}} for e in a[key]]
            ref = [{**e, "row": {k: v for k, v in e["row"].items() if k != "outputs"}} for e in b[key]]
            assert strip == ref
        else:
            assert a[key] == b[key], key


def test_pdf_reports_and_district_pdf(runner: CliRunner, tmp_path: Path) -> None:
    import shutil as _shutil

    pytest.importorskip("weasyprint", reason="WeasyPrint is not installed")
    if not _shutil.which("pdftotext"):
        pytest.skip("poppler-utils is not installed")
    source = tmp_path / "d"
    write_district(source, 2, seed=3)
    out = tmp_path / "out"
    result = batch(runner, source, out, "--pdf")
    assert result.exit_code == 0, result.stderr
    pdfs = sorted((out / "communities").rglob("*.pdf"))
    assert len(pdfs) == 2
    text = pdf_text(out / "summary.pdf")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    for entry in summary["ranking"]:
        assert entry["row"]["name"] in text
    for heading in ("总分排名", "热力图", "全区高频失分条款", "无法评分的文件"):
        assert heading in text
