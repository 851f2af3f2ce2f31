"""Dashboard benchmark: a library of 2,000 generated reports (several years per agency), the median
render time of every page (Streamlit AppTest, warm caches, as a running server serves a user), and
the time to upload a 6-page PDF (parse + store).

    python benchmarks/dashboard.py [--reports 2000] [--runs 5]

Targets (issue 4): under 1.5 s per page, under 2 s per upload.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.library import Library  # noqa: E402
from core.synthetic import AGENCIES, SHAPES, make_report, render_text  # noqa: E402

PAGES = ["app.py", "pages/1_compare.py", "pages/2_trends.py", "pages/3_applications.py", "pages/4_review.py",
         "pages/5_fees.py", "pages/6_checks.py", "pages/7_upload.py", "pages/8_report.py",
         "pages/9_years.py"]


def fill(lib: Library, n: int) -> float:
    rng = random.Random(42)
    years = (2020, 2021, 2022, 2023, 2024)
    agencies = [f"{place}{i:03d}" for i in range(n // len(years) + 1) for place in (rng.choice(AGENCIES),)]
    start = time.perf_counter()
    for i in range(n):
        agency, year = agencies[i // len(years)], years[i % len(years)]
        r = make_report(rng, template="2019" if year == 2020 else "2021", agency=agency, year=year)
        lib.add(render_text(r, SHAPES[i % len(SHAPES)]).encode(), f"{agency}-{year}.txt")
    return time.perf_counter() - start


def render_times(db: Path, runs: int) -> dict[str, float]:
    from streamlit.testing.v1 import AppTest
    os.environ["GOVREPORT_DB"] = str(db)
    out = {}
    for page in PAGES:
        times = []
        for i in range(runs + 1):
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
            if page != "app.py":
                at.run()
                at.switch_page(page)
            t = time.perf_counter()
            at.run()
            if i:  # the first run warms the caches
                times.append(time.perf_counter() - t)
            assert not at.exception, [e.value for e in at.exception]
        out[page] = statistics.median(times)
    return out


def upload_times(pdf: Path, runs: int) -> list[float]:
    data = pdf.read_bytes()
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        lib = Library(Path(tmp) / "u.sqlite3")
        for _ in range(runs):
            t = time.perf_counter()
            result = lib.add(data, pdf.name)
            times.append(time.perf_counter() - t)
            assert result.status == "added", result.message
            lib.delete(result.report_id)
    return times


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite3"
        lib = Library(db)
        lib.ensure_seeded(Path(tmp))  # no samples: only the generated reports
        took = fill(lib, args.reports)
        print(f"资料库：{args.reports} 份生成报告入库用时 {took:.1f} s（每份 {1000 * took / args.reports:.1f} ms）")
        for page, median in render_times(db, args.runs).items():
            print(f"  页面 {page:26s} 渲染中位数 {median:6.2f} s")
    pdfs = sorted((ROOT / "sample_reports").glob("*.pdf"))
    real = ROOT.parent / "shared" / "real" / "huaian-city-2024.pdf"
    pdf = real if real.exists() else (max(pdfs, key=lambda p: p.stat().st_size) if pdfs else None)
    if pdf:
        times = upload_times(pdf, args.runs)
        print(f"上传 {pdf.name}（{pdf.stat().st_size // 1024} KB）：解析并入库中位数 {statistics.median(times):.2f} s"
              f"（最快 {min(times):.2f} s，最慢 {max(times):.2f} s）")


if __name__ == "__main__":
    main()
