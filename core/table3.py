"""Table 3 (收到和处理政府信息公开申请情况): its 25 rows × 7 columns into the record.

A row is named by the words of its label (「新收」「予以公开」「不掌握」…); where a label is damaged,
a variant or missing, by where it stands — the template fixes the order of the rows, their
numbering inside each group and their seven values. Labels wrapped over two lines or split by a
page break are joined back. Values are aligned by the table's common value column or by the row's
own cells; in a flattened table a run of digits is cut by the row sum (R3), and where that leaves a
few ways, by the column sums (R1, R2) of the whole table. What cannot be placed or read is null
plus a warning: nothing is guessed.
"""
from __future__ import annotations

import itertools
import re

from core import fields as F
from core.narrative import norm
from core.parsed import Parsed
from core.values import (Read, TableRow, ambiguous, cut_is_sure, fit_joined, read_cell, row_sum_holds, split_joined,
                         strip_numbering)

_GROUP = re.compile(r"[(（]([一二三四五六七])[)）]")
HEADER_WORDS = ("申请人情况", "自然人", "商业企业", "科研机构", "法律服务机构", "勾稽", "法人或其他组织")


class Table3:
    """Reads Table 3's rows into `out` for one template."""

    def __init__(self, out: Parsed, template: str) -> None:
        self.out = out
        self.template = template
        self.split_rows: set[int] = set()  # rows whose cut must be confirmed by the column sums
        self.choices: dict[str, tuple[TableRow, list[list[Read]]]] = {}  # flattened rows with a few cuts

    def read(self, rows: list[TableRow]) -> None:
        """Every Table 3 row of the document into the record."""
        template = self.template
        if not rows:
            self.out.warn("missing_table", "warning", [], "未找到表三「收到和处理政府信息公开申请情况」，依申请公开数据缺失。")
            return
        starts = _aligned_starts(rows, len(F.APPLICANT_COLUMNS))
        seen: dict[str, list[Read]] = {}
        per_table: dict[int, list[tuple[str, list[Read], TableRow]]] = {}
        placed, by_position, unplaced = _place_by_structure(_t3_keyed_rows(rows, template), template)
        for key, row in placed:
            if key in by_position and key not in seen:
                printed = "".join(row.labels) or "（无行标签）"
                self.out.warn("label_mismatch", "info", [f"applications.{key}.{c}" for c, _ in F.APPLICANT_COLUMNS],
                          f"表三「{F.ROWS_BY_KEY[key].label}」一行印作「{printed}」，按其在表中的位置和序号读取。",
                          row.cells[0].where)
            self._take(key, row, starts, seen, per_table)
        for row in unplaced:
            self.out.warn("unplaced_row", "warning", [],
                      f"表三有一行「{''.join(row.labels) or '（无行标签）'}」无法对应到模板中的任何一行，其数字未采用。",
                      row.cells[0].where if row.cells else "")
        if not seen:
            self.out.warn("missing_table", "warning", [], "表三「收到和处理政府信息公开申请情况」没有读到任何一行数字，依申请公开数据缺失。")
            return
        if self.choices:
            self._solve_cuts(self.choices, seen, per_table, template)
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
                    self.out.missing(f"applications.{key}.{col}", row, col_label)
            self.out.joined = [w for w in self.out.joined if not any(F.ROWS_BY_KEY[k].label in w for k in doubtful)]
            names = "、".join(F.ROWS_BY_KEY[k].label for k, _, _ in split[:3]) + ("等" if len(split) > 3 else "")
            self.out.warn("merged_digits", "warning", [f"applications.{k}.{c}" for k, _, _ in split for c, _ in F.APPLICANT_COLUMNS],
                      f"表三有 {len(split)} 行（{names}）的数字在文本中连写，拆分后无法由勾稽关系（R1、R2）确认"
                      "（空白单元格在文本中会消失），无法确定各列的数值，这些行按未读到处理。", split[0][2].cells[0].where)
        for entries in per_table.values():
            self._store(entries, F.APPLICANT_COLUMNS, dense=_dense(entries) and not entries[0][2].table.regular)
        rows_expected = [r.key for r in F.APPLICATION_ROWS if template in r.templates]
        lost = [k for k in rows_expected if k not in seen]
        if "other" in seen and template == "2021":
            lost = [k for k in lost if k not in ("other_no_correction", "other_no_fee", "other_other")]
        if lost and seen:
            names = "、".join(F.ROWS_BY_KEY[k].label for k in lost)
            self.out.warn("missing_row", "warning", [f"applications.{k}.total" for k in lost], f"表三缺少以下行：{names}。")

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

    def _take(self, key: str, row: TableRow, starts: dict[int, int], seen: dict, per_table: dict) -> None:
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
            what = f"表三「{F.ROWS_BY_KEY[key].label}」"
            reads, why, split = fit_joined(values, n, row, row_sum_holds, what)
            if split:
                self.out.joined.append(what)
                if not cut_is_sure(values, n, row_sum_holds):
                    self.split_rows.add(id(row))  # to be confirmed by the column sums
        if reads is None and why and key not in seen and key not in self.choices:
            choices = split_joined(values, n, row_sum_holds, most=6)
            if choices:
                self.choices[key] = (row, choices)  # the table's sums may choose among them
                return
        if key in seen:
            if reads is not None and [r.value for r in reads] != [r.value for r in seen[key]]:
                self.out.warn("duplicate_row", "warning", [f"applications.{key}.{c}" for c, _ in cols],
                          f"表三「{F.ROWS_BY_KEY[key].label}」出现了两次且数字不同，采用第一次出现的数值。",
                          row.cells[0].where)
            return
        if reads is None:
            seen[key] = []
            for col, col_label in cols:
                self.out.missing(f"applications.{key}.{col}", row, col_label)
            numbers = sum(read_cell(c).kind == "number" for c in values)
            self.out.warn("short_row", "warning", [f"applications.{key}.{c}" for c, _ in cols],
                      why or f"表三「{F.ROWS_BY_KEY[key].label}」一行应有 {n} 个数字，实际读到 {numbers} 个，无法确定各数字所属的列，该行按空值处理。",
                      row.cells[0].where)
            return
        seen[key] = reads
        per_table.setdefault(id(row.table), []).append((key, reads, row))

    def _store(self, entries, cols, dense: bool) -> None:
        for key, reads, row in entries:
            numbers = sum(r.kind == "number" for r in reads)
            gap = dense and 0 < numbers < len(reads) and all(r.kind in ("number", "empty") for r in reads)
            for (col, col_label), read in zip(cols, reads):
                k = f"applications.{key}.{col}"
                self.out.put(k, read, "".join(row.labels), col_label)
                if gap and read.kind == "empty":
                    self.out.unreadable.add(k)
            if gap:
                lost = [c for (c, _), r in zip(cols, reads) if r.kind == "empty"]
                names = "、".join(F.COLUMN_LABELS[c] for c in lost)
                self.out.warn("short_row", "warning", [f"applications.{key}.{c}" for c in lost],
                          f"表三「{F.ROWS_BY_KEY[key].label}」一行只有 {numbers} 个数字（应有 {len(reads)} 个），"
                          f"「{names}」列的单元格缺失或无法识别，按空值处理。", row.cells[0].where)

    def _solve_cuts(self, pending: dict[str, tuple[TableRow, list[list[Read]]]], seen: dict[str, list[Read]],
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
                self.out.joined.append(f"表三「{F.ROWS_BY_KEY[key].label}」")
                continue
            seen[key] = []
            for col, col_label in F.APPLICANT_COLUMNS:
                self.out.missing(f"applications.{key}.{col}", row, col_label)
            self.out.warn("merged_digits", "warning", [f"applications.{key}.{c}" for c, _ in F.APPLICANT_COLUMNS],
                      ambiguous(f"表三「{F.ROWS_BY_KEY[key].label}」", row.values()), row.cells[0].where)


def _t3_row(row: TableRow, group: str, template: str, prev_key: str) -> str | None:
    """The Table 3 row key of a row, from its last label; 「其他」 is 三(六)3 by its group or the row
    before it (other_no_fee), as the group label may sit in a merged cell the text lost."""
    labels = row.labels
    if not labels:
        return None
    last = strip_numbering(norm(labels[-1]))
    for r in F.APPLICATION_ROWS:
        if any(k in last for k in r.keywords):
            if r.key == "other" and template == "2021" and "其他处理" not in last:
                continue
            return r.key
    if last in ("其他", "其它") and (group == "六" or prev_key in ("other_no_correction", "other_no_fee")):
        return "other" if template == "2019" else "other_other"
    joined = strip_numbering(row.label_text)
    for r in F.APPLICATION_ROWS:
        if r.key not in ("other", "total") and any(k in joined for k in r.keywords):
            return r.key
    return None


def _t3_keyed_rows(rows: list[TableRow], template: str) -> list[tuple[str | None, TableRow]]:
    """(row key, row) for every Table 3 row, header rows left out; key None for a row of numbers
    whose label names no template row (damaged, a variant, or lost), in document order.

    A long label is often wrapped over two lines or two table rows around its numbers: in text
    laid out like the page (「3.补正后申请内容仍」/ numbers /「不明确」), and in a PDF or converted
    Word table whose row broke across a page (「2.其他法律行政法」|「规禁止公开」, the numbers on
    either half). Label-only lines and rows of empty cells are held back: numbers without a label
    of their own take the label lines above them, or, when those name no row, the lines that
    follow; a row of empty cells whose label names a row is that row, blank, unless the numbers on
    the next line are its own."""
    out: list[tuple[str, TableRow]] = []
    taken: set[str] = set()
    group, prev_key = "", ""
    pending: list[str] = []
    orphan: tuple[TableRow, str] | None = None
    held: tuple[str, TableRow] | None = None  # a named row of empty cells, maybe the first half of a split row

    def take(key: str, row: TableRow) -> None:
        if key not in taken:
            out.append((key, row))
            taken.add(key)

    for row in rows:
        text = norm("".join(c.text for c in row.cells))
        if any(w in text for w in HEADER_WORDS):
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


def _place_by_structure(entries: list[tuple[str | None, TableRow]], template: str
                        ) -> tuple[list[tuple[str, TableRow]], set[str], list[TableRow]]:
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
    placed: list[tuple[str, TableRow]] = []
    by_position: set[str] = set()
    unplaced: list[TableRow] = []
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
    text = strip_numbering(text)
    best, best_end = None, -1
    for r in F.APPLICATION_ROWS:
        if template not in r.templates:
            continue
        for k in r.keywords:
            end = text.rfind(k)
            if end >= 0 and end + len(k) > best_end:
                best, best_end = r.key, end + len(k)
    return best


def _aligned_starts(rows: list[TableRow], n: int) -> dict[int, int]:
    """Per irregular table, the common column where full rows' values start, if they all agree."""
    starts: dict[int, set[int]] = {}
    depths: dict[int, set[int]] = {}
    for row in rows:
        if row.table.regular or not row.labels:
            continue
        kinds = [r.kind for r in row.reads]
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
