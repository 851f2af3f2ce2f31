"""The rules of fields.md: each break reported with its numbers, unevaluable rules said as such."""
import random

from core.checks import check_report, check_series
from core.grid import Paragraph
from core.synthetic import make_report


def _consistent(template="2021", **kw):
    return make_report(random.Random(7), template=template, blank_columns=False, **kw).fields


def test_consistent_record_has_no_findings():
    assert check_report(_consistent(), "2021") == []
    assert check_report(_consistent("2019"), "2019") == []


def test_r2_message_states_both_numbers_and_the_difference():
    f = dict(_consistent())
    f["applications.total.natural"] = f["applications.total.natural"] + 1
    f["applications.total.total"] = f["applications.total.total"] + 1
    f["applications.carried_forward.natural"] -= 0
    rules = {w.rule for w in check_report(f, "2021")}
    assert "R2" in rules
    w = next(w for w in check_report(f, "2021") if w.rule == "R2" and "自然人" in w.message)
    assert w.severity == "error" and "相差1" in w.message
    assert "applications.total.natural" in w.keys


def test_r4_review_group():
    f = dict(_consistent())
    f["review.upheld"] += 2
    ws = [w for w in check_report(f, "2021") if w.rule == "R4"]
    assert len(ws) == 1 and "行政复议" in ws[0].message and "相差2" in ws[0].message


def test_unreadable_cell_makes_the_rule_info_not_a_pass_or_a_break():
    f = dict(_consistent())
    f["applications.granted.natural"] = None
    ws = check_report(f, "2021", unreadable={"applications.granted.natural"})
    assert {w.severity for w in ws} == {"info"}
    assert {w.rule for w in ws} == {"R2", "R3"}
    assert all("无法核验" in w.message for w in ws)


def test_split_number_is_suggested_when_joining_two_digits_fixes_the_row():
    f = dict(_consistent())
    for c in ("natural", "commercial", "research", "social", "legal", "other_org"):
        f[f"applications.granted.{c}"] = 0
    f["applications.granted.natural"], f["applications.granted.commercial"] = 1, 2
    f["applications.granted.total"] = 12
    ws = check_report(f, "2021")
    assert any(w.rule == "split_number" and "12" in w.message for w in ws)


def test_r6_text_vs_table_ignores_filing_counts():
    f = dict(_consistent())
    f["review.total"], f["review.upheld"], f["review.corrected"], f["review.other"], f["review.pending"] = 2, 2, 0, 0, 0
    ok = [Paragraph("备案审查行政复议案件134件。本年度发生行政复议2件。", "第3行")]
    assert not [w for w in check_report(f, "2021", narrative=ok) if w.rule == "R6"]
    bad = [Paragraph("本年度发生行政复议5件。", "第3行")]
    ws = [w for w in check_report(f, "2021", narrative=bad) if w.rule == "R6"]
    assert ws and "5" in ws[0].message and "相差3" in ws[0].message and ws[0].where == "第3行"


def test_plausibility_negative_fraction_and_yuan_in_wan_column():
    f = dict(_consistent())
    f["proactive.licensing.decisions"] = -3
    f["proactive.penalty.decisions"] = 2.5
    f["proactive.fees.amount_wan"] = 3_000_000
    rules = [w.keys[0] for w in check_report(f, "2021") if w.rule == "implausible_value"]
    assert sorted(rules) == ["proactive.fees.amount_wan", "proactive.licensing.decisions", "proactive.penalty.decisions"]


def test_r9_late_department_and_government_deadlines():
    f = dict(_consistent(agency="某区财政局", year=2023))
    f["meta.published"] = "2024-02-05"
    ws = [w for w in check_report(f, "2021") if w.rule == "R9"]
    assert ws and "5 天" in ws[0].message
    g = dict(_consistent(agency="某区人民政府", year=2023))
    g["meta.published"] = "2024-02-05"
    assert not [w for w in check_report(g, "2021") if w.rule == "R9"]


def test_series_carry_over_stock_and_copied_report():
    rng = random.Random(3)
    a = make_report(rng, template="2021", agency="某局", year=2022, blank_columns=False).fields
    b = make_report(rng, template="2021", agency="某局", year=2023, blank_columns=False).fields
    b = dict(b)
    b["applications.carried_over.total"] = a["applications.carried_forward.total"] + 1
    b["proactive.regulations.in_force"] = a["proactive.regulations.in_force"] + b["proactive.regulations.issued"] - b["proactive.regulations.abolished"] + 2
    found = check_series([b, a])
    assert {w.rule for i, w in found} >= {"R5", "R7"}
    assert all(i == 0 for i, _ in found)  # reported on the later year
    r7 = next(w for _, w in found if w.rule == "R7" and "规章" in w.message)
    assert "相差 2" in r7.message
    copy = dict(a)
    copy["meta.year"] = 2023
    assert any(w.rule == "R8" for _, w in check_series([a, copy]))


def test_r6_ignores_stated_parts_of_a_total():
    f = dict(_consistent())
    f["review.total"], f["review.upheld"], f["review.corrected"], f["review.other"], f["review.pending"] = 5, 3, 2, 0, 0
    parts = [Paragraph("本年度行政复议决定维持3件，纠正2件。", "第3行")]
    assert not [w for w in check_report(f, "2021", narrative=parts) if w.rule == "R6"]
    total = [Paragraph("本年度发生行政复议案件5件，其中维持3件。", "第3行")]
    assert not [w for w in check_report(f, "2021", narrative=total) if w.rule == "R6"]


def test_an_amount_a_hundred_times_off_the_agencys_last_year_is_a_finding():
    from core.checks import check_series
    prev = {"meta.year": 2022, "proactive.fees.amount_wan": 12.5}
    cur = {"meta.year": 2023, "proactive.fees.amount_wan": 125000.0}
    found = [w for i, w in check_series([prev, cur]) if w.rule == "implausible_value"]
    assert found and found[0].keys == ("proactive.fees.amount_wan",) and "10000 倍" in found[0].message
    assert not [w for _, w in check_series([prev, {**cur, "proactive.fees.amount_wan": 30.0}]) if w.rule == "implausible_value"]
