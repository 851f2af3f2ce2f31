"""机构对比: one year, any field or derived rate → ranked bars, several metrics, heatmap."""
import streamlit as st

import ui
from core import charts as C
from core import metrics as M

data, filters = ui.frame("机构对比")
wide = ui.year_reports(data, filters)
present = set(wide.columns[wide.notna().any().to_numpy()])  # one pass over the frame, not one per column
options = [k for k in M.METRICS if k in present]
key = ui.select("指标", options, "metric", default="applications.new_received.total", format_func=ui.metric_label)
m = M.METRICS[key]
st.caption(m.definition or f"表格字段：{m.label}")
table = wide[["agency", key]].rename(columns={key: "value"}).assign(flag=M.flag_frame(wide, [key])[key])
left_out = M.left_out(wide, key)
ui.chart(C.ranked_bars(filters.limit(table, "value"), m.label, m.unit, filters.year, M.peer_mean(table["value"]),
                       of=int(table["value"].notna().sum()), left_out=left_out),
         f"{m.label}_{filters.year}年_机构排名", ui.with_links(M.table_for(wide, [key]), wide), "ranked")
ui.left_out_note(left_out, m.label)

st.subheader("多项指标")
defaults = [k for k in ("applications.new_received.total", "applications.total.total", "review.total") if k in options]
chosen = ui.multiselect("选择要并列比较的指标", options, "metrics", default=defaults, format_func=ui.metric_label)
if chosen:
    labels = {k: M.METRICS[k].label for k in chosen}
    sub = filters.limit(wide[["agency", "year", "flags", *chosen]], chosen[0]).sort_values("agency")
    marks = M.flag_frame(sub, chosen)
    for unit in sorted({M.METRICS[k].unit for k in chosen}):  # one axis per unit: 件, %, 万元 side by side would hide the small ones
        group = {k: v for k, v in labels.items() if M.METRICS[k].unit == unit}
        ui.chart(C.grouped_bars(sub, group, filters.year, title=f"多项指标对比（{unit}）", flags=marks, unit=unit),
                 f"多项指标对比_{unit}_{filters.year}年", M.table_for(sub, group), f"grouped_{unit}")
    ui.chart(C.heatmap(sub, labels, filters.year, flags=marks), f"机构指标热力图_{filters.year}年",
             M.table_for(sub, chosen), "heatmap")
