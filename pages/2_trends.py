"""年度趋势: chosen agencies over years, and the year-over-year change."""
import streamlit as st

import ui
from core import charts as C
from core import metrics as M

data, filters = ui.frame("年度趋势")
ui.require_reports(data)
tidy = filters.apply(data.tidy, by_year=False)
agencies = sorted(tidy["agency"].dropna().unique())
counts = tidy.groupby("agency")["year"].nunique().sort_values(ascending=False)
chosen = ui.multiselect("机构", agencies, "agencies", default=list(counts.index[:5]))
present = set(tidy["metric"].unique())
options = [k for k in M.METRICS if k in present]
key = ui.select("指标", options, "metric", default="applications.new_received.total", format_func=ui.metric_label)
st.caption("趋势图显示全部年度（不受左侧「年度」筛选影响）。" + (M.METRICS[key].definition if key else ""))
if chosen and key:
    m = M.METRICS[key]
    d = tidy[(tidy["metric"] == key) & tidy["agency"].isin(chosen)][["agency", "year", "value", "suspect"]].sort_values(
        ["agency", "year"])
    if d.empty:
        st.info("所选机构没有该指标的数据。")
    else:
        out = d.assign(suspect=d["suspect"].map({True: "可疑", False: ""})).rename(
            columns={"agency": "机构", "year": "年度", "value": m.label, "suspect": "数值可疑"})
        palette = C.colours(chosen)
        ui.chart(C.trend_lines(d, m.label, m.unit, palette), f"{m.label}_年度趋势", out, "trend")
        d = M.year_over_year(d[~d["suspect"].astype(bool)].drop(columns="suspect"))  # no change computed from a doubted value
        if d["change"].notna().any():
            out = d.rename(columns={"agency": "机构", "year": "年度", "value": m.label, "change": "同比变化（%）"})
            ui.chart(C.yoy_bars(d, m.label, palette), f"{m.label}_同比变化", out, "yoy")
        else:
            st.info("同比变化需要同一机构相邻两个年度的数据（上年为 0 时不计算）。")
