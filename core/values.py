"""A table's cells read as values, and a row's cells fitted to the template's columns.

A cell is a number, a printed blank (empty, 「/」「—」「无」), a label, or unreadable; a row is its
label cells then its value cells. `fit` aligns a row's values with the n columns the template
gives it; in a table flattened onto one line (a crawler's page text) the cells of a row may have
run together (「713000074」), and `split_joined` cuts such a run only where the template's
arithmetic leaves one way (or a few, for the whole table's sums to choose among).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache

from core.grid import Cell, Table
from core.narrative import CJK, norm

_BLANK_MARKERS = {"/", "-", "－", "—", "——", "–", "―", "─", "无", "／", "\\", "-/-"}
_NUMBER = re.compile(r"^(?P<sign>[+\-]?)(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?(?P<unit>万元|元|件|条|个|项|次|笔)?$")
_NUMBERING = re.compile(r"^(?:[(（]?[一二三四五六七八九十]+[)）、.．]|[(（]\d+[)）]|\d+[、.．]|[一二三四五六七八九十]+、)")

def strip_numbering(text: str) -> str:
    """A label without its leading numbering: 「（三）1.属于国家秘密」→「属于国家秘密」."""
    prev = None
    while prev != text:
        prev, text = text, _NUMBERING.sub("", text, count=1)
    return text


@dataclass(frozen=True)
class Read:
    """One cell read as a value: number, blank (printed empty or /, —, 无), empty, junk or unreadable."""

    kind: str  # number | blank | empty | label | junk | unreadable
    value: int | float | None
    unit: str | None
    cell: Cell


OCR_MIN_CONFIDENCE = 0.6  # a number OCR read with a character less sure than this is not taken


def read_cell(cell: Cell) -> Read:
    kind, value, unit = _read_text(cell.text)
    if cell.ocr is not None and (kind == "junk" or kind in ("number", "blank") and cell.ocr < OCR_MIN_CONFIDENCE):
        # never a guess: 未读到, to be checked against the page — a doubtful number or blank mark (a
        # smudged 1 looks like 「/」), or OCR's reading that is neither number, label nor blank mark
        return Read("unreadable", None, None, cell)
    return Read(kind, value, unit, cell)


def ocr_unsure(cell: Cell) -> bool:
    """A number or blank mark OCR read without enough confidence (which `read_cell` does not take)."""
    return cell.ocr is not None and cell.ocr < OCR_MIN_CONFIDENCE and _read_text(cell.text)[0] in ("number", "blank")


# A count or an amount in 万元 of a real report has at most 9 or 10 digits; longer runs of digits
# (a flattened row's cells run together) are cut by `split_joined`, never read as one number, and
# Python refuses int() beyond 4300 digits. A value longer than this is unreadable.
MAX_NUMBER_CHARS = 24
MAX_VALUE = 10 ** 9  # no count, no amount in 万元 or 元 of one agency's report comes near


@lru_cache(maxsize=8192)
def _read_text(raw: str) -> tuple[str, int | float | None, str | None]:
    """(kind, value, unit) of a cell's text; cached, as a table repeats the same few texts."""
    t = norm(raw)
    if t == "":
        return "empty", None, None
    if t in _BLANK_MARKERS or raw.strip() in _BLANK_MARKERS:
        return "blank", None, None
    if len(t) > MAX_NUMBER_CHARS and re.fullmatch(r"[+\-]?[\d,]+(?:\.\d+)?", t[:200]):
        return "unreadable", None, None  # no count or amount of a report is this long: not a value
    m = _NUMBER.match(t.replace("＋", "+"))
    if m:
        digits = m["int"].replace(",", "")
        if m["frac"]:
            value: int | float = float(f"{m['sign']}{digits}{m['frac']}")
        else:
            value = int(f"{m['sign']}{digits}")
        if abs(value) >= MAX_VALUE:
            return "unreadable", None, None
        return "number", value, (m["unit"] if m["unit"] in ("万元", "元") else None)
    if CJK.search(t):
        return "label", None, None
    if re.search(r"\d", t):
        return "unreadable", None, None
    return "junk", None, None


@dataclass
class TableRow:
    """One row of a table: its label cells, then its value cells (covered span copies left out)."""

    cells: list[Cell]
    table: Table
    index: int  # position of the row in its table

    @cached_property
    def reads(self) -> list[Read]:
        """Each cell read (sorting and reading a row looks at its cells several times)."""
        return [read_cell(c) for c in self.cells]

    @cached_property
    def label_end(self) -> int:
        """Index after the last label cell (0 when the row has no label)."""
        last = -1
        for i, r in enumerate(self.reads):
            if r.kind == "label":
                last = i
        return last + 1

    @cached_property
    def labels(self) -> list[str]:
        return [r.cell.text for r in self.reads[: self.label_end] if r.kind == "label" and not r.cell.covered]

    @property
    def label_text(self) -> str:
        return norm("".join(self.labels))

    def values(self) -> list[Cell]:
        return [c for c in self.cells[self.label_end:] if not c.covered]


def fit(cells: list[Cell], n: int) -> list[Read] | None:
    """The n value cells of a row: trailing padding and leading span gaps or OCR junk trimmed.

    None when the row does not have exactly n values left (it is short, or has surplus numbers).
    """
    reads = [read_cell(c) for c in cells]
    while len(reads) > n and reads[-1].kind in ("empty", "junk"):
        reads.pop()
    while len(reads) > n and reads[0].kind in ("empty", "junk"):
        reads.pop(0)
    while len(reads) > n and reads[-1].kind == "blank" and sum(r.kind == "number" for r in reads) <= n:
        reads.pop()
    # a merged cell copied into every position it spans (markdown, text from a web page):
    # 「行政许可 | 4471 | 4471 | 4471」 under the one column 本年处理决定数量
    if len(reads) > n and all(r.kind == "number" and r.value == reads[n - 1].value for r in reads[n - 1:]):
        reads = reads[:n]
    if len(reads) != n:
        return None
    return reads


_SPLIT_BUDGET = 100_000  # steps of the search; a longer search means too many ways to split


def split_joined(cells: list[Cell], n: int, valid: Callable[[list[int | None]], bool],
                 most: int = 1, budget_steps: int = _SPLIT_BUDGET) -> list[list[Read]] | None:
    """The n values of a row whose cells ran together in flattened text (「713000074」 for
    71 | 3 | 0 | 0 | 0 | 0 | 74): every way to cut the runs of digits into n numbers (no leading
    zeros) that the template's arithmetic `valid` accepts, at most `most` of them; None when there
    are more (or too many to search). An ambiguous run is never guessed at: the caller takes a
    single way, or lets the whole table's sums choose among a few."""
    atoms = []
    for cell in cells:
        r = read_cell(cell)
        if r.kind == "empty":
            continue
        digits = norm(cell.text)
        if digits.isdigit() and len(digits) > 1:  # a run of digits, however long, may be cut
            atoms.append((Read("number", None, None, cell), digits))
            continue
        if r.kind not in ("number", "blank"):
            return []
        atoms.append((r, None))
    found: list[list[Read]] = []
    budget = [budget_steps]

    def walk(i: int, acc: list[Read]) -> None:
        budget[0] -= 1
        if len(found) > most or budget[0] < 0 or len(acc) > n:
            return
        if i == len(atoms):
            if len(acc) == n and valid([r.value for r in acc]):  # type: ignore[misc]
                found.append(list(acc))
            return
        read, digits = atoms[i]
        room = n - len(acc) - (len(atoms) - i - 1)  # values left for this atom
        if digits is None:
            walk(i + 1, acc + [read])
            return
        for parts in _cuts(digits, room, budget):
            walk(i + 1, acc + [Read("number", int(p), None, read.cell) for p in parts])

    walk(0, [])
    return None if budget[0] < 0 or len(found) > most else found


def ambiguous(what: str, cells: list[Cell]) -> str:
    run = " ".join(c.text for c in cells if c.text.strip())
    return f"{what}的数字在文本中连写为「{run}」，有多种拆分方式，无法确定各列的数值，按未读到处理。"


def _cuts(digits: str, most: int, budget: list[int], longest: int = 9):
    """Ways to cut a run of digits into at most `most` numbers without leading zeros; each step
    spends one unit of the shared `budget`, so a hostile run cannot make the search explode."""
    budget[0] -= 1
    if not digits:
        yield []
        return
    if most <= 0 or budget[0] < 0 or len(digits) > most * longest:
        return
    for k in range(1, min(longest, len(digits)) + 1):
        head = digits[:k]
        if len(head) > 1 and head[0] == "0":
            break
        for rest in _cuts(digits[k:], most - 1, budget, longest):
            yield [head, *rest]


def row_sum_holds(values: list[int | None]) -> bool:
    """Table 3: the six applicant columns add up to the row's 总计 (rule R3)."""
    return sum(v or 0 for v in values[:-1]) == (values[-1] or 0)


def groups_hold(values: list[int | None]) -> bool:
    """Table 4: in each of the three groups 维持 + 纠正 + 其他 + 尚未审结 = 总计 (rule R4). Fewer
    than 15 values (a reading with empty cells gone) are judged as laid out from the left."""
    values = list(values) + [None] * (15 - len(values))
    return all(sum(v or 0 for v in values[g:g + 4]) == (values[g + 4] or 0) for g in (0, 5, 10))


def cut_is_sure(cells: list[Cell], n: int, valid: Callable[[list[int | None]], bool]) -> bool:
    """True when a run cut into n numbers cannot also be read as fewer numbers that `valid` allows.
    An empty cell vanishes from flattened text: were 「1111」 also 1 | 11 | 11 with a cell left
    empty, the cut 1 | 1 | 1 | 1 would be a guess. 「005」 can only be 0 | 0 | 5."""
    return all(split_joined(cells, m, valid, most=0, budget_steps=_SPLIT_BUDGET // 10) == [] for m in range(1, n))


def fit_joined(cells: list[Cell], n: int, row: TableRow, valid: Callable[[list[int | None]], bool],
               what: str) -> tuple[list[Read] | None, str | None, bool]:
    """`fit`, and for a row of a flattened table whose numbers ran together, the one split the
    template's arithmetic allows. Returns (reads, why not, cut): `why not` is the Chinese reason
    when a run had several possible splits, to be said instead of 'short row'; `cut` whether the
    reads came from cutting a run (the caller then decides whether that cut is sure)."""
    reads = fit(cells, n)
    if reads is not None or not row.table.joined:
        return reads, None, False
    ways = split_joined(cells, n, valid, most=1)
    if ways and len(ways) == 1:
        return ways[0], None, True
    if ways is None:
        return None, ambiguous(what, cells), False
    return None, None, False
