"""Outputs under hostile conditions (issue 16): nothing a person wrote is overwritten, nothing from
evidence becomes a formula, markup or a terminal escape; the pack cache never runs code."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .helpers import EVIDENCE, assert_clean, audit, community

INJECTION = '=HYPERLINK("http://evil.example","点击查看详情")'


def test_score_refuses_an_existing_output_without_force(tmp_path: Path) -> None:
    community(tmp_path)
    assert audit("score", "c.yaml", "-o", "r.json", cwd=tmp_path).code == 0
    before = (tmp_path / "r.json").read_bytes()
    assert_clean(audit("score", "c.yaml", "-o", "r.json", cwd=tmp_path), "--force")
    assert (tmp_path / "r.json").read_bytes() == before
    assert audit("score", "c.yaml", "-o", "r.json", "--force", cwd=tmp_path).code == 0
    assert audit("report", "r.json", "-o", "r.md", cwd=tmp_path).code == 0
    assert_clean(audit("report", "r.json", "-o", "r.md", cwd=tmp_path), "--force")


@pytest.mark.parametrize("kind", ["fifo", "symlink"])
def test_output_never_replaces_a_fifo_or_a_symlink(tmp_path: Path, kind: str) -> None:
    community(tmp_path)
    target = tmp_path / "r.json"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        (tmp_path / "elsewhere.json").write_text("{}", encoding="utf-8")
        target.symlink_to("elsewhere.json")
    run = audit("score", "c.yaml", "-o", "r.json", "--force", cwd=tmp_path, timeout=30)
    assert_clean(run, "符号链接" if kind == "symlink" else "不是普通文件")
    assert target.is_symlink() if kind == "symlink" else target.is_fifo()


def test_validate_never_writes_over_the_file_it_checks(tmp_path: Path) -> None:
    path = community(tmp_path)
    before = path.read_bytes()
    assert_clean(audit("validate", "c.yaml", "--format", "junit", "-o", "c.yaml", cwd=tmp_path), "未")
    assert path.read_bytes() == before


def test_read_only_output_folder_is_a_message(tmp_path: Path) -> None:
    community(tmp_path)
    locked = tmp_path / "ro"
    locked.mkdir()
    locked.chmod(0o555)
    drop = ("setpriv", "--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search")
    if shutil.which("setpriv") is None:
        pytest.fail("setpriv (util-linux) is needed to test permissions as root")
    run = audit("score", "c.yaml", "-o", "ro/r.json", cwd=tmp_path, prefix=drop)
    assert_clean(run, "无法写入")


def test_meta_named_evidence_keeps_its_own_outputs(tmp_path: Path) -> None:
    district = tmp_path / "d"
    community(district, name="x.yaml")
    community(district, EVIDENCE.replace("测试社区", "另一社区"), name="x.meta.yaml")
    run = audit("batch", "d", "-o", "out", "--jobs", "1", cwd=tmp_path)
    assert run.code == 0, run.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["graded"] == 2
    assert (tmp_path / "out" / "communities" / "x.meta.yaml.json").is_file()
    again = audit("batch", "d", "-o", "out", "--jobs", "1", cwd=tmp_path)  # incremental: both up to date
    assert again.code == 0 and "未改动而跳过 2 个" in again.stderr, again.stderr


def test_second_concurrent_batch_is_refused(tmp_path: Path) -> None:
    from jingzhi_audit.batch.lock import batch_lock

    community(tmp_path / "d")
    with batch_lock(tmp_path / "out"):
        run = audit("batch", "d", "-o", "out", "--jobs", "1", cwd=tmp_path)
    assert_clean(run, "另一个 audit batch 正在写入")


def test_batch_refuses_summaries_it_did_not_write(tmp_path: Path) -> None:
    community(tmp_path / "d")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "summary.csv").write_text("我的表格\n", encoding="utf-8")
    assert_clean(audit("batch", "d", "-o", "out", "--jobs", "1", cwd=tmp_path), "--force")
    assert (tmp_path / "out" / "summary.csv").read_text(encoding="utf-8") == "我的表格\n"


def _hostile_district(tmp_path: Path) -> None:
    district = tmp_path / "d"
    community(district / "a", EVIDENCE.replace("name: 测试社区", f"name: '{INJECTION}'")
              .replace("street: 鲸园街道", 'street: "@SUM(1+1)\\x01"'))
    community(district / "b", EVIDENCE.replace("name: 测试社区", 'name: "控制\\x1b[31m字符"'))


def test_district_summary_writes_evidence_text_as_text(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    _hostile_district(tmp_path)
    run = audit("batch", "d", "-o", "out", "--jobs", "1", cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert "\x1b[31m字符" not in run.stdout and "\\x1b[31m字符" in run.stdout  # no escape reaches the terminal
    ws = load_workbook(tmp_path / "out" / "summary.xlsx")["排名"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert cells[INJECTION].data_type == "s"
    assert cells["@SUM(1+1)\\x01"].data_type == "s"
    rows = list(csv.reader((tmp_path / "out" / "summary.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert [v for r in rows for v in r if "HYPERLINK" in v] == ["'" + INJECTION]


def test_libreoffice_reads_the_injected_name_as_text(tmp_path: Path) -> None:
    """The real spreadsheet program: a formula would come back as its computed value, not its text."""
    _hostile_district(tmp_path)
    assert audit("batch", "d", "-o", "out", "--jobs", "1", cwd=tmp_path).code == 0
    converted = tmp_path / "lo"
    done = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                           "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", str(converted),
                           str(tmp_path / "out" / "summary.xlsx")], capture_output=True, text=True, timeout=180,
                          check=False)
    assert done.returncode == 0, done.stderr
    text = (converted / "summary.csv").read_text(encoding="utf-8")
    assert INJECTION.replace('"', '""') in text  # the literal text, quoted as CSV
    assert "@SUM(1+1)" in text


def test_convert_round_trip_keeps_formula_like_text(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    community(tmp_path, EVIDENCE.replace("note: 好", f"note: '{INJECTION}'"))
    assert audit("convert", "c.yaml", "-o", "c.xlsx", cwd=tmp_path).code == 0
    book = load_workbook(tmp_path / "c.xlsx")
    found = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value == INJECTION]
    assert found and all(c.data_type == "s" for c in found)
    assert audit("convert", "c.xlsx", "-o", "back.yaml", cwd=tmp_path).code == 0
    import yaml

    back = yaml.safe_load((tmp_path / "back.yaml").read_text(encoding="utf-8"))
    assert back["clauses"]["5.1.1"]["note"] == INJECTION


def test_markdown_report_escapes_evidence_text(tmp_path: Path) -> None:
    community(tmp_path, EVIDENCE.replace("name: 测试社区", "name: '<script>alert(1)</script>[x](javascript:alert(1))'"))
    assert audit("score", "c.yaml", "-o", "r.md", cwd=tmp_path).code == 0
    text = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "<script>" not in text and "[x](javascript:" not in text and "\\[x\\](javascript:" in text
    assert "&lt;script&gt;" in text


def test_cache_entry_cannot_run_code(tmp_path: Path) -> None:
    """A pickle with a __reduce__ that would create a file: the cache never unpickles."""
    import pickle

    cache = tmp_path / "cache"
    community(tmp_path)
    env = {"XDG_CACHE_HOME": str(cache)}
    assert audit("score", "c.yaml", cwd=tmp_path, env=env).code == 0
    entries = list((cache / "jingzhi-audit" / "packs").iterdir())
    assert entries and all(e.suffix == ".json" for e in entries)
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {marker}",))

    for entry in entries:
        entry.write_bytes(b"jingzhi-pack-cache-2\n" + pickle.dumps(Evil()))
        entry.with_suffix(".pickle").write_bytes(b"jingzhi-pack-cache-2\n" + pickle.dumps(Evil()))
    assert audit("score", "c.yaml", cwd=tmp_path, env=env).code == 0
    assert not marker.exists()


def test_cache_folder_writable_by_others_is_not_used(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    folder = cache / "jingzhi-audit" / "packs"
    folder.mkdir(parents=True)
    folder.chmod(0o777)
    community(tmp_path)
    run = audit("score", "c.yaml", cwd=tmp_path, env={"XDG_CACHE_HOME": str(cache)})
    assert run.code == 0
    assert "未使用缓存" in run.stderr
    assert list(folder.iterdir()) == []


def test_junit_report_is_valid_xml_with_control_characters(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    community(tmp_path, EVIDENCE.replace("status: 达标", 'status: "\\x01\\x1b"'))
    run = audit("validate", "c.yaml", "--format", "junit", "-o", "j.xml", cwd=tmp_path)
    assert run.code == 1
    ET.parse(tmp_path / "j.xml")  # parses: no raw control character
    assert "\\x01" in (tmp_path / "j.xml").read_text(encoding="utf-8")


def test_checklist_writes_formula_like_pack_text_as_text(tmp_path: Path) -> None:
    """Packs are data anyone can send: a clause wording that looks like a formula stays text."""
    from openpyxl import load_workbook

    from .helpers import ROOT

    pack = ROOT / "standards" / "jingzhi-2022"
    tree = tmp_path / "standards"
    tree.mkdir()
    shutil.copy(pack.parent / "vocabulary.yaml", tree)
    shutil.copytree(pack, tree / "p")
    vocabulary = tree / "vocabulary.yaml"
    text = vocabulary.read_text(encoding="utf-8")
    assert "label: 社区常住户数" in text
    vocabulary.write_text(text.replace("label: 社区常住户数", "label: '=WEBSERVICE(\"http://evil.example\")'"),
                          encoding="utf-8")
    run = audit("checklist", "-s", "standards/p", "-o", "x.xlsx", cwd=tmp_path)
    assert run.code == 0, run.stderr
    book = load_workbook(tmp_path / "x.xlsx")
    found = [c for ws in book.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith("=WEBSERVICE")]
    assert found and all(c.data_type == "s" for c in found)


def test_resumed_batch_writes_the_same_summary_as_a_clean_one(tmp_path: Path) -> None:
    """A killed-and-resumed run grades in another order; every summary list is sorted anyway."""
    district = tmp_path / "d"
    community(district / "a", EVIDENCE.replace("status: 达标", "status: 未达标"))
    community(district / "b", EVIDENCE.replace("status: 达标", "status: 部分达标, criteria_met: [a]"))  # k/n: name them
    community(district / "c", EVIDENCE.replace('"5.1.1": {status: 达标, note: 好, evidence: [files/a.txt]}',
                                              '"5.1.1": {status: 达标, note: 好}'))
    # --no-archive: the three share one name (no 社区代码), which the archive would count as one
    # community seen three times; this test is about the summary's order, not the archive
    assert audit("batch", "d", "-o", "clean", "--jobs", "2", "--no-archive", cwd=tmp_path).code == 0
    assert audit("batch", "d", "-o", "resumed", "--jobs", "1", "--no-archive", cwd=tmp_path).code == 0
    for suffix in (".json", ".meta.json"):  # as if the run had been killed before a and c were done
        for name in ("a", "c"):
            (tmp_path / "resumed" / "communities" / name / f"c{suffix}").unlink()
    again = audit("batch", "d", "-o", "resumed", "--jobs", "1", "--no-archive", cwd=tmp_path)
    assert again.code == 0 and "跳过 1 个" in again.stderr, again.stderr

    def summary(folder: str) -> str:  # the text, so that the order of every list and mapping counts
        data = json.loads((tmp_path / folder / "summary.json").read_text(encoding="utf-8"))
        data.pop("generated_at")
        return json.dumps(data, ensure_ascii=False)

    assert summary("clean") == summary("resumed")


def test_an_attachment_changed_while_hashed_is_hashed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The digest is of what was read, and the size and time kept with it are of that same content
    (a batch re-run compares them: an old digest is never kept for a changed file)."""
    import hashlib

    from jingzhi_audit.evidence import loader

    target = tmp_path / "a.txt"
    target.write_bytes(b"first version")
    real = loader._digest
    calls = []

    def changing(fd: int, expected: int) -> tuple[str, int]:
        result = real(fd, expected)
        if not calls:  # someone saves the file while we hash it
            target.write_bytes(b"second, longer version")
        calls.append(result)
        return result

    monkeypatch.setattr(loader, "_digest", changing)
    info, message, _ = loader.hash_attachment("a.txt", target)
    assert message is None and info is not None and len(calls) == 2
    assert info.sha256 == hashlib.sha256(b"second, longer version").hexdigest()
    after = target.stat()
    assert (info.size, info.mtime_ns) == (after.st_size, after.st_mtime_ns)
