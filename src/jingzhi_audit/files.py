"""Writing outputs safely: atomically (temporary file, then rename), never over a user's file."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from .errors import OutputError
from .yamlio import display_path


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the new one, never half.

    The temporary file's name is chosen before it is created, so that whatever interrupts the
    write (Ctrl-C, SIGTERM turned into SystemExit) can always remove it.
    """
    folder = path.parent if str(path.parent) else Path()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法写入 {display_path(path)}：{exc.strerror}") from None
    tmp = folder / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # created with the umask applied
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"无法写入 {display_path(path)}：{exc.strerror}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    write_bytes_atomic(path, text.encode(encoding))


USER_FILES = (".yaml", ".yml", ".xlsx", ".xlsm", ".xls", ".csv")
"""Kinds of file a person writes by hand: an output never replaces one without --force."""


def protect_user_file(path: Path, force: bool | None = None) -> None:
    """Refuse to write an output over an existing evidence file or workbook (a person's work).

    ``force`` is the command's --force, or None where the command offers none."""
    if path.exists() and path.suffix.lower() in USER_FILES and not force:
        hint = "，或加 --force" if force is not None else ""
        raise OutputError(f"{display_path(path)} 已存在且可能是您填写的文件，未覆盖。请换一个输出文件名{hint}")


def refuse_input(output: Path, source: Path, *, what: str = "输入文件") -> None:
    """Raise when the output file is the input file itself."""
    if output.resolve() == source.resolve():
        raise OutputError(f"输出文件 {display_path(output)} 就是{what}，未写入。请换一个文件名")


def refuse_overwrite(path: Path, force: bool, *, what: str = "文件") -> None:
    """Raise when ``path`` exists and ``--force`` was not given: nothing a user wrote is lost."""
    if path.exists() and not force:
        raise OutputError(f"{what} {display_path(path)} 已存在，未覆盖。如确需覆盖，请加 --force")
