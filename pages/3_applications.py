"""申请办理: received vs handled, outcome composition, applicant types, rates with definitions."""
import streamlit as st

import ui
from core import charts as C
from core import fields as F
from core import metrics as M

data, filters = ui.frame("申请办理")
wide = ui.year_reports(data, filters)
wide = filters.limit(wide, "applications.total.total").sort_values("agency")
if filters.top and len(wide) == filters.top:
    st.caption(f"图表显示办结总数最多的 {filters.top} 个机构（可在左侧「图表中的机构」调整）。")
year = filters.year
flow = {"applications.new_received.total": "本年新收", "applications.carried_over.total": "上年结转",
        "applications.total.total": "（七）办结总计", "applications.carried_forward.total": "结转下年度"}
sub = wide[["agency", *[k for k in flow if k in wide]]]
ui.chart(C.grouped_bars(sub, flow, year, title="收到与办结"), f"收办情况_{year}年", sub.rename(columns={"agency": "机构", **flow}), "flow")

st.subheader("办理结果构成")
outcome = {"applications.granted.total": "予以公开", "applications.partial.total": "部分公开",
           "derived.denied": "不予公开", "derived.unable": "无法提供", "derived.rejected": "不予处理",
           "derived.other_handling": "其他处理"}
mode = ui.radio("显示方式", ["件数", "占比"], "mode")
sub = wide[["agency", *[k for k in outcome if k in wide]]]
ui.chart(C.stacked(sub, outcome, "办理结果构成", year, share=mode == "占比"), f"办理结果构成_{year}年",
         sub.rename(columns={"agency": "机构", **outcome}), "outcome")

st.subheader("申请人类型（本年新收）")
applicants = {f"applications.new_received.{c}": label for c, label in F.APPLICANT_COLUMNS[:-1]}
sub = wide[["agency", *[k for k in applicants if k in wide]]]
ui.chart(C.stacked(sub, applicants, "本年新收申请：申请人类型", year, share=mode == "占比"), f"申请人类型_{year}年",
         sub.rename(columns={"agency": "机构", **applicants}), "applicants")

st.subheader("比率")
rates = ["derived.open_rate", "derived.denied_rate", "derived.unable_rate", "derived.rejected_rate",
         "derived.carry_forward_rate"]
for key in rates:
    st.caption(M.METRICS[key].definition)
table = wide[["agency", *rates]].astype({k: float for k in rates}).rename(
    columns={"agency": "机构", **{k: M.METRICS[k].label + "（%）" for k in rates}})
st.dataframe(table, hide_index=True, height="content", placeholder="—",
             column_config={c: st.column_config.NumberColumn(c, format="%.1f") for c in table.columns[1:]})
st.caption("「—」表示分母为 0 或数据缺失，不计算比率。")
