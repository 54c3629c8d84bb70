"""The ``audit`` command: parse options, call one function of ``api``, pick a renderer, set the exit code.

No YAML, pydantic or scoring here. Every ``--format`` choice comes from a registry
(``render.registry``, ``schemas.SCHEMAS``, ``checklist.formats``). Every command runs inside
``_boundary``, the one place that turns an ``AuditError`` into a Chinese message on stderr and a
documented exit code (2 for command-line usage errors, as typer's own).
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from . import __version__
from .errors import EXIT_INTERRUPTED, EXIT_INVALID, AuditError, UsageError
from .files import protect_user_file, refuse_input, refuse_overwrite
from .render.registry import (
    COMPARE_FORMATS,
    REPORT_FORMATS,
    RESULT_FORMATS,
    VALIDATE_FORMATS,
    Renderer,
    by_suffix,
)
from .safe_text import for_terminal
from .schemas import SCHEMAS

if TYPE_CHECKING:
    from rich.console import RenderableType

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


# Each choice is a StrEnum of a registry's names, so typer offers exactly the registered ones.
ScoreFormat = StrEnum("ScoreFormat", [(n, n) for n in RESULT_FORMATS])  # type: ignore[misc]
ReportFormat = StrEnum("ReportFormat", [(n, n) for n in REPORT_FORMATS])  # type: ignore[misc]
ValidateFormat = StrEnum("ValidateFormat", [(n, n) for n in VALIDATE_FORMATS])  # type: ignore[misc]
CompareFormat = StrEnum("CompareFormat", [(n, n) for n in COMPARE_FORMATS])  # type: ignore[misc]
SchemaKind = StrEnum("SchemaKind", [(n, n) for n in SCHEMAS])  # type: ignore[misc]
TEXT = ValidateFormat("text")


def _stderr(message: str) -> None:
    from rich.console import Console

    Console(stderr=True, highlight=False, soft_wrap=True).print(for_terminal(message), markup=False)


def _echo(text: str) -> None:
    sys.stdout.write(for_terminal(text))
    sys.stdout.flush()


def _print(view: RenderableType) -> None:
    """Draw a rich view; the text of every segment is cleaned of control characters (rich passes
    ESC through), while rich's own styling and control segments are kept."""
    from rich.console import Console
    from rich.segment import Segment, Segments

    console = Console(highlight=False, emoji=False)
    segments = [seg if seg.control else Segment(for_terminal(seg.text), seg.style)
                for seg in console.render(view)]
    console.print(Segments(segments), end="")


@contextmanager
def _boundary() -> Iterator[None]:
    try:
        yield
        _cache_notices()
    except AuditError as exc:
        _cache_notices()
        _stderr(f"错误：{exc.message}" if "\n" not in exc.message else f"错误：\n{exc.message}")
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        _stderr("已中断。")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except SystemExit as exc:
        if isinstance(exc.code, int) and exc.code > 128:  # a signal turned into an orderly exit
            _stderr("已终止。")
        raise


def _cache_notices() -> None:
    cache = sys.modules.get("jingzhi_audit.pack.cache")  # only when a pack was loaded at all
    for notice in cache.notices() if cache is not None else []:
        _stderr(notice)


def command(func: F) -> F:
    """Register a command that runs inside the error boundary."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _boundary():
            return func(*args, **kwargs)

    return app.command()(wrapper)  # type: ignore[return-value]


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


def _pick(registry: dict[str, Renderer[Any]], chosen: StrEnum | None, output: Path | None,
          default: str, *, source: Path, what: str, force: bool | None = None) -> Renderer[Any]:
    """The renderer named by ``--format``, else the one ``-o``'s suffix names, else ``default``.

    An ``-o`` that is the input or a person's file is refused first (exit 1); then a file suffix
    the renderer cannot write (``-f json -o x.pdf``, ``-o x.xlsx``) is a usage error (exit 2).
    """
    if output is None:
        return registry[chosen.value if chosen is not None else default]
    refuse_input(output, source, what=what)
    protect_user_file(output, force)
    if force is not None:
        refuse_overwrite(output, force, what="输出文件")
    suffix = output.suffix.lower()
    found = registry[chosen.value] if chosen is not None else by_suffix(registry, suffix)
    if found is None or not (suffix == found.suffix or (suffix == ".txt" and not found.binary)):
        writable = "、".join(dict.fromkeys(r.suffix for r in registry.values()))
        what = f"{found.name} 格式不能写入“{suffix or '无扩展名'}”文件" if found is not None \
            else f"不能写入“{suffix or '无扩展名'}”文件"
        raise UsageError(f"{what}：请用扩展名 {writable} 之一" + (
            f"，如 -o {output.stem}{found.suffix}" if found is not None else "，或用 --format 指定格式"))
    return found


def _emit(renderer: Renderer[Any], value: Any, output: Path | None, *, source: Path | None = None,
          what: str = "输入文件", force: bool | None = None) -> None:
    """Draw ``value`` to the terminal, or into ``output`` (atomically, never over its input)."""
    from .api import save

    if output is None:
        if renderer.binary:
            raise UsageError(f"{renderer.name.upper()} 格式需要用 -o 指定输出文件，如 -o report.{renderer.name}")
        if renderer.view is not None:
            _print(renderer.view(value))
        else:
            _echo(str(renderer.render(value)))
        return
    from .files import display_path

    save(renderer.render(value), output, source=source, what=what, force=force)
    _stderr(f"已写入 {display_path(output)}")


# -- validate ----------------------------------------------------------------------------------
@command
def validate(
    paths: Annotated[list[Path], typer.Argument(readable=False, help="规则包文件夹、其中的文件，或评估证据文件。")],
    format: Annotated[ValidateFormat, typer.Option("--format", "-f", help="输出格式。")] = TEXT,
    output: Annotated[Path | None, typer.Option("--output", "-o", readable=False, help="把结果写入文件（如 junit.xml）。")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="提示（warning）也视为不通过。")] = False,
) -> None:
    """校验规则包与评估证据文件：列出全部问题（文件:行: 字段: 说明），有效时退出码为 0。"""
    from .api import save
    from .api import validate as run

    reports = run(paths)
    text = VALIDATE_FORMATS[format.value].render(reports)
    if output is not None:
        for path in paths:  # never over one of the files being checked
            refuse_input(output, path, what="被校验的文件")
        save(text, output)
    else:
        _echo(str(text))
    failed = any(not r.valid or (strict and r.warnings) for r in reports)
    raise typer.Exit(EXIT_INVALID if failed else 0)


# -- schema, show, init --------------------------------------------------------------------------
@command
def schema(
    kind: Annotated[SchemaKind, typer.Argument(help="pack（pack.yaml）、category（分类文件）、evidence 或 result。")],
    standard: Annotated[str | None, typer.Option("--standard", "-s", help="evidence：按此规则包列出全部条款编号和数据项。")] = None,
) -> None:
    """输出文件格式的 JSON Schema，供编辑器自动补全与校验。"""
    from .api import schema as run

    _echo(run(kind.value, standard=standard))


@command
def show(
    ident: Annotated[str | None, typer.Argument(metavar="[ID]", help="类、项或条款编号，如 5、5.6 或 5.6.1。")] = None,
    standard: Annotated[str, typer.Option("--standard", "-s", help="规则包 ID 或文件夹。")] = DEFAULT_STANDARD,
) -> None:
    """以树形显示规则包（类 → 项 → 条款及分值），或显示一个编号的完整内容。"""
    from .api import show as run
    from .render.pack_tree import pack_view

    selection = run(standard, ident)
    _print(pack_view(selection.pack, selection.ident))


@command
def init(
    standard: Annotated[str, typer.Option("--standard", "-s", help="规则包 ID 或文件夹。")] = DEFAULT_STANDARD,
    output: Annotated[Path, typer.Option("--output", "-o", readable=False, help="证据文件路径。")] = Path("community.yaml"),
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的文件。")] = False,
) -> None:
    """生成完整的评估证据模板：社区信息、全部数据项与全部条款（条款要求和佐证提示写在注释中）。"""
    from .api import init as run
    from .files import display_path

    done = run(standard, output, force=force)
    _stderr(f"已生成 {display_path(done.template)}：{done.clauses} 条条款、{done.facts} 个数据项待填写"
            f"（编辑器校验用 {display_path(done.schema)}）。")


# -- score, report ---------------------------------------------------------------------------------
@command
def score(
    file: Annotated[Path, typer.Argument(readable=False, help="评估证据文件（YAML 或 Excel）。")],
    standard: Annotated[str | None, typer.Option("--standard", "-s", help="规则包 ID 或文件夹；默认取证据文件的 standard 字段。")] = None,
    format: Annotated[ScoreFormat | None, typer.Option("--format", "-f", help="输出格式；默认 table，或按 -o 的扩展名推断。")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", readable=False, help="写入文件而不是终端。")] = None,
    fail_under: Annotated[float | None, typer.Option("--fail-under", help="总分低于此值时退出码为 1（供 CI 使用）。")] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的输出文件。")] = False,
) -> None:
    """为一个社区评分：终端表格，或 JSON、Markdown、HTML、PDF 报告。"""
    from .api import assess

    renderer = _pick(RESULT_FORMATS, format, output, "table", source=file, what="输入的证据文件", force=force)
    result = assess(file, standard=standard)
    for attachment in result.evidence.attachments:
        if attachment.exists and attachment.sha256 is None:
            _stderr(f"提示：{attachment.path}：佐证文件过大，未计算摘要（上限见 README“可靠性”）")
    _emit(renderer, result, output, source=file, what="输入的证据文件", force=force)
    if fail_under is not None and result.total < fail_under:
        _stderr(f"总分 {result.total_text} 低于 --fail-under {fail_under:g}。")
        raise typer.Exit(EXIT_INVALID)


@command
def report(
    result_file: Annotated[Path, typer.Argument(readable=False, metavar="RESULT.json", help="audit score --format json 保存的结果。")],
    output: Annotated[Path, typer.Option("--output", "-o", readable=False, help="输出文件（.pdf、.html 或 .md）。")],
    format: Annotated[ReportFormat | None, typer.Option("--format", "-f", help="输出格式；默认按 -o 的扩展名推断。")] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的输出文件。")] = False,
) -> None:
    """把保存的评估结果渲染为差距报告（PDF、HTML 或 Markdown），不重新评分。"""
    from .api import load_result

    renderer = _pick(REPORT_FORMATS, format, output, "pdf", source=result_file, what="输入的结果文件", force=force)
    _emit(renderer, load_result(result_file), output, source=result_file, what="输入的结果文件", force=force)


# -- batch -------------------------------------------------------------------------------------
@command
def batch(
    source: Annotated[Path, typer.Argument(readable=False, metavar="DIR", help="存放各社区证据文件的文件夹（可含子文件夹）。")],
    output: Annotated[Path | None, typer.Option("--output", "-o", readable=False, help="输出文件夹；默认 reports/<文件夹名>。")] = None,
    standard: Annotated[str | None, typer.Option("--standard", "-s", help="统一使用的规则包；默认取各证据文件的 standard。")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="并行进程数；默认为 CPU 核数。")] = None,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="是否为每个社区生成 PDF 差距报告，并生成全区 PDF 汇总。")] = False,
    force: Annotated[bool, typer.Option("--force", help="全部重新评分（默认跳过证据、佐证和规则包均未改动的社区）；并允许覆盖不是 audit batch 写入的 summary.* 文件。")] = False,
) -> None:
    """为一个区（市）的全部社区评分，并生成全区汇总（终端、JSON、CSV、Excel，及可选的 PDF）。"""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from .api import now_iso, plan_batch, run_batch
    from .batch.runner import BatchOptions, default_jobs
    from .files import display_path
    from .render.district_text import summary_view

    out = output if output is not None else Path("reports") / (source.resolve().name or "batch")
    options = BatchOptions(source=source, out=out, standard=standard, jobs=jobs or default_jobs(), pdf=pdf,
                           force=force, generated_at=now_iso())
    tasks = plan_batch(options)
    err = Console(stderr=True, highlight=False)
    progress = Progress(TextColumn("评分"), BarColumn(), MofNCompleteColumn(), TextColumn("无法评分 {task.fields[failed]}"),
                        TimeElapsedColumn(), TextColumn("剩余"), TimeRemainingColumn(), console=err, transient=True)
    with progress:
        bar = progress.add_task("batch", total=len(tasks), failed=0)
        failures = 0

        def advance(outcome: Any) -> None:
            nonlocal failures
            failures += outcome.failed is not None
            progress.update(bar, advance=1, failed=failures)

        done = run_batch(options, tasks, advance)
    _print(summary_view(done.summary, [display_path(p) for p in done.written]))
    _stderr(f"本次评分 {done.graded} 个，未改动而跳过 {done.skipped} 个；各社区结果在 {display_path(out / 'communities')}。")
    raise typer.Exit(EXIT_INVALID if done.summary.failed else 0)


# -- checklist, convert, compare -----------------------------------------------------------------
@command
def checklist(
    output: Annotated[Path, typer.Option("--output", "-o", readable=False, help="输出文件（.xlsx、.md 或 .pdf）。")],
    standard: Annotated[str, typer.Option("--standard", "-s", help="规则包 ID 或文件夹。")] = DEFAULT_STANDARD,
    format: Annotated[str | None, typer.Option("--format", "-f", help="格式 xlsx、md 或 pdf；默认按 -o 的扩展名推断。")] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的输出文件（Excel 表可能已被填写）。")] = False,
) -> None:
    """生成可填写的自评表：Excel（下拉选择、数据校验、保护锁定）、或可打印的 Markdown / PDF。"""
    from .api import checklist as run
    from .files import display_path

    clauses = run(output, standard=standard, format=format, force=force)
    _stderr(f"已写入 {display_path(output)}（{clauses} 条条款）")


@command
def convert(
    source: Annotated[Path, typer.Argument(readable=False, metavar="IN", help="证据文件：.yaml 或 .xlsx。")],
    output: Annotated[Path, typer.Option("--output", "-o", readable=False, help="输出文件：.xlsx 或 .yaml。")],
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的输出文件。")] = False,
) -> None:
    """在 YAML 与 Excel 证据文件之间无损转换（佐证文件路径保持相对于证据文件）。"""
    from .api import convert as run
    from .files import display_path

    run(source, output, force=force)
    _stderr(f"已写入 {display_path(output)}")


@command
def compare(
    file: Annotated[Path, typer.Argument(readable=False, help="评估证据文件（YAML 或 Excel）。")],
    standard: Annotated[list[str] | None, typer.Option("--standard", "-s", help="参与对比的规则包，可重复；默认为证据所用规则包及与它有对照表的全部规则包。")] = None,
    format: Annotated[CompareFormat | None, typer.Option("--format", "-f", help="输出格式。")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", readable=False, help="写入文件（JSON）。")] = None,
) -> None:
    """用同一份证据对照多个标准：各标准得分与等级，以及量化指标的达标情况。"""
    from .api import compare as run

    renderer = _pick(COMPARE_FORMATS, format, output, "table", source=file, what="输入的证据文件")
    _emit(renderer, run(file, standard or []), output, source=file, what="输入的证据文件")


def main() -> None:
    """Console-script entry point."""
    # pydantic looks for plugins through importlib.metadata on first use (~17 ms of a 0.2 s run);
    # this program uses none, so skip the scan in the CLI process only.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
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
