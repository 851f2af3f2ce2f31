"""Damage benchmark: known generated reports, damaged the ways real documents are (tests/damage.py),
parsed back; per damage kind, how many known cells come back right, come back null with a flag,
come back wrong, and how many R1–R4 errors the damage invents.

    python benchmarks/damage_accuracy.py [--n 200] [--kind label_variant ...] [--show 3]

A cell is right when the parsed value equals the known one (a printed blank read as blank counts);
null-and-flagged when it is null and listed in `unread` or named by a warning. Known cells are the
template's Table 2–4 cells plus meta.year and meta.template. "wrong" counts wrong values (also in
published_total, processing_fee.yuan, meta.published, and cells the report's template lacks);
"silent null" counts known values parsed as null with nothing said.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from core.ingest import ingest_text  # noqa: E402
from core.synthetic import SHAPES, make_report  # noqa: E402

import damage as D  # noqa: E402


def case(kind: str, seed: int):
    rng = random.Random(seed)
    template = ("2021", "2019")[seed % 2]
    shape = SHAPES[(seed // 2) % len(SHAPES)]
    report = make_report(rng, template=template)
    text = D.damage(kind, report, shape, random.Random(seed * 7919 + 1))
    base = ingest_text(D.undamaged(report, shape), "undamaged.txt")
    parsed = ingest_text(text, "damaged.txt")
    return report, shape, text, D.judge(report, parsed, base)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200, help="documents per damage kind")
    ap.add_argument("--kind", nargs="*", default=list(D.KINDS))
    ap.add_argument("--show", type=int, default=0, help="print this many failing cases per kind")
    args = ap.parse_args()
    head = f"{'damage kind':<20} | {'documents':>9} | {'fields right %':>14} | {'null+flagged %':>14} | " \
           f"{'silent null':>11} | {'wrong values':>12} | {'false R1–R4 errors':>18} | {'docs failing':>12}"
    print(head)
    print("-" * len(head))
    t0 = time.time()
    for kind in args.kind:
        known = right = flagged = silent = wrong = false_err = failing = 0
        shown = 0
        for seed in range(args.n):
            report, shape, text, v = case(kind, seed)
            known += v.known
            right += v.right
            flagged += v.null_flagged
            silent += len(v.null_silent)
            wrong += len(v.wrong)
            false_err += len(v.false_errors)
            failing += not v.ok
            if not v.ok and shown < args.show:
                shown += 1
                print(f"  [{kind} seed={seed} template={report.template} shape={shape}]\n    "
                      + v.explain().replace("\n", "\n    "), file=sys.stderr)
        print(f"{kind:<20} | {args.n:>9} | {100 * right / known:>14.1f} | {100 * flagged / known:>14.1f} | "
              f"{silent:>11} | {wrong:>12} | {false_err:>18} | {failing:>12}")
    print(f"({time.time() - t0:.1f} s)")


if __name__ == "__main__":
    main()
