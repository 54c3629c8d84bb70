"""Reading and writing files, once for the whole package.

Reading: only regular files, never more than a limit (the read itself stops there, whatever ``stat``
says), decoded as Chinese Windows editors save text; every problem is an ``InputError`` that names
the file. Writing: atomically (temporary file, then rename), never over a person's work.
"""

from __future__ import annotations

import codecs
import errno
import os
import secrets
import stat
from pathlib import Path

from .errors import InputError, OutputError, Problem

TEXT_LIMIT = 5 * 1024 * 1024
"""Default largest file read: a full evidence file is ~40 KB; 5 MB is generous and still safe."""


def display_path(path: Path) -> str:
    """A path as a person typed it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):
        return str(path)


def _problem(name: str, message: str, line: int | None = None) -> InputError:
    return InputError([Problem(name, line, None, message)])


def is_file(path: Path) -> bool:
    """``path.is_file()`` that is False, not an exception, for a name too long, a NUL byte or a loop."""
    try:
        return path.is_file()
    except (OSError, ValueError, RuntimeError):
        return False


def is_dir(path: Path) -> bool:
    """``path.is_dir()``, False instead of an exception (see ``is_file``)."""
    try:
        return path.is_dir()
    except (OSError, ValueError, RuntimeError):
        return False


def read_bytes(path: Path, *, limit: int = TEXT_LIMIT) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them; ``InputError`` otherwise."""
    name = display_path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)  # a FIFO never blocks us
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise _problem(name, "文件不存在") from None
    except IsADirectoryError:
        raise _problem(name, "这是一个文件夹，不是文件") from None
    except (OSError, ValueError) as exc:
        raise _problem(name, f"无法读取文件：{_reason(exc)}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise _problem(name, "这是一个文件夹，不是文件")
        if not stat.S_ISREG(info.st_mode):
            raise _problem(name, "不是普通文件（是设备、管道或套接字），未读取")
        if info.st_size > limit:
            raise _too_large(name, info.st_size, limit)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # grew while we read it
            raise _too_large(name, size, limit)
        return b"".join(chunks)
    except OSError as exc:
        raise _problem(name, f"无法读取文件：{_reason(exc)}") from None
    finally:
        os.close(fd)


def _too_large(name: str, size: int, limit: int) -> InputError:
    return _problem(name, f"文件过大（{size / 1024 / 1024:.1f} MB），上限为 {_megabytes(limit)}；"
                          "请确认选择的是正确的文件", line=1)


def _megabytes(limit: int) -> str:
    return f"{limit / 1024 / 1024:g} MB"


_ERRNO_TEXT = {
    errno.EACCES: "没有读取或写入的权限",
    errno.EPERM: "操作不被允许（权限不足）",
    errno.ENAMETOOLONG: "文件名过长",
    errno.ELOOP: "符号链接循环",
    errno.ENOENT: "文件或文件夹不存在",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "文件系统为只读",
    errno.EIO: "读写设备出错",
}


def _reason(exc: BaseException) -> str:
    """A Chinese reason for an OS error (the C library's text is English)."""
    if isinstance(exc, ValueError) and "null" in str(exc):
        return "路径含有空字节"
    if isinstance(exc, RuntimeError):
        return "符号链接循环"
    if isinstance(exc, OSError):
        if exc.errno in _ERRNO_TEXT:
            return _ERRNO_TEXT[exc.errno]
        if exc.strerror:
            return exc.strerror
    return str(exc) or type(exc).__name__


def reason(exc: BaseException) -> str:
    """The Chinese reason ``read_bytes`` gives for an OS error (for callers that open files themselves)."""
    return _reason(exc)


def read_text(path: Path, *, limit: int = TEXT_LIMIT) -> tuple[str, str]:
    """Read a text file as Chinese Windows editors save it: UTF-8 (with or without BOM),
    UTF-16 with BOM, or GB18030/GBK. Returns ``(text, encoding)``."""
    return decode(read_bytes(path, limit=limit), display_path(path))


def decode(raw: bytes, name: str) -> tuple[str, str]:
    """``(text, encoding)`` of ``raw``; ``InputError`` naming ``name`` and the line of a bad byte."""
    if raw.startswith(codecs.BOM_UTF8):
        return _decode(raw[3:], "utf-8", name), "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(raw, "utf-16", name), "utf-16"
    if b"\x00" in raw:
        raise _problem(name, "文件含有空字节，不是文本文件（是否选错了文件？）", _line_at(raw, raw.index(b"\x00")))
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if _mostly_utf8(raw):  # UTF-8 Chinese with a stray byte: GB18030 would "succeed" with mojibake
        raise _problem(name, f"第 {_line_at(raw, utf8_error.start)} 行含有无效的 UTF-8 字节（文件其余部分是 UTF-8）："
                             "请在编辑器中修正这一行，或“另存为 UTF-8”后重试", _line_at(raw, utf8_error.start))
    try:  # Chinese Windows editors (记事本, WPS) often save GBK/GB18030
        return raw.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    raise _problem(name, "文件编码无法识别：既不是 UTF-8，也不是 GB18030/GBK。请在编辑器中“另存为 UTF-8”后重试",
                   _line_at(raw, utf8_error.start))


def _mostly_utf8(raw: bytes) -> bool:
    """Whether ``raw`` is UTF-8 except at a few bytes: many valid multi-byte characters, few bad
    bytes. GBK text read as UTF-8 is the other way round (nearly every non-ASCII byte is bad)."""
    text = raw.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 0x7F) - bad
    return good >= 4 and bad <= max(3, good // 50)


def _decode(raw: bytes, encoding: str, name: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _problem(name, f"文件声明为 {encoding.upper()} 编码，但第 {exc.start} 字节处内容无效",
                       _line_at(raw, exc.start)) from None


def _line_at(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


# -- writing -------------------------------------------------------------------------------------
def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the new one, never half.

    The temporary file's name is chosen before it is created, so that whatever interrupts the
    write (Ctrl-C, SIGTERM turned into SystemExit) can always remove it.
    """
    folder = path.parent if str(path.parent) else Path()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法写入 {display_path(path)}：{_reason(exc)}") from None
    refuse_special(path)
    tmp = folder / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"无法写入 {display_path(path)}：{_reason(exc)}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def refuse_special(path: Path) -> None:
    """Raise unless ``path`` is absent or a regular file: an output never replaces a device node
    (``/dev/null`` as root), a FIFO, a folder or a symlink (it would replace the link, not its target)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    except (OSError, ValueError) as exc:
        raise OutputError(f"无法写入 {display_path(path)}：{_reason(exc)}") from None
    if stat.S_ISLNK(info.st_mode):
        raise OutputError(f"{display_path(path)} 是符号链接，未写入（不会替换链接）。请换一个输出文件名")
    if not stat.S_ISREG(info.st_mode):
        raise OutputError(f"{display_path(path)} 不是普通文件（是文件夹、设备或管道），未写入。请换一个输出文件名")


def write_text_atomic(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    """``write_bytes_atomic`` of ``text`` encoded (UTF-8 by default)."""
    write_bytes_atomic(path, text.encode(encoding))


def write_atomic(path: Path, data: str | bytes) -> None:
    """A renderer's output, text (as UTF-8) or bytes, written atomically."""
    write_bytes_atomic(path, data if isinstance(data, bytes) else data.encode("utf-8"))


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
    if _resolved(output) == _resolved(source):
        raise OutputError(f"输出文件 {display_path(output)} 就是{what}，未写入。请换一个文件名")


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a NUL byte: compare as written
        return path.absolute()


def refuse_overwrite(path: Path, force: bool, *, what: str = "文件") -> None:
    """Raise when ``path`` exists and ``--force`` was not given: nothing a user wrote is lost."""
    if (path.exists() or path.is_symlink()) and not force:
        raise OutputError(f"{what} {display_path(path)} 已存在，未覆盖。如确需覆盖，请加 --force")
