"""A provincial library: 20,000 generated reports (4,000 agencies × 5 years), built once and kept on disk
between runs, then every dashboard page timed on it (Streamlit AppTest in this process, as a running
server serves a user): the first page after a start, each page cold (caches cleared) and warm (median),
and the peak memory of this process, which plays the dashboard's.

    python benchmarks/provincial.py [--reports 20000] [--runs 3] [--pages app,report] [--keep DIR]

Targets (issue: a provincial library): every page ≤ 1 s warm, the first page ≤ 5 s after a start, peak
memory ≤ 1 GB. The library is rebuilt when the parser changes (its records would be re-parsed on start).
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core import PARSER_VERSION  # noqa: E402
from core.library import Library  # noqa: E402
from core.synthetic import AGENCIES, SHAPES, make_report, render_text  # noqa: E402

PAGES = {"app": "app.py", "compare": "pages/1_compare.py", "trends": "pages/2_trends.py",
         "applications": "pages/3_applications.py", "review": "pages/4_review.py", "fees": "pages/5_fees.py",
         "checks": "pages/6_checks.py", "upload": "pages/7_upload.py", "report": "pages/8_report.py",
         "years": "pages/9_years.py"}
YEARS = (2020, 2021, 2022, 2023, 2024)


def reports(n: int):
    """(name, bytes) of n generated reports: each agency over the five years."""
    rng = random.Random(42)
    agencies = [f"{rng.choice(AGENCIES)}{i:04d}" for i in range(n // len(YEARS) + 1)]
    for i in range(n):
        agency, year = agencies[i // len(YEARS)], YEARS[i % len(YEARS)]
        r = make_report(rng, template="2019" if year == 2020 else "2021", agency=agency, year=year)
        yield f"{agency}-{year}.txt", render_text(r, SHAPES[i % len(SHAPES)]).encode()


def library(n: int, keep: Path) -> Path:
    """The library of n reports, built with the bulk import's batch path unless one of this parser is kept."""
    db = keep / f"provincial_{n}_{PARSER_VERSION}.sqlite3"
    if db.exists():
        return db
    for stale in keep.glob(f"provincial_{n}_*.sqlite3*"):
        stale.unlink()
    partial = db.with_suffix(".building")
    partial.unlink(missing_ok=True)
    start = time.perf_counter()
    lib = Library(partial)
    lib.ensure_seeded(keep / "no-samples")  # marks it seeded: the dashboard must not load the samples into it
    lib.add_many(reports(n), workers=os.cpu_count() or 1)
    for suffix in ("-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    partial.rename(db)
    print(f"built {n:,} reports in {time.perf_counter() - start:.0f} s: {db}")
    return db


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_page(page: str, params: dict[str, str] | None = None) -> float:
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    if page != "app.py":
        at.run()
        at.switch_page(page)
    start = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - start
    assert not at.exception, [e.value for e in at.exception]
    return seconds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pages", default=",".join(PAGES))
    ap.add_argument("--keep", type=Path, default=Path(tempfile.gettempdir()) / "govreport_provincial")
    ap.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.keep.mkdir(parents=True, exist_ok=True)
    if args.build_only:
        library(args.reports, args.keep)
        return 0
    # built in a process of its own: this one's peak memory is the dashboard's alone
    subprocess.run([sys.executable, __file__, "--build-only", "--reports", str(args.reports), "--keep", str(args.keep)],
                   check=True)
    db = library(args.reports, args.keep)
    os.environ.update(GOVREPORT_DB=str(db), GOVREPORT_DATA="real",
                      GOVREPORT_DEMO_DB=str(args.keep / "demo.sqlite3"))
    import streamlit as st

    import ui
    first = run_page("app.py")
    print(f"first page after a start (总览, empty caches, modules not yet imported): {first:.2f} s; "
          f"peak memory {peak_mb():.0f} MB")
    report_id = Library(db).index()[-1]["id"]
    print(f"{'page':14s} {'cold':>7s} {'warm':>7s}  (seconds; warm = median of {args.runs})")
    for name in args.pages.split(","):
        params = {"id": str(report_id)} if name == "report" else None
        st.cache_data.clear()
        st.cache_resource.clear()
        ui._FRAMES.clear()  # the library's frames, kept for every session outside Streamlit's caches
        cold = run_page(PAGES[name], params)
        warm = statistics.median(run_page(PAGES[name], params) for _ in range(args.runs))
        print(f"{name:14s} {cold:7.2f} {warm:7.2f}  peak memory so far {peak_mb():.0f} MB", flush=True)
    print(f"peak memory of the dashboard process: {peak_mb():.0f} MB; load {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
