"""The briefing pack's Word plumbing (python-docx): A4 page, fonts that Word and LibreOffice draw Chinese
with, the pack's own paragraph and character styles, and small helpers for paragraphs, runs and table
cells. `core.briefing` and `core.briefing_years` write the content with them.
"""
from __future__ import annotations

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from core.charts import PALETTE, SEVERITY_COLOURS

EAST_ASIAN_FONT = "Microsoft YaHei"  # w:eastAsia of every style; the font table gives Word a fallback
LATIN_FONT = "Arial"
MUTED = "#6b7280"
WARNING_COLOUR = "#9a6b00"  # a warning's mark, and a sign of a copied report
CORRECTED_MARK = "✎"  # a value corrected by hand (core.corrections), as the dashboard marks it


def set_fonts(element, east_asian: str = EAST_ASIAN_FONT, latin: str = LATIN_FONT) -> None:
    """An rPr's fonts: explicit Latin and East-Asian names (theme fonts removed: they would win)."""
    fonts = element.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        element.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


def _font_table_entry(doc) -> None:
    """Declare the East-Asian font in the font table with its Chinese name, GB2312 charset, sans
    family and panose, so that Word (or LibreOffice) without Microsoft YaHei substitutes a Chinese
    sans-serif font instead of a Latin one."""
    from lxml import etree

    table = next((rel.target_part for rel in doc.part.rels.values() if rel.reltype.endswith("/fontTable")), None)
    if table is None or not hasattr(table, "_blob"):
        return
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    root = etree.fromstring(table.blob)
    entry = etree.SubElement(root, f"{{{w}}}font", {f"{{{w}}}name": EAST_ASIAN_FONT})
    for tag, val in (("altName", "微软雅黑"), ("panose1", "020B0503020204020204"), ("charset", "86"),
                     ("family", "swiss"), ("pitch", "variable")):
        etree.SubElement(entry, f"{{{w}}}{tag}", {f"{{{w}}}val": val})
    table._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def prepare(doc, title: str) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
    section.left_margin = section.right_margin = Cm(2.5)  # 16 cm of text: the pictures' width
    section.top_margin, section.bottom_margin = Cm(2.4), Cm(2.2)
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
    for style in styles.findall(qn("w:style")):
        for found in style.iter(qn("w:rPr")):
            if found.find(qn("w:rFonts")) is not None:
                set_fonts(found)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.25
    for name, size in (("Title", 20), ("Heading 1", 14), ("Heading 2", 12)):
        st = doc.styles[name]
        st.font.size = Pt(size)
        st.font.color.rgb = RGBColor.from_string(PALETTE[0].lstrip("#").upper()) if name != "Title" \
            else RGBColor(0x22, 0x22, 0x22)
        st.paragraph_format.space_before = Pt(14 if name != "Title" else 0)
        st.paragraph_format.space_after = Pt(6)
    _add_styles(doc)
    _font_table_entry(doc)
    doc.core_properties.title = title
    doc.core_properties.author = "政务公开年报对比"
    doc.core_properties.language = "zh-CN"
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_run(footer, f"{title}　第 ", size=8, colour=MUTED)
    _field(footer, "PAGE", size=8)
    add_run(footer, " 页", size=8, colour=MUTED)


# the pack's own styles (a reader can restyle them in Word; thousands of findings share them)
NOTE, ITEM, LINE = "简报注释", "简报条目", "简报列表"
ERROR_MARK, WARNING_MARK, PLACE = "简报错误", "简报警告", "简报位置"


def _add_styles(doc) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    def paragraph(name: str, size: float | None, after: float, indent: float | None, colour: str | None = None):
        st = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = doc.styles["Normal"]
        st.quick_style = True
        if size:
            st.font.size = Pt(size)
        if colour:
            st.font.color.rgb = RGBColor.from_string(colour.lstrip("#").upper())
        st.paragraph_format.space_after = Pt(after)
        if indent:
            st.paragraph_format.left_indent = Cm(indent)
            st.paragraph_format.first_line_indent = Cm(-indent)

    def character(name: str, colour: str, bold: bool = False, size: float | None = None):
        st = doc.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
        st.font.color.rgb = RGBColor.from_string(colour.lstrip("#").upper())
        if bold:
            st.font.bold = True
        if size:
            st.font.size = Pt(size)

    paragraph(NOTE, 8.5, 2, None, "#4b5563")
    paragraph(ITEM, None, 3, 0.7)
    paragraph(LINE, None, 1, 0.7)
    character(ERROR_MARK, SEVERITY_COLOURS["error"], bold=True)
    character(WARNING_MARK, WARNING_COLOUR, bold=True)
    character(PLACE, "#4b5563", size=9)
    assert all(doc.styles[n].style_id == n for n in (NOTE, ITEM, LINE, ERROR_MARK, WARNING_MARK, PLACE))


def styled(doc, text: str, style: str):
    """A paragraph in one of the pack's styles, set by its id (the id of a style added by name is
    that name; python-docx would look the name up among all styles each time, which thousands of
    findings make slow)."""
    p = doc.add_paragraph(text)
    p._p.get_or_add_pPr().style = style
    return p


def styled_run(paragraph, text: str, style: str):
    run = paragraph.add_run(text)
    run._r.get_or_add_rPr().style = style
    return run


def add_run(paragraph, text: str, bold: bool = False, size: float | None = None, colour: str | None = None,
         italic: bool = False):
    run = paragraph.add_run(text)
    if bold:  # only what is set: each property adds XML (thousands of findings make that count)
        run.bold = True
    if italic:
        run.italic = True
    if size:
        run.font.size = Pt(size)
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour.lstrip("#").upper())
    return run


def _field(paragraph, code: str, size: float) -> None:
    """A field (PAGE) as Word writes it: begin, instruction, separator, a placeholder result, end; each
    part its own run in the same size, so Word and LibreOffice show the result in that size."""
    for part in ("begin", f" {code} ", "separate", "1", "end"):
        run = add_run(paragraph, "", size=size, colour=MUTED)
        if part in ("begin", "separate", "end"):
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), part)
        elif part.strip() == code:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = part
        else:
            el = OxmlElement("w:t")
            el.text = part
        run._r.append(el)


def para(doc, text: str = "", size: float | None = None, colour: str | None = None, align=None,
          keep_with_next: bool = False, space_after: float | None = None):
    p = doc.add_paragraph()
    if text:
        add_run(p, text, size=size, colour=colour)
    if align is not None:
        p.alignment = align
    if keep_with_next:
        p.paragraph_format.keep_with_next = True
    if space_after is not None:
        p.paragraph_format.space_after = Pt(space_after)
    return p


def note(doc, text: str) -> None:
    styled(doc, text, NOTE)


def shade(cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def fill_cell(cell, text: str, bold: bool = False, align=WD_ALIGN_PARAGRAPH.RIGHT, colour: str | None = None,
          size: float = 9) -> None:
    p = cell.paragraphs[0]
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.line_spacing = 1.1
    add_run(p, text, bold=bold, size=size, colour=colour)


def repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    for tag in ("w:tblHeader", "w:cantSplit"):
        el = OxmlElement(tag)
        tr_pr.append(el)


def no_split(row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def table(doc, heads: list[str], size: float = 8.5):
    """A ruled table with its header row shaded, bold and repeated on every page."""
    t = doc.add_table(rows=1, cols=len(heads))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    for c, head in zip(t.rows[0].cells, heads):
        fill_cell(c, head, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=size)
        shade(c, "DCE6F2")
    repeat_header(t.rows[0])
    return t


def set_widths(t, widths_cm: list[float]) -> None:
    """Column widths, set on every cell as well as on the columns (Word reads the one, LibreOffice the other)."""
    for row in t.rows:
        for c, width in zip(row.cells, widths_cm):
            c.width = Cm(width)
    for col, width in zip(t.columns, widths_cm):
        col.width = Cm(width)
