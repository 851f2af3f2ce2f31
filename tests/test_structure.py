"""Rows placed by the template's structure: a damaged or variant label, a row that fell outside the
ruled table at a page break. Real files (a reportlab PDF) with known values; the property that
matters is that such damage gives the known values or 未读到, and never a new R1–R4 error."""
from __future__ import annotations

import io
import random

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import PageBreak, SimpleDocTemplate
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable
from reportlab.platypus import TableStyle

from core import fields as F
from core.ingest import ingest, ingest_text
from core.synthetic import make_report, render_text

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
ERRORS = {"R1", "R2", "R3", "R4"}


def _values(report, key: str) -> list[str]:
    return ["/" if report.fields.get(f"applications.{key}.{c}") is None else str(report.fields[f"applications.{key}.{c}"])
            for c, _ in F.APPLICANT_COLUMNS]


def _t3_rows(report, labels: dict[str, str]) -> list[list[str]]:
    rows = [["", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]]
    for r in F.APPLICATION_ROWS:
        if "2021" in r.templates:
            rows.append([labels.get(r.key, r.label.split("·")[-1])] + _values(report, r.key))
    return rows


def _pdf(report, labels: dict[str, str], outside: str | None) -> bytes:
    """Table 3 as a ruled table; the row `outside` printed as a line of text below the table, at the
    foot of the page, and the rest of the table continued on the next page."""
    style = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14)
    rows = _t3_rows(report, labels)
    keys = [r.key for r in F.APPLICATION_ROWS if "2021" in r.templates]

    def table(part):
        t = RLTable(part)
        t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 8), ("GRID", (0, 0), (-1, -1), 0.5, "black")]))
        return t

    story = [RLParagraph(f"{report.agency}{report.year}年政府信息公开工作年度报告", style),
             RLParagraph("一、总体情况", style), RLParagraph("本年度依法做好政府信息公开工作。", style),
             RLParagraph("三、收到和处理政府信息公开申请情况", style)]
    if outside is None:
        story.append(table(rows))
    else:
        cut = keys.index(outside) + 1  # rows[0] is the header
        story.append(table(rows[:cut]))
        story.append(RLParagraph("　".join(rows[cut]), style))
        story += [PageBreak(), table(rows[cut + 1:])]
    story += [RLParagraph("五、存在的主要问题及改进情况", style), RLParagraph("无。", style),
              RLParagraph("六、其他需要报告的事项", style), RLParagraph("无。", style)]
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build(story)
    return buf.getvalue()


def _report():
    return make_report(random.Random(7), template="2021", blank_columns=False)


def _t3_right(report, parsed) -> list[str]:
    return [k for k, v in report.fields.items() if k.startswith("applications.") and parsed.fields.get(k) != v]


def test_pdf_damaged_label_and_row_below_the_table_keep_their_numbers():
    report = _report()
    damaged = {"denied_law_prohibited": "2.其他法律行政止公开", "denied_enforcement_file": "7.属于行政执法案件"}
    parsed = ingest(_pdf(report, damaged, outside="denied_query"), "damaged.pdf")
    assert parsed.error is None
    assert _t3_right(report, parsed) == []
    mismatch = [w for w in parsed.warnings if w.rule == "label_mismatch"]
    assert {w.keys[0] for w in mismatch} == {"applications.denied_law_prohibited.natural",
                                             "applications.denied_enforcement_file.natural"}
    assert "2.其他法律行政止公开" in " ".join(w.message for w in mismatch)
    assert not {w.rule for w in parsed.warnings if w.severity == "error"} & ERRORS
    # the fixture prints Table 3 only: every Table 3 cell is read, Tables 2 and 4 are 未读到
    assert not [k for k in parsed.unread if k.startswith("applications.")]
    assert parsed.completeness() == (175, 200)


def test_a_lost_row_is_unread_and_its_rules_cannot_be_verified():
    report = _report()
    text = render_text(report, "tab_grid")
    lines = [ln for ln in text.splitlines() if "属于行政查询事项" not in ln]
    parsed = ingest_text("\n".join(lines), "lost-row.txt")
    lost = {f"applications.denied_query.{c}" for c, _ in F.APPLICANT_COLUMNS}
    assert lost <= set(parsed.unread)
    assert all(parsed.fields.get(k) is None for k in lost)
    assert not {w.rule for w in parsed.warnings if w.severity == "error"} & ERRORS
    r2 = [w for w in parsed.warnings if w.rule == "R2"]
    assert r2 and all(w.severity == "info" and "无法核验" in w.message for w in r2)
    assert parsed.completeness() == (193, 200)


def test_a_label_that_fits_no_row_and_no_gap_is_reported_not_guessed():
    report = _report()
    text = render_text(report, "tab_grid").replace("1.属于国家秘密", "9.某某事项")
    parsed = ingest_text(text, "odd-label.txt")
    # ordinal 9 fits no row of group (三): the row is not placed, its cells are 未读到
    assert {f"applications.denied_state_secret.{c}" for c, _ in F.APPLICANT_COLUMNS} <= set(parsed.unread)
    assert any(w.rule == "unplaced_row" and "9.某某事项" in w.message for w in parsed.warnings)
    assert not {w.rule for w in parsed.warnings if w.severity == "error"} & ERRORS


def test_fee_table_under_section_six_gives_the_amount_collected_and_is_no_table_3_row():
    text = ("某某县财政局2023年政府信息公开工作年度报告\n一、总体情况\n全年主动公开政府信息共120条。\n"
            "六、其他需要报告的事项\n本年度信息处理费情况如下：\n"
            "收费通知件数\t通知收费金额（元）\t实际收取金额（元）\n2\t300\t200\n某某县财政局\n2024年1月20日\n")
    parsed = ingest_text(text, "fee-table.txt")
    assert parsed.fields["processing_fee.yuan"] == 200
    assert parsed.provenance["processing_fee.yuan"].col == "收费表"
    assert not [k for k in parsed.fields if k.startswith("applications.other_no_fee")]


def test_a_flattened_page_text_splits_runs_only_where_the_sums_confirm_them():
    """A crawler's page text: every cell of a row run together (「一、本年新收…数量 713000074」)."""
    report = make_report(random.Random(11), template="2021", blank_columns=False)
    for key in list(report.fields):  # a report that prints 0 in every cell, as portal pages do
        if report.fields[key] is None:
            report.fields[key] = 0
    from core.synthetic import expand, layout_t2, layout_t3, layout_t4
    flat = lambda layout: "".join(t for row in expand(layout) for t, covered, _ in row if not covered)  # noqa: E731
    text = (f"标题: {report.agency}{report.year}年度政府信息公开工作年度报告\n==== 正文 ====\n"
            f"一、总体情况 本年度依法做好政府信息公开工作。二、主动公开政府信息情况{flat(layout_t2(report))}"
            f"三、收到和处理政府信息公开申请情况{flat(layout_t3(report))}"
            f"四、政府信息公开行政复议、行政诉讼情况{flat(layout_t4(report))}五、存在的主要问题及改进情况 无。六、其他需要报告的事项 无。\n")
    parsed = ingest_text(text, "page.txt")
    wrong = {k: (v, parsed.fields.get(k)) for k, v in report.fields.items()
             if parsed.fields.get(k) is not None and parsed.fields.get(k) != v}
    assert wrong == {}
    t3 = [k for k in report.fields if k.startswith("applications.")]
    read = [k for k in t3 if parsed.fields.get(k) == report.fields[k]]
    assert len(read) >= 0.9 * len(t3)  # a few rows may have two splits that both add up: left 未读到
    assert all(parsed.fields.get(k) is not None or k in parsed.unread for k in t3)
    assert not {w.rule for w in parsed.warnings if w.severity == "error"} & ERRORS
    assert any(w.rule == "joined_digits" for w in parsed.warnings)
