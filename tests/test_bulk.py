"""Bulk import (`python -m core ingest`, core.bulk): folders and .zip archives, files parsed in a pool of
processes and stored in batches, a summary with a reason for every file not imported, a non-zero exit
only for a command that names something that is not there."""
from __future__ import annotations

import concurrent.futures as cf
import hashlib
import os
import random
import shutil
import sqlite3
import zipfile

import pytest

from conftest import ROOT
from core import bulk
from core.cli import main
from core.library import Library
from core.synthetic import make_report, render_text

PDF = ROOT / "sample_reports" / "000_cf1e86794f147280.pdf"


def _report(i: int, agency: str = "", year: int = 2023) -> bytes:
    r = make_report(random.Random(i), template="2021", agency=agency or f"测试{i}县财政局", year=year)
    return render_text(r, "tab_grid").encode()


class _Member(zipfile.ZipInfo):
    """A member as archivers write them: `gbk`, its name as GBK bytes without the UTF-8 flag (Chinese
    Windows); `encrypted`, the flag that says so (the bytes are not really encrypted: it is refused
    before they are read)."""
    gbk = encrypted = False

    def _encodeFilenameFlags(self):
        name, flags = super()._encodeFilenameFlags()
        if self.gbk:
            name, flags = self.filename.encode("gbk"), flags & ~0x800
        return name, flags | (0x1 if self.encrypted else 0)


def _zip(path, members: dict[str, bytes], gbk: bool = False, encrypted: tuple[str, ...] = ()) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            info = _Member(name, (2024, 1, 1, 0, 0, 0))
            info.gbk, info.encrypted = gbk, name in encrypted
            z.writestr(info, data)


@pytest.fixture()
def folder(tmp_path):
    d = tmp_path / "年报"
    (d / "2023").mkdir(parents=True)
    for i in range(3):
        (d / "2023" / f"机构{i}.txt").write_bytes(_report(i))
    (d / "说明.xlsx").write_bytes(b"not a report")  # passed over inside a folder
    shutil.copy(PDF, d / "2023" / "湛河区住建局.pdf")
    _zip(d / "补报.zip", {"区县/甲县财政局.txt": _report(10), "区县/乙县教育局.txt": _report(11), "套娃.zip": b"PK",
                        "加密.txt": _report(12)}, gbk=True, encrypted=("加密.txt",))
    (d / "坏的.zip").write_bytes(b"PK\x03\x04 not really an archive")
    return d


def test_sources_expand_folders_and_archives_and_say_why_they_leave_something_out(folder):
    found, refused = bulk.sources([folder, folder / "不存在.pdf"])
    assert {s.name for s in found} == {"年报/2023/机构0.txt", "年报/2023/机构1.txt", "年报/2023/机构2.txt",
                                       "年报/2023/湛河区住建局.pdf", "年报/补报.zip/区县/甲县财政局.txt",
                                       "年报/补报.zip/区县/乙县教育局.txt"}  # GBK names read as written
    why = {r.name: r.reason for r in refused}
    assert "压缩包中的压缩包不展开" in why["年报/补报.zip/套娃.zip"] and "加密" in why["年报/补报.zip/加密.txt"]
    assert "不是有效的 zip 压缩包" in why["年报/坏的.zip"] and "路径不存在" in why[str(folder / "不存在.pdf")]
    assert all(r.reason.startswith(r.name) for r in refused)  # every reason names its file


def test_the_command_imports_everything_it_can_and_says_what_it_could_not(folder, tmp_path, capsys):
    db = tmp_path / "lib.sqlite3"
    assert main(["ingest", str(folder), "--db", str(db), "--workers", "2", "--batch", "2"]) == 0
    out, err = capsys.readouterr()
    assert "导入 [" in err and "100%" in err  # the progress bar (one line per 10 % when not a terminal)
    assert "导入完成：9 个文件" in out
    assert _count(out, "新入库") == 6 and _count(out, "未入库") == 3 and _count(out, "重复") == 0
    assert "✗ 年报/坏的.zip：" in out
    stored = {s.name.rsplit("/", 1)[-1] for s in Library(db).all()}
    assert stored == {"机构0.txt", "机构1.txt", "机构2.txt", "湛河区住建局.pdf", "甲县财政局.txt", "乙县教育局.txt"}
    # again, plus one report of an agency and year it holds: duplicates and a new version
    (folder / "2023" / "机构0_修订.txt").write_bytes(_report(99, agency="测试0县财政局"))
    assert main(["ingest", str(folder / "2023"), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert _count(out, "重复") == 4 and _count(out, "新入库") == 1 and _count(out, "该机构该年度的新版本") == 1


def _count(summary: str, label: str) -> int:
    """The number on the summary's line for `label` (lines read "  1,234  新入库")."""
    for line in summary.splitlines():
        number, _, rest = line.strip().partition("  ")
        if number.replace(",", "").isdigit() and rest.lstrip("　").lstrip("其中").startswith(label):
            return int(number.replace(",", ""))
    raise AssertionError(f"no line for {label}: {summary}")


def test_a_path_that_is_not_there_is_a_misuse_but_the_rest_is_imported(tmp_path, capsys):
    (tmp_path / "a.txt").write_bytes(_report(1))
    assert main(["ingest", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--db", str(tmp_path / "l.sqlite3")]) == 2
    assert [s.name for s in Library(tmp_path / "l.sqlite3").all()] == ["a.txt"]
    assert "路径不存在" in capsys.readouterr().out
    assert main(["ingest", str(tmp_path / "nothing_here")]) == 2


def test_the_pool_stores_what_one_process_stores(tmp_path):
    files = [(f"r{i}.txt", _report(i)) for i in range(6)] + [("住建局.pdf", PDF.read_bytes())]
    one, two = Library(tmp_path / "one.sqlite3"), Library(tmp_path / "two.sqlite3")
    one.add_many(files)
    results = two.add_many(files, workers=2, batch=3)
    assert sorted(r.status for r in results) == ["added"] * 7
    for path in (one.path, two.path):
        with sqlite3.connect(path) as db:
            rows = sorted(db.execute("SELECT name, agency, year, errors, warnings, record, provenance FROM reports"))
        if path == one.path:
            expected = rows
    assert rows == expected


def dies_on_crash_txt(data: bytes, name: str):
    """A worker that dies the way an out-of-memory kill ends it, on one file."""
    if name == "crash.txt":
        os._exit(9)
    return bulk._parse_in_worker(data, name)


def test_a_worker_that_dies_fails_its_file_and_no_other(monkeypatch):
    files = [(f"r{i}.txt", _report(i)) for i in range(5)]
    files.insert(2, ("crash.txt", _report(50)))
    todo = [bulk.Parsed(name, data, hashlib.sha256(data).hexdigest(), None, parse=True) for name, data in files]
    out = {p.name: p.report for p in bulk._in_pool(iter(todo), 2, work=dies_on_crash_txt)}
    assert set(out) == {name for name, _ in files}
    assert "进程意外退出" in out.pop("crash.txt").error
    assert all(r.error is None and r.fields.get("meta.agency") for r in out.values())


def test_a_member_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    _zip(tmp_path / "a.zip", {"大.txt": b" " * 5000, "小.txt": _report(3)})
    monkeypatch.setattr(bulk, "MAX_FILE_BYTES", 4000)
    found, refused = bulk.sources([tmp_path / "a.zip"])
    assert [s.name.rsplit("/", 1)[-1] for s in found] == ["小.txt"] and "大.txt" in refused[0].reason


def test_where_worker_processes_cannot_start_the_files_are_parsed_here(monkeypatch):
    """A host started from standard input, or a frozen program, cannot spawn workers: everything is
    parsed in this process instead, not failed file by file."""
    class NoWorkers:
        def __init__(self, *args, **kwargs):
            pass

        def submit(self, fn, *args):
            future = cf.Future()
            future.set_exception(cf.process.BrokenProcessPool("a child process terminated abruptly"))
            return future

        def shutdown(self, **kwargs):
            pass
    monkeypatch.setattr(bulk.cf, "ProcessPoolExecutor", NoWorkers)
    files = [(f"r{i}.txt", _report(i)) for i in range(3)]
    out = list(bulk.parse_each(files, lambda digest: False, workers=2))
    assert [p.name for p in out] == ["r0.txt", "r1.txt", "r2.txt"]
    assert all(p.report.error is None and p.report.fields.get("meta.agency") for p in out)
