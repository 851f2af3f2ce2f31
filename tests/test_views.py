"""What a briefing takes from the dashboard must be true as drawn: findings travel with the numbers,
missing is neither zero nor non-compliance, numbers read the Chinese way, the demonstration library is
never mistaken for real data. AppTest on the demonstration library (several years, gaps, four planted
findings) and on small libraries built for one defect each."""
import io
import json
import os
import random
import re

import pandas as pd
import pytest

from conftest import ROOT
from core import charts as C
from core import metrics as M
from core.library import DEMO_DIR, Library
from core.synthetic import make_report, render_text
from test_app import agencies_drawn, figures, chart_title, footnote, labels, run

DEMO_AGENCIES = 8


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A real library that is empty (so pages open on the demonstration) and the demonstration library."""
    folder = tmp_path_factory.mktemp("demo")
    Library(folder / "real.sqlite3").ensure_seeded(folder)  # nothing to load
    os.environ["GOVREPORT_DEMO_DB"] = str(folder / "demo.sqlite3")
    yield folder / "real.sqlite3"
    del os.environ["GOVREPORT_DEMO_DB"]


def demo_run(page, real, params=None):
    os.environ["GOVREPORT_DATA"] = ""
    at = run(page, real, params, data="")
    return at


def values(series: dict) -> list:
    """The plotted value of each item of a series (a bar's length, a line point's [x, y])."""
    return [d["value"] if isinstance(d, dict) else d for d in series["data"]]


def named(figs: list[dict], start: str) -> dict:
    return next(f for f in figs if f["title"]["text"].startswith(start))


# ---- the demonstration library ------------------------------------------------------------------

def test_a_first_start_shows_the_demonstration_with_a_banner_and_a_way_back(demo):
    at = demo_run("app.py", demo)
    banner = " ".join(m.value for m in at.markdown)
    assert "演示数据" in banner and "虚构" in banner
    assert at.metric[1].value == str(DEMO_AGENCIES) and at.metric[2].value == "2020–2024"
    assert at.toggle[0].value is True
    at.button(key="leave_demo").click().run()
    assert at.query_params["data"] in ("real", ["real"])
    assert "虚构" not in " ".join(m.value for m in at.markdown)
    assert any("资料库中还没有报告" in i.value for i in at.info)  # the real library, still empty


@pytest.mark.parametrize("page", ["pages/1_compare.py", "pages/2_trends.py", "pages/6_checks.py", "pages/8_report.py"])
def test_every_page_of_the_demonstration_says_so(demo, page):
    at = demo_run(page, demo)
    assert any("虚构的「演示市」各机构" in m.value for m in at.markdown)


def test_the_setting_opens_the_real_library_and_uploads_never_land_in_the_demonstration(demo, tmp_path):
    os.environ["GOVREPORT_DB"] = str(demo)
    at = run("pages/7_upload.py", demo, data="")
    assert any("正式资料库" in i.value for i in at.info)
    r = make_report(random.Random(5), template="2021", agency="丁县民政局", year=2023)
    at.file_uploader[0].set_value([("丁县.txt", render_text(r, "tab_grid").encode(), "text/plain")])
    at.button[-1].click().run()
    assert [s.agency for s in Library(demo).all()] == ["丁县民政局"]
    assert "丁县民政局" not in {s.agency for s in Library(os.environ["GOVREPORT_DEMO_DB"]).all()}
    # once the real library holds an upload, a page without ?data= opens it
    at = run("app.py", demo, data="")
    assert not any("虚构" in m.value for m in at.markdown) and at.metric[1].value == "1"
    Library(demo).delete(Library(demo).all()[0].id)


# ---- findings travel with the numbers -------------------------------------------------------------

def test_a_value_from_a_report_whose_table_does_not_add_up_is_marked_where_it_is_drawn(demo):
    """东湖区 2022 prints 行政复议 总计 0 beside 11 cases (R4): the bars carry ⚠ and the note names R4."""
    at = demo_run("pages/4_review.py", demo, {"data": "demo", "year": "2022"})
    review = named(figures(at), "行政复议：")
    marked = [t for series in review["series"] if series["type"] == "bar" for t in labels(series) if "⚠" in t]
    assert marked
    hatched = [d for series in review["series"] if series["type"] == "bar" for d in series["data"]
               if "decal" in d.get("itemStyle", {})]
    assert len(hatched) == len(marked)
    note = footnote(review)
    assert "东湖区人民政府" in note and "R4" in note and "总计为0" in note
    assert note.count("东湖区人民政府") == 1  # one line per agency and finding, not one per bar segment
    # its correction rate would divide by a total printed as 0 (−50 %): left out, and said why
    rate = named(figures(at), "复议纠错率")
    assert "演示市东湖区人民政府（表四（行政复议）不平衡（R4" in footnote(rate).replace("\n", "")
    assert "演示市东湖区人民政府" not in agencies_drawn(rate)
    assert all(v >= 0 for v in values(rate["series"][0]))


def test_a_rate_says_which_agencies_it_left_out_and_why(demo):
    at = demo_run("pages/4_review.py", demo, {"data": "demo", "year": "2024"})
    fig = named(figures(at), "复议纠错率")
    assert "未计入" in footnote(fig) and "分母为 0" in footnote(fig)
    assert any("复议纠错率未计算的机构" in c.value for c in at.caption)


def test_left_out_names_the_reason_per_agency():
    wide = pd.DataFrame([
        {"agency": "甲", "year": 2023, "suspect": frozenset({"applications.total.total"}), "unread": frozenset(),
         "derived.open_rate": None, "applications.total.total": -3},
        {"agency": "乙", "year": 2023, "suspect": frozenset(), "unread": frozenset({"applications.granted.total"}),
         "derived.open_rate": None, "applications.total.total": 5},
        {"agency": "丙", "year": 2023, "suspect": frozenset(), "unread": frozenset(),
         "derived.open_rate": None, "applications.total.total": 0},
        {"agency": "丁", "year": 2023, "suspect": frozenset(), "unread": frozenset(),
         "derived.open_rate": 50.0, "applications.total.total": 4}])
    why = dict(zip(*M.left_out(wide, "derived.open_rate")[["agency", "reason"]].T.values))
    assert set(why) == {"甲", "乙", "丙"}
    assert "数值可疑" in why["甲"] and why["乙"].startswith("未读到") and "分母为 0" in why["丙"]


# ---- missing is not zero and not non-compliance -------------------------------------------------

def test_the_overview_says_未入库_never_未报送_and_one_line_per_report(demo, tmp_path):
    at = demo_run("app.py", demo, {"data": "demo"})
    grid = named(figures(at), "资料库收录情况")
    words = set(labels(grid["series"][0]))
    assert "未入库" in words and "未报送" not in json.dumps(grid, ensure_ascii=False)
    # one report in four formats is one line of 最近入库, with its versions counted
    db = tmp_path / "four.sqlite3"
    lib = Library(db)
    lib.ensure_seeded(tmp_path)  # nothing else in it
    for suffix in ("txt", "pdf", "docx", "html"):
        lib.add((ROOT / "sample_reports" / f"000_cf1e86794f147280.{suffix}").read_bytes(), f"住建局.{suffix}")
    at = run("app.py", db)
    latest = at.dataframe[-1].value
    assert len(latest) == 1 and latest["版本"].iloc[0] == 4
    assert latest["详情"].iloc[0].startswith("http") and "/report?id=" in latest["详情"].iloc[0]
    assert at.metric[2].value == "2023"  # one year is a year, not 「2023–2023」


def test_a_provincial_coverage_grid_draws_the_agencies_with_gaps_first():
    words = pd.DataFrame({2022: ["已入库", "未入库", "已入库", "1 处错误"], 2023: ["已入库", "未入库", "未入库", "已入库"]},
                         index=["甲局", "乙局", "丙局", "丁局"])
    drawn = M.coverage_gaps_first(words, 3)
    assert list(drawn.index) == ["乙局", "丁局", "丙局"]  # two years missing, then one problem each (by name)
    fig = C.coverage_grid(drawn, of=4)
    assert "缺年度或不平衡最多的 3 个（共 4 个机构）" in chart_title(fig.option)
    assert agencies_drawn(fig.option) == ["乙局", "丁局", "丙局"]


def _year(ms: float) -> float:
    return ms / C.YEAR_MS + 1970


def test_a_line_breaks_at_a_year_the_library_does_not_hold(demo):
    at = demo_run("pages/2_trends.py", demo, {"data": "demo", "agencies": "演示市住房和城乡建设局,演示市生态环境局"})
    fig = figures(at)[0]
    line = next(t for t in fig["series"] if t["name"] == "演示市住房和城乡建设局")
    points = values(line)
    years = [round(_year(x)) for x, _ in points]
    assert years == [2020, 2021, 2022, 2023, 2024] and points[years.index(2022)][1] is None
    assert line["connectNulls"] is False and fig["xAxis"]["axisLabel"]["formatter"] == "{yyyy}"
    assert "断开处：该年度报告未入库" in chart_title(fig)


def test_points_that_coincide_stay_apart_and_end_labels_do_not_collide():
    df = pd.DataFrame({"agency": ["甲县财政局", "甲县财政局", "乙县教育局", "丙县民政局"], "year": [2022, 2023, 2023, 2023],
                       "value": [10.0, 12.0, 12.0, 12.5], "flag": ["", "", "", ""]})
    fig = C.trend_lines(df, "新收申请", "件").option
    xs = {t["name"]: [x for x, _ in values(t)] for t in fig["series"] if t["type"] == "line"}
    assert len({xs["乙县教育局"][0], xs["甲县财政局"][-1], xs["丙县民政局"][0]}) == 3  # same year, set apart
    ends = next(t for t in fig["series"] if t["name"] == "末端标注")["data"]
    assert {e["name"].split()[0] for e in ends} == {"甲县财政局", "乙县教育局", "丙县民政局"}
    ys = sorted(e["value"][1] for e in ends)
    assert min(b - a for a, b in zip(ys, ys[1:])) >= 0.07 * 12.5  # a label's height apart at least
    assert fig["yAxis"]["name"] == "单位：件" and fig["yAxis"]["nameLocation"] == "end"  # level, not turned


def test_no_applicant_breakdown_is_a_sentence_not_an_empty_axis(tmp_path):
    db = tmp_path / "blank.sqlite3"
    lib = Library(db)
    lib.ensure_seeded(tmp_path)
    r = make_report(random.Random(8), template="2021", agency="戊县司法局", year=2023, blank_columns=True)
    lib.add(render_text(r, "tab_grid").encode(), "戊县.txt")
    at = run("pages/3_applications.py", db)
    assert any("申请人类型" in i.value and "没有这些数据" in i.value for i in at.info)
    assert not any("申请人类型" in chart_title(f) for f in figures(at))
    # beside an agency that has one, it is a bar labelled as missing, not a bar of 0
    other = make_report(random.Random(9), template="2021", agency="己县民政局", year=2023, blank_columns=False)
    lib.add(render_text(other, "tab_grid").encode(), "己县.txt")
    fig = next(f for f in figures(run("pages/3_applications.py", db)) if "申请人类型" in chart_title(f))
    ends = [e["name"] for e in next(t for t in fig["series"] if t["name"] == "合计")["data"]]
    assert "未填写或未读到" in ends and sum(e == "未填写或未读到" for e in ends) == 1


def test_grouped_bars_label_every_value_and_tell_zero_from_missing():
    df = pd.DataFrame({"agency": ["甲", "乙"], "a": [0.0, None], "b": [23.0, 12345.0]})
    fig = C.grouped_bars(df, {"a": "本年新收", "b": "办结"}, 2023).option
    assert labels(fig["series"][0]) == ["0", "—"] and labels(fig["series"][1]) == ["23", "12,345"]


# ---- Chinese numbers, downloads -----------------------------------------------------------------

def test_axes_read_the_chinese_way():
    """ECharts writes 23,000 on a value axis by itself; from 100,000 on the axis is in 万 while each bar
    keeps its number as printed."""
    fig = C.ranked_bars(pd.DataFrame({"agency": ["甲", "乙"], "value": [20000.0, 350000.0]}), "收费", "万元", 2023).option
    assert fig["xAxis"]["axisLabel"]["formatter"] == "{value}万" and values(fig["series"][0]) == [35.0, 2.0]
    assert labels(fig["series"][0]) == ["350,000", "20,000"]
    small = C.ranked_bars(pd.DataFrame({"agency": ["甲"], "value": [23000.0]}), "新收", "件", 2023).option
    assert small["xAxis"]["axisLabel"]["formatter"] == "{value}" and values(small["series"][0]) == [23000.0]


def test_downloads_write_counts_as_whole_numbers_with_year_unit_and_link(demo):
    at = demo_run("pages/1_compare.py", demo, {"data": "demo", "year": "2023"})
    button = next(b for b in at.get("download_button") if "CSV" in b.proto.label)
    table = M.table_for(M.wide(Library(os.environ["GOVREPORT_DEMO_DB"]).current()), ["applications.new_received.total"])
    text = C.to_csv(table).decode("utf-8-sig")
    assert not re.search(r"\d\.0\b", text) and "年度" in text.splitlines()[0] and "（件）" in text.splitlines()[0]
    assert button.proto.label == "下载数据（CSV）"
    frame = pd.read_csv(io.StringIO(text))
    assert frame["一、本年新收政府信息公开申请数量·全部申请人（件）"].dtype.kind == "i"


# ---- the findings page and the upload lines -----------------------------------------------------

def test_findings_come_first_most_severe_first(demo):
    at = demo_run("pages/6_checks.py", demo, {"data": "demo", "severity": "error,warning"})
    table = at.dataframe[0].value
    severity = [str(label) for cell in table["严重程度"] for label in cell]  # one coloured label per row
    assert len(severity) == len(table) and severity == sorted(severity, key=["错误", "警告", "提示"].index)
    assert severity[0] == "错误" and "警告" in severity
    assert table["报告"].str.startswith("http").all()


def test_an_upload_with_findings_is_not_green_and_names_them_in_chinese(tmp_path):
    db = tmp_path / "u.sqlite3"
    Library(db).ensure_seeded(tmp_path)
    text = (ROOT / "sample_reports" / "000_cf1e86794f147280.txt").read_text(encoding="utf-8")
    first = make_report(random.Random(2), template="2021", agency="淮安市洪泽区人民政府", year=2022)
    second = make_report(random.Random(3), template="2021", agency="洪泽区人民政府", year=2023)
    Library(db).add(render_text(first, "tab_grid").encode(), "洪泽2022.txt")
    granted = next(ln for ln in text.splitlines() if "予以公开" in ln)
    bumped = re.sub(r"(\d+)(\D*)$", lambda m: f"{int(m.group(1)) + 1}{m.group(2)}", granted)  # 总计 off by one: R2
    broken = text.replace(granted, bumped)
    at = run("pages/7_upload.py", db)
    at.file_uploader[0].set_value([("洪泽2023.txt", render_text(second, "tab_grid").encode(), "text/plain"),
                                   ("不平衡.txt", broken.encode(), "text/plain")])
    at.button[-1].click().run()
    ok = next(s.value for s in at.success)
    assert "已归入「淮安市洪泽区人民政府」" in ok and "报告中写作「洪泽区人民政府」" in ok
    error = next(e.value for e in at.error)
    assert error.startswith("⚠") and "错误" in error and "不平衡" in error
    listed = " ".join(m.value for m in at.markdown)
    assert "R2 办理结果之和" in listed and not re.search(r"\b(missing_row|R2：)", listed)
