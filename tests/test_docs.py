"""Every command has help text and appears in the README; the README opens with the two commands."""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from jingzhi_audit.cli import app
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(info.name or info.callback.__name__ for info in app.registered_commands
                  if info.callback is not None)
GROUPS = {group.name: group.typer_instance for group in app.registered_groups if group.name and group.typer_instance}
SUBCOMMANDS = sorted((name, info.name) for name, group in GROUPS.items() for info in group.registered_commands
                     if info.name)


def test_readme_opens_with_demo_and_test() -> None:
    head = README.split("\n## ", 1)[0]
    assert "make demo" in head and "make test" in head


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", COMMANDS)
def test_command_has_help_and_is_documented(command: str, runner: CliRunner) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert re.search(r"[\u4e00-\u9fff]", result.stdout), "help text should be Chinese"
    assert f"audit {command}" in README


def test_commands_exist() -> None:
    assert {"validate", "schema", "show"} <= set(COMMANDS)
    assert isinstance(app, typer.Typer)


def test_architecture_doc_is_linked_and_names_real_modules() -> None:
    assert "docs/ARCHITECTURE.md" in README
    doc = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    src = ROOT / "src" / "jingzhi_audit"
    files = set(re.findall(r"`((?:[a-z_]+/)*[a-z_]+\.py)`", doc))
    assert len(files) >= 10
    for name in files:
        assert (src / name).is_file() or (ROOT / name).is_file(), name
    packages = re.findall(r"^([a-z]+)/ ", doc, re.M)
    assert len(packages) >= 4
    for package in packages:
        assert (src / package / "__init__.py").is_file(), package
@pytest.mark.parametrize(("group", "command"), SUBCOMMANDS)
def test_subcommand_has_help_and_is_documented(group: str, command: str, runner: CliRunner) -> None:
    """``audit review init`` and friends count as the ``review`` command: each has Chinese help and
    appears in the README."""
    for args in ([group, "--help"], [group, command, "--help"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0
        assert re.search(r"[\u4e00-\u9fff]", result.stdout), "help text should be Chinese"
    assert f"audit {group} {command}" in README


def test_groups_exist() -> None:
    assert ("review", "init") in SUBCOMMANDS and ("review", "sign") in SUBCOMMANDS
