"""The ``audit`` console script. The everyday ``audit score FILE [-s S] [-f F] [-o O] [--fail-under N]``
is parsed here by hand, without importing typer; every other command line — another command,
``--help``, an unknown, repeated or malformed option, a value typer would refuse — goes to the
typer app in ``cli.py`` unchanged, so its messages and exit codes stay typer's own.

Why: of a cold ``audit score`` (≈ 0.24 s), typer's import and argument parsing took ≈ 0.1 s (it
builds a pydantic TypeAdapter per parameter), more than the scoring itself. Both paths run the
same body (``cli_common.score``) inside the same error boundary; ``tests/test_launch.py`` runs
both as real processes on a table of command lines and compares stdout, stderr and exit codes
byte for byte.

A command other than ``batch`` is a one-shot process, so the cyclic garbage collector is switched
off (the objects it would examine live until exit anyway) and the heap frozen before exit, so that
the interpreter's teardown does not traverse it.
"""

from __future__ import annotations

import gc
import os
import re
import sys
from pathlib import Path
from typing import Any

# option → parameter of ``score``; short options take their value as the next argument only
_OPTIONS = {"-s": "standard", "--standard": "standard", "-f": "format", "--format": "format",
            "-o": "output", "--output": "output", "--fail-under": "fail_under"}
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def parse_score(args: list[str]) -> dict[str, Any] | None:
    """The parameters of ``score FILE …`` if typer would accept ``args`` and parse them exactly
    so; ``None`` for anything else (which typer then handles, errors included)."""
    if not args or args[0] != "score":
        return None
    values: dict[str, str] = {}
    files: list[str] = []
    rest = iter(args[1:])
    for arg in rest:
        if not arg.startswith("-"):
            files.append(arg)
            continue
        name, eq, value = arg.partition("=")
        if name not in _OPTIONS or (eq and not name.startswith("--")) or _OPTIONS[name] in values:
            return None
        if not eq:
            value = next(rest, "")
        if not value or value.startswith("-"):
            return None
        values[_OPTIONS[name]] = value
    if len(files) != 1 or not files[0]:
        return None
    from .render.registry import RESULT_FORMATS

    fmt = values.get("format")
    fail_under = values.get("fail_under")
    if (fmt is not None and fmt not in RESULT_FORMATS) or (fail_under is not None and not _NUMBER.fullmatch(fail_under)):
        return None
    paths = [Path(files[0]), *([Path(values["output"])] if "output" in values else [])]
    if not all(_readable_or_absent(p) for p in paths):  # typer: "... is not readable."
        return None
    return {
        "file": paths[0],
        "standard": values.get("standard"),
        "format": fmt,
        "output": Path(values["output"]) if "output" in values else None,
        "fail_under": float(fail_under) if fail_under is not None else None,
    }


def _readable_or_absent(path: Path) -> bool:
    try:
        return not path.exists() or os.access(path, os.R_OK)
    except (OSError, ValueError):  # typer decides what to say
        return False


def main() -> None:
    """Console-script entry point: the fast path for ``audit score``, typer for everything else."""
    # pydantic looks for plugins through importlib.metadata on first use; this program uses none.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    parsed = None if os.environ.get("JINGZHI_AUDIT_TYPER") else parse_score(sys.argv[1:])
    # Every command but batch is one short process: its objects live until exit anyway, so the
    # cyclic collector would only re-examine them (a fresh PDF report: −12 to −17 % CPU, the same
    # peak memory). batch grades a whole district and keeps the collector (its workers tune it).
    one_shot = sys.argv[1:2] != ["batch"]
    if one_shot:
        gc.disable()
    try:
        if parsed is None:
            from .cli import main as typer_main

            typer_main()
        else:
            _skip_plugin_loader()
            _run(parsed)
    finally:
        if one_shot:
            gc.freeze()  # nor should the interpreter's teardown traverse the heap


def _run(parsed: dict[str, Any]) -> None:
    """``cli_common.score`` inside the boundary, with typer's handling of what escapes it."""
    import errno

    from . import cli_common
    from .errors import UsageError

    try:
        with cli_common.boundary():
            try:
                cli_common.score(**parsed)
            except UsageError:  # typer says it with its usage line: let it (nothing was written)
                from .cli import main as typer_main

                typer_main()
    except SystemExit:
        raise
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            _bug(exc)
        _pacify()  # a closed pipe (``audit score x | head``): exit 1 quietly, as typer does
        sys.exit(1)
    except Exception as exc:
        _bug(exc)
    sys.exit(0)


def _bug(exc: Exception) -> None:
    from . import cli_common

    if os.environ.get("JINGZHI_AUDIT_DEBUG"):
        raise exc
    cli_common.internal_error(exc)
    sys.exit(cli_common.INTERNAL_ERROR)


def _pacify() -> None:
    """After a broken pipe, flushing stdout at exit must not fail again (typer's PacifyFlushWrapper)."""
    for name in ("stdout", "stderr"):
        try:
            getattr(sys, name).flush()
        except OSError:
            setattr(sys, name, Path(os.devnull).open("w", encoding="utf-8"))  # noqa: SIM115 - lives until exit


def _skip_plugin_loader() -> None:
    """Spare the fast path ``importlib.metadata`` (≈ 15–25 ms of imports), which pydantic's plugin
    loader imports at its top even when ``PYDANTIC_DISABLE_PLUGINS`` makes it return no plugin.

    The stand-in answers ``get_plugins()`` with no plugins, as the real loader does when plugins
    are disabled; any other name asked of it loads the real module.
    """
    import types

    name = "pydantic.plugin._loader"
    if name in sys.modules or os.environ.get("PYDANTIC_DISABLE_PLUGINS") not in ("__all__", "1", "true"):
        return

    def real(attr: str) -> Any:
        import importlib

        if attr.startswith("__"):  # the import system asking (``__path__`` …): not a name of the loader
            raise AttributeError(attr)

        del sys.modules[name]
        return getattr(importlib.import_module(name), attr)

    stand_in = types.ModuleType(name, "No pydantic plugins (see jingzhi_audit.launch).")
    stand_in.get_plugins = lambda: ()  # type: ignore[attr-defined]
    stand_in.__getattr__ = real  # type: ignore[method-assign]
    sys.modules[name] = stand_in
