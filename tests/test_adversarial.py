"""Adversarial corpus: known reports damaged the way real documents are (tests/damage.py).

The property: every damaged document parses to the known values or to null, and a null the report
had a value for is flagged (in `unread`, or named by a warning) — never a wrong number — and the
damage never adds an R1–R4 error the undamaged rendering does not have. The named tests below pin
one tiny example of each damage to the exact values the contract (../shared/fields.md) asks for.
"""
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import damage as D
from core import fields as F
from core.ingest import ingest_text
from core.synthetic import SHAPES, SyntheticReport, make_report, render_text

COLS = [c for c, _ in F.APPLICANT_COLUMNS]


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), template=st.sampled_from(["2021", "2019"]), shape=st.sampled_from(SHAPES),
       kind=st.sampled_from(sorted(D.KINDS)))
def test_damaged_reports_parse_to_known_values_or_flagged_nulls(seed, template, shape, kind):
    report = make_report(random.Random(seed), template=template)
    text = D.damage(kind, report, shape, random.Random(seed ^ 0x5EED))
    baseline = ingest_text(D.undamaged(report, shape), "undamaged.txt")
    verdict = D.judge(report, ingest_text(text, "damaged.txt"), baseline)
    assert verdict.ok, f"{kind} / {shape} / {template}\n{verdict.explain()}"


# ---- fixtures: one known report, printed the plain way ----------------------------------------------

def base_report() -> SyntheticReport:
    """2021 template, year 2022, 社会/其他 column printed blank as 无, most cells ≥ 1 (seed 18)."""
    report = make_report(random.Random(18), template="2021", blank_columns=False)
    assert report.blank == "无" and report.fields["applications.total.other_org"] is None
    return report


def report_2019() -> SyntheticReport:
    """2019 template, year 2020 (seed 38)."""
    report = make_report(random.Random(38), template="2019", blank_columns=False)
    assert report.year == 2020
    return report


def row(parsed, key):
    return [parsed.fields.get(f"applications.{key}.{c}") for c in COLS]


def known_row(report, key):
    return [report.fields.get(f"applications.{key}.{c}") for c in COLS]


def assert_t3_exact(report, parsed, keys=None):
    keys = keys or D.t3_keys(report.template)
    bad = {k: (row(parsed, k), known_row(report, k)) for k in keys if row(parsed, k) != known_row(report, k)}
    assert not bad, "parsed vs expected: " + "; ".join(f"{k}: {p} != {e}" for k, (p, e) in bad.items())


def assert_exact(report, parsed, keys):
    bad = [(k, parsed.fields.get(k), report.fields.get(k)) for k in keys if parsed.fields.get(k) != report.fields.get(k)]
    assert not bad, "parsed vs expected: " + "; ".join(f"{k}: {p!r} != {e!r}" for k, p, e in bad)


def no_errors(parsed):
    errors = [w.message for w in parsed.warnings if w.severity == "error" and w.rule in D.ERRORS]
    assert not errors, errors


T2_KEYS = [k for k in F.template_keys("2021") if k.startswith("proactive.")]
T4_KEYS = [f"{g}.{c}" for g, _ in F.REVIEW_GROUPS for c, _ in F.REVIEW_COLUMNS]


def test_the_fixture_parses_exactly_undamaged():
    report = base_report()
    parsed = ingest_text(render_text(report, "tab_collapsed"))
    assert_t3_exact(report, parsed)
    assert_exact(report, parsed, T2_KEYS + T4_KEYS)


# ---- 1. label_chars_dropped -------------------------------------------------------------------------

@pytest.mark.parametrize("label,damaged", [
    ("2.其他法律行政法规禁止公开", "2.其他法律行政止公开"),
    ("8.属于行政查询事项", "8.属于事项"),
    ("一、本年新收政府信息公开申请数量", "一、本年政府信息公开申请数量"),
    ("3.补正后申请内容仍不明确", "3.补正申请内容仍不明"),
    ("3.其他", "3.他"),
])
def test_a_label_missing_characters_is_read_by_its_position_with_an_info_note(label, damaged):
    # 「\t\t2.其他法律行政止公开\t0\t1\t0\t0\t16\t无\t17」: the row between 1. and 3. of （三）
    report = base_report()
    text = render_text(report, "tab_collapsed")
    assert label in text
    parsed = ingest_text(text.replace(label, damaged))
    assert_t3_exact(report, parsed)
    no_errors(parsed)
    assert any(damaged in w.message for w in parsed.warnings if w.severity == "info"), \
        "the contract asks for an info warning quoting the printed label"


# ---- 2. label_variant -------------------------------------------------------------------------------

@pytest.mark.parametrize("template_text,variant", [(t, v) for t, vs in D.VARIANTS for v in vs])
def test_real_label_variants_read_the_same_row(template_text, variant):
    # 「7.属于行政执法案件」「上年转结」「危及"三安全一稳定"」「本机关不掌握相关信息」「没有现成信息」…
    report = base_report()
    text = render_text(report, "tab_collapsed")
    parsed = ingest_text(text.replace(template_text, variant))
    assert_t3_exact(report, parsed)
    assert_exact(report, parsed, T2_KEYS + T4_KEYS)
    no_errors(parsed)


# ---- 3. traditional characters --------------------------------------------------------------------

def test_table_labels_in_traditional_characters():
    # 「\t\t2.其他法律行政法規禁止公開\t0\t1\t…」「四、結轉下年度繼續辦理」「行政復議」「規章」
    report = base_report()

    class Pick(random.Random):
        def random(self):  # labels only, narrative left simplified
            return 0.9
    parsed = ingest_text(D.traditional(report, "tab_collapsed", Pick(1)))
    assert_t3_exact(report, parsed)
    assert_exact(report, parsed, T2_KEYS + T4_KEYS)
    no_errors(parsed)


def test_whole_report_in_traditional_characters_with_blank_cells_printed_無():
    # 「一、本年新收政府信息公開申請數量\t10\t47\t45\t29\t114\t無\t245」: 無 is the blank mark 无
    report = base_report()
    parsed = ingest_text(D.to_traditional(render_text(report, "tab_collapsed")))
    assert_t3_exact(report, parsed)
    assert_exact(report, parsed, T4_KEYS + ["meta.year", "meta.template"])
    no_errors(parsed)


def test_whole_2019_report_in_traditional_characters_keeps_its_template():
    # 「本年新製作數量」「上一年項目數量」「採購總金額」: the 2019 header words in 繁體
    report = report_2019()
    parsed = ingest_text(D.to_traditional(render_text(report, "tab_collapsed")))
    assert parsed.fields["meta.template"] == "2019"
    assert_t3_exact(report, parsed)


# ---- 4. page_break_split ----------------------------------------------------------------------------

@pytest.mark.parametrize("shape", ["tab_collapsed", "pipes", "cells"])
@pytest.mark.parametrize("how", ["between_rows", "label_then_numbers", "wrapped", "wrapped_over_page"])
@pytest.mark.parametrize("repeat_header", [False, True])
def test_page_break_inside_table_3(shape, how, repeat_header):
    # between_rows:        …1.属于国家秘密 2 1 2 0 13 无 18 / — 3 — / [header again] / 2.其他法律行政法规禁止公开 0 1 …
    # label_then_numbers:  2.其他法律行政法规禁止公开 (empty cells) / — 3 — / [header] / (empty label) 0 1 0 0 16 无 17
    # wrapped:             2.其他法律行政法 / 0 1 0 0 16 无 17 / 规禁止公开
    # wrapped_over_page:   2.其他法律行政法 / 0 1 0 0 16 无 17 / — 3 — / [header] / 规禁止公开
    if how == "wrapped" and repeat_header:
        pytest.skip("no page break to repeat the header at")
    report = base_report()
    text = D.page_break_text(report, shape, "denied_law_prohibited", how, footer=[D.Raw("— 3 —")],
                             repeat_header=repeat_header, cut=len("2.其他法律行政法"))
    parsed = ingest_text(text)
    assert_t3_exact(report, parsed)
    no_errors(parsed)


# ---- 5. outside_table -------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", ["tab_collapsed", "tab_grid", "pipes", "cells"])
@pytest.mark.parametrize("rows", [1, 2])
def test_last_rows_printed_as_plain_lines_after_the_table(shape, rows):
    # …\t（六）其他处理 3.其他\t2\t12\t2\t0\t0\t无\t16
    # （七）总计 109 88 95 34 128 无 454          (only with rows=2)
    # 四、结转下年度继续办理 2 5 3 5 5 无 20
    report = base_report()
    parsed = ingest_text(D.outside_table_text(report, shape, rows, " ", blank_line=False))
    assert_t3_exact(report, parsed)
    no_errors(parsed)


# ---- 6. pipe shapes real tools produce --------------------------------------------------------------

@pytest.mark.parametrize("sep", ["", "|", "||||"])
@pytest.mark.parametrize("colspan_pipes", [False, True])
def test_one_cell_per_line_pipes_from_an_html_converter(sep, colspan_pipes):
    # 一、本年新收政府信息公开申请数量|||      (colspan 3 as three pipes)
    # 10|  47|  …  245|
    # ||||                                    (a row ends with a line of pipes)
    # 商业 / 企业|                             (a header cell's <br>)
    # 行政许可| / 1|||                          (Table 2's value cell spanning three columns)
    report = base_report()
    parsed = ingest_text(D.pipe_tool_text(report, sep, colspan_pipes, split_headers=True, split_labels=False))
    assert_t3_exact(report, parsed)
    assert_exact(report, parsed, T2_KEYS + T4_KEYS)
    no_errors(parsed)


def test_pipe_cells_with_long_labels_broken_over_two_lines():
    # 一、本年新收政府信息 / 公开申请数量| / 10| / 47| …
    report = base_report()
    parsed = ingest_text(D.pipe_tool_text(report, "", colspan_pipes=False, split_headers=True, split_labels=True))
    assert_t3_exact(report, parsed)
    no_errors(parsed)


# ---- 7. flattened -----------------------------------------------------------------------------------

def single_digit_report() -> SyntheticReport:
    """Every cell a single digit, so each Table 3 row is a run of exactly seven digits."""
    report = make_report(random.Random(5), template="2021", blank_columns=False)
    f = report.fields
    for key in list(f):
        if key.startswith("applications."):
            f[key] = 0
    for k, v in {"granted.natural": 1, "granted.commercial": 2, "granted.total": 3, "unable_not_held.natural": 1,
                 "unable_not_held.total": 1, "total.natural": 2, "total.commercial": 2, "total.total": 4,
                 "carried_forward.natural": 1, "carried_forward.total": 1, "carried_over.natural": 1,
                 "carried_over.total": 1, "new_received.natural": 2, "new_received.commercial": 2,
                 "new_received.total": 4}.items():
        f[f"applications.{k}"] = v
    for key in T4_KEYS:
        f[key] = 0
    f["review.upheld"], f["review.corrected"], f["review.total"] = 1, 2, 3
    for key in T2_KEYS:
        f[key] = 3
    return report


@pytest.mark.parametrize("header", [False, True])
def test_flattened_page_with_unambiguous_digit_runs(header):
    # …一、本年新收政府信息公开申请数量2200004二、上年结转政府信息公开申请数量1000001三、本年度办理结果（一）予以公开1200003（二）…
    # a run of exactly 7 digits between two labels can only be the row's 7 cells
    report = single_digit_report()
    parsed = ingest_text(D.flatten(report, header=header))
    assert_t3_exact(report, parsed, ["new_received", "carried_over", "granted", "total", "carried_forward"])
    assert D.judge(report, parsed).ok, D.judge(report, parsed).explain()
    assert parsed.fields["meta.year"] == report.year


def test_flattened_page_with_ambiguous_runs_gives_flagged_nulls_not_guesses():
    # 一、本年新收政府信息公开申请数量1047452911445245二、…: nulls, each one flagged
    report = base_report()
    parsed = ingest_text(D.flatten(report))
    verdict = D.judge(report, parsed)
    assert verdict.ok, verdict.explain()


def test_flattened_2020_report_keeps_the_2019_template():
    # the 2019 header words (本年新制作数量, 上一年项目数量…) are in the run-together text, and the year is 2020
    report = report_2019()
    parsed = ingest_text(D.flatten(report, header=True))
    assert parsed.fields["meta.year"] == 2020
    assert parsed.fields["meta.template"] == "2019"


# ---- 8. table4_interleaved --------------------------------------------------------------------------

@pytest.mark.parametrize("sep", [" ", "", "\u3000"])
def test_table_4_on_one_line_with_its_header_words_between_the_values(sep):
    # 行政复议 结果维持 0 结果纠正 5 其他结果 0 尚未审结 11 总计 16 行政诉讼 未经复议直接起诉 结果维持 0 … 复议后起诉 … 总计 0
    report = base_report()
    parsed = ingest_text(D.render(report, "tab_collapsed", t4=[D.table4_line(report, sep)]))
    assert_exact(report, parsed, T4_KEYS)
    assert_t3_exact(report, parsed)
    no_errors(parsed)


# ---- 9. truncated -----------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", ["tab_collapsed", "pipe_cells"])
def test_report_cut_inside_table_3_reads_the_rows_it_has(shape):
    # …3.危及“三安全一稳定”\t19\t1\t13\t23\t0\t无\t56   ← the page ends here
    report = base_report()
    parsed = ingest_text(D.truncated_head(report, shape, "denied_third_party"))
    keys = D.t3_keys("2021")
    before = keys[:keys.index("denied_third_party")]
    assert_t3_exact(report, parsed, before)
    after = [f"applications.{k}.{c}" for k in keys[len(before):] for c in COLS]
    assert all(parsed.fields.get(k) is None for k in after)
    assert set(after) <= set(parsed.unread)
    no_errors(parsed)


def test_report_cut_inside_a_row_of_one_cell_per_line():
    # 3.危及“三安全一稳定”| / 19| / 1|   ← the page ends here: the row is short, not 19 and 1 in two columns
    report = base_report()
    parsed = ingest_text(D.truncated_head(report, "pipe_cells", "denied_three_safety", partial=2, trailing_blank=False))
    assert row(parsed, "denied_three_safety") == [None] * 7
    assert {f"applications.denied_three_safety.{c}" for c in COLS} <= set(parsed.unread)
    no_errors(parsed)


@pytest.mark.parametrize("shape", ["tab_collapsed", "cells"])
def test_report_starting_inside_table_3_reads_the_rows_it_has(shape):
    # (page starts)  \t\t5.属于三类内部事务信息\t0\t0\t2\t0\t25\t无\t27 …
    report = base_report()
    parsed = ingest_text(D.truncated_tail(report, shape, "denied_internal"))
    keys = D.t3_keys("2021")
    assert_t3_exact(report, parsed, keys[keys.index("denied_internal"):])
    assert_exact(report, parsed, T4_KEYS)
    no_errors(parsed)

