"""Writing outputs safely: atomically (temporary file, then rename), never over a user's file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import OutputError
from .yamlio import display_path


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the new one, never half."""
    folder = path.parent if str(path.parent) else Path()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"无法写入 {display_path(path)}：{exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates 0600; give the output the permissions any new file would have
        Path(tmp).chmod(0o666 & ~_umask())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text_atomic(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    write_bytes_atomic(path, text.encode(encoding))


def refuse_overwrite(path: Path, force: bool, *, what: str = "文件") -> None:
    """Raise when ``path`` exists and ``--force`` was not given: nothing a user wrote is lost."""
    if path.exists() and not force:
        raise OutputError(f"{what} {display_path(path)} 已存在，未覆盖。如确需覆盖，请加 --force")
