"""简报: the briefing pack of the current filters as a Word document (.docx), for oversight officials
who print it or forward it.

Contents, in order: cover lines (title, year, filters, how many agencies and reports, date, data
source); 表1 the key figures of each agency for the chosen year; 图1–图4 at print resolution (ranked
新收申请, 办理结果构成, 行政复议/行政诉讼, the 新收申请 trend of up to five agencies over every year);
every error and warning in words, errors first, with the 「无法核验」 notes counted per agency (they
are no findings); 与上年对照 (`core.briefing_years`: each agency's report beside its previous one, cell
counts, main figures, a copied section 五); what the library does not hold (years 未入库 between the
first and the last year, reports with unread cells).

Every number is taken from the frames of `core.metrics` (`wide`, `warnings_frame`) as the page
passes them, already filtered; nothing is estimated. A value from a table that does not add up in its
own report (an R1–R4 error on that table), or one a plausibility finding doubts, carries ⚠ and is named
in a note. A value the report does not give is 「—」 (or 未读到 / 空白 in a chart), never 0. A year the
library lacks is 「未入库」: the dashboard cannot know whether an agency published.

Pictures: `core.briefing_charts` (matplotlib with a CJK font from the system or from pip, no browser).
Word plumbing (fonts, styles, paragraphs, table cells): `core.briefing_docx`. 与上年对照: `core.briefing_years`.
"""
from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pandas as pd
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from core import briefing_docx as D
from core import briefing_years as BY
from core import fields as F
from core import metrics as M
from core import rows as R
from core.charts import CORRECTED_COLOUR, SEVERITY_COLOURS, SEVERITY_LABELS, SOURCE, SUSPECT, is_missing, number
from core.checks import rule_name
from core.record import CORRECTED

DEFAULT_TITLE = "政府信息公开工作年度报告对比简报"
UNREAD = M.UNREAD  # 未读到: the parser did not find or could not read the cell
BLANK = "空白"  # the report printed the cell empty (or 「/」「—」「无」)
DASH = "—"  # a missing value in a table: never 0
FLAG = "⚠"
NOT_IN_LIBRARY = M.NOT_IN_LIBRARY  # 未入库: a year the library does not hold, never "not published"

KEY_FIGURES: tuple[tuple[str, str], ...] = (
    ("applications.new_received.total", "新收申请（件）"),
    ("applications.total.total", "办结（件）"),
    ("derived.open_rate", "公开率（%）"),
    ("review.total", "行政复议（件）"),
    ("derived.litigation_total", "行政诉讼（件）"),
    ("proactive.fees.amount_wan", "行政事业性收费（万元）"),
)
SHORT = {"applications.new_received.total": "新收申请", "applications.total.total": "办结", "derived.open_rate": "公开率",
         "review.total": "行政复议", "derived.litigation_total": "行政诉讼", "proactive.fees.amount_wan": "行政事业性收费"}
NEW = "applications.new_received.total"
TOTAL = "applications.total.total"
OUTCOMES = {"applications.granted.total": "予以公开", "applications.partial.total": "部分公开",
            "derived.denied": "不予公开", "derived.unable": "无法提供", "derived.rejected": "不予处理",
            "derived.other_handling": "其他处理"}  # as on the 申请办理 page
CASES = {"review.total": "行政复议", "derived.litigation_total": "行政诉讼"}
TREND_AGENCIES = 5


# rules whose warning names cells that were not read (for frames without the `unread` column)
UNREAD_RULES = ("short_row", "unreadable_cell", "missing_row", "merged_digits")


@dataclass(frozen=True)
class BriefingScope:
    """What the pack covers, as the page chose it.

    year: the year of 表1 and 图1–图3 (None: the newest year in the frames); the trend, the findings and
        the 未入库 note cover every year of the frames.
    filters: the filters in words, e.g. 「机构名称含「住建」；模板 2021」 ('' when nothing is filtered).
    source: the data source line, e.g. 「资料库：示例报告（演示数据）」 or the library's file path.
    date: the generation date (default today).
    title: the document's title.
    """

    year: int | None = None
    filters: str = ""
    source: str = ""
    date: dt.date = field(default_factory=dt.date.today)
    title: str = DEFAULT_TITLE


# ---- reading the frames --------------------------------------------------------------------------

def _sections(keys: Iterable[str]) -> set[str]:
    return {t for k in keys for t in [R.table_of(k)] if t}


def _keys(text) -> list[str]:
    return [k for k in str(text or "").split(",") if k]


def _cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _years_text(years: list[int]) -> str:
    if not years:
        return ""
    return f"{years[0]}年" if years[0] == years[-1] else f"{years[0]}–{years[-1]}年"


class _Frames:
    """The frames of the scope, with what the pack needs to know per report: its error findings by
    table, its doubted values and the cells it could not read."""

    def __init__(self, wide: pd.DataFrame, warnings: pd.DataFrame):
        placed = wide["agency"].notna() & wide["year"].notna() if not wide.empty else pd.Series(dtype=bool)
        self.unplaced = wide[~placed] if not wide.empty else wide
        reports = wide[placed].copy() if not wide.empty else wide.copy()
        if not reports.empty:
            reports["year"] = reports["year"].astype(int)
            # one report per agency-year (the library gives the newest version; keep that if given more)
            reports = reports.sort_values("report_id").drop_duplicates(["agency", "year"], keep="last")
        self.reports = reports
        self.by_agency_year = {(r["agency"], int(r["year"])): r for _, r in reports.iterrows()}
        self.agencies = sorted(reports["agency"].unique()) if not reports.empty else []
        self.years = sorted(int(y) for y in reports["year"].unique()) if not reports.empty else []
        ids = set(wide["report_id"]) if not wide.empty else set()
        w = warnings[warnings["report_id"].isin(ids)] if not warnings.empty else warnings
        self.warnings = w
        self.unread: dict[int, set[str]] = defaultdict(set)  # cells named as not read
        self.unread_tables: dict[int, set[str]] = defaultdict(set)  # key prefixes of tables not found
        self._left_out: dict[str, dict[tuple[str, int], str]] = {}
        for rid, rule, keys, message in zip(w["report_id"], w["rule"], w["keys"], w["message"]):
            keys = _keys(keys)
            if rule in UNREAD_RULES:
                self.unread[rid].update(keys)
            elif rule == "missing_table":
                message = str(message)
                for table, prefixes in (("表二", ("proactive.",)), ("表三", ("applications.",)),
                                        ("表四", ("review.", "litigation"))):
                    if table in message:
                        self.unread_tables[rid].update(prefixes)

    def value(self, row, key: str) -> float | None:
        if row is None or key not in row.index or is_missing(row[key]):
            return None
        return float(row[key])

    def reasons(self, row, key: str) -> list[str]:
        """Why a value carries ⚠: the finding on its table or cell, as the dashboard marks it
        (`metrics.flags`), without the message's numbers (the findings list gives those)."""
        found = row.get("flags") if row is not None and hasattr(row, "get") else None
        if not isinstance(found, dict):
            return []
        return list(dict.fromkeys(found[k].split("：")[0] for k in R.inputs(key) if k in found))

    def corrections(self, row, key: str) -> list[str]:
        """How the cells behind a value were corrected by hand, each as 「cell（原读数 …，理由：…）」."""
        fixed = row.get("corrected") if row is not None and hasattr(row, "get") else None
        if not isinstance(fixed, dict):
            return []
        return [f"{F.label(k)}{fixed[k].removeprefix(CORRECTED)}" for k in R.inputs(key) if k in fixed]

    def missing_word(self, row, key: str) -> str:
        """未读到 when the record lists the cell as not read (or a warning names it or its table),
        else 空白: the report left it empty."""
        if row is None:
            return NOT_IN_LIBRARY
        rid = row["report_id"]
        cells, tables = set(self.unread.get(rid, ())), tuple(self.unread_tables.get(rid, ()))
        listed = row.get("unread")
        if isinstance(listed, (set, frozenset, list, tuple)):
            cells.update(listed)
        keys = R.inputs(key)
        return UNREAD if any(k in cells or k.startswith(tables) for k in keys) else BLANK

    def left_out(self, key: str) -> dict[tuple[str, int], str]:
        """(agency, year) → why a derived metric has no value (a table that does not add up, a doubted
        or unread cell, a zero denominator), as `metrics.left_out` says it."""
        if key not in self._left_out:
            found = M.left_out(self.reports, key)
            self._left_out[key] = {(a, int(y)): str(r) for a, y, r in zip(found["agency"], found["year"], found["reason"])}
        return self._left_out[key]

    def errors_of(self, row) -> int:
        return int(row["errors"]) if row is not None else 0  # the report's own R1–R4 errors (wide)


# ---- the sections --------------------------------------------------------------------------------

def _cover(doc, scope: BriefingScope, fr: _Frames, year: int | None) -> None:
    doc.add_paragraph(scope.title or DEFAULT_TITLE, style="Title")
    n_year = sum(1 for a in fr.agencies if (a, year) in fr.by_agency_year)
    span = _years_text(fr.years)
    year_text = f"{year}年" if year else DASH
    if year and span and span != year_text:
        year_text += f"（表1、图1–图3；趋势图、校验发现与未入库情况为 {span}）"
    lines = [
        ("年　　度", year_text),
        ("筛　　选", scope.filters or "未筛选（资料库中全部机构、全部模板）"),
        ("范　　围", f"{len(fr.agencies)} 个机构，{len(fr.reports)} 份报告" + (f"（{span}）" if span else "")
         + (f"；其中 {year}年 {n_year} 份" if year else "")),
        ("生成日期", _cn_date(scope.date)),
        ("数据来源", scope.source or SOURCE.removeprefix("数据来源：")),
    ]
    for label, value in lines:
        p = D.para(doc, space_after=1)
        D.add_run(p, label, bold=True)
        D.add_run(p, "　" + value)
    D.note(doc, "说明：本简报的数字均取自各机构年度报告的表格。「错误」指报告自身的表格不平衡（R1–R4）；"
               f"带 {FLAG} 的数值所在的表格不平衡或数值可疑；「{DASH}」「{UNREAD}」「{BLANK}」表示没有数值，不是 0；"
               f"「{NOT_IN_LIBRARY}」只表示资料库中没有该年度的报告，不表示该机构未发布年报。")


def _key_figures(doc, fr: _Frames, year: int | None) -> None:
    doc.add_heading(f"一、主要数据（{year}年）" if year else "一、主要数据", level=1)
    if not fr.agencies:
        D.para(doc, "所选范围内没有报告。")
        return
    D.para(doc, f"表1　各机构主要数据（{year}年）", align=WD_ALIGN_PARAGRAPH.CENTER, keep_with_next=True, size=10)
    heads = ["机构", *[label for _, label in KEY_FIGURES], "错误（条）"]
    widths = [3.9, 1.7, 1.7, 1.5, 1.6, 1.6, 2.6, 1.4]  # 16 cm; 收费 holds 「51,750.3449」 on one line
    table = D.table(doc, heads)
    flagged: dict[str, dict[str, list[str]]] = defaultdict(dict)  # agency → reason → columns
    corrected: dict[str, list[str]] = defaultdict(list)  # agency → 「column（how it was corrected）」
    not_computed: dict[str, list[str]] = defaultdict(list)  # derived column → 「agency（why）」
    for agency in fr.agencies:
        row = fr.by_agency_year.get((agency, year))
        cells = table.add_row().cells
        D.no_split(table.rows[-1])
        D.fill_cell(cells[0], agency, align=WD_ALIGN_PARAGRAPH.LEFT)
        if row is None:
            merged = cells[1].merge(cells[-1])
            D.fill_cell(merged, f"{year}年报告{NOT_IN_LIBRARY}", align=WD_ALIGN_PARAGRAPH.CENTER, colour="#6b7280")
            continue
        for cell, (key, _) in zip(cells[1:], KEY_FIGURES):
            value = fr.value(row, key)
            reasons = fr.reasons(row, key)
            if value is None:
                why = fr.left_out(key).get((agency, year)) if key.startswith("derived.") else None
                if why:
                    not_computed[SHORT[key]].append(f"{agency}（{why}）")
                    D.fill_cell(cell, f"{DASH}*", colour="#6b7280")
                    continue
                word = fr.missing_word(row, key)
                D.fill_cell(cell, DASH if word == BLANK else f"{DASH}（{UNREAD}）", colour="#6b7280")
                continue
            text = number(value)
            fixed = fr.corrections(row, key)
            if reasons:
                text += f" {FLAG}"
                for reason in reasons:
                    flagged[agency].setdefault(reason, []).append(SHORT[key])
            elif fixed:
                text += f" {D.CORRECTED_MARK}"
            corrected[agency] += fixed
            D.fill_cell(cell, text, colour=SUSPECT if reasons else CORRECTED_COLOUR if fixed else None)
        errors = fr.errors_of(row)
        D.fill_cell(cells[-1], str(errors), bold=errors > 0, colour=SEVERITY_COLOURS["error"] if errors else None)
    D.set_widths(table, widths)
    D.para(doc, space_after=2)
    if flagged:
        parts = ["；".join(f"{reason}：{'、'.join(cols)}" for reason, cols in reasons.items()) for reasons in flagged.values()]
        D.note(doc, f"{FLAG} 该数值所在的表格在报告中不平衡，或数值可疑（详见「三、校验发现」）："
              + "；".join(f"{agency}——{text}" for agency, text in zip(flagged, parts)) + "。")
    if corrected:
        D.note(doc, f"{D.CORRECTED_MARK} 经人工更正的数值（不是报告原文）："
              + "；".join(f"{agency}——{'、'.join(items)}" for agency, items in corrected.items()) + "。")
    for label, items in not_computed.items():
        D.note(doc, f"{DASH}* {label}未计算：" + "；".join(items) + "。")
    D.note(doc, f"「{DASH}」：报告中该格为空，或解析器未读到（标「{UNREAD}」），不是 0。"
          f"{M.METRICS['derived.open_rate'].definition}；{M.METRICS['derived.litigation_total'].definition}。"
          "办结为表三（七）总计；「错误」为该报告表格不平衡（R1–R4）的条数。")


def _flag_note(items: list[tuple[str, int, list[str]]]) -> str:
    """⚠ items under a picture: agency, year and why."""
    by = defaultdict(list)
    for agency, year, reasons in items:
        by["；".join(reasons)].append(f"{agency}（{year}年）")
    return f"{FLAG} 标记的数值所在表格不平衡或数值可疑：" + "；".join(
        f"{'、'.join(names)}——{reason}" for reason, names in by.items()) + "。"


def _corrected_note(items: list[tuple[str, int, list[str]]]) -> str:
    """✎ items under a picture: agency, year and how each value was corrected by hand."""
    if not items:
        return ""
    return f"{D.CORRECTED_MARK} 标记的数值经人工更正（不是报告原文）：" + "；".join(
        f"{agency}（{year}年）{'、'.join(notes)}" for agency, year, notes in items) + "。"


def _missing_note(words: set[str]) -> str:
    parts = []
    if UNREAD in words:
        parts.append(f"「{UNREAD}」：解析器未读到该格")
    if BLANK in words:
        parts.append(f"「{BLANK}」：报告中该格为空")
    return "；".join(parts) + "（均不是 0）。" if parts else ""


class _Charts:
    """Numbered figures: caption above, picture 16 cm wide, notes below."""

    def __init__(self, doc):
        self.doc = doc
        self.n = 0
        self.font = None
        self.unavailable = ""
        try:
            from core import briefing_charts as BC
            self.BC = BC
            self.font = BC.cjk_font()
        except ImportError as e:  # matplotlib missing: the pack still has its tables and findings
            self.BC = None
            self.unavailable = f"未安装 matplotlib（{e.name}）"
        if self.BC is not None and self.font is None:
            self.unavailable = "本机没有可用的中文字体"

    def add(self, title: str, draw, notes: list[str]) -> None:
        self.n += 1
        doc = self.doc
        caption = D.para(doc, f"图{self.n}　{title}", align=WD_ALIGN_PARAGRAPH.CENTER, keep_with_next=True,
                        space_after=2)
        caption.runs[0].bold = True
        if self.BC is None or self.font is None:
            D.note(doc, f"图未生成：{self.unavailable}。请在项目目录执行 python -m pip install -e . 后重新生成简报。")
            return
        try:
            png = draw(self.BC, self.font)
        except self.BC.MissingGlyph as e:
            D.note(doc, f"图未生成：所用字体缺少字符（{e}）。")
            return
        notes = [n for n in notes if n]
        doc.add_picture(io.BytesIO(png), width=Cm(16))
        picture = doc.paragraphs[-1]
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.paragraph_format.keep_with_next = bool(notes)  # caption, picture and notes on one page
        for i, note in enumerate(notes):
            D.note(doc, note)
            doc.paragraphs[-1].paragraph_format.keep_with_next = i < len(notes) - 1
        D.para(doc, space_after=4)


def _top(rows: list, limit: int) -> tuple[list, str]:
    if len(rows) <= limit:
        return rows, ""
    return rows[:limit], f"图中为数值最大的 {limit} 个机构（共 {len(rows)} 个），全部机构见表1。"


def _charts(doc, fr: _Frames, year: int | None) -> None:
    doc.add_heading("二、图表", level=1)
    charts = _Charts(doc)
    limit = 20  # agencies per chart: more bars would not be legible on one page
    in_year = [a for a in fr.agencies if (a, year) in fr.by_agency_year]
    if not in_year:
        D.para(doc, f"{year}年没有入库的报告，不绘制当年的图表。" if year else "所选范围内没有报告。")
    else:
        _ranked(charts, fr, year, in_year, limit)
        _outcomes(charts, fr, year, in_year, limit)
        _cases(charts, fr, year, in_year, limit)
    if fr.agencies:
        _trend(charts, fr, year)


def _tidy_values(fr: _Frames, key: str) -> dict[tuple[str, int], tuple[float, bool]]:
    t = M.series(fr.reports, key) if not fr.reports.empty else fr.reports
    if t.empty:
        return {}
    suspect = t["suspect"] if "suspect" in t else pd.Series(False, index=t.index)
    return {(a, int(y)): (float(v), bool(s)) for a, y, v, s in zip(t["agency"], t["year"], t["value"], suspect)
            if pd.notna(y)}


def _ranked(charts: _Charts, fr: _Frames, year: int, agencies: list[str], limit: int) -> None:
    values = _tidy_values(fr, NEW)
    bars, flags, fixes, words = [], [], [], set()
    for agency in agencies:
        row = fr.by_agency_year[(agency, year)]
        value = values.get((agency, year), (None, False))[0]
        reasons = fr.reasons(row, NEW)
        fixed = fr.corrections(row, NEW)
        missing = fr.missing_word(row, NEW) if value is None else ""
        if missing:
            words.add(missing)
        if reasons and value is not None:
            flags.append((agency, year, reasons))
        if fixed:
            fixes.append((agency, year, fixed))
        bars.append((agency, value, missing, bool(reasons) and value is not None, bool(fixed)))
    bars.sort(key=lambda b: (b[1] is None, -(b[1] or 0), b[0]))
    shown, cut = _top(bars, limit)
    known = [b[1] for b in bars if b[1] is not None]
    mean = M.peer_mean(pd.Series(known, dtype=float))
    count = f"{len(agencies)} 个机构"

    def draw(BC, font):
        return BC.ranked_bars([BC.Bar(*bar) for bar in shown], "本年新收申请（件）", font, mean)

    notes = [_flag_note(flags) if flags else "", _corrected_note(fixes), _missing_note(words), cut,
             f"虚线为 {len(known)} 个有数值机构的平均数。" if mean is not None and len(known) > 1 else ""]
    charts.add(f"本年新收政府信息公开申请数量：机构排名（{year}年，{count}）", draw, notes)


def _outcomes(charts: _Charts, fr: _Frames, year: int, agencies: list[str], limit: int) -> None:
    rows, flags, fixes, words = [], [], [], set()
    for agency in agencies:
        row = fr.by_agency_year[(agency, year)]
        parts = tuple(fr.value(row, k) for k in OUTCOMES)
        total = fr.value(row, TOTAL)
        reasons = fr.reasons(row, TOTAL)
        fixed = list(dict.fromkeys(n for k in (*OUTCOMES, TOTAL) for n in fr.corrections(row, k)))
        missing = fr.missing_word(row, TOTAL) if total is None and all(p is None for p in parts) else ""
        if missing:
            words.add(missing)
        if reasons and not missing:
            flags.append((agency, year, reasons))
        if fixed:
            fixes.append((agency, year, fixed))
        rows.append((agency, parts, total, missing, bool(reasons) and not missing, bool(fixed)))
    rows.sort(key=lambda r: (r[2] is None, -(r[2] or 0), r[0]))
    shown, cut = _top(rows, limit)

    def draw(BC, font):
        return BC.stacked_bars([BC.StackRow(*r) for r in shown], list(OUTCOMES.values()), font, total_label="总计")

    notes = ["各段为表三的办理结果（总计列）；不予公开、无法提供、不予处理、其他处理为各项之和；条末为报告所列（七）总计。"
             + (f"带 {FLAG} 的报告表三不平衡，各段之和可能与总计不同。" if flags else ""),
             _flag_note(flags) if flags else "", _corrected_note(fixes), _missing_note(words), cut]
    charts.add(f"办理结果构成（{year}年，件）", draw, notes)


def _cases(charts: _Charts, fr: _Frames, year: int, agencies: list[str], limit: int) -> None:
    rows, flags, fixes, words = [], [], [], set()
    for agency in agencies:
        row = fr.by_agency_year[(agency, year)]
        bars = []
        for key, label in CASES.items():
            value = fr.value(row, key)
            reasons = fr.reasons(row, key)
            fixed = fr.corrections(row, key)
            missing = fr.missing_word(row, key) if value is None else ""
            if missing:
                words.add(missing)
            if reasons and value is not None:
                flags.append((agency, year, [f"{label}：{r}" for r in reasons]))
            if fixed:
                fixes.append((agency, year, fixed))
            bars.append((value, missing, bool(reasons) and value is not None, bool(fixed)))
        rows.append((agency, bars))
    rows.sort(key=lambda r: (all(b[0] is None for b in r[1]), -sum(b[0] or 0 for b in r[1]), r[0]))
    shown, cut = _top(rows, limit)

    def draw(BC, font):
        return BC.paired_bars([BC.PairRow(a, tuple(BC.Bar(a, *bar) for bar in bars)) for a, bars in shown],
                              list(CASES.values()), font)

    notes = [f"行政复议为表四「行政复议·总计」；{M.METRICS['derived.litigation_total'].definition}。",
             _flag_note(flags) if flags else "", _corrected_note(fixes), _missing_note(words), cut]
    charts.add(f"行政复议、行政诉讼案件数（{year}年，件）", draw, notes)


def _trend(charts: _Charts, fr: _Frames, year: int | None) -> None:
    values = _tidy_values(fr, NEW)
    years = list(range(fr.years[0], fr.years[-1] + 1))

    def latest(agency: str) -> tuple[float, int]:
        known = [(y, v) for (a, y), (v, _) in values.items() if a == agency]
        return max(known)[::-1] if known else (-1.0, 0)

    def rank(agency: str):
        this_year = values.get((agency, year), (None, False))[0] if year else None
        return (this_year is None, -(this_year or 0), -latest(agency)[0], agency)

    chosen = sorted([a for a in fr.agencies if any(k[0] == a for k in values)], key=rank)[:TREND_AGENCIES]
    if not chosen:
        D.para(charts.doc, "所选机构在各年度均没有「本年新收申请」的数值，不绘制年度趋势图。")
        return
    lines, flags, fixes = [], [], []
    gaps: dict[str, list[str]] = defaultdict(list)  # agency → years not in the library
    blanks: dict[str, list[str]] = defaultdict(list)  # agency → years whose report has no value
    for agency in chosen:
        series, marks, corrected = [], [], []
        for y in years:
            row = fr.by_agency_year.get((agency, y))
            value, doubted = values.get((agency, y), (None, False))
            series.append(value)
            reasons = fr.reasons(row, NEW) if row is not None and value is not None else []
            fixed = fr.corrections(row, NEW) if row is not None else []
            marks.append(bool(reasons))
            corrected.append(bool(fixed))
            if reasons:
                flags.append((agency, y, reasons))
            if fixed:
                fixes.append((agency, y, fixed))
            if row is None:
                gaps[agency].append(str(y))
            elif value is None:
                blanks[fr.missing_word(row, NEW)].append(f"{agency}（{y}年）")
        lines.append((agency, tuple(series), tuple(marks), tuple(corrected)))
    basis = f"按 {year}年数量" if year else "按最新数量"

    def draw(BC, font):
        return BC.trend_lines([BC.Line(*line) for line in lines], years, "本年新收申请（件）", font)

    notes = [f"所示为{basis}排在前 {len(chosen)} 位的机构（共 {len(fr.agencies)} 个）。" if len(fr.agencies) > len(chosen)
             else "",
             "折线在没有数值的年度断开。" + (f"该年度报告{NOT_IN_LIBRARY}：" + "；".join(
                 f"{a}（{'、'.join(ys)}年）" for a, ys in gaps.items()) + "。" if gaps else "")
             + "".join(f"报告中该格{'未读到' if word == UNREAD else '为空'}：{'、'.join(items)}。" for word, items in blanks.items())
             if gaps or blanks else "",
             _flag_note(flags) if flags else "", _corrected_note(fixes)]
    charts.add(f"本年新收申请数量：年度趋势（{_years_text(years)}，{len(chosen)} 个机构）", draw, notes)


def _findings(doc, fr: _Frames) -> None:
    doc.add_heading("三、校验发现", level=1)
    w = fr.warnings
    if w.empty:
        D.para(doc, "所选范围内的报告没有错误或警告。")
        return
    info = w[w["severity"] == "info"]
    unverifiable = info[info["message"].astype(str).str.contains("无法核验")]
    notes = info.drop(unverifiable.index)
    found = w[w["severity"].isin(["error", "warning"])].copy()
    order = {"error": 0, "warning": 1}
    found["_o"] = found["severity"].map(order)
    found["_y"] = -found["year"].fillna(-1e9).astype(float)
    found = found.sort_values(["_o", "_y", "agency", "rule", "message"], na_position="last", kind="stable")
    counts = found["severity"].value_counts()
    years = sorted(int(y) for y in found["year"].dropna().unique())
    D.para(doc, f"{_years_text(years) or '所选范围'}共 {int(counts.get('error', 0))} 条错误、"
               f"{int(counts.get('warning', 0))} 条警告，错误在前。"
               "错误：报告自身的表格不平衡（R1–R4）；警告：数值可疑、单元格缺损、与上年不衔接或逾期发布等。"
          if len(found) else "所选范围内的报告没有错误或警告。")
    for n, (_, r) in enumerate(found.iterrows(), 1):
        p = D.styled(doc, "", D.ITEM)
        D.styled_run(p, f"{n}．【{SEVERITY_LABELS.get(r['severity'], r['severity'])}】",
                    D.ERROR_MARK if r["severity"] == "error" else D.WARNING_MARK)
        agency = r["agency"] if isinstance(r["agency"], str) and r["agency"] else "（未读到机构名称）"
        year = f"{int(r['year'])}年" if pd.notna(r["year"]) else "（年度未读到）"
        D.add_run(p, f"{agency}　{year}　{rule_name(str(r['rule']))}：", bold=True)
        D.add_run(p, str(r["message"]).strip())
        where = str(r["where"] or "").strip() if pd.notna(r["where"]) else ""
        tables = "、".join(sorted(_sections(_keys(r["keys"]))))
        place = where or tables
        D.styled_run(p, f"（读取位置：{place}；文件：{r['file']}）" if place else f"（文件：{r['file']}）", D.PLACE)
    if len(unverifiable) or len(notes):
        doc.add_heading("不计为问题的提示", level=2)
    if len(unverifiable):
        per = unverifiable.groupby("agency", sort=True)
        D.para(doc, "「无法核验」：规则涉及的单元格未读到，无法判断是否成立，不计为错误或警告。各机构条数：")
        for agency, g in per:
            years = "、".join(f"{int(y)}年" for y in sorted(g["year"].dropna().unique()))
            D.styled(doc, f"{agency}：{len(g)} 条" + (f"（{years}）" if years else ""), D.LINE)
    if len(notes):
        by_rule = notes["rule"].map(lambda r: rule_name(str(r))).value_counts()
        D.para(doc, f"另有 {len(notes)} 条说明性提示（" + "、".join(f"{name} {n} 条" for name, n in by_rule.items())
              + "），可在看板「数据校验」页查看。")


def _years(doc, fr: _Frames, year: int | None,
           sections: Callable[[list[int]], dict[int, dict[str, str]]] | None) -> None:
    """与上年对照: each agency of the year beside its latest earlier report in the frames."""
    in_year = [a for a in fr.agencies if (a, year) in fr.by_agency_year]
    pairs = []
    for agency in in_year:
        earlier = [y for (a, y) in fr.by_agency_year if a == agency and y < year]
        if earlier:
            pairs.append((agency, fr.by_agency_year[(agency, max(earlier))], fr.by_agency_year[(agency, year)]))
    ids = [int(r["report_id"]) for _, base, this in pairs for r in (base, this)]
    text = sections(ids) if sections and ids else {}
    BY.add_section(doc, "四、与上年对照", year,
                   [BY.Pair(a, base, this, text.get(int(base["report_id"]), {}), text.get(int(this["report_id"]), {}))
                    for a, base, this in pairs], len(in_year), fr.corrections)


def _not_in_library(doc, fr: _Frames) -> None:
    doc.add_heading("五、资料库未收录", level=1)
    if fr.years:
        span = list(range(fr.years[0], fr.years[-1] + 1))
        lacking = {a: [y for y in span if (a, y) not in fr.by_agency_year] for a in fr.agencies}
        lacking = {a: ys for a, ys in lacking.items() if ys}
        doc.add_heading("未入库的年度", level=2)
        if lacking:
            D.para(doc, f"{_years_text(span)}之间，以下机构有年度的报告{NOT_IN_LIBRARY}（资料库中没有该年度的报告；"
                       "不表示该机构未发布，可补充上传）：")
            for agency, ys in lacking.items():
                D.styled(doc, f"{agency}：{'、'.join(f'{y}年' for y in ys)}{NOT_IN_LIBRARY}", D.LINE)
        else:
            D.para(doc, f"所选机构在 {_years_text(span)}每年都有报告入库。")
    doc.add_heading("未读全的报告", level=2)
    comp = M.completeness_frame(fr.reports) if not fr.reports.empty else pd.DataFrame()
    partial = comp[comp["unread"] > 0] if not comp.empty else comp
    if partial.empty:
        D.para(doc, "所选范围内每份报告的表格单元格都已读到（完整度 100%）。")
    else:
        D.para(doc, "以下报告有单元格未读到（解析器未找到该行，或无法识别该格）；涉及这些单元格的勾稽规则为「无法核验」，不计为错误：")
        info = fr.reports.set_index("report_id")
        for _, c in partial.iterrows():
            r = info.loc[c["report_id"]]
            D.styled(doc, f"{r['agency']}　{int(r['year'])}年（文件：{r['file']}）：完整度 {c['完整度']}，"
                         f"{int(c['unread'])} 个单元格未读到", D.LINE)
    if len(fr.unplaced):
        names = "、".join(str(n) for n in fr.unplaced["file"].tolist()[:10])
        D.para(doc, f"另有 {len(fr.unplaced)} 份报告未读到机构名称或年度，未列入本简报：{names}"
                   + ("等" if len(fr.unplaced) > 10 else "") + "。")


def build_briefing(wide: pd.DataFrame, warnings: pd.DataFrame, scope: BriefingScope,
                   sections: Callable[[list[int]], dict[int, dict[str, str]]] | None = None) -> bytes:
    """The briefing pack (.docx bytes) of the reports in the frames.

    wide, warnings: `metrics.wide` and `metrics.warnings_frame` of the current
    reports, filtered to the page's agencies and template but NOT to a year (the trend and the
    未入库 note need every year). `scope` says which year the key figures and charts are for and how
    to describe the filters and the source. `sections(report ids)`: the reports' prose by section
    (`Library.sections`), for 与上年对照's section 五; without it the prose is not compared.
    """
    fr = _Frames(wide, warnings)
    year = scope.year if scope.year is not None else (fr.years[-1] if fr.years else None)
    doc = Document()
    D.prepare(doc, scope.title or DEFAULT_TITLE)
    _cover(doc, scope, fr, year)
    _key_figures(doc, fr, year)
    if fr.agencies:
        _charts(doc, fr, year)
        _findings(doc, fr)
        _years(doc, fr, year, sections)
        _not_in_library(doc, fr)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
