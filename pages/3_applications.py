"""申请办理: received vs handled, outcome composition, applicant types, rates with definitions."""
from functools import partial

import pandas as pd
import streamlit as st

import ui
from core import charts as C
from core import fields as F
from core import metrics as M

FLOW = {"applications.new_received.total": "本年新收", "applications.carried_over.total": "上年结转",
        "applications.total.total": "（七）办结总计", "applications.carried_forward.total": "结转下年度"}
OUTCOME = {"applications.granted.total": "予以公开", "applications.partial.total": "部分公开",
           "derived.denied": "不予公开", "derived.unable": "无法提供", "derived.rejected": "不予处理",
           "derived.other_handling": "其他处理"}
APPLICANTS = {f"applications.new_received.{c}": label for c, label in F.APPLICANT_COLUMNS[:-1]}
RATES = ["derived.open_rate", "derived.denied_rate", "derived.unable_rate", "derived.rejected_rate",
         "derived.carry_forward_rate"]


def _shown_reports(data: ui.Data, filters: ui.Filters) -> pd.DataFrame:
    return filters.limit(filters.apply(data.wide), "applications.total.total").sort_values("agency")


def _chart(wide: pd.DataFrame, title: str, keys: dict[str, str], name: str, year, chart) -> ui.Step:
    """A chart of these columns, or a sentence when no report in view gives any of them."""
    present = [k for k in keys if k in wide and wide[k].notna().any()]
    if not present:
        return partial(st.info, f"{title}：所选机构的报告中没有这些数据（表格未填写或未读到）。")
    sub = wide[["report_id", "agency", "year", "flags", *present]]
    return partial(ui.chart, chart(sub, {k: keys[k] for k in present}, M.flag_frame(sub, present)), f"{name}_{year}年",
                   ui.with_links(M.table_for(sub, present, keys), sub), name)


@ui.view
def flow(data: ui.Data, filters: ui.Filters) -> list[ui.Step]:
    """收到与办结 for these filters (worked out once for every session)."""
    wide, year = _shown_reports(data, filters), filters.year
    steps: list[ui.Step] = []
    if filters.top and len(wide) == filters.top:
        steps.append(partial(st.caption, f"图表显示办结总数最多的 {filters.top} 个机构（可在左侧「图表中的机构」调整）。"))
    steps.append(_chart(wide, "收到与办结", FLOW, "收办情况", year,
                        lambda sub, labels, marks: C.grouped_bars(sub, labels, year, "收到与办结", flags=marks)))
    return steps


@ui.view
def compositions(data: ui.Data, filters: ui.Filters, share: bool) -> list[ui.Step]:
    """Outcomes, applicant types (as counts or shares) and the rates' table."""
    wide, year = _shown_reports(data, filters), filters.year
    steps = [
        _chart(wide, "办理结果构成", OUTCOME, "办理结果构成", year,
               lambda sub, labels, marks: C.stacked(sub, labels, "办理结果构成", year, share=share, flags=marks)),
        partial(st.subheader, "申请人类型（本年新收）"),
        _chart(wide, "申请人类型", APPLICANTS, "申请人类型", year,
               lambda sub, labels, marks: C.stacked(sub, labels, "本年新收申请：申请人类型", year, share=share, flags=marks)),
        partial(st.subheader, "比率"),
        *(partial(st.caption, M.METRICS[key].definition) for key in RATES)]
    table = M.table_for(wide, RATES)
    why = pd.concat([M.left_out(wide, k).assign(rate=M.METRICS[k].label) for k in RATES])
    reasons = why.groupby("agency").apply(lambda g: "；".join(f"{r}：{w}" for r, w in zip(g["rate"], g["reason"])),
                                          include_groups=False) if not why.empty else pd.Series(dtype=str)
    table["未计算的原因"] = [reasons.get(a, "") for a in table["机构"]]
    columns = {c: st.column_config.NumberColumn(c, format="%.1f") for c in table.columns if c.endswith("（%）")}
    steps.append(partial(st.dataframe, table, hide_index=True, height="content", placeholder="—",
                         column_config=columns | {"年度": st.column_config.NumberColumn("年度", format="%d")}))
    return steps


data, filters = ui.frame("申请办理")
ui.year_reports(data, filters)  # stops the page, saying why, when the filters keep no report
ui.draw(flow(data, filters))
st.subheader("办理结果构成")
mode = ui.radio("显示方式", ["件数", "占比"], "mode")
ui.draw(compositions(data, filters, mode == "占比"))
st.caption("「—」：该机构的比率未计算（原因见最后一列）。标有校验发现的，比率所依据的数值来自表格不平衡的报告。")
