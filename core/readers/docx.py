"""DOCX → Document with python-docx: body paragraphs and tables in order, merged cells expanded.

python-docx's `row.cells` repeats a horizontally merged cell but drops positions skipped by
gridBefore/gridAfter, and a vertical merge shows up only as `vMerge="continue"`. So the grid is
built from the `w:tc` elements themselves: gridSpan widens a cell, vMerge continue covers the
position below the cell that started the merge, and the rows are padded to the table's width.
"""
from __future__ import annotations

import io
import zipfile

import docx
from docx.oxml.ns import qn

from core.grid import Cell, Document, Paragraph, ReadError, Table
from core.readers.cells import MAX_CELLS, MAX_ELEMENTS, clean, join_pieces
from core.readers.text import reread_lines

MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_MEMBERS = 2000
MAX_DOCUMENT_XML = 16 * 1024 * 1024  # the body of a 50-page report is a few MB; lxml needs ~15× in memory
MAX_GRID_COLS = 60
MAX_ROWS = 2000

_P, _TBL, _SDT = qn("w:p"), qn("w:tbl"), qn("w:sdt")
# Where a paragraph's runs live: directly, in a hyperlink, in tracked insertions, smart tags,
# simple fields and inline content controls. Deleted text (w:delText) is not part of any run's text.
_RUNS = "./w:r | ./w:hyperlink/w:r | ./w:ins/w:r | ./w:smartTag/w:r | ./w:fldSimple/w:r | ./w:sdt/w:sdtContent/w:r"


def read_docx(data: bytes, name: str) -> Document:
    """Read a .docx; raises ReadError for zip bombs, non-Word archives and damaged files."""
    _check_archive(data, name)
    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        cells = sum(1 for _ in body.iter(qn("w:tc")))
        if cells > MAX_CELLS or sum(1 for _ in body.iter(qn("w:p"))) > MAX_ELEMENTS:
            raise ReadError(f"{name}：文档包含 {cells} 个表格单元格或过多段落，远超一份年度报告，未读取。")
        title = clean(document.core_properties.title or "") or None
        blocks = _blocks(document.element.body)
    except ReadError:
        raise
    except Exception as exc:  # python-docx and lxml raise many types for a damaged package
        raise ReadError(f"{name}：Word 文件已损坏或格式不正确，无法读取。请在 Word 或 WPS 中打开后重新另存为 .docx，"
                        "或改传 PDF、网页版本。") from exc
    if not any(isinstance(b, Table) for b in blocks):  # tables typed as tab-separated paragraphs
        blocks = reread_lines(blocks, name)
    return Document(blocks=blocks, title_hint=title, format="docx")


def _check_archive(data: bytes, name: str) -> None:
    """Refuse zip bombs and zips that are not Word documents before python-docx unpacks anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except Exception as exc:  # BadZipFile, or a truncated central directory
        raise ReadError(f"{name}：Word 文件已损坏或不完整（不是有效的 .docx 压缩包）。请重新下载或另存为 .docx 后上传。") from exc
    if len(members) >= MAX_MEMBERS or sum(m.file_size for m in members) >= MAX_UNCOMPRESSED:
        raise ReadError(f"{name}：文件解压后过大或包含的部件过多，不像一份正常的 Word 文档，已拒绝读取。")
    body = next((m for m in members if m.filename == "word/document.xml"), None)
    if body is None:
        raise ReadError(f"{name}：这是一个 ZIP 压缩包，但不是 Word（.docx）文档。请上传年报本身的 Word、PDF 或网页文件。")
    if body.file_size >= MAX_DOCUMENT_XML:
        raise ReadError(f"{name}：Word 文档正文部分过大（解压后 {body.file_size // 1048576} MB），不像一份年度报告，已拒绝读取。")


def _blocks(body) -> list[Paragraph | Table]:
    """Body paragraphs and tables in reading order (content controls unwrapped)."""
    blocks: list[Paragraph | Table] = []
    paragraphs = tables = 0
    stack = list(reversed(body))
    while stack:
        el = stack.pop()
        if el.tag == _P:
            text = _body_text(el)
            if text:  # 「第N段」 counts the non-empty paragraphs, as a reader counts them
                paragraphs += 1
                blocks.append(Paragraph(text, f"第{paragraphs}段"))
        elif el.tag == _TBL and _rows(el):
            tables += 1
            blocks.append(_table(el, tables))
        elif el.tag == _SDT:
            content = el.find(qn("w:sdtContent"))
            if content is not None:
                stack.extend(reversed(content))
    return blocks


def _paragraph_text(p) -> str:
    """A paragraph's text; a line break inside it is joined like the pieces of a cell."""
    text = "".join(r.text for r in p.xpath(_RUNS))
    return join_pieces(text.replace("\t", " ").splitlines())


def _body_text(p) -> str:
    """A body paragraph's text, tabs inside it kept: a table typed as tab-separated lines."""
    text = "".join(r.text for r in p.xpath(_RUNS)).strip("\t")
    return "\t".join(join_pieces(part.splitlines()) for part in text.split("\t")).strip()


def _cell_text(tc) -> str:
    """All paragraphs of a cell, nested tables flattened into it, joined as one cell text."""
    return join_pieces(_paragraph_text(p) for p in tc.xpath(".//w:p[not(ancestor::w:txbxContent)]"))


def _rows(tbl) -> list:
    return tbl.xpath("./w:tr | ./w:sdt/w:sdtContent/w:tr")[:MAX_ROWS]


def _table(tbl, number: int) -> Table:
    """Expand one w:tbl into a rectangular grid of Cells with covered flags."""
    grid: list[list[tuple[int, int, str] | None]] = []  # (origin row, origin col, text) per position
    for r, tr in enumerate(_rows(tbl)):
        row: list[tuple[int, int, str] | None] = [None] * min(tr.grid_before, MAX_GRID_COLS)
        for tc in tr.xpath("./w:tc | ./w:sdt/w:sdtContent/w:tc"):
            c = len(row)
            if c >= MAX_GRID_COLS:
                break
            span = max(1, min(tc.grid_span, MAX_GRID_COLS - c))
            above = grid[r - 1][c] if r and c < len(grid[r - 1]) else None
            if tc.vMerge == "continue" and above is not None:
                row.extend([above] * span)
            else:
                origin = (r, c, _cell_text(tc))
                row.extend([origin] * span)
        grid.append(row)
    width = max((len(row) for row in grid), default=0)
    rows: list[list[Cell]] = []
    for r, row in enumerate(grid):
        where = f"表格{number}第{r + 1}行"
        cells = []
        for c in range(width):
            owner = row[c] if c < len(row) else None
            if owner is None:  # gridBefore/gridAfter or a short row: an empty position
                cells.append(Cell("", where))
            else:
                r0, c0, text = owner
                cells.append(Cell(text, where, covered=(r0, c0) != (r, c)))
        rows.append(cells)
    return Table(rows, f"表格{number}", regular=True)
