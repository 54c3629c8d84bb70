"""Chinese help and usage errors for ``audit``: typer's own text is English and shows type names.

typer 0.29 carries its own copy of click, whose messages are plain English strings (no gettext to
hook), so the translation is done where click hands them over: ``ZhCommand``/``ZhGroup`` write the
help themselves (Chinese headings, plain metavars such as ``路径``, ``整数``), and ``ZhGroup``
catches every usage error on its way out and raises it again as a ``ZhUsageError`` with a Chinese
message made from the exception's own fields (the option, the parameter, its type), not from its
English text. Exit code 2, as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import Enum
from pathlib import PurePath
from typing import IO, Any

from typer.core import TyperCommand, TyperGroup

try:  # typer ≥ 0.29 carries its own click
    from typer import _click as click
except ImportError:  # pragma: no cover - older typer depends on click
    import click  # type: ignore[no-redef]

from .render.fit import text_width, wrap

OPTION_HELP = {
    "help": "显示本帮助并退出。",
    "install_completion": "为当前的命令行（bash、zsh、fish、PowerShell）安装命令补全。",
    "show_completion": "显示当前命令行的补全脚本，可复制后自行安装。",
}


# -- help --------------------------------------------------------------------------------------------
def metavar(param: Any) -> str:
    """What a parameter's value looks like, in plain words: ``路径``, ``整数``, ``table|json``."""
    if getattr(param, "is_flag", False):
        return ""
    if param.metavar:
        return str(param.metavar)
    desc = param.type_descriptor
    many = param.nargs != 1 and param.param_type_name == "argument"
    if desc.is_choice:
        text = "|".join(str(c.value if isinstance(c, Enum) else c) for c in desc.choices or ())
    else:
        inner = desc.annotation
        args = getattr(inner, "__args__", None)
        if desc.is_list and args:
            inner = args[0]
        if desc.is_path or (isinstance(inner, type) and issubclass(inner, PurePath)):
            text = "路径"
        else:
            text = {int: "整数", float: "数值", bool: "是|否"}.get(inner, "文字")
    return text + ("..." if many else "")


def _extras(param: Any, ctx: Any) -> list[str]:
    out = []
    if param.required:
        out.append("必填")
    low, high = getattr(param, "min", None), getattr(param, "max", None)
    if low is not None and high is not None:
        out.append(f"{low}～{high}")
    elif low is not None:
        out.append(f"不小于 {low}")
    elif high is not None:
        out.append(f"不大于 {high}")
    if getattr(param, "multiple", False):
        out.append("可重复")
    if param.show_default is not False and not param.required and param.name not in OPTION_HELP:
        default = param.get_default(ctx, call=False)
        if getattr(param, "is_flag", False) and getattr(param, "secondary_opts", None):
            out.append("默认 " + (param.opts[0] if default else param.secondary_opts[0]))
        elif default not in (None, False, "", [], ()) and not callable(default):
            out.append(f"默认 {default.value if isinstance(default, Enum) else default}")
    return out


def _record(param: Any, ctx: Any) -> tuple[str, str]:
    if param.param_type_name == "argument":
        left = metavar(param) or param.name
    else:
        names = ", ".join(_short_first(param.opts))
        if getattr(param, "secondary_opts", None):
            names += " / " + ", ".join(param.secondary_opts)
        shape = metavar(param)
        left = f"{names} {shape}" if shape else names
    text = OPTION_HELP.get(param.name, param.help or "")
    extras = _extras(param, ctx)
    return left, text + (f"（{'；'.join(extras)}）" if extras else "")


def _rows(rows: Sequence[tuple[str, str]], width: int) -> str:
    """Two aligned columns measured in terminal cells (a Chinese character is two)."""
    left = min(max((text_width(a) for a, _ in rows), default=0), 26) + 4
    right = max(width - left, 24)
    out = []
    for a, b in rows:
        lines = wrap(b, right) if b else [""]
        if text_width(a) + 4 > left:
            out.append(f"  {a}")
            out.extend(" " * left + line for line in lines)
            continue
        out.append(f"  {a}" + " " * (left - 2 - text_width(a)) + lines[0])
        out.extend(" " * left + line for line in lines[1:])
    return "\n".join(out)


def usage_line(command: Any, ctx: Any) -> str:
    """``用法：audit score [选项] 路径``."""
    pieces = ["[选项]"]
    for param in command.get_params(ctx):
        if param.param_type_name == "argument":
            shape = metavar(param) or param.name
            pieces.append(shape if param.required else f"[{shape}]" if not shape.startswith("[") else shape)
    if isinstance(command, TyperGroup):
        pieces.append("命令 [参数]...")
    return f"用法：{ctx.command_path} " + " ".join(pieces)


def help_text(command: Any, ctx: Any, width: int = 100) -> str:
    """The whole ``-h`` page of a command or of ``audit`` itself, in Chinese."""
    parts = [usage_line(command, ctx)]
    if command.help:
        parts.append("\n".join("  " + line for line in wrap(command.help.strip(), width - 2)))
    params = [p for p in command.get_params(ctx) if not getattr(p, "hidden", False)]
    arguments = [_record(p, ctx) for p in params if p.param_type_name == "argument"]
    options = [_record(p, ctx) for p in params if p.param_type_name == "option"]
    if arguments:
        parts.append("参数：\n" + _rows(arguments, width))
    if options:
        parts.append("选项：\n" + _rows(options, width))
    if isinstance(command, TyperGroup):
        commands = []
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                commands.append((name, (sub.help or "").strip().split("\n")[0]))
        parts.append("命令：\n" + _rows(commands, width))
        parts.append(f"查看某个命令的用法：{ctx.command_path} 命令 -h")
    return "\n\n".join(parts) + "\n"


class _ChineseHelp:
    """The help page, written in Chinese instead of click's English sections."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        ctx.meta["zh_args"] = list(args)  # the values as typed, for the messages
        try:
            parsed: list[str] = super().parse_args(ctx, args)  # type: ignore[misc]
            return parsed
        except click.exceptions.UsageError as exc:
            if exc.ctx is None:  # the option parser raises without one: the usage line needs it
                exc.ctx = ctx
                exc.cmd = ctx.command
            raise

    def format_help(self, ctx: Any, formatter: Any) -> None:
        formatter.write(help_text(self, ctx, max(int(getattr(formatter, "width", 0) or 100), 60)))

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        formatter.write(usage_line(self, ctx) + "\n")


# -- usage errors ----------------------------------------------------------------------------------
class ZhUsageError(click.exceptions.UsageError):
    """A usage error with a Chinese message; shown as 用法 / 提示 / 错误, exit code 2."""

    def show(self, file: IO[Any] | None = None) -> None:
        """Print 用法, the help hint and the Chinese message."""
        lines = []
        if self.ctx is not None:
            lines.append(usage_line(self.ctx.command, self.ctx))
            lines.append(f"用 {self.ctx.command_path} -h 查看帮助。")
        lines.append(f"错误：{self.message}")
        click.echo("\n".join(lines), file=file, err=file is None)


def current_usage() -> list[str]:
    """The 用法 line and the help hint of the command being run (for the tool's own usage errors)."""
    try:
        from typer._click.globals import get_current_context
    except ImportError:  # pragma: no cover - older typer depends on click
        from click import get_current_context  # type: ignore[no-redef]

    ctx = get_current_context(silent=True)
    if ctx is None:
        return []
    return [usage_line(ctx.command, ctx), f"用 {ctx.command_path} -h 查看帮助。"]


def _param_name(param: Any) -> str:
    if param is None or (param.param_type_name == "argument" and param.type_descriptor.is_choice):
        return "参数"
    if param.param_type_name == "argument":
        return metavar(param) or str(param.name)
    return "、".join(_short_first(param.opts))


def _short_first(opts: Sequence[str]) -> list[str]:
    return sorted(opts, key=lambda o: (o.startswith("--"), o))


def _raw_value(ctx: Any, param: Any) -> str | None:
    """The text typed for an option (``-j abc`` → ``abc``), from the arguments as given."""
    args: list[str] = (ctx.meta.get("zh_args") if ctx is not None else None) or []
    found = None
    for i, arg in enumerate(args):
        for opt in getattr(param, "opts", ()):
            if arg == opt and i + 1 < len(args):
                found = args[i + 1]
            elif opt.startswith("--") and arg.startswith(opt + "="):
                found = arg[len(opt) + 1:]
            elif not opt.startswith("--") and arg.startswith(opt) and len(arg) > len(opt):
                found = arg[len(opt):]
    return found


def _bad_value(exc: Any) -> str:
    param = exc.param
    name = _param_name(param)
    if param is None:
        return "参数的值无效"
    desc = param.type_descriptor
    value = _raw_value(exc.ctx, param)
    if value is None:
        match = re.search(r"'(.*?)' is not one of", exc.message)
        value = match.group(1) if match else None
    given = f"“{value}”" if value is not None else ""
    who = name if name == "参数" else f"{name} "
    if desc.is_choice:
        choices = "、".join(str(c.value if isinstance(c, Enum) else c) for c in desc.choices or ())
        return f"{who}的值{given}不可用；可选：{choices}"
    kind = desc.annotation
    low, high = getattr(param, "min", None), getattr(param, "max", None)
    word = "整数" if kind is int else "数字" if kind is float else "值"
    if (low is not None or high is not None) and re.search(r"greater|less", exc.message):
        bound = f"不小于 {low}" if high is None else f"不大于 {high}" if low is None else f"在 {low}～{high} 之间"
        return f"{who}的值{given}须{bound}"
    if kind in (int, float):
        return f"{who}的值{given}不是{word}：请写阿拉伯数字，如 {name.split('、')[0]} 2"
    return f"{who}的值{given}无效"


def translate(exc: Any, commands: Sequence[str] = ()) -> str:
    """The Chinese message for one of click's usage errors, made from its fields."""
    e = click.exceptions
    if isinstance(exc, e.NoSuchOption):
        hint = f"（是不是要用 {'、'.join(sorted(exc.possibilities))}？）" if exc.possibilities else ""
        return f"没有 {exc.option_name} 这个选项{hint}"
    if isinstance(exc, e.MissingParameter):
        param: Any = exc.param
        what = "参数" if param is None or param.param_type_name == "argument" else "选项"
        help_ = f"：{param.help}" if param is not None and param.help else ""
        return f"缺少{what} {_param_name(param)}{help_}"
    if isinstance(exc, e.BadParameter):
        return _bad_value(exc)
    if isinstance(exc, e.BadOptionUsage):
        if "does not take a value" in exc.message:
            return f"选项 {exc.option_name} 不带值（直接写 {exc.option_name} 即可）"
        return f"选项 {exc.option_name} 后面要跟一个值"
    message = exc.message
    if match := re.match(r"No such command '(.*)'", message):
        return f"没有 {match.group(1)} 这个命令；可用的命令：{'、'.join(commands)}"
    if match := re.match(r"Got unexpected extra argument.*\(([^()]*)\)$", message):
        return f"多余的参数：{match.group(1)}（路径中有空格时请加引号）"
    if message.startswith("Missing command"):
        return "缺少命令；可用的命令：" + "、".join(commands)
    if isinstance(exc, e.BadArgumentUsage):
        return "参数的个数不对"
    return "命令行有误"  # an unforeseen kind: the usage line and -h still say what is expected


def _chinese(exc: Exception, group: Any, ctx: Any) -> Exception:
    e = click.exceptions
    if isinstance(exc, (ZhUsageError, e.NoArgsIsHelpError)) or not isinstance(exc, e.UsageError):
        return exc
    return ZhUsageError(translate(exc, group.list_commands(ctx)), exc.ctx)


class ZhCommand(_ChineseHelp, TyperCommand):
    """A command whose help is Chinese (its usage errors are translated by ``ZhGroup``)."""


class ZhGroup(_ChineseHelp, TyperGroup):
    """``audit`` itself: Chinese help, and every usage error of it or its commands in Chinese."""

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        """Parse the command line; usage errors become Chinese."""
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.exceptions.ClickException as exc:
            raise _chinese(exc, self, exc.ctx if isinstance(exc, click.exceptions.UsageError) else None) from None

    def invoke(self, ctx: Any) -> Any:
        """Run the command; usage errors raised inside become Chinese."""
        try:
            return super().invoke(ctx)
        except click.exceptions.ClickException as exc:
            raise _chinese(exc, self, ctx) from None

