"""Fixtures of the web-app tests: a fresh data directory and an in-process client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .helpers import make_data


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data directory with communities and accounts."""
    return make_data(tmp_path / "data")


@pytest.fixture
def app(data_dir: Path) -> Any:
    """The web app over ``data_dir``."""
    from jingzhi_audit.serve.app import create_app

    return create_app(data_dir)


@pytest.fixture
def client(app: Any) -> Iterator[Any]:
    """Starlette's in-process test client."""
    from starlette.testclient import TestClient

    with TestClient(app) as c:
        yield c
