"""Tables the dashboard draws from: one row per report (wide), (agency, year, metric, value) (tidy),
derived rates with their definitions, every warning including the cross-year rules, coverage.

Computed from stored records only; the pages never compute a number themselves.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from core import fields as F
from core.checks import check_series, rule_name
from core.library import StoredReport


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
_DERIVED = {m.key: m for m in DERIVED}


def inputs(key: str) -> tuple[str, ...]:
    """The table cells behind a metric: a derived metric's inputs, or the field itself."""
    return _DERIVED[key].inputs if key in _DERIVED else (key,)


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


def flag_of(row, key: str) -> str:
    """The finding on a metric of one `wide` row ('' when none): for a derived metric, the first
    finding on any cell it is computed from."""
    found = row.get("flags") or {}
    return next((found[k] for k in inputs(key) if k in found), "")


def flag_frame(wide: pd.DataFrame, keys) -> pd.DataFrame:
    """For each row of a `wide` frame and each metric key: the finding on that value ('' when none)."""
    found = list(wide["flags"]) if "flags" in wide else [{}] * len(wide)
    return pd.DataFrame({k: [flag_of({"flags": f}, k) for f in found] for k in keys}, index=wide.index)


def table_for(wide: pd.DataFrame, keys, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """What a chart's download holds: 机构, 年度, one column per metric headed with its unit, and
    校验发现 naming the findings on those values (so a number never leaves without its caveat)."""
    keys = [k for k in keys if k in wide]
    marks = flag_frame(wide, keys)
    out = pd.DataFrame({"机构": wide["agency"], "年度": wide["year"].astype("Int64")}, index=wide.index)
    for k in keys:
        label = (labels or {}).get(k) or METRICS[k].label
        out[f"{label}（{METRICS[k].unit}）"] = pd.to_numeric(wide[k], errors="coerce")
    out["校验发现"] = ["；".join(dict.fromkeys(m for m in row if m)) for row in marks.itertuples(index=False)]
    return out.reset_index(drop=True)


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


def left_out(wide: pd.DataFrame, key: str) -> pd.DataFrame:
    """(agency, year, reason): the reports a derived rate or total is not computed for, and why:
    a doubted value, a cell not read, a zero denominator, or a table the report left blank."""
    m = _DERIVED.get(key)
    if m is None or wide.empty or key not in wide:
        return pd.DataFrame(columns=["agency", "year", "reason"])
    rows = []
    for _, r in wide[wide[key].isna()].iterrows():
        doubted = [k for k in m.inputs if k in (r.get("suspect") or ())]
        unbalanced = [r["flags"][k] for k in m.inputs if k in (r.get("flags") or {})]
        unread = [k for k in m.inputs if k in (r.get("unread") or ())]
        if doubted:
            reason = f"{F.label(doubted[0])}数值可疑（不合理数值）"
        elif unbalanced:
            reason = unbalanced[0].split("：")[0]  # 表三不平衡（R2 …）
        elif unread:
            reason = f"未读到{F.label(unread[0])}" + (f" 等 {len(unread)} 格" if len(unread) > 1 else "")
        elif m.denominator and all(pd.isna(r.get(k)) for k in m.denominator):
            reason = "报告未填写该表"
        elif m.denominator:
            reason = "分母为 0（没有可计算的件数）"
        else:
            reason = "报告未填写该表"
        rows.append({"agency": r["agency"], "year": r["year"], "reason": reason})
    return pd.DataFrame(rows, columns=["agency", "year", "reason"])


def metric_catalogue() -> dict[str, Metric]:
    """Every chartable metric: each table field, the narrative totals, and the derived rates."""
    out = {k: Metric(k, f.label, f.unit) for k, f in F.FIELDS.items() if f.section != "meta"}
    out.update({m.key: m for m in DERIVED})
    return out


METRICS = metric_catalogue()


def wide(reports: Sequence[StoredReport]) -> pd.DataFrame:
    """One row per report: id, agency, year, template, file, then every field and derived metric."""
    rows = []
    for s in reports:
        if s.report.error:
            continue
        row = {"report_id": s.id, "agency": s.agency, "year": s.year, "template": s.template, "file": s.name,
               "published": s.fields.get("meta.published"),
               "errors": sum(w.severity == "error" for w in s.report.warnings),
               "warnings": sum(w.severity == "warning" for w in s.report.warnings)}
        row["cells_read"], row["cells_expected"] = s.report.completeness()
        row["suspect"] = suspect_keys(s.report)
        row["flags"] = flags(s.report)
        row["unread"] = frozenset(s.report.unread)
        row.update({k: v for k, v in s.fields.items() if not k.startswith("meta.")})
        row.update(derived(s.fields, row["suspect"] | set(row["flags"])))
        rows.append(row)
    df = pd.DataFrame(rows)
    if df.empty:
        return pd.DataFrame(columns=["report_id", "agency", "year", "template", "file", "published", "errors", "warnings",
                                     "cells_read", "cells_expected", "suspect", "flags", "unread"])
    return df


def tidy(reports: Sequence[StoredReport]) -> pd.DataFrame:
    """(report_id, agency, year, metric, label, unit, value, suspect, flag): the long table every chart
    filters; `flag` names the finding on the value ('' when none, see `flags`)."""
    return tidy_from_wide(wide(reports))


def series(df: pd.DataFrame, key: str) -> pd.DataFrame:
    """`tidy` rows of one metric from a `wide` frame: what a trend needs, without the long table of every
    metric (3 million rows for 20,000 reports)."""
    keep = [c for c in ("report_id", "agency", "year", "template") if c in df] + ([key] if key in df else [])
    return tidy_from_wide(df[keep].assign(
        suspect=df["suspect"] if "suspect" in df else [frozenset()] * len(df),
        flags=df["flags"] if "flags" in df else [{}] * len(df)))


def tidy_from_wide(df: pd.DataFrame) -> pd.DataFrame:
    """`tidy` of a `wide` frame already made."""
    ids = ["report_id", "agency", "year", "template"]
    keys = [k for k in df.columns if k in METRICS]
    if df.empty or not keys:
        return pd.DataFrame(columns=ids + ["metric", "label", "unit", "value", "suspect", "flag"])
    long = df[ids + keys].melt(id_vars=ids, var_name="metric", value_name="value")
    long = long[long["value"].notna()].copy()
    doubted = dict(zip(df["report_id"], df["suspect"]))
    long["suspect"] = [m in doubted.get(r, ()) for r, m in zip(long["report_id"], long["metric"])]
    found = dict(zip(df["report_id"], df["flags"]))
    long["flag"] = [next((found[r][k] for k in inputs(m) if k in found[r]), "") if found[r] else ""
                    for r, m in zip(long["report_id"], long["metric"])]
    long["label"] = long["metric"].map({k: METRICS[k].label for k in keys})
    long["unit"] = long["metric"].map({k: METRICS[k].unit for k in keys})
    long["value"] = long["value"].astype(float)
    return long.reset_index(drop=True)


def warnings_frame(reports: Sequence[StoredReport]) -> pd.DataFrame:
    """Every warning of every report, plus the cross-year rules R5, R7, R8 per agency."""
    rows = []
    for s in reports:
        for w in s.report.warnings:
            rows.append(_warning_row(s, w))
    by_agency: dict[str, list[StoredReport]] = defaultdict(list)
    for s in reports:
        if s.agency and s.year and not s.report.error:
            by_agency[s.agency].append(s)
    for group in by_agency.values():
        for i, w in check_series([s.fields for s in group]):
            rows.append(_warning_row(group[i], w))
    cols = ["report_id", "agency", "year", "template", "file", "rule", "severity", "keys", "fields", "message", "where"]
    return pd.DataFrame(rows, columns=cols)


def _warning_row(s: StoredReport, w) -> dict:
    return {"report_id": s.id, "agency": s.agency, "year": s.year, "template": s.template, "file": s.name, "rule": w.rule,
            "severity": w.severity, "keys": ",".join(w.keys), "fields": "、".join(F.label(k) for k in w.keys[:6]),
            "message": w.message, "where": w.where}


def coverage(df: pd.DataFrame) -> pd.DataFrame:
    """Agency × year from a `wide` frame: each report's error count, NaN where there is no report."""
    if df.empty:
        return pd.DataFrame()
    df = df[df["agency"].notna() & df["year"].notna()]
    years = list(range(int(df["year"].min()), int(df["year"].max()) + 1))
    grid = df.pivot_table(index="agency", columns="year", values="errors", aggfunc="first")
    return grid.reindex(columns=years)


def year_over_year(df: pd.DataFrame) -> pd.DataFrame:
    """(agency, year, value) plus `change` in %: only between consecutive years, none from a zero."""
    d = df.sort_values(["agency", "year"]).copy()
    previous = d.groupby("agency")["value"].shift()
    consecutive = d.groupby("agency")["year"].diff() == 1
    d["change"] = ((d["value"] - previous) / previous * 100).where(consecutive & (previous != 0))
    return d


def coverage_text(grid: pd.DataFrame) -> pd.DataFrame:
    """The coverage grid in words, as shown and downloaded: 已入库, N 处错误, 未入库. The library can
    only say what it holds: a year it does not hold is 未入库, never "not published"."""
    return grid.apply(lambda col: col.map(lambda v: NOT_IN_LIBRARY if pd.isna(v) else (f"{int(v)} 处错误" if v > 0 else "已入库")))


NOT_IN_LIBRARY = "未入库"


def coverage_gaps_first(words: pd.DataFrame, rows: int) -> pd.DataFrame:
    """At most `rows` agencies of the grid in words: those with the most years 未入库 or with errors
    first (what an oversight office looks for among thousands), then by name."""
    trouble = (words != "已入库").sum(axis=1)
    order = sorted(words.index, key=lambda a: (-trouble[a], a))
    return words.loc[order[:rows]]


def peer_mean(values: pd.Series) -> float | None:
    """The peer-group average shown as a line on ranked bars (blank reports left out)."""
    v = values.dropna()
    return float(v.mean()) if len(v) else None


@dataclass(frozen=True)
class TemplateTable:
    """One of the report's tables in the template's own layout: printed values, and the field key
    behind every cell (so a page can colour the cells a warning names)."""

    title: str
    values: pd.DataFrame
    keys: pd.DataFrame


UNREAD = "未读到"  # how a cell the parser did not find or could not read is shown


def unread_cells(report) -> set[str]:
    """The cells shown as 「未读到」: those the record lists in `unread` (the library fills it from the
    unreadable-cell warnings for a record stored before records had the list)."""
    return set(report.unread)


def completeness_share(read: int, expected: int) -> str:
    """96.5% — never rounded up to 100% while a cell is missing."""
    if expected <= 0 or read >= expected:
        return "100%"
    return f"{math.floor(1000 * read / expected) / 10:.1f}%"


def completeness_text(read: int, expected: int, prefix: str = "完整度 ") -> str:
    """完整度 96.5%（193/200 格）: the share of the template's cells read from the report."""
    return f"{prefix}{completeness_share(read, expected)}（{read}/{expected} 格）"


def unread_note(read: int, expected: int) -> str:
    """The sentence shown with an incomplete report ('' when every cell was read)."""
    if read >= expected:
        return ""
    return (f"{expected - read} 个单元格未读到（解析器未找到该行，或无法识别该格）。涉及这些单元格的勾稽规则"
            "为「无法核验」，不计为错误。")


def completeness_frame(df: pd.DataFrame, by: str = "report_id") -> pd.DataFrame:
    """From a `wide` frame, per report (or per agency, by="agency"): cells read, expected, unread
    and the text 「96.5%（193/200 格）」 in column 完整度."""
    if df.empty:
        return pd.DataFrame(columns=[by, "read", "expected", "unread", "完整度"])
    g = df.groupby(by, sort=False)[["cells_read", "cells_expected"]].sum().reset_index()
    g = g.rename(columns={"cells_read": "read", "cells_expected": "expected"})
    g["unread"] = g["expected"] - g["read"]
    g["完整度"] = [completeness_text(int(r), int(e), prefix="") for r, e in zip(g["read"], g["expected"])]
    return g


@dataclass(frozen=True)
class Findings:
    """One report's own findings, grouped as a page shows them: errors apart from warnings, and the
    「无法核验」 notes (info: a rule over a cell that was not read) apart from both."""

    errors: list
    warnings: list
    unverifiable: list
    notes: list


def findings(report) -> Findings:
    unread = unread_cells(report)
    groups: dict[str, list] = {"error": [], "warning": [], "unverifiable": [], "info": []}
    for w in report.warnings:
        if w.severity == "info" and ("无法核验" in w.message or unread.intersection(w.keys)):
            groups["unverifiable"].append(w)
        else:
            groups.get(w.severity, groups["info"]).append(w)
    return Findings(groups["error"], groups["warning"], groups["unverifiable"], groups["info"])


def report_tables(fields, template: str, unread: set[str] = frozenset()) -> list[TemplateTable]:
    """Tables 2, 3 and 4 of one record, laid out as the template prints them: a blank cell stays
    blank, a cell the parser did not find or could not read shows 「未读到」."""
    def show(key: str) -> str:
        if key in unread:
            return UNREAD
        v = fields.get(key)
        if v is None:
            return ""
        return f"{v:g}" if isinstance(v, float) else str(v)

    out = []
    rows, keys = [], []
    for row, row_label, _, cols in F.proactive_rows(template):
        for col, col_label, unit in cols:
            key = f"proactive.{row}.{col}"
            rows.append({"信息内容": row_label, "项目": col_label + (f"（{unit}）" if unit != "件" else ""), "数值": show(key)})
            keys.append({"信息内容": "", "项目": "", "数值": key})
    out.append(TemplateTable("表二　主动公开政府信息情况", pd.DataFrame(rows), pd.DataFrame(keys)))
    rows, keys = [], []
    for r in F.APPLICATION_ROWS:
        if template not in r.templates and not any(f"applications.{r.key}.{c}" in fields for c, _ in F.APPLICANT_COLUMNS):
            continue
        rows.append({"项目": r.label, **{label: show(f"applications.{r.key}.{c}") for c, label in F.APPLICANT_COLUMNS}})
        keys.append({"项目": "", **{label: f"applications.{r.key}.{c}" for c, label in F.APPLICANT_COLUMNS}})
    out.append(TemplateTable("表三　收到和处理政府信息公开申请情况", pd.DataFrame(rows), pd.DataFrame(keys)))
    rows, keys = [], []
    for group, group_label in F.REVIEW_GROUPS:
        rows.append({"类别": group_label, **{label: show(f"{group}.{c}") for c, label in F.REVIEW_COLUMNS}})
        keys.append({"类别": "", **{label: f"{group}.{c}" for c, label in F.REVIEW_COLUMNS}})
    out.append(TemplateTable("表四　政府信息公开行政复议、行政诉讼情况", pd.DataFrame(rows), pd.DataFrame(keys)))
    return out
