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

from core.grid import Cell, Document, Paragraph, ReadError, Table
from core.readers.charset import decode

MAX_LINES = 200_000
MAX_LINE_CHARS = 100_000
_BLANK = re.compile(r"^[\s\u00a0\u3000\ufeff]*$")
# Only a truly empty line ends a row: a line of non-breaking spaces is an empty cell's paragraph.
_SEPARATOR = re.compile(r"^[ \r\ufeff]*$")
_SECTION_HEAD = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]")
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
# a label followed by two or more numbers separated by runs of spaces (pdftotext -layout)
_SPACED_ROW = re.compile(r"^\s*(?P<label>\S*[\u4e00-\u9fff].*?[^\s\d.,+\-])\s{2,}(?P<cells>[-+]?\d[\d.,]*(?:\s+(?:[-+]?\d[\d.,]*|[/—－-]))+)\s*$")


def read_text(data: bytes, name: str) -> Document:
    """Decode and split a text file; raises ReadError when it is not text."""
    text = decode(data, name)
    return parse_text(text, name)


def parse_text(text: str, name: str = "") -> Document:
    """Text (already decoded, e.g. pasted into the dashboard) → Document."""
    if "\x00" in text:
        raise ReadError(f"{name}：文件中含有二进制数据，不是文本文件。")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(lines) > MAX_LINES:
        raise ReadError(f"{name}：文本超过 {MAX_LINES} 行，不像一份年度报告。")
    lines = [ln[:MAX_LINE_CHARS] for ln in lines]
    blocks: list = []
    i = 0
    while i < len(lines):
        if _is_table_line(lines[i]):
            end = _block_end(lines, i)
            blocks.append(_table(lines, i, end))
            i = end
            continue
        line = lines[i]
        spaced = _SPACED_ROW.match(line) if len(line) < 300 and "  " in line else None
        if spaced:
            where = f"第{i + 1}行"
            cells = [Cell(spaced["label"].strip(), where)]
            cells += [Cell(tok, where) for tok in spaced["cells"].split()]
            blocks.append(Table([cells], where, regular=False))
        elif not _BLANK.match(lines[i]):
            blocks.append(Paragraph(_clean_markdown(lines[i]), f"第{i + 1}行"))
        i += 1
    return Document(blocks=blocks, format="text")


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


def _table(lines: list[str], start: int, end: int) -> Table:
    body = lines[start:end]
    piped = sum("|" in ln for ln in body) > sum("\t" in ln for ln in body)
    rows: list[list[Cell]] = []
    if piped:
        one_per_line = [ln for ln in body if "|" in ln]
        cell_mode = sum(ln.rstrip().endswith("|") and ln.count("|") == 1 for ln in one_per_line) > len(one_per_line) / 2
        rows = _cell_mode(body, start, sep="|") if cell_mode else _row_mode(body, start, sep="|")
    else:
        tab_lines = [ln for ln in body if "\t" in ln]
        single = sum(ln.startswith("\t") and "\t" not in ln[1:] for ln in tab_lines)
        cell_mode = single > 0.7 * len(tab_lines)
        rows = _cell_mode(body, start, sep="\t") if cell_mode else _row_mode(body, start, sep="\t")
    return Table([r for r in rows if r], f"第{start + 1}行", regular=False)


def _clean(cell: str) -> str:
    return cell.replace("\u00a0", " ").replace("\u3000", " ").replace("\ufeff", "").strip()


def _row_mode(body: list[str], start: int, sep: str) -> list[list[Cell]]:
    rows = []
    for offset, line in enumerate(body):
        if _BLANK.match(line) or _MD_RULE.match(line):
            continue
        where = f"第{start + offset + 1}行"
        parts = line.split(sep)
        if sep == "|":
            if parts and _BLANK.match(parts[0]):
                parts = parts[1:]  # markdown's leading pipe
            if parts and _BLANK.match(parts[-1]):
                parts = parts[:-1]
        rows.append([Cell(_clean(p), where) for p in parts])
    return rows


def _cell_mode(body: list[str], start: int, sep: str) -> list[list[Cell]]:
    """One cell per line; blank lines end a row; a line without the marker continues a cell."""
    rows: list[list[Cell]] = []
    row: list[tuple[str, str]] = []
    for offset, line in enumerate(body):
        where = f"第{start + offset + 1}行"
        is_cell = line.startswith("\t") if sep == "\t" else line.rstrip().endswith("|")
        if not is_cell and _SEPARATOR.match(line):
            if row:
                rows.append([Cell(_clean(t), w) for t, w in row])
                row = []
            continue
        text = line[1:] if sep == "\t" else line.rstrip()[:-1]
        if is_cell or not row:
            row.append((text, where))
        else:
            prev_text, prev_where = row[-1]
            joined = prev_text + "\n" + line
            row[-1] = (joined, where if _BLANK.match(prev_text) else prev_where)
    if row:
        rows.append([Cell(_clean(t), w) for t, w in row])
    return rows
