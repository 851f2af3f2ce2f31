"""HTML (a portal's article page) → Document with lxml: the article's paragraphs and tables.

Portal pages wrap the report in navigation, sidebars and footers, and editors (TRS, Word export)
split one cell's text over several <p>/<span> with &nbsp; runs. So the reader first picks the
article container (around the report's tables), then expands rowspan/colspan itself to keep the
covered flags, and joins a cell's pieces with the CJK rule of `core.readers.cells`.
All walks are iterative; libxml2 refuses trees deeper than 255 levels, which we report.
"""
from __future__ import annotations

import re

import lxml.html
from lxml import etree

from core.grid import Cell, Document, Paragraph, ReadError, Table
from core.readers.cells import MAX_CELLS, MAX_ELEMENTS, clean, join_pieces
from core.readers.charset import declared_charset, decode
from core.readers.text import reread_lines

MAX_SPAN = 50
MAX_ROWS = 500
MAX_COLS = 60
MAX_CELL_CHARS = 500  # the longest template label is ~40 characters
CLIMB_RATIO = 0.5  # climb to the parent while the container holds less than this share of its text

_DROP_TAGS = ("script", "style", "noscript", "iframe", "template", "object", "embed", "select", "button", "textarea")
_CHROME_TAGS = {"nav", "header", "footer", "aside"}
_CHROME_WORDS = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|footer|header|breadcrumbs?|crumbs?|share|bdshare)(?:$|[\s_-])", re.I)
_BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td",
    "th", "thead", "tbody", "tfoot", "caption", "blockquote", "section", "article", "main", "aside", "header",
    "footer", "nav", "pre", "center", "form", "address", "figure", "figcaption", "hr", "br", "body",
}
_NUMBER = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?$")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_TITLE_SEPARATOR = re.compile(r"\s*[_|｜]\s*|\s*-{1,2}\s*|\s+[–—]\s+")


def read_html(data: bytes, name: str) -> Document:
    """Read a saved web page; raises ReadError when it cannot be decoded or parsed safely."""
    tags = data.count(b"<")
    if tags > 2 * MAX_ELEMENTS or data.count(b"<td") + data.count(b"<TD") > MAX_CELLS:
        # counted on the bytes, before lxml builds a tree of millions of nodes
        raise ReadError(f"{name}：网页包含的标签或表格单元格远超一份年度报告，未读取。请确认保存的是年报正文页面。")
    text = _XML_DECLARATION.sub("", decode(data, name, declared=declared_charset(data)))
    parser = lxml.html.HTMLParser(huge_tree=False, no_network=True, remove_comments=True, remove_pis=True)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:  # e.g. "Document is empty"
        raise ReadError(f"{name}：网页中没有可读取的内容。请确认保存的是年报正文页面。") from exc
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        raise ReadError(f"{name}：网页结构异常（标签嵌套超过 255 层或单段文字过长），无法可靠读取。"
                        "请在浏览器中打开后另存为网页，或改传 Word、PDF 版本。")
    elements = sum(1 for _ in root.iter())
    cells = sum(1 for _ in root.iter("td", "th"))
    if elements > MAX_ELEMENTS or cells > MAX_CELLS:
        raise ReadError(f"{name}：网页包含 {elements} 个元素、{cells} 个表格单元格，远超一份年度报告，未读取。"
                        "请确认保存的是年报正文页面。")
    try:
        title = _title(root)
        for el in list(root.iter(*_DROP_TAGS)):
            if el.getparent() is not None:
                el.drop_tree()
        body = root.find("body")
        blocks = _blocks(_container(root if body is None else body))
        if not any(isinstance(b, Table) for b in blocks):  # tables typed as 「a | b」 lines with <br>
            blocks = reread_lines(blocks, name)
        return Document(blocks=blocks, title_hint=title, format="html")
    except Exception as exc:  # lxml on a tree it built itself should not fail; never let it escape
        raise ReadError(f"{name}：网页结构异常，无法读取。请在浏览器中打开后另存为网页，或改传 Word、PDF 版本。") from exc


def _title(root) -> str | None:
    """<meta name="ArticleTitle">, else <title> before the site name, else the article title element."""
    for meta in root.iter("meta"):
        if (meta.get("name") or "").lower() == "articletitle" and clean(meta.get("content") or ""):
            return clean(meta.get("content"))
    title = root.find(".//title")
    if title is not None:
        for part in _TITLE_SEPARATOR.split(clean(title.text_content())):
            if _han(part) >= 4:
                return part
    candidates = []
    for el in root.iter("h1", "div", "p", "span"):
        marker = f"{el.get('class', '')} {el.get('id', '')}".lower()
        if el.tag == "h1" or "title" in marker:
            text = clean(el.text_content())
            if 4 <= _han(text) and len(text) <= 100:
                candidates.append(text)
    # a site banner is titled too; the article's title is the one that names a report
    return next((t for t in candidates if "报告" in t), candidates[0] if candidates else None)


def _han(text: str) -> int:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")


# ---- choosing the article ---------------------------------------------------------------------

def _container(body):
    """The element holding the article: around the report's tables, climbing while it holds too little."""
    tables = [t for t in body.iter("table") if _is_data_table(t)]
    report = [t for t in tables if _numeric_cells(t) >= 3] or tables
    if not report:
        _drop_chrome(body)
        return body
    node = _common_ancestor(report)
    in_tables = sum(_text_len(t) for t in report)
    while node is not body and node.getparent() is not None:
        parent = node.getparent()
        own = _text_len(node)
        # stop once the node holds text besides the tables and most of its parent's text
        if own - in_tables > 20 and own >= CLIMB_RATIO * _text_len(parent):
            break
        node = parent
    _drop_chrome(node)
    return node


def _drop_chrome(container) -> None:
    """Remove navigation, menus, headers, footers and share bars that hold no table and not the article."""
    total = _text_len(container)
    doomed = []
    for el in container.iterdescendants():
        if not isinstance(el.tag, str):
            continue
        marker = f"{el.get('class', '')} {el.get('id', '')}"
        if ((el.tag in _CHROME_TAGS or _CHROME_WORDS.search(marker)) and next(el.iter("table"), None) is None
                and _text_len(el) < total / 2):
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:  # an ancestor may already be gone with its subtree
            el.drop_tree()


def _common_ancestor(elements: list):
    chains = [list(reversed([e, *e.iterancestors()])) for e in elements]
    common = chains[0][0]
    for level in zip(*chains):
        if any(el is not level[0] for el in level):
            break
        common = level[0]
    return common


def _text_len(el) -> int:
    return len(re.sub(r"\s+", "", el.text_content()))


# ---- tables -----------------------------------------------------------------------------------

def _rows(table) -> list:
    return table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")


def _cells(tr) -> list:
    return tr.xpath("./td | ./th")


def _is_data_table(table) -> bool:
    """A table of values, not a layout table wrapping the page (or wrapping the report's tables)."""
    rows = _rows(table)
    cols = max((sum(_span(c, "colspan") for c in _cells(tr)) for tr in rows), default=0)
    if len(rows) < 2 or cols < 2:
        return False
    if any(len(clean(td.text_content())) > MAX_CELL_CHARS for tr in rows for td in _cells(tr)):
        return False  # a cell holding whole paragraphs is page layout
    nested = list(table.iterdescendants("table"))
    return not nested or (cols > 2 and all(len(_rows(t)) <= len(rows) for t in nested))


def _numeric_cells(table) -> int:
    return sum(1 for tr in _rows(table) for td in _cells(tr) if _NUMBER.match(clean(td.text_content())))


def _span(cell, attr: str) -> int:
    m = re.match(r"\s*(\d+)", cell.get(attr) or "")
    return min(max(int(m.group(1)), 1), MAX_SPAN) if m else 1


def _table(table, number: int) -> Table:
    """Expand rowspan/colspan into a rectangular grid; covered positions repeat the merged text."""
    trs = _rows(table)[:MAX_ROWS]
    owner: dict[tuple[int, int], tuple[int, int, str]] = {}
    for r, tr in enumerate(trs):
        c = 0
        for td in _cells(tr):
            while (r, c) in owner:
                c += 1
            if c >= MAX_COLS:
                break
            origin = (r, c, join_pieces(_pieces(td)))
            for rr in range(r, min(r + _span(td, "rowspan"), len(trs))):
                for cc in range(c, min(c + _span(td, "colspan"), MAX_COLS)):
                    owner.setdefault((rr, cc), origin)
            c += _span(td, "colspan")
    width = max((cc for _, cc in owner), default=-1) + 1
    rows = []
    for r in range(len(trs)):
        where = f"表格{number}第{r + 1}行"
        row = []
        for c in range(width):
            r0, c0, text = owner.get((r, c), (r, c, ""))
            row.append(Cell(text, where, covered=(r0, c0) != (r, c)))
        rows.append(row)
    return Table(rows, f"表格{number}", regular=True)


# ---- walking the text -------------------------------------------------------------------------

def _pieces(el, data_tables: frozenset = frozenset()):
    """Yield the text runs between block boundaries (<p>, <div>, <br>, cells …) in document order,
    and every element of `data_tables` in place of its text. Iterative: no recursion limit."""
    buffer: list[str] = []
    walker = etree.iterwalk(el, events=("start", "end"))
    for event, node in walker:
        if not isinstance(node.tag, str):
            continue
        if event == "start":
            if node is not el and node in data_tables:
                if buffer:
                    yield "".join(buffer)
                    buffer = []
                yield node
                walker.skip_subtree()
                continue
            if node.tag in _BLOCK_TAGS and buffer:
                yield "".join(buffer)
                buffer = []
            buffer.append(node.text or "")
        else:
            if node.tag in _BLOCK_TAGS and buffer:
                yield "".join(buffer)
                buffer = []
            if node is not el:
                buffer.append(node.tail or "")
    if buffer:
        yield "".join(buffer)


def _blocks(container) -> list[Paragraph | Table]:
    data_tables = frozenset(t for t in container.iterdescendants("table") if _is_data_table(t))
    blocks: list[Paragraph | Table] = []
    paragraphs = tables = 0
    for piece in _pieces(container, data_tables):
        if isinstance(piece, str):
            text = clean(piece)
            if text:
                paragraphs += 1
                blocks.append(Paragraph(text, f"第{paragraphs}段"))
        else:
            tables += 1
            blocks.append(_table(piece, tables))
    return blocks
