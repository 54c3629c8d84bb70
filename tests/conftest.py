"""Shared fixtures: the mini pack (hand-computable), the bundled pack, a CLI runner."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI_PACK = FIXTURES / "packs" / "mini"
BUNDLED_PACK = ROOT / "standards" / "jingzhi-2022"


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests use their own pack cache, never the developer's ~/.cache."""
    import os

    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture
def mini_pack(tmp_path: Path) -> Path:
    """A writable copy of the mini pack."""
    target = tmp_path / "mini"
    shutil.copytree(MINI_PACK, target)
    return target


class StrictRunner(CliRunner):
    """A CliRunner that lets exceptions through: a crash fails the test instead of passing as a
    non-zero exit code (the CLI's own error boundary turns bad input into messages and exit codes)."""

    def invoke(self, *args: Any, **kwargs: Any) -> Result:  # type: ignore[override]
        kwargs.setdefault("catch_exceptions", False)
        return super().invoke(*args, **kwargs)


@pytest.fixture
def runner() -> CliRunner:
    return StrictRunner()


def pdf_text(path: Path) -> str:
    """The text of a PDF as poppler's pdftotext extracts it (UTF-8)."""
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _fail_skips_in_ci(report: Any) -> None:
    """Under CI=true a skipped test is a failure: CI installs every program the tests drive, so a
    skip there means a missing set-up step, not a passing test."""
    import os

    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true (make test's set-up should provide it): {report.longrepr}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Any:
    outcome = yield
    _fail_skips_in_ci(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: Any) -> Any:
    outcome = yield
    _fail_skips_in_ci(outcome.get_result())
