"""The assessment archive: one SQLAlchemy Core code path for SQLite (the default) and PostgreSQL.

``--archive PATH`` is an SQLite file (``sqlite:///PATH``); ``--archive postgresql://…`` a server
database (driven through psycopg 3). SQLite connections get WAL mode and a busy timeout as they
connect, and writing transactions begin with ``BEGIN IMMEDIATE``: two batch runs writing into one
file wait for each other instead of failing with "database is locked".

The schema has a version table and forward migrations (``MIGRATIONS``, applied in order inside one
locked transaction). An archive of a newer version than this tool is refused, never altered.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    select,
    text,
)
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from ..errors import ArchiveError, SetupError

BUSY_TIMEOUT_MS = 60_000

metadata = MetaData()

schema_version = Table(
    "schema_version", metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", String(40), nullable=False),
)

def _schema_v1(md: MetaData) -> tuple[Table, Table, Table]:
    """The tables as migration 1 creates them. Frozen: a later migration changes them by ALTER,
    and then the query tables below get their own, current definition."""
    communities = Table(
        "communities", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        # code:<社区代码> when the evidence gives one, else name:<区>|<街道>|<名称>
        Column("identity", String(400), nullable=False, unique=True),
        Column("code", String(100)),
        Column("name", String(200), nullable=False),
        Column("district", String(200)),
        Column("street", String(200)),
        Column("first_recorded", String(40), nullable=False),
        Column("last_recorded", String(40), nullable=False),
    )

    assessments = Table(
        "assessments", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("community_id", Integer, ForeignKey("communities.id"), nullable=False),
        # the evidence's assessed_on, or the day it was graded when the evidence gives none
        Column("assessed_on", String(10), nullable=False),
        Column("period_from", String(10)),
        Column("period_to", String(10)),
        Column("community_name", String(200), nullable=False),  # as named in this assessment
        Column("district", String(200)),
        Column("street", String(200)),
        Column("pack_id", String(100), nullable=False),
        Column("pack_version", String(50), nullable=False),
        Column("pack_sha256", String(64), nullable=False),
        Column("evidence_sha256", String(64), nullable=False),
        Column("evidence_path", String(1000), nullable=False),
        Column("total", Float, nullable=False),
        Column("total_text", String(20), nullable=False),
        Column("rating_id", String(50), nullable=False),
        Column("rating_label", String(50), nullable=False),
        Column("rating_stars", Integer, nullable=False),
        Column("gap_count", Integer, nullable=False),
        Column("generated_at", String(40), nullable=False),
        Column("recorded_at", String(40), nullable=False),
        Column("result_json", Text, nullable=False),
        # the inspector's review of the assessment (the result's review object), or NULL
        Column("review_json", Text),
        UniqueConstraint("community_id", "evidence_sha256", "pack_sha256", name="uq_assessment_evidence"),
    )
    Index("ix_assessments_community", assessments.c.community_id, assessments.c.assessed_on)

    gaps = Table(
        "gaps", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("assessment_id", Integer, ForeignKey("assessments.id", ondelete="CASCADE"), nullable=False),
        Column("clause", String(50), nullable=False),
        Column("category", String(50), nullable=False),
        Column("reason", String(30), nullable=False),
        Column("points_lost", Float, nullable=False),
        Column("credit", Float, nullable=False),
    )
    # No index on gaps.clause: an assessment's ~40 gap rows would touch ~40 random index pages in
    # every commit (3.8 ms instead of 1.0 ms per record); queries by clause read the gaps of the
    # assessments they need through ix_gaps_assessment.
    Index("ix_gaps_assessment", gaps.c.assessment_id)
    return communities, assessments, gaps


# The tables the queries use (today exactly the version-1 schema).
communities, assessments, gaps = _schema_v1(metadata)


# -- migrations ------------------------------------------------------------------------------
def _migration_1(conn: Connection) -> None:
    """The initial schema: communities, assessments (with review_json), gaps."""
    frozen = MetaData()
    _schema_v1(frozen)
    frozen.create_all(conn)


# Migration N takes an archive of version N-1 to version N. Append, never edit a released one:
# e.g. ``lambda conn: conn.execute(text("ALTER TABLE assessments ADD COLUMN …"))``.
MIGRATIONS: list[Callable[[Connection], None]] = [_migration_1]


def current_version() -> int:
    """The schema version this tool writes."""
    return len(MIGRATIONS)


# -- the engine ------------------------------------------------------------------------------
def archive_url(spec: str | Path) -> str:
    """``PATH`` → ``sqlite:///PATH``; ``postgresql://…`` → the psycopg 3 driver; other URLs as given."""
    value = str(spec)
    if value.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).resolve()}"


def describe(url: str) -> str:
    """The archive as a person knows it: the file path, or the server URL without a password."""
    if url.startswith("sqlite:///"):
        return url.removeprefix("sqlite:///")
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _sqlite_listeners(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")  # first: WAL itself may wait
        _switch_to_wal(cursor)
        cursor.execute("PRAGMA synchronous = NORMAL")  # durable at each checkpoint; never corrupt
        # Checkpoint every ~40 MB of WAL instead of 4 MB: a district's results (~180 KB each) would
        # otherwise checkpoint, and wait for the disk, every 20 communities.
        cursor.execute("PRAGMA wal_autocheckpoint = 10000")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A writer takes the lock at BEGIN: a deferred transaction that reads and then writes
        # cannot wait for another writer (SQLite fails it at once); an immediate one waits.
        immediate = conn.get_execution_options().get("write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _switch_to_wal(cursor: Any) -> None:
    """``PRAGMA journal_mode = WAL``, retried while another connection holds the file.

    Two connections that switch a new file to WAL at the same moment both hold a shared lock and
    both want the exclusive one; SQLite sees the deadlock and fails one of them at once with
    "database is locked", without calling the busy handler (1 in 5 pairs of processes started
    together). Once the other has switched, the file is WAL and the pragma returns at once."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.005
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if ("locked" not in str(exc) and "busy" not in str(exc)) or time.monotonic() > deadline:
                raise
        time.sleep(delay * (1 + random.random()))  # jitter: the two do not retry in step
        delay = min(delay * 2, 0.2)


class Archive:
    """An open archive: an engine whose schema is current."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self.name = describe(url)

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """One writing transaction (committed on success, rolled back on any error)."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """One reading transaction (a consistent snapshot)."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @property
    def is_postgresql(self) -> bool:
        """Whether the archive is a PostgreSQL database (else SQLite)."""
        return self.engine.dialect.name == "postgresql"

    def dispose(self) -> None:
        """Close every pooled connection. Call it before forking: a connection must not cross a
        fork (SQLite's locks are per process; a PostgreSQL session belongs to one process)."""
        self.engine.dispose()


def open_archive(spec: str | Path, *, create: bool = True) -> Archive:
    """Open (and, with ``create``, create or migrate) the archive named by a path or a URL."""
    url = archive_url(spec)
    shown = describe(url)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not create and not path.is_file():
            raise ArchiveError(f"归档 {shown} 不存在。先用 audit score FILE --archive {shown} 或 audit batch 记录评估结果")
        if create and not path.parent.is_dir():
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ArchiveError(f"无法创建归档 {shown}：{exc.strerror}") from None
    try:
        engine = create_engine(url)
    except NoSuchModuleError:
        raise ArchiveError(f"不支持的归档地址：{shown}（可用文件路径，或 postgresql://用户@主机/数据库）") from None
    except (ArgumentError, ValueError) as exc:
        raise ArchiveError(f"归档地址无效：{shown}（{exc}）") from None
    except ImportError as exc:
        raise SetupError(f"使用 PostgreSQL 归档需要 psycopg：pip install 'jingzhi-audit[postgres]'（{exc}）") from None
    if engine.dialect.name == "sqlite":
        _sqlite_listeners(engine)
    archive = Archive(engine, url)
    try:
        migrate(archive, create=create)
    except OperationalError as exc:
        engine.dispose()
        raise ArchiveError(f"无法打开归档 {shown}：{_reason(exc)}") from None
    except DBAPIError as exc:
        engine.dispose()
        raise ArchiveError(f"无法打开归档 {shown}：{_reason(exc)}") from None
    return archive


def _reason(exc: DBAPIError) -> str:
    text_ = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
    if "file is not a database" in text_ or "malformed" in text_:
        return "文件不是 SQLite 数据库或已损坏"
    return text_


def _version(conn: Connection) -> int:
    if not conn.dialect.has_table(conn, "schema_version"):
        return 0
    found = conn.execute(select(schema_version.c.version).order_by(schema_version.c.version.desc())).first()
    return int(found[0]) if found else 0


def migrate(archive: Archive, *, create: bool = True) -> int:
    """Bring the schema to ``current_version()``; return the version found before."""
    target = current_version()
    with archive.reading() as conn:
        found = _version(conn)
    if found > target:
        raise ArchiveError(f"归档 {archive.name} 的格式版本为 {found}，比本工具支持的 {target} 新；请升级 jingzhi-audit")
    if found == target:
        return found
    if found == 0 and not create:
        raise ArchiveError(f"{archive.name} 不是评估归档（没有 schema_version 表）")
    with archive.writing() as conn:
        if archive.is_postgresql:  # the SQLite writer lock is taken by BEGIN IMMEDIATE
            conn.execute(text("SELECT pg_advisory_xact_lock(177022)"))
        metadata.create_all(conn, tables=[schema_version])
        found = _version(conn)  # again, under the lock: another process may have migrated
        for number in range(found + 1, target + 1):
            MIGRATIONS[number - 1](conn)
            conn.execute(schema_version.insert().values(
                version=number, applied_at=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()))
    return found
