"""Library locations that cannot work, shared by the library, dashboard and browser tests."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "ALTER", "DROP", "COMMIT")


class FullDisk(sqlite3.Connection):
    """A connection on a full disk: reads work, every write fails as SQLite reports it."""

    def execute(self, sql, *args):
        if sql.lstrip().upper().startswith(WRITES):
            raise sqlite3.OperationalError("database or disk is full")
        return super().execute(sql, *args)


def fill_the_disk(monkeypatch) -> None:
    """From now on every SQLite connection of this process is on a full disk."""
    real = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: real(*a, **{**k, "factory": FullDisk}))


def unwritable_folder(tmp_path: Path) -> Path:
    """A folder nothing can be created in: read-only permissions, or (for root, whom permissions do not
    stop) /proc."""
    folder = tmp_path / "readonly"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        (folder / "probe").touch()
    except OSError:
        return folder
    (folder / "probe").unlink()
    folder.chmod(0o700)
    return Path("/proc")


def random_bytes_file(path: Path) -> Path:
    path.write_bytes(os.urandom(8192))
    return path


def foreign_sqlite_file(path: Path) -> Path:
    """The database of another program: SQLite, none of our tables."""
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
        db.execute("INSERT INTO contacts VALUES ('张三', '123')")
    db.close()
    return path


def snapshot(path: Path) -> tuple[bytes, int]:
    """What must not change: the file's bytes and its modification time."""
    return path.read_bytes(), path.stat().st_mtime_ns
