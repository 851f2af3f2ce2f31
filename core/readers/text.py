"""Plain text → Document: narrative lines, and tables recovered from the text shapes reports take.

Text copied or extracted from Word, PDF or a web page keeps the table in one of a few shapes:
- tab rows: one table row per line, cells separated by tabs (merged label cells left empty);
- one cell per line: each cell on its own line behind a leading tab, rows separated by blank lines,
  an empty cell as a lone tab or a lone space, a cell's second paragraph on a line of its own;
- pipes: `a | b | c` rows (markdown or a web page's text), or one cell per line ending in `|`;
- spaced columns: `规章  0  0  0` as `pdftotext -layout` prints a ruled table.
The grids this yields are not regular (a merged cell may leave no empty position behind), so the
tables are marked `regular=False` and the parser aligns values by row labels.
"""
from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass

from core.grid import Cell, Document, Paragraph, ReadError, Table
from core.readers.cells import MAX_CELLS, is_page_number
from core.readers.charset import decode

MAX_LINES = 200_000
MAX_LINE_CHARS = 100_000
MAX_ROW_CELLS = 100  # the widest row of the template has 16 cells
_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")
_BLANK = re.compile(r"^[\s\u00a0\u3000\ufeff]*$")
# Only a truly empty line ends a row: a line of non-breaking spaces is an empty cell's paragraph.
_SEPARATOR = re.compile(r"^[ \r\ufeff]*$")
_SECTION_HEAD = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]")
# a label followed by two or more numbers separated by runs of spaces (pdftotext -layout)
_VALUE_TOKEN = re.compile(r"^(?:[-+]?\d[\d.,]*(?:万元|元|件|条|个|项|次|笔)?|[/—－\-–]+|[无無])$")


def _split_row(line: str, min_gap: int) -> tuple[str | None, list[tuple[str, float]]] | None:
    """(label, [(value, centre)]) of a table row printed as one line, read from the right: the
    trailing run of numbers and blank marks (—, /, 无) are the values, what stands before them is
    the label (it must hold Chinese, e.g. 「1. 属于国家秘密」), separated by at least `min_gap`
    spaces. A line of three or more values and no label is a row whose label wrapped elsewhere."""
    if len(line) > 300:
        return None
    tokens = list(re.finditer(r"\S+", line))
    i = len(tokens)
    while i > 0 and _VALUE_TOKEN.match(unicodedata.normalize("NFKC", tokens[i - 1].group())):
        i -= 1
    values = [(t.group(), (t.start() + t.end()) / 2) for t in tokens[i:]]
    if not values or not any(ch.isdigit() for v, _ in values for ch in v):
        return None
    if i == 0:
        return (None, values) if len(values) >= 3 else None
    label = line[tokens[0].start():tokens[i - 1].end()]
    if not _CJK_CHAR.search(label) or tokens[i].start() - tokens[i - 1].end() < min_gap:
        return None
    return label, values


def row_from_line(line: str, min_gap: int = 2) -> list[str] | None:
    """The cells of a table row printed as one line of text (`规章  0  —  11`), or None. `min_gap`
    is the run of spaces required after the label: two in running text, where a sentence may end
    in a number; one for a PDF line."""
    split = _split_row(line, min_gap)
    if split is None:
        return None
    label, values = split
    return ([label] if label else []) + [v for v, _ in values]


def read_text(data: bytes, name: str) -> Document:
    """Decode and split a text file; raises ReadError when it is not text."""
    text = decode(data, name)
    return parse_text(text, name)


def parse_text(text: str, name: str = "") -> Document:
    """Text (already decoded, e.g. pasted into the dashboard) → Document."""
    if "\x00" in text:
        raise ReadError(f"{name}：文件中含有二进制数据，不是文本文件。")
    if text.count("\t") + text.count("|") > 2 * MAX_CELLS:  # counted before any cell is built
        raise ReadError(f"{name}：表格单元格超过 {MAX_CELLS} 个，不像一份年度报告，未读取。")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(lines) > MAX_LINES:
        raise ReadError(f"{name}：文本超过 {MAX_LINES} 行，不像一份年度报告。")
    lines = [ln[:MAX_LINE_CHARS] for ln in lines]
    blocks: list = []
    rules = _row_rule_pipes(lines)
    spaced_rows: list[_SpacedRow] = []
    page = 0
    i = 0
    while i < len(lines):
        page += lines[i].count("\f")
        if _is_table_line(lines[i]):
            end = _block_end(lines, i)
            blocks.append(_table(lines, i, end, rules))
            i = end
            continue
        line = lines[i].replace("\f", "")
        split = _split_row(line, 2) if "  " in line or "\u3000" in line else None
        if split:
            label, values = split
            row = _SpacedRow(len(blocks), page, f"第{i + 1}行", ([label] if label else []) + [v for v, _ in values],
                             [c for _, c in values])
            spaced_rows.append(row)
            blocks.append(Table([[Cell(t, row.where) for t in row.cells]], row.where, regular=False))
        elif not _BLANK.match(line) and not is_page_number(line):  # page footers of extracted PDF text
            blocks.append(Paragraph(_clean_markdown(line), f"第{i + 1}行"))
        i += 1
    if sum(len(r) for b in blocks if isinstance(b, Table) for r in b.rows) > MAX_CELLS:
        raise ReadError(f"{name}：表格单元格超过 {MAX_CELLS} 个，不像一份年度报告，未读取。")
    for row, cells in _align_columns(spaced_rows):
        blocks[row.block] = Table([[Cell(t, row.where) for t in cells]], row.where, regular=False)
    return Document(blocks=blocks, format="text")


@dataclass
class _SpacedRow:
    block: int  # index of its one-row table among the blocks
    page: int  # pages are separated by form feeds in pdftotext output
    where: str
    cells: list[str]  # label (if any) then the value tokens
    centres: list[float]  # character position of each value token's centre

    @property
    def label(self) -> list[str]:
        return self.cells[: len(self.cells) - len(self.centres)]


def _table_span(rows: list[_SpacedRow], first: _SpacedRow, last: _SpacedRow, full: int) -> list[_SpacedRow]:
    """The spaced rows of the table the full rows belong to: those between them, and those just
    before or after (at most a few wrapped label lines away), never past a row with more values."""
    i, j = rows.index(first), rows.index(last)
    while i > 0 and first.block - rows[i - 1].block <= 4 and len(rows[i - 1].centres) <= full:
        i -= 1
        first = rows[i]
    while j + 1 < len(rows) and rows[j + 1].block - last.block <= 4 and len(rows[j + 1].centres) <= full:
        j += 1
        last = rows[j]
    return rows[i:j + 1]


def _align_columns(rows: list[_SpacedRow]) -> list[tuple[_SpacedRow, list[str]]]:
    """Spaced rows (pdftotext -layout) lose their blank cells; where a page holds several full rows
    of k values, their positions give the k columns, and a shorter row between the first and the
    last full row gets its values placed by position, blanks as empty cells. A row whose values do
    not each sit clearly under one column is left as it is (the parser then calls it short)."""
    out = []
    for page in sorted({r.page for r in rows}):
        on_page = [r for r in rows if r.page == page]
        counts = Counter(len(r.centres) for r in on_page)
        full = max((k for k, n in counts.items() if k >= 3 and n >= 2), default=None)
        if full is None:
            continue
        full_rows = [r for r in on_page if len(r.centres) == full]
        anchors = [statistics.median(r.centres[j] for r in full_rows) for j in range(full)]
        gap = min(b - a for a, b in zip(anchors, anchors[1:]))
        inside = _table_span(on_page, full_rows[0], full_rows[-1], full)
        for r in inside:
            if not 0 < len(r.centres) < full:
                continue
            slots = [min(range(full), key=lambda j: abs(anchors[j] - c)) for c in r.centres]
            if len(set(slots)) != len(slots) or any(abs(anchors[j] - c) > gap / 2 for j, c in zip(slots, r.centres)):
                continue
            values = [""] * full
            for j, text in zip(slots, r.cells[len(r.label):]):
                values[j] = text
            out.append((r, r.label + values))
    return out


def reread_lines(paragraphs: list[Paragraph], name: str = "") -> list[Paragraph | Table]:
    """Paragraphs of a page or document that holds its tables as text (rows of 「a | b | c」 lines
    separated by <br>) read again as text, each block keeping the location of its paragraph."""
    doc = parse_text("\n".join(p.text for p in paragraphs), name)
    place = {f"第{i + 1}行": p.where for i, p in enumerate(paragraphs)}

    def moved(where: str) -> str:
        return place.get(where, where)

    out: list[Paragraph | Table] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            out.append(Paragraph(block.text, moved(block.where)))
        else:
            rows = [[Cell(c.text, moved(c.where), c.covered) for c in row] for row in block.rows]
            out.append(Table(rows, moved(block.where), regular=False))
    return out


def _clean_markdown(line: str) -> str:
    line = line.strip()
    line = re.sub(r"^#{1,6}\s*", "", line)
    line = re.sub(r"^[-*+]\s+", "", line)
    return line.replace("**", "").strip()


def _is_table_line(line: str) -> bool:
    if "\t" in line:
        return not _BLANK.match(line) or line.startswith("\t")
    return "|" in line


def _is_continuation(line: str) -> bool:
    """A plain line inside a table: the second paragraph of the cell above (e.g. a lone 8)."""
    s = line.strip()
    return len(s) <= 30 and not _SECTION_HEAD.match(s) and "|" not in line


def _block_end(lines: list[str], start: int) -> int:
    """Index after the last line of the table block that starts at `start`."""
    i = start
    last = start
    prev_table = True
    while i < len(lines):
        line = lines[i]
        if _is_table_line(line) or (line.startswith("\t") and _BLANK.match(line)):
            last, prev_table = i, True
        elif _SEPARATOR.match(line):
            prev_table = False
        elif prev_table and _is_continuation(line):
            last = i
        else:
            break
        i += 1
    return last + 1


def _table(lines: list[str], start: int, end: int, rules: int) -> Table:
    body = lines[start:end]
    piped = sum("|" in ln for ln in body) > sum("\t" in ln for ln in body)
    rows: list[list[Cell]] = []
    if piped:
        one_per_line = [ln for ln in body if "|" in ln and not _is_pipe_rule(ln)]
        cell_mode = sum(ln.rstrip().endswith("|") and "|" not in ln.rstrip().rstrip("|") for ln in one_per_line) \
            > len(one_per_line) / 2
        rows = _cell_mode(body, start, sep="|", rules=rules) if cell_mode else _row_mode(body, start, sep="|")
    else:
        tab_lines = [ln for ln in body if "\t" in ln]
        single = sum(ln.startswith("\t") and "\t" not in ln[1:] for ln in tab_lines)
        cell_mode = single > 0.7 * len(tab_lines)
        rows = _cell_mode(body, start, sep="\t") if cell_mode else _row_mode(body, start, sep="\t")
    return Table([r[:MAX_ROW_CELLS] for r in rows if r], f"第{start + 1}行", regular=False)


def _is_markdown_rule(line: str) -> bool:
    """`|---|:--:|`: the line under a markdown table's header (a set test, not a regex: a hostile
    line of thousands of spaces must not make a pattern backtrack)."""
    body = line.strip()
    return "--" in body and set(body) <= set("|-: \t")


def _clean(cell: str) -> str:
    return cell.replace("\u00a0", " ").replace("\u3000", " ").replace("\ufeff", "").strip()


_FOOTER = re.compile(r"^(?:[-—–－]+\s*\d{1,4}\s*[-—–－]+|第\s*\d{1,4}\s*页.*)$")


def _is_footer(line: str) -> bool:
    """A page footer inside a table that broke across pages (「— 3 —」「第 3 页 共 6 页」); a bare
    number there may be a cell's second paragraph, so it must carry a mark."""
    s = line.strip().strip("|").strip()
    return bool(_FOOTER.match(s)) and is_page_number(s)


def _is_pipe_rule(line: str) -> bool:
    """A line of only pipes (「|」「||||」, no space: 「 |」 is an empty cell): how some converters
    separate table rows."""
    body = line.strip("\r\n")
    return bool(body) and set(body) == {"|"}


def _row_rule_pipes(lines: list[str]) -> int:
    """How a text that types one cell per line separates rows: 0 — by blank lines (a lone 「|」 is
    an empty cell), 1 — by lines of one pipe, 2 — by lines of two or more (a lone 「|」 is then
    still an empty cell). Decided over the whole text, as a table may reach us in pieces."""
    if any(_is_pipe_rule(ln) and ln.count("|") >= 2 for ln in lines):
        return 2
    blank_between_cells = any(_SEPARATOR.match(b) and a.rstrip().endswith("|") and c.rstrip().endswith("|")
                              for a, b, c in zip(lines, lines[1:], lines[2:]))
    return 0 if blank_between_cells or not any(_is_pipe_rule(ln) for ln in lines) else 1


def _row_mode(body: list[str], start: int, sep: str) -> list[list[Cell]]:
    rows = []
    for offset, line in enumerate(body):
        if _BLANK.match(line) or _is_markdown_rule(line) or _is_footer(line) or (sep == "|" and _is_pipe_rule(line)):
            continue
        where = f"第{start + offset + 1}行"
        parts = line.split(sep, MAX_ROW_CELLS + 1)[:MAX_ROW_CELLS + 1]
        if sep not in line:  # a row typed with spaces among tab or pipe rows: 「（七）总计 109 88 … 454」
            parts = row_from_line(line, min_gap=1) or parts
        if sep == "|":
            if parts and _BLANK.match(parts[0]):
                parts = parts[1:]  # markdown's leading pipe
            if parts and _BLANK.match(parts[-1]):
                parts = parts[:-1]
        rows.append([Cell(_clean(p), where) for p in parts])
    return rows


def _cell_mode(body: list[str], start: int, sep: str, rules: int = 0) -> list[list[Cell]]:
    """One cell per line; blank lines (or pipe-only lines, per `rules`, see `_row_rule_pipes`) end
    a row; a line without the marker continues a cell. With `rules == 1` a lone 「|」 is a cell and
    rows are cut where a label follows a value."""
    rows: list[list[Cell]] = []
    row: list[tuple[str, str]] = []
    for offset, line in enumerate(body):
        where = f"第{start + offset + 1}行"
        if _is_footer(line):
            continue
        is_cell = line.startswith("\t") if sep == "\t" else line.rstrip().endswith("|")
        # a lone 「|」 may end a row or be an empty cell: taken as a cell, rows then end where a
        # label follows a value (the separator becomes a trailing empty cell the parser trims)
        if (not is_cell and _SEPARATOR.match(line)) or (rules == 2 and _is_pipe_rule(line) and line.count("|") >= 2):
            if row:
                rows.append([Cell(_clean(t), w) for t, w in row])
                row = []
            continue
        # 「1|||」: the pipes after a cell pad a merged cell's span
        text = line[1:] if sep == "\t" else line.rstrip().rstrip("|")
        if is_cell or not row:
            row.append((text, where))
        else:
            prev_text, prev_where = row[-1]
            joined = prev_text + "\n" + line
            row[-1] = (joined, where if _BLANK.match(prev_text) else prev_where)
    if row:
        rows.append([Cell(_clean(t), w) for t, w in row])
    return [part for r in rows for part in _split_at_labels(r)] if rules == 1 else rows


def _split_at_labels(row: list[Cell]) -> list[list[Cell]]:
    """A run of cells cut where a label (Chinese text, not a blank mark like 无) follows a value."""
    out: list[list[Cell]] = [[]]
    for cell in row:
        label = bool(_CJK_CHAR.search(cell.text)) and not _VALUE_TOKEN.match(unicodedata.normalize("NFKC", cell.text.strip()))
        if label and out[-1] and not _CJK_CHAR.search(out[-1][-1].text):
            out.append([])
        out[-1].append(cell)
    return [r for r in out if r]
