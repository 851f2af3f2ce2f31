"""Many files at once: folders and .zip archives expanded into files, each file read only when its turn
comes and parsed in a pool of processes (one per core), so that a provincial office can load thousands
of reports in minutes. The library stores what comes out in batches (`Library.add_many`); the command
line's `python -m core ingest` and the upload page both go through it.

A file already in the library, or seen earlier in the same run, is recognised by its SHA-256 and not
parsed again. What cannot be read — a missing path, a damaged or encrypted archive, an archive inside an
archive, a file over the size limit — is a `Refused` with a Chinese reason naming it; one bad file never
stops the others.
"""
from __future__ import annotations

import concurrent.futures as cf
import hashlib
import logging
import multiprocessing
import multiprocessing.spawn
import os
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from core.readers import MAX_FILE_BYTES, too_large
from core.record import Report
from core.rows import stored_form

DOCUMENT_SUFFIXES = (".txt", ".pdf", ".docx", ".html", ".htm", ".doc", ".wps", ".png", ".jpg", ".jpeg")
ARCHIVE_SUFFIXES = (".zip",)
MAX_ARCHIVE_MEMBERS = 50_000  # a real archive of one province's reports holds a few thousand
IN_FLIGHT_PER_WORKER = 4  # files handed to the pool ahead of time: keeps every core busy, memory bounded

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Source:
    """One file to import: its name as shown (path, or archive/member), its size, and how to read it."""
    name: str
    size: int
    read: Callable[[], bytes]


@dataclass(frozen=True)
class Refused:
    """A path or archive member that is not imported, and why (in Chinese, naming it)."""
    name: str
    reason: str


@dataclass
class Parsed:
    """A file read and parsed: `report` is None when its bytes are already in the library or came
    earlier in the same run (it is not parsed again)."""
    name: str
    data: bytes
    digest: str
    report: Report | None
    parse: bool = False  # still to be parsed
    stored: tuple[str, str, bytes, str] | None = None  # as the library stores it (core.rows.stored_form), made by a worker


def sources(paths: Iterable[str | Path]) -> tuple[list[Source], list[Refused]]:
    """The report files named by `paths`: files as they are, folders searched through (files with a
    report's suffix), .zip archives opened (their members with a report's suffix). Nothing is read yet.
    Each is named from the folder or archive named (年报/2023/某局.pdf, 补报.zip/某局.pdf): agencies often
    give their files the same name, and the library keeps the name as the file's label."""
    found: list[Source] = []
    refused: list[Refused] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for p in sorted(path.rglob("*")):
                if p.is_file() and not p.name.startswith("."):
                    _add_file(p, str(p.relative_to(path.parent)), found, refused, quiet=True)
        elif path.is_file():
            _add_file(path, path.name, found, refused, quiet=False)
        else:
            refused.append(Refused(str(path), f"{path}：路径不存在，未导入。请检查路径是否写对。"))
    return found, refused


def _add_file(path: Path, name: str, found: list[Source], refused: list[Refused], quiet: bool) -> None:
    """A file named on the command line is always accounted for; inside a folder, files that are not
    reports (notes, spreadsheets, pictures) are passed over silently."""
    suffix = path.suffix.lower()
    if suffix in ARCHIVE_SUFFIXES:
        _add_archive(path, name, found, refused)
    elif suffix in DOCUMENT_SUFFIXES or not quiet:
        try:
            size = path.stat().st_size
        except OSError as e:
            refused.append(Refused(name, f"{name}：无法打开文件（{e.strerror or e}），未导入。"))
            return
        if size > MAX_FILE_BYTES:
            refused.append(Refused(name, too_large(name, size)))
        else:
            found.append(Source(name, size, path.read_bytes))


def member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its author wrote it: archives made on Chinese Windows store names in GBK
    without saying so (Python then reads them as cp437)."""
    if info.flag_bits & 0x800:  # the archive says UTF-8
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _add_archive(path: Path, name: str, found: list[Source], refused: list[Refused]) -> None:
    try:
        archive = zipfile.ZipFile(path)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        reason = getattr(e, "strerror", None) or "不是有效的 zip 压缩包，或已损坏"
        refused.append(Refused(name, f"{name}：{reason}，未导入。请重新压缩或直接导入文件夹。"))
        return
    if len(members) > MAX_ARCHIVE_MEMBERS:
        refused.append(Refused(name, f"{name}：压缩包内有 {len(members):,} 个文件，超过 {MAX_ARCHIVE_MEMBERS:,} 个的上限，"
                                     "未导入。请分成几个压缩包。"))
        return
    for info in members:
        inner = member_name(info)
        shown = f"{name}/{inner}"
        base = inner.rsplit("/", 1)[-1]
        suffix = os.path.splitext(base)[1].lower()
        if info.is_dir() or not base or base.startswith(".") or "__MACOSX/" in inner:
            continue
        if suffix in ARCHIVE_SUFFIXES:
            refused.append(Refused(shown, f"{shown}：压缩包中的压缩包不展开，未导入。请先解压，再导入它。"))
        elif suffix not in DOCUMENT_SUFFIXES:
            continue
        elif info.flag_bits & 0x1:
            refused.append(Refused(shown, f"{shown}：文件已加密，无法读取，未导入。请导入未加密的压缩包。"))
        elif info.file_size > MAX_FILE_BYTES:
            refused.append(Refused(shown, too_large(shown, info.file_size)))
        else:
            found.append(Source(shown, info.file_size, _member_reader(archive, info)))


def _member_reader(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], bytes]:
    def read() -> bytes:
        with archive.open(info) as f:
            data = f.read(MAX_FILE_BYTES + 1)  # a header may understate what the member inflates to
        if len(data) > MAX_FILE_BYTES:
            raise ValueError(too_large(info.filename, len(data)))
        return data
    return read


def read_each(items: Iterable[Source]) -> Iterator[tuple[str, bytes | Refused]]:
    """(name, bytes) of each source in turn; one that cannot be read gives its `Refused` instead."""
    for s in items:
        try:
            yield s.name, s.read()
        except ValueError as e:  # too large once inflated
            yield s.name, Refused(s.name, str(e))
        except (OSError, zipfile.BadZipFile, zlib.error, EOFError, RuntimeError) as e:
            yield s.name, Refused(s.name, f"{s.name}：读取失败（{getattr(e, 'strerror', None) or '文件或压缩包已损坏'}），"
                                          "未导入。请重新下载或重新压缩后再试。")


def parse_each(files: Iterable[tuple[str, bytes]], known: Callable[[str], bool], workers: int = 1,
               parsed: dict[str, Report] | None = None, pool: bool = False) -> Iterator[Parsed]:
    """Each file read and parsed, with its SHA-256. Files whose digest `known` says is stored, or that
    came earlier in this run, are not parsed (`report` None); `parsed` are records this parser already
    made (the demonstration's). With workers > 1 (or `pool`) the files are parsed in that many worker
    processes, each with the command line's per-file time limit, and come back as they finish (not in
    order)."""
    seen: set[str] = set()
    ready = parsed or {}

    def todo() -> Iterator[Parsed]:
        """Files to parse have report None and `parse` set; the others are final as they are."""
        for name, data in files:
            digest = hashlib.sha256(data).hexdigest()
            repeat = digest in seen or known(digest)
            seen.add(digest)
            item = Parsed(name, data, digest, None if repeat else ready.get(digest))
            item.parse = not repeat and item.report is None
            yield item

    if workers <= 1 and not pool:
        yield from map(_parse_here, todo())
    else:
        yield from _in_pool(todo(), max(1, workers))


def _parse_here(item: Parsed) -> Parsed:
    """Parse in this process (one worker, or where worker processes cannot be started)."""
    if item.parse:
        from core import ingest  # when the first file is parsed: a library that needs no parsing does not import the parser
        try:
            item.report = ingest.ingest(item.data, item.name)
        except Exception:  # noqa: BLE001 - a parser bug on one file is that file's result
            _log.exception("parsing %s failed", item.name)
            item.report = Report(item.name, error=f"{item.name}：处理该文件时出现意外错误，未入库，资料库未改动。"
                                                  "请确认文件完好（能在电脑上正常打开）后重试；仍然失败时，请把该文件交给维护人员。")
    return item


def _alive() -> bool:
    return True


def _started(workers: int) -> cf.ProcessPoolExecutor:
    """A pool of `workers` spawned processes, all started now (the pool never starts one later), none of
    them importing this process's `__main__` (see `_preparation`)."""
    pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    _starting.workers = True
    try:
        ready = [pool.submit(_alive) for _ in range(workers)]
        for future in ready:
            future.result(timeout=120)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        _starting.workers = False
    return pool


# A spawned process first imports its parent's `__main__` module. In a Streamlit server that is the page
# being run (Streamlit makes each page __main__, in whichever thread runs a page at that moment), which
# would run again, without a session, in every worker — and could hang it. The workers started here need
# nothing of it: while this thread starts them, the main module is left out of what they are told.
_starting = threading.local()
_spawn_preparation = multiprocessing.spawn.get_preparation_data


def _preparation(name: str) -> dict:
    data = _spawn_preparation(name)
    if getattr(_starting, "workers", False):
        data.pop("init_main_from_name", None)
        data.pop("init_main_from_path", None)
    return data


multiprocessing.spawn.get_preparation_data = _preparation


def _parse_in_worker(data: bytes, name: str) -> tuple[Report, tuple[str, str, bytes, str] | None]:
    """In a worker: the report without its provenance (cheap to send back) and the whole record as the
    library stores it, so the one process that stores does not serialise anything."""
    from core.ingest import ingest_within
    report = ingest_within(data, name)
    if report.error:
        return report, None
    stored = stored_form(report)
    report.provenance = {}
    return report, stored


def _in_pool(items: Iterator[Parsed], workers: int, work: Callable = _parse_in_worker) -> Iterator[Parsed]:
    """Parse in `workers` processes (spawned: safe from any host process, a server's threads included),
    at most IN_FLIGHT_PER_WORKER files per worker handed out ahead, results as they finish. When a worker
    dies (killed for memory), the files the pool held are parsed again one at a time: only the file
    that kills a worker fails."""
    try:  # worker processes may not start at all (a host started from standard input, a frozen program)
        pool = _started(workers)
    except Exception:  # noqa: BLE001 - then this process parses, more slowly, but everything is parsed
        _log.warning("worker processes cannot be started; parsing in this process", exc_info=True)
        yield from map(_parse_here, items)
        return
    pending: dict[cf.Future, Parsed] = {}

    def crashed(item: Parsed) -> Parsed:
        item.report = Report(item.name, error=f"{item.name}：读取该文件的进程意外退出（可能内存不足），未导入。"
                                              "请单独上传该文件；仍然失败时，请把它交给维护人员。")
        return item

    def collect(wait_for_all: bool) -> Iterator[Parsed]:
        nonlocal pool
        done, _ = cf.wait(pending, return_when=cf.ALL_COMPLETED if wait_for_all else cf.FIRST_COMPLETED)
        if not any(isinstance(f.exception(), cf.process.BrokenProcessPool) for f in done):
            for future in [f for f in pending if f in done]:  # in the order handed out (one worker: input order)
                item = pending.pop(future)
                try:
                    item.report, item.stored = future.result()
                except Exception:  # noqa: BLE001 - one file's failure is that file's result
                    _log.exception("parsing %s failed", item.name)
                    item.report = Report(item.name, error=f"{item.name}：处理该文件时出现意外错误，未导入。")
                yield item
            return
        # a worker died: every file the pool still held failed with it. Each is parsed again on its own, in
        # a pool of one, so that only the file that kills a worker fails.
        held = []
        for future, item in list(pending.items()):
            del pending[future]
            if future.done() and future.exception() is None:
                item.report, item.stored = future.result()
                yield item
            else:
                held.append(item)
        pool.shutdown(cancel_futures=True)
        alone = _started(1)
        for item in held:
            try:
                item.report, item.stored = alone.submit(work, item.data, item.name).result()
            except cf.process.BrokenProcessPool:
                crashed(item)
                alone.shutdown(cancel_futures=True)
                alone = _started(1)
            yield item
        alone.shutdown()
        pool = _started(workers)

    try:
        for item in items:
            if not item.parse:
                yield item
                continue
            pending[pool.submit(work, item.data, item.name)] = item
            while len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                yield from collect(False)
        while pending:
            yield from collect(True)
    finally:
        pool.shutdown(cancel_futures=True)
