"""数据校验: every warning in the library (incl. cross-year R5, R7, R8), filterable, with links."""
import pandas as pd
import streamlit as st

import ui
from core import charts as C

RULES = {"R1": "R1 勾稽关系（一+二=三(七)+四）", "R2": "R2 办理结果之和=总计", "R3": "R3 各类申请人之和=总计",
         "R4": "R4 复议诉讼结果之和=总计", "R5": "R5 上年结转=上年结转下年", "R6": "R6 正文与表格一致",
         "R7": "R7 现行有效件数衔接", "R8": "R8 与上年完全相同", "R9": "R9 按期发布",
         "short_row": "缺格/残行", "unreadable_cell": "无法识别的单元格", "missing_table": "缺少表格",
         "missing_row": "缺少行", "missing_meta": "缺少机构或年度", "split_number": "疑似拆开的数字",
         "implausible_value": "不合理数值", "missing_section": "缺少部分", "year_mismatch": "年度不一致", "template_year": "模板与年度不符",
         "duplicate_row": "重复的行", "unit_unstated": "未注明单位"}

data, filters = ui.frame("数据校验")
ui.require_reports(data)
st.caption("显示所有年度（不受左侧「年度」筛选影响）。「错误」指报告自身表格不平衡（R1–R4），本身就是督查发现。")
w = filters.apply(data.warnings, by_year=False)
c1, c2, c3 = st.columns(3)
severities = ui.multiselect("严重程度", ["error", "warning", "info"], "severity", default=["error", "warning"],
                            container=c1, format_func=lambda s: C.SEVERITY_LABELS[s])
rules = ui.multiselect("规则", sorted(set(w["rule"])), "rules", container=c2, format_func=lambda r: RULES.get(r, r),
                       placeholder="全部规则")
agencies = ui.multiselect("机构", sorted(w["agency"].dropna().unique()), "agency", container=c3, placeholder="全部机构")
shown = w[w["severity"].isin(severities or ["error", "warning", "info"])]
if rules:
    shown = shown[shown["rule"].isin(rules)]
if agencies:
    shown = shown[shown["agency"].isin(agencies)]

st.subheader("各机构质量概况")
quality = (w.assign(n=1).pivot_table(index="agency", columns="severity", values="n", aggfunc="sum", fill_value=0)
           .reindex(columns=["error", "warning", "info"], fill_value=0)
           .rename(columns=C.SEVERITY_LABELS).reset_index().rename(columns={"agency": "机构"}))
reported = data.wide[data.wide["agency"].isin(filters.agencies(data.wide["agency"].dropna().unique()))]
quality = reported.groupby("agency").size().rename("报告数").reset_index().rename(columns={"agency": "机构"}).merge(
    quality, on="机构", how="left").fillna(0)
st.dataframe(quality.sort_values(["错误", "警告"], ascending=False), hide_index=True, height="content")

st.subheader(f"校验发现（{len(shown)} 条）")
table = pd.DataFrame({
    "严重程度": shown["severity"].map(C.SEVERITY_LABELS), "规则": shown["rule"].map(lambda r: RULES.get(r, r)),
    "机构": shown["agency"], "年度": shown["year"].astype("Int64"), "说明": shown["message"],
    "涉及单元格": shown["fields"], "位置": shown["where"], "报告": [f"/report?id={i}" for i in shown["report_id"]]})
st.dataframe(table, hide_index=True, height="content",
             column_config={"报告": st.column_config.LinkColumn("报告", display_text="查看报告"),
                            "说明": st.column_config.TextColumn("说明", width="large")})
st.download_button("下载校验发现（CSV）", C.to_csv(table), file_name="校验发现.csv", mime="text/csv")
