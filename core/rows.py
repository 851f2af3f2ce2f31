"""One report as a row of the dashboard's tables: its numbers, the derived totals and rates, the cells
a finding doubts, and its findings — computed once, when the report is stored (or re-parsed), so that
a page over 20,000 reports reads rows instead of rebuilding every record.

`summarise` makes a report's `Row`; the library stores it beside the record (`stored_form`, made in the
worker process that parsed the file) and `core.metrics` builds its frames from rows. The cross-year
rules (R5, R7, R8) compare an agency's reports with each other: `agency_series` runs them over rows.
"""
from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

import numpy as np

from core import fields as F
from core.checks import check_series, rule_name
from core.record import CORRECTED, Report, Warning


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str  # 件, 万元, 元, %, 条
    definition: str = ""
    inputs: tuple[str, ...] = ()  # the table cells a derived metric is computed from
    denominator: tuple[str, ...] = ()  # of a rate: the cells summed below the line


def _sum(f, keys) -> float | None:
    vals = [f.get(k) for k in keys]
    if all(v is None for v in vals):
        return None
    return float(sum(v for v in vals if isinstance(v, (int, float))))


def _rate(num: float | None, den: float | None) -> float | None:
    if num is None or den is None or den == 0:
        return None
    return round(100.0 * num / den, 2)


_APP = "applications.{}.total"
_TOTAL = (_APP.format("total"),)
_RECEIVED = (_APP.format("new_received"), _APP.format("carried_over"))
_DENIED = tuple(_APP.format(r) for r in F.OUTCOME_ROWS_2021 if r.startswith("denied_"))
_UNABLE = tuple(_APP.format(r) for r in F.OUTCOME_ROWS_2021 if r.startswith("unable_"))
_REJECTED = tuple(_APP.format(r) for r in F.OUTCOME_ROWS_2021 if r.startswith("rejected_"))
_OTHER = tuple(_APP.format(r) for r in ("other_no_correction", "other_no_fee", "other_other", "other"))
_OPEN = (_APP.format("granted"), _APP.format("partial"))
_LIT_TOTALS = ("litigation_direct.total", "litigation_after_review.total")
_LIT_PENDING = ("litigation_direct.pending", "litigation_after_review.pending")
_LIT_CORRECTED = ("litigation_direct.corrected", "litigation_after_review.corrected")

DERIVED: tuple[Metric, ...] = (
    Metric("derived.received", "受理合计", "件", "受理合计 = 一、本年新收 + 二、上年结转（总计列）", _RECEIVED),
    Metric("derived.denied", "不予公开（合计）", "件", "（三）不予公开 1–8 项之和（总计列）", _DENIED),
    Metric("derived.unable", "无法提供（合计）", "件", "（四）无法提供 1–3 项之和（总计列）", _UNABLE),
    Metric("derived.rejected", "不予处理（合计）", "件", "（五）不予处理 1–5 项之和（总计列）", _REJECTED),
    Metric("derived.other_handling", "其他处理（合计）", "件", "（六）其他处理之和（总计列）", _OTHER),
    Metric("derived.open_rate", "公开率", "%", "公开率 = （（一）予以公开 + （二）部分公开）÷（七）总计", _OPEN + _TOTAL, _TOTAL),
    Metric("derived.denied_rate", "不予公开率", "%", "不予公开率 = （三）不予公开各项之和 ÷（七）总计", _DENIED + _TOTAL, _TOTAL),
    Metric("derived.unable_rate", "无法提供率", "%", "无法提供率 = （四）无法提供各项之和 ÷（七）总计", _UNABLE + _TOTAL, _TOTAL),
    Metric("derived.rejected_rate", "不予处理率", "%", "不予处理率 = （五）不予处理各项之和 ÷（七）总计", _REJECTED + _TOTAL, _TOTAL),
    Metric("derived.carry_forward_rate", "结转率", "%", "结转率 = 四、结转下年度继续办理 ÷（一、本年新收 + 二、上年结转）",
           (_APP.format("carried_forward"), *_RECEIVED), _RECEIVED),
    Metric("derived.review_correction_rate", "复议纠错率", "%", "复议纠错率 = 行政复议结果纠正 ÷（行政复议总计 − 尚未审结）",
           ("review.corrected", "review.total", "review.pending"), ("review.total", "review.pending")),
    Metric("derived.litigation_total", "行政诉讼总数", "件", "行政诉讼总数 = 未经复议直接起诉总计 + 复议后起诉总计", _LIT_TOTALS),
    Metric("derived.litigation_correction_rate", "诉讼纠错率", "%",
           "诉讼纠错率 = 两类行政诉讼结果纠正之和 ÷（两类行政诉讼总计之和 − 尚未审结之和）",
           _LIT_CORRECTED + _LIT_TOTALS + _LIT_PENDING, _LIT_TOTALS + _LIT_PENDING),
)
DERIVED_BY_KEY = {m.key: m for m in DERIVED}


def inputs(key: str) -> tuple[str, ...]:
    """The table cells behind a metric: a derived metric's inputs, or the field itself."""
    return DERIVED_BY_KEY[key].inputs if key in DERIVED_BY_KEY else (key,)


def suspect_keys(report) -> frozenset[str]:
    """Values a plausibility finding doubts (a negative count, a count or an amount beyond any
    report): charts mark them, rates leave them out."""
    return frozenset(k for w in report.warnings if w.rule == "implausible_value" for k in w.keys)


TABLES = (("applications.", "表三"), ("review.", "表四（行政复议）"), ("litigation", "表四（行政诉讼）"),
          ("proactive.published_total", "正文第一部分"), ("proactive.", "表二"), ("processing_fee", "正文第六部分"))


def table_of(key: str) -> str:
    """The table a cell is printed in, as findings name it (表四 in its two halves: an R4 error on
    行政复议 says nothing about 行政诉讼)."""
    return next((name for prefix, name in TABLES if key.startswith(prefix)), "")


def flags(report) -> dict[str, str]:
    """Cell → the finding that makes its value doubtful, in a few words: every cell of a table that
    does not add up in its own report (an R1–R4 error: which of its cells is wrong the report does
    not say), and a cell a plausibility finding doubts. Charts and the briefing mark such a value
    and say why; it is still the value printed in the report."""
    out: dict[str, str] = {}
    for w in report.warnings:
        if w.rule == "implausible_value":
            for k in w.keys:
                out.setdefault(k, f"数值可疑：{w.message}")
        elif w.severity == "error":
            tables = {table_of(k) for k in w.keys} - {""}
            note = f"{'、'.join(sorted(tables))}不平衡（{rule_name(w.rule)}）：{w.message}"
            for k in [*w.keys, *(k for k in report.fields if table_of(k) in tables)]:
                out.setdefault(k, note)
    return out


UNREAD = "未读到"  # how a cell the parser did not find or could not read is shown


def shown_value(value, unread: bool = False) -> str:
    """One cell's value in words: the number, 空白 for a cell the report left empty, or 未读到."""
    return UNREAD if unread else "空白" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def corrected(report) -> dict[str, str]:
    """Cell → how an official corrected it by hand, in a few words: a chart's download and the briefing
    carry it beside the value (which is the corrected one, not the one printed)."""
    return {c.key: f"{CORRECTED}（原读数 {shown_value(c.parsed, c.parsed_unread)}，理由：{c.reason}）"
            for c in report.corrections}


def derived(f, doubted=frozenset()) -> dict[str, float | None]:
    """The derived metrics of one record (None where a denominator is zero or missing). A rate is
    never computed over a `doubted` cell: an implausible number, or a table that does not add up
    (its denominator cannot be trusted: a 总计 printed as 0 beside 11 cases gave −50 %)."""
    out = _derived(f)
    for m in DERIVED:
        if m.unit == "%" and set(doubted).intersection(m.inputs):
            out[m.key] = None
    return out


def _derived(f) -> dict[str, float | None]:
    total = f.get(_APP.format("total"))
    total = float(total) if isinstance(total, (int, float)) else None
    received = _sum(f, _RECEIVED)
    lit_total = _sum(f, _LIT_TOTALS)
    lit_pending = _sum(f, _LIT_PENDING) or 0
    review_total = f.get("review.total")
    review_done = review_total - (f.get("review.pending") or 0) if isinstance(review_total, (int, float)) else None
    return {
        "derived.received": received,
        "derived.denied": _sum(f, _DENIED),
        "derived.unable": _sum(f, _UNABLE),
        "derived.rejected": _sum(f, _REJECTED),
        "derived.other_handling": _sum(f, _OTHER),
        "derived.open_rate": _rate(_sum(f, _OPEN), total),
        "derived.denied_rate": _rate(_sum(f, _DENIED), total),
        "derived.unable_rate": _rate(_sum(f, _UNABLE), total),
        "derived.rejected_rate": _rate(_sum(f, _REJECTED), total),
        "derived.carry_forward_rate": _rate(_sum(f, [_APP.format("carried_forward")]), received),
        "derived.review_correction_rate": _rate(_sum(f, ["review.corrected"]), review_done),
        "derived.litigation_total": lit_total,
        "derived.litigation_correction_rate": _rate(_sum(f, _LIT_CORRECTED),
                                                    None if lit_total is None else lit_total - lit_pending),
    }




# ---- the row ------------------------------------------------------------------------------------

FIELD_KEYS = tuple(k for k in F.FIELDS if not k.startswith("meta."))
COUNTS = ("errors", "warnings", "cells_read", "cells_expected")  # whole numbers
# the numbers of a row, in this order: every table cell, every derived metric, the counts of findings
# and of cells read
NUMBERS = (*FIELD_KEYS, *(m.key for m in DERIVED), *COUNTS)
# names the order of NUMBERS: a row stored in another order is summarised again from its record
LAYOUT = hashlib.sha256("\n".join(NUMBERS).encode()).hexdigest()[:12]
_DTYPE = np.dtype("<f8")


@dataclass(frozen=True)
class Row:
    """What the dashboard's frames hold of one report. `numbers`: float64 in the order of NUMBERS,
    NaN where the report gives no value (blank or 未读到: `unread` tells which); `details`: JSON of the
    published date, the doubted (`suspect`) and flagged cells, the unread cells and the report's own
    findings, each as a warnings-frame row (`FINDING_COLUMNS`)."""

    numbers: bytes
    details: str
    failed: bool = False  # the file could not be read: no row in the frames

    @cached_property
    def parsed(self) -> dict:
        """`details` read (once: the wide frame and the findings frame both need it)."""
        return json.loads(self.details)


FINDING_COLUMNS = ("rule", "severity", "keys", "fields", "message", "where")


def finding(w: Warning) -> list[str]:
    """A finding as a warnings-frame row (FINDING_COLUMNS)."""
    return [w.rule, w.severity, ",".join(w.keys), "、".join(F.label(k) for k in w.keys[:6]), w.message, w.where]


def summarise(report: Report) -> Row:
    """The row of one parsed report."""
    if report.error:
        return Row(b"", "{}", failed=True)
    fields = report.fields
    suspect = suspect_keys(report)
    flagged = flags(report)
    values = {k: v for k, v in fields.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    values.update(derived(fields, suspect | set(flagged)))
    values["cells_read"], values["cells_expected"] = report.completeness()
    values["errors"] = sum(w.severity == "error" for w in report.warnings)
    values["warnings"] = sum(w.severity == "warning" for w in report.warnings)
    numbers = np.array([_number(values.get(k)) for k in NUMBERS], dtype=_DTYPE)
    details = {"published": fields.get("meta.published"), "suspect": sorted(suspect), "flags": flagged,
               "corrected": corrected(report),
               "unread": list(report.unread), "findings": [finding(w) for w in report.warnings]}
    return Row(numbers.tobytes(), json.dumps(details, ensure_ascii=False))


def _number(v) -> float:
    return float(v) if isinstance(v, (int, float)) and math.isfinite(v) else math.nan


def stored_form(report: Report) -> tuple[str, str, bytes, str]:
    """(record without provenance, provenance, row numbers, row details): what the library stores of
    one report, made where it was parsed (a worker process) so that the one process storing a batch
    serialises nothing."""
    row = summarise(report)
    return (*report.stored_json(), row.numbers, row.details)


def number_matrix(rows: Sequence[Row]) -> np.ndarray:
    """The numbers of many rows as one float64 matrix (a row per report, a column per NUMBERS)."""
    if not rows:
        return np.empty((0, len(NUMBERS)), dtype=_DTYPE)
    return np.frombuffer(b"".join(r.numbers for r in rows), dtype=_DTYPE).reshape(len(rows), len(NUMBERS))


# ---- the cross-year rules ------------------------------------------------------------------------

class Rowed(Protocol):
    """A stored report as the frames see it (core.library's StoredRow or StoredReport)."""

    id: int
    name: str
    agency: str | None
    year: int | None
    template: str | None

    @property
    def row(self) -> Row: ...


def by_agency(items: Iterable) -> dict[str, list]:
    """The reports the cross-year rules compare: each agency's reports with a year (anything with
    `agency` and `year`: the library groups its index this way before it reads any row)."""
    groups: dict[str, list] = defaultdict(list)
    for s in items:
        if s.agency and s.year:
            groups[s.agency].append(s)
    return groups


def agency_series(group: Sequence[Rowed]) -> list[tuple]:
    """R5, R7, R8 and the money jumps over one agency's reports: (report id, *finding row)."""
    group = [s for s in group if not s.row.failed]
    if len(group) < 2:
        return []
    matrix = number_matrix([s.row for s in group])
    records = []
    for s, values in zip(group, matrix):
        record = {k: float(v) for k, v in zip(FIELD_KEYS, values) if not math.isnan(v)}
        records.append({**record, "meta.year": s.year, "meta.template": s.template})
    return [(group[i].id, *finding(w)) for i, w in check_series(records)]
