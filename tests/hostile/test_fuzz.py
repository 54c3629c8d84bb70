"""Fuzzing the two readers of a person's file: YAML text mutations of the bundled examples, and XML
mutations inside a generated evidence workbook. The only allowed outcomes are a ``Result`` or the
project's own ``AuditError`` (issue 16).

``make test`` runs a bounded search (a few seconds). ``JINGZHI_FUZZ_MINUTES=30 make fuzz`` runs
searches back to back for that long (half on each reader) and prints how many inputs it tried.
"""

from __future__ import annotations

import contextlib
import io
import os
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jingzhi_audit.api import assess, convert
from jingzhi_audit.errors import AuditError
from jingzhi_audit.evidence.loader import PackMemo

from .helpers import EVIDENCE, ROOT, community

EXAMPLES = [EVIDENCE] + [(ROOT / "examples" / n / "community.yaml").read_text(encoding="utf-8")
                         for n in ("haiyun", "laocheng", "qingshan")]
YAML_SNIPPETS = ["\n", ": ", "- ", "{", "}", "[", "]", "&a ", "*a", "!!python/object ", "<<: *a\n", "\t", '"',
                 "'", "\\x1b", "\x00", "\x1b[31m", "1e999999999", "-1", "9" * 40, "0001-01-01T00:00:00+01:00",
                 "=HYPERLINK(1)", "..", "/dev/zero", "~", "null", "é", "社区", "%", "0.5", ".nan", ".inf",
                 "\ufeff", "\r", "#", "  ", "status: ", "evidence: [", "files/../../x", "round(1, 9)"]
XML_SNIPPETS = [b"<", b">", b"</c>", b'<c r="B2" t="s"><v>9</v></c>', b' t="s"', b' t="e"', b' t="n"',
                b' s="999"', b"<v>1e999</v>", b"<v>NaN</v>", b"<v>-1</v>", b"&amp;", b"&#0;", b"&x;",
                b"<!DOCTYPE x [<!ENTITY x 'y'>]>", b'<row r="1048576">', b'r="XFD1048576"', b"\x00", b"\xff",
                b"<is><t>=1+1</t></is>", b'<c r="A1" t="inlineStr"><is><t>\x1b</t></is></c>', b"_x0001_"]
FUZZ_MINUTES = float(os.environ.get("JINGZHI_FUZZ_MINUTES", "0") or 0)
TRIED = {"yaml": 0, "xlsx": 0}


@st.composite
def yaml_texts(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(EXAMPLES))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "duplicate"]))
        piece = draw(st.one_of(st.sampled_from(YAML_SNIPPETS), st.text(max_size=8)))
        end = min(len(text), at + draw(st.integers(0, 40)))
        if kind == "insert":
            text = text[:at] + piece + text[at:]
        elif kind == "delete":
            text = text[:at] + text[end:]
        elif kind == "replace":
            text = text[:at] + piece + text[end:]
        else:
            text = text[:at] + text[at:end] * draw(st.integers(2, 50)) + text[end:]
    return text


def _outcome(path: Path, memo: PackMemo) -> None:
    with contextlib.suppress(AuditError):  # a message for a person: allowed
        assess(path, generated_at="2026-01-01T00:00:00+00:00", pack_loader=memo)


@pytest.fixture(scope="module")
def workbook_parts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("book")
    source = community(folder)
    convert(source, folder / "w.xlsx")
    with zipfile.ZipFile(folder / "w.xlsx") as book:
        return {name: book.read(name) for name in book.namelist()}


def _examples(bounded: int) -> settings:
    many = 500 if FUZZ_MINUTES else bounded  # long runs: searches of 500, back to back (see _until)
    return settings(max_examples=many, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))


def _until(test: object) -> None:
    """Run a hypothesis test once (bounded), or searches back to back for half of JINGZHI_FUZZ_MINUTES."""
    end = time.monotonic() + FUZZ_MINUTES * 30
    while True:
        test()  # type: ignore[operator]
        if time.monotonic() >= end:
            return


def test_yaml_mutations(tmp_path: Path) -> None:
    community(tmp_path)
    path = tmp_path / "c.yaml"
    memo = PackMemo()

    @_examples(60)
    @given(yaml_texts())
    def check(text: str) -> None:
        TRIED["yaml"] += 1
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        _outcome(path, memo)

    _until(check)
    assert TRIED["yaml"] >= 60
    print(f"YAML 变异输入：{TRIED['yaml']} 个")


@st.composite
def workbooks(draw: st.DrawFn, parts: dict[str, bytes]) -> bytes:
    names = sorted(n for n in parts if n.endswith(".xml"))
    edited = dict(parts)
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(names))
        data = edited[name]
        at = draw(st.integers(0, len(data)))
        end = min(len(data), at + draw(st.integers(0, 60)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "truncate"]))
        piece = draw(st.one_of(st.sampled_from(XML_SNIPPETS), st.binary(max_size=6)))
        if kind == "insert":
            data = data[:at] + piece + data[at:]
        elif kind == "delete":
            data = data[:at] + data[end:]
        elif kind == "replace":
            data = data[:at] + piece + data[end:]
        else:
            data = data[:at]
        edited[name] = data
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in edited.items():
            book.writestr(name, data)
    return buffer.getvalue()


def test_xlsx_mutations(tmp_path: Path, workbook_parts: dict[str, bytes]) -> None:
    community(tmp_path)
    path = tmp_path / "w.xlsx"
    memo = PackMemo()

    @_examples(30)
    @given(workbooks(workbook_parts))
    def check(data: bytes) -> None:
        TRIED["xlsx"] += 1
        path.write_bytes(data)
        _outcome(path, memo)

    _until(check)
    assert TRIED["xlsx"] >= 30
    print(f"XLSX 变异输入：{TRIED['xlsx']} 个")
