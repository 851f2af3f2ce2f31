"""PDF → Document with pdfplumber: ruled tables rebuilt as full grids, the rest as narrative lines.

pdfplumber finds tables from ruling lines but leaves `None` in the positions a merged cell covers and
reads text in layout order, which scatters a vertical group label (三、本年度办理结果) over the page.
So the grid is rebuilt from the cell boxes (unique x and y edges → row/column spans), and every
character is placed in the cell whose box holds it; only characters outside every table are narrative.
"""
from __future__ import annotations

import bisect
import io
import itertools
import re
import time
import zlib
from dataclasses import dataclass, field
from operator import itemgetter

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdftypes import LITERALS_ASCII85_DECODE, LITERALS_FLATE_DECODE, PDFNotImplementedError, PDFStream, resolve1
from pdfminer.psparser import PSEOF
from pdfminer.utils import decode_text
from pdfplumber.table import Table as PdfTable
from pdfplumber.table import TableFinder, TableSettings, cells_to_tables, edges_to_intersections, intersections_to_cells
from pdfplumber.utils.clustering import cluster_objects
from pdfplumber.utils.text import chars_to_textmap, extract_text

from core.grid import Cell, Document, Paragraph, ReadError, Table
from core.readers.cells import clean, is_page_number, join_pieces
from core.readers.text import row_from_line

MAX_PAGES = 60
MAX_STREAM_BYTES = 64 * 1024 * 1024  # one inflated content stream; a real page needs well under 1 MB
MAX_INFLATED_BYTES = 256 * 1024 * 1024  # all streams of the file together
# Seconds of this thread's processor time (not wall time: other sessions or a busy machine do not
# count against a file): 8 s, or 0.15 s a page for a long report. A 6-page real report takes 1.4 s.
TIME_BUDGET_S = 8.0
TIME_PER_PAGE_S = 0.15
PROJECTED_LIMIT_S = 10.0  # a file clearly headed past this is refused after its first pages
GARBLED_SHARE = 0.02  # share of (cid:NNN)/U+FFFD/private-use characters that means a broken font
MIN_TEXT_CHARS = 50  # fewer printable characters in the whole file: a scan with at most a stamp
EDGE_TOLERANCE = 1.0  # cell boxes of one table share edges up to rounding
CONTINUATION_TOLERANCE = 6.0  # column edges of a table continued on the next page
MARGIN_SHARE = 0.1  # top/bottom share of the page where headers and footers live
# pdfplumber's cell finding is quadratic in the crossings of ruling lines (a 100×100 grid takes 7 s).
# A page with more graphics or crossings than this (a vector map or chart) is read as text only,
# so one page cannot stall the whole file. The 2021 template's largest table has ~350 crossings.
MAX_PAGE_GRAPHICS = 3000
MAX_PAGE_CHARS = 20_000  # a dense A4 page holds ~3,000; de-duplicating more takes seconds per page
MAX_FONT_CODES = 1 << 17
# a report page draws with 10–40 KB of instructions; pdfminer interprets them before any of our
# checks can run, so a page of megabytes would hold the file for many seconds
MAX_PAGE_CONTENT = 512 * 1024
_LONG_BLANK = re.compile(rb"\s{2000}")
MAX_CROSSINGS = 2500

_NUMERIC = set("0123456789.,")
_OFFICE_TITLE = re.compile(r"^(?:Microsoft Word|WPS)\s*-\s*|\.(?:docx?|wps|pdf)$", re.I)


@dataclass
class _Slot:
    """One merged-or-single cell of the rebuilt grid, with the characters that fall in it."""

    chars: list = field(default_factory=list)


@dataclass
class _PageTable:
    """A table as found on one page, kept open so a continuation on the next page can be added."""

    rows: list[list[Cell]]
    origins: list[list[tuple[int, int]]]  # top-left grid position of the cell each position belongs to
    xs: list[float]  # column edges, used to recognise the continuation of a table on the next page
    first_page: int
    last_page: int


def read_pdf(data: bytes, name: str) -> Document:
    """Read a text PDF; raises ReadError for scans, broken fonts, encryption and damaged files."""
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many unrelated types for damaged or locked files
        raise ReadError(_open_error(exc, name)) from exc
    try:
        _check_inflated_size(pdf, name)
        return _read(pdf, name)
    except ReadError:
        raise
    except Exception as exc:  # a damaged object deep in the file shows up only when a page is read
        raise ReadError(_open_error(exc, name)) from exc
    finally:
        pdf.close()


def _check_inflated_size(pdf: pdfplumber.PDF, name: str) -> None:
    """Refuse a decompression bomb before pdfminer inflates it: a 1 MB file can hold a stream that
    inflates to gigabytes, and pdfminer decodes every stream whole into memory."""
    total = 0
    for xref in pdf.doc.xrefs:
        for objid in xref.get_objids():
            try:
                obj = pdf.doc.getobj(objid)
            except Exception:  # a damaged object: pdfminer will say so when it is used
                continue
            if _has_huge_widths(obj):
                raise ReadError(f"{name}：PDF 的字体宽度表声明了异常多的字符（可能已损坏或被恶意构造），未读取。"
                                "请改传 Word 或网页版本。")
            if not isinstance(obj, PDFStream) or obj.rawdata is None:
                continue
            filters = [f for f, _ in obj.get_filters()]
            if any(f in LITERALS_ASCII85_DECODE for f in filters) and _LONG_BLANK.search(obj.rawdata):
                # pdfminer strips an ASCII85 stream's end marker with a pattern that is quadratic
                # on a run of white space: 1 MB of it takes minutes
                raise ReadError(f"{name}：PDF 内含格式异常的数据流（ASCII85 编码中夹有大段空白），"
                                "可能已损坏或被恶意构造，未读取。请改传 Word 或网页版本。")
            if not any(f in LITERALS_FLATE_DECODE for f in filters):
                continue
            inflater = zlib.decompressobj()
            try:
                size = len(inflater.decompress(obj.rawdata, MAX_STREAM_BYTES))
            except zlib.error:
                continue  # encrypted or damaged: not inflatable here, pdfminer decides
            total += size
            if inflater.unconsumed_tail or total > MAX_INFLATED_BYTES:
                raise ReadError(f"{name}：PDF 内含异常巨大的压缩数据（解压后超过 {MAX_STREAM_BYTES // 1048576} MB），"
                                "可能已损坏或被恶意构造，未读取。请改传 Word 或网页版本。")


def _dedupe_chars(chars: list[dict], tolerance: float = 1) -> list[dict]:
    """pdfplumber's `dedupe_chars` (a character drawn twice at the same place, as WPS does for bold
    text, counts once), restoring the page order by position instead of `list.index`, which made
    it quadratic: a page of 20,000 characters took 15 s."""
    key = itemgetter("upright", "text", "fontname", "size")
    order = {id(c): i for i, c in enumerate(chars)}
    kept = []
    for _, group in itertools.groupby(sorted(chars, key=key), key=key):
        for line in cluster_objects(list(group), itemgetter("doctop"), tolerance):
            for spot in cluster_objects(line, itemgetter("x0"), tolerance):
                kept.append(min(spot, key=itemgetter("doctop", "x0")))
    return sorted(kept, key=lambda c: order[id(c)])


def _content_bytes(page) -> int:
    """Bytes of a page's drawing instructions (decoded; the inflated size was bounded when the file
    was opened)."""
    total = 0
    try:
        for stream in page.page_obj.contents:
            raw = stream.rawdata
            if raw is not None and len(raw) > 4 * MAX_PAGE_CONTENT:
                return len(raw)  # too large whatever its filter; pdfminer's ASCII85 decoder alone takes seconds
            total += len(stream.get_data())
    except Exception:  # a damaged stream: pdfminer will say so when the page is read
        return total
    return total


def _has_huge_widths(obj, depth: int = 0) -> bool:
    """Whether a font dictionary, or one nested in this object (a Type0 font's DescendantFonts),
    has a /W array of `_huge_widths`."""
    if depth > 6:
        return False
    if isinstance(obj, dict):
        if _huge_widths(obj.get("W")):
            return True
        return any(_has_huge_widths(v, depth + 1) for v in obj.values() if isinstance(v, (dict, list)))
    if isinstance(obj, list):
        return any(_has_huge_widths(v, depth + 1) for v in obj[:64] if isinstance(v, (dict, list)))
    return False


def _huge_widths(widths) -> bool:
    """A CID font's /W array claiming ranges of millions of codes: pdfminer would build a table
    entry for each (gigabytes), a real font covers at most 65,536."""
    try:
        widths = resolve1(widths)
        if not isinstance(widths, list):
            return False
        span, i = 0, 0
        while i + 1 < len(widths):  # 「c [w1 w2 …]」 or 「c_first c_last w」
            first, second = resolve1(widths[i]), resolve1(widths[i + 1])
            if isinstance(second, list):
                span, i = span + len(second), i + 2
                continue
            if isinstance(first, int) and isinstance(second, int):
                span += max(second - first, 0)
            i += 3
        return span > MAX_FONT_CODES
    except Exception:
        return False


def _open_error(exc: Exception, name: str) -> str:
    """A Chinese message that says which part of a damaged PDF failed, from pdfminer's exception
    (its class and message name the part; they are never shown as such)."""
    # pdfplumber wraps pdfminer's exception as the first argument of a PdfminerException
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)):
        return f"{name}：PDF 设有打开密码（已加密），无法读取。请上传未加密的 PDF，或 Word、网页版本。"
    return (f"{name}：PDF 文件已损坏（{_damaged_part(inner)}），无法读取。"
            "请重新下载或从原文件重新导出后再上传，或改传 Word、网页版本。")


def _damaged_part(exc: BaseException) -> str:
    what = f"{type(exc).__name__} {exc}".lower()
    if isinstance(exc, PSEOF) or "eof" in what or "truncat" in what:
        return "文件不完整，末尾被截断"
    if "xref" in what or "trailer" in what or "startxref" in what:
        return "交叉引用表损坏"
    if "/root" in what or "catalog" in what or "pages" in what:
        return "文档目录（页面树）损坏"
    if isinstance(exc, (zlib.error, PDFNotImplementedError)) or "decode" in what or "filter" in what or "stream" in what:
        return "页面数据流损坏或使用了不支持的压缩方式"
    if "font" in what or "cmap" in what:
        return "字体数据损坏"
    return "文件内部对象结构损坏"


def _read(pdf: pdfplumber.PDF, name: str) -> Document:
    pages = pdf.pages
    if not pages:
        raise ReadError(f"{name}：PDF 文件已损坏或不完整（没有可读的页面）。请重新下载或导出后再上传。")
    if len(pages) > MAX_PAGES:
        raise ReadError(f"{name}：PDF 共 {len(pages)} 页，超过 {MAX_PAGES} 页的上限。年度报告通常不超过 20 页，"
                        "请确认上传的是单份年度报告而不是汇编。")
    started = time.thread_time()
    budget = max(TIME_BUDGET_S, TIME_PER_PAGE_S * len(pages))
    placed: list[tuple[int, float, Paragraph | _PageTable]] = []
    total = garbled = 0
    for number, page in enumerate(pages, start=1):
        spent = time.thread_time() - started
        # past the budget, or (from the fifth page on) clearly headed far past it: refuse early
        if spent > budget or (number > 4 and spent / (number - 1) * len(pages) > max(PROJECTED_LIMIT_S, budget)):
            raise ReadError(f"{name}：PDF 页面过于复杂，读完全部 {len(pages)} 页预计远超 {budget:.0f} 秒"
                            f"（{spent:.0f} 秒只读了 {number - 1} 页），已停止读取。请改传 Word 或网页版本，或只上传年度报告所在的页面。")
        if _content_bytes(page) > MAX_PAGE_CONTENT:
            raise ReadError(f"{name}：PDF 第 {number} 页的绘制指令异常庞大（超过 {MAX_PAGE_CONTENT // 1024} KB），"
                            "远超一页年度报告，可能已损坏或被恶意构造，未读取。请改传 Word 或网页版本。")
        if len(page.chars) > MAX_PAGE_CHARS:
            raise ReadError(f"{name}：PDF 第 {number} 页有 {len(page.chars)} 个字符，远超一页年度报告，"
                            "可能已损坏或被恶意构造，未读取。请改传 Word 或网页版本。")
        chars = _dedupe_chars(page.chars)
        total += sum(1 for c in chars if not c["text"].isspace())
        garbled += sum(1 for c in chars if _garbled(c["text"]))
        placed += [(number, top, block) for top, block in _read_page(page, chars, number)]
        page.close()  # frees pdfminer's layout objects of the page
    if garbled > GARBLED_SHARE * total:
        raise ReadError(f"{name}：PDF 的字体没有文字编码（提取出的是乱码），无法读取表格数字。"
                        "请上传 Word 或网页版本，或用其他软件重新导出可复制文字的 PDF。")
    if total < MIN_TEXT_CHARS:
        raise ReadError(f"{name}：这是扫描版 PDF（没有可提取的文字层），无法读取表格数字。"
                        "请上传 Word 或网页版本，或提供可复制文字的 PDF。")
    blocks = _join_continued(placed)
    if not any(isinstance(b, Table) for b in blocks):
        blocks = [_line_row(b) for b in blocks]
    return Document(blocks=blocks, title_hint=_title(pdf), format="pdf")


def _line_row(block: Paragraph | Table) -> Paragraph | Table:
    """In a PDF drawn without ruling lines, a line 「label n n n」 is a table row (its blank cells are
    lost, so the parser will call a short row what it cannot place)."""
    if isinstance(block, Paragraph):
        cells = row_from_line(block.text, min_gap=1)
        if cells:
            return Table([[Cell(t, block.where) for t in cells]], block.where, regular=False)
    return block


def _garbled(text: str) -> bool:
    return text.startswith("(cid:") or "\ufffd" in text or any("\ue000" <= ch <= "\uf8ff" for ch in text)


def _read_page(page, chars: list[dict], number: int) -> list[tuple[float, Paragraph | _PageTable]]:
    """Tables and narrative lines of one page, each with its top coordinate for ordering."""
    where = f"第{number}页"
    found = []
    if len(page.rects) + len(page.lines) + len(page.curves) <= MAX_PAGE_GRAPHICS:
        for table in _BoundedFinder(page.filter(_is_visible)).tables:
            grid = _Grid(table.cells)
            if grid.ncols >= 2:  # a one-column "table" is a framed or shaded paragraph
                found.append((table.bbox, grid))
    narrative = []
    for token in _tokens(chars):
        x = (token[0]["x0"] + token[-1]["x1"]) / 2
        y = (min(c["top"] for c in token) + max(c["bottom"] for c in token)) / 2
        for (x0, top, x1, bottom), grid in found:
            if x0 <= x <= x1 and top <= y <= bottom:
                grid.slot_at(x, y).chars.extend(token)
                break
        else:
            narrative.extend(token)
    out: list[tuple[float, Paragraph | _PageTable]] = []
    for (_, top, _, _), grid in found:
        out.append((top, _PageTable(grid.rows(where), grid.origins(), grid.xs, number, number)))
    if narrative:
        for line in chars_to_textmap(narrative).extract_text_lines(return_chars=False):
            text = clean(line["text"])
            if text and not _is_page_number(line, text, page.height):
                out.append((line["top"], Paragraph(text, where)))
    out.sort(key=lambda item: item[0])
    return out


class _BoundedFinder(TableFinder):
    """pdfplumber's TableFinder (ruling-line strategy) that gives up when the lines cross too often."""

    def __init__(self, page):
        self.page = page
        self.settings = TableSettings.resolve(None)
        self.edges = self.get_edges()
        self.intersections = edges_to_intersections(
            self.edges, self.settings.intersection_x_tolerance, self.settings.intersection_y_tolerance)
        self.cells = intersections_to_cells(self.intersections) if len(self.intersections) <= MAX_CROSSINGS else []
        self.tables = [PdfTable(page, group) for group in cells_to_tables(self.cells)]


def _is_page_number(line: dict, text: str, height: float) -> bool:
    """A page header or footer: a page number alone on a line in the top or bottom margin."""
    in_margin = line["bottom"] > height * (1 - MARGIN_SHARE) or line["top"] < height * MARGIN_SHARE
    return in_margin and is_page_number(text)


def _is_visible(obj: dict) -> bool:
    """False for white or unpainted rectangles and lines (WPS draws white boxes behind paragraphs)."""
    kind = obj["object_type"]
    if kind == "rect":
        return bool((obj.get("stroke") and not _white(obj.get("stroking_color")))
                    or (obj.get("fill") and not _white(obj.get("non_stroking_color"))))
    if kind in ("line", "curve"):
        return not _white(obj.get("stroking_color"))
    return True


def _white(color) -> bool:
    if not isinstance(color, (tuple, list)) or not color or not all(isinstance(v, (int, float)) for v in color):
        return False
    if len(color) == 4:  # CMYK
        return all(v <= 0.05 for v in color)
    return all(v >= 0.95 for v in color)


def _tokens(chars: list[dict]) -> list[list[dict]]:
    """Chars grouped so that the digits of one number are always placed in the same cell."""
    tokens: list[list[dict]] = []
    for c in chars:
        prev = tokens[-1][-1] if tokens else None
        if (prev is not None and c["text"] in _NUMERIC and prev["text"] in _NUMERIC
                and abs(c["top"] - prev["top"]) < 1 and 0 <= c["x0"] - prev["x1"] < 0.25 * c["size"]):
            tokens[-1].append(c)
        else:
            tokens.append([c])
    return tokens


class _Grid:
    """The full grid of one pdfplumber table, rebuilt from its cell boxes (merged cells spanned)."""

    def __init__(self, cells: list[tuple[float, float, float, float]]):
        self.xs = _edges(v for c in cells for v in (c[0], c[2]))
        self.ys = _edges(v for c in cells for v in (c[1], c[3]))
        self.ncols, self.nrows = len(self.xs) - 1, len(self.ys) - 1
        self.owner: list[list[tuple[int, int, _Slot] | None]] = [[None] * self.ncols for _ in range(self.nrows)]
        for x0, top, x1, bottom in cells:
            c0, c1 = _nearest(self.xs, x0), _nearest(self.xs, x1)
            r0, r1 = _nearest(self.ys, top), _nearest(self.ys, bottom)
            slot, origin = _Slot(), None
            for r in range(r0, r1):
                for c in range(c0, c1):
                    if self.owner[r][c] is None:  # overlapping boxes: the first one keeps a position
                        origin = origin or (r, c)
                        self.owner[r][c] = (*origin, slot)
        for r in range(self.nrows):
            for c in range(self.ncols):
                if self.owner[r][c] is None:
                    self.owner[r][c] = (r, c, _Slot())

    def slot_at(self, x: float, y: float) -> _Slot:
        c = min(max(bisect.bisect_right(self.xs, x) - 1, 0), self.ncols - 1)
        r = min(max(bisect.bisect_right(self.ys, y) - 1, 0), self.nrows - 1)
        return self.owner[r][c][2]

    def rows(self, where: str) -> list[list[Cell]]:
        texts: dict[int, str] = {}
        out = []
        for r in range(self.nrows):
            row = []
            for c in range(self.ncols):
                r0, c0, slot = self.owner[r][c]
                if id(slot) not in texts:
                    texts[id(slot)] = _cell_text(slot.chars)
                row.append(Cell(texts[id(slot)], where, covered=(r0, c0) != (r, c)))
            out.append(row)
        return out

    def origins(self) -> list[list[tuple[int, int]]]:
        return [[(r0, c0) for r0, c0, _ in row] for row in self.owner]


def _cell_text(chars: list[dict]) -> str:
    """The text of one cell, lines joined by the CJK rule; a label turned 90° is read along its turn."""
    if not chars:
        return ""
    rotated = [c for c in chars if not c["upright"]]
    options = {}
    if 2 * len(rotated) > len(chars):
        # matrix b > 0: turned counter-clockwise, read bottom to top; otherwise top to bottom
        ccw = 2 * sum(c["matrix"][1] > 0 for c in rotated) > len(rotated)
        options = {"char_dir_rotated": "btt" if ccw else "ttb", "line_dir_rotated": "ltr" if ccw else "rtl"}
    return join_pieces(extract_text(chars, **options).split("\n"))


def _edges(values) -> list[float]:
    """Distinct edge coordinates, merging those closer than EDGE_TOLERANCE."""
    edges: list[float] = []
    for v in sorted(values):
        if not edges or v - edges[-1] > EDGE_TOLERANCE:
            edges.append(v)
    return edges


def _nearest(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


def _join_continued(placed: list[tuple[int, float, Paragraph | _PageTable]]) -> list[Paragraph | Table]:
    """Merge a table that goes on at the top of the next page into one, dropping a repeated header."""
    merged: list[Paragraph | _PageTable] = []
    for number, _, block in placed:
        prev = merged[-1] if merged else None
        if (isinstance(block, _PageTable) and isinstance(prev, _PageTable) and block.first_page == prev.last_page + 1
                and _first_on_page(placed, block) and _same_frame(prev.xs, block.xs)):
            _append(prev, block)
            prev.last_page = number
        else:
            merged.append(block)
    out: list[Paragraph | Table] = []
    for block in merged:
        if isinstance(block, _PageTable):
            pages = (f"第{block.first_page}页" if block.first_page == block.last_page
                     else f"第{block.first_page}至{block.last_page}页")
            out.append(Table(block.rows, pages, regular=True))
        else:
            out.append(block)
    return out


def _append(table: _PageTable, more: _PageTable) -> None:
    """Add the rows of a continuation to `table`, repairing what the page break did to them."""
    xs = _union(table.xs, more.xs)  # a part may lack a column line the other part draws
    _split_columns(table, xs)
    _split_columns(more, xs)
    header = 0
    while (header < len(more.rows) - 1 and header < len(table.rows)
           and _texts(more.rows[header]) == _texts(table.rows[header])):
        header += 1
    rows = [list(row) for row in more.rows[header:]]
    origins = [[(r - header, c) for r, c in row] for row in more.origins[header:]]
    offset = len(table.rows)
    for c, cell in enumerate(rows[0]):
        above, above_origin = table.rows[-1][c], table.origins[-1][c]
        span = [(r, cc) for r, row in enumerate(origins) for cc, o in enumerate(row) if o == (0, c)]
        # An empty cell spanning several rows at the top of the continuation is the lower part of a
        # merged cell (Word prints a merged cell's text only on the page where it starts).
        if not cell.text and origins[0][c] == (0, c) and len({r for r, _ in span}) > 1 and above.text:
            for r, cc in span:
                rows[r][cc] = Cell(above.text, rows[r][cc].where, covered=True)
                origins[r][cc] = (above_origin[0] - offset, above_origin[1])
    # The lower part of a row the page break split, holding no text of its own, adds nothing
    # (kept when a cell starting in it spans further down).
    below = {o for row in origins[1:] for o in row}
    if (len(rows) > 1 and all(cell.covered or not cell.text for cell in rows[0])
            and not any(o in below for o in origins[0] if o[0] >= 0)):
        rows, origins = rows[1:], [[(r - 1, c) for r, c in row] for row in origins[1:]]
    table.rows.extend(rows)
    table.origins.extend([[(r + offset, c) for r, c in row] for row in origins])


def _first_on_page(placed: list[tuple[int, float, Paragraph | _PageTable]], block: _PageTable) -> bool:
    return next(b for n, _, b in placed if n == block.first_page) is block


def _same_frame(xs: list[float], other: list[float]) -> bool:
    """Both parts have the same outer left and right edges (inner column lines may differ)."""
    return abs(xs[0] - other[0]) <= CONTINUATION_TOLERANCE and abs(xs[-1] - other[-1]) <= CONTINUATION_TOLERANCE


def _union(xs: list[float], other: list[float]) -> list[float]:
    out = list(xs)
    for x in other:
        if all(abs(x - e) > CONTINUATION_TOLERANCE for e in out):
            out.append(x)
    return sorted(out)


def _split_columns(table: _PageTable, xs: list[float]) -> None:
    """Re-grid `table` on the finer column edges `xs`; a split column becomes a merged cell."""
    if len(xs) == len(table.xs):
        return
    index = [_nearest(xs, x) for x in table.xs]
    new_col = {c: range(index[c], index[c + 1]) for c in range(len(table.xs) - 1)}
    rows, origins = [], []
    for row, row_origins in zip(table.rows, table.origins):
        new_row, new_origins = [], []
        for c, (cell, (r0, c0)) in enumerate(zip(row, row_origins)):
            for k, _ in enumerate(new_col[c]):
                new_row.append(cell if k == 0 else Cell(cell.text, cell.where, covered=True))
                new_origins.append((r0, new_col[c0][0]))
        rows.append(new_row)
        origins.append(new_origins)
    table.rows, table.origins, table.xs = rows, origins, xs


def _texts(row: list[Cell]) -> list[str]:
    return [c.text for c in row]


def _title(pdf: pdfplumber.PDF) -> str | None:
    """The metadata Title when it is a real Chinese title (not empty, not a file name like 附件1.docx)."""
    try:
        raw = resolve1(pdf.doc.info[0].get("Title")) if pdf.doc.info else None
    except Exception:  # a broken info dictionary only costs the hint
        return None
    if isinstance(raw, bytes):
        if raw.startswith(b"\xfe\xff"):
            text = raw[2:].decode("utf-16-be", "replace")
        elif raw.startswith(b"\xff\xfe"):  # WPS writes little-endian UTF-16, which the standard does not allow
            text = raw[2:].decode("utf-16-le", "replace")
        else:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = decode_text(raw)
    elif isinstance(raw, str):
        text = raw
    else:
        return None
    text = clean(_OFFICE_TITLE.sub("", clean(text)))
    han = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return text if han >= 4 and "\ufffd" not in text else None
