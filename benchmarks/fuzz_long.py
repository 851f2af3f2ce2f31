#!/usr/bin/env python3
"""The long fuzz run (issue 9): thousands of mutants through the real `python -m core parse --json`.

    python benchmarks/fuzz_long.py --n 5000 [--seed 0] [--workers 2] [--timeout 20] [--max-minutes M]
    python benchmarks/fuzz_long.py --only 1234 [--seed 0]      # re-run one mutant, keep its file

Mutant i of a seed is always the same file (tests/fuzz.py: the formats take turns, txt pdf docx html).
Each runs in a fresh subprocess with a time-out; its peak memory is the child's own ru_maxrss (wait4).
A mutant fails when the process exits non-zero or prints a traceback (uncaught), its stdout is not one
JSON array of one object without NaN/Infinity (invalid JSON), it runs past the time-out, or its entry
peaks over 1 GiB of memory (memory), or breaks the contract of `fuzz.problems` (a field out of range or not finite: bad value; a refusal not
in Chinese, not naming the file or showing an exception class: bad message).

Failures are grouped by cause (exception type and the innermost frame in core/, or the kind of
problem), and the first few of each group are written to tests/crashers/<format>-<mutators>-<i>.<ext>
(only files under 200 KB; larger text is first cut down by truncation while it still fails the same
way). tests/crashers/INDEX.json says for each file how it failed and how to regenerate it.
"""
from __future__ import annotations

import argparse
import collections
import concurrent.futures
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))
import fuzz  # noqa: E402

CRASHERS = ROOT / "tests" / "crashers"
MAX_CRASHER_BYTES = 200 * 1024
CATEGORIES = ("uncaught", "invalid_json", "timeout", "memory", "bad_value", "bad_message")


@dataclass
class Outcome:
    index: int
    fmt: str
    kind: str
    base: str
    size: int
    seconds: float
    cpu_s: float
    rss_mib: float
    category: str | None = None  # None: passed
    cause: str = ""  # the group: exception type and place, or the kind of problem
    detail: str = ""  # the traceback's last line, or the problems found
    file: str = ""  # written crasher (relative to the repository)


# ---- running one file --------------------------------------------------------------------------

def run_cli(path: Path, timeout: float) -> tuple[int | None, bytes, bytes, float, float, float]:
    """(exit code or None on time-out, stdout, stderr, seconds, CPU seconds, peak RSS MiB) of one parse.
    At the time-out the process gets SIGABRT first: faulthandler (PYTHONFAULTHANDLER=1) prints where it
    was, even inside a long C call, before it is killed."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "core", "parse", "--json", str(path)], cwd=ROOT,
                                stdout=out, stderr=err, stdin=subprocess.DEVNULL, start_new_session=True,
                                env={**os.environ, "PYTHONHASHSEED": "0", "PYTHONFAULTHANDLER": "1"})
        code, rusage = None, None
        while True:
            pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                code = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() - started > timeout:
                os.kill(proc.pid, signal.SIGABRT)
                for _ in range(100):  # up to 2 s to print where it was
                    pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
                    if pid:
                        break
                    time.sleep(0.02)
                else:
                    os.killpg(proc.pid, signal.SIGKILL)
                    _, status, rusage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        seconds = time.monotonic() - started
        proc.returncode = code if code is not None else -9  # reaped by wait4: keep Popen from waiting again
        out.seek(0)
        err.seek(0)
        return code, out.read(), err.read(), seconds, rusage.ru_utime + rusage.ru_stime, rusage.ru_maxrss / 1024


def _reject(token: str):
    raise ValueError(f"{token} in the output")


_FAULT_FRAME = re.compile(r'^\s*File "([^"]+)", line (\d+) in (\S+)', re.M)
_FRAME = re.compile(r'^\s*File "([^"]+)", line (\d+), in (\S+)', re.M)


def _traceback_cause(stderr: str) -> tuple[str, str]:
    """('ExcType at core/x.py:func', last line) from the last traceback on stderr."""
    tb = stderr[stderr.rfind("Traceback"):]
    lines = [ln for ln in tb.splitlines() if ln.strip()]
    last = next((ln for ln in reversed(lines) if re.match(r"^[\w.]+(Error|Exception|Exit|Interrupt|Warning)?\b.*", ln)
                 and not ln.startswith(" ")), lines[-1] if lines else "")
    frames = _FRAME.findall(tb)
    ours = [f for f in frames if "/core/" in f[0]]
    where = ours[-1] if ours else (frames[-1] if frames else None)
    place = _short(where) if where else "?"
    exc = last.split(":")[0].strip() or "?"
    return f"{exc} at {place}", last[:300]


def _short(frame: tuple[str, str, str]) -> str:
    path = frame[0]
    for marker in (str(ROOT) + "/", "site-packages/", "/lib/python3."):
        if marker in path:
            path = path.split(marker)[-1]
            path = path.split("/", 1)[-1] if marker == "/lib/python3." else path
    return f"{path}:{frame[2]}"


def _normalise(problem: str) -> str:
    p = re.sub(r"^field \S+", "field *", problem)
    p = re.sub(r"'[^']*'$|\"[^\"]*\"$", "'…'", p)
    p = re.sub(r"\d{4,}", lambda m: f"<{len(m.group())} digits>", p)
    p = re.sub(r"<\d+-bit int>", "<huge int>", p)
    return p[:120]


def classify(data: bytes, name: str, timeout: float, workdir: Path) -> tuple[str | None, str, str, float, float, float]:
    """(category, cause, detail, seconds, CPU seconds, rss MiB) of one file through the command line."""
    path = workdir / name
    path.write_bytes(data)
    try:
        code, out, err, seconds, cpu, rss = run_cli(path, timeout)
    finally:
        path.unlink(missing_ok=True)
    stderr = err.decode("utf-8", "replace")
    if code is None:
        where = "?"
        dump = stderr.rfind("Fatal Python error: Aborted")
        if dump != -1:  # faulthandler: most recent call first
            frames = [(f, n, fn) for f, n, fn in _FAULT_FRAME.findall(stderr[dump:])]
            frames = list(reversed(frames[: next((k for k, fr in enumerate(frames) if fr[2] == "<module>"), len(frames)) + 1]))
            ours = [f for f in frames if "/core/" in f[0]]
            where = _short(ours[-1]) if ours else "?"
            if frames and (not ours or frames[-1] != ours[-1]):
                where += f" → {_short(frames[-1])}"
        elif "Traceback" in stderr:
            tb = stderr[stderr.rfind("Traceback"):]
            frames = _FRAME.findall(tb)
            ours = [f for f in frames if "/core/" in f[0]]
            where = _short(ours[-1]) if ours else "?"
            if frames and (not ours or frames[-1] != ours[-1]):
                where += f" → {_short(frames[-1])}"
        return "timeout", f"time-out at {where}" if where != "?" else "time-out (no stack printed)", f"interrupted after {seconds:.1f} s ({cpu:.1f} s CPU)", seconds, cpu, rss
    if code != 0 or "Traceback" in stderr:
        if "Traceback" in stderr:
            cause, last = _traceback_cause(stderr)
        else:
            cause, last = f"exit code {code}", stderr.strip().splitlines()[-1][:300] if stderr.strip() else ""
        return "uncaught", cause, last, seconds, cpu, rss
    try:
        entries = json.loads(out.decode("utf-8"), parse_constant=_reject)
    except (ValueError, UnicodeDecodeError) as e:
        token = re.search(r"(NaN|-?Infinity)", str(e))
        cause = f"{token.group(1)} in the output" if token else f"unparseable output ({type(e).__name__})"
        return "invalid_json", cause, str(e)[:300], seconds, cpu, rss
    if not (isinstance(entries, list) and len(entries) == 1 and isinstance(entries[0], dict)):
        return "invalid_json", "not an array of one object", out[:200].decode("utf-8", "replace"), seconds, cpu, rss
    found = fuzz.problems(entries[0], name)
    if found:
        kind = "bad_message" if found[0].startswith("error") else "bad_value"
        return kind, _normalise(found[0]), "; ".join(found[:4])[:400], seconds, cpu, rss
    return None, "", "", seconds, cpu, rss


# ---- crashers ----------------------------------------------------------------------------------

def minimise(data: bytes, fmt: str, name: str, category: str, cause: str, timeout: float, workdir: Path,
             tries: int = 10) -> bytes:
    """A shorter prefix of a text or HTML file that still fails the same way (bisection by truncation)."""
    if fmt not in ("txt", "html") or category == "timeout":
        return data
    lo, hi = 1, len(data)
    best = data
    for _ in range(tries):
        if hi - lo < 64:
            break
        mid = (lo + hi) // 2
        got = classify(data[:mid], name, timeout, workdir)
        if got[0] == category and got[1] == cause:
            best, hi = data[:mid], mid
        else:
            lo = mid
    return best


def _regenerate(seed: int, index: int) -> str:
    return f"python benchmarks/fuzz_long.py --seed {seed} --only {index}"


def write_index(entries: dict[str, dict]) -> None:
    path = CRASHERS / "INDEX.json"
    old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    old.update(entries)
    path.write_text(json.dumps(dict(sorted(old.items())), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


# ---- the run -----------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=5000, help="mutants (the four formats take turns)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds per file")
    ap.add_argument("--max-minutes", type=float, default=None, help="stop starting new mutants after this")
    ap.add_argument("--only", type=int, nargs="*", default=None, help="run just these mutant numbers")
    ap.add_argument("--max-rss-mib", type=float, default=1024, help="peak memory per file counted as a failure")
    ap.add_argument("--keep", type=int, default=2, help="crasher files written per (format, cause)")
    ap.add_argument("--no-write", action="store_true", help="do not write tests/crashers/")
    ap.add_argument("--json-out", type=Path, default=None, help="also write every outcome as JSON here")
    args = ap.parse_args(argv)

    indices = args.only if args.only is not None else list(range(args.n))
    deadline = time.monotonic() + args.max_minutes * 60 if args.max_minutes else None
    fuzz.bases("pdf")  # build the made-up bases once, before the threads start
    outcomes: list[Outcome] = []
    kept: dict[tuple[str, str, str], int] = collections.Counter()
    index_entries: dict[str, dict] = {}
    lock = threading.Lock()
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="fuzz_long_"))
    done = 0

    def one(i: int) -> Outcome | None:
        if deadline and time.monotonic() > deadline:
            return None
        fmt = fuzz.FORMATS[i % len(fuzz.FORMATS)]
        m = fuzz.make_mutant(fmt, i, args.seed)
        sub = workdir / f"w{i}"
        sub.mkdir()
        category, cause, detail, seconds, cpu, rss = classify(m.data, m.name, args.timeout, sub)
        if rss > args.max_rss_mib:
            if category is None:
                category, cause = "memory", f"peak RSS over {args.max_rss_mib:.0f} MiB ({fmt} {m.kind.split('+')[0]})"
            detail = f"{detail}; peak RSS {rss:.0f} MiB".lstrip("; ")
        o = Outcome(i, fmt, m.kind, m.base, len(m.data), round(seconds, 2), round(cpu, 2), round(rss, 1), category, cause,
                    detail)
        if category and not args.no_write:
            group = (fmt, category, cause)
            with lock:
                take = kept[group] < (1 if category == "timeout" else args.keep) or args.only is not None
                if category == "timeout":  # each costs 20 s in the suite: a few are enough
                    take = take and kept["timeouts"] < 4
                    kept["timeouts"] += take
                kept[group] += 1
            if take:
                data = m.data
                if len(data) > MAX_CRASHER_BYTES:
                    data = minimise(data, fmt, m.name, category, cause, args.timeout, sub)
                if len(data) <= MAX_CRASHER_BYTES:
                    CRASHERS.mkdir(parents=True, exist_ok=True)
                    (CRASHERS / m.name).write_bytes(data)
                    o.file = str((CRASHERS / m.name).relative_to(ROOT))
                    with lock:
                        index_entries[m.name] = {
                            "category": category, "cause": cause, "detail": detail, "mutators": m.kind,
                            "made_from": m.base, "seed": args.seed, "index": i, "seconds": o.seconds,
                            "truncated_from": len(m.data) if len(data) < len(m.data) else None,
                            "regenerate": _regenerate(args.seed, i)}
        sub.rmdir()
        return o

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.workers) as pool:
        futures = [pool.submit(one, i) for i in indices]
        for fut in concurrent.futures.as_completed(futures):
            o = fut.result()
            if o is None:
                continue
            outcomes.append(o)
            done += 1
            if o.category:
                print(f"  ✗ #{o.index} {o.fmt} {o.kind}: {o.category} — {o.cause}  ({o.seconds:.1f} s)"
                      + (f" → {o.file}" if o.file else ""), flush=True)
            if done % 100 == 0:
                print(f"[{done}/{len(indices)}] {time.monotonic() - started:.0f} s", flush=True)
    workdir.rmdir()
    if index_entries:
        write_index(index_entries)
    report(outcomes, time.monotonic() - started, args)
    if args.json_out:
        args.json_out.write_text(json.dumps([asdict(o) for o in sorted(outcomes, key=lambda o: o.index)],
                                            ensure_ascii=False, indent=1), encoding="utf-8")
    return 1 if any(o.category for o in outcomes) else 0


def report(outcomes: list[Outcome], elapsed: float, args) -> None:
    print()
    print(f"fuzz_long: {len(outcomes)} mutants, seed {args.seed}, {args.workers} workers, "
          f"time-out {args.timeout:.0f} s, {elapsed / 60:.1f} min")
    head = ("format", "mutants", "uncaught", "invalid JSON", f"time-outs >{args.timeout:.0f}s",
            f"RSS >{args.max_rss_mib:.0f} MiB", "bad values",
            "bad messages", "max s", "max CPU s", "peak RSS MiB")
    rows = []
    for fmt in (*fuzz.FORMATS, "all"):
        sel = [o for o in outcomes if fmt in ("all", o.fmt)]
        count = collections.Counter(o.category for o in sel)
        rows.append((fmt, len(sel), count["uncaught"], count["invalid_json"], count["timeout"], count["memory"], count["bad_value"],
                     count["bad_message"], f"{max((o.seconds for o in sel), default=0):.1f}",
                     f"{max((o.cpu_s for o in sel), default=0):.1f}",
                     f"{max((o.rss_mib for o in sel), default=0):.0f}"))
    widths = [max(len(str(r[i])) for r in (head, *rows)) for i in range(len(head))]
    line = lambda r: "| " + " | ".join(str(v).rjust(w) if i else str(v).ljust(w) for i, (v, w) in enumerate(zip(r, widths))) + " |"  # noqa: E731
    print(line(head))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print(line(r))
    slowest = sorted(outcomes, key=lambda o: -o.seconds)[:5]
    print("slowest: " + ", ".join(f"#{o.index} {o.fmt}-{o.kind} {o.seconds:.1f} s" for o in slowest))
    fat = sorted(outcomes, key=lambda o: -o.rss_mib)[:3]
    print("most memory: " + ", ".join(f"#{o.index} {o.fmt}-{o.kind} {o.rss_mib:.0f} MiB" for o in fat))
    failed = [o for o in outcomes if o.category]
    if not failed:
        print("crashers: none")
        return
    print(f"\ncrashers ({len(failed)}), by cause:")
    groups: dict[tuple[str, str], list[Outcome]] = collections.defaultdict(list)
    for o in failed:
        groups[(o.category, o.cause)].append(o)
    for (category, cause), members in sorted(groups.items(), key=lambda kv: (CATEGORIES.index(kv[0][0]), -len(kv[1]))):
        formats = collections.Counter(o.fmt for o in members)
        example = next((o for o in members if o.file), members[0])
        reason = "--no-write" if args.no_write else f"{example.size} bytes" if example.size > MAX_CRASHER_BYTES else "enough of this kind kept"
        where = example.file or f"(not written: {reason}; {_regenerate(args.seed, example.index)})"
        print(f"- [{category}] {cause} — {len(members)} ({', '.join(f'{k} {v}' for k, v in formats.items())})")
        print(f"    e.g. {where}  [{example.kind}, from {example.base}]")
        if example.detail:
            print(f"    {example.detail[:300]}")


if __name__ == "__main__":
    sys.exit(main())
