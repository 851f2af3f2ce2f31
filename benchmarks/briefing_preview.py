"""Preview the 简报 (briefing pack): build it from a library, time it, and, where LibreOffice and
poppler are installed, turn it into PNG pages to look at.

    python benchmarks/briefing_preview.py OUT_DIR                    # the demonstration library (sample_reports/demo)
    python benchmarks/briefing_preview.py OUT_DIR --library samples  # the five bundled sample reports
    python benchmarks/briefing_preview.py OUT_DIR --library generated --agencies 40  # samples + generated years;
                                                                      # a crowded scope (charts cap at 20)
    python benchmarks/briefing_preview.py OUT_DIR --db data/library.sqlite3 --year 2023

Writes OUT_DIR/简报.docx, and OUT_DIR/简报.pdf plus OUT_DIR/page-N.png when `soffice` and `pdftoppm`
exist (Debian: libreoffice-writer-nogui, poppler-utils). Not a test: a person looks at the pages.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core import metrics as M  # noqa: E402
from core.briefing import BriefingScope, build_briefing  # noqa: E402
from core.library import DEMO_DIR, Library  # noqa: E402
from core.synthetic import AGENCIES, make_report, render_text  # noqa: E402


def demo_library(path: Path, extra_agencies: int = 3) -> Library:
    """The bundled sample reports (text versions) plus generated agencies over 2021–2024: one year
    missing for one agency, one report with a planted R2 error (its (一)予以公开 one higher than the
    outcome rows allow)."""
    lib = Library(path)
    for sample in sorted((ROOT / "sample_reports").glob("*.txt")):
        lib.add(sample.read_bytes(), sample.name)
    rng = random.Random(7)
    names = list(AGENCIES[:3]) + [f"第{i}区某某局" for i in range(extra_agencies - 3)] if extra_agencies > 3 \
        else list(AGENCIES[:extra_agencies])
    for i, agency in enumerate(names):
        for year in (2021, 2022, 2023, 2024):
            if i == 1 and year == 2022:
                continue  # not in the library
            planted = i == 0 and year == 2023
            r = make_report(rng, template="2021", agency=agency, year=year, blank_columns=planted or None)
            if planted:
                r.fields["applications.granted.total"] = int(r.fields["applications.granted.total"] or 0) + 1
            lib.add(render_text(r, "tab_grid").encode(), f"{agency}{year}.txt")
    return lib


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--library", choices=("demo", "samples", "generated"), default="demo",
                    help="built in a temporary folder: the demonstration reports, the bundled samples, or the "
                         "samples plus generated agencies over 2021–2024")
    ap.add_argument("--db", type=Path, help="an existing library file instead")
    ap.add_argument("--year", type=int, default=2023)
    ap.add_argument("--agencies", type=int, default=3, help="generated agencies (--library generated)")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        if args.db:
            lib = Library(args.db)
        elif args.library == "generated":
            lib = demo_library(Path(tmp) / "lib.sqlite3", args.agencies)
        else:
            lib = Library(Path(tmp) / "lib.sqlite3")
            lib.ensure_seeded(DEMO_DIR if args.library == "demo" else None)
        reports = lib.current()
        wide, warnings = M.wide(reports), M.warnings_frame(reports)
        names = {"demo": "资料库：演示报告（虚构机构）", "samples": "资料库：示例报告",
                 "generated": "资料库：示例报告与生成的报告（演示数据）"}
        scope = BriefingScope(year=args.year, filters="",
                              source=f"资料库：{args.db}" if args.db else names[args.library], date=dt.date.today())
        build_briefing(wide, warnings, scope, lib.sections)  # warm: imports, font lookup
        wall, cpu = [], []
        for _ in range(3):
            t, c = time.perf_counter(), time.process_time()
            data = build_briefing(wide, warnings, scope, lib.sections)
            wall.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
    docx = args.out / "简报.docx"
    docx.write_bytes(data)
    print(f"{docx}: {len(data):,} bytes, {len(wide)} reports; build median {sorted(wall)[1]:.2f} s "
          f"(processor {sorted(cpu)[1]:.2f} s)")
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if not (soffice and pdftoppm):
        print("soffice or pdftoppm missing: no PNG pages")
        return 0
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(args.out), str(docx)], check=True,
                   capture_output=True, timeout=180)
    for old in args.out.glob("page-*.png"):
        old.unlink()
    subprocess.run([pdftoppm, "-r", "80", "-png", str(args.out / "简报.pdf"), str(args.out / "page")], check=True,
                   timeout=120)
    for page in sorted(args.out.glob("page-*.png")):
        print(page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
