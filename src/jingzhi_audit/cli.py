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
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from . import __version__, cli_common
from .cli_groups import DataOption, review_app, users_app
from .cli_text import ZhCommand, ZhGroup
from .errors import EXIT_INVALID, UsageError
from .files import refuse_input
from .render.registry import (
    COMPARE_FORMATS,
    DIFF_FORMATS,
    HISTORY_FORMATS,
    REPORT_FORMATS,
    RESULT_FORMATS,
    VALIDATE_FORMATS,
)
from .schemas import SCHEMAS

app = typer.Typer(
    name="audit",
    help="精致幸福社区建设规范（DB3710/T 177-2022）社区自评与区域评估工具。",
    no_args_is_help=True,
    add_completion=True,  # audit --install-completion / --show-completion
    cls=ZhGroup,  # Chinese help and usage errors (cli_text)
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


# The boundary and the output helpers are shared with the fast path of ``audit score`` (launch.py).
_stderr, _echo, _print, _boundary = cli_common.stderr, cli_common.echo, cli_common.show, cli_common.boundary
_pick, _emit, _console_width = cli_common.pick, cli_common.emit, cli_common.console_width


def command(func: F) -> F:
    """Register a command that runs inside the error boundary."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _boundary():
            return func(*args, **kwargs)

    return app.command(cls=ZhCommand)(wrapper)  # type: ignore[return-value]


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
@command
def validate(
    paths: Annotated[list[Path] | None, typer.Argument(readable=False, help="规则包文件夹、其中的文件，或评估证据文件。")] = None,
    format: Annotated[ValidateFormat, typer.Option("--format", "-f", help="输出格式。")] = TEXT,
    output: Annotated[Path | None, typer.Option("--output", "-o", readable=False, help="把结果写入文件（如 junit.xml）。")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="提示（warning）也视为不通过。")] = False,
    changed: Annotated[bool, typer.Option("--changed", help="给出的是改动过的文件（可已删除）：校验包含它们的规则包、"
                                                            "词表和对照表，其余文件忽略（pre-commit 钩子用）。")] = False,
) -> None:
    """校验规则包与评估证据文件：列出全部问题（文件:行: 字段: 说明），有效时退出码为 0。"""
    from .api import save
    from .api import validate as run

    reports = run(paths or [], changed=changed)
    if changed and not reports:
        _stderr("改动的文件不属于任何规则包、词表或对照表，无需校验。")
        raise typer.Exit(0)
    text = VALIDATE_FORMATS[format.value].render(reports)
    if output is not None:
        for path in paths or []:  # never over one of the files being checked
            refuse_input(output, path, what="被校验的文件")
        save(text, output)
    else:
        _echo(str(text))
    failed = any(not r.valid or (strict and r.warnings) for r in reports)
    raise typer.Exit(EXIT_INVALID if failed else 0)


# -- schema, show, init --------------------------------------------------------------------------
@command
def schema(
    kind: Annotated[SchemaKind, typer.Argument(help="pack（pack.yaml）、category（分类文件）、evidence、result 或 review（复核文件）。")],
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
    review: Annotated[Path | None, typer.Option("--review", "-r", help="复核文件；默认自动使用证据文件旁的 <名称>.review.yaml。")] = None,
    archive: Annotated[str | None, typer.Option("--archive", help="把结果记入评估归档（SQLite 文件路径或 postgresql:// 地址）；报告附「与上次评估相比」。")] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的输出文件。")] = False,
) -> None:
    """为一个社区评分：终端表格，或 JSON、Markdown、HTML、PDF 报告；有复核文件时同时给出复核后得分。"""
    # The same body as the fast path (launch.py) runs for the common forms of this command.
    cli_common.score(file, standard=standard, format=format.value if format is not None else None,
                     output=output, fail_under=fail_under, review=review, archive=archive,
                     force=force)


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

    from .api import now_iso, plan_batch, run_batch
    from .batch.runner import BatchOptions, default_jobs
    from .files import display_path
    from .render.district_text import summary_view

    out = output if output is not None else Path("reports") / (source.resolve().name or "batch")
    if archive is not None and no_archive:
        raise UsageError("--archive 与 --no-archive 不能同时使用")
    recording = None if no_archive else (archive or str(out / "archive.sqlite"))
    options = BatchOptions(source=source, out=out, standard=standard, jobs=jobs or default_jobs(), pdf=pdf,
                           force=force, generated_at=now_iso(), archive=recording)
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
    _print(summary_view(done.summary, [display_path(p) for p in done.written], _console_width()))
    # "processed" counts the files that could not be graded too: graded + failed = processed + skipped
    _stderr(f"本次重新处理 {done.graded} 个，未改动而跳过 {done.skipped} 个（共 {done.summary.files} 个证据文件）；"
            f"各社区结果在 {display_path(out / 'communities')}。")
    cycle = done.summary.cycle
    if cycle is not None:
        for warning in cycle.warnings:
            _stderr(f"注意：{warning}")
        if cycle.archive:
            _stderr(f"已记入评估归档 {cycle.archive}")
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


# -- review & verify (issue 14): audit review init|sign live in cli_groups ------------------------
app.add_typer(review_app, name="review")


@command
def verify(
    result_file: Annotated[Path, typer.Argument(metavar="RESULT.json", help="audit score --format json 保存的结果。")],
) -> None:
    """核对保存的结果：按结果中记录的证据、佐证、规则包、复核文件与封印重新计算，列出有变化之处。"""
    from .api import verify as verify_result

    report = verify_result(result_file)
    if report.unchanged:
        _echo(f"✓ {report.result}：未发现改动（已核对 {len(report.checked)} 项：证据、佐证、规则包"
              f"{'、复核' if any(c.startswith('复核') for c in report.checked) else ''}，并重新评分）\n")
        return
    _echo(f"✗ {report.result}：结果生成后有 {len(report.changes)} 处改动：\n"
          + "".join(f"  - {change}\n" for change in report.changes))
    raise typer.Exit(EXIT_INVALID)


# -- the assessment cycle: diff, history, plan ---------------------------------------------------
DiffFormat = StrEnum("DiffFormat", [(n, n) for n in DIFF_FORMATS])  # type: ignore[misc]
HistoryFormat = StrEnum("HistoryFormat", [(n, n) for n in HISTORY_FORMATS])  # type: ignore[misc]


@command
def diff(
    sides: Annotated[list[Path] | None, typer.Argument(metavar="[PREVIOUS CURRENT]", help="上次与本次：结果 JSON 或证据文件；用 --archive 时可给两次评估的编号或日期。")] = None,
    archive: Annotated[str | None, typer.Option("--archive", help="评估归档（SQLite 文件或 postgresql:// 地址）。")] = None,
    community: Annotated[str | None, typer.Option("--community", help="归档中的社区：社区代码、归档编号或名称；默认比较最近两次。")] = None,
    plan: Annotated[Path | None, typer.Option("--plan", help="上次的整改台账（audit plan 生成并填写的 .xlsx），逐项核对。")] = None,
    standard: Annotated[str | None, typer.Option("--standard", "-s", help="为证据文件评分时使用的规则包。")] = None,
    format: Annotated[DiffFormat | None, typer.Option("--format", "-f", help="输出格式。")] = None,
) -> None:
    """比较同一社区的两次评估：总分与等级变化、各类变化，已整改、退步、仍未整改与新增的条款。"""
    from .api import diff as run

    outcome = run(list(sides or []), archive=archive, community=community, standard=standard, plan=plan)
    for warning in outcome.warnings:
        _stderr(f"注意：{warning}")
    _emit(DIFF_FORMATS[format.value if format is not None else "table"], outcome, None)


@command
def history(
    community: Annotated[str | None, typer.Argument(metavar="[COMMUNITY]", help="社区代码、归档编号或名称；省略时列出全部社区。")] = None,
    archive: Annotated[str | None, typer.Option("--archive", help="评估归档（SQLite 文件或 postgresql:// 地址）。")] = None,
    district: Annotated[str | None, typer.Option("--district", help="只列出此区（市）的社区。")] = None,
    format: Annotated[HistoryFormat | None, typer.Option("--format", "-f", help="输出格式。")] = None,
) -> None:
    """查看评估归档：一个社区历次评估（日期、总分、等级、变化），或全区各社区最近一次的变化。"""
    from .api import history as run

    found = run(archive, community, district)
    _emit(HISTORY_FORMATS[format.value if format is not None else "table"], found, None)


@command
def plan(
    result_file: Annotated[Path, typer.Argument(metavar="RESULT.json", help="audit score -f json 保存的结果（或证据文件）。")],
    output: Annotated[Path, typer.Option("--output", "-o", help="整改台账文件（.xlsx）。")],
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的台账（它可能已被填写）。")] = False,
) -> None:
    """生成整改台账（Excel）：每项差距一行，含条款、原因、失分、整改建议，待填责任人、完成时限、进度、完成佐证。"""
    from .api import plan as run
    from .files import display_path

    rows = run(result_file, output, force=force)
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
        cli_common.internal_error(exc)
        sys.exit(cli_common.INTERNAL_ERROR)


# -- serve & users (issue 15: the web app): audit users add lives in cli_groups ---------------------
app.add_typer(users_app, name="users")


@command
def serve(
    data: DataOption = Path("jingzhi-data"),
    host: Annotated[str, typer.Option("--host", help="监听地址；默认只接受本机访问。")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口。", min=1, max=65535)] = 8000,
) -> None:
    """启动网页服务：社区在浏览器中填写自评、查看得分，复核人员查看区域看板并复核。"""
    from .api import serve as run

    if host not in ("127.0.0.1", "localhost", "::1"):
        _stderr(f"警告：正在监听 {host}，局域网内的其他电脑也能访问本服务。请只在可信的内网中这样做，"
                "并确认防火墙设置；本服务未启用 HTTPS，建议放在 HTTPS 反向代理之后。")
    _echo(f"网页服务已启动：http://{'127.0.0.1' if host == '0.0.0.0' else host}:{port}/（数据文件夹 {data}；按 Ctrl+C 停止）\n")
    run(data, host=host, port=port)
