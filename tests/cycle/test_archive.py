"""The archive itself: migrations, versions, identity warnings, atomic records, bad archives."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from jingzhi_audit.cycle import archive as archive_module
from jingzhi_audit.cycle.archive import archive_url, current_version, open_archive
from jingzhi_audit.cycle.store import entry_from_result, record
from jingzhi_audit.errors import ArchiveError
from jingzhi_audit.result import Result


def test_urls() -> None:
    assert archive_url("a/b.sqlite").startswith("sqlite:////") and archive_url("a/b.sqlite").endswith("/a/b.sqlite")
    assert archive_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert archive_url("sqlite:///x.db") == "sqlite:///x.db"


def test_sqlite_is_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    archive = open_archive(tmp_path / "a.sqlite")
    with archive.reading() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 60000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    archive.dispose()
    # and the file is a real SQLite database the sqlite3 module reads
    with sqlite3.connect(tmp_path / "a.sqlite") as db:
        assert db.execute("SELECT version FROM schema_version").fetchall() == [(current_version(),)]


_SWITCH_ON_GO = """
import sqlite3, sys, time
from jingzhi_audit.cycle.archive import BUSY_TIMEOUT_MS, _switch_to_wal
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")  # as the archive's connect listener does
print("ready", flush=True)
start = float(sys.stdin.readline())
while time.time() < start:  # spin: all of them leave within microseconds of each other
    pass
try:
    _switch_to_wal(db.cursor())
except sqlite3.OperationalError as exc:
    print(exc)
    sys.exit(1)
print(db.execute("PRAGMA journal_mode").fetchone()[0])
"""


def test_connections_that_switch_one_new_file_to_wal_at_the_same_moment_all_succeed(tmp_path: Path) -> None:
    """Two connections switching a new file to WAL at once deadlock, and SQLite fails one of them
    at once ("database is locked", without the busy handler): two ``audit batch`` runs started
    together onto a new archive failed 1 in 60 times, a bare pair of connections 1 in 5. Each
    round releases three processes, all ready and spinning, onto one new file at one instant."""
    outcomes = []
    for round_ in range(10):
        path = tmp_path / f"a{round_}.sqlite"
        procs = [subprocess.Popen([sys.executable, "-c", _SWITCH_ON_GO, str(path)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True) for _ in range(3)]
        for proc in procs:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        start = time.time() + 0.2
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write(f"{start}\n")
            proc.stdin.flush()
        outcomes += [proc.communicate(timeout=120)[0].strip() for proc in procs]
    assert outcomes == ["wal"] * 30


def test_a_second_migration_applies_to_an_archive_of_version_1(tmp_path: Path, years: dict[str, Result],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.sqlite"
    old = open_archive(path)  # written by this version (1)
    record(old, entry_from_result(years["2024"]), years["2024"].model_dump_json())
    old.dispose()

    def add_note(conn):  # type: ignore[no-untyped-def]
        conn.execute(text("ALTER TABLE assessments ADD COLUMN note TEXT"))

    monkeypatch.setattr(archive_module, "MIGRATIONS", [*archive_module.MIGRATIONS, add_note])
    new = open_archive(path)
    with new.reading() as conn:
        assert [c["name"] for c in inspect(conn).get_columns("assessments")][-1] == "note"
        assert conn.execute(text("SELECT version FROM schema_version ORDER BY version")).scalars().all() == [1, 2]
        assert conn.execute(text("SELECT community_name, total, note FROM assessments")).all() == [("海滨社区", 6.0, None)]
    new.dispose()


def test_a_newer_archive_is_refused_not_altered(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    open_archive(path).dispose()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO schema_version VALUES (99, '2030-01-01')")
    with pytest.raises(ArchiveError, match="格式版本为 99，比本工具支持的 1 新"):
        open_archive(path)


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite"
    path.write_text("这不是数据库", encoding="utf-8")
    with pytest.raises(ArchiveError, match="不是 SQLite 数据库或已损坏"):
        open_archive(path)
    with pytest.raises(ArchiveError, match="不存在"):
        open_archive(tmp_path / "missing.sqlite", create=False)


def test_a_code_seen_in_another_district_is_a_warning(years: dict[str, Result], archive_spec: str) -> None:
    archive = open_archive(archive_spec)
    first = record(archive, entry_from_result(years["2024"]), years["2024"].model_dump_json())
    moved = years["2025"].model_copy(update={"community": years["2025"].community.model_copy(
        update={"district": "文登区"})})
    second = record(archive, entry_from_result(moved), moved.model_dump_json())
    archive.dispose()
    assert second.community_id == first.community_id and second.created
    assert len(second.warnings) == 1
    assert "社区代码 371002001001 在归档中属于「环翠区」" in second.warnings[0] and "本次为「文登区」" in second.warnings[0]


def test_without_a_code_district_street_and_name_identify(years: dict[str, Result], archive_spec: str) -> None:
    def without_code(result: Result, **change: str) -> Result:
        return result.model_copy(update={"community": result.community.model_copy(update={"code": None, **change})})

    archive = open_archive(archive_spec)
    a = record(archive, entry_from_result(without_code(years["2024"])), "{}")
    b = record(archive, entry_from_result(without_code(years["2025"])), "{}")
    c = record(archive, entry_from_result(without_code(years["2026"], street="竹岛街道")), "{}")
    archive.dispose()
    assert a.community_id == b.community_id != c.community_id


def test_a_failed_record_leaves_nothing(years: dict[str, Result], archive_spec: str) -> None:
    """One transaction per assessment: a gap row that cannot be written rolls back the assessment too."""
    archive = open_archive(archive_spec)
    entry = entry_from_result(years["2024"])
    broken = type(entry)(**{**entry.__dict__, "gaps": (*entry.gaps, type(entry.gaps[0])("9.9.9", "9", "x" * 100, 1.0, 0.0))})
    with pytest.raises(Exception):  # noqa: B017 - the database's own error (value too long / check)
        if archive.is_postgresql:
            record(archive, broken, "{}")
        else:  # SQLite does not enforce VARCHAR lengths: make the gap insert fail another way
            bad = type(entry)(**{**entry.__dict__, "gaps": (*entry.gaps, type(entry.gaps[0])(None, "9", "x", 1.0, 0.0))})  # type: ignore[arg-type]
            record(archive, bad, "{}")
    with archive.reading() as conn:
        assert conn.execute(text("SELECT count(*) FROM assessments")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM gaps")).scalar() == 0
    archive.dispose()
