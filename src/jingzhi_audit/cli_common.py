"""What the ``audit`` command does around each command, without typer: the one error boundary,
writing to stdout and stderr, choosing a renderer, emitting output, and the body of ``score``.

Shared by the typer CLI (``cli.py``) and the fast path for ``audit score`` (``launch.py``), so
that both give the same output, messages and exit codes. Exits are ``SystemExit`` (typer lets
them through unchanged); importing this module costs nothing of typer, rich or pydantic.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import EXIT_INTERRUPTED, EXIT_INVALID, AuditError, UsageError
from .files import protect_user_file, refuse_input, refuse_overwrite
from .render.registry import RESULT_FORMATS, Renderer, by_suffix
from .safe_text import for_terminal

if TYPE_CHECKING:
    from rich.console import RenderableType

INTERNAL_ERROR = 4


def stderr(message: str) -> None:
    """A message for the person at the terminal (never markup: evidence text is data)."""
    from rich.console import Console

    Console(stderr=True, highlight=False, soft_wrap=True).print(for_terminal(message), markup=False)


def echo(text: str) -> None:
    """Text to stdout, control characters (terminal escapes from evidence) made visible."""
    sys.stdout.write(for_terminal(text))
    sys.stdout.flush()


def show(view: RenderableType) -> None:
    """A rich renderable to stdout, at the terminal's width; the text of every segment is cleaned
    of control characters (rich passes ESC through), rich's own styling and control segments kept."""
    from rich.console import Console
    from rich.segment import Segment, Segments

    console = Console(highlight=False, emoji=False)
    segments = [seg if seg.control else Segment(for_terminal(seg.text), seg.style)
                for seg in console.render(view)]
    console.print(Segments(segments), end="")


def console_width() -> int:
    """The terminal's width (80 when piped, as rich decides; ``COLUMNS`` overrides)."""
    from rich.console import Console

    return Console().width


@contextmanager
def boundary() -> Iterator[None]:
    """The one error boundary: an ``AuditError`` becomes a Chinese message and its exit code."""
    try:
        yield
        cache_notices()
    except AuditError as exc:
        cache_notices()
        if isinstance(exc, UsageError) and "jingzhi_audit.cli_text" in sys.modules:
            # as typer shows its own: the usage line and the help hint first
            from .cli_text import current_usage

            for line in current_usage():
                stderr(line)
        stderr(f"错误：{exc.message}" if "\n" not in exc.message else f"错误：\n{exc.message}")
        raise SystemExit(exc.exit_code) from None
    except KeyboardInterrupt:
        stderr("已中断。")
        raise SystemExit(EXIT_INTERRUPTED) from None
    except SystemExit as exc:
        if isinstance(exc.code, int) and exc.code > 128:  # a signal turned into an orderly exit
            stderr("已终止。")
        raise


def cache_notices() -> None:
    """What the pack cache refused (a folder others may write …), said once, after the command."""
    cache = sys.modules.get("jingzhi_audit.pack.cache")  # only when a pack was loaded at all
    for notice in cache.notices() if cache is not None else []:
        stderr(notice)


def internal_error(exc: Exception) -> None:
    """A bug, not bad input: say so in Chinese, and how to see the traceback."""
    stderr(f"内部错误（这是本工具的缺陷，请连同以下信息报告）：{type(exc).__name__}: {exc}\n"
           "设置环境变量 JINGZHI_AUDIT_DEBUG=1 可查看完整调用栈。")


def pick(registry: dict[str, Renderer[Any]], chosen: str | None, output: Path | None,
         default: str, *, source: Path, what: str, force: bool | None = None) -> Renderer[Any]:
    """The renderer named by ``--format``, else the one ``-o``'s suffix names, else ``default``.

    An ``-o`` that is the input or a person's file is refused first (exit 1); then a file suffix
    the renderer cannot write (``-f json -o x.pdf``, ``-o x.xlsx``) is a usage error (exit 2).
    """
    if output is None:
        return registry[str(chosen) if chosen is not None else default]
    refuse_input(output, source, what=what)
    protect_user_file(output, force)
    if force is not None:  # a command with --force: no existing output is replaced without it
        refuse_overwrite(output, force, what="输出文件")
    suffix = output.suffix.lower()
    found = registry[str(chosen)] if chosen is not None else by_suffix(registry, suffix)
    if found is None or not (suffix == found.suffix or (suffix == ".txt" and not found.binary)):
        writable = "、".join(dict.fromkeys(r.suffix for r in registry.values()))
        what = f"{found.name} 格式不能写入“{suffix or '无扩展名'}”文件" if found is not None \
            else f"不能写入“{suffix or '无扩展名'}”文件"
        raise UsageError(f"{what}：请用扩展名 {writable} 之一" + (
            f"，如 -o {output.stem}{found.suffix}" if found is not None else "，或用 --format 指定格式"))
    return found


def emit(renderer: Renderer[Any], value: Any, output: Path | None, *, source: Path | None = None,
         what: str = "输入文件", force: bool | None = None) -> None:
    """Draw ``value`` to the terminal, or into ``output`` (atomically, never over its input)."""
    from .api import save

    if output is None:
        if renderer.binary:
            raise UsageError(f"{renderer.name.upper()} 格式需要用 -o 指定输出文件，如 -o report.{renderer.name}")
        if renderer.view is not None:
            show(renderer.view(value, console_width()))
        else:
            echo(str(renderer.render(value)))
        return
    from .files import display_path

    save(renderer.render(value), output, source=source, what=what, force=force)
    stderr(f"已写入 {display_path(output)}")


def score(file: Path, *, standard: str | None, format: str | None, output: Path | None,
          fail_under: float | None, review: Path | None = None, archive: str | None = None,
          force: bool = False) -> None:
    """``audit score``: grade one evidence file (with its review: given, or the one beside it) and
    draw the result; with ``archive``, record it and add 「与上次评估相比」 (run inside ``boundary``)."""
    from .api import assess

    renderer = pick(RESULT_FORMATS, format, output, "table", source=file, what="输入的证据文件", force=force)
    result = assess(file, standard=standard, review=review)
    for attachment in result.evidence.attachments:
        if attachment.exists and attachment.sha256 is None:
            stderr(f"提示：{attachment.path}：佐证文件过大，未计算摘要（上限见 README“可靠性”）")
    if archive is not None:
        history = record(result, archive)
        if history is not None:
            from .render.registry import with_history

            renderer = with_history(renderer, history)
    emit(renderer, result, output, source=file, what="输入的证据文件", force=force)
    if fail_under is not None and result.total < fail_under:
        stderr(f"总分 {result.total_text} 低于 --fail-under {fail_under:g}。")
        raise SystemExit(EXIT_INVALID)


def record(result: Any, archive: str) -> Any:
    """Record a score in the archive (``--archive``); the comparison with the previous assessment."""
    from .api import record as run

    outcome = run(result, archive)
    for warning in outcome.warnings:
        stderr(f"注意：{warning}")
    done = ("已记入归档" if outcome.created else "归档中已有这份证据的评估，已更新它的复核" if outcome.review_updated
            else "归档中已有这份证据的评估，未重复记录")
    change = outcome.history
    moved = f"；与上次（{change.previous_on}，{change.previous_total_text}）相比 {change.total_change:+.1f}" if change else ""
    stderr(f"{done} {outcome.archive}{moved}")
    return change
