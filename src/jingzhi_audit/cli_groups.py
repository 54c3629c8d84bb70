"""The command groups of ``audit``: ``audit review init|sign`` and ``audit users add``.

Each group is a typer app of its own, which ``cli.py`` composes explicitly with ``add_typer``; the
commands only parse options, call one function of ``api`` and print, inside the shared error
boundary of ``cli_common``.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from . import cli_common
from .errors import UsageError

F = TypeVar("F", bound=Callable[..., Any])
_stderr, _echo, _boundary = cli_common.stderr, cli_common.echo, cli_common.boundary


# -- audit review (issue 14) -------------------------------------------------------------------
review_app = typer.Typer(help="复核（街道/区）：生成复核文件、签署封印。", no_args_is_help=True, rich_markup_mode=None)


def review_command(name: str) -> Callable[[F], F]:
    """Register an ``audit review <name>`` subcommand that runs inside the error boundary."""

    def register(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with _boundary():
                return func(*args, **kwargs)

        return review_app.command(name)(wrapper)  # type: ignore[return-value]

    return register


@review_command("init")
def review_init(
    file: Annotated[Path, typer.Argument(help="所复核的评估证据文件（YAML 或 Excel）。")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="复核文件；默认 <名称>.review.yaml，.xlsx 生成 Excel 复核表。")] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的复核文件。")] = False,
) -> None:
    """生成复核文件模板：复核人、证据文件与佐证的 SHA-256，以及每条条款的复核结论（自评状态写在注释中）。"""
    from .api import init_review as run
    from .files import display_path

    written = run(file, output, force=force)
    _stderr(f"已生成 {display_path(written)}：逐条填写 verdict（同意/不同意）；不同意时填写 status 与 comment。")



@review_command("sign")
def review_sign(
    file: Annotated[Path, typer.Argument(metavar="REVIEW", help="复核文件（.review.yaml 或 .review.xlsx）。")],
    reviewer: Annotated[str | None, typer.Option("--reviewer", help="签署人；默认为复核文件中的复核人。")] = None,
    date: Annotated[str | None, typer.Option("--date", help="签署日期，如 2026-11-20；默认今天。")] = None,
    force: Annotated[bool, typer.Option("--force", help="已签署的复核文件重新签署（替换原封印）。")] = False,
) -> None:
    """签署复核：写入签署人、日期和 SHA-256 封印（覆盖证据、佐证、规则包与复核内容）。"""
    import datetime as dt

    from .api import sign_review
    from .files import display_path

    try:
        day = dt.date.fromisoformat(date) if date is not None else None
    except ValueError:
        raise typer.BadParameter(f"日期「{date}」格式应为 2026-11-20", param_hint="--date") from None
    seal = sign_review(file, signed_by=reviewer, signed_on=day, force=force)
    _echo(f"已签署 {display_path(file)}：{seal.signed_by}，{seal.signed_on.isoformat()}，封印 SHA-256 {seal.sha256}\n")


# -- serve & users (issue 15: the web app) ----------------------------------------------------------
users_app = typer.Typer(help="网页服务（audit serve）的账号。", no_args_is_help=True, rich_markup_mode=None)
DataOption = Annotated[Path, typer.Option("--data", help="数据文件夹：账号、会话与各社区的证据文件夹都保存在这里。")]


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="用户名。")],
    role: Annotated[str, typer.Option("--role", help="角色：admin（管理员）、inspector（复核人员）、community（社区）。")],
    district: Annotated[str | None, typer.Option("--district", help="所辖区（市），复核人员必填；社区账号为社区所在区。")] = None,
    community: Annotated[str | None, typer.Option("--community", help="社区代码（社区账号必填）。")] = None,
    community_name: Annotated[str | None, typer.Option("--name", help="社区名称（新建社区时写入证据文件）。")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="从标准输入读取密码（一行）。")] = False,
    data: DataOption = Path("jingzhi-data"),
) -> None:
    """新建网页服务的账号（已有同名账号时更新其密码和角色）。"""
    import getpass

    from .api import add_user

    with _boundary():
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = getpass.getpass("密码：")
            if getpass.getpass("再输入一次：") != password:
                raise UsageError("两次输入的密码不一致")
        user = add_user(data, name, password, role=role, district=district, community=community,
                        community_name=community_name)
        where = f"，社区 {user.community}" if user.community else (f"，{user.district}" if user.district else "")
        _echo(f"已保存账号 {user.name}（{role}{where}），数据文件夹 {data}\n")
