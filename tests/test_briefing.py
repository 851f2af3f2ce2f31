"""简报 (briefing pack): the .docx opens, and everything in it is the frames' numbers in words: cover
lines, key figures per agency, four captioned pictures at print resolution, the findings errors first,
the years 未入库; the charts draw Chinese in a CJK font without a missing glyph."""
import datetime as dt
import io
import random
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from docx.shared import Cm
from PIL import Image

from core import briefing as B
from core import briefing_charts as BC
from core import metrics as M
from core.charts import CORRECTED_COLOUR
from core.checks import rule_name
from core.library import Library
from core.synthetic import make_report, render_text

SAMPLES = Path(__file__).resolve().parents[1] / "sample_reports"
PLANTED = ("甲县财政局", 2023)
MISSING = ("乙县教育局", 2022)
DATE = dt.date(2025, 3, 8)


@pytest.fixture(scope="module")
def frames(tmp_path_factory):
    """The bundled sample reports (text versions) plus two agencies over 2021–2024: 乙县教育局 2022
    not in the library, 甲县财政局 2023 with one planted R2 error ((一)予以公开 one more than the
    outcome rows allow; only the 总计 column filled, so no other rule breaks)."""
    lib = Library(tmp_path_factory.mktemp("briefing") / "lib.sqlite3")
    for sample in sorted(SAMPLES.glob("*.txt")):
        lib.add(sample.read_bytes(), sample.name)
    rng = random.Random(3)
    for agency in ("甲县财政局", "乙县教育局"):
        for year in (2021, 2022, 2023, 2024):
            if (agency, year) == MISSING:
                continue
            planted = (agency, year) == PLANTED
            r = make_report(rng, template="2021", agency=agency, year=year, blank_columns=planted)
            if planted:
                r.fields["applications.granted.total"] = int(r.fields["applications.granted.total"] or 0) + 1
            lib.add(render_text(r, "tab_grid").encode(), f"{agency}{year}.txt")
    reports = lib.current()
    return M.wide(reports), M.warnings_frame(reports)


@pytest.fixture(scope="module")
def pack(frames):
    wide, warnings_ = frames
    scope = B.BriefingScope(year=2023, filters="未筛选（测试）", source="资料库：示例报告（演示数据）", date=DATE)
    return B.build_briefing(wide, warnings_, scope)


def _doc(data: bytes):
    return Document(io.BytesIO(data))


def _all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def _section(doc, heading: str) -> list[str]:
    """Paragraph texts under a level-1 heading, up to the next level-1 heading."""
    out, inside = [], False
    for p in doc.paragraphs:
        if p.style.name == "Heading 1":
            inside = p.text.startswith(heading)
            continue
        if inside and p.text:
            out.append(p.text)
    return out


def _row(wide, agency, year):
    return wide[(wide["agency"] == agency) & (wide["year"] == year)].iloc[0]


def test_the_pack_opens_with_its_cover_lines_and_chinese_fonts(frames, pack):
    wide, _ = frames
    assert pack[:2] == b"PK"
    doc = _doc(pack)
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == B.DEFAULT_TITLE and doc.paragraphs[0].style.name == "Title"
    cover = "\n".join(texts[1:8])
    assert "年　　度　2023年" in cover
    assert "筛　　选　未筛选（测试）" in cover
    agencies, reports = wide["agency"].nunique(), len(wide)
    in_year = int((wide["year"] == 2023).sum())
    span = f"{int(wide['year'].min())}–{int(wide['year'].max())}年"
    assert f"范　　围　{agencies} 个机构，{reports} 份报告（{span}）；其中 2023年 {in_year} 份" in cover
    assert "生成日期　2025年3月8日" in cover
    assert "数据来源　资料库：示例报告（演示数据）" in cover
    styles = doc.styles.element.xml
    assert 'w:eastAsia="Microsoft YaHei"' in styles and "eastAsiaTheme" not in styles
    assert 'w:eastAsia="zh-CN"' in styles


def test_key_figures_are_the_wide_frames_numbers(frames, pack):
    wide, _ = frames
    doc = _doc(pack)
    table = doc.tables[0]
    head = [c.text for c in table.rows[0].cells]
    assert head == ["机构", "新收申请（件）", "办结（件）", "公开率（%）", "行政复议（件）", "行政诉讼（件）",
                    "行政事业性收费（万元）", "错误（条）"]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    in_2023 = set(wide.loc[wide["year"] == 2023, "agency"])
    assert set(rows) == set(wide["agency"])  # every agency of the scope, one row each
    sample = sorted(in_2023 - {"甲县财政局", "乙县教育局"})[0]  # one of the bundled sample reports
    for agency in ("甲县财政局", "乙县教育局", sample):
        report = _row(wide, agency, 2023)
        flagged = agency == "甲县财政局"
        for (key, _), text in zip(B.KEY_FIGURES, rows[agency][1:]):
            value = report[key]
            if pd.isna(value):
                assert text.startswith("—"), (agency, key, text)
                continue
            number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4f}".rstrip("0").rstrip(".")
            on_table3 = key.startswith("applications.") or key == "derived.open_rate"
            assert text == number + (" ⚠" if flagged and on_table3 else ""), (agency, key, text)
        assert rows[agency][-1] == str(int(report["errors"]))
    assert rows["甲县财政局"][-1] == "1"
    for agency in set(wide["agency"]) - in_2023:
        assert rows[agency][1:] == ["2023年报告未入库"] * 7  # one merged cell
    note = "\n".join(_section(doc, "一、"))
    assert "⚠ " in note and "甲县财政局——表三不平衡（R2 办理结果之和=总计）：新收申请、办结" in note
    # a rate over a table that does not add up is not computed, and the note says why
    planted = _row(wide, *PLANTED)
    if pd.isna(planted["derived.open_rate"]):
        assert rows["甲县财政局"][3] == "—*"
        assert re.search(r"—\* 公开率未计算：.*甲县财政局（[^）]*不平衡", note)
    assert not re.search(r"\d\.0(?![\d%])", _all_text(doc))  # integers never as 「23.0」


def test_four_captioned_pictures_at_print_resolution(frames, pack):
    doc = _doc(pack)
    assert len(doc.inline_shapes) == 4
    for shape in doc.inline_shapes:
        assert abs(shape.width - Cm(16)) < Cm(0.01)
        blob = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        image = Image.open(io.BytesIO(doc.part.related_parts[blob].blob))
        assert image.width / (16 / 2.54) >= 200  # dpi
    captions = [p.text for p in doc.paragraphs if re.match(r"图\d　", p.text)]
    assert [c[:2] for c in captions] == ["图1", "图2", "图3", "图4"]
    assert "本年新收政府信息公开申请数量：机构排名（2023年" in captions[0]
    assert "办理结果构成（2023年" in captions[1]
    assert "行政复议、行政诉讼案件数（2023年" in captions[2]
    assert "年度趋势（2020–2024年" in captions[3]
    # each caption is followed by its picture
    paragraphs = doc.paragraphs
    for i, p in enumerate(paragraphs):
        if p.text in captions:
            assert paragraphs[i + 1]._p.xpath(".//pic:pic"), p.text
    charts = "\n".join(_section(doc, "二、"))
    assert "⚠ 标记的数值所在表格不平衡或数值可疑：甲县财政局（2023年）——表三不平衡（R2 办理结果之和=总计）" in charts


def test_findings_in_words_errors_first_and_unverifiable_counted(frames, pack):
    wide, warnings_ = frames
    doc = _doc(pack)
    lines = _section(doc, "三、校验发现")
    items = [t for t in lines if re.match(r"\d+．【", t)]
    kinds = [t.split("【")[1][:2] for t in items]
    errors = warnings_[warnings_["severity"] == "error"]
    found = warnings_[warnings_["severity"].isin(["error", "warning"])]
    assert len(items) == len(found)
    assert kinds == sorted(kinds, key=lambda k: k != "错误") and kinds.count("错误") == len(errors)
    planted = errors[(errors["agency"] == PLANTED[0]) & (errors["year"] == PLANTED[1])]
    assert len(planted) == 1 and planted["rule"].iloc[0] == "R2"
    message = planted["message"].iloc[0]
    line = next(t for t in items if PLANTED[0] in t and "【错误】" in t)
    assert line.startswith("1．【错误】甲县财政局　2023年　") or any(
        t.startswith("1．【错误】") for t in items)
    assert f"甲县财政局　2023年　{rule_name('R2')}：{message}" in line
    assert "读取位置：表三" in line and "文件：甲县财政局2023.txt" in line
    assert all("无法核验" not in t for t in items)
    unverifiable = warnings_[(warnings_["severity"] == "info") & warnings_["message"].str.contains("无法核验")]
    for agency, g in unverifiable.groupby("agency"):
        assert any(t.startswith(f"{agency}：{len(g)} 条") for t in lines), agency


def test_years_not_in_the_library_are_named_never_as_not_published(frames, pack):
    wide, _ = frames
    doc = _doc(pack)
    text = _all_text(doc)
    assert "未报送" not in text
    lines = _section(doc, "五、资料库未收录")
    span = range(int(wide["year"].min()), int(wide["year"].max()) + 1)
    for agency in ("甲县财政局", "乙县教育局"):
        held = set(wide.loc[wide["agency"] == agency, "year"])
        lacking = "、".join(f"{y}年" for y in span if y not in held)
        assert f"{agency}：{lacking}未入库" in lines
    partial = M.completeness_frame(wide).query("unread > 0")
    assert len(partial)  # the bundled 浉河区 sample has a row with a cell missing
    for _, c in partial.iterrows():
        r = wide[wide["report_id"] == c["report_id"]].iloc[0]
        assert any(t.startswith(f"{r['agency']}　{int(r['year'])}年") and f"{int(c['unread'])} 个单元格未读到" in t
                   for t in lines)


def test_the_trend_breaks_at_a_year_not_in_the_library(pack):
    charts = "\n".join(_section(_doc(pack), "二、"))
    assert re.search(r"该年度报告未入库：.*乙县教育局（(\d{4}、)*2022(、\d{4})*年）", charts)


def test_a_filtered_scope_counts_its_own_reports_and_says_when_it_cannot_draw(frames, monkeypatch):
    wide, warnings_ = frames
    keep = lambda df: df[df["agency"].isin(["甲县财政局", "乙县教育局"])]  # noqa: E731  (the page's 「县」 filter)
    monkeypatch.setattr(BC, "cjk_font", lambda prefer_system=True: None)  # a machine without any CJK font
    scope = B.BriefingScope(year=2023, filters="机构名称含「县」", source="test", date=DATE)
    doc = _doc(B.build_briefing(keep(wide), keep(warnings_), scope))
    text = _all_text(doc)
    assert "2 个机构，7 份报告（2021–2024年）" in text
    assert "乙县教育局：2022年未入库" in "\n".join(_section(doc, "五、"))
    assert len(doc.inline_shapes) == 0
    assert text.count("图未生成：本机没有可用的中文字体") == 4  # words, not pictures of empty boxes


def test_nothing_in_scope_is_a_short_pack_not_an_error():
    empty = M.wide([])
    doc = _doc(B.build_briefing(empty, M.warnings_frame([]), B.BriefingScope(year=2023, date=DATE)))
    assert "所选范围内没有报告。" in _all_text(doc)
    assert len(doc.inline_shapes) == 0


def _uncovered(font) -> str:
    maps = BC._charmaps(font)
    return next(ch for ch in ("\ue000", "\U000f0000", "\U0010fffd") if not any(ord(ch) in m for m in maps))


@pytest.mark.parametrize("prefer_system", [True, False], ids=["system-or-bundled", "bundled"])
def test_charts_draw_chinese_without_a_missing_glyph(prefer_system):
    font = BC.cjk_font(prefer_system)
    assert font is not None, "no CJK font: pylopdf-fonts-zh-cn is a dependency"
    if not prefer_system:
        assert font.source == "bundled" and font.family == "Noto Sans SC"
    assert BC._covers(font.path, BC.PROBE + "浉河区住房建设服务中心⚠")
    odd = _uncovered(font)
    bars = [BC.Bar("浉河区人民政府办公室", 1234.0), BC.Bar("南通市海门区住房建设服务中心", 0.0, flagged=True),
            BC.Bar(f"某{odd}县$财政$局", None, "未读到")]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = BC.ranked_bars(bars, "本年新收申请（件）", font, mean=617.0)
    assert not [w for w in caught if "missing from font" in str(w.message)]
    image = Image.open(io.BytesIO(png))
    assert image.width >= 16 / 2.54 * 200
    assert BC.drawable(f"某{odd}县$", font) == "某〓县\\$"


def _pixels_of(png: bytes, colour: str) -> int:
    """How many pixels of a picture are (nearly) `colour`."""
    target = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(n for n, rgb in image.getcolors(1 << 20) if all(abs(a - b) <= 12 for a, b in zip(rgb, target)))


@pytest.mark.parametrize("chart", ["ranked", "stacked", "paired", "trend"])
def test_a_value_corrected_by_hand_is_outlined_in_blue_in_every_chart(chart):
    font = BC.cjk_font()

    def draw(corrected: bool) -> bytes:
        if chart == "ranked":
            return BC.ranked_bars([BC.Bar("甲县财政局", 30.0, corrected=corrected), BC.Bar("乙县民政局", 20.0)], "件", font)
        if chart == "stacked":
            return BC.stacked_bars([BC.StackRow("甲县财政局", (10.0, 5.0), 15.0, corrected=corrected)], ["予以公开", "其他"], font)
        if chart == "paired":
            return BC.paired_bars([BC.PairRow("甲县财政局", (BC.Bar("甲", 3.0, corrected=corrected), BC.Bar("甲", 1.0)))],
                                  ["行政复议", "行政诉讼"], font)
        return BC.trend_lines([BC.Line("甲县财政局", (10.0, 12.0), (False, False), (False, corrected))], [2022, 2023],
                              "件", font)

    assert _pixels_of(draw(False), CORRECTED_COLOUR) == 0
    assert _pixels_of(draw(True), CORRECTED_COLOUR) > 200  # the outline (or ring) and the ✎ after the value


def test_chart_number_formats():
    assert BC.number(23.0) == "23" and BC.number(1234567.0) == "1,234,567" and BC.number(12.5) == "12.5"
    assert BC.axis_number(80_000) == "80,000" and BC.axis_number(150_000) == "15万" and BC.axis_number(0) == "0"
    assert BC.wrap("南通市海门区住房建设服务中心") == "南通市海门区\n住房建设服务中心"
    assert BC.wrap("浉河区人民政府办公室") == "浉河区\n人民政府办公室"


def _tiny_png(*args, **kwargs) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buf, format="PNG")
    return buf.getvalue()


def test_zero_and_missing_stay_apart_and_an_unread_cell_says_so(monkeypatch):
    """Hand-made frames: 0 is written 0; a cell the parser did not read is 「—（未读到）」; a cell the
    report left empty is 「—」 (the words, not the pictures, are under test: charts are stubbed)."""
    for name in ("ranked_bars", "stacked_bars", "paired_bars", "trend_lines"):
        monkeypatch.setattr(BC, name, _tiny_png)
    key = "applications.new_received.total"
    wide = pd.DataFrame([
        {"report_id": 1, "agency": "丙县审计局", "year": 2023, "template": "2021", "file": "a.txt", "errors": 0,
         "cells_read": 200, "cells_expected": 200, "suspect": frozenset(), "unread": frozenset(), key: 0.0},
        {"report_id": 2, "agency": "丁县水利局", "year": 2023, "template": "2021", "file": "b.txt", "errors": 0,
         "cells_read": 199, "cells_expected": 200, "suspect": frozenset(), "unread": frozenset({key}), key: None},
        {"report_id": 3, "agency": "戊县民政局", "year": 2023, "template": "2021", "file": "c.txt", "errors": 0,
         "cells_read": 200, "cells_expected": 200, "suspect": frozenset(), "unread": frozenset(), key: None},
    ])
    empty = M.warnings_frame([])
    doc = _doc(B.build_briefing(wide, empty, B.BriefingScope(year=2023, date=DATE)))
    rows = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows[1:]}
    assert rows == {"丙县审计局": "0", "丁县水利局": "—（未读到）", "戊县民政局": "—"}
    charts = "\n".join(_section(doc, "二、"))
    assert "「未读到」：解析器未读到该格" in charts and "「空白」：报告中该格为空" in charts
    assert "丁县水利局　2023年（文件：b.txt）：完整度 99.5%（199/200 格），1 个单元格未读到" in _all_text(doc)


def test_this_year_against_last_year_names_a_copied_report_and_lists_the_changed_cells(tmp_path):
    """与上年对照 on a real library: 湛河区住建局 2024 is its 2023 report with only the title's year changed
    (every comparable cell the same, section 五 copied); 市住建局 2021 moved one number of Table 2 and
    wrote a new section 五."""
    lib = Library(tmp_path / "years.sqlite3")
    zhanhe = (SAMPLES / "000_cf1e86794f147280.txt").read_text(encoding="utf-8")
    lib.add(zhanhe.encode(), "湛河2023.txt")
    lib.add(zhanhe.replace("2023 年政府信息公开", "2024 年政府信息公开", 1).encode(), "湛河2024.txt")
    city = (SAMPLES / "002_b232cca7e491c758.txt").read_text(encoding="utf-8")
    lib.add(city.encode(), "市住建局2020.txt")
    five_start, five_end = city.index("五、政府信息公开工作"), city.index("六、其他需要报告的事项")
    moved = (city[:five_start] + "五、存在的主要问题及改进情况\n本年度新建了依申请公开台账，答复时限全部达标；"
             "明年将开展基层政务公开标准化培训，修订主动公开目录。\n" + city[five_end:])
    moved = moved.replace("市住建局2020年度", "市住建局2021年度", 1).replace("\t行政许可\n\t67\n", "\t行政许可\n\t70\n", 1)
    assert moved.count("\t70\n") == city.count("\t70\n") + 1  # the one planted change
    lib.add(moved.encode(), "市住建局2021.txt")
    rows = lib.current_rows()
    wide = M.wide(rows)
    for year, copied in ((2024, "湛河区住建局"), (2021, None)):
        doc = _doc(B.build_briefing(wide, M.warnings_frame(rows, lib.series(rows)),
                                    B.BriefingScope(year=year, date=DATE), lib.sections))
        text = "\n".join(_section(doc, "四、与上年对照"))
        table = next(t for t in doc.tables if t.rows[0].cells[0].text == "机构" and t.rows[0].cells[1].text == "对照年度")
        counts = {r.cells[0].text: [c.text for c in r.cells[1:]] for r in table.rows[1:]}
        if copied:
            agency = "湛河区住建局"
            assert counts[agency][0] == "2023年" and counts[agency][-1] == "100%"
            same = int(counts[agency][3])
            assert same > 100 and counts[agency][1:3] == ["0", "0"] and counts[agency][4:7] == ["0", "0", "0"]
            assert f"可比较的格与对照年度完全相同（请核实是否照搬上年）：湛河区住建局（{same} 格）。" in text
            assert "第五部分「存在的主要问题及改进情况」与对照年度相同的文字达 80% 以上（请核实是否照搬上年）：湛河区住建局（约 100%）。" in text
            assert "没有数值变化的格。可比较的格与对照年度完全相同。" in text
        else:
            agency = "市住建局"
            assert counts[agency][:3] == ["2020年", "1", "0"] and int(counts[agency][-1].rstrip("%")) < 30
            assert "没有机构的表格数字与对照年度完全相同" in text
            detail = next(t for t in doc.tables if t.rows[0].cells[2].text == "2020年" and t.rows[0].cells[3].text == "2021年")
            assert [[c.text for c in r.cells] for r in detail.rows[1:]] == [
                ["表二", "行政许可·上一年项目数量", "67", "70", "+3"]]
        figures = next(t for t in doc.tables if t.rows[0].cells[1].text == "新收申请")
        [shown] = [[c.text for c in r.cells[1:]] for r in figures.rows[1:] if r.cells[0].text == agency]
        before, now = (_row(wide, agency, y) for y in (year - 1, year))
        new = "applications.new_received.total"
        assert shown[0].startswith(f"{B.number(before[new]) or '—'} → {B.number(now[new]) or '—'}")

    # a value corrected by hand is marked where it is listed, and the note says what was read
    rid = next(r["id"] for r in lib.index() if r["name"] == "市住建局2021.txt")
    lib.correct(rid, "review.total", 4, "原文表四行政复议总计为 4")
    rows = lib.current_rows()
    doc = _doc(B.build_briefing(M.wide(rows), M.warnings_frame(rows, lib.series(rows)),
                                B.BriefingScope(year=2021, date=DATE), lib.sections))
    detail = next(t for t in doc.tables if t.rows[0].cells[2].text == "2020年" and t.rows[0].cells[3].text == "2021年")
    assert ["表四（行政复议）", "行政复议·总计", "0", "4 ✎", "+4"] in [[c.text for c in r.cells] for r in detail.rows[1:]]
    assert "✎ 经人工更正的数值（不是报告原文）：2021年行政复议·总计（原读数 0，理由：原文表四行政复议总计为 4）。" in _all_text(doc)
