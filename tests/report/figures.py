"""The figures of a gap report PDF, as poppler's pdftotext reads them: what must never change when
the report's layout is made faster or more compact.

The figures of a report are: its page count; every clause of section 三 (分类明细) with its status
and score, in order; and, section by section, every number of the text (plain and ``-layout``),
counted, with the running header and page footer removed (those repeat once per page).

``python -m tests.report.figures`` rewrites ``tests/fixtures/figures/<example>.txt`` from the
current code; the fixtures were generated before the report's layout changes (issue 17) and
``test_figures.py`` asserts that the reports still have exactly these figures.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIGURES = ROOT / "tests" / "fixtures" / "figures"
EXAMPLES = ["haiyun", "qingshan", "laocheng"]
GENERATED_AT = "2026-11-22T10:00:00+08:00"

_HEADING = re.compile(r"^([一二三四五六七八九十]+、\S+)\s*$", re.M)
_CLAUSE_START = re.compile(r"^\s{0,3}(\d+\.\d+\.\d+)\s")
_STATUS = re.compile(r"部分达标|未达标|不适用|未评估|达标")
_SCORE = re.compile(r"(—|\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?%?")
_FOOTER = re.compile(r"第 \d+ 页，共 \d+ 页")


def pdftotext(path: Path, *, layout: bool) -> str:
    """The text of ``path`` as ``pdftotext`` (optionally ``-layout``) extracts it."""
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def _body(text: str, header: list[str]) -> str:
    """The text without the running header (first lines of each page after the first) and footer."""
    pages = text.split("\f")
    kept = [pages[0]]
    for page in pages[1:]:
        for line in header:
            page = page.replace(line, "", 1)
        kept.append(page)
    return _FOOTER.sub("", "\f".join(kept))


def _sections(text: str) -> dict[str, str]:
    """The text of each numbered section (一、… 六、), keyed by its heading; the cover as 封面."""
    parts = _HEADING.split(text)
    sections = {"封面": parts[0]}
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        sections[heading] = body
    return sections


def clause_rows(layout_text: str) -> list[str]:
    """``ID status earned points`` for every clause row of section 三, in order (the status is the
    first status word of the row, the score the first ``earned/points`` after it)."""
    details = next((body for heading, body in _sections(layout_text).items() if heading.startswith("三、")), "")
    rows: list[list[str]] = []
    for line in details.splitlines():
        start = _CLAUSE_START.match(line)
        if start:
            rows.append([start.group(1), line[start.end():]])
        elif rows:
            rows[-1].append(line)
    out = []
    for ident, *lines in rows:
        text = " ".join(lines)
        status = _STATUS.search(text)
        score = _SCORE.search(text, status.end()) if status else None
        out.append(f"{ident} {status.group() if status else '?'} {' '.join(score.groups()) if score else '?'}")
    return out


def _count(text: str) -> str:
    counts = Counter(_NUMBER.findall(text))
    return " ".join(f"{n}×{c}" for n, c in sorted(counts.items()))


def figures(pdf: Path, header: list[str]) -> str:
    """The figures of the report ``pdf`` whose running header lines are ``header``, as text."""
    plain, layout = pdftotext(pdf, layout=False), pdftotext(pdf, layout=True)
    pages = plain.count("\f")
    lines = [f"pages: {pages}", "", "== clauses (三、分类明细, pdftotext -layout)"]
    lines += clause_rows(layout)
    for kind, text in (("plain", plain), ("layout", layout)):
        lines += ["", f"== numbers by section (pdftotext{' -layout' if kind == 'layout' else ''})"]
        for heading, body in _sections(_body(text, header)).items():
            lines.append(f"{heading}: {_count(body)}")
    return "\n".join(lines) + "\n"


def example_pdf(name: str, folder: Path) -> tuple[Path, list[str]]:
    """The gap report of the bundled example ``name`` (fixed generation time), and its header lines."""
    from jingzhi_audit.api import assess
    from jingzhi_audit.render.pdf import render_pdf

    result = assess(ROOT / "examples" / name / "community.yaml", generated_at=GENERATED_AT)
    path = folder / f"{name}.pdf"
    path.write_bytes(render_pdf(result))
    return path, [result.community.name, result.pack.code or result.pack.title]


def main() -> None:
    """Rewrite the figure fixtures from the current code."""
    import tempfile

    FIGURES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name in sys.argv[1:] or EXAMPLES:
            pdf, header = example_pdf(name, Path(tmp))
            (FIGURES / f"{name}.txt").write_text(figures(pdf, header), encoding="utf-8")
            print(f"wrote {FIGURES / name}.txt")


if __name__ == "__main__":
    main()
