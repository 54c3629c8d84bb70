"""Fixtures of the cycle tests: a real PostgreSQL server, archives of both kinds, the three-year community.

PostgreSQL is the real thing (the Debian package postgresql, installed by scripts/system-deps.sh):
a temporary cluster is initialised in a temporary folder, started on a free port of 127.0.0.1 for
the test session and stopped at its end. The server refuses to run as root, so as root it runs
as ``nobody``.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from jingzhi_audit.api import assess
from jingzhi_audit.result import Result
from tests.conftest import FIXTURES

PG_BIN = Path("/usr/lib/postgresql/15/bin")
CYCLE = FIXTURES / "cycle" / "海滨社区"
YEARS = ("2024", "2025", "2026")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A running PostgreSQL 15 server for this session: its base URL (no database)."""
    if not (PG_BIN / "postgres").is_file():
        pytest.fail("PostgreSQL 15 is missing: run scripts/system-deps.sh (apt-get install postgresql)")
    base = Path(tempfile.mkdtemp(prefix="jingzhi-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        import pwd

        nobody = pwd.getpwnam("nobody")
        os.chown(base, nobody.pw_uid, nobody.pw_gid)
        as_user = ["runuser", "-u", "nobody", "--"]
    data = base / "data"
    port = _free_port()
    subprocess.run([*as_user, str(PG_BIN / "initdb"), "-D", str(data), "-U", "jingzhi", "--auth=trust",
                    "-E", "UTF8", "--no-sync"], check=True, capture_output=True)
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50"
    subprocess.run([*as_user, str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "log"),
                    "-w", "-t", "60", "start"], check=True, capture_output=True)
    try:
        yield f"postgresql://jingzhi@127.0.0.1:{port}"
    finally:
        subprocess.run([*as_user, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


_numbers = itertools.count(1)


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A fresh, empty database on the session's server (created with psql)."""
    name = f"archive_{os.getpid()}_{next(_numbers)}"
    host_port = postgres_server.removeprefix("postgresql://jingzhi@")
    host, port = host_port.split(":")
    subprocess.run(["psql", "-h", host, "-p", port, "-U", "jingzhi", "-d", "postgres", "-v", "ON_ERROR_STOP=1",
                    "-q", "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    return f"{postgres_server}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def archive_spec(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty archive of each kind: an SQLite file path, or a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "archive.sqlite")
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture(scope="session")
def years() -> dict[str, Result]:
    """The three assessments of 海滨社区 (2024, 2025, 2026), graded from the fixture files."""
    return {year: assess(CYCLE / f"{year}.yaml", generated_at=f"{year}-11-02T09:00:00+08:00") for year in YEARS}
