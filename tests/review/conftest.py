"""Fixtures of the review tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.review.helpers import copy_fixtures


@pytest.fixture
def community(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of the review fixtures' community folder, made the working directory."""
    folder = copy_fixtures(tmp_path) / "community"
    monkeypatch.chdir(folder)
    return folder
