"""``audit score`` in a real terminal: tmux windows of 60 and 80 columns, the screen captured.

tmux is installed by ``make test``'s set-up (scripts/system-deps.sh). Each test runs its own tmux
server on a private socket and stops that server, and only that one, when it is done.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.conftest import ROOT

AUDIT = Path(sys.executable).parent / "audit"
EVIDENCE = "examples/qingshan/community.yaml"


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[list[str]]:
    """The tmux command bound to a private server (socket in tmp_path, no user configuration)."""
    base = ["tmux", "-S", str(tmp_path / "tmux.sock"), "-f", "/dev/null"]
    yield base
    subprocess.run([*base, "kill-server"], capture_output=True, check=False)


def screen(tmux: list[str], width: int, command: str) -> str:
    """Run ``command`` in a detached window ``width`` columns wide; the whole screen, history included."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}  # the window decides
    subprocess.run([*tmux, "new-session", "-d", "-s", "audit", "-x", str(width), "-y", "50"], check=True, env=env)
    subprocess.run([*tmux, "set-option", "-g", "history-limit", "5000"], check=True)
    # the markers print as =BEGIN= / =END=, text that the typed command line itself does not contain
    line = (f"cd {shlex.quote(str(ROOT))} && printf '=%s=\\n' BEGIN && {command}; printf '=%s=\\n' END; "
            f"tmux -S {shlex.quote(tmux[2])} wait-for -S done")
    subprocess.run([*tmux, "send-keys", "-t", "audit", line, "Enter"], check=True)
    subprocess.run([*tmux, "wait-for", "done"], check=True, timeout=60)
    # -J joins lines tmux wrapped itself, so a line too wide for the window shows as too wide
    captured = subprocess.run([*tmux, "capture-pane", "-p", "-J", "-S", "-", "-t", "audit"], check=True,
                              capture_output=True, text=True).stdout
    lines = captured.splitlines()
    # a marker line may come joined to the typed command line: when that line exactly fills a row,
    # tmux counts it as wrapped and -J joins the next line to it (it depends on the paths' lengths)
    begin = next(i for i, line in enumerate(lines) if line.endswith("=BEGIN="))  # the typed line ends "done"
    end = next(i for i in range(begin + 1, len(lines)) if lines[i].endswith("=END="))
    body = lines[begin + 1:end]
    if lines[end] != "=END=":  # the last output line filled its row: keep it, without the marker
        body.append(lines[end].removesuffix("=END="))
    return "\n".join(body)


@pytest.mark.parametrize("width", [60, 80])
def test_score_on_a_real_terminal(tmux: list[str], width: int, tmp_path: Path) -> None:
    subprocess.run([str(AUDIT), "score", EVIDENCE, "-o", str(tmp_path / "r.json")], cwd=ROOT, check=True,
                   capture_output=True)
    result = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    body = screen(tmux, width, f"{shlex.quote(str(AUDIT))} score {EVIDENCE}")
    assert f"总分 {result['total_text']} / 100" in body
    assert f"等级 {result['rating']['label']}" in body
    assert result["community"]["name"] in body
    assert "…" not in body, "a cut figure or header"
    wide = [line for line in body.splitlines() if cell_len(line.rstrip()) > width]
    assert not wide, wide
    for cat in result["categories"]:  # each category's score and ratio, whole, on its row
        row = next(line for line in body.splitlines() if f"{cat['id']} {cat['title']}" in line)
        assert re.search(rf"\b{re.escape(cat['score_text'])}\b", row), row
        assert f"{cat['ratio'] * 100:.1f}%" in row, row
    for gap in result["gaps"][:10]:  # the largest gaps, their points whole
        assert any(gap["clause"] in line and f"{gap['points_lost']:.2f}" in line for line in body.splitlines())


@pytest.mark.parametrize("width", [60, 80])
def test_compare_on_a_real_terminal(tmux: list[str], width: int, tmp_path: Path) -> None:
    subprocess.run([str(AUDIT), "compare", EVIDENCE, "-o", str(tmp_path / "c.json")], cwd=ROOT, check=True,
                   capture_output=True)
    comparison = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    body = screen(tmux, width, f"{shlex.quote(str(AUDIT))} compare {EVIDENCE}")
    assert "…" not in body
    wide = [line for line in body.splitlines() if cell_len(line.rstrip()) > width]
    assert not wide, wide
    for pack in comparison["packs"]:  # every standard's total, whole, beside its id
        assert f"{pack['total_text']} / {pack['total_points']:g}" in body
    for indicator in comparison["indicators"]:
        for cell in indicator["cells"]:
            assert any(f"（{cell['clause']}）" in line for line in body.splitlines()), cell["clause"]
