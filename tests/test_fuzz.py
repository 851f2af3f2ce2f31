"""Mutation fuzzing (issue 9): hostile copies of every sample report, each format with its own damage.

A few hundred deterministic mutants (tests/fuzz.py; FUZZ_SEED picks another set) go through
`core.ingest.ingest` — what `python -m core parse --json` prints for each file — and some through
`Library.add`; one batch goes through the real command line. For every one: no exception, valid JSON
(no NaN/Infinity), every field None, text or a finite number of sane size, every refusal a Chinese
message naming the file without an exception class name, and each file done within 20 s.
The files in tests/crashers/ (found by benchmarks/fuzz_long.py) are run the same way.
The long run: `python benchmarks/fuzz_long.py --n 5000`.
"""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
import fuzz
from core.ingest import ingest
from core.library import Library

SEED = int(os.environ.get("FUZZ_SEED", "0"))
CASE_LIMIT_S = 20.0
CRASHERS = Path(__file__).resolve().parent / "crashers"
# mutants per format in the suite (about 45 s on two cores; the PDF ones cost the most)
COUNTS = {"txt": 80, "html": 60, "docx": 80, "pdf": 24}
LIBRARY_COUNT = 6  # per format


class CaseTimeout(BaseException):
    """Raised by SIGALRM; a BaseException so no `except Exception` in the code under test swallows it."""


def _alarm(signum, frame):
    raise CaseTimeout()


def run_bounded(fn, *args):
    """fn(*args) with a 20 s alarm; returns (result, seconds). Fails the test past the limit."""
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, CASE_LIMIT_S + 1)
    started = time.monotonic()
    try:
        result = fn(*args)
    except CaseTimeout:
        pytest.fail(f"still running after {CASE_LIMIT_S + 1:.0f} s (limit {CASE_LIMIT_S:.0f} s)")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    seconds = time.monotonic() - started
    assert seconds <= CASE_LIMIT_S, f"took {seconds:.1f} s (limit {CASE_LIMIT_S:.0f} s)"
    return result, seconds


def check_ingest(data: bytes, name: str) -> None:
    report, _ = run_bounded(ingest, data, name)
    assert report is not None and report.__class__.__name__ == "Report", f"ingest returned {report!r}"
    entry = report.to_json()
    json.dumps(entry, allow_nan=False, ensure_ascii=False)  # valid JSON: no NaN/Infinity, only JSON types
    found = fuzz.problems(entry, name)
    assert not found, f"{name}: " + "; ".join(found[:8])


CASES = [(fmt, i) for fmt in fuzz.FORMATS for i in range(COUNTS[fmt])]


@pytest.mark.parametrize("fmt,index", CASES, ids=[f"{f}-{i}" for f, i in CASES])
def test_mutant_ingests_to_valid_json(fmt, index):
    m = fuzz.make_mutant(fmt, index, SEED, heavy=False)
    try:
        check_ingest(m.data, m.name)
    except BaseException as e:
        e.args = (f"(made from {m.base}) {e.args[0] if e.args else ''}",) + e.args[1:]
        raise


LIBRARY_CASES = [(fmt, 1000 + i) for fmt in fuzz.FORMATS for i in range(LIBRARY_COUNT)]


@pytest.mark.parametrize("fmt,index", LIBRARY_CASES, ids=[f"{f}-{i}" for f, i in LIBRARY_CASES])
def test_mutant_added_to_the_library(tmp_path, fmt, index):
    m = fuzz.make_mutant(fmt, index, SEED, heavy=False)
    lib = Library(tmp_path / "lib.sqlite3")
    result, _ = run_bounded(lib.add, m.data, m.name)
    assert result.status in ("added", "error"), (m.name, result.status, result.message)
    assert m.name in result.message and not fuzz._EXCEPTION_WORDS.search(result.message), (m.name, result.message)
    found = fuzz.problems(result.report.to_json(), m.name)
    assert not found, f"{m.name}: " + "; ".join(found[:8])
    if result.status == "added":  # what the dashboard will read back
        stored = lib.get(result.report_id)
        assert stored is not None
        found = fuzz.problems(stored.report.to_json(), m.name)
        assert not found, f"{m.name} (stored): " + "; ".join(found[:8])


def _reject_constant(token: str):
    raise ValueError(f"{token} in the output")


def test_command_line_batch_with_five_mutants_and_one_good_file(tmp_path):
    """One bad file never empties the batch: exit 0, one JSON array of 6 entries, the good file read."""
    rng = random.Random(SEED)
    picks = [("txt", "made-up:synthetic-cells", ["huge_digits"]), ("html", None, ["huge_span"]),
             ("docx", None, ["deep_tbl"]), ("pdf", None, ["wrong_length"]), ("txt", None, ["value"])]
    paths = []
    for n, (fmt, base, kinds) in enumerate(picks):
        base = base or rng.choice(fuzz.bases(fmt))
        data = fuzz.base_file(fmt, base)
        for kind in kinds:
            data = (fuzz.STRUCTURAL[fmt].get(kind) or fuzz.GENERIC[kind])(data, rng)
        path = tmp_path / f"{fmt}-{'+'.join(kinds)}-{n}.{fmt}"
        path.write_bytes(data)
        paths.append(path)
    good = ROOT / "sample_reports" / "002_b232cca7e491c758.txt"
    paths.insert(3, good)
    limit = CASE_LIMIT_S + 2 * len(paths)  # one process for the batch: 20 s and 2 s more per file
    run = subprocess.run([sys.executable, "-m", "core", "parse", "--json", *map(str, paths)], cwd=ROOT,
                         capture_output=True, timeout=limit)
    stderr = run.stderr.decode("utf-8", "replace")
    assert run.returncode == 0, stderr[-2000:]
    assert "Traceback" not in stderr, stderr[-2000:]
    out = json.loads(run.stdout.decode("utf-8"), parse_constant=_reject_constant)
    assert isinstance(out, list) and len(out) == len(paths)
    for path, entry in zip(paths, out):
        assert entry["source"] == str(path)
        found = fuzz.problems(entry, path.name)
        assert not found, f"{path.name}: " + "; ".join(found[:8])
    expected = ingest(good.read_bytes(), good.name)
    entry = out[3]
    assert "error" not in entry, entry.get("error")
    assert entry["fields"] == json.loads(json.dumps(expected.fields))
    assert entry["fields"].get("applications.new_received.total") is not None


_TEXT_BASES = [("txt", n) for n in fuzz._sample_names("txt")] + [("html", n) for n in fuzz._sample_names("html")]


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(base=st.sampled_from(_TEXT_BASES), where=st.floats(0, 1),
       value=st.one_of(st.sampled_from(fuzz.HOSTILE_NUMBERS), st.text(min_size=1, max_size=40),
                       st.from_regex(r"[-+]?[0-9]{10,6000}(\.[0-9]{1,400})?", fullmatch=True)))
def test_hostile_cell_text_from_hypothesis(base, where, value):
    """Hypothesis writes a cell: one number of a sample report replaced by arbitrary text."""
    fmt, name = base
    data = fuzz.base_file(fmt, name)
    spots = list(fuzz._NUMBER_BYTES.finditer(data))
    m = spots[min(int(where * len(spots)), len(spots) - 1)]
    enc = "gb18030" if data.find(b"charset=gb") != -1 or data.find(b"charset=\"gb") != -1 else "utf-8"
    mutated = data[: m.start()] + value.encode(enc, "replace") + data[m.end():]
    check_ingest(mutated, f"hypothesis.{fmt}")


def _crasher_files() -> list[Path]:
    if not CRASHERS.is_dir():
        return []
    return sorted(p for p in CRASHERS.iterdir() if p.suffix.lower() in (".txt", ".pdf", ".docx", ".html"))


MAX_RSS_MIB = 1024
AS_LIMIT = 4 << 30  # address-space cap of the child, so a memory bomb cannot take the machine down


def _limit_memory():
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))


@pytest.mark.parametrize("path", _crasher_files(), ids=lambda p: p.name)
def test_regression_crasher(path):
    """Each file benchmarks/fuzz_long.py found failing (tests/crashers/INDEX.json says how it failed),
    through the real command line in its own process: 20 s, peak memory under 1 GiB, valid output."""
    import tempfile
    with tempfile.TemporaryFile() as out_f, tempfile.TemporaryFile() as err_f:
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "core", "parse", "--json", str(path)], cwd=ROOT,
                                stdout=out_f, stderr=err_f, preexec_fn=_limit_memory)
        while True:  # wait4: this child's own peak memory
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > CASE_LIMIT_S:
                proc.kill()
                os.wait4(proc.pid, 0)
                proc.returncode = -9
                pytest.fail(f"{path.name}: still running after {CASE_LIMIT_S:.0f} s")
            time.sleep(0.02)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - started
        peak = usage.ru_maxrss / 1024
        out_f.seek(0)
        err_f.seek(0)
        out, err = out_f.read(), err_f.read()
    stderr = err.decode("utf-8", "replace")
    assert proc.returncode == 0 and "Traceback" not in stderr, stderr[-2000:]
    entries = json.loads(out.decode("utf-8"), parse_constant=_reject_constant)
    assert isinstance(entries, list) and len(entries) == 1
    found = fuzz.problems(entries[0], path.name)
    assert not found, f"{path.name}: " + "; ".join(found[:8])
    assert seconds <= CASE_LIMIT_S
    assert peak < MAX_RSS_MIB, f"{path.name}: a parse took {peak:.0f} MiB (limit {MAX_RSS_MIB} MiB)"
