"""Shared helpers of the hostile-input tests: a small valid evidence folder, and the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AUDIT = Path(sys.executable).parent / "audit"

EVIDENCE = """\
standard: jingzhi-2022
community: {name: 测试社区, district: 环翠区, street: 鲸园街道}
assessed_on: 2026-11-01
facts:
  households: 2860
clauses:
  "5.1.1": {status: 达标, note: 好, evidence: [files/a.txt]}
"""


def community(folder: Path, text: str = EVIDENCE, name: str = "c.yaml") -> Path:
    """A small valid evidence file (and its one attachment) in ``folder``."""
    (folder / "files").mkdir(parents=True, exist_ok=True)
    (folder / "files" / "a.txt").write_text("佐证\n", encoding="utf-8")
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def audit(*args: str | Path, cwd: Path, timeout: float = 60, env: dict[str, str] | None = None,
          prefix: tuple[str, ...] = ()) -> Run:
    """Run the installed ``audit`` in a subprocess (a hang or a memory blow-up cannot take pytest with it)."""
    full_env = {**os.environ, "COLUMNS": "100", **(env or {})}
    full_env.pop("JINGZHI_AUDIT_DEBUG", None)
    done = subprocess.run([*prefix, str(AUDIT), *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=full_env, check=False)
    return Run(done.returncode, done.stdout, done.stderr)


def assert_clean(run: Run, fragment: str, code: int = 1) -> None:
    """A Chinese message with ``fragment``, exit ``code``, no internal error, no traceback."""
    both = run.stdout + run.stderr
    assert "内部错误" not in both, both
    assert "Traceback" not in both, both
    assert fragment in both, both
    assert run.code == code, both
