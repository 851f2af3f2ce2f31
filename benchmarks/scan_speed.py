"""Seconds per scanned page on one core: the sample PDFs (and, beside the project, ../shared/real's PDF)
made into scans by tests/scans.py, each page read by the scan reader (core.readers.scan.read_page: the
straightening, rules, fragments and OCR) with the process pinned to one core. Prints the median and the
slowest page, and the whole command's time for one scanned report.

    python benchmarks/scan_speed.py [--dpi 170] [--runs 1]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import numpy as np  # noqa: E402

from core.readers import scan  # noqa: E402
from core.readers.ocr import engine  # noqa: E402
from scans import damage, page_images  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dpi", type=int, default=170)
    ap.add_argument("--runs", type=int, default=1, help="times each page is read")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core, as the target says
    import random
    pdfs = sorted((ROOT / "sample_reports").glob("*.pdf"))
    real = ROOT.parent / "shared" / "real" / "huaian-city-2024.pdf"
    if real.exists():
        pdfs.append(real)
    engine()  # loaded once per process (0.3 s), not counted per page
    rng = random.Random(3)
    seconds, pages = [], 0
    for pdf in pdfs:
        for image in page_images(pdf.read_bytes(), args.dpi):
            gray = np.asarray(damage(image, rng))
            for _ in range(args.runs):
                started = time.perf_counter()
                scan.read_page(scan.straighten(gray), args.dpi / 72, 0.0, time.thread_time() + 300, pdf.name, 1)
                seconds.append(time.perf_counter() - started)
            pages += 1
    print(f"{pages} scanned pages from {len(pdfs)} reports at {args.dpi} dpi, one core: "
          f"median {statistics.median(seconds):.2f} s a page, slowest {max(seconds):.2f} s")
    from scans import scanned_pdf
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scan.pdf"
        path.write_bytes(scanned_pdf(pdfs[0].read_bytes(), args.dpi, seed=3))
        started = time.perf_counter()
        subprocess.run(["taskset", "-c", "0", sys.executable, "-m", "core", "parse", "--json", str(path)],
                       cwd=ROOT, check=True, capture_output=True)
        print(f"whole command, {pdfs[0].name} scanned ({len(page_images(pdfs[0].read_bytes(), 72))} pages): "
              f"{time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
