"""audit batch and the archive: recording, the district's changes, ledgers, concurrent runs, a killed run.

The concurrency and kill tests drive real ``audit batch`` processes (the installed console script)
against real SQLite files and a real PostgreSQL server.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import text
from typer.testing import CliRunner

from jingzhi_audit.cli import app
from jingzhi_audit.cycle.archive import open_archive
from jingzhi_audit.cycle.ledger import ledger_workbook
from jingzhi_audit.result import Result
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import write_district

AUDIT = str(Path(sys.executable).parent / "audit")


def next_year(source: Path, target: Path) -> Path:
    """A copy of a district one year later, each community with its first met clause now not met."""
    shutil.copytree(source, target)
    for path in target.rglob("community.yaml"):
        content = path.read_text(encoding="utf-8").replace('assessed_on: "2026-', 'assessed_on: "2027-', 1)
        path.write_text(content.replace('status: "达标"', 'status: "未达标"', 1), encoding="utf-8")
    return target


def batch(runner: CliRunner, source: Path, out: Path, *args: str):  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["batch", str(source), "-o", str(out), "--jobs", "2", *args],
                           env={"COLUMNS": "160"}, catch_exceptions=False)
    assert "Traceback" not in result.stdout + result.stderr
    return result


def test_two_years_of_a_district(runner: CliRunner, tmp_path: Path) -> None:
    first = tmp_path / "2026"
    write_district(first, 6, seed=7)
    second = next_year(first, tmp_path / "2027")
    archive = tmp_path / "city.sqlite"
    one = batch(runner, first, tmp_path / "out1", "--archive", str(archive))
    assert one.exit_code == 0, one.stderr
    assert f"已记入评估归档 {archive}" in one.stderr
    # a ledger beside one evidence file, made from year one, 进度 已完成 on a clause still short next year
    folder = sorted(second.iterdir())[0]
    before = Result.model_validate_json((tmp_path / "out1" / "communities" / folder.name / "community.json")
                                        .read_text(encoding="utf-8"))
    ledger = folder / "community.整改台账.xlsx"
    ledger.write_bytes(ledger_workbook(before))
    book = load_workbook(ledger)
    book["整改台账"]["J2"] = "已完成"
    book.save(ledger)
    two = batch(runner, second, tmp_path / "out2", "--archive", str(archive))
    assert two.exit_code == 0, two.stderr
    summary = json.loads((tmp_path / "out2" / "summary.json").read_text(encoding="utf-8"))
    assert summary["files"] == 6  # the ledger is not taken for an evidence file
    cycle = summary["cycle"]
    totals1 = {r["row"]["path"]: r["row"]["total"] for r in
               json.loads((tmp_path / "out1" / "summary.json").read_text(encoding="utf-8"))["ranking"]}
    for change in cycle["communities"]:
        now = next(r["row"]["total"] for r in summary["ranking"] if r["row"]["path"] == change["path"])
        assert change["previous_on"].startswith("2026-")
        assert change["change"] == pytest.approx(now - totals1[change["path"]], abs=1e-4)
        assert change["fixed"] + change["persisting"] >= 0 and change["regressed"] >= 0
    assert cycle["regressed"] == [c["name"] for c in sorted(cycle["communities"], key=lambda c: (c["change"], c["path"]))
                                  if c["change"] < 0 or c["band_dropped"]]
    assert cycle["persisting"] and cycle["persisting"][0]["communities"] >= cycle["persisting"][-1]["communities"]
    with_ledger = next(c for c in cycle["communities"] if c["path"].startswith(folder.name))
    assert with_ledger["contradicted"] + with_ledger["overdue"] >= 0 and with_ledger["overdue"] is not None
    first_gap = before.gaps[0].clause
    still = any(r["row"]["path"].startswith(folder.name) and first_gap in [g[0] for g in r["row"]["gaps"]]  # a gap is [clause, reason, points lost]
                for r in summary["ranking"])
    assert with_ledger["contradicted"] == (1 if still else 0)
    others = [c for c in cycle["communities"] if c is not with_ledger]
    assert all(c["overdue"] is None and c["contradicted"] is None for c in others)
    assert "与上次评估相比（6 个社区）" in two.stdout and "整改台账核对" in two.stdout
    rows = list(csv.reader(io.StringIO((tmp_path / "out2" / "summary.csv").read_bytes().decode("utf-8-sig"))))
    assert rows[0][6] == "与上次相比" and rows[0][-4:] == ["整改逾期", "整改矛盾", "证据文件", "状态"]
    # a text cell that starts with - or + is guarded with ' in the CSV (never a formula in Excel)
    assert all(re.fullmatch(r"'?[+-]?\d+\.\d(（降档）)?", row[6]) for row in rows[1:])
    book = load_workbook(tmp_path / "out2" / "summary.xlsx")
    assert book.sheetnames[-2:] == ["与上次相比", "仍未整改最多的条款"]
    with open_archive(archive).reading() as conn:
        assert conn.execute(text("SELECT count(*) FROM assessments")).scalar() == 12
        assert conn.execute(text("SELECT count(*) FROM communities")).scalar() == 6
    # re-running records nothing twice
    assert batch(runner, second, tmp_path / "out2", "--archive", str(archive), "--force").exit_code == 0
    with open_archive(archive).reading() as conn:
        assert conn.execute(text("SELECT count(*) FROM assessments")).scalar() == 12


def test_default_archive_and_no_archive(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "d"
    write_district(source, 2, seed=3)
    assert batch(runner, source, tmp_path / "a").exit_code == 0
    assert (tmp_path / "a" / "archive.sqlite").is_file()
    first = json.loads((tmp_path / "a" / "summary.json").read_text(encoding="utf-8"))["cycle"]
    assert [c["previous_on"] for c in first["communities"]] == [None, None]
    result = batch(runner, source, tmp_path / "b", "--no-archive")
    assert result.exit_code == 0 and not (tmp_path / "b" / "archive.sqlite").exists()
    assert "已记入评估归档" not in result.stderr
    both = batch(runner, source, tmp_path / "c", "--no-archive", "--archive", "x.sqlite")
    assert both.exit_code == 2 and "--archive 与 --no-archive 不能同时使用" in both.stderr  # a usage error


def test_the_district_pdf_has_the_comparison(runner: CliRunner, tmp_path: Path) -> None:
    from tests.conftest import pdf_text

    first = tmp_path / "2026"
    write_district(first, 2, seed=11)
    second = next_year(first, tmp_path / "2027")
    archive = str(tmp_path / "a.sqlite")
    assert batch(runner, first, tmp_path / "o1", "--archive", archive).exit_code == 0
    assert batch(runner, second, tmp_path / "o2", "--archive", archive, "--pdf").exit_code == 0
    summary = pdf_text(tmp_path / "o2" / "summary.pdf")
    assert "五、与上次评估相比" in summary and "仍未整改最多的条款" in summary and "较上次" in summary
    report = next((tmp_path / "o2" / "communities").rglob("*.pdf"))
    assert "与上次评估相比" in pdf_text(report) and "上次评估 2026-" in pdf_text(report)


def _whole(archive_spec: str) -> tuple[int, int]:
    """Every recorded assessment is whole: its gap rows and its result JSON agree with it."""
    archive = open_archive(archive_spec, create=False)
    with archive.reading() as conn:
        rows = conn.execute(text("SELECT a.id, a.total, a.gap_count, a.result_json, "
                                 "(SELECT count(*) FROM gaps g WHERE g.assessment_id = a.id) FROM assessments a")).all()
        duplicates = conn.execute(text("SELECT count(*) FROM (SELECT community_id, evidence_sha256 FROM assessments "
                                       "GROUP BY community_id, evidence_sha256, pack_sha256 HAVING count(*) > 1) d")).scalar()
        communities = conn.execute(text("SELECT count(*) FROM communities")).scalar()
    archive.dispose()
    for _id, total, gap_count, result_json, gap_rows in rows:
        assert gap_rows == gap_count
        result = json.loads(result_json)
        assert result["total"] == total and len(result["gaps"]) == gap_count
    assert duplicates == 0
    return len(rows), int(communities or 0)


def test_two_concurrent_batch_runs_lose_nothing(archive_spec: str, tmp_path: Path) -> None:
    """Two real ``audit batch`` processes write into one archive at the same time."""
    east, west = tmp_path / "东区", tmp_path / "西区"
    write_district(east, 24, seed=21)
    paths = write_district(west, 24, seed=22)
    for path in paths:  # other communities: other codes
        path.write_text(re.sub(r'code: "3710(\d{5})"', r'code: "3799\1"', path.read_text(encoding="utf-8")),
                        encoding="utf-8")
    runs = [subprocess.Popen([AUDIT, "batch", str(src), "-o", str(tmp_path / f"out-{src.name}"), "--jobs", "1",
                              "--archive", archive_spec], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for src in (east, west)]
    outputs = [run.communicate(timeout=300) for run in runs]
    for run, (_out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err.decode()
    assert _whole(archive_spec) == (48, 48)
    archive = open_archive(archive_spec)
    with archive.reading() as conn:
        order = conn.execute(text("SELECT c.code FROM assessments a JOIN communities c ON c.id = a.community_id "
                                  "ORDER BY a.id")).scalars().all()
    archive.dispose()
    switches = sum(1 for a, b in itertools.pairwise(order) if a[:4] != b[:4])
    assert switches >= 2, "the two runs did not write at the same time"


def test_a_killed_batch_leaves_a_consistent_archive(tmp_path: Path) -> None:
    source = tmp_path / "d"
    write_district(source, 40, seed=5)
    archive = tmp_path / "a.sqlite"
    cmd = [AUDIT, "batch", str(source), "-o", str(tmp_path / "out"), "--jobs", "2", "--archive", str(archive)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    recorded = 0
    while time.monotonic() < deadline and recorded < 8:
        time.sleep(0.02)
        try:
            with sqlite3.connect(f"file:{archive}?mode=ro", uri=True, timeout=5) as db:
                recorded = db.execute("SELECT count(*) FROM assessments").fetchone()[0]
        except sqlite3.OperationalError:
            continue  # not created yet
    os.kill(proc.pid, signal.SIGKILL)  # the batch itself, mid-run, with no chance to clean up
    proc.wait()
    os.killpg(proc.pid, signal.SIGKILL)  # and its orphaned workers
    assert 8 <= recorded < 40
    with sqlite3.connect(archive) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    count, _ = _whole(str(archive))
    assert 8 <= count < 40
    again = subprocess.run(cmd, capture_output=True, timeout=300)
    assert again.returncode == 0, again.stderr.decode()
    assert _whole(str(archive)) == (40, 40)
