"""Document → field values: sections, row labels, columns, metadata, both templates.

The parser is anchored on the template's printed row labels, not on positions: a row is found by
the words of its label (「新收」「予以公开」「不掌握」…), whatever the file format, and its values are
the cells after the label. Text-shaped tables lose the empty positions of merged cells, so values
are aligned by the row's own cells (trailing padding and span gaps trimmed), or by the table's
common value column where every full row agrees on it. A cell that cannot be placed or read is
null plus a warning: the parser reports what is printed, it never repairs.
"""
from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from collections.abc import Callable
from functools import cached_property, lru_cache

from core import fields as F
from core import flattened, narrative
from core.narrative import CJK, norm
from core.grid import Block, Cell, Document, JoinedText, Paragraph, Table
from core.readers.text import row_from_line
from core.record import Provenance, Value, Warning

_BLANK_MARKERS = {"/", "-", "－", "—", "——", "–", "―", "─", "无", "／", "\\", "-/-"}
_NUMBER = re.compile(r"^(?P<sign>[+\-]?)(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?(?P<unit>万元|元|件|条|个|项|次)?$")
_NUMBERING = re.compile(r"^(?:[(（]?[一二三四五六七八九十]+[)）、.．]|[(（]\d+[)）]|\d+[、.．]|[一二三四五六七八九十]+、)")
_GROUP = re.compile(r"[(（]([一二三四五六七])[)）]")

T3_HEADER_WORDS = ("申请人情况", "自然人", "商业企业", "科研机构", "法律服务机构", "勾稽", "法人或其他组织")
T4_WORDS = ("行政复议", "行政诉讼", "结果维持", "未经复议", "复议后起诉", "尚未审结")
T2_WORDS = ("第二十条", "信息内容", "规章", "规范性文件", "行政许可", "对外管理服务", "行政处罚", "行政强制",
            "事业性收费", "集中采购")
T2019_HEADER_WORDS = ("新制作", "新公开", "对外公开总数", "上一年项目", "增/减", "增减", "采购项目", "采购总金额")
T2021_HEADER_WORDS = ("制发件数", "废止件数", "现行有效", "本年处理决定数量", "本年收费金额")


def _strip_numbering(text: str) -> str:
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


def read_cell(cell: Cell) -> Read:
    kind, value, unit = _read_text(cell.text)
    return Read(kind, value, unit, cell)


@lru_cache(maxsize=8192)
def _read_text(raw: str) -> tuple[str, int | float | None, str | None]:
    """(kind, value, unit) of a cell's text; cached, as a table repeats the same few texts."""
    t = norm(raw)
    if t == "":
        return "empty", None, None
    if t in _BLANK_MARKERS or raw.strip() in _BLANK_MARKERS:
        return "blank", None, None
    m = _NUMBER.match(t.replace("＋", "+"))
    if m:
        digits = m["int"].replace(",", "")
        if m["frac"]:
            value: int | float = float(f"{m['sign']}{digits}{m['frac']}")
        else:
            value = int(f"{m['sign']}{digits}")
        return "number", value, (m["unit"] if m["unit"] in ("万元", "元") else None)
    if CJK.search(t):
        return "label", None, None
    if re.search(r"\d", t):
        return "unreadable", None, None
    return "junk", None, None


@dataclass
class _Row:
    cells: list[Cell]
    table: Table
    index: int  # position of the row in its table

    @cached_property
    def label_end(self) -> int:
        """Index after the last label cell (0 when the row has no label)."""
        last = -1
        for i, c in enumerate(self.cells):
            if read_cell(c).kind == "label":
                last = i
        return last + 1

    @cached_property
    def labels(self) -> list[str]:
        return [c.text for c in self.cells[: self.label_end] if read_cell(c).kind == "label" and not c.covered]

    @property
    def label_text(self) -> str:
        return norm("".join(self.labels))

    def values(self) -> list[Cell]:
        return [c for c in self.cells[self.label_end:] if not c.covered]


@dataclass
class Parsed:
    """What the parser read: the flat record, where each value came from, and what it noticed."""

    fields: dict[str, Value] = field(default_factory=dict)
    provenance: dict[str, Provenance] = field(default_factory=dict)
    warnings: list[Warning] = field(default_factory=list)
    # template cells not found or not readable (null plus a warning): a rule over them cannot be
    # evaluated; `unread` is the same set as the record lists it
    unreadable: set[str] = field(default_factory=set)
    template: str = "2021"
    narrative: list[Paragraph] = field(default_factory=list)


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
                 most: int = 1) -> list[list[Read]] | None:
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
        if r.kind not in ("number", "blank"):
            return []
        digits = norm(cell.text)
        atoms.append((r, digits if r.kind == "number" and digits.isdigit() and len(digits) > 1 else None))
    found: list[list[Read]] = []
    budget = [_SPLIT_BUDGET]

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


def _row_sum_holds(values: list[int | None]) -> bool:
    """Table 3: the six applicant columns add up to the row's 总计 (rule R3)."""
    return sum(v or 0 for v in values[:-1]) == (values[-1] or 0)


def _groups_hold(values: list[int | None]) -> bool:
    """Table 4: in each of the three groups 维持 + 纠正 + 其他 + 尚未审结 = 总计 (rule R4)."""
    return all(sum(v or 0 for v in values[g:g + 4]) == (values[g + 4] or 0) for g in (0, 5, 10))


class _Parser:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.out = Parsed()
        self.joined: list[str] = []  # rows whose run of digits was split by the template's arithmetic
        self.split_rows: set[int] = set()
        self.fee_tables: list[Table] = []  # small tables under section 六: the processing-fee table
        self.t3_choices: dict[str, tuple[_Row, list[list[Read]]]] = {}  # flattened rows with a few splits

    # -- plumbing ---------------------------------------------------------------------------------
    def warn(self, rule: str, severity: str, keys, message: str, where: str = "") -> None:
        self.out.warnings.append(Warning(rule, severity, tuple(keys), message, where))

    def put(self, key: str, read: Read, row_label: str, col_label: str, value: Value = None) -> None:
        """Store one cell's value with where it came from; unreadable cells become null + warning."""
        if key in self.out.fields and self.out.fields[key] is not None:
            return  # a repeated header or continued table: the first reading stands
        if read.kind == "number":
            self.out.fields[key] = read.value if value is None else value
        else:
            self.out.fields[key] = None
        if read.kind == "unreadable":
            self.out.unreadable.add(key)
            self.warn("unreadable_cell", "warning", [key],
                      f"{F.label(key)}：单元格「{read.cell.text}」无法识别为数字，按空值处理。", read.cell.where)
        self.out.provenance[key] = Provenance(read.cell.where, row_label, col_label, read.cell.text)

    def fit_joined(self, cells: list[Cell], n: int, row: _Row, valid: Callable[[list[int | None]], bool],
                   what: str) -> tuple[list[Read] | None, str | None]:
        """`fit`, and for a row of a flattened table whose numbers ran together, the one split the
        template's arithmetic allows. Returns (reads, why not) — the Chinese reason when a run had
        several possible splits, to be said instead of 'short row'."""
        reads = fit(cells, n)
        if reads is not None or not row.table.joined:
            return reads, None
        ways = split_joined(cells, n, valid, most=1)
        if ways and len(ways) == 1:
            self.joined.append(what)
            self.split_rows.add(id(row))
            return ways[0], None
        if ways is None:
            return None, ambiguous(what, cells)
        return None, None

    def solve_t3_cuts(self, pending: dict[str, tuple[_Row, list[list[Read]]]], seen: dict[str, list[Read]],
                      per_table: dict, template: str) -> None:
        """Rows of a flattened Table 3 whose runs split several ways that each add up: the one
        choice per row for which R1 and R2 then hold in every column, when there is exactly one.
        A row left with a choice is null plus a warning quoting the run."""
        keys = list(pending)
        combos = 1
        for k in keys:
            combos *= len(pending[k][1])
        solutions = []
        if combos <= 20_000:
            for choice in itertools.product(*(pending[k][1] for k in keys)):
                trial = {**seen, **dict(zip(keys, choice))}
                if not self._unconfirmed_cuts(trial, set(keys), template):
                    solutions.append(choice)
                    if len(solutions) > 1:
                        break
        for i, key in enumerate(keys):
            row = pending[key][0]
            if len(solutions) == 1:
                seen[key] = solutions[0][i]
                per_table.setdefault(id(row.table), []).append((key, solutions[0][i], row))
                self.split_rows.add(id(row))
                self.joined.append(f"表三「{F.ROWS_BY_KEY[key].label}」")
                continue
            seen[key] = []
            for col, col_label in F.APPLICANT_COLUMNS:
                self.missing(f"applications.{key}.{col}", row, col_label)
            self.warn("merged_digits", "warning", [f"applications.{key}.{c}" for c, _ in F.APPLICANT_COLUMNS],
                      ambiguous(f"表三「{F.ROWS_BY_KEY[key].label}」", row.values()), row.cells[0].where)

    def missing(self, key: str, row: _Row, col_label: str) -> None:
        if key in self.out.fields and self.out.fields[key] is not None:
            return
        self.out.fields[key] = None
        self.out.unreadable.add(key)
        where = row.cells[0].where if row.cells else ""
        self.out.provenance[key] = Provenance(where, "".join(row.labels), col_label, "")

    # -- sections ---------------------------------------------------------------------------------
    def classify(self) -> dict[str, list[_Row]]:
        """Sort every table row into Table 2, 3 or 4 by its own words, else by the section it is in."""
        kinds: dict[str, list[_Row]] = {"T2": [], "T3": [], "T4": []}
        context: str | None = None
        section: str | None = None  # the table the last section heading announced
        in_six = False  # inside section 六, where a small table is the processing-fee table
        for block in _blocks(self.doc):
            if isinstance(block, Paragraph):
                heading = narrative.heading_kind(block.text)
                if heading is not None:
                    context = section = heading or None
                    in_six = narrative.section_number(block.text) == "六"
                elif context in ("T2", "T3", "T4") and (cells := row_from_line(block.text, min_gap=1)):
                    # a row that fell outside the ruled table (the last line of a page, a row
                    # printed below the grid): its label and numbers as one line of text
                    row = _Row([Cell(t, block.where) for t in cells], Table([], block.where), 0)
                    kinds[_row_kind(row) or context].append(row)
                elif context == "T3" and len(norm(block.text)) <= 40 and CJK.search(block.text):
                    # a label line of a table printed as text (its numbers are on the next line)
                    kinds["T3"].append(_Row([Cell(block.text, block.where)], Table([], block.where), 0))
                self.out.narrative.append(block)
                continue
            if in_six and len(block.rows) <= 8:  # its 「收费通知」 must not read as a Table 3 row
                self.fee_tables.append(block)
                continue
            for i, cells in enumerate(block.rows):
                row = _Row(cells, block, i)
                # a flattened page names each table by its section heading; its rows' own words
                # mislead there (Table 4's header ends in 总计, a Table 3 row label)
                kind = (section if block.joined else None) or _row_kind(row) or context
                if kind:
                    kinds[kind].append(row)
                    context = kind
        return kinds

    def template(self, t2: list[_Row], t3: list[_Row]) -> str:
        """From the Table 2/3 headers and rows when they tell; otherwise from the year (reports for
        2019 and 2020 follow the 2019 template, 2021 on the 2021 one), saying so."""
        evidence = _template_evidence(t2, t3)
        if evidence:
            return evidence
        title = narrative.title(self.out.narrative[:6])
        period = narrative.statistics_year(self.out.narrative)
        year = title[1] if title else period[0] if period else None
        template = "2019" if year in (2019, 2020) else "2021"
        self.warn("template_from_year", "info", ["meta.template"],
                  f"表格中没有能判断模板的表头或行，按报告年度（{year} 年）采用"
                  f"{'2019 年试行格式' if template == '2019' else '2021 年格式'}读取。" if year else
                  "表格中没有能判断模板的表头或行，也未识别到年度，按 2021 年格式读取。")
        return template

    # -- Table 2 ----------------------------------------------------------------------------------
    def table2(self, rows: list[_Row], template: str) -> None:
        if not rows:
            self.warn("missing_table", "warning", [], "未找到表二「主动公开政府信息情况」，主动公开数据缺失。")
            return
        defs = F.proactive_rows(template)
        header = ""
        found: set[str] = set()
        for row in rows:
            text = norm("".join(c.text for c in row.cells))
            if "信息内容" in text or "第二十条" in text:
                header = text if "信息内容" in text else header
                continue
            label = row.label_text
            match = next((d for d in defs if any(k in label for k in d[2])), None)
            if match is None:
                continue
            key, row_label, _, cols = match
            if key in found:
                continue
            values = row.values()
            if not any(read_cell(c).kind in ("number", "unreadable", "blank") for c in values):
                continue
            found.add(key)
            # Table 2 has no sum to check a split by: only a run of zeros has one reading whatever
            # cells were left empty (「000」 is 0 | 0 | 0; 「111」 may be 1 | 空 | 11)
            reads, why = self.fit_joined(values, len(cols), row, lambda v: not any(v), f"表二「{row_label}」")
            if reads is None:
                for col, col_label, _ in cols:
                    self.missing(f"proactive.{key}.{col}", row, col_label)
                self.warn("short_row", "warning", [f"proactive.{key}.{c}" for c, _, _ in cols],
                          why or f"表二「{row_label}」一行应有 {len(cols)} 个数字，实际读到 {len(values)} 个单元格，无法对齐，相关数值按空值处理。",
                          row.cells[0].where)
                continue
            for (col, col_label, unit), read in zip(cols, reads):
                k = f"proactive.{key}.{col}"
                value = read.value
                if unit == "万元" and read.kind == "number":
                    value = self.money_wan(k, read, header)
                self.put(k, read, "".join(row.labels), col_label, value)
        expected = {d[0] for d in defs}
        lost = sorted(expected - found, key=[d[0] for d in defs].index)
        if lost and found:
            names = "、".join(next(d[1] for d in defs if d[0] == k) for k in lost)
            self.warn("missing_row", "warning", [f"proactive.{k}" for k in lost], f"表二缺少以下行：{names}。")

    def money_wan(self, key: str, read: Read, header: str) -> float | int | None:
        """A money cell in 万元: the unit printed in the cell wins, then the column header's."""
        value = read.value
        assert value is not None
        unit = read.unit
        if unit is None:
            if "万元" in header:
                unit = "万元"
            elif re.search(r"[(（]?(单位)?[:：]?元[)）]?", header) and key.endswith("fees.amount_wan"):
                unit = "元"
        if unit == "元":
            return round(value / 10000, 6)
        if unit is None and key == "proactive.procurement.amount_wan":
            self.warn("unit_unstated", "info", [key],
                      f"{F.label(key)}「{read.cell.text}」未注明单位，按万元计。", read.cell.where)
        return value

    # -- Table 3 ----------------------------------------------------------------------------------
    def table3(self, rows: list[_Row], template: str) -> None:
        if not rows:
            self.warn("missing_table", "warning", [], "未找到表三「收到和处理政府信息公开申请情况」，依申请公开数据缺失。")
            return
        starts = _aligned_starts(rows, len(F.APPLICANT_COLUMNS))
        seen: dict[str, list[Read]] = {}
        per_table: dict[int, list[tuple[str, list[Read], _Row]]] = {}
        placed, by_position, unplaced = _place_by_structure(_t3_keyed_rows(rows, template), template)
        for key, row in placed:
            if key in by_position and key not in seen:
                printed = "".join(row.labels) or "（无行标签）"
                self.warn("label_mismatch", "info", [f"applications.{key}.{c}" for c, _ in F.APPLICANT_COLUMNS],
                          f"表三「{F.ROWS_BY_KEY[key].label}」一行印作「{printed}」，按其在表中的位置和序号读取。",
                          row.cells[0].where)
            self._take_t3(key, row, starts, seen, per_table)
        for row in unplaced:
            self.warn("unplaced_row", "warning", [],
                      f"表三有一行「{''.join(row.labels) or '（无行标签）'}」无法对应到模板中的任何一行，其数字未采用。",
                      row.cells[0].where if row.cells else "")
        if not seen:
            self.warn("missing_table", "warning", [], "表三「收到和处理政府信息公开申请情况」没有读到任何一行数字，依申请公开数据缺失。")
            return
        if self.t3_choices:
            self.solve_t3_cuts(self.t3_choices, seen, per_table, template)
        split_keys = {key for entries in per_table.values() for key, _, row in entries if id(row) in self.split_rows}
        doubtful = self._unconfirmed_cuts(seen, split_keys, template) if split_keys else set()
        split = [(key, reads, row) for entries in per_table.values() for key, reads, row in entries if key in doubtful]
        if split:
            # a cell left empty vanishes from flattened text, and a wrong cut can still make one
            # row add up: cuts are kept only where a column rule over the read rows confirms them
            for entries in per_table.values():
                entries[:] = [e for e in entries if e[0] not in doubtful]
            for key, _, row in split:
                for col, col_label in F.APPLICANT_COLUMNS:
                    self.missing(f"applications.{key}.{col}", row, col_label)
            self.joined = [w for w in self.joined if not any(F.ROWS_BY_KEY[k].label in w for k in doubtful)]
            names = "、".join(F.ROWS_BY_KEY[k].label for k, _, _ in split[:3]) + ("等" if len(split) > 3 else "")
            self.warn("merged_digits", "warning", [f"applications.{k}.{c}" for k, _, _ in split for c, _ in F.APPLICANT_COLUMNS],
                      f"表三有 {len(split)} 行（{names}）的数字在文本中连写，拆分后无法由勾稽关系（R1、R2）确认"
                      "（空白单元格在文本中会消失），无法确定各列的数值，这些行按未读到处理。", split[0][2].cells[0].where)
        for entries in per_table.values():
            self._store_t3(entries, F.APPLICANT_COLUMNS, dense=_dense(entries) and not entries[0][2].table.regular)
        rows_expected = [r.key for r in F.APPLICATION_ROWS if template in r.templates]
        lost = [k for k in rows_expected if k not in seen]
        if "other" in seen and template == "2021":
            lost = [k for k in lost if k not in ("other_no_correction", "other_no_fee", "other_other")]
        if lost and seen:
            names = "、".join(F.ROWS_BY_KEY[k].label for k in lost)
            self.warn("missing_row", "warning", [f"applications.{k}.total" for k in lost], f"表三缺少以下行：{names}。")

    @staticmethod
    def _unconfirmed_cuts(seen: dict[str, list[Read]], split: set[str], template: str) -> set[str]:
        """The split rows no column rule confirms: a row whose cuts R2 (outcome rows, 总计) or R1
        (一, 二, 总计, 四) checks over read rows and finds balanced in every column is confirmed; a
        row no such rule reaches, or one in a rule that fails, is not."""
        def col(key: str, i: int) -> float:
            return float(seen[key][i].value or 0)
        outcome = list(F.outcome_rows(template)) if template == "2019" or "other" not in seen \
            else [k for k in F.outcome_rows(template) if not k.startswith("other_")] + ["other"]
        groups = {"R2": ([*outcome, "total"], lambda i: sum(col(k, i) for k in outcome) - col("total", i)),
                  "R1": (["new_received", "carried_over", "total", "carried_forward"],
                         lambda i: col("new_received", i) + col("carried_over", i) - col("total", i) - col("carried_forward", i))}
        confirmed: set[str] = set()
        refuted: set[str] = set()
        for rows, gap in groups.values():
            if not all(seen.get(k) for k in rows):
                continue  # a row of this rule was not read: it confirms nothing
            if all(abs(gap(i)) < 1e-6 for i in range(len(F.APPLICANT_COLUMNS))):
                confirmed.update(rows)
            else:
                refuted.update(rows)
        return {k for k in split if k not in confirmed or k in refuted}

    def _take_t3(self, key: str, row: _Row, starts: dict[int, int], seen: dict, per_table: dict) -> None:
        """Read the seven values of one Table 3 row: by the table's common value column where the
        text kept the grid, else by trimming the row's own cells; a row that cannot be placed is
        null plus a warning."""
        cols = F.APPLICANT_COLUMNS
        n = len(cols)
        values = row.values()
        start = starts.get(id(row.table))
        reads = None
        if start is not None and row.label_end <= start:
            window = row.cells[start:start + n]
            outside = row.cells[row.label_end:start] + row.cells[start + n:]
            if len(window) == n and not any(read_cell(c).kind == "number" for c in outside):
                reads = [read_cell(c) for c in window]
        why = None
        if reads is None:
            reads, why = self.fit_joined(values, n, row, _row_sum_holds, f"表三「{F.ROWS_BY_KEY[key].label}」")
        if reads is None and why and key not in seen and key not in self.t3_choices:
            choices = split_joined(values, n, _row_sum_holds, most=6)
            if choices:
                self.t3_choices[key] = (row, choices)  # the table's sums may choose among them
                return
        if key in seen:
            if reads is not None and [r.value for r in reads] != [r.value for r in seen[key]]:
                self.warn("duplicate_row", "warning", [f"applications.{key}.{c}" for c, _ in cols],
                          f"表三「{F.ROWS_BY_KEY[key].label}」出现了两次且数字不同，采用第一次出现的数值。",
                          row.cells[0].where)
            return
        if reads is None:
            seen[key] = []
            for col, col_label in cols:
                self.missing(f"applications.{key}.{col}", row, col_label)
            numbers = sum(read_cell(c).kind == "number" for c in values)
            self.warn("short_row", "warning", [f"applications.{key}.{c}" for c, _ in cols],
                      why or f"表三「{F.ROWS_BY_KEY[key].label}」一行应有 {n} 个数字，实际读到 {numbers} 个，无法确定各数字所属的列，该行按空值处理。",
                      row.cells[0].where)
            return
        seen[key] = reads
        per_table.setdefault(id(row.table), []).append((key, reads, row))

    def _store_t3(self, entries, cols, dense: bool) -> None:
        for key, reads, row in entries:
            numbers = sum(r.kind == "number" for r in reads)
            gap = dense and 0 < numbers < len(reads) and all(r.kind in ("number", "empty") for r in reads)
            for (col, col_label), read in zip(cols, reads):
                k = f"applications.{key}.{col}"
                self.put(k, read, "".join(row.labels), col_label)
                if gap and read.kind == "empty":
                    self.out.unreadable.add(k)
            if gap:
                lost = [c for (c, _), r in zip(cols, reads) if r.kind == "empty"]
                names = "、".join(F.COLUMN_LABELS[c] for c in lost)
                self.warn("short_row", "warning", [f"applications.{key}.{c}" for c in lost],
                          f"表三「{F.ROWS_BY_KEY[key].label}」一行只有 {numbers} 个数字（应有 {len(reads)} 个），"
                          f"「{names}」列的单元格缺失或无法识别，按空值处理。", row.cells[0].where)

    # -- Table 4 ----------------------------------------------------------------------------------
    def table4(self, rows: list[_Row]) -> None:
        keys = [f"{g}.{c}" for g, _ in F.REVIEW_GROUPS for c, _ in F.REVIEW_COLUMNS]
        labels = [f"{gl}·{cl}" for _, gl in F.REVIEW_GROUPS for _, cl in F.REVIEW_COLUMNS]
        if not rows:
            self.warn("missing_table", "warning", [], "未找到表四「行政复议、行政诉讼情况」，复议诉讼数据缺失。")
            return
        values: list[Cell] = []
        data_rows = []
        for row in rows:
            text = norm("".join(c.text for c in row.cells))
            # a flattened page prints the header and the numbers on one line, or interleaved
            # (「结果维持 0 结果纠正 1 …」): there the numbers after header words are the data
            if not row.table.joined:
                header = any(w in text for w in T4_WORDS + ("维持", "纠正", "审结", "起诉"))
                if header and not any(read_cell(c).kind == "number" for c in row.values()):
                    continue  # a header row (one followed by its numbers in the same text row is data)
                label = row.label_text
                if not header and label and not any(w in label for w in ("数量", "件数", "案件", "情况", "合计")):
                    continue  # a labelled line that landed here is not Table 4's data row
            cells = row.values()
            if any(read_cell(c).kind in ("number", "unreadable") for c in cells):
                values.extend(cells)
                data_rows.append(row)
        if not data_rows:
            self.warn("missing_table", "warning", keys, "表四没有读到任何数字。")
            return
        reads, why = self.fit_joined(values, len(keys), data_rows[0], _groups_hold, "表四")
        if reads is None:
            for k, lab in zip(keys, labels):
                self.missing(k, data_rows[0], lab)
            numbers = sum(read_cell(c).kind == "number" for c in values)
            self.warn("short_row", "warning", keys,
                      why or f"表四应有 15 个数字，实际读到 {numbers} 个，无法确定各数字所属的列，表四按空值处理。",
                      data_rows[0].cells[0].where)
            return
        for k, lab, read in zip(keys, labels, reads):
            self.put(k, read, "行政复议/行政诉讼", lab)

    # -- metadata and narrative ---------------------------------------------------------------------
    def meta(self, template: str) -> None:
        paras = self.out.narrative
        title = narrative.title(paras[:6]) or (narrative.title([Paragraph(self.doc.title_hint, "网页标题")]) if self.doc.title_hint else None)
        sig_agency, sig_date, sig_where = narrative.signature(paras)
        if sig_date is None:
            sig_date, date_where = narrative.date_below_title(paras)
        else:
            date_where = sig_where
        agency = year = None
        if title:
            agency, year, where = title
            if agency:
                self._meta("meta.agency", agency, where, "标题")
        if not agency and sig_agency:
            agency = sig_agency
            self._meta("meta.agency", sig_agency, sig_where, "落款")
        if not agency:
            self.warn("missing_meta", "warning", ["meta.agency"], "未能从标题或落款中识别发布机关名称。")
        period = narrative.statistics_year(paras)
        if year:
            self._meta("meta.year", year, title[2], "标题")
            if period and period[0] != year:
                self.warn("year_mismatch", "warning", ["meta.year"],
                          f"标题写的是 {year} 年，但统计期限写的是 {period[0]} 年，相差 {abs(year - period[0])} 年。", period[1])
        elif period:
            year = period[0]
            self._meta("meta.year", year, period[1], "统计期限")
        else:
            body = narrative.body_year(paras, sig_date)
            if body:
                year = body[0]
                self._meta("meta.year", year, body[1], "正文")
            else:
                self.warn("missing_meta", "warning", ["meta.year"], "未能识别报告的统计年度。")
        self.out.fields["meta.template"] = template
        if sig_date:
            self._meta("meta.published", sig_date, date_where, "落款日期")
        if year and template == "2019" and year >= 2021:
            self.warn("template_year", "warning", ["meta.template"],
                      f"{year} 年度报告使用了 2019 年试行格式的表格（自 2021 年度起应使用国办公开办函〔2021〕30号格式）。")

    def sections(self) -> None:
        """The template's narrative sections 一, 五 and 六 (二–四 are judged by their tables)."""
        texts = [p.text for p in self.out.narrative] + [row[0].text for t in self.doc.tables for row in t.rows if row]
        headings = [norm(t) for t in texts if len(norm(t)) <= 45]  # a heading may sit in a table cell
        for number, name, words in (("一", "总体情况", ("总体情况", "概述", "基本情况")),
                                    ("五", "存在的主要问题及改进情况", ("问题", "改进")),
                                    ("六", "其他需要报告的事项", ("其他需要报告", "其他需报告", "其他事项"))):
            if not any(w in h for h in headings for w in words):
                self.warn("missing_section", "warning", [],
                          f"未找到模板规定的第{number}部分「{name}」的标题，报告可能缺少该部分。")

    def _meta(self, key: str, value: Value, where: str, row: str) -> None:
        self.out.fields[key] = value
        self.out.provenance[key] = Provenance(where, row, "", str(value))

    def narrative_values(self) -> None:
        """Totals stated in the prose: items published (section 一) and the processing fee (section 六)."""
        body = JoinedText.of(self.out.narrative)
        total = narrative.published_total(unicodedata.normalize("NFKC", body.text))
        if total:
            items, start, sentence = total
            self._meta("proactive.published_total", items, body.where(start), "正文")
            self.out.provenance["proactive.published_total"] = Provenance(body.where(start), "正文", "", sentence)
        for table in self.fee_tables:  # 通知收费 vs 实际收取: the amount actually collected
            yuan = narrative.fee_from_table([[c.text for c in row] for row in table.rows])
            if yuan is not None:
                self.out.fields["processing_fee.yuan"] = yuan
                self.out.provenance["processing_fee.yuan"] = Provenance(table.where, "六、其他需要报告的事项", "收费表", str(yuan))
                return
        section6 = narrative.section(self.out.narrative, "六")
        for part, loose in ((JoinedText.of(section6), True), (body, False)):
            fee = narrative.processing_fee(unicodedata.normalize("NFKC", part.text), loose=loose)
            if fee:
                value, start, clause = fee
                self.out.fields["processing_fee.yuan"] = value
                self.out.provenance["processing_fee.yuan"] = Provenance(part.where(start), "六、其他需要报告的事项", "", clause)
                return


def _template_evidence(t2: list[_Row], t3: list[_Row]) -> str | None:
    """'2019' or '2021' when the tables' own words say which template they follow."""
    header = norm("".join("".join(c.text for c in r.cells) for r in t2))
    if any(w in header for w in T2019_HEADER_WORDS):
        return "2019"
    if any(w in header for w in T2021_HEADER_WORDS):
        return "2021"
    labels = [r.label_text for r in t3]
    if any(("不补正" in t or "缴纳费用" in t) for t in labels):
        return "2021"
    if any(_strip_numbering(t).startswith("其他处理") and r.values() for t, r in zip(labels, t3)):
        return "2019"
    return None


def _blocks(doc: Document) -> list[Block]:
    """The document's blocks, a paragraph that holds a flattened table split back into sections
    and rows — unless the document has a real table of that kind (the paragraph is then prose)."""
    real = {k for t in doc.tables if len(t.rows) > 1 for k in flattened.table_kinds(" ".join(c.text for r in t.rows for c in r))}
    out: list[Block] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph) and flattened.is_flattened(block) and flattened.table_kinds(block.text) - real:
            out.extend(flattened.unflatten(block))
        else:
            out.append(block)
    return out


def _row_kind(row: _Row) -> str | None:
    text = norm("".join(c.text for c in row.cells))
    if any(w in text for w in T4_WORDS):
        return "T4"
    if any(w in text for w in T3_HEADER_WORDS):
        return "T3"
    label = row.label_text
    if not label:
        return None
    if any(k in label for r in F.APPLICATION_ROWS for k in r.keywords):
        return "T3"
    if any(w in label for w in T2_WORDS):
        return "T2"
    return None


def _t3_row(row: _Row, group: str, template: str, prev_key: str) -> str | None:
    """The Table 3 row key of a row, from its last label; 「其他」 is 三(六)3 by its group or the row
    before it (other_no_fee), as the group label may sit in a merged cell the text lost."""
    labels = row.labels
    if not labels:
        return None
    last = _strip_numbering(norm(labels[-1]))
    for r in F.APPLICATION_ROWS:
        if any(k in last for k in r.keywords):
            if r.key == "other" and template == "2021" and "其他处理" not in last:
                continue
            return r.key
    if last in ("其他", "其它") and (group == "六" or prev_key in ("other_no_correction", "other_no_fee")):
        return "other" if template == "2019" else "other_other"
    joined = _strip_numbering(row.label_text)
    for r in F.APPLICATION_ROWS:
        if r.key not in ("other", "total") and any(k in joined for k in r.keywords):
            return r.key
    return None


def _t3_keyed_rows(rows: list[_Row], template: str) -> list[tuple[str | None, _Row]]:
    """(row key, row) for every Table 3 row, header rows left out; key None for a row of numbers
    whose label names no template row (damaged, a variant, or lost), in document order.

    A long label is often wrapped over two lines or two table rows around its numbers: in text
    laid out like the page (「3.补正后申请内容仍」/ numbers /「不明确」), and in a PDF or converted
    Word table whose row broke across a page (「2.其他法律行政法」|「规禁止公开」, the numbers on
    either half). Label-only lines and rows of empty cells are held back: numbers without a label
    of their own take the label lines above them, or, when those name no row, the lines that
    follow; a row of empty cells whose label names a row is that row, blank, unless the numbers on
    the next line are its own."""
    out: list[tuple[str, _Row]] = []
    taken: set[str] = set()
    group, prev_key = "", ""
    pending: list[str] = []
    orphan: tuple[_Row, str] | None = None
    held: tuple[str, _Row] | None = None  # a named row of empty cells, maybe the first half of a split row

    def take(key: str, row: _Row) -> None:
        if key not in taken:
            out.append((key, row))
            taken.add(key)

    for row in rows:
        text = norm("".join(c.text for c in row.cells))
        if any(w in text for w in T3_HEADER_WORDS):
            continue
        for label in row.labels:
            g = _GROUP.search(norm(label))
            if g:
                group = g.group(1)
        key = _t3_row(row, group, template, prev_key)
        values = row.values()
        if all(read_cell(c).kind == "empty" for c in values):
            if orphan is not None and key is not None and key not in taken and \
                    _wrapped_t3_row(orphan[1] + row.label_text, template) == key:
                take(key, orphan[0])  # the second half of a split row names the numbers above it
                orphan, pending, prev_key = None, [], key
                continue
            if values and key is not None:
                if held:
                    take(*held)
                held, pending, prev_key = (key, row), [row.label_text], key
                continue
            pending.append(row.label_text)
            prev_key = key or prev_key
            if orphan is not None:
                late = _wrapped_t3_row(orphan[1] + "".join(pending), template)
                if late and late not in taken:
                    take(late, orphan[0])
                    orphan, pending = None, []
            continue
        if key is None and held is not None:
            key, held = held[0], None
        if key is None and pending:
            key = _wrapped_t3_row("".join(pending) + row.label_text, template)
            key = None if key in taken else key
        if orphan is not None:
            out.append((None, orphan[0]))  # numbers no label named: placed by structure later
        if held:
            take(*held)
            held = None
        orphan = (row, "".join(pending) + row.label_text) if key is None else None
        pending = []
        if key is not None:
            take(key, row)
            prev_key = key
    if held:
        take(*held)
    if orphan is not None:
        out.append((None, orphan[0]))
    return out


_ORDINAL = re.compile(r"^(?:[(（]([一二三四五六七])[)）]|([一二三四])[、.．]|(\d)[、.．)）])")


def _ordinal(label: str) -> str | None:
    """The numbering a row label starts with: 「2.」→'2', 「（三）」→'三', 「四、」→'四'."""
    m = _ORDINAL.match(norm(label))
    return next((g for g in m.groups() if g), None) if m else None


def _template_ordinal(key: str) -> str:
    """The numbering the template prints for a row: the sub-row number inside a group, else the group's."""
    label = F.ROWS_BY_KEY[key].label
    if "·" in label:
        return label.split("·", 1)[1][0]
    return _ordinal(label) or ""


def _place_by_structure(entries: list[tuple[str | None, _Row]], template: str
                        ) -> tuple[list[tuple[str, _Row]], set[str], list[_Row]]:
    """Name the rows of numbers whose label names no template row by where they stand.

    The template fixes the order of Table 3's rows and the numbering inside each group. A run of
    unnamed rows between two named ones fills the template rows missing between them when the
    counts agree and every printed ordinal fits; otherwise a row is placed only where its ordinal
    fits exactly one missing row of the gap. Returns the named rows in document order, the keys
    placed by position, and the rows left unplaced (reported, never guessed)."""
    order = [r.key for r in F.APPLICATION_ROWS if template in r.templates]
    if any(k == "other" for k, _ in entries) and template == "2021":
        order = [k for k in order if not k.startswith("other_")]
        order.insert(order.index("total"), "other")
    named = {k for k, _ in entries if k is not None}
    placed: list[tuple[str, _Row]] = []
    by_position: set[str] = set()
    unplaced: list[_Row] = []
    i = 0
    while i < len(entries):
        key, row = entries[i]
        if key is not None:
            placed.append((key, row))
            i += 1
            continue
        j = i
        while j < len(entries) and entries[j][0] is None:
            j += 1
        run = [r for _, r in entries[i:j]]
        before = next((order.index(k) for k, _ in reversed(placed) if k in order), -1)
        after = next((order.index(k) for k, _ in entries[j:] if k in order), len(order))
        gap = [k for k in order[before + 1:after] if k not in named]
        ordinals = [_ordinal(r.labels[-1]) if r.labels else None for r in run]
        if len(gap) == len(run) and all(o is None or o == _template_ordinal(k) for o, k in zip(ordinals, gap)):
            pairs = list(zip(gap, run))
        else:
            pairs = []
            for o, r in zip(ordinals, run):
                fits = [k for k in gap if o is not None and _template_ordinal(k) == o]
                if len(fits) == 1:
                    pairs.append((fits[0], r))
                else:
                    unplaced.append(r)
        for k, r in pairs:
            named.add(k)
            by_position.add(k)
            placed.append((k, r))
        i = j
    return placed, by_position, unplaced


def _wrapped_t3_row(text: str, template: str) -> str | None:
    """The row whose keyword stands last in a label wrapped over several lines (the nearest line
    above the numbers belongs to them; earlier lines may hold group labels)."""
    text = _strip_numbering(text)
    best, best_end = None, -1
    for r in F.APPLICATION_ROWS:
        if template not in r.templates:
            continue
        for k in r.keywords:
            end = text.rfind(k)
            if end >= 0 and end + len(k) > best_end:
                best, best_end = r.key, end + len(k)
    return best


def _aligned_starts(rows: list[_Row], n: int) -> dict[int, int]:
    """Per irregular table, the common column where full rows' values start, if they all agree."""
    starts: dict[int, set[int]] = {}
    depths: dict[int, set[int]] = {}
    for row in rows:
        if row.table.regular or not row.labels:
            continue
        kinds = [read_cell(c).kind for c in row.cells]
        numbers = [i for i, k in enumerate(kinds) if k == "number"]
        if len(numbers) == n and numbers[-1] - numbers[0] == n - 1 and numbers[0] >= row.label_end:
            starts.setdefault(id(row.table), set()).add(numbers[0])
            depths.setdefault(id(row.table), set()).add(row.label_end)
    # rows whose labels end in different columns agreeing on one value column: the text kept the grid
    return {t: s.pop() for t, s in starts.items() if len(s) == 1 and len(depths[t]) >= 2}


def _dense(entries) -> bool:
    """A table that prints a number in (almost) every cell: an empty cell there is damage, not a blank."""
    reads = [r for _, rs, _ in entries for r in rs]
    return len(entries) >= 10 and sum(r.kind == "number" for r in reads) >= 0.9 * len(reads)


def parse_document(doc: Document) -> Parsed:
    """Every field the document shows, with provenance and the parser's own warnings."""
    p = _Parser(doc)
    kinds = p.classify()
    template = p.template(kinds["T2"], kinds["T3"])
    p.out.template = template
    p.table2(kinds["T2"], template)
    p.table3(kinds["T3"], template)
    p.table4(kinds["T4"])
    p.meta(template)
    p.narrative_values()
    if kinds["T2"] or kinds["T3"] or kinds["T4"]:
        p.sections()
    if p.joined:
        p.warn("joined_digits", "info", [],
               f"{len(p.joined)} 行的数字在文本中连写（如网页正文被压成一行），已按模板的勾稽关系（表三各类申请人之和=总计，"
               f"表四各项结果之和=总计）找到唯一的拆分方式读取；这些行的 R3、R4 因此不再单独核验。涉及：{'、'.join(p.joined[:5])}"
               + ("等" if len(p.joined) > 5 else "") + "。")
    p.out.unreadable |= _not_found(p.out.fields, template)
    return p.out


def _not_found(fields: dict[str, Value], template: str) -> set[str]:
    """Template cells no row of the document gave a value or a printed blank for. A 2021 report
    that prints 三(六) as one row (the 2019 way) has read that row, not lost its three sub-rows."""
    keys = set(F.template_keys(template)) - set(fields)
    if any(k.startswith("applications.other.") for k in fields):
        keys = {k for k in keys if not k.startswith(("applications.other_no_correction.", "applications.other_no_fee.",
                                                      "applications.other_other."))}
    return keys
