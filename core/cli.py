"""Command line: `python -m core parse [--json] FILE...`, `python -m core ingest PATH...` (files,
folders, .zip archives into the library, with a progress bar and a summary), and `bench`."""
from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
from pathlib import Path

from core.ingest import ingest_within
from core.readers import MAX_FILE_BYTES, too_large
from core.record import Report


def _read(path: str) -> Report:
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:  # refused before it is read into memory
            return Report(path, error=too_large(p.name, size))
        data = p.read_bytes()
    except OSError as e:
        return Report(p.name, error=f"{p.name}：无法打开文件（{e.strerror or e}）。")
    report = ingest_within(data, p.name)
    report.source = path
    return report


def _summary(r: Report) -> str:
    if r.error:
        return f"✗ {r.source}\n  {r.error}"
    f = r.fields
    lines = [f"✓ {r.source}",
             f"  机构：{f.get('meta.agency', '（未识别）')}  年度：{f.get('meta.year', '（未识别）')}  "
             f"模板：{f.get('meta.template')}  落款日期：{f.get('meta.published', '—')}"]
    table_values = [k for k, v in f.items() if not k.startswith("meta.") and v is not None]
    lines.append(f"  读到 {len(table_values)} 个数值；新收申请 {f.get('applications.new_received.total', '—')} 件，"
                 f"办结 {f.get('applications.total.total', '—')} 件，行政复议 {f.get('review.total', '—')} 件")
    for w in r.warnings:
        mark = {"error": "错误", "warning": "警告", "info": "提示"}.get(w.severity, w.severity)
        lines.append(f"  [{mark} {w.rule}] {w.message}" + (f"（{w.where}）" if w.where else ""))
    return "\n".join(lines)


class _Progress:
    """A progress bar on stderr: redrawn in place on a terminal (at most ten times a second), a line
    every 10 % otherwise (a log file, CI)."""

    def __init__(self, total: int, stream=None) -> None:
        self.total, self.stream, self.done = total, stream or sys.stderr, 0
        self.start = self.last = time.monotonic()
        self.tty = self.stream.isatty()
        self.step = 0

    def __call__(self, i: int, result) -> None:
        self.done = i + 1
        now = time.monotonic()
        step = self.done * 10 // max(self.total, 1)
        if self.tty and (now - self.last >= 0.1 or self.done == self.total):
            self.stream.write("\r" + self.line(now) + "\x1b[K")  # and clear what a longer line left
            self.stream.flush()
            self.last = now
        elif not self.tty and step > self.step:
            self.stream.write(self.line(now) + "\n")
            self.step = step

    def line(self, now: float) -> str:
        share = self.done / max(self.total, 1)
        bar = "#" * int(share * 30) + "-" * (30 - int(share * 30))
        rate = self.done / max(now - self.start, 1e-9)
        left = (self.total - self.done) / rate if rate else 0
        return (f"导入 [{bar}] {self.done}/{self.total} {share:4.0%}  每秒 {rate:.0f} 份"
                + (f"  剩余约 {left:.0f} 秒" if self.done < self.total else ""))

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")


def _ingest(paths: list[str], db: str | None, workers: int, batch: int) -> int:
    """Files, folders and .zip archives into the library; a summary at the end. Exit status 2 when a
    named path does not exist (the command was misused), 0 otherwise: a file that cannot be read is that
    file's line in the summary, never a failure of the command."""
    from core import bulk
    from core.library import Library, LibraryError
    found, refused = bulk.sources(paths)
    total = len(found) + len(refused)
    if not total:
        print("没有找到可导入的报告文件（支持 PDF、Word、网页、文本，可以是文件夹或 zip 压缩包）。", file=sys.stderr)
        return 2
    try:
        library = Library(db)
    except LibraryError as e:
        print(e.message, file=sys.stderr)
        return 1
    progress = _Progress(total)
    start = time.monotonic()
    items = itertools.chain(((r.name, r) for r in refused), bulk.read_each(found))
    results = library.add_many(items, progress=progress, workers=workers, batch=batch)
    progress.close()
    seconds = time.monotonic() - start
    added = [r for r in results if r.status == "added"]
    failed = [r for r in results if r.status == "error"]
    rows = [("新入库", len(added)), ("　其中该机构该年度的新版本", sum(r.new_version for r in added)),
            ("　其中表格不平衡（有 R1–R4 错误）", sum(any(w.severity == "error" for w in r.report.warnings) for r in added)),
            ("重复（内容与已入库文件相同，未重复保存）", sum(r.status == "duplicate" for r in results)),
            ("未入库", len(failed))]
    print(f"导入完成：{len(results)} 个文件，用时 {seconds:.1f} 秒（每秒 {len(results) / max(seconds, 1e-9):.0f} 份）；"
          f"资料库：{library.store.where}")
    for label, n in rows:
        print(f"  {n:>9,}  {label}")
    if failed:
        print("未入库的文件及原因：")
        for r in failed:
            print(f"  ✗ {r.message}")
    return 2 if any("路径不存在" in r.reason for r in refused) else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m core", description="政府信息公开工作年度报告解析")
    sub = ap.add_subparsers(dest="command", required=True)
    parse = sub.add_parser("parse", help="解析年报文件")
    parse.add_argument("--json", action="store_true", help="输出 JSON 数组")
    parse.add_argument("files", nargs="+")
    load = sub.add_parser("ingest", help="把文件、文件夹或 zip 压缩包批量导入资料库",
                          description="把年报文件批量导入资料库：文件、文件夹（含子文件夹）、zip 压缩包均可，多核并行解析，"
                                      "每批一个事务；结束时列出新入库、新版本、重复和未入库（附原因）的数量。")
    load.add_argument("paths", nargs="+", metavar="路径")
    load.add_argument("--db", help="资料库文件或 PostgreSQL 地址（默认：环境变量 GOVREPORT_DB，或 data/library.sqlite3）")
    load.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="并行解析的进程数（默认：处理器核数）")
    load.add_argument("--batch", type=int, default=200, help="每个事务保存的文件数（默认 200）")
    bench = sub.add_parser("bench", help="测量解析速度")
    bench.add_argument("--batch", type=int, default=1000)
    args = ap.parse_args(argv)
    if args.command == "ingest":
        return _ingest(args.paths, args.db, max(1, args.workers), max(1, args.batch))
    if args.command == "bench":
        from core.bench import run
        run(args.batch)
        return 0
    reports = [_read(path) for path in args.files]
    if args.json:
        json.dump([r.to_json() for r in reports], sys.stdout, ensure_ascii=False, allow_nan=False)
        sys.stdout.write("\n")
    else:
        print("\n\n".join(_summary(r) for r in reports))
    return 0
