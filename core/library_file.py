"""Where the library lives: whether the path given for it can hold it, and what to tell the user
when it cannot — in Chinese, naming the path and what to do.

A missing folder is created when the folder above it exists and is writable; a file that is not a
SQLite database, or is the database of another program (none of our tables), is only looked at
(its header and table names, read-only) and never written, migrated, overwritten or deleted.
"""
from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

ENV_VAR = "GOVREPORT_DB"

SQLITE_HEADER = b"SQLite format 3\x00"
_SET_ANOTHER_PATH = f"把环境变量 {ENV_VAR} 设为另一个路径（如一个可写文件夹中的 library.sqlite3，看板会在那里新建资料库）后重新启动看板"


class LibraryError(Exception):
    """The library cannot be opened or written; the message (Chinese) names the path and what to do."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return self.message


def explain(error: BaseException, path: Path, writing: bool = False) -> LibraryError:
    """A SQLite or file-system error on the library at `path` as a `LibraryError` a user can act on."""
    if isinstance(error, LibraryError):
        return error
    path = Path(os.path.abspath(path))
    text = str(error).lower()
    code = getattr(error, "sqlite_errorcode", None)
    code = code & 0xFF if isinstance(code, int) else None  # the primary result code
    os_code = error.errno if isinstance(error, OSError) else None
    unchanged = "本次写入没有保存，资料库未改动。" if writing else ""
    if "full" in text or code == sqlite3.SQLITE_FULL or os_code == errno.ENOSPC:
        return LibraryError(f"资料库 {path} 所在的磁盘已满，{unchanged or '无法写入。'}"
                            f"请清理该磁盘的空间后重试，或{_SET_ANOTHER_PATH}。", path)
    if "not a database" in text or "malformed" in text or code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
        return _not_a_library(path)
    if "locked" in text or "busy" in text or code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return LibraryError(f"资料库 {path} 正被其他程序占用，等待 30 秒后仍无法{'写入' if writing else '读取'}。"
                            f"{unchanged}请稍后重试；若一直如此，请关闭其他正在使用该文件的程序。", path)
    if ("readonly" in text or "read-only" in text or "unable to open" in text or "permission" in text
            or code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM)
            or os_code in (errno.EACCES, errno.EPERM, errno.EROFS)):
        return _unwritable(path, unchanged)
    return LibraryError(f"读写资料库 {path} 时出错。{unchanged}请确认该文件及其所在文件夹可以读写、磁盘空间充足；"
                        f"仍然出错时，{_SET_ANOTHER_PATH}。", path)


def _unwritable(path: Path, unchanged: str = "") -> LibraryError:
    path = Path(os.path.abspath(path))
    return LibraryError(f"无法打开或写入资料库 {path}：文件夹 {path.parent} 或该文件不可写（只读磁盘或没有写权限）。"
                        f"{unchanged}请为该文件夹开放写权限，或{_SET_ANOTHER_PATH}。", path)


def _not_a_library(path: Path) -> LibraryError:
    return LibraryError(f"{path} 不是可用的资料库文件：它不是 SQLite 数据库，或已经损坏。"
                        f"为免丢失其中的内容，看板没有修改、覆盖或删除它。请{_SET_ANOTHER_PATH}；"
                        "如果它是从备份恢复的资料库，请检查文件是否完整。", path)


def _foreign(path: Path) -> LibraryError:
    return LibraryError(f"{path} 是其他程序的 SQLite 数据库（其中没有本看板的报告表），不是本看板的资料库。"
                        f"为免破坏它，看板不会在其中建表、写入或删除任何内容。请{_SET_ANOTHER_PATH}。", path)


def check_location(path: Path) -> None:
    """Raise a `LibraryError` unless `path` is our library, a SQLite file without tables, or a file that
    can be created (its folder is created when the folder above it exists and is writable). Reads at most
    the file's header and its table list, read-only: a file that is not ours is never changed."""
    path = Path(os.path.abspath(path))
    parent = path.parent
    if path.is_dir():
        raise LibraryError(f"{path} 是一个文件夹，不是资料库文件。请把环境变量 {ENV_VAR} 设为文件的路径"
                           f"（如 {path / 'library.sqlite3'}）后重新启动看板。", path)
    if not path.exists():
        if parent.exists() and not parent.is_dir():
            raise LibraryError(f"资料库 {path} 的上级 {parent} 是一个文件，不是文件夹。请{_SET_ANOTHER_PATH}。", path)
        if not parent.exists():
            grand = parent.parent
            if not (grand.is_dir() and os.access(grand, os.W_OK | os.X_OK)):
                raise LibraryError(f"资料库 {path} 所在的文件夹 {parent} 不存在，也无法自动创建（其上级文件夹 {grand} "
                                   f"不存在或不可写）。请先创建文件夹 {parent}，或{_SET_ANOTHER_PATH}。", path)
            try:
                parent.mkdir(exist_ok=True)
            except OSError as e:
                raise LibraryError(f"资料库 {path} 所在的文件夹 {parent} 不存在，且无法创建（{grand} 不可写）。"
                                   f"请先创建文件夹 {parent}，或{_SET_ANOTHER_PATH}。", path) from e
        if not os.access(parent, os.W_OK | os.X_OK):
            raise _unwritable(path)
        return
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except OSError as e:
        raise LibraryError(f"无法读取资料库 {path}（没有读取权限或磁盘故障）。请检查该文件的权限，或{_SET_ANOTHER_PATH}。",
                           path) from e
    if not head:
        return  # an empty file: SQLite makes it a new database
    if head != SQLITE_HEADER:
        raise _not_a_library(path)
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        try:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            columns = {t: {r[1] for r in db.execute(f"PRAGMA table_info({t})")} for t in ("files", "reports") if t in tables}
        finally:
            db.close()
    except sqlite3.Error as e:
        raise explain(e, path) from e
    if not tables:
        return  # a SQLite file with nothing in it yet
    if not ({"sha256", "data"} <= columns.get("files", set())
            and {"sha256", "name", "record", "parser_version"} <= columns.get("reports", set())):
        raise _foreign(path)
