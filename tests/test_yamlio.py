"""The YAML reader: lines, duplicates, encodings, and every kind of broken file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from jingzhi_audit import yamlio
from jingzhi_audit.errors import InputError


def write(tmp_path: Path, text: str | bytes, name: str = "f.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def test_lines_of_keys_and_list_entries(tmp_path: Path) -> None:
    doc = yamlio.load(write(tmp_path, "a: 1\nb:\n  - x: 1\n  - x: 2\n    y: 3\n"))
    assert doc.line_of(("a",)) == 1
    assert doc.line_of(("b", 1)) == 4
    assert doc.line_of(("b", 1, "y")) == 5
    assert doc.line_of(("b", 1, "missing", "deeper")) == 4


def test_floats_are_exact_decimals(tmp_path: Path) -> None:
    doc = yamlio.load(write(tmp_path, "a: 0.1\nb: 1_000.5\nc: 7\nd: .inf\n"))
    assert doc.data["a"] == Decimal("0.1")
    assert doc.data["b"] == Decimal("1000.5")
    assert doc.data["c"] == 7
    assert doc.data["d"] == float("inf")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("名称: 幸福社区\n".encode(), "utf-8"),
        (b"\xef\xbb\xbf" + "名称: 幸福社区\n".encode(), "utf-8-sig"),
        ("名称: 幸福社区\n".encode("gbk"), "gb18030"),
        ("名称: 幸福社区\n".encode("gb18030"), "gb18030"),
        ("名称: 幸福社区\n".encode("utf-16"), "utf-16"),
    ],
    ids=["utf8", "utf8-bom", "gbk", "gb18030", "utf16-bom"],
)
def test_chinese_windows_encodings_load(tmp_path: Path, raw: bytes, expected: str) -> None:
    doc = yamlio.load(write(tmp_path, raw))
    assert doc.data == {"名称": "幸福社区"}
    assert doc.encoding == expected


BAD_FILES = [
    ("duplicate-key", "a: 1\nb: 2\na: 3\n", 3, "键「a」重复出现（第 1 行已有）"),
    ("tab-indent", "a:\n\tb: 1\n", 2, "使用了制表符（Tab）：YAML 只允许用空格缩进"),
    ("tab-after-dash", "a:\n  -\tb\n", 2, "使用了制表符（Tab）"),
    ("tab-mixed-indent", "a:\n  b: 1\n \tc: 2\n", 3, "使用了制表符（Tab）"),
    ("full-width-colon", "community:\n  name: x\n  district： 环翠区\nassessor: y\n", 3,
     "用了全角冒号“：”：YAML 的键后面要用半角冒号“:”"),
    ("full-width-colon-last", "community:\n  name: x\n  district： 环翠区\n", 3, "用了全角冒号“：”"),
    ("full-width-colon-top", "standard： jingzhi-2022\ncommunity:\n  name: x\n", 1, "用了全角冒号“：”"),
    ("full-width-colon-first", "community:\n  name： x\n  district: y\n", 2, "用了全角冒号“：”"),
    ("full-width-colon-valid-yaml", "community:\n  name： 海韵社区\n", 2, "「name： 海韵社区」用了全角冒号“：”"),
    ("truncated-flow", "a: {b: 1, c: [1, 2\n", 2, "意外结束"),
    ("truncated-quote", 'a: "unterminated\n', 2, "意外结束|引号没有闭合"),
    ("empty", "", 1, "文件为空"),
    ("only-comments", "# nothing\n\n", 1, "文件为空"),
    ("bad-indent", "a:\n  b: 1\n c: 2\n", 3, "YAML 格式错误"),
    ("colon-in-text", "a: b: c\n", 1, "此处不能出现“键: 值”"),
    ("python-tag", "a: !!python/object:os.system ls\n", 1, "不支持的 YAML 标签"),
    ("merge-key", "x: &x {a: 1}\ny:\n  <<: *x\n", 3, "不支持“<<”合并键"),
    ("nul-bytes", b"a: 1\n\x00\x00", 2, "空字节"),
    ("not-text", b"a: \xff\xfe\xfa\xfb\xfc\n", 1, "编码无法识别"),
]


@pytest.mark.parametrize(("name", "content", "line", "message"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_files_name_the_line(tmp_path: Path, name: str, content: str | bytes, line: int,
                                 message: str) -> None:
    path = write(tmp_path, content)
    with pytest.raises(InputError, match=message) as info:
        yamlio.load(path)
    problem = info.value.problems[0]
    assert problem.line == line
    assert problem.file.endswith("f.yaml")


def test_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    with pytest.raises(InputError, match=r"文件过大（50\.0 MB），上限为 5 MB"):
        yamlio.load(path)


def test_alias_bomb_is_bounded(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 9):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    with pytest.raises(InputError, match="超过 200000 个值"):
        yamlio.load(write(tmp_path, "\n".join(lines) + "\n"))


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="文件不存在"):
        yamlio.load(tmp_path / "nope.yaml")
    with pytest.raises(InputError, match="这是一个文件夹"):
        yamlio.load(tmp_path)


@pytest.mark.parametrize("text", ["note: PPT：活动照片\n", "a: 说明：好\n", 'a: "name： 引号中的文字"\n',
                                  "a:\n  - 要求：每月一次\n"])
def test_a_full_width_colon_inside_a_text_is_fine(tmp_path: Path, text: str) -> None:
    assert yamlio.load(write(tmp_path, text)).data


def test_nest_is_the_inverse_of_flatten_and_names_a_conflict() -> None:
    """One function nests dotted fact names (evidence files, workbooks, templates, schemas)."""
    import pytest

    from jingzhi_audit.evidence.facts import NestError, flatten, nest

    flat = {"households": 1, "satisfaction.facilities": 0.9, "satisfaction.sample_size": 200, "a.b.c": True}
    tree = nest(flat)
    assert tree == {"households": 1, "satisfaction": {"facilities": 0.9, "sample_size": 200}, "a": {"b": {"c": True}}}
    assert {name: value for name, (_, value) in flatten(tree).items()} == flat
    with pytest.raises(NestError) as group_then_value:
        nest({"satisfaction.facilities": 0.9, "satisfaction": 1})
    assert group_then_value.value.name == "satisfaction"
    with pytest.raises(NestError) as value_then_group:
        nest({"satisfaction": 1, "satisfaction.facilities": 0.9})
    assert value_then_group.value.name == "satisfaction.facilities"
