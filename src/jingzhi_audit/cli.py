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
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from . import __version__
from .errors import EXIT_INTERRUPTED, EXIT_INVALID, AuditError
from .render import RENDERERS

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
    except SystemExit as exc:
        if isinstance(exc.code, int) and exc.code > 128:  # a signal turned into an orderly exit
            _stderr("已终止。")
        raise


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
    standard: Annotated[str | None, typer.Option("--standard", "-s", help="evidence：按此规则包列出全部条款编号和数据项。")] = None,
) -> None:
    """输出文件格式的 JSON Schema，供编辑器自动补全与校验。"""
    from .schemas import schema_json

    if standard is not None and kind is not SchemaKind.evidence:
        raise AuditError("--standard 只适用于 evidence")
    _echo(schema_json(kind.value, standard=standard))


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


# -- init --------------------------------------------------------------------------------------
@command
def init(
    standard: Annotated[str, typer.Option("--standard", "-s", help="规则包 ID 或文件夹。")] = DEFAULT_STANDARD,
    output: Annotated[Path, typer.Option("--output", "-o", help="证据文件路径。")] = Path("community.yaml"),
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的文件。")] = False,
) -> None:
    """生成完整的评估证据模板：社区信息、全部数据项与全部条款（条款要求和佐证提示写在注释中）。"""
    from .api import template_for
    from .evidence.template import SCHEMA_FILE
    from .outputs import refuse_overwrite, write_text_atomic
    from .pack import load_pack, resolve_pack
    from .yamlio import display_path

    refuse_overwrite(output, force, what="证据文件")
    pack = load_pack(resolve_pack(standard))
    ref = standard if standard in (pack.id, DEFAULT_STANDARD) else str(pack.folder.resolve())
    template, schema = template_for(pack, standard_ref=ref)
    write_text_atomic(output, template)
    schema_path = output.parent / SCHEMA_FILE
    if not schema_path.exists():
        write_text_atomic(schema_path, schema)
    _cats, _items, clauses = pack.counts()
    _stderr(f"已生成 {display_path(output)}：{clauses} 条条款、{len(pack.used_facts())} 个数据项待填写"
            f"（编辑器校验用 {display_path(schema_path)}）。")


# -- score -------------------------------------------------------------------------------------
# --format choices come from the one renderer registry (render.RENDERERS)
ScoreFormat = StrEnum("ScoreFormat", [(name, name) for name in RENDERERS])  # type: ignore[misc]


@command
def score(
    file: Annotated[Path, typer.Argument(help="评估证据文件（YAML 或 Excel）。")],
    standard: Annotated[str | None, typer.Option("--standard", "-s", help="规则包 ID 或文件夹；默认取证据文件的 standard 字段。")] = None,
    format: Annotated[ScoreFormat | None, typer.Option("--format", "-f", help="输出格式；默认 table，或按 -o 的扩展名推断。")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="写入文件而不是终端。")] = None,
    fail_under: Annotated[float | None, typer.Option("--fail-under", help="总分低于此值时退出码为 1（供 CI 使用）。")] = None,
    archive: Annotated[str | None, typer.Option("--archive", help="把结果记入评估归档（SQLite 文件路径或 postgresql:// 地址）；报告附「与上次评估相比」。")] = None,
) -> None:
    """为一个社区评分：终端表格，或 JSON、Markdown、HTML、PDF 报告。"""
    from .api import assess

    chosen = _format_for(format, output)
    result = assess(file, standard=standard)
    history = _record(result, archive) if archive is not None else None
    _emit(result, chosen, output, source=file, what="输入的证据文件", history=history)
    if fail_under is not None and result.total < fail_under:
        _stderr(f"总分 {result.total_text} 低于 --fail-under {fail_under:g}。")
        raise typer.Exit(EXIT_INVALID)


def _format_for(format: ScoreFormat | None, output: Path | None) -> str:
    if format is not None:
        return format.value
    if output is not None:
        for name, renderer in RENDERERS.items():
            if output.suffix.lower() == renderer.suffix and name != "table":
                return name
    return "table"


def _record(result: Any, archive: str) -> Any:
    """Record a score in the archive (``--archive``); the comparison with the previous assessment."""
    from .cycle.service import record_command

    outcome = record_command(result, archive)
    for warning in outcome.warnings:
        _stderr(f"注意：{warning}")
    done = "已记入归档" if outcome.created else "归档中已有这份证据的评估，未重复记录"
    change = outcome.history
    moved = f"；与上次（{change.previous_on}，{change.previous_total_text}）相比 {change.total_change:+.1f}" if change else ""
    _stderr(f"{done} {outcome.archive}{moved}")
    return change


def _emit(result: Any, name: str, output: Path | None, *, source: Path, what: str, history: Any = None) -> None:
    """Render ``result`` with the named renderer to ``output`` (atomically) or to the terminal."""
    renderer = RENDERERS[name]
    if history is not None and name in ("html", "pdf"):  # the gap report gains 「与上次评估相比」
        from .report.html import render_html
        from .report.pdf import render_pdf

        renderer = replace(renderer, render=lambda r: render_pdf(r, history) if name == "pdf" else render_html(r, history))
    if output is None:
        if renderer.binary:
            raise AuditError(f"{name.upper()} 格式需要用 -o 指定输出文件，如 -o report.{name}")
        if name == "table":
            from .render.terminal import print_result

            print_result(result)
        else:
            _echo(str(renderer.render(result)))
        return
    from .outputs import protect_user_file, refuse_input, write_bytes_atomic, write_text_atomic
    from .yamlio import display_path

    refuse_input(output, source, what=what)
    protect_user_file(output)
    data = renderer.render(result)
    if isinstance(data, bytes):
        write_bytes_atomic(output, data)
    else:
        write_text_atomic(output, data)
    _stderr(f"已写入 {display_path(output)}")


# -- report ------------------------------------------------------------------------------------
ReportFormat = StrEnum("ReportFormat", [(n, n) for n, r in RENDERERS.items() if n not in ("table", "json")])  # type: ignore[misc]


@command
def report(
    result_file: Annotated[Path, typer.Argument(metavar="RESULT.json", help="audit score --format json 保存的结果。")],
    output: Annotated[Path, typer.Option("--output", "-o", help="输出文件（.pdf、.html 或 .md）。")],
    format: Annotated[ReportFormat | None, typer.Option("--format", "-f", help="输出格式；默认按 -o 的扩展名推断。")] = None,
) -> None:
    """把保存的评估结果渲染为差距报告（PDF、HTML 或 Markdown），不重新评分。"""
    from .result_io import load_result

    chosen = format.value if format is not None else _format_for(None, output)
    if chosen not in {f.value for f in ReportFormat}:
        raise AuditError(f"无法从扩展名“{output.suffix}”判断报告格式，请用 --format pdf|html|markdown")
    _emit(load_result(result_file), chosen, output, source=result_file, what="输入的结果文件")


# -- batch -------------------------------------------------------------------------------------
@command
def batch(
    source: Annotated[Path, typer.Argument(metavar="DIR", help="存放各社区证据文件的文件夹（可含子文件夹）。")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="输出文件夹；默认 reports/<文件夹名>。")] = None,
    standard: Annotated[str | None, typer.Option("--standard", "-s", help="统一使用的规则包；默认取各证据文件的 standard。")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="并行进程数；默认为 CPU 核数。")] = None,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="是否为每个社区生成 PDF 差距报告，并生成全区 PDF 汇总。")] = False,
    force: Annotated[bool, typer.Option("--force", help="全部重新评分（默认跳过证据、佐证和规则包均未改动的社区）。")] = False,
    archive: Annotated[str | None, typer.Option("--archive", help="记入此评估归档（SQLite 文件或 postgresql:// 地址）；默认 <输出文件夹>/archive.sqlite。")] = None,
    no_archive: Annotated[bool, typer.Option("--no-archive", help="不记入评估归档。")] = False,
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

    from .api import now_iso
    from .batch.runner import BatchOptions, default_jobs
    from .batch.service import plan, run_batch
    from .render.batch_view import summary_view
    from .yamlio import display_path

    out = output if output is not None else Path("reports") / (source.resolve().name or "batch")
    if archive is not None and no_archive:
        raise AuditError("--archive 与 --no-archive 不能同时使用")
    recording = None if no_archive else (archive or str(out / "archive.sqlite"))
    options = BatchOptions(source=source, out=out, standard=standard, jobs=jobs or default_jobs(), pdf=pdf,
                           force=force, generated_at=now_iso(), archive=recording)
    tasks = plan(options)
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

        report = run_batch(options, tasks, advance)
    Console(highlight=False).print(summary_view(report.summary, [display_path(p) for p in report.written]))
    _stderr(f"本次评分 {report.graded} 个，未改动而跳过 {report.skipped} 个；各社区结果在 {display_path(out / 'communities')}。")
    cycle = report.summary.cycle
    if cycle is not None:
        for warning in cycle.warnings:
            _stderr(f"注意：{warning}")
        if cycle.archive:
            _stderr(f"已记入评估归档 {cycle.archive}")
    raise typer.Exit(EXIT_INVALID if report.summary.failed else 0)


# -- checklist & convert -----------------------------------------------------------------------
class ChecklistFormat(StrEnum):
    xlsx = "xlsx"
    md = "md"
    pdf = "pdf"


@command
def checklist(
    output: Annotated[Path, typer.Option("--output", "-o", help="输出文件（.xlsx、.md 或 .pdf）。")],
    standard: Annotated[str, typer.Option("--standard", "-s", help="规则包 ID 或文件夹。")] = DEFAULT_STANDARD,
    format: Annotated[ChecklistFormat | None, typer.Option("--format", "-f", help="格式；默认按 -o 的扩展名推断。")] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的 Excel 文件（它可能已被填写）。")] = False,
) -> None:
    """生成可填写的自评表：Excel（下拉选择、数据校验、保护锁定）、或可打印的 Markdown / PDF。"""
    from .checklist.printable import checklist_markdown, checklist_pdf
    from .checklist.xlsx_writer import checklist_workbook
    from .outputs import protect_user_file, write_bytes_atomic, write_text_atomic
    from .pack import load_pack, resolve_pack
    from .yamlio import display_path

    chosen = format.value if format is not None else output.suffix.lower().lstrip(".")
    if chosen not in {f.value for f in ChecklistFormat}:
        raise AuditError(f"无法从扩展名“{output.suffix}”判断格式，请用 --format xlsx|md|pdf")
    protect_user_file(output, force)
    pack = load_pack(resolve_pack(standard))
    if chosen == "xlsx":
        write_bytes_atomic(output, checklist_workbook(pack))
    elif chosen == "md":
        write_text_atomic(output, checklist_markdown(pack))
    else:
        write_bytes_atomic(output, checklist_pdf(pack))
    _stderr(f"已写入 {display_path(output)}（{len(pack.index)} 条条款）")


@command
def convert(
    source: Annotated[Path, typer.Argument(metavar="IN", help="证据文件：.yaml 或 .xlsx。")],
    output: Annotated[Path, typer.Option("--output", "-o", help="输出文件：.xlsx 或 .yaml。")],
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的输出文件。")] = False,
) -> None:
    """在 YAML 与 Excel 证据文件之间无损转换（佐证文件路径保持相对于证据文件）。"""
    from .api import convert_evidence
    from .yamlio import display_path

    convert_evidence(source, output, force=force)
    _stderr(f"已写入 {display_path(output)}")


# -- compare -----------------------------------------------------------------------------------
class CompareFormat(StrEnum):
    table = "table"
    json = "json"


@command
def compare(
    file: Annotated[Path, typer.Argument(help="评估证据文件（YAML 或 Excel）。")],
    standard: Annotated[list[str] | None, typer.Option("--standard", "-s", help="参与对比的规则包，可重复；默认为证据所用规则包及与它有对照表的全部规则包。")] = None,
    format: Annotated[CompareFormat, typer.Option("--format", "-f", help="输出格式。")] = CompareFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="写入文件（JSON）。")] = None,
) -> None:
    """用同一份证据对照多个标准：各标准得分与等级，以及量化指标的达标情况。"""
    from rich.console import Console

    from .compare import compare as run_compare
    from .render.compare_view import comparison_view

    comparison = run_compare(file, standard or [])
    if format is CompareFormat.json or output is not None:
        text = comparison.model_dump_json(indent=2) + "\n"
        if output is not None:
            from .outputs import protect_user_file, write_text_atomic

            protect_user_file(output)
            write_text_atomic(output, text)
            return
        _echo(text)
        return
    Console(highlight=False).print(comparison_view(comparison))


# -- the assessment cycle: diff, history, plan (cycle/) ----------------------------------------
class CycleFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


def _show(renderable: Any) -> None:
    from rich.console import Console

    Console(highlight=False).print(renderable)


@command
def diff(
    sides: Annotated[list[Path] | None, typer.Argument(metavar="[PREVIOUS CURRENT]", help="上次与本次：结果 JSON 或证据文件；用 --archive 时可给两次评估的编号或日期。")] = None,
    archive: Annotated[str | None, typer.Option("--archive", help="评估归档（SQLite 文件或 postgresql:// 地址）。")] = None,
    community: Annotated[str | None, typer.Option("--community", help="归档中的社区：社区代码、归档编号或名称；默认比较最近两次。")] = None,
    plan: Annotated[Path | None, typer.Option("--plan", help="上次的整改台账（audit plan 生成并填写的 .xlsx），逐项核对。")] = None,
    standard: Annotated[str | None, typer.Option("--standard", "-s", help="为证据文件评分时使用的规则包。")] = None,
    format: Annotated[CycleFormat, typer.Option("--format", "-f", help="输出格式。")] = CycleFormat.table,
) -> None:
    """比较同一社区的两次评估：总分与等级变化、各类变化，已整改、退步、仍未整改与新增的条款。"""
    from .cycle.service import diff_command

    outcome = diff_command(list(sides or []), archive=archive, community=community, standard=standard, plan=plan)
    for warning in outcome.warnings:
        _stderr(f"注意：{warning}")
    if format is CycleFormat.json:
        _echo(outcome.as_json())
    elif format is CycleFormat.markdown:
        from .cycle.views import diff_markdown

        _echo(diff_markdown(outcome.diff, outcome.plan))
    else:
        from .cycle.views import diff_view

        _show(diff_view(outcome.diff, outcome.plan))


@command
def history(
    community: Annotated[str | None, typer.Argument(metavar="[COMMUNITY]", help="社区代码、归档编号或名称；省略时列出全部社区。")] = None,
    archive: Annotated[str | None, typer.Option("--archive", help="评估归档（SQLite 文件或 postgresql:// 地址）。")] = None,
    district: Annotated[str | None, typer.Option("--district", help="只列出此区（市）的社区。")] = None,
    format: Annotated[CycleFormat, typer.Option("--format", "-f", help="输出格式。")] = CycleFormat.table,
) -> None:
    """查看评估归档：一个社区历次评估（日期、总分、等级、变化），或全区各社区最近一次的变化。"""
    from .cycle.service import history_command

    if archive is None:
        raise AuditError("请用 --archive 指定评估归档，如 audit history --archive reports/环翠区/archive.sqlite")
    found = history_command(archive, community, district)
    if format is CycleFormat.json:
        _echo(found.model_dump_json(indent=2) + "\n")
    elif format is CycleFormat.markdown:
        from .cycle.views import history_markdown

        _echo(history_markdown(found))
    else:
        from .cycle.views import history_view

        _show(history_view(found))


@command
def plan(
    result_file: Annotated[Path, typer.Argument(metavar="RESULT.json", help="audit score -f json 保存的结果（或证据文件）。")],
    output: Annotated[Path, typer.Option("--output", "-o", help="整改台账文件（.xlsx）。")],
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的台账（它可能已被填写）。")] = False,
) -> None:
    """生成整改台账（Excel）：每项差距一行，含条款、原因、失分、整改建议，待填责任人、完成时限、进度、完成佐证。"""
    from .cycle.service import plan_command
    from .yamlio import display_path

    rows = plan_command(result_file, output, force=force)
    _stderr(f"已写入 {display_path(output)}（{rows} 项整改）")


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
