"""The report library: each report's original file, its record (fields, warnings, provenance), its
row of the dashboard's tables (core.rows) and the parser version that produced them — in a SQLite file
by default, or on a team's PostgreSQL server (core.store).

A report is one agency-year: another file of the same agency and year (another format, a corrected
edition) is a version of it, and `current()` gives each agency-year once (its latest upload); agency
names are grouped as core.agencies says, with the merges and splits made by hand.

Every write is one transaction after the parse has finished (a correction, and a re-parse of one report,
parse inside theirs: the report is parsed with every correction in force), so a failed parse or a crash
mid-upload leaves the library as it was, and concurrent writers (sessions of one dashboard, other dashboards,
importers) take turns instead of losing writes. Each write also keeps what pages read instead of
working it out over every report: the cross-year findings of the agencies it changed, and the
generation counter that tells the pages' caches to reload. Every database problem is a `LibraryError`
whose message says in Chinese which library and what to do.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from core import PARSER_VERSION
from core.bulk import DOCUMENT_SUFFIXES, Parsed, Refused, parse_each
from core.library_file import ENV_VAR, LibraryError  # noqa: F401 (LibraryError: what callers catch)
from core.readers import MAX_FILE_BYTES, sniff, too_large
from core import corrections
from core.grid import Document
from core.record import Report, Value
from core.library_rows import (ID_CHUNK, StoredRow, canonical_names_in, current_rows, keep_cross_year,
                               kept_cross_year, latest, read_record)
from core.rows import LAYOUT, Row, stored_form, summarise
from core.store import POSTGRES_SCHEMES, Connection, open_store

SAMPLES_ENV_VAR = "GOVREPORT_SAMPLES"  # where the first start loads reports from (default: sample_reports/)
DEFAULT_PATH = Path(__file__).resolve().parents[1] / "data" / "library.sqlite3"
SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_reports"
# the demonstration library: fictitious agencies (演示市…), several years each, in a library file of
# its own so that nothing of it ever mixes with real reports
DEMO_ENV_VAR = "GOVREPORT_DEMO_DB"
DEMO_DIR = SAMPLE_DIR / "demo"
DEFAULT_DEMO_PATH = DEFAULT_PATH.with_name("demo.sqlite3")
# what this parser makes of each demonstration file, shipped beside them (sample_reports/make_demo.py
# writes it): a first start stores these instead of parsing 36 files for seconds. Used only while its
# parser fingerprint is the running parser's; otherwise the files are parsed as any upload is.
DEMO_RECORDS = DEMO_DIR / "records.json.gz"


_log = logging.getLogger(__name__)
BATCH_FILES = 200  # files stored in one transaction
BATCH_BYTES = 64_000_000  # or fewer, when they are large: what a batch holds in memory


@dataclass(frozen=True)
class StoredReport:
    id: int
    name: str
    sha256: str
    agency: str | None  # the agency as the library groups it (canonical name)
    printed_agency: str | None  # as printed in this report
    year: int | None
    template: str | None
    uploaded_at: float
    parser_version: str
    report: Report

    @property
    def fields(self):
        return self.report.fields

    @property
    def row(self) -> Row:
        """The report as a row of the dashboard's tables, worked out from the record."""
        return summarise(self.report)


@dataclass(frozen=True)
class AddResult:
    name: str
    status: str  # added | duplicate | error
    report_id: int | None
    report: Report
    message: str
    new_version: bool = False  # added, and the library already held a report of this agency and year


def location(value: str | Path | None = None) -> str | Path:
    """Where a library is: `value`, else GOVREPORT_DB, else data/library.sqlite3 — a PostgreSQL URL as
    text, anything else as a file path."""
    value = value or os.environ.get(ENV_VAR) or DEFAULT_PATH
    return value if isinstance(value, Path) or str(value).startswith(POSTGRES_SCHEMES) else Path(value)


def demo_path() -> str | Path:
    return location(os.environ.get(DEMO_ENV_VAR) or DEFAULT_DEMO_PATH)


class Library:
    """The reports of one library: storing files and re-parsing them, and reading them back as records
    (a report page) or as rows (the dashboard's tables). The database is a `core.store.Store`."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = location(path)
        self.store = open_store(self.path)
        self._agency_cache: tuple[int, dict[str, str]] | None = None

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One atomic write (`Store.write`), which also keeps the cross-year findings and the generation."""
        with self.store.write() as db:
            yield db
            keep_cross_year(db)
            db.execute("UPDATE settings SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'generation'")
            db.execute("INSERT INTO settings VALUES ('generation', '1') ON CONFLICT DO NOTHING")

    @property
    def generation(self) -> int:
        """Changes with every write: the key that invalidates the app's caches."""
        with self.store.connect() as db:
            row = db.execute("SELECT value FROM settings WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else 0

    # -- writes ----------------------------------------------------------------------------------
    def add(self, data: bytes, name: str) -> AddResult:
        """Parse and store one file (`add_many` of one). A file that cannot be read is not stored; the
        same bytes uploaded again are recognised and not stored twice."""
        return self.add_many([(name, data)])[0]

    def add_many(self, files: Iterable[tuple[str, bytes | Refused]],
                 progress: Callable[[int, AddResult], None] | None = None, workers: int = 1,
                 batch: int = BATCH_FILES, parsed: dict[str, Report] | None = None,
                 pool: bool = False) -> list[AddResult]:
        """Parse and store many files (an iterable read lazily; `core.bulk.read_each` gives one): parsed in
        `workers` processes (core.bulk), stored `batch` files to a transaction, so a library of thousands
        is loaded in minutes and a failure never leaves half a batch. One bad file does not stop the
        others: it is its own result, in Chinese, naming it. `progress(i, result)` after each file is
        stored; results come in input order with one worker, as parsed with more (and their reports
        without provenance, which stays in the library). `parsed`: records this parser already made, by
        SHA-256 (the demonstration's, `demo_records`). `pool`: parse in a worker process even with one
        worker (a dashboard's upload: the server's own process stays free for the other sessions, and a
        file that exhausts memory takes down only the worker)."""
        results: list[AddResult] = []
        waiting: list[Parsed] = []
        held = 0  # bytes of the files waiting to be stored
        stored = self._digests()

        def report(result: AddResult) -> None:
            results.append(result)
            if progress:
                progress(len(results) - 1, result)

        def flush() -> None:
            nonlocal held
            held = 0
            if waiting:
                for result in self._store(waiting):
                    report(result)
                waiting.clear()

        def readable() -> Iterator[tuple[str, bytes]]:
            for name, data in files:
                if isinstance(data, Refused):
                    report(AddResult(name, "error", None, Report(name, error=data.reason), data.reason))
                elif len(data) > MAX_FILE_BYTES:
                    message = too_large(name, len(data))
                    report(AddResult(name, "error", None, Report(name, error=message), message))
                else:
                    yield name, data

        for item in parse_each(readable(), stored.__contains__, workers, parsed, pool):
            waiting.append(item)
            held += len(item.data)
            if len(waiting) >= batch or held > BATCH_BYTES:
                flush()
        flush()
        return results

    def _digests(self) -> set[str]:
        with self.store.connect() as db:
            return {row[0] for row in db.execute("SELECT sha256 FROM reports")}

    def _store(self, items: list[Parsed]) -> list[AddResult]:
        """One transaction for a batch of parsed files; a library that cannot be written makes every
        file of the batch a result saying so (nothing of the batch is stored)."""
        try:
            return self._write_batch(items)
        except LibraryError as e:
            message = e.message
        except self.store.errors as e:  # not through the store's connection: still say it in Chinese
            message = self.store.explain(e, writing=True).message
        except Exception:  # noqa: BLE001 - whatever it is, the batch is not stored and says so
            _log.exception("storing a batch of %d files failed", len(items))
            message = "保存时出现意外错误，资料库未改动。请重试；仍然失败时，请把这些文件交给维护人员。"
        return [AddResult(i.name, "error", None, Report(i.name, error=f"{i.name}：未入库。{message}"),
                          f"{i.name}：未入库。{message}") for i in items]

    def _write_batch(self, items: list[Parsed]) -> list[AddResult]:
        results = []
        with self._write() as db:
            for item in items:
                name, report = item.name, item.report
                row = db.execute("SELECT id, name, record FROM reports WHERE sha256 = ?", (item.digest,)).fetchone()
                if row:  # the stored record stands for it (read here, without its provenance)
                    results.append(AddResult(name, "duplicate", row[0], report or read_record(row[2]),
                                             f"{name}：与已入库的「{row[1]}」内容相同，未重复保存。"))
                    continue
                if report is None:  # the same bytes came earlier in this run, and could not be stored
                    message = f"{name}：与本次导入中前面一个未能入库的文件内容相同，未入库。"
                    results.append(AddResult(name, "error", None, Report(name, error=message), message))
                    continue
                if report.error:
                    results.append(AddResult(name, "error", None, report, report.error))
                    continue
                agency, year = report.fields.get("meta.agency"), report.fields.get("meta.year")
                earlier = agency is not None and db.execute(
                    "SELECT 1 FROM reports WHERE agency = ? AND year IS ? LIMIT 1", (agency, year)).fetchone()
                db.execute("INSERT INTO files VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
                           (item.digest, name, sniff(item.data, name), len(item.data), item.data))
                record, provenance, numbers, details = item.stored or stored_form(report)
                report_id = db.execute(
                    "INSERT INTO reports (sha256, name, agency, year, template, errors, warnings, parser_version,"
                    " record, provenance, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (item.digest, name, *_summary(report), PARSER_VERSION, record, provenance, time.time())).fetchone()[0]
                db.execute("INSERT INTO report_rows VALUES (?, ?, ?, ?)", (report_id, LAYOUT, numbers, details))
                results.append(AddResult(name, "added", report_id, report,
                                         f"{name}：已入库" + ("（该机构该年度的新版本）。" if earlier else "。"),
                                         new_version=bool(earlier)))
        return results

    def delete(self, report_id: int) -> None:
        with self._write() as db:
            row = db.execute("SELECT sha256 FROM reports WHERE id = ?", (report_id,)).fetchone()
            if row is None:
                return
            db.execute("DELETE FROM reports WHERE id = ?", (report_id,))
            db.execute("DELETE FROM files WHERE sha256 = ?", (row[0],))

    def reparse(self, report_id: int) -> Report | None:
        """Parse the stored original again with the current parser (after a parser upgrade) and the
        report's corrections; a report the parser cannot read keeps its old record."""
        read = self._read_original(report_id)
        with self._write() as db:
            return self._parse_again(db, report_id, read, keep_on_error=True)

    def stale(self) -> int:
        """How many reports an older parser made (their records are re-parsed from the stored originals)."""
        with self.store.connect() as db:
            return db.execute("SELECT count(*) FROM reports WHERE parser_version != ?", (PARSER_VERSION,)).fetchone()[0]

    def reparse_stale(self, workers: int = 1, progress: Callable[[int], None] | None = None,
                      pool: bool = False) -> int:
        """Re-parse every report an older parser made, from its stored original, through the bulk
        import's parse path (`workers` processes; `pool`: in worker processes even with one, so that a
        server's own thread stays free), storing each batch in one transaction: the library holds the new
        records as they finish. A report the new parser cannot read keeps its old record. `progress(n)`
        after each batch with the number done; returns how many were stale."""
        with self.store.connect() as db:
            ids = [r[0] for r in db.execute("SELECT id FROM reports WHERE parser_version != ?", (PARSER_VERSION,))]
            corrected = corrections.corrected_reports(db)
        by_digest: dict[str, int] = {}

        def originals() -> Iterator[tuple[str, bytes]]:
            for report_id in (i for i in ids if i not in corrected):  # one at a time: the originals of a
                # whole library do not fit in memory; the few with corrections are parsed with them below
                with self.store.connect() as db:
                    row = db.execute("SELECT r.name, f.data, r.sha256 FROM reports r JOIN files f USING (sha256)"
                                     " WHERE r.id = ?", (report_id,)).fetchone()
                if row:
                    by_digest[row[2]] = report_id
                    yield row[0], row[1]

        done, waiting = 0, []
        for item in parse_each(originals(), lambda digest: False, workers, pool=pool):
            waiting.append(item)
            if len(waiting) >= BATCH_FILES:
                done += self._replace(waiting, by_digest)
                waiting = []
                if progress:
                    progress(done)
        done += self._replace(waiting, by_digest)
        for report_id in (i for i in ids if i in corrected):
            self.reparse(report_id)
            done += 1
        if progress:
            progress(done)
        return len(ids)

    def _replace(self, items: list[Parsed], ids: dict[str, int]) -> int:
        with self._write() as db:
            for item in items:
                report = item.report
                if report is None or report.error:
                    _log.warning("re-parsing %s failed; its old record is kept: %s", item.name,
                                 report.error if report else "")
                    continue
                _store_record(db, ids[item.digest], report, item.stored)
        return len(items)

    # -- corrections by hand (core.corrections) ------------------------------------------------------
    def correct(self, report_id: int, key: str, value: Value, reason: str) -> Report:
        """An official's correction of one value (a cell of Tables 2–4, the agency or the year), with why:
        kept with what the parser had read and when, and applied from now on — the report is parsed
        again with all its corrections and checked, in the same write (two sessions correcting one
        report at once lose neither). A correction that cannot be made is `CorrectionRefused`."""
        read = self._read_original(report_id)
        with self._write() as db:
            row = db.execute("SELECT record FROM reports WHERE id = ?", (report_id,)).fetchone()
            if row is None:
                raise CorrectionRefused("该报告已不在资料库中（可能刚被删除），未更正。")
            record = read_record(row[0])
            why = corrections.problem(key, value, reason, str(record.fields.get("meta.template") or "2021"))
            if why:
                raise CorrectionRefused(why)
            corrections.add(db, report_id, key, value, reason, record)
            return self._parse_again(db, report_id, read)

    def undo_correction(self, correction_id: int) -> Report | None:
        """Undo a correction (it stays in the history); the report is parsed again without it."""
        with self.store.connect() as db:
            row = db.execute("SELECT report_id FROM corrections WHERE id = ?", (correction_id,)).fetchone()
        read = self._read_original(row[0]) if row else None
        with self._write() as db:
            report_id = corrections.undo(db, correction_id)
            return None if report_id is None else self._parse_again(db, report_id, read)

    def correction_history(self, report_id: int) -> list[corrections.Made]:
        """The report's corrections, undone ones too, the latest first."""
        with self.store.connect() as db:
            return corrections.history(db, report_id)

    def _read_original(self, report_id: int) -> tuple[str, Document | Report] | None:
        """Outside a write: the report's original read (not parsed) — a scan's OCR takes seconds a page,
        which no other writer should wait for."""
        original = self.original(report_id)
        if original is None:
            return None
        from core import ingest as parser  # the readers are imported when a file is first read
        return original[0], parser.read(original[1], original[0])

    def _parse_again(self, db: Connection, report_id: int, read: tuple[str, Document | Report] | None,
                     keep_on_error: bool = False) -> Report | None:
        """Within a write: the report's original (`read` before the write) parsed with the corrections in
        force now, checked, and stored."""
        if read is None or db.execute("SELECT 1 FROM reports WHERE id = ?", (report_id,)).fetchone() is None:
            return None
        name, document = read
        from core import ingest as parser
        report = document if isinstance(document, Report) else \
            parser.report_from_document(document, name, corrections.active(db, report_id))
        if report.error:
            if keep_on_error:
                _log.warning("re-parsing %s failed; its old record is kept: %s", name, report.error)
                return report
            raise CorrectionRefused(f"重新解析「{name}」失败，未更正：{report.error}")
        _store_record(db, report_id, report)
        return report

    def ensure_seeded(self, sample_dir: Path | None = None) -> int:
        """On the first start, load the bundled sample reports so the dashboard is useful at once
        (never the demonstration reports: they have a library of their own)."""
        sample_dir = sample_dir or Path(os.environ.get(SAMPLES_ENV_VAR) or SAMPLE_DIR)
        with self.store.connect() as db:
            if db.execute("SELECT 1 FROM settings WHERE key = 'seeded'").fetchone():
                return 0
        files = [p for p in sorted(sample_dir.rglob("*")) if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES
                 and (sample_dir == DEMO_DIR or DEMO_DIR not in p.parents)]
        results = self.add_many(_read_each(files), parsed=demo_records() if sample_dir == DEMO_DIR else None)
        with self._write() as db:
            db.execute("INSERT INTO settings VALUES ('seeded', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                       (repr(time.time()),))
        return sum(r.status == "added" for r in results)

    def has_uploads(self) -> bool:
        """Whether anything besides the reports loaded on the first start has been stored."""
        with self.store.connect() as db:
            seeded = db.execute("SELECT value FROM settings WHERE key = 'seeded'").fetchone()
            since = float(seeded[0]) if seeded and seeded[0] != "1" else 0.0
            return db.execute("SELECT 1 FROM reports WHERE uploaded_at > ? LIMIT 1", (since,)).fetchone() is not None

    def link_agency(self, name: str, canonical: str) -> None:
        """Merge by hand: reports printed as `name` count as `canonical` (itself: keep it apart)."""
        with self._write() as db:
            db.execute("INSERT INTO agency_links VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET canonical = excluded.canonical",
                       (name, canonical))

    def agency_links(self) -> dict[str, str]:
        """The merges and splits made by hand: printed name → name it is grouped under."""
        with self.store.connect() as db:
            return dict(db.execute("SELECT name, canonical FROM agency_links").fetchall())

    def unlink_agency(self, name: str) -> None:
        with self._write() as db:
            db.execute("DELETE FROM agency_links WHERE name = ?", (name,))

    # -- reads -----------------------------------------------------------------------------------
    def agency_map(self) -> dict[str, str]:
        """Printed agency name → the name the library groups it under (memoised per generation)."""
        generation = self.generation
        if self._agency_cache and self._agency_cache[0] == generation:
            return self._agency_cache[1]
        with self.store.connect() as db:
            canonical = canonical_names_in(db)
        self._agency_cache = (generation, canonical)
        return canonical

    def filed_under(self, printed: str | None) -> str | None:
        """The agency name a report printed as `printed` is grouped under (itself when no other)."""
        return self.agency_map().get(printed, printed) if printed else printed

    def all(self) -> list[StoredReport]:
        """Every stored report (without provenance; `get` has it)."""
        return self._select("", ())

    def index(self) -> list[dict]:
        """Every stored report without its record: enough to list and choose (id, file, agency, year)."""
        mapping = self.agency_map()
        with self.store.connect() as db:
            rows = db.execute("SELECT id, name, agency, year, uploaded_at, errors FROM reports ORDER BY uploaded_at, id").fetchall()
        return [{"id": r[0], "name": r[1], "agency": mapping.get(r[2], r[2]), "printed_agency": r[2], "year": r[3],
                 "uploaded_at": r[4], "errors": r[5]} for r in rows]

    def current(self) -> list[StoredReport]:
        """One report per agency-year (its latest version); reports without agency or year stay apart."""
        return latest(self.all())

    def current_rows(self) -> list[StoredRow]:
        """`current()` as rows of the dashboard's tables (core.library_rows): read as stored, without a record."""
        with self.store.connect() as db:
            return current_rows(db, self.agency_map())

    def series(self, current: list[StoredRow]) -> list[tuple]:
        """The cross-year findings of `current_rows()` as kept at the last write (core.library_rows)."""
        with self.store.connect() as db:
            return kept_cross_year(db, current)

    def get(self, report_id: int) -> StoredReport | None:
        """One report with its provenance (where each value was read)."""
        found = self._select("WHERE id = ?", (report_id,), provenance=True)
        return found[0] if found else None

    def sections(self, report_ids: Iterable[int]) -> dict[int, dict[str, str]]:
        """The reports' prose by section (一…六), without reading their provenance: what 年度对照 and the
        briefing's 与上年对照 compare."""
        ids, out = list(report_ids), {}
        with self.store.connect() as db:
            for start in range(0, len(ids), ID_CHUNK):
                chunk = ids[start:start + ID_CHUNK]
                for rid, record in db.execute(f"SELECT id, record FROM reports WHERE id IN ({','.join('?' * len(chunk))})",
                                              tuple(chunk)):
                    out[rid] = dict(json.loads(record).get("sections") or {})
        return out

    def _select(self, where: str, args: tuple, provenance: bool = False) -> list[StoredReport]:
        mapping = self.agency_map()
        columns = "record, provenance" if provenance else "record, '{}'"
        with self.store.connect() as db:
            rows = db.execute(f"SELECT id, name, sha256, agency, year, template, uploaded_at, parser_version, {columns}"
                              f" FROM reports {where} ORDER BY uploaded_at, id", args).fetchall()
        return [StoredReport(r[0], r[1], r[2], mapping.get(r[3], r[3]), r[3], r[4], r[5], r[6], r[7],
                             read_record(r[8], r[9])) for r in rows]

    def original(self, report_id: int) -> tuple[str, bytes] | None:
        with self.store.connect() as db:
            row = db.execute("SELECT r.name, f.data FROM reports r JOIN files f USING (sha256) WHERE r.id = ?",
                             (report_id,)).fetchone()
        return (row[0], row[1]) if row else None


class CorrectionRefused(ValueError):
    """A correction that cannot be made; the message says why in Chinese."""


def _store_record(db: Connection, report_id: int, report: Report,
                  stored: tuple[str, str, bytes, str] | None = None) -> None:
    """A stored report's new record and row (after a re-parse or a correction)."""
    record, provenance, numbers, details = stored or stored_form(report)
    db.execute("UPDATE reports SET agency=?, year=?, template=?, errors=?, warnings=?, parser_version=?,"
               " record=?, provenance=? WHERE id=?", (*_summary(report), PARSER_VERSION, record, provenance, report_id))
    db.execute("INSERT INTO report_rows VALUES (?, ?, ?, ?) ON CONFLICT (report_id) DO UPDATE"
               " SET layout = excluded.layout, numbers = excluded.numbers, details = excluded.details",
               (report_id, LAYOUT, numbers, details))


def ingest(data: bytes, name: str) -> Report:
    """`core.ingest.ingest`, imported when a file is first parsed: opening a library that needs no
    parsing does not import the parser (and compile its patterns)."""
    from core import ingest as parser
    return parser.ingest(data, name)


def demo_records(path: Path = DEMO_RECORDS) -> dict[str, Report]:
    """The shipped records of the demonstration files, by SHA-256, when the running parser made them;
    {} when it did not (or the file is missing or damaged): the files are then parsed."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            shipped = json.load(f)
        if shipped.get("parser_version") != PARSER_VERSION:
            return {}
        return {digest: Report.from_json(record) for digest, record in shipped["records"].items()}
    except (OSError, ValueError, KeyError, TypeError, EOFError):
        _log.warning("the demonstration's shipped records cannot be used: %s", path)
        return {}


def save_demo_records(paths: list[Path], path: Path = DEMO_RECORDS) -> None:
    """Parse the demonstration files with the running parser and ship the records (make_demo.py)."""
    records = {}
    for p in paths:
        data = p.read_bytes()
        records[hashlib.sha256(data).hexdigest()] = ingest(data, p.name).to_json()
    payload = json.dumps({"parser_version": PARSER_VERSION, "records": records}, ensure_ascii=False, sort_keys=True)
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
        f.write(payload.encode("utf-8"))  # mtime 0, no name: the same records give the same bytes


def _read_each(paths: list[Path]) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of each file, read only when its turn comes; one too large or unreadable is skipped."""
    for p in paths:
        try:
            if p.stat().st_size <= MAX_FILE_BYTES:
                yield p.name, p.read_bytes()
        except OSError:
            _log.warning("cannot read sample %s", p)


def _summary(report: Report) -> tuple:
    f = report.fields
    return (f.get("meta.agency"), f.get("meta.year"), f.get("meta.template"),
            sum(w.severity == "error" for w in report.warnings), sum(w.severity == "warning" for w in report.warnings))
