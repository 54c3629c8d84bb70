"""The hand-checked review fixtures (tests/fixtures/review/), copied where a test may change them."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import FIXTURES

REVIEW_FIXTURES = FIXTURES / "review"
GENERATED = "2026-11-22T10:00:00+08:00"


def copy_fixtures(tmp_path: Path) -> Path:
    """A writable copy of tests/fixtures/review (pack, community, expired); returns its folder."""
    target = tmp_path / "review"
    shutil.copytree(REVIEW_FIXTURES, target)
    return target
