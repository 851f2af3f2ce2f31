"""Document → field values: the sections, the three tables, metadata, both templates.

The parser sorts every table row into Table 2, 3 or 4 by its own words or the section it sits in,
decides the template from the tables' headers (or the year), and reads each table by the
template's row labels: Table 2 here, Table 3 in `core.table3`, Table 4 as its fifteen values in
order. Title, signature and totals stated in sentences come from `core.narrative`. A cell that
cannot be placed or read is null plus a warning: the parser reports what is printed, it never
repairs.
"""
from __future__ import annotations

import re
import unicodedata
from functools import cached_property

from core import fields as F
from core import flattened, narrative
from core import table3 as T3
from core.grid import Block, Cell, Document, JoinedText, Paragraph, Table
from core.narrative import CJK, norm
from core.parsed import Parsed
from core.readers.text import row_from_line
from core.record import Provenance, Value
from core.values import Read, TableRow, ambiguous, cut_is_sure, fit_joined, groups_hold, read_cell, strip_numbering

T4_WORDS = ("行政复议", "行政诉讼", "结果维持", "未经复议", "复议后起诉", "尚未审结")
T2_WORDS = ("第二十条", "信息内容", "规章", "规范性文件", "行政许可", "对外管理服务", "行政处罚", "行政强制",
            "事业性收费", "集中采购")
T2019_HEADER_WORDS = ("新制作", "新公开", "对外公开总数", "上一年项目", "增/减", "增减", "采购项目", "采购总金额")
T2021_HEADER_WORDS = ("制发件数", "废止件数", "现行有效", "本年处理决定数量", "本年收费金额")


class _Parser:
    """One document's reading: sorts its rows into the tables and reads Tables 2 and 4 and the prose."""

    def __init__(self, doc: Document, year: int | None = None) -> None:
        self.doc = doc
        self.year = year  # the year as an official corrected it, if one did
        self.out = Parsed()
        self.fee_tables: list[Table] = []  # small tables under section 六: the processing-fee table
        self.template_known = True  # False when neither the tables nor the year tell the template

    # -- plumbing ---------------------------------------------------------------------------------
    def classify(self) -> dict[str, list[TableRow]]:
        """Sort every table row into Table 2, 3 or 4 by its own words, else by the section it is in."""
        kinds: dict[str, list[TableRow]] = {"T2": [], "T3": [], "T4": []}
        context: str | None = None
        section: str | None = None  # the table the last section heading announced
        in_six = False  # inside section 六, where a small table is the processing-fee table
        for block in _blocks(self.doc):
            if isinstance(block, Paragraph):
                heading = narrative.heading_kind(block.text)
                if heading is not None:
                    context = section = heading or None
                    in_six = narrative.section_number(block.text) == "六"
                elif context in ("T2", "T3", "T4") and (row := _line_row(block)):
                    # a row that fell outside the ruled table (the last line of a page, a row
                    # printed below the grid): its label and numbers as one line of text
                    kinds[_row_kind(row) or context].append(row)
                elif context == "T3" and len(norm(block.text)) <= 40 and CJK.search(block.text):
                    # a label line of a table printed as text (its numbers are on the next line)
                    kinds["T3"].append(TableRow([Cell(block.text, block.where)], Table([], block.where), 0))
                self.out.narrative.append(block)
                continue
            if in_six and _fee_table(block):  # its 「收费通知」 must not read as a Table 3 row
                self.fee_tables.append(block)
                continue
            for i, cells in enumerate(block.rows):
                row = TableRow(cells, block, i)
                # a flattened page names each table by its section heading; its rows' own words
                # mislead there (Table 4's header ends in 总计, a Table 3 row label)
                kind = (section if block.joined else None) or _row_kind(row) or context
                if kind:
                    kinds[kind].append(row)
                    context = kind
        return kinds

    def template(self, t2: list[TableRow], t3: list[TableRow]) -> str:
        """From the Table 2/3 headers and rows when they tell; otherwise from the year (reports for
        2019 and 2020 follow the 2019 template, 2021 on the 2021 one), saying so."""
        evidence = _template_evidence(t2, t3)
        if evidence:
            return evidence
        title, period, signed = self._title, self._period, self._signature[1]
        # a report is signed early in the year after the one it covers
        year = self.year or (title[1] if title else period[0] if period else
                             int(signed[:4]) - 1 if signed else None)
        if year is None:
            self.template_known = False
            self.out.warn("template_from_year", "info", ["meta.template"],
                          "表格中没有能判断模板的表头或行，也未识别到年度，无法确定模板（按 2021 年格式读取现有的行）。")
            return "2021"
        template = "2019" if year in (2019, 2020) else "2021"
        self.out.warn("template_from_year", "info", ["meta.template"],
                      f"表格中没有能判断模板的表头或行，按报告年度（{year} 年）采用"
                      f"{'2019 年试行格式' if template == '2019' else '2021 年格式'}读取。")
        return template

    # -- title, signature and statistics period: read once, used for the template and the metadata
    @cached_property
    def _title(self):
        paras = self.out.narrative[:6]
        hint = [Paragraph(self.doc.title_hint, "网页标题")] if self.doc.title_hint else []
        return narrative.title(paras) or (narrative.title(hint) if hint else None)

    @cached_property
    def _signature(self):
        return narrative.signature(self.out.narrative)

    @cached_property
    def _period(self):
        return narrative.statistics_year(self.out.narrative)

    # -- Table 2 ----------------------------------------------------------------------------------
    def table2(self, rows: list[TableRow], template: str) -> None:
        if not rows:
            self.out.warn("missing_table", "warning", [], "未找到表二「主动公开政府信息情况」，主动公开数据缺失。")
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
            # Table 2 has no sum to check a cut by: a run is read only when it has one cut and no
            # shorter reading with a cell left empty (「005」 is 0 | 0 | 5; 「111」 may be 1 | 空 | 11)
            reads, why, split = fit_joined(values, len(cols), row, lambda v: True, f"表二「{row_label}」")
            if split and not cut_is_sure(values, len(cols), lambda v: True):
                reads, why = None, ambiguous(f"表二「{row_label}」", values)
            if split and reads is not None:
                self.out.joined.append(f"表二「{row_label}」")
            if reads is None:
                for col, col_label, _ in cols:
                    self.out.missing(f"proactive.{key}.{col}", row, col_label)
                self.out.warn("short_row", "warning", [f"proactive.{key}.{c}" for c, _, _ in cols],
                          why or f"表二「{row_label}」一行应有 {len(cols)} 个数字，实际读到 {len(values)} 个单元格，无法对齐，相关数值按空值处理。",
                          row.cells[0].where)
                continue
            for (col, col_label, unit), read in zip(cols, reads):
                k = f"proactive.{key}.{col}"
                value = read.value
                if unit == "万元" and read.kind == "number":
                    value = self.money_wan(k, read, header)
                self.out.put(k, read, "".join(row.labels), col_label, value)
        expected = {d[0] for d in defs}
        lost = sorted(expected - found, key=[d[0] for d in defs].index)
        if lost and found:
            names = "、".join(next(d[1] for d in defs if d[0] == k) for k in lost)
            self.out.warn("missing_row", "warning", [f"proactive.{k}" for k in lost], f"表二缺少以下行：{names}。")

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
            self.out.warn("unit_unstated", "info", [key],
                      f"{F.label(key)}「{read.cell.text}」未注明单位，按万元计。", read.cell.where)
        return value

    # -- Table 4 ----------------------------------------------------------------------------------
    def table4(self, rows: list[TableRow]) -> None:
        keys = [f"{g}.{c}" for g, _ in F.REVIEW_GROUPS for c, _ in F.REVIEW_COLUMNS]
        labels = [f"{gl}·{cl}" for _, gl in F.REVIEW_GROUPS for _, cl in F.REVIEW_COLUMNS]
        if not rows:
            self.out.warn("missing_table", "warning", [], "未找到表四「行政复议、行政诉讼情况」，复议诉讼数据缺失。")
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
            self.out.warn("missing_table", "warning", keys, "表四没有读到任何数字。")
            return
        reads, why, split = fit_joined(values, len(keys), data_rows[0], groups_hold, "表四")
        if split:  # three group sums confirm a cut; a cut with an empty cell gone is rare here
            self.out.joined.append("表四")
        if reads is None:
            for k, lab in zip(keys, labels):
                self.out.missing(k, data_rows[0], lab)
            numbers = sum(read_cell(c).kind == "number" for c in values)
            self.out.warn("short_row", "warning", keys,
                      why or f"表四应有 15 个数字，实际读到 {numbers} 个，无法确定各数字所属的列，表四按空值处理。",
                      data_rows[0].cells[0].where)
            return
        for k, lab, read in zip(keys, labels, reads):
            self.out.put(k, read, "行政复议/行政诉讼", lab)

    # -- metadata and narrative ---------------------------------------------------------------------
    def meta(self, template: str) -> None:
        paras = self.out.narrative
        title = self._title
        sig_agency, sig_date, sig_where = self._signature
        if sig_date is None:
            sig_date, date_where = narrative.date_below_title(paras)
        else:
            date_where = sig_where
        agency = year = None
        if title:
            agency, year, where = title
            if agency:
                self.out.set_meta("meta.agency", agency, where, "标题")
        if not agency and sig_agency:
            agency = sig_agency
            self.out.set_meta("meta.agency", sig_agency, sig_where, "落款")
        if not agency:
            self.out.warn("missing_meta", "warning", ["meta.agency"], "未能从标题或落款中识别发布机关名称。")
        period = self._period
        if year:
            self.out.set_meta("meta.year", year, title[2], "标题")
            if period and period[0] != year:
                self.out.warn("year_mismatch", "warning", ["meta.year"],
                          f"标题写的是 {year} 年，但统计期限写的是 {period[0]} 年，相差 {abs(year - period[0])} 年。", period[1])
        elif period:
            year = period[0]
            self.out.set_meta("meta.year", year, period[1], "统计期限")
        else:
            body = narrative.body_year(paras, sig_date)
            if body:
                year = body[0]
                self.out.set_meta("meta.year", year, body[1], "正文")
            else:
                self.out.warn("missing_meta", "warning", ["meta.year"], "未能识别报告的统计年度。")
        if self.template_known:
            self.out.fields["meta.template"] = template
        if sig_date:
            self.out.set_meta("meta.published", sig_date, date_where, "落款日期")
        year = self.year or year
        if year and template == "2019" and year >= 2021:
            self.out.warn("template_year", "warning", ["meta.template"],
                      f"{year} 年度报告使用了 2019 年试行格式的表格（自 2021 年度起应使用国办公开办函〔2021〕30号格式）。")

    def sections(self) -> None:
        """The template's narrative sections 一, 五 and 六 (二–四 are judged by their tables)."""
        texts = [p.text for p in self.out.narrative] + [row[0].text for t in self.doc.tables for row in t.rows if row]
        headings = [norm(t) for t in texts if len(norm(t)) <= 45]  # a heading may sit in a table cell
        for number, name, words in (("一", "总体情况", ("总体情况", "概述", "基本情况")),
                                    ("五", "存在的主要问题及改进情况", ("问题", "改进")),
                                    ("六", "其他需要报告的事项", ("其他需要报告", "其他需报告", "其他事项"))):
            if not any(w in h for h in headings for w in words):
                self.out.warn("missing_section", "warning", [],
                          f"未找到模板规定的第{number}部分「{name}」的标题，报告可能缺少该部分。")

    def narrative_values(self) -> None:
        """Totals stated in the prose: items published (section 一) and the processing fee (section 六)."""
        body = JoinedText.of(self.out.narrative)
        total = narrative.published_total(unicodedata.normalize("NFKC", body.text))
        if total:
            items, start, sentence = total
            self.out.set_meta("proactive.published_total", items, body.where(start), "正文")
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


def _template_evidence(t2: list[TableRow], t3: list[TableRow]) -> str | None:
    """'2019' or '2021' when the tables' own words say which template they follow."""
    header = norm("".join("".join(c.text for c in r.cells) for r in t2))
    if any(w in header for w in T2019_HEADER_WORDS):
        return "2019"
    if any(w in header for w in T2021_HEADER_WORDS):
        return "2021"
    labels = [r.label_text for r in t3]
    if any(("不补正" in t or "缴纳费用" in t) for t in labels):
        return "2021"
    if any(strip_numbering(t).startswith("其他处理") and r.values() for t, r in zip(labels, t3)):
        return "2019"
    return None


def _line_row(p: Paragraph) -> TableRow | None:
    """A line of prose inside a table's section read as that table's row, when it is one: a label
    and two or more values, or a label that names a template row (not 「注：…系统 2」)."""
    cells = row_from_line(p.text, min_gap=1)
    if not cells:
        return None
    row = TableRow([Cell(t, p.where, ocr=p.ocr) for t in cells], Table([], p.where), 0)
    values = sum(read_cell(c).kind in ("number", "blank") for c in row.values())
    return row if values >= 2 or _row_kind(row) else None


def _fee_table(table: Table) -> bool:
    """A small table under section 六 about fees, none of whose rows is a template table's row
    (tables appended after 六 — 附表 — are Tables 2–4, not fees)."""
    text = norm("".join(c.text for row in table.rows for c in row))
    rows = [TableRow(cells, table, i) for i, cells in enumerate(table.rows)]
    # 「收费通知」 names a Table 3 row too; a row about anything but fees does not belong here
    return len(table.rows) <= 8 and "费" in text and not any(
        _row_kind(r) and "费" not in norm("".join(c.text for c in r.cells)) for r in rows)


def _blocks(doc: Document) -> list[Block]:
    """The document's blocks, a paragraph that holds a flattened table split back into sections
    and rows — unless the document has a real table of that kind (the paragraph is then prose)."""
    real = {k for t in doc.tables for k in flattened.table_kinds(" ".join(c.text for r in t.rows for c in r))}
    out: list[Block] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph) and flattened.is_flattened(block) and flattened.table_kinds(block.text) - real:
            out.extend(flattened.unflatten(block))
        else:
            out.append(block)
    return out


def _any_of(words) -> re.Pattern:
    """One search for any of these words (a row is sorted thousands of times per second in a bulk import)."""
    return re.compile("|".join(map(re.escape, words)))


_T4_ROW = _any_of(T4_WORDS)
_T3_HEADER_ROW = _any_of(T3.HEADER_WORDS)
_T3_LABEL = _any_of(k for r in F.APPLICATION_ROWS for k in r.keywords)
_T2_LABEL = _any_of(T2_WORDS)


def _row_kind(row: TableRow) -> str | None:
    text = norm("".join(c.text for c in row.cells))
    if _T4_ROW.search(text):
        return "T4"
    if _T3_HEADER_ROW.search(text):
        return "T3"
    label = row.label_text
    if not label:
        return None
    if _T3_LABEL.search(label):
        return "T3"
    if _T2_LABEL.search(label):
        return "T2"
    return None


def parse_document(doc: Document, template: str | None = None, year: int | None = None) -> Parsed:
    """Every field the document shows, with provenance and the parser's own warnings. `template` and
    `year` are an official's corrections (core.corrections), when made: the tables are read by a
    corrected template, and a corrected year decides the template where the tables' words do not."""
    p = _Parser(doc, year)
    kinds = p.classify()
    chosen = p.template(kinds["T2"], kinds["T3"])
    if template:
        p.out.template_read = chosen if p.template_known else None
        p.out.warnings = [w for w in p.out.warnings if w.rule != "template_from_year"]
        p.template_known = True
    else:
        template = chosen
    p.out.template = template
    p.table2(kinds["T2"], template)
    T3.Table3(p.out, template).read(kinds["T3"])
    p.table4(kinds["T4"])
    p.meta(template)
    p.narrative_values()
    if kinds["T2"] or kinds["T3"] or kinds["T4"]:
        p.sections()
    if p.out.joined:
        p.out.warn("joined_digits", "info", [],
               f"{len(p.out.joined)} 行的数字在文本中连写（如网页正文被压成一行），已按模板的勾稽关系（表三各类申请人之和=总计，"
               f"表四各项结果之和=总计）找到唯一的拆分方式读取；这些行的 R3、R4 因此不再单独核验。涉及：{'、'.join(p.out.joined[:5])}"
               + ("等" if len(p.out.joined) > 5 else "") + "。")
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
