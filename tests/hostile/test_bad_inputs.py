"""Hostile and broken inputs, through the real ``audit`` program: each a Chinese message, never an
internal error, a traceback or a hang (issue 16). A table: how to build the input → the message
fragment expected and the exit code. Each case runs ``audit`` in a subprocess with a timeout, so
a hang or a memory blow-up fails the case instead of the test run."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from .helpers import EVIDENCE, ROOT, assert_clean, audit, community

Build = Callable[[Path], list[str]]
PACK = ROOT / "standards" / "jingzhi-2022"


def _evidence(replace: str, by: str) -> Build:
    def build(tmp: Path) -> list[str]:
        assert replace in EVIDENCE
        community(tmp, EVIDENCE.replace(replace, by, 1))
        return ["score", "c.yaml"]
    return build


def _special(make: Callable[[Path], None], command: str = "score", name: str = "c.yaml") -> Build:
    def build(tmp: Path) -> list[str]:
        community(tmp, name="good.yaml")
        make(tmp / name)
        return [command, name]
    return build


def _attachment(make: Callable[[Path], None]) -> Build:
    def build(tmp: Path) -> list[str]:
        community(tmp)
        target = tmp / "files" / "a.txt"
        target.unlink()
        make(target)
        return ["score", "c.yaml"]
    return build


def _pack(edit: Callable[[Path], None]) -> Build:
    """A copy of the bundled pack inside a standards tree of its own, edited, then validated."""
    def build(tmp: Path) -> list[str]:
        tree = tmp / "standards"
        tree.mkdir()
        shutil.copy(PACK.parent / "vocabulary.yaml", tree)
        shutil.copytree(PACK, tree / "p")
        edit(tree / "p")
        return ["validate", "standards/p"]
    return build


def _replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _result(edit: Callable[[dict], object]) -> Build:
    def build(tmp: Path) -> list[str]:
        data = json.loads((ROOT / "tests" / "golden" / "haiyun.json").read_text(encoding="utf-8"))
        edit(data)
        (tmp / "r.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return ["report", "r.json", "-o", "r.md"]
    return build


def _set(data: dict, path: str, value: object) -> None:
    *parents, last = path.split(".")
    node = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[int(last) if isinstance(node, list) else last] = value


def _workbook(edit: Callable[[dict[str, bytes]], None], mode: int = zipfile.ZIP_DEFLATED) -> Build:
    """A real evidence workbook (``audit convert``), its XML parts edited inside the zip."""
    def build(tmp: Path) -> list[str]:
        community(tmp)
        done = subprocess.run([str(Path(os.sys.executable).parent / "audit"), "convert", "c.yaml", "-o", "w.xlsx"],
                              cwd=tmp, capture_output=True, check=False)
        assert done.returncode == 0, done.stderr
        with zipfile.ZipFile(tmp / "w.xlsx") as book:
            parts = {name: book.read(name) for name in book.namelist()}
        edit(parts)
        with zipfile.ZipFile(tmp / "w.xlsx", "w", mode) as book:
            for name, data in parts.items():
                book.writestr(name, data)
        return ["score", "w.xlsx"]
    return build


def _sheet(parts: dict[str, bytes]) -> str:
    return next(n for n in parts if n.startswith("xl/worksheets/sheet") and b"<c " in parts[n])


def _bomb(tmp: Path) -> list[str]:
    community(tmp)
    with zipfile.ZipFile(tmp / "w.xlsx", "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as handle:
            chunk = b" " * (1 << 20)
            for _ in range(400):  # 400 MB of spaces, ~0.4 MB compressed
                handle.write(chunk)
    return ["score", "w.xlsx"]


def _laughs(parts: dict[str, bytes]) -> None:
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    name = "xl/worksheets/sheet2.xml"
    xml = parts[name].replace(b"<t>jingzhi-2022</t>", b"<t>&j;</t>", 1)
    parts[name] = f"<!DOCTYPE worksheet [{entities}]>".encode() + xml


def _truncate(parts: dict[str, bytes]) -> None:
    name = "xl/worksheets/sheet3.xml"
    parts[name] = parts[name][: len(parts[name]) // 2]


def _no_shared(parts: dict[str, bytes]) -> None:
    name = "xl/worksheets/sheet2.xml"
    parts[name] = re.sub(rb't="inlineStr"><is><t>jingzhi-2022</t></is>', b't="s"><v>5</v>', parts[name], count=1)
    assert b't="s"' in parts[name]


def _bad_style(parts: dict[str, bytes]) -> None:
    name = "xl/worksheets/sheet2.xml"
    parts[name] = re.sub(rb' s="\d+"', b' s="9999"', parts[name], count=1)


def _bomb(tmp: Path) -> list[str]:
    """A real workbook whose sheet inflates to 400 MB (0.4 MB compressed)."""
    build = _workbook(lambda parts: None)
    build(tmp)
    with zipfile.ZipFile(tmp / "w.xlsx") as book:
        parts = {name: book.read(name) for name in book.namelist()}
    with zipfile.ZipFile(tmp / "w.xlsx", "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            if name != "xl/worksheets/sheet3.xml":
                book.writestr(name, data)
                continue
            head, tail = data.split(b"<sheetData>", 1)
            with book.open(name, "w", force_zip64=True) as handle:
                handle.write(head + b"<sheetData>")
                chunk = b" " * (1 << 20)
                for _ in range(400):
                    handle.write(chunk)
                handle.write(tail)
    return ["score", "w.xlsx"]


def _deep_json(tmp: Path) -> list[str]:
    (tmp / "r.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    return ["report", "r.json", "-o", "r.md"]


def _stray_byte(tmp: Path) -> list[str]:
    """UTF-8 Chinese with one stray byte, which GB18030 decodes happily (into mojibake)."""
    community(tmp, EVIDENCE.replace("环翠区", "环翠区域").replace("note: 好", "note: 好好好"))
    raw = (tmp / "c.yaml").read_bytes().replace("note: 好".encode(), b"note: \xa1" + "好".encode(), 1)
    raw.decode("gb18030")  # the trap: this succeeds
    (tmp / "c.yaml").write_bytes(raw)
    return ["score", "c.yaml"]


def _long_note(tmp: Path) -> list[str]:
    community(tmp, EVIDENCE.replace("note: 好", "note: " + "长" * 1_500_000, 1))
    return ["score", "c.yaml"]


def _huge_result_notes(data: dict) -> None:
    data["clauses"][0]["note"] = "注" * 30_000


def _symlinked_batch(tmp: Path) -> list[str]:
    outside = tmp / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    district = tmp / "d"
    district.mkdir()
    community(district / "a")
    (district / "b.yaml").symlink_to(outside / "secret.yaml")
    return ["batch", "d", "-o", "out", "--jobs", "1"]


def _batch_inside(tmp: Path) -> list[str]:
    community(tmp / "d")
    return ["batch", "d", "-o", "d/out", "--jobs", "1"]


def _unreadable(tmp: Path) -> list[str]:
    community(tmp)
    (tmp / "c.yaml").chmod(0)
    return ["score", "c.yaml"]


def _unreadable_folder(tmp: Path) -> list[str]:
    community(tmp / "d")
    (tmp / "d").chmod(0)
    return ["score", "d/c.yaml"]


def _unreadable_attachment_batch(tmp: Path) -> list[str]:
    district = tmp / "d"
    for name in ("a", "b", "c"):
        community(district / name)
    (district / "b" / "files" / "a.txt").chmod(0)
    return ["batch", "d", "-o", "out", "--jobs", "2"]


def _sparse(tmp: Path) -> list[str]:
    community(tmp)
    with (tmp / "files" / "a.txt").open("r+b") as handle:
        handle.truncate(50 * 1024**3)  # 50 GB, sparse: nothing on disk
    return ["score", "c.yaml"]


def _pack_fifo(tmp: Path) -> list[str]:
    _pack(lambda p: os.mkfifo(p / "99-管道.yaml"))(tmp)
    community(tmp)
    return ["score", "c.yaml", "-s", "standards/p"]


DROP_CAPS = ("setpriv", "--inh-caps=-dac_override,-dac_read_search",
             "--bounding-set=-dac_override,-dac_read_search")
"""Tests run as root, who reads everything: these cases run without the capabilities that allow it."""

UNPRIVILEGED = {"evidence unreadable", "evidence folder unreadable", "batch --jobs 2: one unreadable attachment"}

CASES: dict[str, tuple[Build, str, int]] = {
    # -- files that are not ordinary files --------------------------------------------------------
    "evidence is a FIFO": (_special(lambda p: os.mkfifo(p)), "不是普通文件", 1),
    "evidence is /dev/zero via a symlink": (_special(lambda p: p.symlink_to("/dev/zero")), "不是普通文件", 1),
    "evidence is a folder": (_special(lambda p: p.mkdir()), "文件夹", 1),
    "evidence is a symlink loop": (_special(lambda p: p.symlink_to(p.name)), "c.yaml", 1),
    "evidence name longer than NAME_MAX": (lambda tmp: ["score", "长" * 200 + ".yaml"], "文件名过长", 1),
    "result is a FIFO": (lambda tmp: [*_special(lambda p: os.mkfifo(p), "report", "r.json")(tmp), "-o", "r.md"],
                         "不是普通文件", 1),
    "NUL byte in an attachment path": (_evidence("files/a.txt", '"files/a\\0.txt"'), "空字节", 1),
    "NUL byte in standard": (_evidence("standard: jingzhi-2022", 'standard: "jing\\0zhi"'), "找不到规则包", 1),
    "standard name longer than NAME_MAX (found by fuzzing)": (
        _evidence("standard: jingzhi-2022", "standard: " + "jingzhi- " * 40 + "2022"), "找不到规则包", 1),
    "attachment is a FIFO": (_attachment(lambda p: os.mkfifo(p)), "不是普通文件", 1),
    "attachment is a symlink loop": (_attachment(lambda p: p.symlink_to(p.name)), "files/a.txt", 1),
    "attachment name longer than NAME_MAX": (_evidence("files/a.txt", "files/" + "长" * 200), "文件名过长", 1),
    "evidence unreadable": (_unreadable, "没有读取或写入的权限", 1),
    "evidence folder unreadable": (_unreadable_folder, "d/c.yaml", 1),
    "50 GB sparse attachment": (_sparse, "佐证文件过大，未计算摘要", 0),
    "pack category file is a FIFO": (_pack_fifo, "不是普通文件", 1),
    # -- a pack reads nothing outside its folder and standards tree -------------------------------
    "vocabulary outside the standards tree": (
        _pack(lambda p: _replace_in(p / "pack.yaml", "vocabulary: ../vocabulary.yaml",
                                    "vocabulary: ../../../../../../../../etc/passwd")),
        "规则包所在的标准文件夹之外", 1),
    "category file is a symlink out of the pack": (
        _pack(lambda p: (p / "99-外部.yaml").symlink_to("/etc/passwd")), "符号链接", 1),
    "source text outside the pack": (
        _pack(lambda p: _replace_in(p / "pack.yaml", "file: sources/", "file: ../../../../../../../etc/")),
        "原文文件必须位于规则包文件夹之内", 1),
    # -- numbers and dates ---------------------------------------------------------------------
    "fact 1.0e+999999999": (_evidence("households: 2860", "households: 1.0e+999999999"), "数值超出范围", 1),
    "fact 1.0e-999999999": (_evidence("households: 2860", "households: 1.0e-999999999"), "数值超出范围", 1),
    "fact with 400 digits": (_evidence("households: 2860", "households: " + "9" * 400), "数值超出范围", 1),
    "ratio text 1e999999999%": (_evidence("households: 2860", "households: 2860\n  visit_coverage: '1e999999999%'"),
                                "visit_coverage", 1),
    "threshold 1.0e+999999999": (
        _pack(lambda p: _replace_in(p / "pack.yaml", "value: 0.9", "value: 1.0e+999999999")), "数值超出范围", 1),
    "round() with a fact as its places": (
        _pack(lambda p: _replace_in(p / "05-社区队伍.yaml", "check: facts.", "check: round(facts.households, facts.households) > 0 or facts.")),
        "round", 1),
    "assessed_on in year 1 with a time zone": (
        _evidence("assessed_on: 2026-11-01", "assessed_on: 0001-01-01T00:00:00+01:00"), "日期", 1),
    # -- spreadsheets --------------------------------------------------------------------------
    "zip bomb workbook": (_bomb, "解压后", 1),
    "billion laughs in shared strings": (_workbook(_laughs), "w.xlsx", 1),
    "truncated sheet XML": (_workbook(_truncate), "w.xlsx", 1),
    "shared-string index with no shared strings": (_workbook(_no_shared), "w.xlsx", 1),
    "style index that does not exist": (_workbook(_bad_style), "w.xlsx", 1),
    # -- results and reports -------------------------------------------------------------------
    "result total NaN": (_result(lambda d: _set(d, "total", float("nan"))), "r.json", 1),
    "result total negative": (_result(lambda d: _set(d, "total", -5)), "total", 1),
    "result total disagrees with categories": (_result(lambda d: _set(d, "total", 99.5)), "各类得分之和", 1),
    "result category earned above its points": (_result(lambda d: _set(d, "categories.0.score", 1000)), "categories", 1),
    "result nested 100,000 deep": (_deep_json, "嵌套", 1),
    "result with a 30,000-character note": (_result(_huge_result_notes), "20000", 1),
    "evidence with a 1.5-million-character note": (_long_note, "20000", 1),
    "evidence with one stray non-UTF-8 byte": (_stray_byte, "无效的 UTF-8 字节", 1),
    # -- batch ---------------------------------------------------------------------------------
    "batch: symlinked evidence file pointing out": (_symlinked_batch, "符号链接", 1),
    "batch: -o inside the evidence folder": (_batch_inside, "证据文件夹之内", 1),
    "batch --jobs 2: one unreadable attachment": (_unreadable_attachment_batch, "无法评分 1", 1),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input(case: str, tmp_path: Path) -> None:
    build, fragment, code = CASES[case]
    args = build(tmp_path)
    run = audit(*args, cwd=tmp_path, timeout=40, prefix=DROP_CAPS if case in UNPRIVILEGED else ())
    assert_clean(run, fragment, code)
    assert "root:x:0:0" not in run.stdout + run.stderr  # nothing outside the inputs is echoed
    if args[0] == "batch":
        summary = (tmp_path / "out" / "summary.json")
        if summary.exists():
            assert "root:x:0:0" not in summary.read_text(encoding="utf-8")
