"""The fast path of ``audit score`` (launch.py) and typer give the same bytes on stdout and stderr,
the same exit code and the same output files, for every command line of the table below.

Each case runs twice as a real process (``python -m jingzhi_audit``): once as users run it, once
with ``JINGZHI_AUDIT_TYPER=1``, which sends every command line to typer. The time a result was
generated is the only thing that differs between two runs, and is masked.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from jingzhi_audit.launch import parse_score
from tests.conftest import ROOT

GOOD = "haiyun/community.yaml"
WEAK = "laocheng/community.yaml"

# (arguments, extra environment); every output case exits 0, every error case 1 or 2
OUTPUT_CASES: list[tuple[list[str], dict[str, str]]] = [
    (["score", GOOD], {}),
    (["score", WEAK], {}),
    (["score", GOOD, "-f", "json"], {}),
    (["score", "-f", "json", GOOD], {}),
    (["score", GOOD, "--format", "markdown"], {}),
    (["score", GOOD, "--format=table"], {}),
    (["score", GOOD, "-f", "html"], {}),
    (["score", GOOD, "-s", "jingzhi-2022"], {}),
    (["score", GOOD, "--standard=jingzhi-2022", "-f", "json"], {}),
    (["score", GOOD, "-o", "out/r.json"], {}),
    (["score", GOOD, "-o", "out/r.md"], {}),
    (["score", GOOD, "--output=out/r.txt"], {}),
    (["score", GOOD, "-f", "markdown", "-o", "out/r.txt"], {}),
    (["score", GOOD, "--fail-under", "90"], {}),
    (["score", GOOD, "--fail-under=97", "-f", "json"], {}),
    (["score", GOOD], {"COLUMNS": "60"}),
    (["score", WEAK, "-f", "json"], {"NO_COLOR": "1"}),
]
ERROR_CASES: list[tuple[list[str], dict[str, str]]] = [
    (["score", "nope.yaml"], {}),                          # missing file
    (["score", "bad.yaml"], {}),                           # not YAML
    (["score", "wrong.yaml"], {}),                         # YAML, but not an evidence file
    (["score", "haiyun"], {}),                             # a folder
    (["score", GOOD, "-f", "pdf"], {}),                    # PDF needs -o
    (["score", GOOD, "-o", "out/r.xlsx"], {}),             # a suffix no format writes
    (["score", GOOD, "-f", "json", "-o", "out/r.pdf"], {}),  # format and suffix disagree
    (["score", GOOD, "-o", GOOD], {}),                     # over its own input
    (["score", WEAK, "--fail-under", "90"], {}),           # below the bar: exit 1
    (["score", WEAK, "--fail-under", "75.5", "-f", "json"], {}),
    (["score", GOOD, "-s", "no-such-pack"], {}),           # unknown pack
    (["score", "unknown-pack.yaml"], {}),                  # the file names an unknown pack
]
# command lines the fast path hands to typer (so the messages are typer's own)
TYPER_CASES: list[tuple[list[str], dict[str, str]]] = [
    (["score", GOOD, "-f", "pdfx"], {}),                   # not a format
    (["score", GOOD, "--fail-under", "abc"], {}),          # not a number
    (["score", GOOD, "--fail-under", "-5"], {}),
    (["score", GOOD, "--bogus"], {}),                      # unknown option
    (["score", GOOD, "-f", "json", "-f", "table"], {}),    # repeated option
    (["score", GOOD, "-fjson"], {}),                       # attached short option
    (["score"], {}),                                       # no file
    (["score", GOOD, WEAK], {}),                           # two files
    (["score", GOOD, "-o"], {}),                           # option without its value
    (["score", "--help"], {}),
    (["score", GOOD, "-h"], {}),
    (["--version"], {}),
    (["show", "5.1"], {}),
]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("launch")
    for name in ("haiyun", "laocheng"):
        shutil.copytree(ROOT / "examples" / name, folder / name)
    (folder / "bad.yaml").write_text("community: [未闭合\n", encoding="utf-8")
    (folder / "wrong.yaml").write_text("standard: jingzhi-2022\ncommunity: 3\nclauses: 7\n", encoding="utf-8")
    text = (folder / GOOD).read_text(encoding="utf-8").replace("standard: jingzhi-2022", "standard: no-such-pack")
    (folder / "unknown-pack.yaml").write_text(text, encoding="utf-8")
    return folder


_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00")


def _run(args: list[str], env: dict[str, str], cwd: Path, *, typer: bool) -> tuple[int, str, str, dict[str, bytes]]:
    out = cwd / ("out-typer" if typer else "out-fast")
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    args = [a.replace("out/", f"{out.name}/") for a in args]
    full = {**os.environ, **env, "JINGZHI_AUDIT_TYPER": "1" if typer else ""}
    full.pop("JINGZHI_AUDIT_DEBUG", None)
    done = subprocess.run([sys.executable, "-m", "jingzhi_audit", *args], capture_output=True, cwd=cwd, env=full,
                          timeout=120)
    stdout, stderr = (_TIME.sub("<time>", s.decode("utf-8")).replace(out.name, "out") for s in (done.stdout, done.stderr))
    files = {p.name: _TIME.sub("<time>", p.read_text(encoding="utf-8")).encode() for p in sorted(out.iterdir())}
    return done.returncode, stdout, stderr, files


def _both(args: list[str], env: dict[str, str], cwd: Path) -> tuple[tuple[int, str, str, dict[str, bytes]], ...]:
    with ThreadPoolExecutor(2) as pool:
        fast, slow = (pool.submit(_run, args, env, cwd, typer=t) for t in (False, True))
        return fast.result(), slow.result()


def _id(case: tuple[list[str], dict[str, str]]) -> str:
    return " ".join(case[0][1:] or case[0]) + "".join(f" {k}={v}" for k, v in case[1].items())


@pytest.mark.parametrize("case", OUTPUT_CASES + ERROR_CASES, ids=_id)
def test_fast_path_is_byte_identical_to_typer(case: tuple[list[str], dict[str, str]], workdir: Path) -> None:
    args, env = case
    assert parse_score(args) is not None, "the fast path should take this command line"
    fast, slow = _both(args, env, workdir)
    assert fast == slow
    code, stdout, stderr, files = fast
    if case in OUTPUT_CASES:
        assert code == 0, stderr
        assert stdout or (stderr.startswith("已写入") and files)
    else:
        assert code in (1, 2) and stderr.startswith(("错误：", "总分", "用法：")), stderr


@pytest.mark.parametrize("case", TYPER_CASES, ids=_id)
def test_other_command_lines_go_to_typer(case: tuple[list[str], dict[str, str]], workdir: Path) -> None:
    args, env = case
    assert parse_score(args) is None
    fast, slow = _both(args, env, workdir)
    assert fast == slow


def test_the_fast_path_does_not_import_typer_nor_importlib_metadata(workdir: Path) -> None:
    probe = ("import atexit, sys\n"
             "atexit.register(lambda: print(sorted(m for m in ('typer', 'importlib.metadata', 'click') "
             "if m in sys.modules), file=sys.stderr))\n"
             f"sys.argv = ['audit', 'score', {GOOD!r}, '-f', 'json']\n"
             "from jingzhi_audit.launch import main\nmain()\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=workdir, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "[]"
    assert '"total_text": "97.3"' in done.stdout


def test_pydantic_still_validates_with_the_plugin_loader_stand_in(workdir: Path) -> None:
    """A bad evidence file is still refused with our message (pydantic ran, without its plugins)."""
    done = subprocess.run([sys.executable, "-m", "jingzhi_audit", "score", "wrong.yaml"], capture_output=True,
                          text=True, cwd=workdir, check=False, env={**os.environ, "JINGZHI_AUDIT_TYPER": ""})
    assert done.returncode == 1
    assert done.stderr.startswith("错误：") and "wrong.yaml" in done.stderr
