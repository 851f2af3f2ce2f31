"""The pages of a PDF → Document, whichever engine gave them: ruled tables rebuilt as full grids, the
rest as narrative lines, tables continued across page breaks joined; the page, time and character
limits and the garbled-font and scan checks.

pdfplumber finds tables from ruling lines but leaves `None` in the positions a merged cell covers and
reads text in layout order, which scatters a vertical group label (三、本年度办理结果) over the page.
So the grid is rebuilt from the cell boxes (unique x and y edges → row/column spans), and every
character is placed in the cell whose box holds it; only characters outside every table are narrative.
The pages come from PDFium (pdf.py) or, for the files PDFium is not trusted with, pdfminer (pdf_miner.py).
"""
from __future__ import annotations

import bisect
import re
import time
from operator import itemgetter
from typing import TYPE_CHECKING, Protocol

from core.grid import Cell, Document, Paragraph, ReadError, Table
from core.readers import pdf_tables as T
from core.readers.cells import clean, is_page_number, join_pieces
from core.readers.text import row_from_line

if TYPE_CHECKING:
    from core.readers.pdf_pdfium import Page

MAX_PAGES = 60
# Seconds of this thread's processor time (not wall time: other sessions or a busy machine do not
# count against a file): 8 s, or 0.15 s a page for a long report. A 6-page real report takes 0.1 s.
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
MAX_CROSSINGS = 2500

_NUMERIC = set("0123456789.,")
_OFFICE_TITLE = re.compile(r"^(?:Microsoft Word|WPS)\s*-\s*|\.(?:docx?|wps|pdf)$", re.I)


# Plain classes, not dataclasses: a dataclass is built by compiling code when the module is imported,
# and this module is imported on every command-line run that reads a PDF.
class _Slot:
    """One merged-or-single cell of the rebuilt grid, with the characters that fall in it."""

    __slots__ = ("chars", "box")

    def __init__(self, box: tuple[float, float, float, float] | None = None) -> None:
        self.chars: list = []
        self.box = box  # x0, top, x1, bottom in points from the page's top-left corner


class _PageTable:
    """A table as found on one page, kept open so a continuation on the next page can be added."""

    __slots__ = ("rows", "origins", "xs", "first_page", "last_page")

    def __init__(self, rows: list[list[Cell]], origins: list[list[tuple[int, int]]], xs: list[float],
                 first_page: int, last_page: int) -> None:
        self.rows = rows
        self.origins = origins  # top-left grid position of the cell each position belongs to
        self.xs = xs  # column edges, used to recognise the continuation of a table on the next page
        self.first_page, self.last_page = first_page, last_page


if TYPE_CHECKING:
    class PageSource(Protocol):
        """Where the pages come from: PDFium, or pdfminer for the files PDFium is not trusted with, or
        the scan reader (core.readers.scan.ScanPages, which also has `scanned = True` and its own
        `seconds_per_page`: read_pages takes both with getattr, the text sources have neither)."""

        page_count: int

        def page(self, index: int, doctop: float, max_chars: int, max_graphics: int) -> Page: ...

        def title(self) -> str | None: ...


class UsePdfminer(Exception):
    """This file is read with pdfminer's reader (pdf_miner.py), exactly as before PDFium."""


class NoTextLayer(ReadError):
    """A PDF without text: the PDF reader hands it to the scan reader (core.readers.scan), with the page
    count and title the text pass found."""

    def __init__(self, message: str, pages: int = 0, title: str | None = None) -> None:
        super().__init__(message)
        self.pages, self.title = pages, title


def encrypted_message(name: str) -> str:
    return f"{name}：PDF 设有打开密码（已加密），无法读取。请上传未加密的 PDF，或 Word、网页版本。"


# ---- pages → blocks -----------------------------------------------------------------------------

def read_pages(source: PageSource, name: str, started: float) -> Document:
    """Every page of `source` read into tables and narrative lines, within the page and time limits;
    `started` is this thread's processor time when reading the file began."""
    count = source.page_count
    if not count:
        raise ReadError(f"{name}：PDF 文件已损坏或不完整（没有可读的页面）。请重新下载或导出后再上传。")
    if count > MAX_PAGES:
        raise ReadError(f"{name}：PDF 共 {count} 页，超过 {MAX_PAGES} 页的上限。年度报告通常不超过 20 页，"
                        "请确认上传的是单份年度报告而不是汇编。")
    budget = max(TIME_BUDGET_S, getattr(source, "seconds_per_page", TIME_PER_PAGE_S) * count)
    placed: list[tuple[int, float, Paragraph | _PageTable]] = []
    total = garbled = 0
    doctop = 0.0
    for number in range(1, count + 1):
        spent = time.thread_time() - started
        # past the budget, or (from the fifth page on) clearly headed far past it: refuse early
        if spent > budget or (number > 4 and spent / (number - 1) * count > max(PROJECTED_LIMIT_S, budget)):
            raise ReadError(f"{name}：PDF 页面过于复杂，读完全部 {count} 页预计远超 {budget:.0f} 秒"
                            f"（{spent:.0f} 秒只读了 {number - 1} 页），已停止读取。请改传 Word 或网页版本，或只上传年度报告所在的页面。")
        page = source.page(number - 1, doctop, MAX_PAGE_CHARS, MAX_PAGE_GRAPHICS)
        if page.unmatched_repeats:
            raise UsePdfminer()  # PDFium left text out that pdfminer reads (see pdf_pdfium._repeats)
        doctop += page.height
        drawn = len(page.chars) + page.repeated_chars
        if drawn > MAX_PAGE_CHARS:
            raise ReadError(f"{name}：PDF 第 {number} 页有 {drawn} 个字符，远超一页年度报告，"
                            "可能已损坏或被恶意构造，未读取。请改传 Word 或网页版本。")
        chars = _dedupe_chars(page.chars)
        for c in chars:
            text = c["text"]
            total += not text.isspace()
            garbled += _garbled(text)
        placed += [(number, top, block) for top, block in _read_page(page, chars, number)]
    if garbled > GARBLED_SHARE * total:
        raise ReadError(f"{name}：PDF 的字体没有文字编码（提取出的是乱码），无法读取表格数字。"
                        "请上传 Word 或网页版本，或用其他软件重新导出可复制文字的 PDF。")
    if total < MIN_TEXT_CHARS:
        raise NoTextLayer(f"{name}：扫描件中没有识别出文字（页面可能是空白或照片），无法读取表格数字。请上传 Word、网页"
                          "或可复制文字的 PDF 版本。" if getattr(source, "scanned", False) else
                          f"{name}：这是扫描版 PDF（没有可提取的文字层），无法读取表格数字。"
                          "请上传 Word 或网页版本，或提供可复制文字的 PDF。", count, source.title())
    blocks = _join_continued(placed)
    if not any(isinstance(b, Table) for b in blocks):
        blocks = [_line_row(b) for b in blocks]
    return Document(blocks=blocks, title_hint=title_hint(source.title()), format="pdf")


def _dedupe_chars(chars: list[dict], tolerance: float = 1) -> list[dict]:
    """pdfplumber's `dedupe_chars` (a character drawn twice at the same place, as WPS does for bold
    text, counts once): among characters of one text, font and size, those whose tops chain within
    `tolerance` form a line, those of a line whose x0 chain within it a spot, and a spot keeps its
    top-left character. Written out for speed (it runs over every character of the file), keeping
    the page order without pdfplumber's `list.index`, which made it quadratic (20,000 characters: 15 s)."""
    groups: dict[tuple, list[dict]] = {}
    for c in chars:
        groups.setdefault((c["upright"], c["text"], c["fontname"], c["size"]), []).append(c)
    dropped: set[int] = set()
    for group in groups.values():
        if len(group) == 1:
            continue
        for line in _chained(sorted(group, key=_doctop), _doctop, tolerance):
            if len(line) == 1:
                continue
            for spot in _chained(sorted(line, key=_x0), _x0, tolerance):
                if len(spot) > 1:
                    keep = min(spot, key=_doctop_x0)
                    dropped.update(id(c) for c in spot if c is not keep)
    return [c for c in chars if id(c) not in dropped] if dropped else chars


_doctop, _x0, _doctop_x0 = itemgetter("doctop"), itemgetter("x0"), itemgetter("doctop", "x0")


def _chained(ordered: list[dict], key, tolerance: float) -> list[list[dict]]:
    """`ordered` (sorted by `key`) cut where a value is more than `tolerance` above the one before."""
    out = [[ordered[0]]]
    last = key(ordered[0])
    for c in ordered[1:]:
        v = key(c)
        if v > last + tolerance:
            out.append([c])
        else:
            out[-1].append(c)
        last = v
    return out


def title_hint(text: str | None) -> str | None:
    """The metadata Title when it is a real Chinese title (not empty, not a file name like 附件1.docx)."""
    if not text:
        return None
    text = clean(_OFFICE_TITLE.sub("", clean(text)))
    han = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return text if han >= 4 and "\ufffd" not in text else None


def title_text(raw: bytes, pdfdoc_decode) -> str:
    """The text of a raw title string: UTF-16 with either byte-order mark (WPS writes little-endian,
    which the standard does not allow), UTF-8 without a mark, else `pdfdoc_decode` (PDFDocEncoding)."""
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be", "replace")
    if raw.startswith(b"\xff\xfe"):
        return raw[2:].decode("utf-16-le", "replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return pdfdoc_decode(raw)


def _line_row(block: Paragraph | Table) -> Paragraph | Table:
    """In a PDF drawn without ruling lines, a line 「label n n n」 is a table row (its blank cells are
    lost, so the parser will call a short row what it cannot place)."""
    if isinstance(block, Paragraph):
        cells = row_from_line(block.text, min_gap=1)
        if cells:
            return Table([[Cell(t, block.where, ocr=block.ocr) for t in cells]], block.where, regular=False)
    return block


_GARBLED = re.compile("^\\(cid:|[\ufffd\ue000-\uf8ff]")


def _garbled(text: str) -> bool:
    """(cid:NNN), U+FFFD or a private-use character: what a font without a Unicode map gives."""
    return _GARBLED.search(text) is not None


def _read_page(page: Page, chars: list[dict], number: int) -> list[tuple[float, Paragraph | _PageTable]]:
    """Tables and narrative lines of one page, each with its top coordinate for ordering."""
    where = f"第{number}页"
    found = []
    if page.graphics <= MAX_PAGE_GRAPHICS:
        for cells in _table_cells(page):
            grid = _Grid(cells)
            if grid.ncols >= 2:  # a one-column "table" is a framed or shaded paragraph
                found.append((T.table_bbox(cells), grid))
    narrative = []
    for token in _tokens(chars) if found else ():
        x = (token[0]["x0"] + token[-1]["x1"]) / 2
        if len(token) == 1:
            y = (token[0]["top"] + token[0]["bottom"]) / 2
        else:
            y = (min([c["top"] for c in token]) + max([c["bottom"] for c in token])) / 2
        for (x0, top, x1, bottom), grid in found:
            if x0 <= x <= x1 and top <= y <= bottom:
                grid.slot_at(x, y).chars.extend(token)
                break
        else:
            narrative.extend(token)
    if not found:
        narrative = chars
    out: list[tuple[float, Paragraph | _PageTable]] = []
    for (_, top, _, _), grid in found:
        out.append((top, _PageTable(grid.rows(where, number), grid.origins(), grid.xs, number, number)))
    for line in T.extract_text_lines(narrative):
        text = clean(line["text"])
        if text and not _is_page_number(line, text, page.height):
            out.append((line["top"], Paragraph(text, where, line.get("ocr"))))
    out.sort(key=lambda item: item[0])
    return out


def _table_cells(page: Page) -> list[list[tuple[float, float, float, float]]]:
    """The cell boxes of each table pdfplumber's TableFinder (ruling-line strategy) finds among the
    visible lines, giving up when the lines cross too often."""
    def visible(objects: list[dict]) -> list[dict]:
        return [o for o in objects if _is_visible(o)]
    edges = T.table_edges(visible(page.rects), visible(page.lines), visible(page.curves))
    intersections = T.edges_to_intersections(edges)
    if len(intersections) > MAX_CROSSINGS:
        return []
    return T.cells_to_tables(T.intersections_to_cells(intersections))


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
            slot, origin = _Slot((x0, top, x1, bottom)), None
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

    def rows(self, where: str, number: int) -> list[list[Cell]]:
        texts: dict[int, str] = {}
        out = []
        for r in range(self.nrows):
            row = []
            for c in range(self.ncols):
                r0, c0, slot = self.owner[r][c]
                if id(slot) not in texts:
                    texts[id(slot)] = _cell_text(slot.chars)
                ocr = min(ch["ocr"] for ch in slot.chars) if slot.chars and "ocr" in slot.chars[0] else None
                box = (number, *(round(float(v), 1) for v in slot.box)) if slot.box else None
                row.append(Cell(texts[id(slot)], where, covered=(r0, c0) != (r, c), ocr=ocr, box=box))
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
    return join_pieces(T.extract_text(chars, **options).split("\n"))


def _edges(values) -> list[float]:
    """Distinct edge coordinates, merging those closer than EDGE_TOLERANCE."""
    edges: list[float] = []
    for v in sorted(values):
        if not edges or v - edges[-1] > EDGE_TOLERANCE:
            edges.append(v)
    return edges


def _nearest(edges: list[float], v: float) -> int:
    """Index of the edge nearest to `v` (the lower one on a tie); `edges` ascend strictly."""
    j = bisect.bisect_left(edges, v)
    if j == 0:
        return 0
    if j == len(edges):
        return len(edges) - 1
    return j - 1 if abs(edges[j - 1] - v) <= abs(edges[j] - v) else j


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
                rows[r][cc] = Cell(above.text, rows[r][cc].where, covered=True, ocr=above.ocr, box=above.box)
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
                new_row.append(cell if k == 0 else Cell(cell.text, cell.where, covered=True, ocr=cell.ocr, box=cell.box))
                new_origins.append((r0, new_col[c0][0]))
        rows.append(new_row)
        origins.append(new_origins)
    table.rows, table.origins, table.xs = rows, origins, xs


def _texts(row: list[Cell]) -> list[str]:
    return [c.text for c in row]
