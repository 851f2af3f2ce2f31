"""年度趋势: chosen agencies over years, and the year-over-year change."""
from functools import partial

import streamlit as st

import ui
from core import charts as C
from core import metrics as M


@ui.view
def choices(data: ui.Data, filters: ui.Filters) -> tuple[list[str], list[str], list[str]]:
    """(agencies, the five with the most years, metrics some report gives) over every year."""
    wide = filters.apply(data.wide, by_year=False)
    counts = wide.groupby("agency")["year"].nunique().sort_values(ascending=False)
    present = set(wide.columns[wide.notna().any().to_numpy()])  # one pass over the frame, not one per column
    return sorted(wide["agency"].dropna().unique()), list(counts.index[:5]), [k for k in M.METRICS if k in present]


@ui.view
def lines(data: ui.Data, filters: ui.Filters, chosen: tuple[str, ...], key: str) -> list[ui.Step]:
    """The chosen agencies' values over the years and their year-over-year change."""
    m = M.METRICS[key]
    wide = filters.apply(data.wide, by_year=False)
    d = M.series(wide[wide["agency"].isin(chosen)], key)[["agency", "year", "value", "suspect", "flag"]]
    d = d.sort_values(["agency", "year"])
    if d.empty:
        return [partial(st.info, f"所选机构的报告中没有「{m.label}」数据。")]
    out = d.assign(unit=m.unit).rename(columns={"agency": "机构", "year": "年度", "value": m.label, "unit": "单位",
                                                "flag": "校验发现"}).drop(columns="suspect")
    palette = C.colours(list(chosen))
    steps: list[ui.Step] = [partial(ui.chart, C.trend_lines(d, m.label, m.unit, palette), f"{m.label}_年度趋势", out, "trend")]
    single = sorted(set(chosen) - set(d.groupby("agency")["year"].nunique().loc[lambda n: n > 1].index))
    if single:
        steps.append(partial(st.caption, "只有一个年度入库的机构（图中为单独的点）：" + "、".join(ui.md(a) for a in single)))
    # no change computed from a doubted value
    d = M.year_over_year(d[~d["suspect"].astype(bool)].drop(columns=["suspect", "flag"]))
    if d["change"].notna().any():
        out = d.assign(unit="%").rename(columns={"agency": "机构", "year": "年度", "value": m.label,
                                                 "change": "同比变化", "unit": "单位"})
        steps.append(partial(ui.chart, C.yoy_bars(d, m.label, palette), f"{m.label}_同比变化", out, "yoy"))
    else:
        steps.append(partial(st.info, "同比变化需要同一机构相邻两个年度的报告都在资料库中（上年为 0 时不计算）。"))
    return steps


data, filters = ui.frame("年度趋势")
ui.require_reports(data)
agencies, most_years, options = choices(data, filters)
chosen = ui.multiselect("机构", agencies, "agencies", default=most_years, placeholder="选择机构")
key = ui.select("指标", options, "metric", default="applications.new_received.total", format_func=ui.metric_label)
st.caption("趋势图显示全部年度（不受左侧「年度」筛选影响）；某年度的报告不在资料库中时，折线在该年断开。"
           + (M.METRICS[key].definition if key else ""))
if not chosen:
    st.info("请在上方选择至少一个机构。")
elif key:
    ui.draw(lines(data, filters, tuple(chosen), key))
