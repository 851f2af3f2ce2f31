"""The parser against the hand-checked gold files in ../shared (skipped in a fresh clone without it)."""
import subprocess
import sys

import pytest

from conftest import ROOT, SHARED

SCORE = SHARED / "tools" / "score.py"
pytestmark = pytest.mark.skipif(not SCORE.exists(), reason="../shared is not beside this checkout")


def _score(gold, docs):
    run = subprocess.run([sys.executable, str(SCORE), "--gold", str(gold), "--docs", str(docs),
                          "--cmd", f"{sys.executable} -m core parse --json"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    return run


def test_seed_corpus_scores_100_percent():
    run = _score(SHARED / "gold", SHARED / "corpus")
    assert "rule checks wrong on 0 document(s)" in run.stdout, run.stdout
    assert run.stdout.strip().splitlines()[-1].endswith("correct (100.00%)"), run.stdout
    assert run.returncode == 0, run.stdout + run.stderr


def test_real_published_pdf_and_web_page_score_100_percent():
    run = _score(SHARED / "real", SHARED / "real")
    assert "rule checks wrong on 0 document(s)" in run.stdout, run.stdout
    assert run.stdout.strip().splitlines()[-1].endswith("correct (100.00%)"), run.stdout
    assert run.returncode == 0
