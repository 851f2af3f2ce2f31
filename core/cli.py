"""Command line: `python -m core parse [--json] FILE...` (and `bench`)."""
from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.ingest import ingest
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
    try:
        with _time_limit(FILE_SECONDS):
            report = ingest(data, p.name)
    except _TimeUp:
        report = Report(p.name, error=f"{p.name}：处理超过 {FILE_SECONDS} 秒仍未完成，已停止。文件可能已损坏或结构异常，"
                                      "请重新导出后再试，或改传其他格式的版本。")
    report.source = path
    return report


FILE_SECONDS = 15  # per file: the slowest real report takes ~3 s; the readers' own budgets are lower


class _TimeUp(BaseException):
    """Raised by the timer; a BaseException, so no `except Exception` of a reader swallows it."""


@contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    """A hard wall-clock limit for one file on the command line (signals work in the main thread
    only; the dashboard relies on the readers' own budgets)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def up(signum, frame):
        raise _TimeUp()
    previous = signal.signal(signal.SIGALRM, up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m core", description="政府信息公开工作年度报告解析")
    sub = ap.add_subparsers(dest="command", required=True)
    parse = sub.add_parser("parse", help="解析年报文件")
    parse.add_argument("--json", action="store_true", help="输出 JSON 数组")
    parse.add_argument("files", nargs="+")
    bench = sub.add_parser("bench", help="测量解析速度")
    bench.add_argument("--batch", type=int, default=1000)
    args = ap.parse_args(argv)
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
