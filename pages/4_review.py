"""复议诉讼: review and litigation results per agency, and the correction rates."""
from functools import partial

import streamlit as st

import ui
from core import charts as C
from core import fields as F
from core import metrics as M


@ui.view
def shown(data: ui.Data, filters: ui.Filters) -> list[ui.Step]:
    """The page's charts and notes for these filters (worked out once for every session)."""
    steps: list[ui.Step] = []
    wide = filters.apply(data.wide)
    wide = wide.assign(_cases=wide[[k for k in ("review.total", "derived.litigation_total") if k in wide]].sum(axis=1))
    wide = filters.limit(wide, "_cases").sort_values("agency")
    if filters.top and len(wide) == filters.top:
        steps.append(partial(st.caption, f"图表显示复议、诉讼案件最多的 {filters.top} 个机构（可在左侧「图表中的机构」调整）。"))
    year = filters.year
    results = {c: label for c, label in F.REVIEW_COLUMNS if c != "total"}
    for group, group_label in F.REVIEW_GROUPS:
        cats = {f"{group}.{c}": label for c, label in results.items()}
        present = [k for k in cats if k in wide and wide[k].notna().any()]
        total = [f"{group}.total"] if f"{group}.total" in wide else []
        sub = wide[["report_id", "agency", "year", "flags", *present, *total]]
        if not present:
            steps.append(partial(st.info, f"{group_label}：所选机构的报告中没有这些数据（表格未填写或未读到）。"))
            continue
        if sub[present].fillna(0).to_numpy().sum() == 0 and not M.flag_frame(sub, present).to_numpy().any():
            steps.append(partial(st.caption, f"{group_label}：所选机构均为 0 件或未填写。"))
            continue
        steps.append(partial(ui.chart, C.stacked(sub, {k: cats[k] for k in present}, f"{group_label}：办理结果", year,
                                                 flags=M.flag_frame(sub, present)),
                             f"{group_label}_{year}年", ui.with_links(M.table_for(sub, [*present, *total]), sub), group))
    steps.append(partial(st.subheader, "纠错率"))
    for key in ("derived.review_correction_rate", "derived.litigation_correction_rate"):
        m = M.METRICS[key]
        steps.append(partial(st.caption, m.definition))
        table = wide[["agency", key]].rename(columns={key: "value"}).assign(flag=M.flag_frame(wide, [key])[key])
        left_out = M.left_out(wide, key)
        if table["value"].notna().any():
            steps.append(partial(ui.chart, C.ranked_bars(table, m.label, m.unit, year, M.peer_mean(table["value"]),
                                                         left_out=left_out),
                                 f"{m.label}_{year}年", ui.with_links(M.table_for(wide, [key]), wide), key))
        else:
            steps.append(partial(st.info, f"{m.label}：所选机构没有已审结的案件，不计算。"))
        steps.append(partial(ui.left_out_note, left_out, m.label))
    return steps


data, filters = ui.frame("复议诉讼")
ui.year_reports(data, filters)  # stops the page, saying why, when the filters keep no report
ui.draw(shown(data, filters))
