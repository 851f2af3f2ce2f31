"""机构对比: one year, any field or derived rate → ranked bars, several metrics, heatmap."""
from functools import partial

import streamlit as st

import ui
from core import charts as C
from core import metrics as M


@ui.view
def metrics_present(data: ui.Data, filters: ui.Filters) -> list[str]:
    """The metrics some report of the year gives, in the dashboard's order."""
    wide = filters.apply(data.wide)
    present = set(wide.columns[wide.notna().any().to_numpy()])  # one pass over the frame, not one per column
    return [k for k in M.METRICS if k in present]


@ui.view
def ranked(data: ui.Data, filters: ui.Filters, key: str) -> list[ui.Step]:
    """One metric's ranking (worked out once for every session)."""
    wide, m = filters.apply(data.wide), M.METRICS[key]
    table = wide[["agency", key]].rename(columns={key: "value"}).assign(flag=M.flag_frame(wide, [key])[key])
    left_out = M.left_out(wide, key)
    return [partial(st.caption, m.definition or f"表格字段：{m.label}"),
            partial(ui.chart, C.ranked_bars(filters.limit(table, "value"), m.label, m.unit, filters.year,
                                            M.peer_mean(table["value"]), of=int(table["value"].notna().sum()),
                                            left_out=left_out),
                    f"{m.label}_{filters.year}年_机构排名", ui.with_links(M.table_for(wide, [key]), wide), "ranked"),
            partial(ui.left_out_note, left_out, m.label)]


@ui.view
def side_by_side(data: ui.Data, filters: ui.Filters, chosen: tuple[str, ...]) -> list[ui.Step]:
    """Several metrics: grouped bars per unit and a heatmap."""
    labels = {k: M.METRICS[k].label for k in chosen}
    wide = filters.apply(data.wide)
    sub = filters.limit(wide[["agency", "year", "flags", *chosen]], chosen[0]).sort_values("agency")
    marks = M.flag_frame(sub, list(chosen))
    steps: list[ui.Step] = []
    for unit in sorted({M.METRICS[k].unit for k in chosen}):  # one axis per unit: 件, %, 万元 side by side would hide the small ones
        group = {k: v for k, v in labels.items() if M.METRICS[k].unit == unit}
        steps.append(partial(ui.chart, C.grouped_bars(sub, group, filters.year, title=f"多项指标对比（{unit}）", flags=marks,
                                                      unit=unit),
                             f"多项指标对比_{unit}_{filters.year}年", M.table_for(sub, group), f"grouped_{unit}"))
    steps.append(partial(ui.chart, C.heatmap(sub, labels, filters.year, flags=marks), f"机构指标热力图_{filters.year}年",
                         M.table_for(sub, list(chosen)), "heatmap"))
    return steps


data, filters = ui.frame("机构对比")
ui.year_reports(data, filters)  # stops the page, saying why, when the filters keep no report
options = metrics_present(data, filters)
key = ui.select("指标", options, "metric", default="applications.new_received.total", format_func=ui.metric_label)
ui.draw(ranked(data, filters, key))

st.subheader("多项指标")
defaults = [k for k in ("applications.new_received.total", "applications.total.total", "review.total") if k in options]
chosen = ui.multiselect("选择要并列比较的指标", options, "metrics", default=defaults, format_func=ui.metric_label)
if chosen:
    ui.draw(side_by_side(data, filters, tuple(chosen)))
