"""总览: what the library holds (and which agency-years it does not), headline totals, findings,
the latest reports."""
import pandas as pd
import streamlit as st

import ui
from core import charts as C
from core.checks import rule_name

GRID_ROWS = 40  # agencies drawn in the coverage grid at most (a province has thousands)
TOTALS = {
    "新收申请（件）": "applications.new_received.total", "办结（件）": "applications.total.total",
    "行政复议（件）": "review.total", "行政诉讼（件）": "derived.litigation_total",
    "行政事业性收费（万元）": "proactive.fees.amount_wan",
}


@ui.view
def overview(data: ui.Data, filters: ui.Filters) -> dict:
    """Everything the page shows, worked out once per library state and filters."""
    wide_all = filters.apply(data.wide, by_year=False)
    wide = filters.apply(data.wide)
    warnings = filters.apply(data.warnings, by_year=False)
    years = wide_all["year"].dropna()
    out = {"reports": len(wide_all), "agencies": wide_all["agency"].nunique(),
           "years": "—" if not len(years) else str(int(years.min())) if years.min() == years.max()
           else f"{int(years.min())}–{int(years.max())}",
           "unbalanced": int((wide_all["errors"] > 0).sum()), "totals": {}, "grid": None, "warnings": None}
    for label, key in TOTALS.items():
        value = wide[key].sum(min_count=1) if key in wide else None
        marked = [a for a, f in zip(wide["agency"], ui.M.flag_frame(wide, [key])[key]) if ui.M.is_finding(f)] \
            if key in wide else []
        out["totals"][label] = (value, marked)
    grid = ui.M.coverage(wide_all)
    if not grid.empty:
        words = ui.M.coverage_text(grid)
        drawn = ui.M.coverage_gaps_first(words, GRID_ROWS)
        table = words.rename(columns=lambda y: f"{y}年").reset_index().rename(columns={"agency": "机构"})
        out["grid"] = (len(words), len(drawn), C.coverage_grid(drawn, of=len(words)), table)
    if not warnings.empty:
        summary = warnings.groupby(["rule", "severity"]).size().reset_index(name="count")
        summary["rule"] = summary["rule"].map(rule_name)
        table = summary.assign(severity=summary["severity"].map(C.SEVERITY_LABELS)).rename(
            columns={"rule": "规则", "severity": "严重程度", "count": "条数"})
        out["warnings"] = (C.warning_summary(summary), table)
    allowed = set(filters.agencies({r["agency"] for r in data.index}))
    latest: dict = {}  # one line per report (agency-year); its other files are versions of it
    for r in sorted((r for r in data.index if r["agency"] in allowed), key=lambda r: r["uploaded_at"], reverse=True):
        key = (r["agency"], r["year"]) if r["agency"] and r["year"] else ("#", r["id"])
        latest.setdefault(key, {**r, "versions": 0})["versions"] += 1
    out["recent"] = list(latest.values())[:10]
    return out


data, filters = ui.frame("总览")
ui.require_reports(data)
shown = overview(data, filters)
a, b, c, d = st.columns(4)
a.metric("报告（机构·年度）", shown["reports"])
b.metric("机构", shown["agencies"])
c.metric("年度", shown["years"])
d.metric("表格不平衡的报告", shown["unbalanced"], help="R1–R4 任一规则不成立的报告数")

st.subheader(f"{filters.year}年 汇总" if filters.year else "汇总")
for col, (label, (value, marked)) in zip(st.columns(len(TOTALS)), shown["totals"].items()):
    col.metric(label + (" ⚠" if marked else ""), "—" if value is None or pd.isna(value) else C.number(value),
               help=(f"合计中含 {len(marked)} 个机构的数值来自表格不平衡或数值可疑的报告："
                     + "、".join(ui.md(a) for a in marked) + "（见「数据校验」）") if marked else None)

if shown["grid"]:
    agencies, rows, grid, table = shown["grid"]
    if rows < agencies:
        st.caption(f"共 {agencies:,} 个机构；图中是未入库年度或表格不平衡最多的 {rows} 个，全部机构见下载的收录表，"
                   "或用左侧筛选缩小范围。")
    ui.chart(grid, "收录情况_机构年度", table, "coverage")

st.subheader("校验发现")
if shown["warnings"] is None:
    st.success("所选范围内的报告没有发现问题。")
else:
    summary, table = shown["warnings"]
    ui.chart(summary, "校验发现_按规则", table, "warnings")
    st.page_link("pages/6_checks.py", label="查看全部校验发现", icon=":material/rule:")

st.subheader("最近入库")
recent = shown["recent"]
st.dataframe(pd.DataFrame([{
    "机构": r["agency"], "年度": r["year"], "文件": r["name"], "版本": r["versions"],
    "入库时间": pd.Timestamp(r["uploaded_at"], unit="s", tz="Asia/Shanghai").strftime("%Y-%m-%d %H:%M"),
    "错误": r["errors"], "详情": link} for r, link in zip(recent, ui.report_urls(r["id"] for r in recent))]),
    hide_index=True, column_config={"详情": st.column_config.LinkColumn("详情", display_text="打开"),
                                    "年度": st.column_config.NumberColumn("年度", format="%d"),
                                    "版本": st.column_config.NumberColumn("版本", help="同一机构同一年度入库的文件数（图表只计最新一份）")})
