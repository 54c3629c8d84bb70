"""One ``audit batch`` at a time per output folder: a lock file, held for the whole run.

Two runs into one folder would remove each other's temporary files and interleave their summaries.
The lock is an OS lock on ``.audit-batch.lock`` (``fcntl.flock`` on POSIX, ``msvcrt.locking`` on
Windows), released by the OS when the process ends however it ends, so a killed run never leaves a
stale lock. The file stays afterwards: it marks the folder as one ``audit batch`` writes into.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import OutputError
from ..files import display_path, reason

LOCK_FILE = ".audit-batch.lock"
SUMMARY_FILES = ("summary.json", "summary.csv", "summary.xlsx", "summary.pdf")


def check_folder(out: Path, source: Path, force: bool) -> None:
    """Refuse an output folder inside the evidence folder, or one holding summary files that
    ``audit batch`` did not write (no lock file beside them), unless ``--force``."""
    try:
        inside = out.resolve().is_relative_to(source.resolve())
    except (OSError, RuntimeError, ValueError):
        inside = False
    if inside:
        raise OutputError(f"输出文件夹 {display_path(out)} 在证据文件夹之内，未评分："
                          "输出会被当作证据文件读取。请用 -o 指定证据文件夹之外的文件夹")
    if not force and not (out / LOCK_FILE).exists():
        existing = [name for name in SUMMARY_FILES if (out / name).exists()]
        if existing:
            raise OutputError(f"{display_path(out / existing[0])} 已存在，且不是 audit batch 写入的，未覆盖。"
                              "请换一个输出文件夹，或加 --force")


@contextmanager
def batch_lock(out: Path) -> Iterator[None]:
    """Hold the output folder's lock; ``OutputError`` at once when another run holds it."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(out / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise OutputError(f"无法写入输出文件夹 {display_path(out)}：{reason(exc)}") from None
    try:
        if not _try_lock(fd):
            raise OutputError(f"另一个 audit batch 正在写入 {display_path(out)}，请等它结束后再运行，"
                              "或用 -o 指定另一个输出文件夹")
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True
