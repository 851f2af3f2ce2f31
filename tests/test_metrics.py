"""Derived rates, tidy tables, warnings with cross-year rules, coverage."""
import random

import pytest

from core import metrics as M
from core import rows as R
from core.library import Library
from core.synthetic import make_report, render_text


def test_rates_follow_their_definitions():
    f = {"applications.granted.total": 6, "applications.partial.total": 2, "applications.total.total": 16,
         "applications.unable_not_held.total": 4, "applications.new_received.total": 15,
         "applications.carried_over.total": 5, "applications.carried_forward.total": 4,
         "review.total": 10, "review.pending": 2, "review.corrected": 2,
         "litigation_direct.total": 3, "litigation_after_review.total": 1, "litigation_direct.corrected": 1,
         "litigation_direct.pending": 0, "litigation_after_review.pending": 0}
    d = R.derived(f)
    assert d["derived.open_rate"] == 50.0
    assert d["derived.unable_rate"] == 25.0
    assert d["derived.denied_rate"] is None  # nothing printed: no rate, not 0 %
    assert d["derived.received"] == 20 and d["derived.carry_forward_rate"] == 20.0
    assert d["derived.review_correction_rate"] == 25.0
    assert d["derived.litigation_total"] == 4 and d["derived.litigation_correction_rate"] == 25.0
    assert R.derived({"applications.total.total": 0})["derived.open_rate"] is None


@pytest.fixture()
def lib(location):
    lib = Library(location())
    rng = random.Random(5)
    for year in (2021, 2022, 2023):
        for agency in ("甲县财政局", "乙县教育局"):
            r = make_report(rng, template="2021", agency=agency, year=year, blank_columns=False)
            lib.add(render_text(r, "cells").encode(), f"{agency}{year}.txt")
    return lib


def test_tidy_has_one_value_per_agency_year_metric(lib):
    t = M.tidy(M.wide(lib.current()))
    assert set(t.columns) >= {"agency", "year", "metric", "label", "unit", "value"}
    assert not t.duplicated(["agency", "year", "metric"]).any()
    row = t[(t.metric == "applications.new_received.total") & (t.agency == "甲县财政局") & (t.year == 2022)]
    assert len(row) == 1 and row["label"].iloc[0].startswith("一、本年新收")


def test_cross_year_rules_appear_with_the_report_warnings(lib):
    w = M.warnings_frame(lib.current())
    # independent random years: carried over never matches last year's carried forward everywhere
    assert "R5" in set(w["rule"])
    assert set(w.loc[w.rule == "R5", "year"]) <= {2022, 2023}


def test_coverage_shows_missing_years(lib):
    stored = [s for s in lib.current() if not (s.agency == "乙县教育局" and s.year == 2022)]
    grid = M.coverage(M.wide(stored))
    assert list(grid.columns) == [2021, 2022, 2023]
    assert grid.loc["乙县教育局", 2022] != grid.loc["乙县教育局", 2022]  # NaN: no report
    assert grid.loc["甲县财政局", 2022] == 0


def test_report_tables_keep_blank_and_unreadable_apart():
    f = {"applications.granted.natural": None, "applications.granted.commercial": 0, "applications.partial.natural": None}
    t3 = M.report_tables(f, "2021", unread={"applications.partial.natural"})[1]
    granted = t3.values[t3.values["项目"] == "（一）予以公开"].iloc[0]
    partial = t3.values[t3.values["项目"] == "（二）部分公开"].iloc[0]
    assert (granted["自然人"], granted["商业企业"], partial["自然人"]) == ("", "0", "未读到")
    assert t3.keys[t3.values["项目"] == "（一）予以公开"].iloc[0]["自然人"] == "applications.granted.natural"


def test_year_over_year_only_between_consecutive_years_and_never_from_zero():
    import pandas as pd
    df = pd.DataFrame({"agency": ["甲"] * 4 + ["乙"] * 2, "year": [2020, 2021, 2023, 2024, 2021, 2022],
                       "value": [10.0, 15.0, 20.0, 10.0, 0.0, 5.0]})
    out = M.year_over_year(df).set_index(["agency", "year"])["change"]
    assert out[("甲", 2021)] == 50.0 and out[("甲", 2024)] == -50.0
    assert pd.isna(out[("甲", 2023)])  # 2022 missing: no change over two years
    assert pd.isna(out[("乙", 2022)])  # from zero: no percentage


def test_a_doubted_value_is_left_out_of_rates_and_marked_in_charts(tmp_path):
    from core import charts as C
    report = make_report(random.Random(4), template="2021", blank_columns=False)
    text = render_text(report, "tab_grid")
    granted = [ln for ln in text.splitlines() if "予以公开" in ln][0]
    cells = granted.split("\t")
    cells[-1] = "-5"  # a negative 总计 of （一）予以公开: implausible
    lib = Library(tmp_path / "s.sqlite3")
    lib.add(text.replace(granted, "\t".join(cells)).encode(), "可疑.txt")
    wide = M.wide(lib.current())
    assert "applications.granted.total" in wide["suspect"].iloc[0]
    assert wide["derived.open_rate"].iloc[0] is None or wide["derived.open_rate"].isna().iloc[0]
    tidy = M.tidy(M.wide(lib.current()))
    row = tidy[tidy["metric"] == "applications.granted.total"]
    assert bool(row["suspect"].iloc[0]) and not tidy[tidy["metric"] == "applications.partial.total"]["suspect"].iloc[0]
    assert "R2" in row["flag"].iloc[0]  # the first finding on it: -5 also breaks its column's sum
    fig = C.ranked_bars(row.assign(agency="某机构")[["agency", "value", "flag"]], "予以公开", "件", 2023).option
    note = fig["graphic"][0]["style"]["text"]
    bar = fig["series"][0]["data"][0]
    assert bar["label"]["formatter"].endswith("⚠") and "decal" in bar["itemStyle"]
    assert "某机构" in note and "R2" in note


# ---- the rows stored with each report: what a page over 20,000 reports reads ------------------------

def _same(a, b):
    import pandas as pd
    key = ["report_id", "rule", "message"] if "rule" in a else ["report_id"]
    pd.testing.assert_frame_equal(a.sort_values(key).reset_index(drop=True), b.sort_values(key).reset_index(drop=True),
                                  check_dtype=False)


def test_the_stored_rows_give_the_frames_the_records_give(lib):
    """A page reads each report's row as stored (numbers, flags, findings) and the cross-year findings
    kept at write time: the frames must be those worked out from the records themselves."""
    rows, records = lib.current_rows(), lib.current()
    with lib.store.connect() as db:
        assert db.execute("SELECT count(*) FROM report_rows WHERE layout = ?", (R.LAYOUT,)).fetchone()[0] == 6
        assert db.execute("SELECT count(*) FROM cross_year_sets").fetchone()[0] == 2  # one per agency
    _same(M.wide(rows), M.wide(records))
    kept = lib.series(rows)
    assert kept and {r for r, *_ in kept} <= {s.id for s in rows if s.year > 2021}
    with lib.store.connect() as db:
        assert db.execute("SELECT count(*) FROM cross_year_findings").fetchone()[0] == len(kept)
    _same(M.warnings_frame(rows, kept), M.warnings_frame(records))


def test_kept_cross_year_findings_follow_every_write(lib, monkeypatch):
    """A new version, a deletion or a merge by hand changes which reports an agency's findings compare:
    each write keeps the findings of the new sets (a page then works none out) and drops the old."""
    from core import library_rows

    def check():
        rows = lib.current_rows()
        with monkeypatch.context() as m:  # kept at the write: the page works out nothing
            m.setattr(library_rows, "agency_series", lambda group: pytest.fail("worked out on the page"))
            kept = lib.series(rows)
        _same(M.warnings_frame(rows, kept), M.warnings_frame(lib.current()))
        with lib.store.connect() as db:  # and nothing kept for sets no longer current
            assert db.execute("SELECT count(*) FROM cross_year_sets").fetchone()[0] == len({s.agency for s in rows})
        return rows

    check()
    r = make_report(random.Random(9), template="2021", agency="甲县财政局", year=2022, blank_columns=False)
    added = lib.add(render_text(r, "cells").encode(), "甲县财政局2022更正版.txt")
    assert added.new_version and added.report_id in {s.id for s in check()}
    lib.delete(added.report_id)
    check()
    lib.link_agency("乙县教育局", "甲县财政局")  # merged by hand (nonsense, but it regroups every year)
    assert {s.agency for s in check()} == {"甲县财政局"}
    lib.unlink_agency("乙县教育局")
    assert len({s.agency for s in check()}) == 2


@pytest.mark.parametrize("change", [("UPDATE report_rows SET numbers = ?, layout = 'older'", (b"\0",)),
                                    ("DELETE FROM report_rows", ())])  # a library written before rows were kept
def test_a_row_stored_in_another_layout_or_none_is_worked_out_from_its_record(lib, change):
    """After an upgrade that changes what a row holds, pages read the old records correctly at once
    (the re-parse rewrites the rows later)."""
    expected = M.wide(lib.current())
    with lib.store.write() as db:
        db.execute(*change)
    _same(M.wide(lib.current_rows()), expected)
