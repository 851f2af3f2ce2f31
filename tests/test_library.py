"""The SQLite library: dedupe, atomic writes, versions per agency-year, agency matching, re-parse."""
import random
import sqlite3
import threading

import pytest

from core import library as L
from core.library import Library, same_agency
from core.synthetic import make_report, render_text


def _doc(seed, **kw) -> bytes:
    r = make_report(random.Random(seed), template="2021", **kw)
    return render_text(r, "tab_grid").encode()


@pytest.fixture()
def lib(tmp_path):
    return Library(tmp_path / "lib.sqlite3")


def test_add_dedupe_and_delete(lib):
    data = _doc(1, agency="某县财政局", year=2023)
    first = lib.add(data, "a.txt")
    assert first.status == "added" and first.report_id
    again = lib.add(data, "a-copy.txt")
    assert again.status == "duplicate" and again.report_id == first.report_id and "a.txt" in again.message
    assert len(lib.all()) == 1
    stored = lib.get(first.report_id)
    prov = stored.report.provenance["applications.new_received.total"]
    assert prov.col == "总计" and prov.where.startswith("第") and prov.text == str(stored.fields["applications.new_received.total"])
    name, original = lib.original(first.report_id)
    assert original == data and name == "a.txt"
    lib.delete(first.report_id)
    assert lib.all() == []


def test_bad_file_is_not_stored_and_the_batch_goes_on(lib):
    results = lib.add_many([("bad.txt", b""), ("good.txt", _doc(2))])
    assert [r.status for r in results] == ["error", "added"]
    assert "bad.txt" in results[0].message
    assert [s.name for s in lib.all()] == ["good.txt"]


def test_failed_write_leaves_the_library_as_it_was(lib, monkeypatch):
    lib.add(_doc(3), "kept.txt")
    before = lib.generation

    def broken(report):
        raise sqlite3.OperationalError("disk I/O error")
    monkeypatch.setattr(L, "_summary", broken)
    results = lib.add_many([("new.txt", _doc(4))])
    assert results[0].status == "error" and "资料库未改动" in results[0].message
    assert [s.name for s in lib.all()] == ["kept.txt"]
    assert lib.generation == before
    with sqlite3.connect(lib.path) as db:
        assert db.execute("SELECT count(*) FROM files").fetchone()[0] == 1


def test_versions_of_one_agency_year_count_once(lib):
    lib.add(_doc(5, agency="某县财政局", year=2023), "v1.txt")
    lib.add(_doc(6, agency="某县财政局", year=2023), "v2.txt")
    lib.add(_doc(7, agency="某县财政局", year=2022), "old.txt")
    current = lib.current()
    assert [(s.year, s.name) for s in current] == [(2022, "old.txt"), (2023, "v2.txt")]


def test_agency_names_that_differ_by_region_words_are_one_agency(lib):
    assert same_agency("洪泽区人民政府", "淮安市洪泽区人民政府")
    assert same_agency("洪泽区人民政府", "江苏省淮安市洪泽区人民政府")
    assert not same_agency("财政局", "淮安市教育局")
    assert not same_agency("区人民政府", "淮安市洪泽区人民政府办公室")
    lib.add(_doc(8, agency="洪泽区人民政府", year=2023), "2023.txt")
    lib.add(_doc(9, agency="淮安市洪泽区人民政府", year=2024), "2024.txt")
    assert {s.agency for s in lib.current()} == {"淮安市洪泽区人民政府"}
    lib.link_agency("洪泽区人民政府", "洪泽区人民政府")  # split by hand
    assert {s.agency for s in lib.current()} == {"洪泽区人民政府", "淮安市洪泽区人民政府"}
    lib.unlink_agency("洪泽区人民政府")
    lib.link_agency("某某镇", "淮安市洪泽区人民政府")
    assert len({s.agency for s in lib.current()}) == 1


def test_two_sessions_uploading_at_once_lose_nothing(tmp_path):
    path = tmp_path / "shared.sqlite3"
    errors = []

    def upload(offset):
        lib = Library(path)
        for i in range(10):
            r = lib.add(_doc(100 + offset * 10 + i, year=2021 + i % 4), f"s{offset}-{i}.txt")
            if r.status != "added":
                errors.append(r.message)
    threads = [threading.Thread(target=upload, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(Library(path).all()) == 40


def test_reparse_stale_after_a_parser_upgrade(lib, monkeypatch):
    added = lib.add(_doc(11), "a.txt")
    with sqlite3.connect(lib.path) as db:
        db.execute("UPDATE reports SET parser_version = '0', record = '{\"source\": \"a.txt\", \"fields\": {}}'")
    assert lib.get(added.report_id).fields == {}
    assert lib.reparse_stale() == 1
    stored = lib.get(added.report_id)
    assert stored.parser_version == L.PARSER_VERSION and stored.fields["meta.year"]


def test_first_start_loads_the_samples_once(tmp_path):
    samples = tmp_path / "samples"
    samples.mkdir()
    (samples / "a.txt").write_bytes(_doc(12))
    (samples / "b.txt").write_bytes(_doc(13))
    (samples / "a.gold.json").write_text("{}")
    lib = Library(tmp_path / "x.sqlite3")
    assert lib.ensure_seeded(samples) == 2
    assert lib.ensure_seeded(samples) == 0
    assert len(lib.all()) == 2


def test_location_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(L.ENV_VAR, str(tmp_path / "env.sqlite3"))
    assert Library().path == tmp_path / "env.sqlite3"


def test_library_of_an_earlier_version_is_upgraded_and_reparsed(tmp_path):
    """A library file from before provenance had its own column opens, and its reports re-parse."""
    path = tmp_path / "old.sqlite3"
    data = _doc(21)
    import hashlib
    import json
    with sqlite3.connect(path) as db:
        db.executescript("""
            CREATE TABLE files (sha256 TEXT PRIMARY KEY, name TEXT NOT NULL, format TEXT NOT NULL, size INTEGER NOT NULL, data BLOB NOT NULL);
            CREATE TABLE reports (id INTEGER PRIMARY KEY AUTOINCREMENT, sha256 TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
                agency TEXT, year INTEGER, template TEXT, errors INTEGER NOT NULL DEFAULT 0, warnings INTEGER NOT NULL DEFAULT 0,
                parser_version TEXT NOT NULL, record TEXT NOT NULL, uploaded_at REAL NOT NULL);""")
        digest = hashlib.sha256(data).hexdigest()
        db.execute("INSERT INTO files VALUES (?, 'old.txt', 'text', ?, ?)", (digest, len(data), data))
        db.execute("INSERT INTO reports (sha256, name, parser_version, record, uploaded_at) VALUES (?, 'old.txt', '1', ?, 0)",
                   (digest, json.dumps({"source": "old.txt", "fields": {}, "warnings": [], "provenance": {}})))
    lib = Library(path)
    assert lib.reparse_stale() == 1
    stored = lib.all()[0]
    assert stored.fields["meta.year"] and lib.get(stored.id).report.provenance
