"""What the dashboard's pages read of a library instead of its records: each current report's row
(core.rows), and the cross-year findings of each agency's current reports, kept at every write for the
set of records they were worked out from — so that a page over 20,000 reports compares none of them.
Functions over one connection of a `core.store.Store`; `core.library.Library` calls them.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from core.agencies import canonical_names
from core.record import Report
from core.rows import LAYOUT, Row, agency_series, by_agency, summarise
from core.store import Connection

ID_CHUNK = 500  # ids bound in one 「IN (…)」: older SQLite builds allow 999 parameters


@dataclass(frozen=True)
class StoredRow:
    """A stored report as the dashboard's tables see it: its row (core.rows), not its record."""
    id: int
    name: str
    agency: str | None  # the agency as the library groups it (canonical name)
    printed_agency: str | None
    year: int | None
    template: str | None
    parser_version: str
    row: Row


def current_rows(db: Connection, mapping: dict[str, str]) -> list[StoredRow]:
    """One row per agency-year (its latest version), agencies grouped as `mapping` says; a row stored in
    another layout, or none, is worked out from the record."""
    return latest(_rows(db, mapping, "", ()))


def kept_cross_year(db: Connection, current: list[StoredRow]) -> list[tuple]:
    """The cross-year findings (R5, R7, R8) of `current` as (report id, *finding row), as kept at the last
    write; an agency whose reports changed since (another parser's rows) is worked out here."""
    groups = {_members(g): g for g in by_agency(current).values() if len(g) > 1}
    kept = {r[0] for r in db.execute("SELECT members FROM cross_year_sets")}
    found = [r[1:] for r in db.execute("SELECT * FROM cross_year_findings") if r[0] in groups]
    return found + [f for key, group in groups.items() if key not in kept for f in agency_series(group)]


def keep_cross_year(db: Connection) -> None:
    """Within a write: work out the cross-year findings of every agency whose current reports are not
    the set they were last worked out for, and drop those of sets no longer current. A page then
    reads them instead of comparing 20,000 reports (a write touches a few agencies)."""
    mapping = canonical_names_in(db)
    index = [_Indexed(r[0], mapping.get(r[1], r[1]), r[2], r[3]) for r in
             db.execute("SELECT id, agency, year, parser_version FROM reports ORDER BY uploaded_at, id")]
    groups = {_members(g): g for g in by_agency(latest(index)).values() if len(g) > 1}
    kept = {r[0] for r in db.execute("SELECT members FROM cross_year_sets")}
    db.executemany("DELETE FROM cross_year_sets WHERE members = ?", [(k,) for k in kept - groups.keys()])
    missing = {k: g for k, g in groups.items() if k not in kept}
    ids = [s.id for g in missing.values() for s in g]
    read = {}
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start:start + ID_CHUNK]
        read.update((r.id, r) for r in _rows(db, mapping, f"WHERE r.id IN ({','.join('?' * len(chunk))})", chunk))
    db.executemany("INSERT INTO cross_year_sets VALUES (?)", [(k,) for k in missing])
    db.executemany("INSERT INTO cross_year_findings VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   [(k, *found) for k, g in missing.items() for found in agency_series([read[s.id] for s in g])])


@dataclass(frozen=True)
class _Indexed:
    """A stored report as far as grouping it needs (id, canonical agency, year, parser version)."""
    id: int
    agency: str | None
    year: int | None
    parser_version: str


def latest(reports: list) -> list:
    """One report per agency-year, the last in the list (the latest upload); reports without agency or
    year stay apart."""
    latest: dict[tuple, object] = {}
    for s in reports:
        key = (s.agency, s.year) if s.agency and s.year else ("#", s.id)
        latest[key] = s
    return sorted(latest.values(), key=lambda s: (s.agency or "", s.year or 0))


def _members(group: list) -> str:
    """The key of one agency's set of current records: their ids and the parser that made them."""
    return hashlib.sha256(",".join(f"{s.id}@{s.parser_version}" for s in sorted(group, key=lambda s: s.id))
                          .encode()).hexdigest()


def canonical_names_in(db: Connection) -> dict[str, str]:
    names = [r[0] for r in db.execute("SELECT DISTINCT agency FROM reports WHERE agency IS NOT NULL")]
    return canonical_names(names, dict(db.execute("SELECT name, canonical FROM agency_links").fetchall()))


def _rows(db: Connection, mapping: dict[str, str], where: str, args) -> list[StoredRow]:
    """Stored reports as rows, in upload order; a row stored in another layout (or none: a library of
    an earlier version) is worked out from the record."""
    found = db.execute("SELECT r.id, r.name, r.agency, r.year, r.template, r.parser_version, w.numbers, w.details,"
                       " CASE WHEN w.layout IS ? THEN NULL ELSE r.record END"
                       f" FROM reports r LEFT JOIN report_rows w ON w.report_id = r.id {where}"
                       " ORDER BY r.uploaded_at, r.id", (LAYOUT, *args))
    return [StoredRow(r[0], r[1], mapping.get(r[2], r[2]), r[2], r[3], r[4], r[5],
                      Row(r[6], r[7]) if r[8] is None else summarise(read_record(r[8])))
            for r in found]


# warnings that named unreadable cells before records listed them in `unread`
LEGACY_UNREAD_RULES = ("short_row", "unreadable_cell")


def read_record(record: str, provenance: str = "{}") -> Report:
    """A stored record (JSON); one stored before records had `unread` gets the cells its warnings named."""
    record = json.loads(record)
    report = Report.from_json({**record, "provenance": json.loads(provenance)})
    if "unread" not in record and report.error is None:
        report.unread = list(dict.fromkeys(k for w in report.warnings if w.rule in LEGACY_UNREAD_RULES for k in w.keys))
    return report
