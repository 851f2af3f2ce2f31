"""`python -m core bench`: median parse times, per seed report, per file format and for a batch of
generated reports. Targets (issue 2/3): under 5 ms per text report on one core, a 6-page PDF
under 1 s, DOCX/HTML under 50 ms."""
from __future__ import annotations

import random
import statistics
import time
from collections import defaultdict
from pathlib import Path

from core.ingest import ingest
from core.synthetic import SHAPES, make_report, render_text

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def run(batch: int = 1000) -> None:
    files = sorted(SEEDS.glob("*.txt")) if SEEDS.exists() else []
    if files:
        print("种子报告（文本）解析中位数：")
        for f in files:
            data = f.read_bytes()
            print(f"  {f.name:32s} {_median_ms(lambda d=data, n=f.name: ingest(d, n), 30):7.2f} ms")
    by_format: dict[str, list[float]] = defaultdict(list)
    for f in sorted((ROOT / "sample_reports").glob("*")):
        if f.suffix.lower() not in (".txt", ".pdf", ".docx", ".html", ".htm"):
            continue
        data = f.read_bytes()
        by_format[f.suffix.lower().lstrip(".")].append(_median_ms(lambda d=data, n=f.name: ingest(d, n), 5))
    if by_format:
        print("sample_reports/ 各格式每份中位数：")
        for fmt, times in sorted(by_format.items()):
            print(f"  {fmt:5s} {statistics.median(times):8.2f} ms  （{len(times)} 份，最慢 {max(times):.2f} ms）")
    rng = random.Random(2024)
    docs = [render_text(make_report(rng), SHAPES[i % len(SHAPES)]).encode() for i in range(batch)]
    per_doc = []
    start = time.perf_counter()
    for i, data in enumerate(docs):
        t = time.perf_counter()
        ingest(data, f"gen{i}.txt")
        per_doc.append((time.perf_counter() - t) * 1000)
    total = time.perf_counter() - start
    print(f"生成报告 {batch} 份（5 种文本形态轮换）：每份中位数 {statistics.median(per_doc):.2f} ms，"
          f"P90 {sorted(per_doc)[int(0.9 * len(per_doc))]:.2f} ms，合计 {total:.2f} s（单核）")
