"""The prose readers of core.narrative: the stated published total, the processing fee (sentence
and table) and the title. Fixtures are made-up agencies."""
import time

import pytest

from core.grid import Paragraph
from core.narrative import fee_from_table, processing_fee, published_total, section_number, title


def total(text):
    found = published_total(text)
    return found and found[0]


@pytest.mark.parametrize("text, items", [
    ("全年主动公开政府信息共774条，其中政策文件12条。", 774),
    ("2022年全区共主动公开政府信息14571条。", 14571),
    ("通过政府门户网站全年主动公开各类政府信息10407条。全年发布政策文件解读96篇。", 10407),
    ("主动公开政府信息1,512条。", 1512),
    ("2024年，全年主动公开政府信息 3 条。", 3),
    ("全年共主动公开774条政府信息。", 774),
    ("经统计，通过网站、微信、微博等各类平台主动公开信息1369条，其中包括机构信息30条，工作进展526条。", 1369),
    ("2023年，某某县财政局共发布信息公开类信息31条。其中，部门简介4条、政策文件3条。", 31),
    ("主动公开财政预决算信息8条，全年共主动公开政府信息512条。", 512),
    ("全年主动公开政府信息774条，其中，通过门户网站主动公开政府信息600条。", 774),
])
def test_published_total_from_a_sentence_that_states_it(text, items):
    assert total(text) == items


@pytest.mark.parametrize("text", [
    "“某某发布”公众号发布信息672条。",                                    # one channel
    "通过微信公众号发布信息326条。",
    "其中工作动态526条。",                                                # one column
    "其中主动公开政府信息600条。",
    "在政府网站发布信息120条，在微信公众号发布信息80条，在微博发布信息50条。",  # parallel channels
    "通过政府网站全年主动公开信息120条，通过微信公众号发布信息80条。",
    "累计主动公开政府信息12000条。",                                      # cumulative
    "历年主动公开政府信息累计50000条。",
    "截至2023年底，主动公开政府信息8800条。",
    "全年主动公开政府信息累计774条。",
    "主动公开各类政府信息7700余条。",                                      # approximate
    "主动公开政府信息1000多条。",
    "主动公开政府信息近万条。",
    "全年主动公开各类政府信息 5500 余条。",
    "主动公开政府信息约3000条。",
    "主动公开政府信息3000条以上。",
    "全年主动公开信息1.2万条。",
    "全年发布政策文件解读96篇。",                                          # something else
    "公开规范性文件88件。",
    "主动公开财政预决算信息8条。",
    "依申请公开信息20条。",
    "上年主动公开政府信息500条。",                                        # another year
    "发布信息326条。",                                                    # nothing says total
    "全年主动公开政府信息774条。2022年全区共主动公开政府信息14571条。",   # two totals: unclear
])
def test_published_total_rejects_what_is_not_the_total(text):
    assert published_total(text) is None


def test_published_total_names_the_clause_and_where_it_starts():
    text = "一、总体情况。加强领导，全年主动公开政府信息共774条，其中政策文件12条。"
    items, start, clause = published_total(text)
    assert (items, clause) == (774, "全年主动公开政府信息共774条")
    assert text[start:].startswith("主动公开")


@pytest.mark.parametrize("text", [
    "主动公开" * 25000,
    "主动公开政府信息" + "1" * 100000,
    "主动公开政府信息" + " " * 100000 + "条",
    "全年共主动公开" + "9" * 100000 + "条",
    "通过网站全年主动公开信息12条" * 7000,
    "处理费" * 33000,
    "收取信息处理费" + "9" * 100000 + "元",
])
def test_long_single_lines_stay_fast(text):
    began = time.perf_counter()
    published_total(text)
    processing_fee(text, loose=True)
    title([Paragraph(text), Paragraph(text[:30])])
    assert time.perf_counter() - began < 2


@pytest.mark.parametrize("text, loose, yuan", [
    ("本年度没有产生政府信息公开处理费。", False, 0),
    ("本机关未收取信息处理费。", False, 0),
    ("2024年，无收取信息处理费情况。", False, 0),
    ("信息处理费为0元。", False, 0),
    ("免收信息处理费。", False, 0),
    ("收取信息处理费120元。", False, 120),
    ("严格落实《政府信息公开信息处理费管理办法》，全年收取政府信息公开信息处理费 3940 元。", False, 3940),
    ("收取信息处理费0.05万元。", False, 500),
    ("通知收取信息处理费2件300元，实际收取信息处理费200元。", False, 200),
    ("本年度不收取费用。", True, 0),
    ("依申请公开未收取任何费用。", True, 0),
])
def test_processing_fee_from_a_statement(text, loose, yuan):
    value, start, clause = processing_fee(text, loose=loose)
    assert value == yuan and clause in text


@pytest.mark.parametrize("text, loose", [
    ("不断规范信息处理费管理。", False),
    ("申请人逾期未缴纳信息处理费的申请1件。", False),
    ("按照标准每件收取信息处理费100元。", False),
    ("本年度不收取费用。", False),   # 费用 alone counts only in section 六 (loose)
    ("无。", True),
])
def test_processing_fee_none_when_nothing_is_stated(text, loose):
    assert processing_fee(text, loose=loose) is None


@pytest.mark.parametrize("rows, yuan", [
    ([["通知收费", "", "实际收取", ""], ["件数", "金额（元）", "件数", "金额（元）"], ["2", "300", "1", "200"]], 200),
    ([["通知收费", "实际收取"], ["件数", "金额（元）", "件数", "金额（元）"], ["2", "300", "1", "200"]], 200),
    ([["项目", "件数", "金额（元）"], ["通知收费", "2", "300"], ["实际收取", "1", "200"]], 200),
    ([["收费数量（件）", "收费金额（元）"], ["1", "120"]], 120),
    ([["收费数量（件）", "收费金额（万元）"], ["1", "0.012"]], 120),
    ([["通知收费金额（元）", "300"], ["实际收取金额（元）", "200"]], 200),
    ([["通知收费（元）", "实际收取（元）"], ["300", "200"]], 200),
    ([["信息处理费收取情况（单位：元）", "", ""], ["", "通知收费", "实际收取"], ["金额", "300", "200"], ["件数", "2", "1"]], 200),
    ([["处理费收取情况", "", ""], ["项目", "件数", "金额（元）"], ["通知收费", "2", "300"], ["实际收取", "1", "200"]], 200),
    ([["通知收费", "实际收取"], ["0", "0"]], 0),   # nothing collected, whether counted in 件 or 元
    ([["实际收取"], ["1,200元"]], 1200),
])
def test_fee_table_gives_the_amount_actually_collected(rows, yuan):
    assert fee_from_table(rows) == yuan


@pytest.mark.parametrize("rows", [
    [["通知收费（元）"], ["300"]],                           # only what was asked for
    [["收费数量（件）", "收费金额（元）"], ["/", "无"]],      # blank cells stay unknown
    [["实际收取金额（元）", "200", "300"]],                  # two amounts: unclear
    [["实际收取"], ["150"]],                                 # 件 or 元? unclear
    [["项目", "数量"], ["规章", "3"]],                        # not a fee table
    [],
])
def test_fee_table_none_when_unclear(rows):
    assert fee_from_table(rows) is None


def paras(*lines):
    return [Paragraph(t, f"第{i + 1}行") for i, t in enumerate(lines)]


@pytest.mark.parametrize("lines, agency, year, where", [
    (("某某市人民政府2024年政府信息公", "开工作年度报告", "本报告由某某市人民政府办公室编制。"), "某某市人民政府", 2024, "第1行"),
    (("某某区住房和城乡建设局", "2023年度政府信息公开工作", "年度报告", "一、总体情况"), "某某区住房和城乡建设局", 2023, "第1行"),
    (("某某市人民政府", "2024 年政府信息公开工作年度报告"), "某某市人民政府", 2024, "第2行"),
    (("标题: 某某综合实验区2022年度政府信息公开工作年度报告", "发布机构：某某综合实验区管委会"), "某某综合实验区", 2022, "第1行"),
    (("索引号：000-2023-001", "标题：某某县财政局2023年度政府信息公开工作年度报告"), "某某县财政局", 2023, "第2行"),
    (("某某縣財政局2023年度政府資訊公開工作年度報告",), "某某縣財政局", 2023, "第1行"),
    (("某某市教育局2023年政府信息公開工作年度報告",), "某某市教育局", 2023, "第1行"),
    (("首页>政务公开>年度报告", "某某局2023年政府信息公开工作年度报告"), "某某局", 2023, "第2行"),
    (("某某县人民政府二〇二三年度政府信息公开工作年度报告",), "某某县人民政府", 2023, "第1行"),
])
def test_title_gives_agency_and_year(lines, agency, year, where):
    assert title(paras(*lines)) == (agency, year, where)


def test_title_does_not_join_prose_or_half_a_title():
    assert title(paras("2023年度政府信息公开工作", "一、总体情况")) is None
    assert title(paras("现将本局情况报告如下：", "2023年政府信息公开工作", "年度报告的编制依据。")) is None


def test_section_number_of_a_heading():
    assert section_number("六、其他需要报告的事项") == "六"
    assert section_number("（六）其他处理") is None
    assert section_number("一、" + "很长的正文" * 10) is None
