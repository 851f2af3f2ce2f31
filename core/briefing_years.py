"""The briefing pack's 与上年对照: each agency's report of the pack's year beside its latest earlier report
in the library, as 年度对照 shows it — how many cells rose, fell, stayed, were filled in or left empty
(cells either year could not read are not compared), the main figures before → now, and how much of
section 五 「存在的主要问题及改进情况」 is last year's text. Reports that look copied from last year (every
comparable cell the same, or section 五 mostly the same words) are named. A pack of a few agencies also
lists every changed cell.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
from docx.enum.text import WD_ALIGN_PARAGRAPH

from core import briefing_docx as D
from core import compare_years as Y
from core import fields as F
from core.charts import CORRECTED_COLOUR, SEVERITY_COLOURS, number
from core.record import CORRECTED

FIGURES = (("applications.new_received.total", "新收申请"), ("applications.total.total", "办结"),
           ("review.total", "行政复议"), ("derived.litigation_total", "行政诉讼"))
DETAILED_AGENCIES = 3  # a pack of this many agencies or fewer lists every changed cell
MAX_CELLS_LISTED = 80  # per agency: Tables 2–4 have 200 cells; a changed year rarely moves more
CHANGED = ("up", "down", "filled", "emptied")


@dataclass(frozen=True)
class Pair:
    """One agency's report of the pack's year and its latest earlier one (rows of `metrics.wide`), with
    their sections' prose (`Report.sections`)."""

    agency: str
    base: pd.Series
    this: pd.Series
    base_text: dict[str, str]
    this_text: dict[str, str]


@dataclass(frozen=True)
class _Compared:
    pair: Pair
    counts: dict[str, int]
    changes: pd.DataFrame
    section_five: float | None  # share of this year's section 五 already in last year's

    @property
    def all_same(self) -> bool:
        c = self.counts
        compared = c["up"] + c["down"] + c["same"]
        return bool(compared) and c["same"] == compared and not c["filled"] + c["emptied"]

    @property
    def copied_five(self) -> bool:
        return self.section_five is not None and self.section_five >= Y.COPIED


def _compare(pair: Pair) -> _Compared:
    changes = Y.cell_changes(pair.base, pair.this)
    five = Y.similarity(pair.base_text.get("五", ""), pair.this_text["五"]) if pair.this_text.get("五") else None
    return _Compared(pair, Y.summary(changes), changes, five)


def add_section(doc, heading: str, year: int | None, pairs: Sequence[Pair], in_year: int,
                corrections: Callable[[pd.Series, str], list[str]]) -> None:
    """The section under `heading`. `in_year`: how many agencies of the pack have a report of `year`;
    `corrections(row, key)`: how a value of a row was corrected by hand, as the pack words it."""
    doc.add_heading(heading, level=1)
    if year is None or not pairs:
        D.para(doc, f"所选机构在资料库中没有{year}年之前的报告，无法与上年对照。" if year else "所选范围内没有报告。")
        return
    compared = [_compare(p) for p in pairs]
    D.para(doc, f"{year}年有报告的 {in_year} 个机构中，{len(pairs)} 个在资料库中还有更早年度的报告，与其中最近的一年逐格比较"
                "表二至表四（有一年未读到的格不作比较，只有一年的模板才有的格不比较）。第五部分相同文字：本年「存在的主要问题及改进情况」"
                "的文字（每三个连续的字为一段）有多少也出现在对照年度的同一部分中。")
    _counts_table(doc, compared, year)
    _copied(doc, compared)
    _figures_table(doc, compared, year, corrections)
    if len(pairs) <= DETAILED_AGENCIES:
        for c in compared:
            _cells(doc, c)


def _counts_table(doc, compared: list[_Compared], year: int) -> None:
    D.para(doc, f"表2　各机构{year}年报告与上年逐格比较（格）", align=WD_ALIGN_PARAGRAPH.CENTER, keep_with_next=True, size=10)
    heads = ["机构", "对照年度", "增加", "减少", "未变", "新填报", "改为空白", "未比较（未读到）", "第五部分相同文字"]
    table = D.table(doc, heads)
    for c in compared:
        cells = table.add_row().cells
        D.no_split(table.rows[-1])
        base_year = int(c.pair.base["year"])
        D.fill_cell(cells[0], c.pair.agency, align=WD_ALIGN_PARAGRAPH.LEFT)
        gap = "" if base_year == year - 1 else f"{year - 1}年" if base_year == year - 2 else f"{base_year + 1}–{year - 1}年"
        D.fill_cell(cells[1], f"{base_year}年" + (f"（{gap}未入库）" if gap else ""), align=WD_ALIGN_PARAGRAPH.LEFT)
        for cell, kind in zip(cells[2:8], ("up", "down", "same", "filled", "emptied", "unread")):
            D.fill_cell(cell, str(c.counts[kind]), bold=kind == "same" and c.all_same,
                        colour=D.WARNING_COLOUR if kind == "same" and c.all_same else None)
        five = "—" if c.section_five is None else f"{c.section_five:.0%}"
        D.fill_cell(cells[8], five, bold=c.copied_five, colour=D.WARNING_COLOUR if c.copied_five else None)
    D.set_widths(table, [3.2, 2.6, 1.1, 1.1, 1.1, 1.3, 1.5, 1.9, 2.1])
    D.para(doc, space_after=2)


def _copied(doc, compared: list[_Compared]) -> None:
    same = [c for c in compared if c.all_same]
    five = [c for c in compared if c.copied_five]
    if same:
        _flag(doc, "可比较的格与对照年度完全相同（请核实是否照搬上年）：" + "；".join(
            f"{c.pair.agency}（{c.counts['same']} 格）" for c in same) + "。")
    if five:
        _flag(doc, f"第五部分「存在的主要问题及改进情况」与对照年度相同的文字达 {Y.COPIED:.0%} 以上（请核实是否照搬上年）："
              + "；".join(f"{c.pair.agency}（约 {c.section_five:.0%}）" for c in five) + "。")
    if not same and not five:
        D.note(doc, "没有机构的表格数字与对照年度完全相同，也没有机构的第五部分与对照年度高度相似。")


def _flag(doc, text: str) -> None:
    """A sign of a copied report, marked as the findings' warnings are."""
    p = D.styled(doc, "", D.ITEM)
    D.styled_run(p, "【照搬迹象】", D.WARNING_MARK)
    D.add_run(p, text)


def _figures_table(doc, compared: list[_Compared], year: int, corrections: Callable[[pd.Series, str], list[str]]) -> None:
    D.para(doc, f"表3　主要数据与上年比较（件；对照年度 → {year}年）", align=WD_ALIGN_PARAGRAPH.CENTER, keep_with_next=True,
           size=10)
    table = D.table(doc, ["机构", *[label for _, label in FIGURES]])
    fixed: list[str] = []
    for c in compared:
        cells = table.add_row().cells
        D.no_split(table.rows[-1])
        D.fill_cell(cells[0], c.pair.agency, align=WD_ALIGN_PARAGRAPH.LEFT)
        for cell, (key, _) in zip(cells[1:], FIGURES):
            before, now = _value(c.pair.base, key), _value(c.pair.this, key)
            text = f"{_shown(before)} → {_shown(now)}"
            if before is not None and now is not None and now != before:
                text += f"（{'+' if now > before else ''}{number(now - before)}）"
            notes = [f"{c.pair.agency}（{int(row['year'])}年）{'、'.join(found)}"
                     for row in (c.pair.base, c.pair.this) if (found := corrections(row, key))]
            if notes:
                text += f" {D.CORRECTED_MARK}"
                fixed += notes
            D.fill_cell(cell, text, colour=CORRECTED_COLOUR if notes else None)
    D.set_widths(table, [4.0, 3.0, 3.0, 3.0, 3.0])
    D.para(doc, space_after=2)
    D.note(doc, "「—」：报告中该格为空或未读到，不是 0；括号内为增减。行政诉讼为表四两类诉讼的总计之和。")
    if fixed:
        D.note(doc, f"{D.CORRECTED_MARK} 经人工更正的数值（不是报告原文）：" + "；".join(dict.fromkeys(fixed)) + "。")


def _value(row: pd.Series, key: str) -> float | None:
    v = row.get(key)
    return None if v is None or v != v else float(v)


def _shown(v: float | None) -> str:
    return "—" if v is None else number(v)


def _cells(doc, c: _Compared) -> None:
    """Every changed cell of one agency, table by table."""
    base_year, this_year = int(c.pair.base["year"]), int(c.pair.this["year"])
    doc.add_heading(f"{c.pair.agency}：{base_year}年 → {this_year}年有变化的格", level=2)
    changed = c.changes[c.changes["kind"].isin(CHANGED)]
    if changed.empty:
        D.para(doc, "没有数值变化的格。" + ("可比较的格与对照年度完全相同。" if c.all_same else ""))
        return
    table = D.table(doc, ["表", "项目", f"{base_year}年", f"{this_year}年", "变化"])
    fixed = {year: _corrected_cells(row) for year, row in ((base_year, c.pair.base), (this_year, c.pair.this))}
    for _, r in changed.head(MAX_CELLS_LISTED).iterrows():
        cells = table.add_row().cells
        D.no_split(table.rows[-1])
        change = "" if r["change"] is None or pd.isna(r["change"]) else f"{'+' if r['change'] > 0 else ''}{number(r['change'])}"
        colour = {"up": "#166534", "down": SEVERITY_COLOURS["error"]}.get(r["kind"])
        D.fill_cell(cells[0], r["table"] or "", align=WD_ALIGN_PARAGRAPH.LEFT, size=8.5)
        D.fill_cell(cells[1], r["item"], align=WD_ALIGN_PARAGRAPH.LEFT, size=8.5)
        for cell, year, text in ((cells[2], base_year, r["before"]), (cells[3], this_year, r["now"])):
            mark = r["key"] in fixed[year]
            D.fill_cell(cell, f"{text} {D.CORRECTED_MARK}" if mark else text, colour=CORRECTED_COLOUR if mark else None, size=8.5)
        D.fill_cell(cells[4], change or Y.CHANGE_WORDS[r["kind"]], colour=colour, size=8.5)
    D.set_widths(table, [1.4, 8.2, 2.0, 2.0, 2.4])
    if len(changed) > MAX_CELLS_LISTED:
        D.note(doc, f"另有 {len(changed) - MAX_CELLS_LISTED} 个有变化的格未列出，见看板「年度对照」页。")
    listed = set(changed.head(MAX_CELLS_LISTED)["key"])
    notes = [f"{year}年{F.label(k)}{note.removeprefix(CORRECTED)}" for year, cells in fixed.items()
             for k, note in cells.items() if k in listed]
    if notes:
        D.note(doc, f"{D.CORRECTED_MARK} 经人工更正的数值（不是报告原文）：" + "；".join(notes) + "。")


def _corrected_cells(row: pd.Series) -> dict[str, str]:
    """The cells of a wide row an official corrected by hand, with how (`core.rows.corrected`)."""
    fixed = row.get("corrected")
    return dict(fixed) if isinstance(fixed, dict) else {}
