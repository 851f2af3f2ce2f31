"""The PDF reader against a bare pdfplumber script, side by side in one run: each whole command (a new
Python process, as a user runs it) in turn, `--runs` times; prints the medians and the ratio.

    python benchmarks/pdf_speed.py [FILE.pdf] [--runs 9]

The bare script opens the file with pdfplumber and touches every page's characters, lines and rects —
what any pdfplumber-based reader pays before it has read a table. Target (issue: a provincial library):
`python -m core parse --json` on a real 6-page report in ≤ 0.5× the bare script's time, same fields.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BARE = """
import sys, pdfplumber
n = 0
with pdfplumber.open(sys.argv[1]) as pdf:
    for page in pdf.pages:
        n += len(page.chars) + len(page.lines) + len(page.rects)
        page.close()
print(n)
"""


def seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", type=Path, nargs="?", default=ROOT / "sample_reports" / "001_c73b0815ce023fc0.pdf")
    ap.add_argument("--runs", type=int, default=9)
    args = ap.parse_args()
    ours = [sys.executable, "-m", "core", "parse", "--json", str(args.file.resolve())]
    bare = [sys.executable, "-c", BARE, str(args.file.resolve())]
    seconds(ours), seconds(bare)  # the files in the page cache for both
    a, b = [], []
    for _ in range(args.runs):
        a.append(seconds(ours))
        b.append(seconds(bare))
    print(f"{args.file.name}, whole command, median of {args.runs} runs in turn:")
    print(f"  python -m core parse --json   {statistics.median(a):.3f} s")
    print(f"  bare pdfplumber script        {statistics.median(b):.3f} s")
    print(f"  ratio {statistics.median(a) / statistics.median(b):.2f} "
          f"(median of the runs' ratios {statistics.median(x / y for x, y in zip(a, b)):.2f}; target ≤ 0.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
