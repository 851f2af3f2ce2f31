"""数据校验: every finding in the library (incl. cross-year R5, R7, R8), most severe first, filterable,
each with a link to the report; the per-agency summary and the incompletely read reports below."""
import pandas as pd
import streamlit as st

import ui
from core import charts as C
from core import metrics as M
from core.checks import rule_name

ORDER = {"error": 0, "warning": 1, "info": 2}
# the severity as a coloured label (a one-option list in a multiselect column: no Styler, which took
# 0.11 s per run to render 300 rows)
SEVERITY_COLUMN = st.column_config.MultiselectColumn(
    "严重程度", width="small", options=["错误", "警告", "提示"], color=["#c0392b", "#d68910", "#7f8c8d"])


@ui.view
def library_findings(data: ui.Data, filters: ui.Filters) -> dict:
    """The findings in the filters' agencies (all years), the completeness of their reports, and the
    per-agency summary: worked out once per library state and filters."""
    w = filters.apply(data.warnings, by_year=False)
    reported = data.wide[data.wide["agency"].isin(filters.agencies(data.wide["agency"].dropna().unique()))]
    per_report = M.completeness_frame(reported).merge(reported[["report_id", "agency", "year", "file"]], on="report_id")
    quality = (w.assign(n=1).pivot_table(index="agency", columns="severity", values="n", aggfunc="sum", fill_value=0)
               .reindex(columns=["error", "warning", "info"], fill_value=0)
               .rename(columns=C.SEVERITY_LABELS).reset_index().rename(columns={"agency": "机构"}))
    complete = M.completeness_frame(reported, by="agency")[["agency", "完整度"]].rename(columns={"agency": "机构"})
    quality = reported.groupby("agency").size().rename("报告数").reset_index().rename(columns={"agency": "机构"}).merge(
        quality, on="机构", how="left").fillna(0).merge(complete, on="机构", how="left")
    return {"findings": w, "counts": w["severity"].value_counts(),
            "error_reports": w[w["severity"] == "error"]["report_id"].nunique(),
            "rules": sorted(set(w["rule"])), "agencies": sorted(w["agency"].dropna().unique()),
            "per_report": per_report, "completeness": per_report.set_index("report_id")["完整度"],
            "quality": C.whole_numbers(quality.sort_values(["错误", "警告"], ascending=False))}


@ui.view
def chosen(data: ui.Data, filters: ui.Filters, severities: tuple, rules: tuple, agencies: tuple) -> pd.DataFrame:
    """The findings the widgets choose, most severe first."""
    shown = library_findings(data, filters)["findings"]
    shown = shown[shown["severity"].isin(severities or ("error", "warning", "info"))]
    if rules:
        shown = shown[shown["rule"].isin(rules)]
    if agencies:
        shown = shown[shown["agency"].isin(agencies)]
    return shown.assign(_order=shown["severity"].map(ORDER)).sort_values(["_order", "agency", "year", "rule"])


data, filters = ui.frame("数据校验")
ui.require_reports(data)
st.caption("显示所有年度（不受左侧「年度」筛选影响）。「错误」指报告自身表格不平衡（R1–R4），本身就是督查发现；"
           "「提示」包括「无法核验」（有单元格未读到，规则无法判断，不计为错误）。")
found = library_findings(data, filters)
counts = found["counts"]
a, b, c = st.columns(3)
a.metric("错误", int(counts.get("error", 0)), f"{found['error_reports']} 份报告",
         delta_color="gray", delta_arrow="off", help="R1–R4：报告自身表格不平衡")
b.metric("警告", int(counts.get("warning", 0)))
c.metric("提示", int(counts.get("info", 0)), help="含「无法核验」：未读到单元格，不计为错误")

c1, c2, c3 = st.columns(3)
severities = ui.multiselect("严重程度", ["error", "warning", "info"], "severity", default=["error", "warning"],
                            container=c1, format_func=lambda s: C.SEVERITY_LABELS[s], placeholder="全部")
rules = ui.multiselect("规则", found["rules"], "rules", container=c2, format_func=rule_name, placeholder="全部规则")
agencies = ui.multiselect("机构", found["agencies"], "agency", container=c3, placeholder="全部机构")
shown = chosen(data, filters, tuple(severities), tuple(rules), tuple(agencies))
per_report, completeness = found["per_report"], found["completeness"]

st.subheader(f"校验发现（{len(shown)} 条）")


def findings_table(found: pd.DataFrame) -> pd.DataFrame:
    """The findings as shown and downloaded (made for the rows shown, and for all only when downloaded)."""
    return pd.DataFrame({
        "严重程度": found["severity"].map(C.SEVERITY_LABELS), "机构": found["agency"], "年度": found["year"].astype("Int64"),
        "规则": found["rule"].map(rule_name), "说明": found["message"], "位置": found["where"], "涉及单元格": found["fields"],
        "完整度": found["report_id"].map(completeness).fillna("—"), "报告": ui.report_urls(found["report_id"])})


ROWS = ui.TABLE_ROWS
if len(shown) > ROWS:
    st.caption(f"下表显示最严重的前 {ROWS:,} 条（共 {len(shown):,} 条，按严重程度、机构、年度排列）；用上方的筛选缩小范围，"
               "或下载全部。")
table = findings_table(shown.head(ROWS))
st.dataframe(table.assign(严重程度=[[s] for s in table["严重程度"]]), hide_index=True,
             row_height=66, height=min(66 * min(len(shown), ROWS) + 40, 700),
             column_config={"报告": st.column_config.LinkColumn("报告", display_text="查看", width="small"),
                            "严重程度": SEVERITY_COLUMN,
                            "年度": st.column_config.NumberColumn("年度", format="%d", width="small"),
                            "机构": st.column_config.TextColumn("机构", width=130),
                            "规则": st.column_config.TextColumn("规则", width=130),
                            "说明": st.column_config.TextColumn("说明", width=380)})
st.download_button(f"下载全部 {len(shown):,} 条校验发现（CSV）", lambda: C.to_csv(findings_table(shown)),
                   file_name="校验发现.csv", mime="text/csv", on_click="ignore")

incomplete = per_report[per_report["unread"] > 0]
if not incomplete.empty:
    with st.expander(f"未完整读取的报告（{len(incomplete)} 份）"):
        st.info("这些报告中有单元格未读到（解析器未找到该行，或无法识别该格）。涉及这些单元格的勾稽规则为「无法核验」，"
                "记为「提示」，不计为错误；在上方「严重程度」中选择「提示」即可查看。")
        st.dataframe(pd.DataFrame({"机构": incomplete["agency"], "年度": incomplete["year"].astype("Int64"),
                                   "文件": incomplete["file"], "完整度": incomplete["完整度"],
                                   "未读到": incomplete["unread"].astype(int),
                                   "报告": ui.report_urls(incomplete["report_id"])}),
                     hide_index=True, height="content",
                     column_config={"报告": st.column_config.LinkColumn("报告", display_text="查看", width="small"),
                                    "年度": st.column_config.NumberColumn("年度", format="%d", width="small"),
                                    "未读到": st.column_config.NumberColumn("未读到（格）", width="small")})

with st.expander("各机构质量概况"):
    st.dataframe(found["quality"], hide_index=True, height="content",
                 column_order=["机构", "报告数", "完整度", "错误", "警告", "提示"],
                 column_config={"完整度": st.column_config.TextColumn("完整度", help="读到的单元格占模板单元格的比例（该机构各报告合计）")})
