"""The library: dedupe, atomic writes, versions per agency-year, agency matching, re-parse, concurrent
writers — each on SQLite and on a real PostgreSQL server (the `location` fixture); then what only a
SQLite file can meet: locations that cannot work, a full disk."""
import os
import random
import re
import sqlite3
import threading

import pytest

import core.ingest

from core import library as L
from core.agencies import same_agency
from core.library import Library
from core.synthetic import make_report, render_text
from conftest import ROOT


def _doc(seed, **kw) -> bytes:
    r = make_report(random.Random(seed), template="2021", **kw)
    return render_text(r, "tab_grid").encode()


@pytest.fixture()
def lib(location):
    return Library(location())


def _sql(lib, statement, rows=None):
    """Change the library behind its back (a parser upgrade, an earlier version), whatever its database."""
    with lib.store.write() as db:
        db.executemany(statement, rows) if rows is not None else db.execute(statement)


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
    with lib.store.connect() as db:
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


def test_agencies_are_grouped_as_comparing_every_name_with_every_other_would(location):
    """agency_map finds a name's group by look-up (thousands of agencies): the same grouping as pairing
    each name, longest first, with the first kept name it is a region-less form of."""
    names = ["江苏省淮安市洪泽区人民政府", "淮安市洪泽区人民政府", "洪泽区人民政府", "人民政府", "淮安市人民政府", "市人民政府",
             "洪泽区财政局", "淮安市洪泽区财政局", "南京市鼓楼区人民政府", "福州市鼓楼区人民政府", "鼓楼区人民政府",
             "内蒙古自治区鄂尔多斯市达拉特旗人民政府", "达拉特旗人民政府", "某某自治州人民政府", "某某新区管委会", "新区管委会",
             "财政局", "市财政局", "淮安市教育局"]
    lib = Library(location())
    _sql(lib, "INSERT INTO files VALUES (?, '', 'text', 0, ?)", [(str(i), b"") for i in range(len(names))])
    _sql(lib, "INSERT INTO reports (sha256, name, agency, year, parser_version, record, provenance, uploaded_at)"
              " VALUES (?, '', ?, 2023, '', '{}', '{}', 0)", [(str(i), n) for i, n in enumerate(names)])
    pairwise: dict[str, str] = {}
    for name in sorted(names, key=len, reverse=True):
        pairwise[name] = next((c for c in pairwise.values() if same_agency(name, c)), name)
    assert lib.agency_map() == pairwise
    assert pairwise["洪泽区人民政府"] == "江苏省淮安市洪泽区人民政府" and pairwise["达拉特旗人民政府"].startswith("内蒙古")


def test_two_sessions_uploading_at_once_lose_nothing(location):
    path = location()
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


def test_two_importers_at_once_lose_nothing(location, tmp_path):
    """Two bulk imports (`python -m core ingest`, as two officials' machines would run them) into one
    library at the same time, their folders overlapping: every file is stored exactly once, and each
    import says of each of its files that it was added or was already there."""
    import subprocess
    import sys
    where = location()
    Library(where)  # created before the importers start, as a team's library is
    folders = [tmp_path / "a", tmp_path / "b"]
    for k, folder in enumerate(folders):
        folder.mkdir()
        for i in [*range(30), *range(30 + k * 5, 35 + k * 5)]:  # 30 files in both, in the same order
            (folder / f"r{i}.txt").write_bytes(_doc(500 + i, year=2020 + i % 5))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = [subprocess.Popen([sys.executable, "-m", "core", "ingest", str(f), "--db", str(where), "--workers", "1",
                              "--batch", "1"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for f in folders]
    outputs = [r.communicate(timeout=300) for r in runs]
    assert [r.returncode for r in runs] == [0, 0], outputs
    stored = Library(where).all()
    assert sorted(s.name.split("/")[-1] for s in stored) == sorted(f"r{i}.txt" for i in range(40))
    for out, _ in outputs:
        count = {label: int(n) for n, label in re.findall(r"^\s*(\d+)  (新入库|重复|未入库)", out, re.M)}
        assert count["未入库"] == 0 and count["新入库"] + count["重复"] == 35, out
    assert sum(int(re.search(r"(\d+)  新入库", out).group(1)) for out, _ in outputs) == 40


def test_reparse_stale_after_a_parser_upgrade(lib, monkeypatch):
    added = lib.add(_doc(11), "a.txt")
    _sql(lib, "UPDATE reports SET parser_version = '0', record = '{\"source\": \"a.txt\", \"fields\": {}}'")
    assert lib.get(added.report_id).fields == {}
    assert lib.reparse_stale() == 1
    stored = lib.get(added.report_id)
    assert stored.parser_version == L.PARSER_VERSION and stored.fields["meta.year"]


def test_first_start_loads_the_samples_once(tmp_path, location):
    samples = tmp_path / "samples"
    samples.mkdir()
    (samples / "a.txt").write_bytes(_doc(12))
    (samples / "b.txt").write_bytes(_doc(13))
    (samples / "a.gold.json").write_text("{}")
    lib = Library(location())
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


# ---- where the library is: a location that cannot work is a Chinese message, a file not ours untouched ----

from locations import fill_the_disk, foreign_sqlite_file, random_bytes_file, snapshot, unwritable_folder  # noqa: E402

from core.library import LibraryError  # noqa: E402


def _refused(path) -> str:
    with pytest.raises(LibraryError) as caught:
        Library(path)
    message = caught.value.message
    assert str(path.resolve() if path.exists() else path) in message and L.ENV_VAR in message
    words = re.sub(r"/[^\s，。：；（）]*", "", message)  # without the paths
    assert not re.search(r"Error|unable to|database|file is|disk is", words)  # no English of SQLite's
    return message


@pytest.mark.parametrize("make", [random_bytes_file, foreign_sqlite_file])
def test_a_file_that_is_not_our_library_is_refused_and_never_changed(tmp_path, make):
    path = make(tmp_path / "other.sqlite3")
    before = snapshot(path)
    message = _refused(path)
    assert ("其他程序的 SQLite 数据库" if make is foreign_sqlite_file else "不是 SQLite 数据库") in message
    assert "没有修改" in message or "不会" in message
    assert snapshot(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.sqlite3"]  # no journal, WAL or copy beside it


def test_a_damaged_library_is_refused_and_never_changed(tmp_path):
    path = tmp_path / "lib.sqlite3"
    Library(path).add(_doc(30), "a.txt")
    path.write_bytes(path.read_bytes()[:3000])  # a SQLite header, then cut short
    for extra in tmp_path.glob("lib.sqlite3-*"):
        extra.unlink()
    before = snapshot(path)
    assert "已经损坏" in _refused(path)
    assert snapshot(path) == before


def test_an_empty_file_becomes_a_new_library(tmp_path):
    path = tmp_path / "empty.sqlite3"
    path.touch()
    Library(path).add(_doc(31), "a.txt")
    assert len(Library(path).all()) == 1


def test_a_missing_folder_is_created_when_the_folder_above_is_writable(tmp_path):
    lib = Library(tmp_path / "new" / "lib.sqlite3")
    lib.add(_doc(32), "a.txt")
    assert (tmp_path / "new" / "lib.sqlite3").exists()


def test_a_missing_folder_that_cannot_be_created_is_a_message(tmp_path):
    path = tmp_path / "no" / "such" / "lib.sqlite3"
    message = _refused(path)
    assert "不存在" in message and str(tmp_path / "no" / "such") in message
    assert not (tmp_path / "no").exists()  # nothing is created half-way


def test_an_unwritable_folder_is_a_message(tmp_path):
    path = unwritable_folder(tmp_path) / "lib.sqlite3"
    assert "不可写" in _refused(path)


def test_a_folder_given_as_the_library_is_a_message(tmp_path):
    assert "是一个文件夹" in _refused(tmp_path)


def test_a_full_disk_fails_each_file_with_a_message_and_changes_nothing(tmp_path, monkeypatch):
    lib = Library(tmp_path / "lib.sqlite3")
    lib.add(_doc(33), "kept.txt")
    generation = lib.generation
    fill_the_disk(monkeypatch)
    results = lib.add_many([("a.txt", _doc(34)), ("b.txt", _doc(35))])
    assert [r.status for r in results] == ["error", "error"]
    for r, name in zip(results, ("a.txt", "b.txt")):
        assert r.message.startswith(f"{name}：未入库。") and "磁盘已满" in r.message and str(lib.path) in r.message
        assert "资料库未改动" in r.message and "清理" in r.message
    with pytest.raises(LibraryError, match="磁盘已满"):
        lib.delete(lib.all()[0].id)
    monkeypatch.undo()
    assert [s.name for s in lib.all()] == ["kept.txt"] and lib.generation == generation


def test_an_unexpected_failure_of_one_file_is_that_files_result(lib, monkeypatch):
    def ingest(data, name):
        if name == "bad.txt":
            raise RecursionError("maximum recursion depth exceeded")
        return real(data, name)
    real = core.ingest.ingest
    monkeypatch.setattr(core.ingest, "ingest", ingest)
    results = lib.add_many([("bad.txt", _doc(36)), ("good.txt", _doc(37))])
    assert [r.status for r in results] == ["error", "added"]
    assert results[0].message.startswith("bad.txt：") and "RecursionError" not in results[0].message
    assert [s.name for s in lib.all()] == ["good.txt"]


def test_a_postgresql_server_that_cannot_be_reached_is_a_message_without_the_password():
    pytest.importorskip("psycopg")
    with pytest.raises(LibraryError) as caught:
        Library("postgresql://team:secret@/govreport?host=/nonexistent-socket-dir&port=5999")
    message = caught.value.message
    assert "PostgreSQL" in message and "govreport" in message and L.ENV_VAR in message
    assert "secret" not in message and "team:***@" in message
