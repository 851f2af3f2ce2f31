"""Readers: each format yields the exact grid (texts and covered flags) and refuses bad input clearly."""
from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import SimpleDocTemplate
from reportlab.platypus import Table as RLTable
from reportlab.platypus import TableStyle

from core.grid import Paragraph, ReadError, Table
from core.readers.docx import read_docx
from core.readers.html import read_html
from core.readers.pdf import read_pdf

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REAL = SHARED / "real"
FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def grid(table: Table) -> list[list[str]]:
    """A table as text rows, a covered position marked with a leading '~'."""
    widths = {len(row) for row in table.rows}
    assert len(widths) == 1, "every row must have the same width"
    return [[("~" if c.covered else "") + c.text for c in row] for row in table.rows]


def texts(doc) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, Paragraph)]


# ---- PDF ----------------------------------------------------------------------------------------

def _footer(c: canvas.Canvas, _doc=None) -> None:
    c.setFont(FONT, 10)
    c.drawCentredString(A4[0] / 2, 30, f"- {c.getPageNumber()} -")


def _pdf(flowables, **kwargs) -> bytes:
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, title=kwargs.pop("title", ""), **kwargs).build(
        flowables, onFirstPage=_footer, onLaterPages=_footer)
    return buf.getvalue()


def _rl_table(rows, spans=(), repeat=0) -> RLTable:
    t = RLTable(rows, repeatRows=repeat)
    t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 9), ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                           *[("SPAN", a, b) for a, b in spans]]))
    return t


def _rl_paragraph(text: str):
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph as RLParagraph
    return RLParagraph(text, ParagraphStyle("cn", fontName=FONT, fontSize=11, leading=16))


TABLE3_ROWS = [
    ["本列数据\n勾稽关系", "", "申请人情况", "", ""],
    ["", "", "自然人", "法人或其他组织", "总计"],
    ["", "", "", "商业企业", ""],
    ["一、本年新收政府信息公开申请数量", "", "12", "3", "15"],
    ["三、本年度\n办理结果", "（一）予以公开", "10", "2", "12"],
    ["", "（四）无\n法提供", "2", "1", "3"],
    ["统计年度", "2024\n年", "0", "/", ""],
]
TABLE3_SPANS = [((0, 0), (1, 2)), ((2, 0), (4, 0)), ((2, 1), (2, 2)), ((4, 1), (4, 2)), ((0, 3), (1, 3)),
                ((0, 4), (0, 5))]
TABLE3_GRID = [
    ["本列数据勾稽关系", "~本列数据勾稽关系", "申请人情况", "~申请人情况", "~申请人情况"],
    ["~本列数据勾稽关系", "~本列数据勾稽关系", "自然人", "法人或其他组织", "总计"],
    ["~本列数据勾稽关系", "~本列数据勾稽关系", "~自然人", "商业企业", "~总计"],
    ["一、本年新收政府信息公开申请数量", "~一、本年新收政府信息公开申请数量", "12", "3", "15"],
    ["三、本年度办理结果", "（一）予以公开", "10", "2", "12"],
    ["~三、本年度办理结果", "（四）无法提供", "2", "1", "3"],
    ["统计年度", "2024 年", "0", "/", ""],
]


def test_pdf_grid_spans_and_narrative():
    data = _pdf([_rl_paragraph("三、收到和处理政府信息公开申请情况"), _rl_table(TABLE3_ROWS, TABLE3_SPANS),
                 _rl_paragraph("四、政府信息公开行政复议、行政诉讼情况")],
                title="某某县人民政府2024年政府信息公开工作年度报告")
    doc = read_pdf(data, "t.pdf")
    assert doc.format == "pdf"
    assert doc.title_hint == "某某县人民政府2024年政府信息公开工作年度报告"
    assert texts(doc) == ["三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"]
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph", "Table", "Paragraph"]
    (table,) = doc.tables
    assert table.regular and table.where == "第1页"
    assert grid(table) == TABLE3_GRID
    assert {c.where for row in table.rows for c in row} == {"第1页"}


def test_pdf_table_continued_on_next_page_is_joined_without_repeated_header():
    rows = [["信息内容", "本年新收", "总计"]] + [[f"第{i}行", str(i), str(i * 10)] for i in range(1, 71)]
    doc = read_pdf(_pdf([_rl_table(rows, repeat=1)]), "long.pdf")
    (table,) = doc.tables
    assert grid(table) == rows
    assert table.where == "第1至2页"
    assert table.rows[-1][0].where == "第2页"
    assert texts(doc) == []  # the page numbers 「- 1 -」「- 2 -」 are dropped


def test_pdf_continued_table_with_different_column_lines_is_joined_on_the_finer_grid():
    """The first page holds only rows whose label spans three columns: it draws fewer column lines."""
    merged = [[f"第{i}项合计", "", "", str(i), str(i)] for i in range(1, 46)]
    detailed = [["分组", "（一）", f"{i}.细目", str(i), str(i)] for i in range(1, 11)]
    spans = [((0, r), (2, r)) for r in range(45)]
    doc = read_pdf(_pdf([_rl_table(merged + detailed, spans)]), "parts.pdf")
    (table,) = doc.tables
    assert table.where == "第1至2页"
    assert grid(table) == [[a, "~" + a, "~" + a, d, e] for a, _, _, d, e in merged] + detailed


def _rotated_label_pdf(angle: int) -> bytes:
    """A ruled table drawn by hand whose group label is turned 90° inside a cell spanning 3 rows."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont(FONT, 10)
    c.drawString(72, 760, "三、收到和处理政府信息公开申请情况")
    xs, ys = [72, 110, 300, 400], [700, 680, 660, 640]
    for x in xs:
        c.line(x, ys[0], x, ys[-1])
    for y in ys:
        c.line(xs[1] if 0 < ys.index(y) < len(ys) - 1 else xs[0], y, xs[-1], y)
    c.saveState()
    c.translate(95, 644) if angle == 90 else c.translate(85, 696)
    c.rotate(angle)
    c.setFont(FONT, 6)
    c.drawString(0, 0, "三、本年度办理结果")
    c.restoreState()
    for i, (label, value) in enumerate([("（一）予以公开", "12"), ("（二）部分公开", "3"), ("（七）总计", "1234567")]):
        c.drawString(115, ys[i] - 14, label)
        c.drawString(360, ys[i] - 14, value)
    c.drawString(290, 40, "第 1 页")
    c.save()
    return buf.getvalue()


@pytest.mark.parametrize("angle", [90, -90])
def test_pdf_rotated_group_label_stays_in_its_cell(angle):
    doc = read_pdf(_rotated_label_pdf(angle), "rot.pdf")
    assert texts(doc) == ["三、收到和处理政府信息公开申请情况"]
    assert grid(doc.tables[0]) == [
        ["三、本年度办理结果", "（一）予以公开", "12"],
        ["~三、本年度办理结果", "（二）部分公开", "3"],
        ["~三、本年度办理结果", "（七）总计", "1234567"],
    ]


def _raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF from raw object bodies, with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{off:010d} 00000 n \n".encode() for off in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _cid_garbage_pdf() -> bytes:
    """Text in an Identity-H font with no ToUnicode map: extracts as (cid:NNN) only."""
    content = b"BT /F1 12 Tf 72 700 Td <" + b"".join(f"{i:04X}".encode() for i in range(1, 200)) + b"> Tj ET"
    return _raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+SimSun /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+SimSun "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
    ])


def _canvas_pdf(draw, **kwargs) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, **kwargs)
    draw(c)
    c.save()
    return buf.getvalue()


def _scanned(c: canvas.Canvas) -> None:
    for _ in range(2):
        c.setFillGray(0.8)
        c.rect(50, 50, 495, 740, fill=1)  # stands in for the page image of a scan
        c.showPage()


def _text_page(c: canvas.Canvas) -> None:
    c.setFont(FONT, 12)
    c.drawString(72, 700, "某某局2024年政府信息公开工作年度报告" * 3)


_GOOD_PDF = _pdf([_rl_table(TABLE3_ROWS, TABLE3_SPANS)])


@pytest.mark.parametrize("data, message", [
    (b"", "PDF 文件已损坏（文档目录（页面树）损坏）"),
    (b"%PDF-1.7\n%garbage", "PDF 文件已损坏（文档目录（页面树）损坏）"),
    (_GOOD_PDF[: len(_GOOD_PDF) // 2], "PDF 文件已损坏（文件不完整，末尾被截断）"),
    (_canvas_pdf(_text_page, encrypt="pw"), "PDF 设有打开密码（已加密）"),
    # a PDF without text goes to OCR, which finds none in a page of boxes
    (_canvas_pdf(_scanned), "扫描件中没有识别出文字（页面可能是空白或照片），无法读取表格数字。"),
    (_cid_garbage_pdf(), "PDF 的字体没有文字编码（提取出的是乱码）"),
], ids=["empty", "garbage", "truncated", "encrypted", "scanned", "cid-garbage"])
def test_pdf_bad_input(data, message):
    with pytest.raises(ReadError) as err:
        read_pdf(data, "坏文件.pdf")
    assert str(err.value).startswith("坏文件.pdf：")
    assert message in str(err.value)


def test_pdf_too_many_pages():
    def many(c):
        for i in range(61):
            c.setFont(FONT, 12)
            c.drawString(72, 700, f"第{i}页的正文内容")
            c.showPage()
    with pytest.raises(ReadError, match="共 61 页，超过 60 页的上限"):
        read_pdf(_canvas_pdf(many), "厚.pdf")


def test_pdf_dense_ruling_is_read_as_text_in_bounded_time():
    """Cell finding is quadratic in line crossings: a 100×100 ruled page must not stall the reader."""
    def dense(c):
        for i in range(100):
            c.line(20 + i * 5.5, 20, 20 + i * 5.5, 820)
            c.line(20, 20 + i * 8, 570, 20 + i * 8)
        _text_page(c)
    started = time.monotonic()
    doc = read_pdf(_canvas_pdf(dense), "dense.pdf")
    assert time.monotonic() - started < 2
    assert doc.tables == [] and texts(doc) == ["某某局2024年政府信息公开工作年度报告" * 3]


def test_pdf_owner_password_only_is_readable():
    """Encrypted with an empty user password (copy/print restrictions only): opens without asking."""
    from reportlab.lib.pdfencrypt import StandardEncryption

    def latin(c):  # pdfminer does not decrypt the CID system info of reportlab's built-in CJK fonts
        c.setFont("Helvetica", 12)
        c.drawString(72, 700, "Annual report 2024, " * 4)
    data = _canvas_pdf(latin, encrypt=StandardEncryption("", ownerPassword="owner"))
    assert texts(read_pdf(data, "p.pdf")) == [("Annual report 2024, " * 4).strip()]


# ---- DOCX ---------------------------------------------------------------------------------------

def _docx_bytes(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _set(cell, *paragraphs: str) -> None:
    cell.text = paragraphs[0]
    for p in paragraphs[1:]:
        cell.add_paragraph(p)


def test_docx_merges_nested_and_order():
    d = docx.Document()
    d.core_properties.title = "某某局2024年政府信息公开工作年度报告"
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    t = d.add_table(rows=5, cols=5)
    t.cell(0, 0).merge(t.cell(2, 1))
    t.cell(0, 2).merge(t.cell(0, 4))
    t.cell(1, 2).merge(t.cell(2, 2))
    t.cell(1, 4).merge(t.cell(2, 4))
    t.cell(3, 0).merge(t.cell(3, 1))
    _set(t.cell(0, 0), "本列数据", "勾稽关系")
    _set(t.cell(0, 2), "申请人情况")
    _set(t.cell(1, 2), "自然人")
    _set(t.cell(1, 3), "法人或其他组织")
    _set(t.cell(1, 4), "总计")
    _set(t.cell(2, 3), "社会", "公益", "组织")
    _set(t.cell(3, 0), "一、本年新收政府信息公开申请数量")
    for c, v in zip(range(2, 5), ("12", "3", "15")):
        _set(t.cell(3, c), v)
    _set(t.cell(4, 0), "统计\u3000年度")
    _set(t.cell(4, 1), "2024", "年")
    inner = t.cell(4, 2).add_table(rows=1, cols=2)
    _set(inner.cell(0, 0), "嵌套")
    _set(inner.cell(0, 1), "表格")
    _set(t.cell(4, 3), "\u00a0 ")
    _set(t.cell(4, 4), "0")
    d.add_paragraph("")
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    doc = read_docx(_docx_bytes(d), "t.docx")
    assert doc.format == "docx"
    assert doc.title_hint == "某某局2024年政府信息公开工作年度报告"
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph", "Table", "Paragraph"]
    assert [(p.text, p.where) for p in doc.paragraphs] == [
        ("三、收到和处理政府信息公开申请情况", "第1段"), ("四、政府信息公开行政复议、行政诉讼情况", "第2段")]
    (table,) = doc.tables
    assert table.regular and table.where == "表格1"
    assert grid(table) == [
        ["本列数据勾稽关系", "~本列数据勾稽关系", "申请人情况", "~申请人情况", "~申请人情况"],
        ["~本列数据勾稽关系", "~本列数据勾稽关系", "自然人", "法人或其他组织", "总计"],
        ["~本列数据勾稽关系", "~本列数据勾稽关系", "~自然人", "社会公益组织", "~总计"],
        ["一、本年新收政府信息公开申请数量", "~一、本年新收政府信息公开申请数量", "12", "3", "15"],
        ["统计 年度", "2024 年", "嵌套表格", "", "0"],
    ]
    assert table.rows[4][0].where == "表格1第5行"


def test_docx_rows_starting_late_are_padded():
    d = docx.Document()
    t = d.add_table(rows=2, cols=3)
    for r in range(2):
        for c in range(3):
            _set(t.cell(r, c), f"{r}{c}")
    tr = t.rows[1]._tr
    tr.remove(tr.tc_lst[0])
    tr.insert(0, parse_xml(f'<w:trPr {nsdecls("w")}><w:gridBefore w:val="1"/></w:trPr>'))
    doc = read_docx(_docx_bytes(d), "t.docx")
    assert grid(doc.tables[0]) == [["00", "01", "02"], ["", "11", "12"]]


def test_docx_vertical_merge_written_by_hand():
    """vMerge without a val attribute means 'continue', as Word writes it."""
    d = docx.Document()
    t = d.add_table(rows=3, cols=2)
    _set(t.cell(0, 0), "（三）不予公开")
    for r in range(3):
        _set(t.cell(r, 1), f"{r + 1}.")
    first = t.cell(0, 0)._tc.get_or_add_tcPr()
    first.append(parse_xml(f'<w:vMerge {nsdecls("w")} w:val="restart"/>'))
    for r in (1, 2):
        t.cell(r, 0)._tc.get_or_add_tcPr().append(parse_xml(f'<w:vMerge {nsdecls("w")}/>'))
    assert t.cell(1, 0)._tc.find(qn("w:tcPr")) is not None
    doc = read_docx(_docx_bytes(d), "t.docx")
    assert grid(doc.tables[0]) == [["（三）不予公开", "1."], ["~（三）不予公开", "2."], ["~（三）不予公开", "3."]]


def _zip(members: dict[str, bytes], level: int = 6) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


_GOOD_DOCX = _docx_bytes(docx.Document())


@pytest.mark.parametrize("data, message", [
    (b"", "Word 文件已损坏或不完整"),
    (_GOOD_DOCX[: len(_GOOD_DOCX) // 2], "Word 文件已损坏或不完整"),
    (_zip({"readme.txt": b"hello"}), "不是 Word（.docx）文档"),
    (_zip({f"word/media/{i}.bin": bytes(70 * 1024 * 1024) for i in range(3)} | {"word/document.xml": b"<x/>"}, 1),
     "文件解压后过大或包含的部件过多"),
    (_zip({f"word/{i}.xml": b"<x/>" for i in range(2000)} | {"word/document.xml": b"<x/>"}), "文件解压后过大或包含的部件过多"),
    (_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document"}), "Word 文件已损坏或格式不正确"),
], ids=["empty", "truncated", "not-word-zip", "zip-bomb-size", "zip-bomb-members", "broken-xml"])
def test_docx_bad_input(data, message):
    started = time.monotonic()
    with pytest.raises(ReadError) as err:
        read_docx(data, "坏文件.docx")
    assert time.monotonic() - started < 2
    assert str(err.value).startswith("坏文件.docx：")
    assert message in str(err.value)


# ---- HTML ---------------------------------------------------------------------------------------

HTML_PAGE = """<!DOCTYPE html><html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>某某县2024年政府信息公开工作年度报告_年报_某某县人民政府</title>
<script>var menu = "不应出现";</script><style>.x{}</style></head>
<body>
<div class="header"><ul class="nav"><li>首页</li><li>政务公开</li></ul></div>
<div class="breadcrumb">当前位置：首页 &gt; 年报</div>
<div class="main"><div class="article_title">某某县2024年政府信息公开工作年度报告</div>
<div class="article_content"><div class="TRS_Editor">
<p><span>一、总体情况&nbsp;</span></p>
<p>2024年，我县<span>主动公开</span>政府信息 1200 条。</p>
<table border="1"><tbody>
<tr><td colspan="2" rowspan="2"><p>本列数据</p><p>勾稽关系</p></td><td colspan="3">申请人情况</td></tr>
<tr><td>自然人</td><td>法人或<br/>其他组织</td><td>总计</td></tr>
<tr><td rowspan="2"><p>三、本</p><p>年<span>度办</span>
 &nbsp; &nbsp; &nbsp;</p><p><span>理结果</span>&nbsp;&nbsp;</p></td><td><p>（四）无</p><p>法提供</p></td>
<td><p>1</p><p>2</p></td><td>&nbsp;</td><td>3</td></tr>
<tr><td>（七）总计</td><td>12</td><td>0</td><td>12</td></tr>
</tbody></table>
<p>二、主动公开政府信息情况</p>
</div></div><div class="share">分享到：微信</div></div>
<div class="footer">版权所有：某某县人民政府 2025-01-20</div>
</body></html>"""

HTML_GRID = [
    ["本列数据勾稽关系", "~本列数据勾稽关系", "申请人情况", "~申请人情况", "~申请人情况"],
    ["~本列数据勾稽关系", "~本列数据勾稽关系", "自然人", "法人或其他组织", "总计"],
    ["三、本年度办理结果", "（四）无法提供", "1 2", "", "3"],
    ["~三、本年度办理结果", "（七）总计", "12", "0", "12"],
]


@pytest.mark.parametrize("data", [
    HTML_PAGE.encode("gbk"),
    HTML_PAGE.replace("; charset=gb2312", "").encode("gbk"),
    HTML_PAGE.replace("; charset=gb2312", "").encode("utf-8"),
], ids=["gbk-declared", "gbk-undeclared", "utf8-undeclared"])
def test_html_grid_container_and_encoding(data):
    doc = read_html(data, "t.html")
    assert doc.format == "html"
    assert doc.title_hint == "某某县2024年政府信息公开工作年度报告"
    assert texts(doc) == ["一、总体情况", "2024年，我县主动公开政府信息 1200 条。", "二、主动公开政府信息情况"]
    (table,) = doc.tables
    assert table.regular and table.where == "表格1"
    assert grid(table) == HTML_GRID
    assert table.rows[2][0].where == "表格1第3行"


def test_html_meta_article_title_wins_and_layout_table_is_not_a_table():
    page = """<html><head><meta name="ArticleTitle" content="某某局2023年政府信息公开工作年度报告">
    <title>无关标题-门户网站</title></head><body>
    <table width="100%"><tr><td colspan="2">网站横幅</td></tr><tr><td>栏目导航</td><td>
    <p>一、总体情况</p><p>本年度正文内容较多，用于说明情况。</p>
    <table border="1"><tr><td>信息内容</td><td>本年制发件数</td></tr><tr><td>规章</td><td>0</td></tr>
    <tr><td>行政规范性文件</td><td>5</td></tr><tr><td>行政许可</td><td>17</td></tr></table>
    </td></tr></table></body></html>"""
    doc = read_html(page.encode(), "t.html")
    assert doc.title_hint == "某某局2023年政府信息公开工作年度报告"
    (table,) = doc.tables
    assert grid(table) == [["信息内容", "本年制发件数"], ["规章", "0"], ["行政规范性文件", "5"], ["行政许可", "17"]]
    assert texts(doc) == ["一、总体情况", "本年度正文内容较多，用于说明情况。"]


def test_html_spans_are_clamped():
    page = '<table><tr><td rowspan="100000" colspan="abc">甲</td><td colspan="9999">乙</td></tr><tr><td>1</td></tr></table>'
    (table,) = read_html(page.encode(), "t.html").tables
    assert len(table.rows) == 2 and len(table.rows[0]) == 51
    assert grid(table)[1][:3] == ["~甲", "1", ""]


@pytest.mark.parametrize("depth", [100_000, 1000])
def test_html_deep_nesting_is_refused_quickly(depth):
    page = "<html><body>" + "<div>" * depth + "深" + "</div>" * depth + "</body></html>"
    started = time.monotonic()
    with pytest.raises(ReadError, match="嵌套超过 255 层"):
        read_html(page.encode(), "深.html")
    assert time.monotonic() - started < 2


def test_html_undecodable_bytes():
    with pytest.raises(ReadError, match="无法识别文件的文字编码"):
        read_html(bytes(range(128, 256)) * 50, "乱码.html")


# ---- the real documents in ../shared/real ---------------------------------------------------------

needs_shared = pytest.mark.skipif(not REAL.exists(), reason="../shared/real is not present")


def _table_with(doc, word: str) -> Table:
    return next(t for t in doc.tables if any(word in c.text for row in t.rows for c in row))


@needs_shared
def test_real_huaian_pdf():
    doc = read_pdf((REAL / "huaian-city-2024.pdf").read_bytes(), "huaian-city-2024.pdf")
    table3 = _table_with(doc, "本年新收")
    rows = grid(table3)
    assert len(rows) == 28 and len(rows[0]) == 10
    body = rows[3:]
    assert all(len([v for v in row[3:] if v.isdigit()]) == 7 for row in body)
    assert rows[3][3:] == ["3001", "53", "0", "0", "61", "4", "3119"]
    assert rows[16][:3] == ["~三、本年度办理结果", "法提供", "2.没有现成信息需要另行制作"]
    assert rows[26][3:] == ["2932", "53", "0", "0", "61", "4", "3050"]
    assert rows[27][3:] == ["103", "0", "0", "0", "0", "0", "103"]
    assert {row[0] for row in rows[5:27]} == {"三、本年度办理结果", "~三、本年度办理结果"}
    narrative = texts(doc)
    assert not [t for t in narrative if len(t) <= 3]  # no scattered label characters, no 「-4-」 footers
    assert "三、收到和处理政府信息公开申请情况" in narrative
    assert narrative[-1] == "办法》，全年收取政府信息公开信息处理费 3940 元。"
    table2 = grid(_table_with(doc, "行政许可"))  # pages 3–4, the second part drawn with fewer column lines
    assert len(table2) == 14 and table2[-1] == ["行政事业性收费", "96171.6", "~96171.6", "~96171.6"]
    review = _table_with(doc, "复议后起诉")
    assert grid(review)[-1] == "72 64 178 37 351 13 4 8 1 26 12 1 1 6 20".split()


@needs_shared
def test_real_pingtan_html():
    doc = read_html((REAL / "pingtan-2024.html").read_bytes(), "pingtan-2024.html")
    assert doc.title_hint == "平潭综合实验区2024年度政府信息公开工作年度报告"
    rows = grid(_table_with(doc, "本年新收"))
    assert len(rows) == 28 and len(rows[0]) == 10
    assert rows[2][3:] == ["~自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "~总计"]
    assert rows[5][0] == "三、本年度办理结果"
    assert all(len([v for v in row[3:] if v.isdigit()]) == 7 for row in rows[3:])
    assert rows[23][2] == "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    assert texts(doc)[-1] == "2024年，无收取信息处理费情况。"


def test_pdf_without_ruling_lines_reads_rows_from_text_lines():
    """A table typeset without borders: no grid to rebuild, so each line 「label n … n」 is a row."""
    from core.ingest import report_from_document
    rows = [["一、本年新收政府信息公开申请数量", "3", "1", "0", "0", "0", "0", "4"],
            ["（一）予以公开", "2", "1", "0", "0", "0", "0", "3"],
            ["（七）总计", "2", "1", "0", "0", "0", "0", "3"]]
    t = RLTable(rows)
    t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 9)]))
    data = _pdf([_rl_paragraph("某县财政局2023年政府信息公开工作年度报告"), _rl_paragraph("三、收到和处理政府信息公开申请情况"), t])
    doc = read_pdf(data, "stream.pdf")
    assert [grid(b) for b in doc.blocks if isinstance(b, Table)][0] == [rows[0]]
    f = report_from_document(doc, "stream.pdf").fields
    assert [f[f"applications.granted.{c}"] for c in ("natural", "commercial", "total")] == [2, 1, 3]


def test_pdf_decompression_bomb_is_refused_before_it_is_inflated():
    """A 100 KB file whose content stream inflates to 100 MB: refused from a bounded inflate."""
    import zlib
    packer = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    stream = b"".join(packer.compress(chunk) for _ in range(100)) + packer.flush()
    data = _raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ])
    assert len(data) < 200_000
    with pytest.raises(ReadError, match="bomb.pdf：PDF 内含异常巨大的压缩数据"):
        read_pdf(data, "bomb.pdf")


@pytest.mark.parametrize("data", [
    b"<html><body>" + (b"<table><tr>" + b"<td>1</td>" * 100 + b"</tr></table>") * 600 + b"</body></html>",
    b"<html><body>" + b"<p>x</p>" * 700_000 + b"</body></html>",
], ids=["60000-cells", "700000-paragraphs"])
def test_html_far_larger_than_a_report_is_refused(data):
    with pytest.raises(ReadError, match="big.html：网页包含的标签或表格单元格远超一份年度报告"):
        read_html(data, "big.html")


def test_docx_with_far_more_cells_than_a_report_is_refused():
    d = docx.Document()
    table = d.add_table(rows=60, cols=50)
    for _ in range(20):  # the same 3,000-cell table twenty times over
        d.element.body.append(parse_xml(table._tbl.xml))
    buf = io.BytesIO()
    d.save(buf)
    with pytest.raises(ReadError, match="big.docx：文档包含 63000 个表格单元格"):
        read_docx(buf.getvalue(), "big.docx")


def test_html_with_tables_typed_as_pipe_lines_between_br():
    rows = ["一、本年新收政府信息公开申请数量 | 3 | 1 | 0 | 0 | 0 | 0 | 4",
            "（一）予以公开 | 2 | 1 | 0 | 0 | 0 | 0 | 3"]
    page = ("<html><body><div class='TRS_Editor'><p>某县财政局2023年政府信息公开工作年度报告</p><p>"
            "三、收到和处理政府信息公开申请情况<br>" + "<br>".join(rows) + "</p></div></body></html>").encode()
    from core.ingest import ingest
    r = ingest(page, "br.html")
    assert [r.fields[f"applications.granted.{c}"] for c in ("natural", "commercial", "total")] == [2, 1, 3]
    assert r.provenance["applications.granted.total"].where.startswith("第")


def test_docx_with_tables_typed_as_tab_separated_paragraphs():
    from core.ingest import ingest
    d = docx.Document()
    d.add_paragraph("某县财政局2023年政府信息公开工作年度报告")
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    d.add_paragraph("一、本年新收政府信息公开申请数量\t3\t1\t0\t0\t0\t0\t4")
    d.add_paragraph("（一）予以公开\t2\t1\t\t\t\t\t3")
    buf = io.BytesIO()
    d.save(buf)
    r = ingest(buf.getvalue(), "tabs.docx")
    assert [r.fields[f"applications.granted.{c}"] for c in ("natural", "commercial", "research", "total")] == [2, 1, None, 3]
    assert r.provenance["applications.granted.total"].where == "第4段"
