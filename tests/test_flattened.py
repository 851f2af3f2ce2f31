"""Web pages whose text was flattened onto one line by a crawler (cells run together, sections
run together): a text of our own in the shape such crawls keep, with a genuine R2 break, a
breakdown of the published total, a signature, Table 2 runs with one or several cuts."""
from __future__ import annotations

from core.ingest import ingest_text

T3_ROWS = [  # label, the run the page prints (all cells printed, 0 where nothing happened)
    ("一、本年新收政府信息公开申请数量", "120000012"),
    ("二、上年结转政府信息公开申请数量", "1000001"),
    ("三、本年度办理结果（一）予以公开", "6000006"),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "2000002"),
    ("（三）不予公开1.属于国家秘密", "0000000"), ("2.其他法律行政法规禁止公开", "0000000"),
    ("3.危及“三安全一稳定”", "0000000"), ("4.保护第三方合法权益", "0000000"), ("5.属于三类内部事务信息", "0000000"),
    ("6.属于四类过程性信息", "0000000"), ("7.属于行政执法案卷", "0000000"), ("8.属于行政查询事项", "0000000"),
    ("（四）无法提供1.本机关不掌握相关政府信息", "4000004"), ("2.没有现成信息需要另行制作", "0000000"),
    ("3.补正后申请内容仍不明确", "0000000"), ("（五）不予处理1.信访举报投诉类申请", "1000001"), ("2.重复申请", "0000000"),
    ("3.要求提供公开出版物", "0000000"), ("4.无正当理由大量反复申请", "0000000"),
    ("5.要求行政机关确认或重新出具已获取信息", "0000000"),
    ("（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "0000000"),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "0000000"), ("3.其他", "0000000"),
    # the agency's own 总计 says 12 where its outcome rows add up to 13: a genuine R2 break
    ("（七）总计", "120000012"), ("四、结转下年度继续办理", "0000000"),
]


def page(t2: str = "规章000行政规范性文件005", procurement: str = "") -> str:
    t3 = "".join(label + run for label, run in T3_ROWS)
    return ("标题: 某某县示例局2023年政府信息公开工作年度报告\n发布时间: 2024-01-20 15:07\n"
            "==================== 正文 ====================\n"
            "本报告所列数据统计期限为2023年1月1日至2023年12月31日。一、总体情况 2023年，我局持续丰富网站专栏信息内容，"
            "共公布政府信息320条（其中机构职能类信息12条，政策文件类信息30条，其他应主动公开政府信息278条）。"
            "通过“示例发布”公众号发布信息95条。二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数"
            f"现行有效件数{t2}第二十条第（五）项信息内容本年处理决定数量行政许可1205第二十条第（六）项信息内容"
            "本年处理决定数量行政处罚36行政强制0第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费12.5"
            f"{procurement}三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
            f"申请人情况自然人法人或其他组织总计商业 企业科研 机构社会公益组织法律服务机构其他{t3}"
            "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉"
            "复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计 1 0 0 0 1 0 0 0 0 0 0 0 0 0 0 "
            "五、存在的主要问题及明年工作计划 公开内容还不够丰富。六、其他需要报告的事项 2023年，无收取信息处理费情况。"
            "某某县示例局 2024年1月19日 附件下载\n")


def test_flattened_page_reads_tables_and_keeps_a_genuine_r2_break():
    r = ingest_text(page(), "page.txt")
    f = r.fields
    assert f["meta.agency"] == "某某县示例局" and f["meta.year"] == 2023 and f["meta.template"] == "2021"
    assert f["meta.published"] == "2024-01-19"
    assert [f[f"applications.new_received.{c}"] for c in ("natural", "commercial", "other_org", "total")] == [12, 0, 0, 12]
    assert f["applications.unable_not_held.total"] == 4 and f["applications.rejected_petition.natural"] == 1
    assert [f[f"review.{c}"] for c in ("upheld", "total")] == [1, 1]
    # the report's own tables do not add up: the finding stands, on numbers read from the page
    r2 = [w for w in r.warnings if w.rule == "R2" and w.severity == "error"]
    assert r2 and "12" in r2[0].message and "13" in r2[0].message
    assert not [w for w in r.warnings if w.rule == "missing_section"]


def test_the_published_total_is_the_stated_total_not_a_category_or_a_channel():
    f = ingest_text(page(), "page.txt").fields
    assert f["proactive.published_total"] == 320  # not 278 (a category in the breakdown) nor 95 (one channel)


def test_table_2_runs_are_cut_only_when_no_other_reading_exists():
    f = ingest_text(page(t2="规章000行政规范性文件005"), "page.txt").fields
    assert [f[f"proactive.normative_docs.{c}"] for c in ("issued", "abolished", "in_force")] == [0, 0, 5]
    assert [f[f"proactive.regulations.{c}"] for c in ("issued", "abolished", "in_force")] == [0, 0, 0]
    # 「808」 is 8 | 0 | 8, or 80 | 空 | 8 with an empty cell gone from the text: not read
    r = ingest_text(page(t2="规章000行政规范性文件808"), "page.txt")
    assert r.fields.get("proactive.normative_docs.issued") is None
    assert "proactive.normative_docs.issued" in r.unread
    assert any("808" in w.message for w in r.warnings)


def test_a_cell_that_prints_its_unit_stays_a_cell():
    text = page(procurement="第二十条第（九）项信息内容采购项目数量采购总金额政府集中采购 2笔 984361元").replace("2023", "2020")
    text = text.replace("本年制发件数本年废止件数现行有效件数", "本年新制作数量本年新公开数量对外公开总数量")
    f = ingest_text(text, "page.txt").fields
    assert f["meta.template"] == "2019"
    assert f["proactive.procurement.projects"] == 2
    assert abs(f["proactive.procurement.amount_wan"] - 98.4361) < 1e-9


def test_a_run_whose_empty_cell_vanished_is_never_read_wrong():
    """The 总计 row prints 15 62 (empty) 0 39 21 137: run together, 「15620392137」 also cuts into seven
    numbers that add up. With other rows printing 0 everywhere this must still stay 未读到 or be right."""
    rows = [(label, "15620392137" if label == "（七）总计" else run) for label, run in T3_ROWS]
    text = page().replace("".join(label + run for label, run in T3_ROWS), "".join(label + run for label, run in rows))
    r = ingest_text(text, "page.txt")
    truth = {"natural": 15, "commercial": 62, "research": None, "social": 0, "legal": 39, "other_org": 21, "total": 137}
    for col, value in truth.items():
        got = r.fields.get(f"applications.total.{col}")
        assert got is None or got == value, (col, got)
    assert not [w for w in r.warnings if w.severity == "error" and w.rule == "R1"]


def test_prose_that_names_table_4_words_stays_prose():
    from core.ingest import ingest_text as read
    text = ("某某县示例局2023年政府信息公开工作年度报告\n一、总体情况\n"
            "2023年，我局全年主动公开政府信息共774条，其中政策解读35条。本年度发生政府信息公开行政复议案件2件，"
            "其中复议后起诉1件，均已依法办结，未发生被纠错的情况，相关工作持续规范。\n"
            "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\n")
    assert read(text, "prose.txt").fields.get("proactive.published_total") == 774


def test_tables_appended_after_section_six_are_not_fee_tables():
    from core.ingest import ingest_text as read
    text = ("某某县示例局2023年政府信息公开工作年度报告\n一、总体情况\n全年主动公开政府信息共20条。\n"
            "六、其他需要报告的事项\n本年度未收取信息处理费。\n附表3 政府信息公开行政复议、行政诉讼情况\n"
            "行政复议\t\t\t\t\t行政诉讼\n结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉\n"
            "1\t0\t0\t0\t1\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\n")
    f = read(text, "appendix.txt").fields
    assert f.get("review.upheld") == 1 and f.get("review.total") == 1
    assert f.get("processing_fee.yuan") == 0
