"""Tables the dashboard draws from: one row per report (wide), (agency, year, metric, value) (tidy),
derived rates with their definitions, every warning including the cross-year rules, coverage.

Computed from stored records only; the pages never compute a number themselves.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from core import fields as F
from core import rows as R
from core.record import is_finding  # noqa: F401 (pages ask it of flag_of's marks)
from core.rows import DERIVED, DERIVED_BY_KEY, UNREAD, Metric, inputs


def flag_of(row, key: str) -> str:
    """The mark on a metric of one `wide` row ('' when none): the finding on it (for a derived metric,
    the first finding on any cell it is computed from), else how it was corrected by hand (a note that
    starts with `CORRECTED`)."""
    for notes in (row.get("flags") or {}, row.get("corrected") or {}):
        note = next((notes[k] for k in inputs(key) if k in notes), "")
        if note:
            return note
    return ""


def flag_frame(wide: pd.DataFrame, keys) -> pd.DataFrame:
    """For each row of a `wide` frame and each metric key: the mark on that value ('' when none)."""
    found = list(wide["flags"]) if "flags" in wide else [{}] * len(wide)
    fixed = list(wide["corrected"]) if "corrected" in wide else [{}] * len(wide)
    return pd.DataFrame({k: [flag_of({"flags": f, "corrected": c}, k) for f, c in zip(found, fixed)] for k in keys},
                        index=wide.index)


def table_for(wide: pd.DataFrame, keys, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """What a chart's download holds: 机构, 年度, one column per metric headed with its unit, 校验发现
    naming the findings on those values (so a number never leaves without its caveat), and 人工更正
    when one of them was corrected by hand (with what was read before, and why)."""
    keys = [k for k in keys if k in wide]
    marks = flag_frame(wide, keys)
    out = pd.DataFrame({"机构": wide["agency"], "年度": wide["year"].astype("Int64")}, index=wide.index)
    for k in keys:
        label = (labels or {}).get(k) or METRICS[k].label
        out[f"{label}（{METRICS[k].unit}）"] = pd.to_numeric(wide[k], errors="coerce")
    out["校验发现"] = ["；".join(dict.fromkeys(m for m in row if is_finding(m))) for row in marks.itertuples(index=False)]
    notes = ["；".join(f"{METRICS[k].label}{c[k]}" for k in keys if k in c) for c in wide["corrected"]] \
        if "corrected" in wide else []
    if any(notes):
        out["人工更正"] = notes
    return out.reset_index(drop=True)


def left_out(wide: pd.DataFrame, key: str) -> pd.DataFrame:
    """(agency, year, reason): the reports a derived rate or total is not computed for, and why:
    a doubted value, a cell not read, a zero denominator, or a table the report left blank."""
    m = DERIVED_BY_KEY.get(key)
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


def wide(reports: Sequence[R.Rowed]) -> pd.DataFrame:
    """One row per report: id, agency, year, template, file, then every field and derived metric
    (NaN where none), from the rows stored with the reports (`core.rows`)."""
    reports = [s for s in reports if not s.row.failed]
    details = [s.row.parsed for s in reports]
    numbers = pd.DataFrame(R.number_matrix([s.row for s in reports]), columns=list(R.NUMBERS))
    numbers[list(R.COUNTS)] = numbers[list(R.COUNTS)].astype("int64")
    head = pd.DataFrame({
        "agency": [s.agency for s in reports], "template": [s.template for s in reports], "file": [s.name for s in reports],
        "published": [d.get("published") for d in details],
        "suspect": [frozenset(d.get("suspect") or ()) for d in details],
        "flags": [d.get("flags") or {} for d in details],
        "corrected": [d.get("corrected") or {} for d in details],
        "unread": [frozenset(d.get("unread") or ()) for d in details]}, dtype=object)
    head.insert(0, "report_id", pd.Series([s.id for s in reports], dtype="int64"))
    head.insert(2, "year", pd.Series([s.year for s in reports], dtype=None if reports else "int64"))
    return pd.concat([head, numbers], axis=1)


def series(df: pd.DataFrame, key: str) -> pd.DataFrame:
    """`tidy` rows of one metric from a `wide` frame: what a trend needs, without the long table of every
    metric (3 million rows for 20,000 reports)."""
    keep = [c for c in ("report_id", "agency", "year", "template") if c in df] + ([key] if key in df else [])
    return tidy(df[keep].assign(
        suspect=df["suspect"] if "suspect" in df else [frozenset()] * len(df),
        flags=df["flags"] if "flags" in df else [{}] * len(df),
        corrected=df["corrected"] if "corrected" in df else [{}] * len(df)))


def tidy(df: pd.DataFrame) -> pd.DataFrame:
    """A `wide` frame as (report_id, agency, year, metric, label, unit, value, suspect, flag), one row per
    value read; `flag` names the finding on the value ('' when none, see `flags`)."""
    ids = ["report_id", "agency", "year", "template"]
    keys = [k for k in df.columns if k in METRICS]
    if df.empty or not keys:
        return pd.DataFrame(columns=ids + ["metric", "label", "unit", "value", "suspect", "flag"])
    long = df[ids + keys].melt(id_vars=ids, var_name="metric", value_name="value")
    long = long[long["value"].notna()].copy()
    doubted = dict(zip(df["report_id"], df["suspect"]))
    long["suspect"] = [m in doubted.get(r, ()) for r, m in zip(long["report_id"], long["metric"])]
    marks = {r: {"flags": f, "corrected": c} for r, f, c in
             zip(df["report_id"], df["flags"], df["corrected"] if "corrected" in df else [{}] * len(df))}
    long["flag"] = [flag_of(marks[r], m) if marks[r]["flags"] or marks[r]["corrected"] else ""
                    for r, m in zip(long["report_id"], long["metric"])]
    long["label"] = long["metric"].map({k: METRICS[k].label for k in keys})
    long["unit"] = long["metric"].map({k: METRICS[k].unit for k in keys})
    long["value"] = long["value"].astype(float)
    return long.reset_index(drop=True)


WARNING_COLUMNS = ["report_id", "agency", "year", "template", "file", *R.FINDING_COLUMNS]


def warnings_frame(reports: Sequence[R.Rowed], series: list[tuple] | None = None) -> pd.DataFrame:
    """Every finding of every report, plus the cross-year rules (R5, R7, R8) per agency: `series` as the
    library keeps them (`Library.series`), or worked out here."""
    if series is None:
        series = [found for group in R.by_agency(reports).values() for found in R.agency_series(group)]
    found = [(s.id, *f) for s in reports if not s.row.failed for f in s.row.parsed.get("findings", ())]
    # built as objects, not as typed strings: 80,000 findings of a provincial library in 0.07 s, not 0.25 s
    df = pd.DataFrame([*found, *series], columns=["report_id", *R.FINDING_COLUMNS], dtype=object)
    about = pd.DataFrame({"agency": [s.agency for s in reports], "template": [s.template for s in reports],
                          "file": [s.name for s in reports]}, dtype=object)
    about.insert(1, "year", pd.Series([s.year for s in reports], dtype=None if reports else "int64"))
    about.index = pd.Index([s.id for s in reports], dtype="int64")
    df["report_id"] = df["report_id"].astype("int64")
    return df[df["report_id"].isin(about.index)].join(about, on="report_id")[WARNING_COLUMNS].reset_index(drop=True)


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
