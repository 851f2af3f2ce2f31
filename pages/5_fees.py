"""收费: 行政事业性收费 (万元, Table 2) and 信息处理费 (元, section 六)."""
import streamlit as st

import ui
from core import charts as C
from core import metrics as M

data, filters = ui.frame("收费")
wide = ui.year_reports(data, filters)
for key, note in (("proactive.fees.amount_wan", "表二「第二十条第（八）项 行政事业性收费」的本年收费金额。"),
                  ("processing_fee.yuan", "正文第六部分报告的政府信息公开信息处理费（国办函〔2020〕109号）。")):
    m = M.METRICS[key]
    st.subheader(m.label)
    st.caption(note + "未填写的机构不显示。")
    if key not in wide or wide[key].notna().sum() == 0:
        st.info(f"所选机构的报告中没有{m.label}数据。")
        continue
    table = wide[["agency", key]].rename(columns={key: "value"}).assign(flag=M.flag_frame(wide, [key])[key])
    ui.chart(C.ranked_bars(filters.limit(table, "value"), m.label, m.unit, filters.year, M.peer_mean(table["value"]),
                           of=int(table["value"].notna().sum())),
             f"{m.label}_{filters.year}年", ui.with_links(M.table_for(wide, [key]), wide), key)
