"""收费: 行政事业性收费 (万元, Table 2) and 信息处理费 (元, section 六)."""
from functools import partial

import streamlit as st

import ui
from core import charts as C
from core import metrics as M


@ui.view
def shown(data: ui.Data, filters: ui.Filters) -> list[ui.Step]:
    """The page's charts and notes for these filters (worked out once for every session)."""
    steps: list[ui.Step] = []
    wide = filters.apply(data.wide)
    for key, note in (("proactive.fees.amount_wan", "表二「第二十条第（八）项 行政事业性收费」的本年收费金额。"),
                      ("processing_fee.yuan", "正文第六部分报告的政府信息公开信息处理费（国办函〔2020〕109号）。")):
        m = M.METRICS[key]
        steps += [partial(st.subheader, m.label), partial(st.caption, note + "未填写的机构不显示。")]
        if key not in wide or wide[key].notna().sum() == 0:
            steps.append(partial(st.info, f"所选机构的报告中没有{m.label}数据。"))
            continue
        table = wide[["agency", key]].rename(columns={key: "value"}).assign(flag=M.flag_frame(wide, [key])[key])
        steps.append(partial(ui.chart, C.ranked_bars(filters.limit(table, "value"), m.label, m.unit, filters.year,
                                                     M.peer_mean(table["value"]), of=int(table["value"].notna().sum())),
                             f"{m.label}_{filters.year}年", ui.with_links(M.table_for(wide, [key]), wide), key))
    return steps


data, filters = ui.frame("收费")
ui.year_reports(data, filters)  # stops the page, saying why, when the filters keep no report
ui.draw(shown(data, filters))
