"""The ``audit`` command: parse options, call one core function, pick a renderer, set the exit code.

No YAML, pydantic or scoring here. Every command runs inside ``_boundary``, the one place that
turns an ``AuditError`` into a Chinese message on stderr and a documented exit code.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from . import __version__
from .errors import EXIT_INTERRUPTED, EXIT_INVALID, AuditError

app = typer.Typer(
    name="audit",
    help="精致幸福社区建设规范（DB3710/T 177-2022）社区自评与区域评估工具。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_STANDARD = "jingzhi-2022"


def _stderr(message: str) -> None:
    from rich.console import Console

    Console(stderr=True, highlight=False, soft_wrap=True).print(message, markup=False)


@contextmanager
def _boundary() -> Iterator[None]:
    try:
        yield
    except AuditError as exc:
        _stderr(f"错误：{exc.message}" if "\n" not in exc.message else f"错误：\n{exc.message}")
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        _stderr("已中断。")
        raise typer.Exit(EXIT_INTERRUPTED) from None


def command(func: F) -> F:
    """Register a command that runs inside the error boundary."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _boundary():
            return func(*args, **kwargs)

    return app.command()(wrapper)  # type: ignore[return-value]


def _echo(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _version(value: bool) -> None:
    if value:
        _echo(f"jingzhi-audit {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="显示版本号并退出。")] = False,
) -> None:
    """精致幸福社区建设规范社区自评与区域评估工具。"""


# -- validate ----------------------------------------------------------------------------------
class ValidateFormat(StrEnum):
    text = "text"
    json = "json"
    junit = "junit"


@command
def validate(
    paths: Annotated[list[Path], typer.Argument(help="规则包文件夹、其中的文件，或评估证据文件。")],
    format: Annotated[ValidateFormat, typer.Option("--format", "-f", help="输出格式。")] = ValidateFormat.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="把结果写入文件（如 junit.xml）。")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="提示（warning）也视为不通过。")] = False,
) -> None:
    """校验规则包与评估证据文件：列出全部问题（文件:行: 字段: 说明），有效时退出码为 0。"""
    from . import evidence_validation  # noqa: F401  (registers the evidence-file validator)
    from .render.validation import RENDERERS
    from .validation import validate_paths

    reports = validate_paths(paths)
    text = RENDERERS[format.value](reports)
    if output is not None:
        from .outputs import write_text_atomic

        write_text_atomic(output, text)
    else:
        _echo(text)
    failed = any(not r.valid or (strict and r.warnings) for r in reports)
    raise typer.Exit(EXIT_INVALID if failed else 0)


# -- schema ------------------------------------------------------------------------------------
class SchemaKind(StrEnum):
    pack = "pack"
    category = "category"
    evidence = "evidence"
    result = "result"


@command
def schema(
    kind: Annotated[SchemaKind, typer.Argument(help="pack（pack.yaml）、category（分类文件）、evidence 或 result。")],
) -> None:
    """输出文件格式的 JSON Schema，供编辑器自动补全与校验。"""
    from .schemas import schema_json

    _echo(schema_json(kind.value))


# -- show --------------------------------------------------------------------------------------
@command
def show(
    ident: Annotated[str | None, typer.Argument(metavar="[ID]", help="类、项或条款编号，如 5、5.6 或 5.6.1。")] = None,
    standard: Annotated[str, typer.Option("--standard", "-s", help="规则包 ID 或文件夹。")] = DEFAULT_STANDARD,
) -> None:
    """以树形显示规则包（类 → 项 → 条款及分值），或显示一个编号的完整内容。"""
    from .pack import load_pack, resolve_pack
    from .render.pack_view import show_pack

    pack = load_pack(resolve_pack(standard))
    show_pack(pack, ident)


def main() -> None:
    """Console-script entry point."""
    if os.environ.get("JINGZHI_AUDIT_DEBUG"):
        app()
        return
    try:
        app()
    except SystemExit:
        raise
    except Exception as exc:  # pragma: no cover - a bug, not bad input
        _stderr(f"内部错误（这是本工具的缺陷，请连同以下信息报告）：{type(exc).__name__}: {exc}\n"
                "设置环境变量 JINGZHI_AUDIT_DEBUG=1 可查看完整调用栈。")
        sys.exit(4)
