"""Values corrected by hand: kept with what was parsed and why, applied before the checks, undone,
kept through a re-parse and a restart, and never lost to a concurrent correction — on SQLite and on
the tests' PostgreSQL server."""
from __future__ import annotations

import threading

import pytest

from conftest import ROOT
from core import corrections
from core import metrics as M
from core.library import CorrectionRefused, Library

R2_SAMPLE = ROOT / "sample_reports" / "002_b232cca7e491c758.txt"  # 市住建局 2020: two R2 breaks, each 1 apart
NATURAL = "applications.total.natural"  # printed 15, its outcomes add up to 16


@pytest.fixture()
def r2(location):
    """A library holding the sample whose Table 3 does not add up, and that report's id."""
    lib = Library(location())
    added = lib.add(R2_SAMPLE.read_bytes(), "住建局2020.txt")
    assert added.status == "added"
    return lib, added.report_id


def _errors(report) -> list[str]:
    return [w.message for w in report.warnings if w.severity == "error"]


def test_a_correction_reruns_the_checks_reaches_the_tables_and_can_be_undone(r2):
    lib, rid = r2
    assert any("自然人为15" in m for m in _errors(lib.get(rid).report))
    corrected = lib.correct(rid, NATURAL, 16, "原文第 2 页表三（七）总计·自然人为 16，解析读成 15")
    assert corrected.fields[NATURAL] == 16 and not any("自然人为15" in m for m in _errors(corrected))
    # the checks ran on the corrected table: 16 now breaks the column's own balance (R1) instead
    assert any(w.rule == "R1" and "（七）总计16" in w.message for w in corrected.warnings if w.severity == "error")
    stored = lib.get(rid).report
    assert stored.fields[NATURAL] == 16 and [(c.key, c.value, c.parsed) for c in stored.corrections] == [(NATURAL, 16, 15)]
    assert "已人工更正" in stored.provenance[NATURAL].where  # the cell it was read from, marked
    wide = M.wide(lib.current_rows())
    assert wide.iloc[0][NATURAL] == 16  # what the charts and downloads read
    download = M.table_for(wide, [NATURAL, "applications.granted.natural"])
    assert download["人工更正"].iloc[0] == f"{M.METRICS[NATURAL].label}已人工更正（原读数 15，理由：原文第 2 页表三（七）总计·自然人为 16，解析读成 15）"
    [made] = lib.correction_history(rid)
    assert (made.key, made.value, made.parsed, made.undone_at) == (NATURAL, 16, 15, None)

    lib.undo_correction(made.id)
    undone = lib.get(rid).report
    assert undone.fields[NATURAL] == 15 and undone.corrections == [] and any("自然人为15" in m for m in _errors(undone))
    assert M.wide(lib.current_rows()).iloc[0][NATURAL] == 15
    assert "人工更正" not in M.table_for(M.wide(lib.current_rows()), [NATURAL])  # nothing corrected: no column
    assert lib.correction_history(rid)[0].undone_at is not None  # kept as history


def test_corrections_survive_a_reparse_after_a_parser_change_and_a_restart(r2, location):
    lib, rid = r2
    lib.correct(rid, NATURAL, 16, "原文为 16")
    lib.correct(rid, "meta.agency", "某市住房和城乡建设局", "报告标题中的全称")
    with lib.store.write() as db:  # an older parser made the record
        db.execute("UPDATE reports SET parser_version = 'old'")
    assert lib.stale() == 1
    lib.reparse_stale()
    again = Library(lib.path)  # a restart: nothing but the database
    assert again.stale() == 0
    report = again.get(rid)
    assert report.report.fields[NATURAL] == 16 and report.agency == "某市住房和城乡建设局"
    assert {c.key for c in report.report.corrections} == {NATURAL, "meta.agency"}


def test_the_latest_of_two_corrections_of_a_cell_applies_and_undoing_it_brings_back_the_first(r2):
    lib, rid = r2
    lib.correct(rid, NATURAL, 17, "第一次")
    lib.correct(rid, NATURAL, 16, "再核对原文")
    report = lib.get(rid).report
    assert report.fields[NATURAL] == 16
    assert [corrections.status(h, report.corrections) for h in lib.correction_history(rid)] == ["生效", "已被更新的更正取代"]
    lib.undo_correction(lib.correction_history(rid)[0].id)
    assert lib.get(rid).report.fields[NATURAL] == 17


def test_a_cell_can_be_corrected_to_blank_and_an_unread_cell_to_a_number(location):
    lib = Library(location())
    lines = (ROOT / "sample_reports" / "000_cf1e86794f147280.txt").read_text(encoding="utf-8").splitlines(keepends=True)
    damaged = "".join(line for line in lines if "重复申请" not in line)  # a row the parser cannot find
    rid = lib.add(damaged.encode(), "缺行.txt").report_id
    key = "applications.rejected_repeat.total"
    assert key in lib.get(rid).report.unread
    report = lib.correct(rid, key, 0, "原文该行为 0")
    assert key not in report.unread and report.fields[key] == 0
    assert report.corrections[0].parsed_unread and report.completeness()[0] == report.completeness()[0]
    blank = lib.correct(rid, "proactive.regulations.issued", None, "原文该格为空白")
    assert blank.fields["proactive.regulations.issued"] is None and "proactive.regulations.issued" not in blank.unread


def test_a_corrected_template_reads_the_tables_again_by_its_rows(location):
    lib = Library(location())
    text = (ROOT / "sample_reports" / "000_cf1e86794f147280.txt").read_text(encoding="utf-8")
    # one Table 2 header printed the 2019 way: the parser takes the whole report for the 2019 template,
    # loses the rows only 2021 has and accuses a 2023 report of using the old format
    rid = lib.add(text.replace("本年度止件数", "本年增/减", 1).encode(), "混合表头.txt").report_id
    misread = lib.get(rid).report
    in_force = "proactive.regulations.in_force"  # a column of the 2021 template only
    assert misread.fields["meta.template"] == "2019" and in_force not in misread.fields
    assert any(w.rule == "template_year" for w in misread.warnings)

    report = lib.correct(rid, "meta.template", "2021", "表格为 2021 年格式，只有一个表头写法不同")
    assert report.fields["meta.template"] == "2021" and report.completeness() == (200, 200)
    assert report.fields[in_force] == 0 and not any(w.rule in ("template_year", "missing_row") for w in report.warnings)
    assert [(c.key, c.value, c.parsed) for c in report.corrections] == [("meta.template", "2021", "2019")]
    assert lib.get(rid).template == "2021"

    # a cell only the corrected template has stays in force but is not applied once the template goes back
    lib.correct(rid, in_force, 3, "原文为 3")
    template_correction = lib.correction_history(rid)[1]
    lib.undo_correction(template_correction.id)
    back = lib.get(rid).report
    assert back.fields["meta.template"] == "2019" and in_force not in back.fields and back.corrections == []
    assert [corrections.status(h, back.corrections) for h in lib.correction_history(rid)] == [
        "未应用（当前模板没有此格）", "已撤销"]


def test_a_corrected_year_decides_the_template_where_the_tables_do_not(location):
    from core.ingest import ingest
    from core.record import Correction
    text = (ROOT / "sample_reports" / "002_b232cca7e491c758.txt").read_text(encoding="utf-8")
    # the words that tell the 2019 template gone (a scan misread them), the year misprinted in the title
    for word in ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减", "采购项目数量", "采购总金额",
                 "其他处理"):
        text = text.replace(word, "数量")
    text = text.replace("市住建局2020年度", "市住建局2021年度", 1)
    assert ingest(text.encode(), "年度误印.txt").fields["meta.template"] == "2021"
    fixed = ingest(text.encode(), "年度误印.txt", [Correction(1, "meta.year", 2020, "统计期限为 2020 年")])
    assert (fixed.fields["meta.year"], fixed.fields["meta.template"]) == (2020, "2019")


@pytest.mark.parametrize("key, value, reason, says", [
    (NATURAL, 16, "  ", "更正理由"),
    (NATURAL, -1, "原文", "不小于 0"),
    (NATURAL, float("nan"), "原文", "不小于 0"),
    ("applications.no_such_cell.total", 1, "原文", "不是本报告"),
    ("meta.year", 1899, "原文", "报告年度"),
    ("meta.agency", "", "原文", "机构名称"),
    ("meta.template", "2020", "原文", "表格模板"),
])
def test_a_correction_that_cannot_be_made_says_why_and_changes_nothing(r2, key, value, reason, says):
    lib, rid = r2
    generation = lib.generation
    with pytest.raises(CorrectionRefused, match=says):
        lib.correct(rid, key, value, reason)
    assert lib.correction_history(rid) == [] and lib.generation == generation


def test_two_concurrent_corrections_of_one_report_lose_neither(r2):
    lib, rid = r2
    start = threading.Barrier(2)
    failures = []

    def correct(key, value):
        try:
            start.wait()
            Library(lib.path).correct(rid, key, value, "并发更正")
        except Exception as e:  # noqa: BLE001 - reported below
            failures.append(e)

    threads = [threading.Thread(target=correct, args=a) for a in
               ((NATURAL, 16), ("applications.total.total", 20))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    fields = lib.get(rid).report.fields
    assert (fields[NATURAL], fields["applications.total.total"]) == (16, 20)
    errors = _errors(lib.get(rid).report)  # the record checked with both corrections
    assert not any(w.startswith("（七）总计·") for w in errors), errors


def test_a_corrected_value_is_marked_in_charts_apart_from_findings(r2):
    from core import charts as C
    lib, rid = r2
    key = "applications.granted.total"  # a cell of the unbalanced Table 3: its mark is the finding
    lib.correct(rid, "proactive.regulations.made", 3, "原文表二规章本年新制作 3 件")
    wide = M.wide(lib.current_rows())
    marks = M.flag_frame(wide, ["proactive.regulations.made", key])
    corrected, finding = marks.iloc[0]
    assert corrected.startswith("已人工更正（原读数 0") and not M.is_finding(corrected)
    assert M.is_finding(finding)  # a finding outranks a correction on the same value
    table = wide[["agency", "proactive.regulations.made"]].rename(columns={"proactive.regulations.made": "value"})
    option = C.ranked_bars(table.assign(flag=marks["proactive.regulations.made"]), "规章", "件", 2020).option
    bar = option["series"][0]["data"][0]
    assert bar["label"]["formatter"].endswith(" ✎") and bar["itemStyle"]["borderColor"] == C.CORRECTED_COLOUR
    note = option["graphic"][0]["style"]["text"]
    assert "✎ 标记的数值经人工更正" in note and "⚠" not in note
    download = M.table_for(wide, ["proactive.regulations.made"])
    assert download["校验发现"].iloc[0] == "" and download["人工更正"].iloc[0].startswith("规章")


def test_the_briefing_marks_a_corrected_value_and_says_what_was_read(r2):
    import io

    from docx import Document

    from core import briefing as B
    lib, rid = r2
    lib.correct(rid, "review.total", 2, "原文表四行政复议总计为 2")
    lib.correct(rid, "review.upheld", 2, "原文表四行政复议结果维持为 2")
    rows = lib.current_rows()
    pack = B.build_briefing(M.wide(rows), M.warnings_frame(rows, lib.series(rows)), B.BriefingScope(year=2020))
    doc = Document(io.BytesIO(pack))
    row = next(r for r in doc.tables[0].rows[1:] if r.cells[0].text == "市住建局")
    assert "2 ✎" in [c.text for c in row.cells]  # 行政复议（件）
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "✎ 经人工更正的数值（不是报告原文）：市住建局——行政复议·总计（原读数 0，理由：原文表四行政复议总计为 2）" in text
    # 图3 (行政复议、行政诉讼) draws the corrected value outlined and says so under the picture
    assert "✎ 标记的数值经人工更正（不是报告原文）：市住建局（2020年）行政复议·总计（原读数 0，理由：原文表四行政复议总计为 2）。" in text
