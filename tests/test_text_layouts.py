"""Each text shape a report's tables take, read back cell for cell (small inline documents)."""
from core.ingest import ingest_text

T3_ROWS = [
    ("一、本年新收政府信息公开申请数量", "new_received"),
    ("二、上年结转政府信息公开申请数量", "carried_over"),
    ("（一）予以公开", "granted"),
    ("（二）部分公开", "partial"),
    ("1.属于国家秘密", "denied_state_secret"),
    ("2.其他法律行政法规禁止公开", "denied_law_prohibited"),
    ("3.危及“三安全一稳定”", "denied_three_safety"),
    ("4.保护第三方合法权益", "denied_third_party"),
    ("5.属于三类内部事务信息", "denied_internal"),
    ("6.属于四类过程性信息", "denied_process"),
    ("7.属于行政执法案卷", "denied_enforcement_file"),
    ("8.属于行政查询事项", "denied_query"),
    ("1.本机关不掌握相关政府信息", "unable_not_held"),
    ("2.没有现成信息需要另行制作", "unable_needs_creation"),
    ("3.补正后申请内容仍不明确", "unable_unclear"),
    ("1.信访举报投诉类申请", "rejected_petition"),
    ("2.重复申请", "rejected_repeat"),
    ("3.要求提供公开出版物", "rejected_publication"),
    ("4.无正当理由大量反复申请", "rejected_excessive"),
    ("5.要求行政机关确认或重新出具已获取信息", "rejected_confirm"),
    ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other_no_correction"),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other_no_fee"),
    ("3.其他", "other_other"),
    ("（七）总计", "total"),
    ("四、结转下年度继续办理", "carried_forward"),
]
ZERO = ["0"] * 7
# granted 2+1=3, not held 1: total 4; new 4, carried 1, forward 1 → 4+1 = 4+1
VALUES = {"new_received": ["3", "1", "0", "0", "0", "0", "4"], "carried_over": ["1", "0", "0", "0", "0", "0", "1"],
          "granted": ["2", "1", "0", "0", "0", "0", "3"], "unable_not_held": ["1", "0", "0", "0", "0", "0", "1"],
          "total": ["3", "1", "0", "0", "0", "0", "4"], "carried_forward": ["1", "0", "0", "0", "0", "0", "1"]}
COLS = ["natural", "commercial", "research", "social", "legal", "other_org", "total"]
HEAD = "某某县财政局2023年政府信息公开工作年度报告\n\n一、总体情况\n2023年，我局认真落实条例。\n\n三、收到和处理政府信息公开申请情况\n"
TAIL = "\n四、政府信息公开行政复议、行政诉讼情况\n"


def _check_t3(report, values=VALUES):
    assert report.error is None, report.error
    for _, key in T3_ROWS:
        expect = values.get(key, ZERO)
        got = [report.fields.get(f"applications.{key}.{c}") for c in COLS]
        assert got == [None if v in ("", "/") else int(v) for v in expect], key
    assert not [w for w in report.warnings if w.severity == "error"], report.warnings


def test_tab_rows_with_empty_merged_label_cells_and_padding():
    lines = []
    for label, key in T3_ROWS:
        vals = VALUES.get(key, ZERO)
        if label[0] in "一二四" or label.startswith("（七）"):
            lines.append("\t".join([label, ""] + vals + [""]))  # label spans two cells, trailing pad
        else:
            lines.append("\t".join(["", "", label] + vals))
    report = ingest_text(HEAD + "\n".join(lines) + TAIL)
    _check_t3(report)
    prov = report.provenance["applications.granted.commercial"]
    assert prov.col == "商业企业" and prov.text == "1" and "予以公开" in prov.row
    assert prov.where == "第9行"  # title, blank, 一、, body, blank, 三、, 一, 二, then (一)


def test_one_cell_per_line_with_blank_cells_and_a_cell_split_over_two_lines():
    values = dict(VALUES)
    values["granted"] = ["2", "1", "", "", "", "", "3"]
    parts = []
    for label, key in T3_ROWS:
        cells = [label] + values.get(key, ZERO)
        if key == "total":  # each empty cell written as two paragraphs, the total on its own line
            parts.append("\t" + label + "\n" + "".join("\t\u00a0\n\u00a0\n" for _ in range(6)) + "\t\n4\n")
            continue
        parts.append("".join("\t" + (c if c else "") + "\n" for c in cells) + "\n")
    values["total"] = ["", "", "", "", "", "", "4"]
    report = ingest_text(HEAD + "\n".join(parts) + TAIL)
    assert report.fields["applications.granted.research"] is None
    assert report.fields["applications.total.total"] == 4
    assert report.fields["applications.total.natural"] is None


def test_pipe_rows_and_one_cell_per_line_with_trailing_pipes():
    rows = ["| " + " | ".join([label] + VALUES.get(key, ZERO)) + " |" for label, key in T3_ROWS]
    _check_t3(ingest_text(HEAD + "| 项目 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |\n"
                          "|---|---|---|---|---|---|---|---|\n" + "\n".join(rows) + TAIL))
    cells = "\n".join("".join(c + "|\n" for c in [label] + VALUES.get(key, ZERO)) for label, key in T3_ROWS)
    _check_t3(ingest_text(HEAD + cells + TAIL))


def test_spaced_columns_as_pdftotext_prints_them():
    rows = [label + "    " + "   ".join(VALUES.get(key, ZERO)) for label, key in T3_ROWS]
    _check_t3(ingest_text(HEAD + "\n".join(rows) + TAIL))


def test_ocr_row_with_a_missing_number_is_null_with_a_warning_never_filled():
    lines = []
    for label, key in T3_ROWS:
        vals = VALUES.get(key, ZERO)
        lead = [label, "", ""] if label[0] in "一二四" or label.startswith("（七）") else ["", "", label]
        if key == "partial":
            lines.append("\t".join(lead + [""] + vals[1:] + ["", ""]))  # OCR lost 自然人
        else:
            lines.append("\t".join(lead + vals + ["", ""]))
    report = ingest_text(HEAD + "\n".join(lines) + TAIL)
    assert report.fields["applications.partial.natural"] is None
    assert report.fields["applications.partial.commercial"] == 0
    short = [w for w in report.warnings if w.rule == "short_row"]
    assert short and short[0].keys == ("applications.partial.natural",) and "自然人" in short[0].message
    r2 = [w for w in report.warnings if w.rule == "R2" and "applications.partial.natural" in w.keys]
    assert r2 and r2[0].severity == "info" and "无法核验" in r2[0].message


def test_row_that_cannot_be_placed_is_all_null_with_a_warning():
    lines = ["\t".join([label] + VALUES.get(key, ZERO)) for label, key in T3_ROWS if key != "granted"]
    lines.insert(2, "\t".join(["（一）予以公开", "2", "1", "3"]))
    report = ingest_text(HEAD + "\n".join(lines) + TAIL)
    assert all(report.fields[f"applications.granted.{c}"] is None for c in COLS)
    assert any(w.rule == "short_row" and "予以公开" in w.message for w in report.warnings)


def test_ocr_label_variants_and_garbage_cells():
    lines = []
    for label, key in T3_ROWS:
        label = {"total": "(七)总记", "unable_not_held": "1.本机关不掌 握相关政府信息"}.get(key, label)
        junk = ["†"] if key == "total" else []
        lines.append("\t".join([label] + junk + VALUES.get(key, ZERO)))
    _check_t3(ingest_text(HEAD + "\n".join(lines) + TAIL))


def test_table2_2019_template_money_units_and_signed_change():
    text = ("某市住建局2020年度政府信息公开工作年度报告\n二、主动公开政府信息情况\n"
            "第二十条第（一）项\n信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量\n规章\t0\t0\t0\n规范性文件\t1\t1\t2\n"
            "第二十条第（八）项\n信息内容\t上一年项目数量\t本年增/减\n行政事业性收费\t2\t+5\n"
            "第二十条第（九）项\n信息内容\t采购项目数量\t采购总金额\n政府集中采购\t45\t251000元\n")
    report = ingest_text(text)
    f = report.fields
    assert f["meta.template"] == "2019"
    assert f["proactive.normative_docs.total_public"] == 2
    assert f["proactive.fees.change"] == 5 and f["proactive.fees.prev_items"] == 2
    assert f["proactive.procurement.amount_wan"] == 25.1
    bare = ingest_text(text.replace("251000元", "21.53"))
    assert bare.fields["proactive.procurement.amount_wan"] == 21.53
    assert any(w.rule == "unit_unstated" and w.severity == "info" for w in bare.warnings)


def test_fee_column_in_yuan_is_converted_to_wan():
    text = ("某区文旅局2023年政府信息公开工作年度报告\n二、主动公开政府信息情况\n"
            "第二十条第（八）项\n信息内容\t本年收费金额（单位：元）\n行政事业性收费\t12500\n")
    assert ingest_text(text).fields["proactive.fees.amount_wan"] == 1.25


def test_blank_markers_are_null_and_printed_zero_is_zero():
    vals = {"granted": ["/", "—", "无", "-", "－", "0", "0"]}
    lines = ["\t".join([label] + vals.get(key, ZERO)) for label, key in T3_ROWS]
    report = ingest_text(HEAD + "\n".join(lines) + TAIL)
    got = [report.fields[f"applications.granted.{c}"] for c in COLS]
    assert got == [None, None, None, None, None, 0, 0]


def test_2019_single_other_row():
    rows = [r for r in T3_ROWS if not r[1].startswith("other_")]
    rows.insert(20, ("（六）其他处理", "other"))
    lines = ["\t".join([label] + VALUES.get(key, ZERO)) for label, key in rows]
    report = ingest_text(HEAD.replace("2023", "2020") + "\n".join(lines) + TAIL)
    assert report.fields["applications.other.total"] == 0
    assert "applications.other_other.total" not in report.fields


def _layout_line(label: str, values: list[str], width: int = 24) -> str:
    """A row as pdftotext -layout prints it: the label, then each value right-aligned in its column."""
    pad = label + " " * max(2, width - len(label))
    return pad + "".join(v.rjust(8) for v in values)


def test_layout_text_wrapped_labels_page_footer_and_blank_cells_by_position():
    lines = []
    for label, key in T3_ROWS:
        vals = VALUES.get(key, ZERO)
        if key == "unable_unclear":  # label wrapped around its numbers, a page break just before
            lines += ["", "                 -2-", "\f    3.补正后申请内容仍", _layout_line("", vals).rstrip(), "    不明确"]
        elif key == "granted":  # blank cells: only their column positions tell where the numbers belong
            lines.append(_layout_line(label, ["2", "1", "", "", "", "", "3"]))
        else:
            lines.append(_layout_line(label, vals))
    report = ingest_text(HEAD + "\n".join(lines) + TAIL)
    values = dict(VALUES, granted=["2", "1", "", "", "", "", "3"])
    _check_t3(report, values)
    assert not any(w.rule == "short_row" for w in report.warnings)


def test_layout_row_that_cannot_be_placed_by_position_stays_null():
    lines = [_layout_line(label, VALUES.get(key, ZERO)) for label, key in T3_ROWS]
    lines[2] = "（一）予以公开" + "    2" + "  1" + "   3"  # no column positions to go by
    report = ingest_text(HEAD + "\n".join(lines) + TAIL)
    assert report.fields["applications.granted.total"] is None
    assert any(w.rule == "short_row" and "予以公开" in w.message for w in report.warnings)


def test_layout_rows_with_dash_blanks_numbered_labels_and_units():
    """「规章  1  —  11」: the values are read from the right, so a blank mark never joins the label;
    「1. 属于国家秘密」 keeps its space after the number; 「3件」 is a count."""
    from core.readers.text import row_from_line
    assert row_from_line("规章            1      —      11") == ["规章", "1", "—", "11"]
    assert row_from_line("    1. 属于国家秘密      7   13  /  0  0  0  20") == ["1. 属于国家秘密", "7", "13", "/", "0", "0", "0", "20"]
    assert row_from_line("行政许可        3件") == ["行政许可", "3件"]
    assert row_from_line("行政事业性收费   ９６１７１．６") == ["行政事业性收费", "９６１７１．６"]
    assert row_from_line("全年共办理申请 5") is None  # a sentence ending in a number: one space is not a column gap


def test_markdown_merged_cells_repeated_over_their_span_count_once():
    text = ("某局2023年政府信息公开工作年度报告\n二、主动公开政府信息情况\n"
            "| 信息内容 | 本年处理决定数量 | 本年处理决定数量 | 本年处理决定数量 |\n|---|---|---|---|\n"
            "| 行政许可 | 4471 | 4471 | 4471 |\n| 行政处罚 | 12 | 12 | 12 |\n")
    f = ingest_text(text).fields
    assert (f["proactive.licensing.decisions"], f["proactive.penalty.decisions"]) == (4471, 12)


def test_section_three_without_any_table_row_is_reported():
    text = HEAD + "本年度未收到政府信息公开申请。\n" + TAIL
    r = ingest_text(text)
    assert any(w.rule == "missing_table" and "表三" in w.message for w in r.warnings)
