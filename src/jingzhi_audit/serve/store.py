"""The web app's own database (``DIR/app.sqlite``): accounts, sessions, login failures, the lock
of a submitted assessment and the history of saves.

Evidence itself is not here: it is the community's evidence folder (``serve.folders``), the very
files the CLI scores. Passwords are hashed with Argon2id (argon2-cffi); session tokens are random.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import AuditError

ROLES = ("admin", "inspector", "community")
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
NAME = re.compile(r"^[\w.@-]{1,40}$")
SESSION_SECONDS = 8 * 3600
LOGIN_WINDOW = 300  # seconds
LOGIN_FAILURES = 5  # per name or per address within the window

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, hash TEXT NOT NULL, role TEXT NOT NULL,
    district TEXT, community TEXT);
CREATE TABLE IF NOT EXISTS sessions (token TEXT PRIMARY KEY, name TEXT NOT NULL, csrf TEXT NOT NULL,
    expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS failures (key TEXT NOT NULL, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS locks (community TEXT PRIMARY KEY, by_name TEXT NOT NULL, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS history (id INTEGER PRIMARY KEY AUTOINCREMENT, community TEXT NOT NULL,
    at TEXT NOT NULL, by_name TEXT NOT NULL, action TEXT NOT NULL, total REAL, rating TEXT,
    reviewed_total REAL);
"""


@dataclass(frozen=True)
class User:
    """An account: its role, and the district or community it may see."""

    name: str
    role: str
    district: str | None
    community: str | None


@dataclass(frozen=True)
class Session:
    """A logged-in session: the user and the CSRF token bound to it."""

    token: str
    user: User
    csrf: str


def _hasher() -> Any:
    from argon2 import PasswordHasher

    # OWASP's Argon2id minimum (19 MiB, 2 passes, 1 lane): ~60 ms here instead of ~470 ms for the
    # library's default, so a login stays quick on a two-core district machine.
    return PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


class Store:
    """The SQLite database of one data directory; safe to share between threads."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / "app.sqlite"
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self._hash = _hasher()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    # -- accounts ---------------------------------------------------------------------------------
    def add_user(self, name: str, password: str, role: str, *, district: str | None = None,
                 community: str | None = None) -> User:
        """Create (or replace the password and role of) an account."""
        if not NAME.match(name):
            raise AuditError(f"用户名「{name}」无效：只能用字母、数字、汉字和 . _ @ -，最长 40 个字符")
        if role not in ROLES:
            raise AuditError(f"角色「{role}」无效；可选：admin（管理员）、inspector（复核人员）、community（社区）")
        if role == "community" and (community is None or not CODE.match(community)):
            raise AuditError("社区账号须用 --community 给出社区代码（字母、数字、- 和 _，最长 40 个字符）")
        if role == "inspector" and not district:
            raise AuditError("复核人员账号须用 --district 给出所辖区（市）")
        if len(password) < 8:
            raise AuditError("密码至少 8 个字符")
        user = User(name, role, district or None, community if role == "community" else None)
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO users VALUES (?, ?, ?, ?, ?)",
                       (name, self._hash.hash(password), role, user.district, user.community))
            db.execute("DELETE FROM sessions WHERE name = ?", (name,))
        return user

    def user(self, name: str) -> User | None:
        """The account called ``name``, or None."""
        with self._lock:
            row = self._db.execute("SELECT name, role, district, community FROM users WHERE name = ?",
                                   (name,)).fetchone()
        return User(*row) if row else None

    def check_password(self, name: str, password: str) -> User | None:
        """The account when ``password`` is right; None otherwise (unknown names cost the same)."""
        from argon2.exceptions import VerificationError

        with self._lock:
            row = self._db.execute("SELECT hash FROM users WHERE name = ?", (name,)).fetchone()
        stored = row[0] if row else _DUMMY.get(self._hash)
        try:
            self._hash.verify(stored, password)
        except VerificationError:
            return None
        return self.user(name) if row else None

    # -- login rate limit -------------------------------------------------------------------------
    def throttled(self, keys: list[str]) -> bool:
        """Whether any of ``keys`` (a name, an address) failed too often within the window."""
        since = time.time() - LOGIN_WINDOW
        with self._lock:
            for key in keys:
                (count,) = self._db.execute("SELECT COUNT(*) FROM failures WHERE key = ? AND at > ?",
                                            (key, since)).fetchone()
                if count >= LOGIN_FAILURES:
                    return True
        return False

    def failed(self, keys: list[str]) -> None:
        """Record a failed login for each of ``keys``."""
        now = time.time()
        with self._tx() as db:
            db.execute("DELETE FROM failures WHERE at < ?", (now - LOGIN_WINDOW,))
            db.executemany("INSERT INTO failures VALUES (?, ?)", [(k, now) for k in keys])

    # -- sessions ---------------------------------------------------------------------------------
    def open_session(self, user: User) -> Session:
        """A new session for ``user``."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self._tx() as db:
            db.execute("DELETE FROM sessions WHERE expires < ?", (time.time(),))
            db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?)",
                       (token, user.name, csrf, time.time() + SESSION_SECONDS))
        return Session(token, user, csrf)

    def session(self, token: str) -> Session | None:
        """The live session of ``token``, or None."""
        with self._lock:
            row = self._db.execute("SELECT name, csrf, expires FROM sessions WHERE token = ?",
                                   (token,)).fetchone()
        if row is None or row[2] < time.time():
            return None
        user = self.user(row[0])
        return Session(token, user, row[1]) if user else None

    def close_session(self, token: str) -> None:
        """Log a session out."""
        with self._tx() as db:
            db.execute("DELETE FROM sessions WHERE token = ?", (token,))

    # -- submission lock and history --------------------------------------------------------------
    def locked(self, community: str) -> str | None:
        """Who submitted ``community``'s assessment for review (locked), or None."""
        with self._lock:
            row = self._db.execute("SELECT by_name FROM locks WHERE community = ?", (community,)).fetchone()
        return row[0] if row else None

    def lock(self, community: str, by: str) -> None:
        """Lock an assessment (提交复核)."""
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO locks VALUES (?, ?, ?)", (community, by, time.time()))

    def unlock(self, community: str) -> None:
        """Unlock an assessment (an inspector sends it back)."""
        with self._tx() as db:
            db.execute("DELETE FROM locks WHERE community = ?", (community,))

    def record(self, community: str, at: str, by: str, action: str, total: float | None,
               rating: str | None, reviewed_total: float | None = None) -> None:
        """Append one save, submission or review to the community's history."""
        with self._tx() as db:
            db.execute("INSERT INTO history (community, at, by_name, action, total, rating, reviewed_total)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?)", (community, at, by, action, total, rating, reviewed_total))

    def history(self, community: str) -> list[dict[str, object]]:
        """The community's history, newest first."""
        with self._lock:
            rows = self._db.execute("SELECT at, by_name, action, total, rating, reviewed_total FROM history"
                                    " WHERE community = ? ORDER BY id DESC", (community,)).fetchall()
        keys = ("at", "by", "action", "total", "rating", "reviewed_total")
        return [dict(zip(keys, row, strict=True)) for row in rows]


class _Dummy:
    """A hash to verify against for unknown names, so that they take as long as known ones."""

    def __init__(self) -> None:
        self._value: str | None = None

    def get(self, hasher: object) -> str:
        if self._value is None:
            self._value = hasher.hash(secrets.token_urlsafe(16))  # type: ignore[attr-defined]
        return self._value


_DUMMY = _Dummy()
