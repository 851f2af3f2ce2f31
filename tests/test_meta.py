"""Agency, year, template and signature date: from the title, else the signature, else the body."""
from core.grid import Document, Paragraph
from core.ingest import ingest_text, report_from_document

TABLES = ("\n二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n"
          "规章\t0\t0\t0\n行政规范性文件\t1\t0\t5\n")


def test_title_gives_agency_and_year_even_with_spaces_inside():
    r = ingest_text("浉河区人民政府办公室 2023 年政府信息公开工作年 度报告\n" + TABLES)
    assert r.fields["meta.agency"] == "浉河区人民政府办公室"
    assert r.fields["meta.year"] == 2023
    assert r.provenance["meta.agency"].row == "标题"


def test_year_first_title():
    r = ingest_text("2022年度某市生态环境局政府信息公开工作年度报告\n" + TABLES)
    assert (r.fields["meta.agency"], r.fields["meta.year"]) == ("某市生态环境局", 2022)


def test_no_title_agency_from_signature_year_from_body_not_from_the_date():
    text = ("一、总体情况\n2023年，区住房建设服务中心认真贯彻落实条例。\n" + TABLES +
            "六、其他需要报告的事项\n无。\n\n南通市海门区住房建设服务中心\n                2024年1月8日\n")
    r = ingest_text(text)
    assert r.fields["meta.agency"] == "南通市海门区住房建设服务中心"
    assert r.fields["meta.year"] == 2023
    assert r.fields["meta.published"] == "2024-01-08"
    assert r.provenance["meta.agency"].row == "落款"


def test_chinese_numeral_signature_date():
    r = ingest_text("某县人民政府2023年政府信息公开工作年度报告\n" + TABLES + "\n某县人民政府\n二〇二四年三月十五日\n")
    assert r.fields["meta.published"] == "2024-03-15"


def test_statistics_period_gives_the_year_and_a_disagreeing_title_is_flagged():
    r = ingest_text("一、总体情况\n本报告所列数据统计期限为2024年1月1日至2024年12月31日。\n" + TABLES)
    assert r.fields["meta.year"] == 2024
    r = ingest_text("某局2023年政府信息公开工作年度报告\n本报告所列数据统计期限为2024年1月1日至2024年12月31日。\n" + TABLES)
    assert r.fields["meta.year"] == 2023
    assert any(w.rule == "year_mismatch" and "2023" in w.message and "2024" in w.message for w in r.warnings)


def test_title_from_outside_the_body_when_the_body_has_none():
    doc = Document([Paragraph("一、总体情况"), Paragraph("2024年，实验区持续深化政务公开。")],
                   title_hint="平潭综合实验区2024年度政府信息公开工作年度报告", format="html")
    from core.readers.text import parse_text
    doc.blocks += parse_text(TABLES).blocks
    r = report_from_document(doc, "page.html")
    assert r.fields["meta.agency"] == "平潭综合实验区"
    assert r.fields["meta.year"] == 2024


def test_template_2019_in_a_2021_report_is_flagged():
    text = ("某局2022年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第（一）项\n"
            "信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量\n规章\t0\t0\t0\n")
    r = ingest_text(text)
    assert r.fields["meta.template"] == "2019"
    assert any(w.rule == "template_year" for w in r.warnings)


def test_narrative_totals_and_processing_fee():
    base = "某局2023年政府信息公开工作年度报告\n一、总体情况\n全年主动公开政府信息共 774条，其中政策文件12条。\n" + TABLES
    r = ingest_text(base + "六、其他需要报告的事项\n全年收取政府信息公开信息处理费 3940 元。\n")
    assert r.fields["proactive.published_total"] == 774
    assert r.fields["processing_fee.yuan"] == 3940
    assert "3940" in r.provenance["processing_fee.yuan"].text
    r = ingest_text(base + "六、其他需要报告的事项\n本年度没有产生政府信息公开处理费。\n")
    assert r.fields["processing_fee.yuan"] == 0
    r = ingest_text(base + "六、其他需要报告的事项\n无。\n")
    assert "processing_fee.yuan" not in r.fields
    approx = ingest_text(base.replace("共 774条", "5500 余条"))
    assert "proactive.published_total" not in approx.fields


def test_title_over_two_lines_takes_the_agency_from_the_line_above():
    r = ingest_text("淮安市人民政府\n2024 年政府信息公开工作年度报告\n" + TABLES)
    assert (r.fields["meta.agency"], r.fields["meta.year"]) == ("淮安市人民政府", 2024)


def test_missing_template_sections_are_named():
    full = ("某局2023年政府信息公开工作年度报告\n一、总体情况\n2023年，我局认真落实条例。\n" + TABLES +
            "五、存在的主要问题及改进情况\n加强培训。\n六、其他需要报告的事项\n无。\n")
    assert not [w for w in ingest_text(full).warnings if w.rule == "missing_section"]
    cut = full.split("五、")[0]
    missing = [w.message for w in ingest_text(cut).warnings if w.rule == "missing_section"]
    assert len(missing) == 2 and "第五部分" in missing[0] and "第六部分" in missing[1]


def test_signature_variants_and_report_titled_nianbao():
    r = ingest_text("某区人民政府办公室2023年度政府信息公开年报\n" + TABLES + "\n某区人民政府办公室  2024年1月20日\n")
    assert (r.fields["meta.agency"], r.fields["meta.year"], r.fields["meta.published"]) == ("某区人民政府办公室", 2023, "2024-01-20")
    r = ingest_text("一、总体情况\n2023年，我局认真落实条例。\n" + TABLES + "\n某县水利局\n2024.2.3\n")
    assert (r.fields["meta.agency"], r.fields["meta.published"]) == ("某县水利局", "2024-02-03")
    r = ingest_text("某局2023年政府信息公开工作年度报告\n" + TABLES + "\n某局\n2024年2月30日\n")
    assert "meta.published" not in r.fields  # not a date: nothing invented


def test_published_total_is_the_sentence_that_says_total():
    base = "某局2023年政府信息公开工作年度报告\n一、总体情况\n{}\n" + TABLES
    pick = lambda s: ingest_text(base.format(s)).fields.get("proactive.published_total")  # noqa: E731
    assert pick("及时公开财政预决算信息8条，全年共主动公开政府信息512条。") == 512
    assert pick("全年主动公开政府信息1,512条。") == 1512
    assert pick("主动公开政府信息512件。") == 512
    assert pick("主动公开各类政府信息5500余条。") is None
    fee = ingest_text(base.format("全年收取政府信息公开信息处理费1,200元。")).fields["processing_fee.yuan"]
    assert fee == 1200


def test_title_year_in_chinese_numerals():
    r = ingest_text("某县民政局二〇二三年度政府信息公开工作年度报告\n" + TABLES)
    assert (r.fields["meta.agency"], r.fields["meta.year"]) == ("某县民政局", 2023)


def test_date_printed_under_the_title():
    r = ingest_text("某局2023年政府信息公开工作年度报告\n（2024年1月20日）\n" + TABLES)
    assert r.fields["meta.published"] == "2024-01-20" and r.fields["meta.year"] == 2023


def test_title_wrapped_inside_a_word_over_three_lines():
    r = ingest_text("某某区住房和城乡建设局\n2023年度政府信息公开工作\n年度报告\n" + TABLES)
    assert (r.fields["meta.agency"], r.fields["meta.year"]) == ("某某区住房和城乡建设局", 2023)
    r = ingest_text("某某市人民政府2024年政府信息公\n开工作年度报告\n" + TABLES)
    assert (r.fields["meta.agency"], r.fields["meta.year"]) == ("某某市人民政府", 2024)


def test_title_from_a_web_page_header_block_and_in_traditional_characters():
    r = ingest_text("标题：某某综合实验区2022年度政府信息公开工作年度报告\n发布机构：某某综合实验区管委会\n" + TABLES)
    assert (r.fields["meta.agency"], r.fields["meta.year"]) == ("某某综合实验区", 2022)
    r = ingest_text("某某縣財政局2023年度政府資訊公開工作年度報告\n" + TABLES)
    assert (r.fields["meta.agency"], r.fields["meta.year"]) == ("某某縣財政局", 2023)


def test_one_channels_count_is_not_the_published_total_and_no_fee_is_zero():
    text = ("某某县财政局2023年政府信息公开工作年度报告\n一、总体情况\n通过“某某财政”公众号发布信息672条。\n" + TABLES +
            "六、其他需要报告的事项\n2023年，无收取信息处理费情况。\n")
    r = ingest_text(text)
    assert "proactive.published_total" not in r.fields
    assert r.fields["processing_fee.yuan"] == 0
