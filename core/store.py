"""The database under the library: an embedded SQLite file (the default) or a team's PostgreSQL server
(`GOVREPORT_DB=postgresql://…`). Both hold the same tables and take the same SQL; a store gives the
library connections, one way to make an atomic write, and its errors as Chinese messages.

The SQL the library writes is the part SQLite and PostgreSQL share (ON CONFLICT, RETURNING); the two
differences left are spelt SQLite's way and translated for PostgreSQL here: `?` parameters and
`IS ?` (a comparison that is true for two NULLs).

Writers take turns: SQLite by `BEGIN IMMEDIATE` (one writer per file), PostgreSQL by a transaction-wide
advisory lock, so that two importers never both decide a file is new, and a reader never sees half a
batch. Readers never wait for a writer.
"""
from __future__ import annotations

import os
import re
import sqlite3
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from core.library_file import ENV_VAR, LibraryError, check_location, explain

_TABLES = """
CREATE TABLE IF NOT EXISTS files (
    sha256 TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    format TEXT NOT NULL,
    size INTEGER NOT NULL,
    data {blob} NOT NULL
);
CREATE TABLE IF NOT EXISTS reports (
    id {identity},
    sha256 TEXT NOT NULL UNIQUE REFERENCES files(sha256),
    name TEXT NOT NULL,
    agency TEXT,
    year INTEGER,
    template TEXT,
    errors INTEGER NOT NULL DEFAULT 0,
    warnings INTEGER NOT NULL DEFAULT 0,
    parser_version TEXT NOT NULL,
    record TEXT NOT NULL,             -- {{"source", "fields", "warnings", "unread"}}
    provenance TEXT NOT NULL,         -- kept apart: only the report page needs it
    uploaded_at {real} NOT NULL
);
-- each report's row of the dashboard's tables (core.rows.Row), apart from its record: reading the rows
-- of 20,000 reports then never walks past the records
CREATE TABLE IF NOT EXISTS report_rows (
    report_id {ref} PRIMARY KEY REFERENCES reports(id) ON DELETE CASCADE,
    layout TEXT NOT NULL,             -- core.rows.LAYOUT: the order of `numbers`
    numbers {blob} NOT NULL,
    details TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reports_agency_year ON reports(agency, year);
-- the list of reports in upload order, read without touching the records beside it
CREATE INDEX IF NOT EXISTS reports_listing ON reports(uploaded_at, id, name, agency, year, errors, template, parser_version);
CREATE TABLE IF NOT EXISTS agency_links (
    name TEXT PRIMARY KEY,
    canonical TEXT NOT NULL          -- a name mapped to itself is kept apart from automatic matching
);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- the cross-year findings of one agency's current reports, kept for the set of records they were
-- worked out from (`members`: a hash of their ids and parser versions; any change to the set is
-- another key). A set is listed even when it has no findings: it need not be worked out again.
CREATE TABLE IF NOT EXISTS cross_year_sets (members TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS cross_year_findings (
    members TEXT NOT NULL REFERENCES cross_year_sets(members) ON DELETE CASCADE,
    report_id {ref} NOT NULL,         -- the later report of the two compared
    rule TEXT NOT NULL,
    severity TEXT NOT NULL,
    keys TEXT NOT NULL,
    fields TEXT NOT NULL,
    message TEXT NOT NULL,
    place TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cross_year_findings_members ON cross_year_findings(members);
-- values officials corrected by hand, applied whenever the report is parsed (a re-parse keeps them); one
-- undone stays as history. Of several active corrections of one cell the latest is applied.
CREATE TABLE IF NOT EXISTS corrections (
    id {identity},
    report_id {ref} NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,              -- JSON: the value typed (null: the cell is blank in the report)
    parsed TEXT NOT NULL,             -- JSON: what the parser had read ({{"value", "unread"}}) when it was made
    reason TEXT NOT NULL,
    made_at {real} NOT NULL,
    undone_at {real}
);
CREATE INDEX IF NOT EXISTS corrections_report ON corrections(report_id);
"""

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


class Connection(Protocol):
    """What the library uses of a connection (sqlite3's own, or `_PostgresConnection`)."""

    def execute(self, sql: str, args: Any = ()) -> Any: ...

    def executemany(self, sql: str, rows: Any) -> Any: ...


class Store(ABC):
    """One library's database."""

    where: str  # what a message names: the file's path, or the server and database (never a password)
    title: str  # what a briefing names as its source: the file's name, or the database and its server

    @abstractmethod
    def connect(self) -> Iterator[Connection]:
        """A connection for reading (a context manager); any database error inside is a LibraryError."""

    @abstractmethod
    def write(self) -> Iterator[Connection]:
        """One atomic write (a context manager): everything inside commits together or not at all,
        one writer at a time; any database error inside is a LibraryError saying nothing was saved."""

    @abstractmethod
    def explain(self, error: BaseException, writing: bool = False) -> LibraryError:
        """A database error as a Chinese message naming the library and what to do."""

    @property
    @abstractmethod
    def errors(self) -> tuple[type[BaseException], ...]:
        """The exception types of this database's driver."""


def open_store(location: str | Path) -> Store:
    """The store at `location`: a PostgreSQL URL, else a SQLite file path."""
    text = str(location)
    return PostgresStore(text) if text.startswith(POSTGRES_SCHEMES) else SQLiteStore(Path(location))


# ---- SQLite ----------------------------------------------------------------------------------------

class SQLiteStore(Store):
    """A library file on this machine. Its location is checked before SQLite touches it
    (core.library_file): a file that is not ours is never written."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = str(Path(os.path.abspath(path)))
        self.title = path.name
        check_location(path)
        try:
            with self.connect() as db:
                self._use_wal(db)
                # all tables at once: another process never sees half of them
                db.executescript(f"BEGIN IMMEDIATE;{self.schema()}COMMIT;")
                self._migrate(db)
        except sqlite3.Error as e:
            raise explain(e, self.path, writing=True) from e

    @staticmethod
    def schema() -> str:
        return _TABLES.format(blob="BLOB", real="REAL", identity="INTEGER PRIMARY KEY AUTOINCREMENT", ref="INTEGER")

    @property
    def errors(self) -> tuple[type[BaseException], ...]:
        return (sqlite3.Error,)

    def explain(self, error: BaseException, writing: bool = False) -> LibraryError:
        return explain(error, self.path, writing)

    @staticmethod
    def _migrate(db: sqlite3.Connection) -> None:
        """Bring a library written by an earlier version up to this schema; its reports are then
        re-parsed from their stored originals (nothing is lost: the original file is kept)."""
        columns = {row[1] for row in db.execute("PRAGMA table_info(reports)")}
        if "provenance" not in columns:
            db.execute("BEGIN IMMEDIATE")
            db.execute("ALTER TABLE reports ADD COLUMN provenance TEXT NOT NULL DEFAULT '{}'")
            db.execute("UPDATE reports SET parser_version = ''")
            db.execute("COMMIT")

    @staticmethod
    def _use_wal(db: sqlite3.Connection) -> None:
        """WAL lets readers go on while one session writes; it is a property of the file, set once.
        Switching needs a moment with no other writer, and SQLite does not wait for that itself."""
        for _ in range(100):
            try:
                if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) and "busy" not in str(e):
                    raise
                time.sleep(0.05)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        try:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        except sqlite3.Error as e:
            raise explain(e, self.path) from e
        try:
            db.execute("PRAGMA busy_timeout=30000")
            db.execute("PRAGMA foreign_keys=ON")
            yield db
        except sqlite3.Error as e:
            raise explain(e, self.path) from e
        finally:
            db.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        with self.connect() as db:
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    yield db
                    db.execute("COMMIT")
                except BaseException:
                    if db.in_transaction:
                        try:
                            db.execute("ROLLBACK")
                        except sqlite3.Error:  # SQLite may have rolled back itself (a full disk)
                            pass
                    raise
            except sqlite3.Error as e:
                raise explain(e, self.path, writing=True) from e


# ---- PostgreSQL --------------------------------------------------------------------------------------

_WRITE_LOCK = 0x676F767270  # the advisory lock every writer of a library takes ("govrp")
_SET_ANOTHER = f"请检查环境变量 {ENV_VAR} 中的服务器地址、数据库名、用户名和密码，确认数据库服务器已启动且本机可以连接，然后重新启动看板"


class PostgresStore(Store):
    """A library on a PostgreSQL server that a team shares (psycopg 3). Reads use their own
    connection without a transaction; each write is one transaction holding the library's advisory
    lock, so concurrent importers and dashboards serialise their writes and lose nothing."""

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError as e:  # installed with the dashboard; missing only in a trimmed environment
            raise LibraryError(f"资料库设为 PostgreSQL（{_safe(url)}），但本机没有安装 PostgreSQL 驱动 psycopg。"
                               "请运行 pip install \"psycopg[binary]\" 后重新启动看板。") from e
        self._psycopg = psycopg
        self.url = url
        self.where = _safe(url)
        info = psycopg.conninfo.conninfo_to_dict(url)
        self.title = f"PostgreSQL {info.get('dbname') or ''}（{info.get('host') or 'localhost'}）"
        with self.write() as db:  # the lock also covers creating the tables: two first starts at once
            db.execute(self.schema())

    @staticmethod
    def schema() -> str:
        return _TABLES.format(blob="BYTEA", real="DOUBLE PRECISION", ref="BIGINT",
                              identity="BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")

    @property
    def errors(self) -> tuple[type[BaseException], ...]:
        return (self._psycopg.Error,)

    def explain(self, error: BaseException, writing: bool = False) -> LibraryError:
        if isinstance(error, LibraryError):
            return error
        unchanged = "本次写入没有保存，资料库未改动。" if writing else ""
        if isinstance(error, self._psycopg.OperationalError):
            return LibraryError(f"无法连接或使用 PostgreSQL 资料库 {self.where}。{unchanged}{_SET_ANOTHER}。")
        said = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return LibraryError(f"读写 PostgreSQL 资料库 {self.where} 时出错。{unchanged}请稍后重试；仍然出错时，"
                            f"请把这条消息交给数据库管理员（数据库的原话：{said}）。")

    @contextmanager
    def _session(self, writing: bool) -> Iterator[_PostgresConnection]:
        try:
            raw = self._psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        except self._psycopg.Error as e:
            raise self.explain(e, writing) from e
        try:
            yield _PostgresConnection(raw)
        except self._psycopg.Error as e:
            raise self.explain(e, writing) from e
        finally:
            raw.close()

    @contextmanager
    def connect(self) -> Iterator[_PostgresConnection]:
        with self._session(writing=False) as db:
            yield db

    @contextmanager
    def write(self) -> Iterator[_PostgresConnection]:
        with self._session(writing=True) as db:
            with db.raw.transaction():
                db.execute("SELECT pg_advisory_xact_lock(?)", (_WRITE_LOCK,))
                yield db


class _PostgresConnection:
    """A psycopg connection taking the library's SQL as SQLite spells it."""

    def __init__(self, raw) -> None:
        self.raw = raw

    def execute(self, sql: str, args: Any = ()):
        return self.raw.execute(_postgres(sql), args or None)

    def executemany(self, sql: str, rows: Any):
        cursor = self.raw.cursor()
        cursor.executemany(_postgres(sql), list(rows))
        return cursor


def _postgres(sql: str) -> str:
    """SQLite's spelling → PostgreSQL's: `IS ?` (true also for two NULLs) and `?` parameters."""
    return sql.replace(" IS ?", " IS NOT DISTINCT FROM ?").replace("?", "%s")


def _safe(url: str) -> str:
    """The URL without its password (it is shown in messages)."""
    return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", url)
