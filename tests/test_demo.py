"""The demonstration library (sample_reports/demo/): fictitious reports of 「演示市」, 2020–2024.

Every document parses to exactly its gold file (the scorer's matching rules, without needing
../shared), the only R1–R4 errors and the only warnings across the whole library — cross-year
rules included — are the planted ones, and the library has the shape the trend pages need.
"""
import datetime as dt
import gzip
import hashlib
import importlib.util
import json
import math
import sys
from collections import defaultdict
from functools import lru_cache

import pytest

from conftest import ROOT
from core import PARSER_VERSION
from core.checks import check_series
from core.ingest import ingest

DEMO = ROOT / "sample_reports" / "demo"
DOC_SUFFIXES = (".pdf", ".docx", ".html", ".txt")
GOLDS = sorted(p.name[: -len(".gold.json")] for p in DEMO.glob("*.gold.json"))
DOCS = sorted(p for p in DEMO.iterdir() if p.suffix in DOC_SUFFIXES)
TABLE_KEYS = ("proactive.", "applications.", "review.", "litigation_", "processing_fee.")

LATE_JOINER = "演示市生态环境局"
ABSENT = {("演示市住房和城乡建设局", 2022), ("演示市西岭县人民政府", 2021)}
# (rule, agency, year) → the messages the dashboard shows for it
PLANTED_ERRORS = {
    ("R4", "演示市东湖区人民政府", 2022): ["表四「行政复议」总计为0，但维持、纠正、其他、尚未审结之和为11，相差11。"],
    ("R2", "演示市住房和城乡建设局", 2021): ["（七）总计·自然人为77，但各办理结果之和为78，相差1。",
                                          "（七）总计·总计列为94，但各办理结果之和为95，相差1。"],
    ("R1", "演示市自然资源和规划局", 2023): [
        "表三「自然人」列：一、本年新收125 + 二、上年结转6 = 131，但（七）总计132 + 四、结转下年度2 = 134，相差3。",
        "表三「总计」列：一、本年新收138 + 二、上年结转6 = 144，但（七）总计143 + 四、结转下年度4 = 147，相差3。"],
}
PLANTED_WARNINGS = {
    ("R9", "演示市教育局", 2021): ["报告落款日期为 2022-03-08，晚于条例第四十九条规定的 2022-01-31，迟报 36 天。"],
}


@lru_cache(maxsize=None)
def _parsed():
    """Every demo document through core.ingest, once per test session: {stem: Report}."""
    return {p.stem: ingest(p.read_bytes(), p.name) for p in DOCS}


def _gold(name: str) -> dict:
    return json.loads((DEMO / f"{name}.gold.json").read_text(encoding="utf-8"))


def _same(gold, pred) -> bool:
    """../shared/tools/score.py's matching: whole numbers exactly, money within 0.00005, a gold null
    only as a missing key or null, strings after trimming."""
    if gold is None:
        return pred is None
    if isinstance(gold, bool) or isinstance(pred, bool):
        return type(gold) is type(pred) and gold == pred
    if isinstance(gold, (int, float)):
        if not isinstance(pred, (int, float)) or math.isnan(pred):
            return False
        return pred == gold if isinstance(gold, int) else abs(gold - pred) <= 5e-5
    if isinstance(gold, str):
        return isinstance(pred, (str, int)) and str(pred).strip() == gold.strip()
    return gold == pred


def _findings() -> dict[tuple[str, str, int], list[tuple[str, str]]]:
    """(rule, agency, year) → [(severity, message)]: each report's own warnings plus the cross-year
    rules per agency, as core.metrics.warnings_frame gathers them for the dashboard."""
    out: dict[tuple[str, str, int], list[tuple[str, str]]] = defaultdict(list)
    by_agency = defaultdict(list)
    for report in _parsed().values():
        f = report.fields
        by_agency[f["meta.agency"]].append(f)
        for w in report.warnings:
            out[(w.rule, f["meta.agency"], f["meta.year"])].append((w.severity, w.message))
    for agency, records in by_agency.items():
        for i, w in check_series(records):
            out[(w.rule, agency, records[i]["meta.year"])].append((w.severity, w.message))
    return out


def test_one_document_per_gold_in_one_of_four_formats():
    stems = [p.stem for p in DOCS]
    assert len(stems) == len(set(stems)), "a report in more than one format"
    assert sorted(stems) == GOLDS
    counts = {s: sum(p.suffix == s for p in DOCS) for s in DOC_SUFFIXES}
    assert all(abs(n - len(DOCS) / 4) <= 3 for n in counts.values()), counts
    assert 30 <= len(DOCS) <= 45
    assert (DEMO / "README.md").is_file()


def test_the_shipped_records_are_what_the_parser_makes_of_each_file_now():
    """A first start stores sample_reports/demo/records.json.gz instead of parsing: it must be exactly
    what the running parser makes of every file (after a parser change: python sample_reports/make_demo.py --records)."""
    from core.library import DEMO_RECORDS, demo_records
    shipped = json.loads(gzip.open(DEMO_RECORDS, "rt", encoding="utf-8").read())
    assert shipped["parser_version"] == PARSER_VERSION, "the parser changed: run python sample_reports/make_demo.py --records"
    records = demo_records()
    assert len(records) == len(DOCS)
    for p in DOCS:
        digest = hashlib.sha256(p.read_bytes()).hexdigest()
        assert records[digest].to_json() == _parsed()[p.stem].to_json(), p.name


def test_a_first_start_stores_the_shipped_records_without_parsing(tmp_path, monkeypatch):
    import core.ingest
    import core.library as library

    def no_parsing(data, name):
        raise AssertionError(f"{name} was parsed")
    monkeypatch.setattr(core.ingest, "ingest", no_parsing)
    lib = library.Library(tmp_path / "demo.sqlite3")
    assert lib.ensure_seeded(library.DEMO_DIR) == len(DOCS)
    assert {s.name for s in lib.all()} == {p.name for p in DOCS}


def test_stale_or_damaged_shipped_records_are_not_used(tmp_path):
    from core.library import DEMO_RECORDS, demo_records
    shipped = json.loads(gzip.open(DEMO_RECORDS, "rt", encoding="utf-8").read())
    stale = tmp_path / "stale.json.gz"
    stale.write_bytes(gzip.compress(json.dumps({**shipped, "parser_version": "older"}).encode()))
    damaged = tmp_path / "damaged.json.gz"
    damaged.write_bytes(DEMO_RECORDS.read_bytes()[:500])
    assert demo_records(stale) == {} and demo_records(damaged) == {} and demo_records(tmp_path / "none") == {}


def test_library_is_small():
    assert sum(p.stat().st_size for p in DEMO.iterdir()) < 3_000_000


@pytest.mark.parametrize("name", GOLDS)
def test_document_parses_to_its_gold(name):
    report = _parsed()[name]
    assert report.error is None, report.error
    gold = _gold(name)
    wrong = {k: (v, report.fields.get(k)) for k, v in gold.items() if not k.startswith("_")
             and not _same(v, report.fields.get(k))}
    extra = {k: v for k, v in report.fields.items() if k not in gold and v is not None and k.startswith(TABLE_KEYS)}
    assert not wrong and not extra, f"wrong {wrong}; not in the report {extra}"
    rules = {w.rule for w in report.warnings if w.severity != "info" and w.rule in ("R1", "R2", "R3", "R4")}
    assert rules == set(gold["_violations"])
    assert not report.unread


def test_every_agency_is_fictitious():
    for name in GOLDS:
        assert "演示" in _gold(name)["meta.agency"]
        assert "演示" in _parsed()[name].fields["meta.agency"]
    for p in DOCS:  # and every document says so in its own text
        text = p.read_bytes().decode("gbk" if b"charset=gbk" in p.read_bytes()[:2048] else "utf-8", errors="ignore") \
            if p.suffix in (".txt", ".html") else None
        if text is not None:
            assert "虚构" in text, p.name


def test_the_only_findings_are_the_planted_ones():
    findings = _findings()
    errors = {k: sorted(m for s, m in v if s == "error") for k, v in findings.items() if any(s == "error" for s, _ in v)}
    warnings = {k: sorted(m for s, m in v if s == "warning") for k, v in findings.items()
                if any(s == "warning" for s, _ in v)}
    assert errors == {k: sorted(v) for k, v in PLANTED_ERRORS.items()}
    assert warnings == {k: sorted(v) for k, v in PLANTED_WARNINGS.items()}
    # the notes: only R7 at the change of template (2020's 2019 template has no 现行有效件数)
    notes = {(rule, year) for (rule, _, year), v in findings.items() if any(s == "info" for s, _ in v)}
    assert notes <= {("R7", 2021)}, notes


def test_years_per_agency_with_gaps_and_a_late_joiner():
    years = defaultdict(set)
    for name in GOLDS:
        g = _gold(name)
        years[g["meta.agency"]].add(g["meta.year"])
        assert _parsed()[name].fields["meta.template"] == ("2019" if g["meta.year"] == 2020 else "2021")
    assert len(years) == 8
    assert set().union(*years.values()) == set(range(2020, 2025))
    assert all(len(ys) >= 3 for a, ys in years.items() if a != LATE_JOINER)
    assert min(years[LATE_JOINER]) > 2020 and len(years[LATE_JOINER]) < 5
    missing = {(a, y) for a, ys in years.items() for y in range(min(ys), 2025) if y not in ys}
    assert missing == ABSENT


def test_distributions_are_realistic():
    handled = defaultdict(int)
    natural = new = fees_charged = reports = corrected = 0
    sizes = {}
    for name in GOLDS:
        g = _gold(name)
        reports += 1
        published = dt.date.fromisoformat(g["meta.published"])
        assert published.year == g["meta.year"] + 1 and published.month <= 3
        for key, v in g.items():
            if key.startswith("applications.") and key.endswith(".total") and key.count(".") == 2:
                handled[key.split(".")[1]] += v
        natural += g["applications.new_received.natural"]
        new += g["applications.new_received.total"]
        fees_charged += g["processing_fee.yuan"] > 0
        corrected += g["review.corrected"] + g["litigation_direct.corrected"] + g["litigation_after_review.corrected"]
        sizes[g["meta.agency"]] = max(sizes.get(g["meta.agency"], 0), g["applications.new_received.total"])
    assert natural / new > 0.8  # applicants are mostly 自然人
    assert (handled["granted"] + handled["partial"]) / handled["total"] > 0.5
    assert 0 < handled["unable_not_held"] < handled["granted"]
    assert 0 < fees_charged <= reports // 5 and corrected > 0
    assert max(sizes.values()) > 300 and min(sizes.values()) < 15  # a big government, small bureaus


@pytest.fixture(scope="module")
def make_demo():
    spec = importlib.util.spec_from_file_location("make_demo", ROOT / "sample_reports" / "make_demo.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_generator_reproduces_the_files(make_demo):
    """Gold files, text and web pages byte for byte, and one PDF (Word files take seconds each and
    are covered by regenerating the library: make_samples.deterministic_zip)."""
    reports = make_demo.library()
    fmt = make_demo.formats(reports)
    assert sorted(y.name for y in reports) == GOLDS
    pdf_checked = False
    for index, y in enumerate(reports):
        gold = json.dumps(make_demo.gold(y), ensure_ascii=False, indent=1) + "\n"
        assert gold == (DEMO / f"{y.name}.gold.json").read_text(encoding="utf-8"), y.name
        if fmt[y.name] in ("txt", "html") or (fmt[y.name] == "pdf" and not pdf_checked):
            pdf_checked |= fmt[y.name] == "pdf"
            assert make_demo.render(y, fmt[y.name], index) == (DEMO / f"{y.name}.{fmt[y.name]}").read_bytes(), y.name
