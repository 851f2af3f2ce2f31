"""Bulk import speed, as a user runs it: `python -m core ingest FOLDER` (whole command: start-up, the
process pool, parsing, storing) into a new library, several times; prints the median reports per second.

    python benchmarks/import_rate.py [--n 2000] [--runs 3] [--workers N]
    python benchmarks/import_rate.py --mixed 1000 [--runs 1]     # PDF, Word and web pages (target: < 5 minutes)
    python benchmarks/import_rate.py --folder DIR [--runs 1]     # any folder

The reports are generated text reports (core.synthetic, five text layouts in turn), written once to a
folder under the system's temporary directory and reused by later runs. Target (issue: a provincial
library): at least 150 reports/s on a 2-core machine, and 1,000 mixed PDF, Word and web-page files in under
5 minutes (`--mixed`: copies of the bundled PDF, DOCX and HTML reports, each made a new file by a comment).
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.synthetic import SHAPES, make_report, render_text  # noqa: E402


def folder(n: int) -> Path:
    """n generated reports (kept between runs: generating them is not what is measured)."""
    out = Path(tempfile.gettempdir()) / f"govreport_import_{n}"
    if len(list(out.glob("*.txt"))) != n:
        out.mkdir(exist_ok=True)
        rng = random.Random(2024)
        for i in range(n):
            r = make_report(rng, template="2021", agency=f"基准{i % (n // 4 or 1)}县财政局", year=2020 + i % 4)
            (out / f"r{i:05d}.txt").write_text(render_text(r, SHAPES[i % len(SHAPES)]), encoding="utf-8")
    return out


def mixed(n: int) -> Path:
    """n PDF, DOCX and HTML files: the bundled ones in turn, each copy given bytes of its own (a PDF
    comment after %%EOF, an HTML comment, one more part in the Word archive) so none is a duplicate."""
    import io
    import zipfile
    out = Path(tempfile.gettempdir()) / f"govreport_mixed_{n}"
    if len(list(out.glob("*.*"))) == n:
        return out
    out.mkdir(exist_ok=True)
    bundled = sorted(p for p in (ROOT / "sample_reports").rglob("*") if p.suffix in (".pdf", ".docx", ".html"))
    for i in range(n):
        source = bundled[i % len(bundled)]
        data = source.read_bytes()
        if source.suffix == ".pdf":
            data += f"\n% copy {i}\n".encode()
        elif source.suffix == ".html":
            data += f"\n<!-- copy {i} -->\n".encode()
        else:
            buffer = io.BytesIO()
            with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as new:
                for item in old.infolist():
                    new.writestr(item, old.read(item))
                new.writestr("docProps/copy.txt", str(i))
            data = buffer.getvalue()
        (out / f"m{i:05d}{source.suffix}").write_bytes(data)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--folder", type=Path, help="import this folder instead of generated text reports")
    ap.add_argument("--mixed", type=int, help="import this many PDF, Word and web-page files instead")
    args = ap.parse_args()
    docs = args.folder or (mixed(args.mixed) if args.mixed else folder(args.n))
    if args.folder or args.mixed:
        args.n = sum(1 for p in docs.rglob("*") if p.is_file())
    rates = []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "core", "ingest", str(docs), "--db", str(Path(tmp) / "lib.sqlite3"),
                            "--workers", str(args.workers)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            seconds = time.perf_counter() - start
        rates.append(args.n / seconds)
        print(f"  run {run + 1}: {seconds:.1f} s, {args.n / seconds:.0f} reports/s")
    print(f"import of {args.n} {'files of ' + str(docs) if args.folder or args.mixed else 'generated text reports'}, {args.workers} workers, whole command: "
          f"median {statistics.median(rates):.0f} reports/s (min {min(rates):.0f}, max {max(rates):.0f}); "
          f"load {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
