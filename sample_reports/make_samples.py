#!/usr/bin/env python3
"""Regenerate the sample library: each seed report as TXT, DOCX, HTML and PDF, with its gold.

    python sample_reports/make_samples.py

The TXT files are the source we control (copies of the seed reports; bootstrapped from
../shared/corpus/seeds only when missing, together with the gold files from ../shared/gold). Every
other format is rendered from the TXT: the text reader and the parser give the narrative paragraphs
and the record, and the three template tables are drawn with the template's real merged-cell layout
(`core.synthetic.layout_t2/t3/t4`), each right after its section heading. The content is the same
in every format, so one `NAME.gold.json` scores all four documents `NAME.{txt,docx,html,pdf}`.

Formats, varied on purpose:
- DOCX (python-docx): 'Table Grid' tables with real merges, 仿宋/黑体 fonts, a PAGE field footer.
- HTML: a saved government-portal page (navigation, breadcrumbs, info bar, share bar, footer with
  phone and 备案 numbers, scripts and styles around the article). 001 is an old table-layout page in
  GBK; 004 declares no charset at all (UTF-8); the others declare UTF-8 in one of the two ways.
  Cells wrap their text in <p>/<span> as Word's 'save as web page' and TRS editors do, with &nbsp;.
- PDF: reportlab with the non-embedded CID font STSong-Light, ruled tables with spans and '- N -'
  page numbers. A table that does not fit is cut at a row boundary like Word does (a merged cell the
  cut goes through continues empty on the next page); 001's Table 3 breaks across two pages without
  a repeated header, 003's with its three header rows repeated.
- 000's PDF is LibreOffice's export of 000's DOCX (embedded subset fonts), made with `soffice` when
  it is installed; otherwise the committed PDF is kept.

The output is deterministic (fixed zip timestamps, reportlab invariant mode, normalised PDF dates).
"""
from __future__ import annotations

import hashlib
import html
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = ROOT.parent / "shared"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core.grid import Paragraph  # noqa: E402
from core.narrative import heading_kind, signature, title  # noqa: E402
from core.parse import parse_document  # noqa: E402
from core.readers.cells import is_cjk  # noqa: E402
from core.readers.text import parse_text  # noqa: E402
from core.synthetic import LCell, SyntheticReport, layout_t2, layout_t3, layout_t4  # noqa: E402

NAMES = ("000_cf1e86794f147280", "001_c73b0815ce023fc0", "002_b232cca7e491c758", "003_2e35e5fc97545d22",
         "004_ab6da90aa55277b8")
OFFICE_PDF = "000_cf1e86794f147280"  # its PDF is LibreOffice's export of its DOCX

# How each seed's web page and PDF look. `in_body`: the page repeats the report title as the first
# paragraph of the article (otherwise the title is only the page's <h1> and <title>).
PAGES = {
    "000_cf1e86794f147280": dict(site="平顶山市湛河区人民政府", charset="meta", style="div", in_body=False,
                                 published="2024-01-22 10:15", source="区住建局", hits="1187"),
    "001_c73b0815ce023fc0": dict(site="信阳市浉河区人民政府", charset="gbk", style="table", in_body=True,
                                 published="2024-01-19", source="区政府办", hits="2365"),
    "002_b232cca7e491c758": dict(site="市住房和城乡建设局", charset="http-equiv", style="div", in_body=False,
                                 published="2021-01-28 16:02", source="办公室", hits="316"),
    "003_2e35e5fc97545d22": dict(site="平顶山市湛河区人民政府", charset="meta", style="div", in_body=True,
                                 published="2025-01-17 09:30", source="区工信局", hits="842"),
    # The text has no title line; the portal titles it without the agency (which stays the 落款's).
    "004_ab6da90aa55277b8": dict(site="南通市海门区人民政府", charset=None, style="div", in_body=False,
                                 published="2024-01-10 08:45", source="区住房建设服务中心", hits="95",
                                 title="2023年政府信息公开工作年度报告"),
}
# PDF: how Table 3 continues on the next page when it breaks (header rows repeated or not).
PDF_REPEAT_T3_HEADER = {"003_2e35e5fc97545d22": 3}


# ---- the report as items in order -------------------------------------------------------------

@dataclass
class Cellp:
    """One cell placed on the grid: top-left position, spans, text."""

    r: int
    c: int
    rs: int
    cs: int
    text: str


@dataclass
class Grid:
    kind: str  # T2 | T3 | T4
    cells: list[Cellp]
    nrows: int
    ncols: int
    header_rows: int = 0

    def rows(self) -> list[list[Cellp]]:
        out: list[list[Cellp]] = [[] for _ in range(self.nrows)]
        for cell in self.cells:
            out[cell.r].append(cell)
        return [sorted(row, key=lambda c: c.c) for row in out]

    def cut(self, start: int, end: int) -> "Grid":
        """Rows start..end-1; a merged cell the cut goes through continues empty (as Word prints it)."""
        cells = []
        for c in self.cells:
            if c.r + c.rs <= start or c.r >= end:
                continue
            top, bottom = max(c.r, start), min(c.r + c.rs, end)
            cells.append(Cellp(top - start, c.c, bottom - top, c.cs, c.text if c.r >= start else ""))
        return Grid(self.kind, cells, end - start, self.ncols, max(0, self.header_rows - start))

    def stacked(self, other: "Grid") -> "Grid":
        cells = self.cells + [Cellp(c.r + self.nrows, c.c, c.rs, c.cs, c.text) for c in other.cells]
        return Grid(self.kind, cells, self.nrows + other.nrows, self.ncols, self.header_rows)


def place(kind: str, layout: list[list[LCell]], header_rows: int) -> Grid:
    taken: set[tuple[int, int]] = set()
    cells, width = [], 0
    for r, row in enumerate(layout):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            cells.append(Cellp(r, c, cell.rowspan, cell.colspan, cell.text))
            taken.update((r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan))
            c += cell.colspan
            width = max(width, c)
    return Grid(kind, cells, len(layout), width, header_rows)


@dataclass
class Sample:
    name: str
    items: list = field(default_factory=list)  # str (a paragraph) or Grid (a table), in order
    title: str | None = None  # the first paragraph when it is the report's title
    signature: set[int] = field(default_factory=set)  # indexes of the 落款 paragraphs in `items`
    template: str = "2021"

    @property
    def page_title(self) -> str:
        return PAGES[self.name].get("title") or self.title or ""


def build(name: str, text: str) -> Sample:
    doc = parse_text(text, name)
    parsed = parse_document(doc)
    report = SyntheticReport(dict(parsed.fields), parsed.template, blank="")
    tables = {"T2": place("T2", layout_t2(report), 0), "T3": place("T3", layout_t3(report), 3),
              "T4": place("T4", layout_t4(report), 3)}
    sample = Sample(name, template=parsed.template)
    paragraphs = [b for b in doc.blocks if isinstance(b, Paragraph)]
    if paragraphs and title(paragraphs[:1]):
        sample.title = paragraphs[0].text
    for p in paragraphs:
        sample.items.append(p.text)
        kind = heading_kind(p.text)
        if kind in tables:
            sample.items.append(tables.pop(kind))
    if tables:
        raise SystemExit(f"{name}: no heading for {sorted(tables)}")
    agency, date, _ = signature(paragraphs)
    texts = [i for i, item in enumerate(sample.items) if isinstance(item, str)]
    if date:
        tail = texts[-2:] if agency else texts[-1:]
        sample.signature = set(tail)
    return sample


def paragraph_role(sample: Sample, index: int, text: str) -> str:
    """title | heading (一、…) | sub ((一)…) | sign (落款) | body."""
    if index == 0 and sample.title == text:
        return "title"
    if index in sample.signature:
        return "sign"
    if heading_kind(text) is not None:
        return "heading"
    if re.match(r"^[(（][一二三四五六七八九十\d]+[)）]", text) and len(text) <= 30:
        return "sub"
    return "body"


# ---- DOCX ------------------------------------------------------------------------------------

FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def deterministic_zip(data: bytes) -> bytes:
    """The same package with fixed member timestamps, so regenerating gives identical bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def render_docx(sample: Sample) -> bytes:
    import datetime

    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    text_width = section.page_width - section.left_margin - section.right_margin

    def font(run, name: str, size: float) -> None:
        run.font.name = name
        run.font.size = Pt(size)
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)

    normal = document.styles["Normal"]
    normal.font.name = "仿宋_GB2312"
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")
    normal.font.size = Pt(16)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(lang)

    for index, item in enumerate(sample.items):
        if isinstance(item, Grid):
            _docx_table(document, item, text_width, font)
            continue
        role = paragraph_role(sample, index, item)
        p = document.add_paragraph()
        fmt = p.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing = Pt(28)
        if role == "title":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            fmt.space_after = Pt(16)
            font(p.add_run(item), "方正小标宋简体", 18)
        elif role == "heading":
            fmt.first_line_indent = Pt(32)
            font(p.add_run(item), "黑体", 16)
        elif role == "sub":
            fmt.first_line_indent = Pt(32)
            font(p.add_run(item), "楷体_GB2312", 16)
        elif role == "sign":
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            fmt.right_indent = Pt(32)
            font(p.add_run(item), "仿宋_GB2312", 16)
        else:
            fmt.first_line_indent = Pt(32)
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            font(p.add_run(item), "仿宋_GB2312", 16)

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    font(footer.add_run("- "), "宋体", 14)
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    run.append(t)
    fld.append(run)
    footer._p.append(fld)
    font(footer.add_run(" -"), "宋体", 14)

    props = document.core_properties
    props.title = sample.title or ""
    props.author = PAGES[sample.name]["source"]
    props.last_modified_by = PAGES[sample.name]["source"]
    props.created = props.modified = datetime.datetime(2024, 1, 8, 9, 0, 0)
    props.revision = 1
    out = io.BytesIO()
    document.save(out)
    return deterministic_zip(out.getvalue())


def column_widths(grid: Grid, total: float) -> list[float]:
    """Column widths in the proportions the template prints them."""
    if grid.kind == "T2":
        parts = [1.4] + [1.0] * (grid.ncols - 1)
    elif grid.kind == "T3":
        parts = [1.0, 1.5, 3.3] + [1.0] * (grid.ncols - 3)
    else:
        parts = [1.0] * grid.ncols
    return [total * p / sum(parts) for p in parts]


def _docx_table(document, grid: Grid, text_width, font) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Emu, Pt

    table = document.add_table(rows=grid.nrows, cols=grid.ncols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = [Emu(int(w)) for w in column_widths(grid, int(text_width))]
    for col, w in zip(table.columns, widths):
        col.width = w
    for row in table.rows:
        for cell, w in zip(row.cells, widths):
            cell.width = w
    size = 8 if grid.kind == "T4" else 10.5
    for c in grid.cells:
        cell = table.cell(c.r, c.c)
        if c.rs > 1 or c.cs > 1:
            cell = cell.merge(table.cell(c.r + c.rs - 1, c.c + c.cs - 1))
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        p = cell.paragraphs[0]
        p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
        p.paragraph_format.line_spacing = 1.0
        p.paragraph_format.first_line_indent = Pt(0)
        label = bool(re.search(r"[\u4e00-\u9fff]", c.text))
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT if label and grid.kind != "T4" and c.c < 3 and c.r >= grid.header_rows \
            else WD_ALIGN_PARAGRAPH.CENTER
        if c.text:
            font(p.add_run(c.text), "宋体", size)
    # a short empty paragraph after the table, as Word keeps one
    spacer = document.add_paragraph()
    spacer.paragraph_format.space_after = Pt(0)


# ---- HTML ------------------------------------------------------------------------------------

def _split_label(text: str) -> list[str]:
    """A long label in two pieces at a CJK–CJK boundary near its middle (a wrapped line in an editor)."""
    if len(text) < 10:
        return [text]
    mid = len(text) // 2
    for offset in range(len(text) // 2):
        for i in (mid - offset, mid + offset):
            if 0 < i < len(text) and is_cjk(text[i - 1]) and is_cjk(text[i]):
                return [text[:i], text[i:]]
    return [text]


def _html_cell(c: Cellp, grid: Grid, number: int, word: bool) -> str:
    attrs = ""
    if c.rs > 1:
        attrs += f' rowspan="{c.rs}"'
    if c.cs > 1:
        attrs += f' colspan="{c.cs}"'
    esc = html.escape
    if word:  # Word 'save as web page': MsoNormal paragraphs, spans with inline fonts
        style = ' style="border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt"'
        if not c.text:
            inner = '<p class="MsoNormal" align="center" style="text-align:center"><span lang="EN-US">&nbsp;</span></p>'
        else:
            pieces = _split_label(c.text) if re.search(r"[\u4e00-\u9fff]", c.text) else [c.text]
            inner = "".join(f'<p class="MsoNormal" align="center" style="text-align:center">'
                            f'<span style="font-size:10.5pt;font-family:宋体">{esc(piece)}</span></p>'
                            for piece in pieces)
        return f"<td{attrs} valign=\"middle\"{style}>{inner}</td>"
    # a TRS/UEditor table: one <p>, the text split over spans, blank cells as &nbsp;&nbsp;
    if not c.text:
        inner = "<p>&nbsp;&nbsp;</p>" if number % 2 else "&nbsp;"
    elif re.search(r"[\u4e00-\u9fff]", c.text) and len(c.text) >= 6:
        head, tail = c.text[: len(c.text) // 2], c.text[len(c.text) // 2:]
        inner = f'<p style="text-align:center"><span style="font-size:14px">{esc(head)}</span><span style="font-size:14px">{esc(tail)}</span></p>'
    else:
        inner = f'<p style="text-align:center"><span style="font-size:14px">&nbsp;{esc(c.text)}&nbsp;</span></p>'
    return f"<td{attrs}>{inner}</td>"


def _html_table(grid: Grid, number: int, word: bool) -> str:
    widths = [round(w) for w in column_widths(grid, 600)]
    rows = []
    for row in grid.rows():
        cells = "".join(_html_cell(c, grid, number, word) for c in row)
        rows.append(f'<tr style="height:20px">{cells}</tr>')
    colgroup = "".join(f'<col width="{w}">' for w in widths)
    if word:
        return ('<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" width="600" '
                'style="border-collapse:collapse;border:none">' + "<tbody>" + "\n".join(rows) + "</tbody></table>")
    return (f'<table border="1" cellspacing="0" cellpadding="4" style="width:100%;border-collapse:collapse">'
            f"<colgroup>{colgroup}</colgroup><tbody>" + "\n".join(rows) + "</tbody></table>")


def _html_article(sample: Sample, word: bool) -> str:
    esc = html.escape
    out = []
    tables = 0
    for index, item in enumerate(sample.items):
        if isinstance(item, Grid):
            tables += 1
            out.append(_html_table(item, tables, word))
            continue
        role = paragraph_role(sample, index, item)
        if role == "title":
            if PAGES[sample.name]["in_body"]:
                out.append(f'<p style="text-align:center"><strong><span style="font-size:22px">{esc(item)}</span></strong></p>')
            continue
        if role == "heading":
            out.append(f'<p style="text-indent:2em"><strong><span style="font-family:黑体">{esc(item)}</span></strong></p>')
        elif role == "sub":
            out.append(f'<p style="text-indent:2em"><span style="font-family:楷体">{esc(item)}</span></p>')
        elif role == "sign":
            out.append(f'<p style="text-align:right">{esc(item)}&nbsp;&nbsp;&nbsp;&nbsp;</p>')
        else:
            out.append(f'<p style="text-indent:2em;line-height:2em"><span style="font-family:仿宋">{esc(item)}</span></p>')
    return "\n".join(out)


_NAV = ("首页", "政务公开", "政务服务", "互动交流", "走进本区", "专题专栏")
_CSS = """body{margin:0;font-family:"Microsoft YaHei",SimSun,sans-serif;font-size:14px;color:#333}
.nav ul{list-style:none;margin:0;padding:0;background:#b6191d}.nav li{display:inline-block;padding:0 24px;line-height:44px}
.nav a{color:#fff;text-decoration:none}.container{width:1100px;margin:0 auto}
.article h1{font-size:24px;text-align:center;line-height:40px}.article-info{text-align:center;color:#888;border-bottom:1px dashed #ccc}
.article-content table td{border:1px solid #000}.footer{background:#f2f2f2;text-align:center;line-height:28px;font-size:12px}"""


def render_html(sample: Sample) -> bytes:
    page = PAGES[sample.name]
    head_title = f"{sample.page_title}_{page['site']}"
    if page["style"] == "table":
        text = _old_portal(sample, page, head_title)
    else:
        text = _modern_portal(sample, page, head_title)
    if page["charset"] == "gbk":
        return text.encode("gbk")  # strict: every character of the page exists in GBK
    return text.encode("utf-8")


def _modern_portal(sample: Sample, page: dict, head_title: str) -> str:
    esc = html.escape
    charset = {"meta": '<meta charset="utf-8">',
               "http-equiv": '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
               None: ""}[page["charset"]]
    nav = "".join(f'<li><a href="/{i}/index.html">{n}</a></li>' for i, n in enumerate(_NAV))
    year = sample.page_title[:4] if sample.page_title[:4].isdigit() else ""
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{charset}
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{esc(head_title)}</title>
<meta name="SiteName" content="{esc(page['site'])}">
<meta name="ColumnName" content="政府信息公开年报">
<meta name="PubDate" content="{page['published']}">
<meta name="ContentSource" content="{esc(page['source'])}">
<link rel="stylesheet" href="/images/common.css">
<style>
{_CSS}
</style>
<script src="/js/jquery-1.12.4.min.js"></script>
<script>
var _hmt = _hmt || [];
(function(){{var hm=document.createElement("script");hm.src="https://hm.baidu.com/hm.js?3f6a9c1d2e";
var s=document.getElementsByTagName("script")[0];s.parentNode.insertBefore(hm,s);}})();
var pageInfo = {{"title": "2022年政府信息公开工作年度报告", "views": 1024, "phone": "0375-2661234"}};
</script>
</head>
<body>
<div class="top-bar"><div class="container">今天是：<span id="today">{year or '2024'}年1月25日 星期四</span>
<a href="javascript:void(0)" id="wza">无障碍浏览</a> | <a href="/elder/">长者模式</a> | <a href="/en/">English</a></div></div>
<div class="header"><div class="container"><div class="logo"><img src="/images/logo.png" alt="{esc(page['site'])}">{esc(page['site'])}</div>
<form class="search" action="/search/"><input type="text" name="q" placeholder="请输入关键词"><button type="submit">搜索</button></form></div></div>
<div class="nav" id="nav"><ul>{nav}</ul></div>
<div class="container">
<div class="breadcrumbs">您当前的位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/xxgk/">政府信息公开</a> &gt; <a href="/zwgk/xxgk/ndbg/">政府信息公开年报</a></div>
<div class="article">
<h1 class="article-title">{esc(sample.page_title)}</h1>
<div class="article-info">发布时间：{page['published']}&nbsp;&nbsp;来源：{esc(page['source'])}&nbsp;&nbsp;浏览次数：<span id="hits">{page['hits']}</span>&nbsp;&nbsp;字号：[<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>]</div>
<div class="article-content" id="zoom">
{_html_article(sample, word=sample.name.startswith(('000', '004')))}
</div>
<div class="share bdshare">分享到：<a class="wx">微信</a> <a class="wb">微博</a> <a class="qq">QQ空间</a></div>
<div class="article-tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
<div class="related"><h3>相关链接</h3><ul>
<li><a href="/zwgk/xxgk/ndbg/202301/t20230130_1.html">2022年政府信息公开工作年度报告</a><span>2023-01-30</span></li>
<li><a href="/zwgk/xxgk/ndbg/202201/t20220128_2.html">2021年政府信息公开工作年度报告</a><span>2022-01-28</span></li>
</ul></div>
</div>
<div class="footer" id="footer">
<p>主办单位：{esc(page['site'])}办公室&nbsp;&nbsp;承办单位：{esc(page['site'])}大数据中心&nbsp;&nbsp;联系电话：0375-2661234</p>
<p>网站标识码：4104110001&nbsp;&nbsp;<a href="https://beian.miit.gov.cn/">豫ICP备05012345号-1</a>&nbsp;&nbsp;豫公网安备 41041102000112号</p>
<p>建议使用1920×1080分辨率 IE10以上版本浏览器 本站访问量：3285610</p>
</div>
<script>
document.getElementById("hits").innerHTML = "{page['hits']}";
function doZoom(size){{document.getElementById("zoom").style.fontSize = size + "px";}}
</script>
</body>
</html>
"""


def _old_portal(sample: Sample, page: dict, head_title: str) -> str:
    """An old table-layout portal page (GBK), the report inside a cell of the layout table."""
    esc = html.escape
    nav = " | ".join(f'<a href="/{i}/" class="navlink">{n}</a>' for i, n in enumerate(_NAV))
    return f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>{esc(head_title)}</title>
<meta name="ArticleTitle" content="{esc(sample.page_title)}">
<style type="text/css">
body {{ margin: 0px; font-size: 12px; }}
.navlink {{ color: #ffffff; font-weight: bold; }}
td.title {{ font-size: 20px; color: #c00; }}
</style>
<script language="javascript">
function CurentTime(){{ var now = new Date(); return now.getFullYear() + "年" + (now.getMonth()+1) + "月"; }}
</script>
</head>
<body topmargin="0" leftmargin="0">
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td height="120" background="/images/banner.jpg">&nbsp;</td></tr>
<tr><td height="36" bgcolor="#1f5fa8" align="center">{nav}</td></tr>
</table>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td height="30" class="crumbs">当前位置：<a href="/">首页</a> &gt;&gt; <a href="/xxgk/">信息公开</a> &gt;&gt; <a href="/xxgk/ndbg/">年度报告</a></td></tr>
<tr><td align="center" class="title">{esc(sample.page_title)}</td></tr>
<tr><td align="center" height="30">发布日期：{page['published']}&nbsp;&nbsp;&nbsp;信息来源：{esc(page['source'])}&nbsp;&nbsp;&nbsp;点击数：<script>document.write("{page['hits']}");</script></td></tr>
<tr><td class="content" style="padding:10px 40px">
<div id="zoom" class="TRS_Editor">
{_html_article(sample, word=False)}
</div>
</td></tr>
<tr><td align="right" height="40">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</td></tr>
</table>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0" bgcolor="#eeeeee">
<tr><td align="center" height="80" class="footer">版权所有：{esc(page['site'])}&nbsp;&nbsp;地址：信阳市浉河区新华西路123号&nbsp;&nbsp;邮编：464000<br>
电话：0376-6221234&nbsp;&nbsp;网站标识码：4115020001&nbsp;&nbsp;豫ICP备05023456号&nbsp;&nbsp;豫公网安备 41150202000031号</td></tr>
</table>
</body>
</html>
"""


# ---- PDF (reportlab) ---------------------------------------------------------------------------

def render_pdf(sample: Sample) -> bytes:
    from reportlab import rl_config

    rl_config.invariant = 1  # fixed dates and document id: the same bytes on every run
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph as RLParagraph
    from reportlab.platypus import SimpleDocTemplate, Spacer

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    font = "STSong-Light"
    body = ParagraphStyle("body", fontName=font, fontSize=12, leading=21, firstLineIndent=24,
                          alignment=TA_JUSTIFY, wordWrap="CJK")
    heading = ParagraphStyle("heading", parent=body, alignment=0, spaceBefore=4, spaceAfter=4)
    sign = ParagraphStyle("sign", parent=body, firstLineIndent=0, alignment=TA_RIGHT, rightIndent=24)
    width = A4[0] - 2 * 2.6 * cm - 12  # the frame's own padding is 6 pt on each side
    story = []
    for index, item in enumerate(sample.items):
        if isinstance(item, Grid):
            story.append(SpanTable(item, column_widths(item, width), font,
                                   repeat=PDF_REPEAT_T3_HEADER.get(sample.name, 0) if item.kind == "T3" else 0))
            story.append(Spacer(1, 8))
            continue
        role = paragraph_role(sample, index, item)
        text = html.escape(item, quote=False)
        if role == "title":
            size = 18.0
            while pdfmetrics.stringWidth(item, font, size) > width and size > 10:
                size -= 0.5
            style = ParagraphStyle("title", fontName=font, fontSize=size, leading=size * 1.6, alignment=TA_CENTER,
                                   spaceAfter=12, wordWrap="CJK")
            story.append(RLParagraph(text, style))
        elif role in ("heading", "sub"):
            story.append(RLParagraph(text, heading))
        elif role == "sign":
            story.append(RLParagraph(text, sign))
        else:
            story.append(RLParagraph(text, body))

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 10)
        canvas.drawCentredString(A4[0] / 2, 1.4 * cm, f"- {doc.page} -")
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=2.6 * cm, rightMargin=2.6 * cm, topMargin=2.5 * cm,
                            bottomMargin=2.5 * cm, title=sample.title or "", author=PAGES[sample.name]["source"],
                            creator="Microsoft Word", subject="")
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


def _rl_table(grid: Grid, widths: list[float], font: str):
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_LEFT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph as RLParagraph
    from reportlab.platypus import Table, TableStyle

    size = 7.5 if grid.kind == "T4" else 9
    center = ParagraphStyle("cell", fontName=font, fontSize=size, leading=size + 2.5, alignment=TA_CENTER,
                            wordWrap="CJK")
    left = ParagraphStyle("label", parent=center, alignment=TA_LEFT)
    data = [[""] * grid.ncols for _ in range(grid.nrows)]
    style = [("GRID", (0, 0), (-1, -1), 0.6, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
             ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
    for c in grid.cells:
        if c.text:
            label = re.search(r"[\u4e00-\u9fff]", c.text) and grid.kind != "T4" and c.c < 3 and c.r >= grid.header_rows
            data[c.r][c.c] = RLParagraph(html.escape(c.text, quote=False), left if label else center)
        if c.rs > 1 or c.cs > 1:
            style.append(("SPAN", (c.c, c.r), (c.c + c.cs - 1, c.r + c.rs - 1)))
    return Table(data, colWidths=widths, style=TableStyle(style), hAlign="CENTER", rowHeights=None)


def _span_table_class():
    from reportlab.platypus.flowables import Flowable

    class SpanTable(Flowable):
        """A ruled table that breaks across pages at any row boundary, as Word does: a merged cell the
        break goes through is continued by an empty merged cell; header rows are repeated or not."""

        def __init__(self, grid: Grid, widths: list[float], font: str, repeat: int = 0, continued: bool = False):
            super().__init__()
            self.grid, self.widths, self.font, self.repeat, self.continued = grid, widths, font, repeat, continued
            self._table = _rl_table(grid, widths, font)

        def wrap(self, aw, ah):
            self.width, self.height = self._table.wrap(aw, ah)
            return self.width, self.height

        def draw(self):
            self._table.drawOn(self.canv, 0, 0)

        def split(self, aw, ah):
            first = (self.repeat if self.continued else self.grid.header_rows) + 1
            for k in range(self.grid.nrows - 1, first - 1, -1):
                head = self.grid.cut(0, k)
                if _rl_table(head, self.widths, self.font).wrap(aw, ah)[1] <= ah:
                    tail = self.grid.cut(k, self.grid.nrows)
                    if self.repeat:
                        tail = self.grid.cut(0, self.repeat).stacked(tail)
                    return [SpanTable(head, self.widths, self.font),
                            SpanTable(tail, self.widths, self.font, self.repeat, continued=True)]
            return []

    return SpanTable


class _Lazy:
    cls = None


def SpanTable(*args, **kwargs):  # noqa: N802 - a class made on first use (reportlab imported lazily)
    if _Lazy.cls is None:
        _Lazy.cls = _span_table_class()
    return _Lazy.cls(*args, **kwargs)


# ---- PDF (LibreOffice) ---------------------------------------------------------------------------

def office_pdf(docx_bytes: bytes, target: Path) -> bool:
    """Convert with `soffice --headless`; False (the committed PDF is kept) when it is not installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / (target.stem + ".docx")
        src.write_bytes(docx_bytes)
        profile = Path(tmp) / "profile"
        run = subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
                              "pdf", "--outdir", tmp, str(src)], capture_output=True, text=True, timeout=180)
        pdf = Path(tmp) / (target.stem + ".pdf")
        if run.returncode != 0 or not pdf.exists():
            print(f"  soffice failed ({run.returncode}): {run.stderr.strip()[:300]}; keeping {target.name}")
            return False
        target.write_bytes(_fixed_pdf_dates(pdf.read_bytes()))
    return True


def _fixed_pdf_dates(data: bytes) -> bytes:
    """Same-length replacement of the dates, the checksum and the document id (xref offsets stay valid)."""
    data = re.sub(rb"(/(?:CreationDate|ModDate)\s*\(D:)\d{14}", rb"\g<1>20240108090000", data)
    data = re.sub(rb"(/DocChecksum\s*/)([0-9A-F]+)", lambda m: m.group(1) + b"0" * len(m.group(2)), data)
    id_pattern = rb"/ID\s*\[\s*<[0-9A-Fa-f]+>\s*<[0-9A-Fa-f]+>\s*\]"
    digest = (hashlib.md5(re.sub(id_pattern, b"", data)).hexdigest().upper() * 4).encode()

    def ident(m: re.Match) -> bytes:
        return re.sub(rb"<([0-9A-Fa-f]+)>", lambda h: b"<" + digest[: len(h.group(1))] + b">", m.group(0))

    return re.sub(id_pattern, ident, data)


# ---- main ------------------------------------------------------------------------------------

def source_text(name: str) -> str:
    txt = HERE / f"{name}.txt"
    if not txt.exists():
        seed = SHARED / "corpus" / "seeds" / f"{name}.txt"
        if not seed.exists():
            raise SystemExit(f"{txt} is missing and {seed} is not there to copy it from")
        shutil.copyfile(seed, txt)
        print(f"  copied {seed}")
    gold = HERE / f"{name}.gold.json"
    if not gold.exists():
        seed_gold = SHARED / "gold" / f"{name}.gold.json"
        if not seed_gold.exists():
            raise SystemExit(f"{gold} is missing and {seed_gold} is not there to copy it from")
        shutil.copyfile(seed_gold, gold)
        json.loads(gold.read_text(encoding="utf-8"))  # it must be valid
        print(f"  copied {seed_gold}")
    return txt.read_bytes().decode("utf-8")


def main() -> int:
    for name in NAMES:
        print(name)
        sample = build(name, source_text(name))
        docx_bytes = render_docx(sample)
        (HERE / f"{name}.docx").write_bytes(docx_bytes)
        (HERE / f"{name}.html").write_bytes(render_html(sample))
        pdf = HERE / f"{name}.pdf"
        if name == OFFICE_PDF:
            if not office_pdf(docx_bytes, pdf):
                if pdf.exists():
                    print(f"  LibreOffice (soffice) is not installed: keeping the committed {pdf.name}")
                else:
                    print(f"  LibreOffice (soffice) is not installed and {pdf.name} is missing: "
                          "writing the reportlab rendering instead")
                    pdf.write_bytes(render_pdf(sample))
        else:
            pdf.write_bytes(render_pdf(sample))
    return 0


if __name__ == "__main__":
    sys.exit(main())
