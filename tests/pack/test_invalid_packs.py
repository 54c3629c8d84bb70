"""The invalid-pack table: (bad input → expected message, file and line), through the loader and the CLI."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jingzhi_audit.cli import app
from jingzhi_audit.errors import PackError
from jingzhi_audit.pack import load_pack

CAT1 = "1-队伍.yaml"
CAT2 = "2-满意.yaml"
META = "pack.yaml"


def replace(file: str, old: str, new: str, count: int = 1) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        path = folder / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture changed: {old!r} not in {file}"
        path.write_text(text.replace(old, new, count), encoding="utf-8")

    return apply


def write(file: str, content: bytes) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        (folder / file).write_bytes(content)

    return apply


def truncate(file: str, keep: float) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        data = (folder / file).read_bytes()
        (folder / file).write_bytes(data[: int(len(data) * keep)])

    return apply


def huge(file: str, megabytes: int) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        with (folder / file).open("wb") as handle:
            handle.truncate(megabytes * 1024 * 1024)

    return apply


@dataclass
class Case:
    id: str
    mutate: Callable[[Path], None]
    file: str
    line: int | None
    message: str  # a regex matched against "field: message"


CHECK = "check: facts.volunteers >= facts.households / 100 * thresholds.volunteers_per_100_households"

CASES = [
    Case("duplicate-id", replace(CAT1, 'id: "1.1.2"', 'id: "1.1.1"'), CAT1, 21,
         r"items\[1\.1\]\.clauses\[1\.1\.1\]\.id: 编号 1\.1\.1 重复（.*1-队伍\.yaml:8 已使用）"),
    Case("points-do-not-add-up", replace(CAT1, "points: 6", "points: 7"), CAT1, 3,
         r"points: 本类各条款分值合计 6，与本类分值 7 不符（差 1；各项小计：1\.1：3，1\.2：3）"),
    Case("category-points-vs-total", replace(META, "total_points: 10", "total_points: 12"), META, 8,
         r"total_points: 各类分值合计 10，与 total_points 12 不符"),
    Case("points-not-half-multiple", replace(CAT2, "points: 2\n        method: [问卷调查]",
                                             "points: 1.3\n        method: [问卷调查]"), CAT2, 11,
         r"clauses\[2\.1\.1\]\.points: 分值 1\.3 不是 0\.5 的整数倍"),
    Case("undeclared-fact", replace(CAT1, "facts.volunteers >=", "facts.volunters >="), CAT1, 29,
         r"check: 表达式不可用：facts\.volunters 不是规则包中声明的数据项（是否想写：volunteers？）"),
    Case("forbidden-import", replace(CAT1, CHECK, "check: __import__('os') == 0"), CAT1, 29,
         r"check: 表达式不可用：不允许调用函数「__import__」"),
    Case("forbidden-open", replace(CAT1, CHECK, "check: open('/etc/passwd') == 0"), CAT1, 29,
         r"不允许调用函数「open」"),
    Case("forbidden-attribute", replace(CAT1, CHECK, "check: ().__class__.__bases__ == 0"), CAT1, 29,
         r"不允许访问属性「\.__bases__」"),
    Case("dunder-on-fact", replace(CAT1, CHECK, "check: facts.volunteers.__class__ == 0"), CAT1, 29,
         r"不允许访问以下划线开头的名称"),
    Case("number-without-source", replace(CAT1, CHECK, "check: facts.volunteers >= 350"), CAT1, 29,
         r"数字 350 没有出处"),
    Case("check-not-boolean", replace(CAT1, CHECK, "check: facts.volunteers + 1"), CAT1, 29,
         r"检查式的结果应为真/假"),
    Case("misspelt-key", replace(CAT1, "evidence_hint: 名册、制度", "evidence_hnt: 名册、制度"), CAT1, 13,
         r"未知字段「evidence_hnt」，是否想写「evidence_hint」？$"),
    Case("missing-source", replace(CAT2, "        source: {reconstructed: 测试用条款}\n", ""), CAT2, 19,
         r"clauses\[2\.1\.2\]\.source: 缺少必填字段「source」"),
    Case("unquoted-id", replace(CAT2, 'id: "2"', "id: 2"), CAT2, 1,
         r"id: 编号必须写成带引号的文本，如 \"2\""),
    Case("wrong-nesting", replace(CAT1, 'id: "1.2.2"', 'id: "1.1.9"'), CAT1, 42,
         r"条款编号 1\.1\.9 不在项 1\.2 之下"),
    Case("expect-count", replace(META, "clauses: 6}", "clauses: 7}"), META, 7,
         r"expect\.clauses: 应有 7 条，实际 6 条"),
    Case("ratings-out-of-order", replace(META, "min_total: 7}", "min_total: 8.5}"), META, 45,
         r"ratings\[pass\]\.min_total: 等级须从高到低排列"),
    Case("quote-not-in-source", replace(META, "quote: 满意率达到90%以上}", "quote: 满意率达到95%以上}"),
         META, 30, r"thresholds\.satisfaction_min\.source\.quote: 引文在 sources/src\.txt 中找不到"),
    Case("threshold-without-source",
         replace(META, "    source: {reconstructed: 测试用阈值}\n", ""), META, 20,
         r"thresholds\.volunteers_per_100_households\.source: 缺少必填字段「source」"),
    Case("unknown-scale-threshold", replace(META, "at_least: satisfaction_min", "at_least: satisfaction_mni"),
         META, 34, r"阈值「satisfaction_mni」未在 pack\.yaml 的 thresholds 中定义（是否想写：satisfaction_min？）"),
    Case("duplicate-yaml-key", replace(CAT2, "points: 4\n", "points: 4\npoints: 5\n"), CAT2, 4,
         r"键「points」重复出现（第 3 行已有）"),
    Case("tab-indented", replace(CAT2, "\n  - id:", "\n\t- id:"), CAT2, 5, r"使用了制表符（Tab）：YAML 只允许用空格缩进"),
    Case("truncated", truncate(CAT1, 0.45), CAT1, 26, r"文件在此处意外结束"),
    Case("empty-file", write(CAT2, b""), CAT2, 1, r"文件为空"),
    Case("fifty-megabytes", huge(CAT2, 50), CAT2, 1, r"文件过大（50\.0 MB）"),
    Case("not-a-mapping", write(CAT2, b"- a\n- b\n"), CAT2, 1, r"文件顶层应为映射"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_invalid_pack_is_reported_with_file_and_line(mini_pack: Path, case: Case) -> None:
    case.mutate(mini_pack)
    with pytest.raises(PackError) as info:
        load_pack(mini_pack)
    matches = [p for p in info.value.problems
               if re.search(case.message, f"{p.field}: {p.message}" if p.field else p.message)]
    assert matches, "\n".join(str(p) for p in info.value.problems)
    problem = matches[0]
    assert problem.file.endswith(case.file)
    if case.line is not None:
        assert problem.line == case.line, str(problem)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_invalid_pack_fails_validate_without_traceback(mini_pack: Path, case: Case, runner: CliRunner) -> None:
    case.mutate(mini_pack)
    result = runner.invoke(app, ["validate", str(mini_pack)])
    assert result.exit_code == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"{case.file}:" in result.stdout
    assert "✗" in result.stdout


def test_every_problem_is_reported_in_one_run(mini_pack: Path) -> None:
    replace(CAT1, 'id: "1.1.2"', 'id: "1.1.1"')(mini_pack)
    replace(CAT2, "scale: satisfaction", "scale: satisfactoin")(mini_pack)
    replace(META, "clauses: 6}", "clauses: 5}")(mini_pack)
    with pytest.raises(PackError) as info:
        load_pack(mini_pack)
    text = str(info.value)
    assert "编号 1.1.1 重复" in text
    assert "分档表「satisfactoin」未在 pack.yaml 的 scales 中定义" in text
    assert "应有 5 条，实际 6 条" in text


def test_a_broken_file_does_not_cause_echo_errors(mini_pack: Path) -> None:
    write(CAT2, b"")(mini_pack)
    with pytest.raises(PackError) as info:
        load_pack(mini_pack)
    assert [p.message for p in info.value.problems] == ["文件为空，没有任何内容"]


def test_schema_errors_in_several_files_are_all_reported(mini_pack: Path) -> None:
    replace(CAT1, "evidence_hint: 名册、制度", "evidence_hnt: 名册、制度")(mini_pack)
    write(CAT2, b"")(mini_pack)
    with pytest.raises(PackError) as info:
        load_pack(mini_pack)
    files = {Path(p.file).name for p in info.value.problems}
    assert files == {CAT1, CAT2}
