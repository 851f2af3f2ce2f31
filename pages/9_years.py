"""年度对照: one agency's report beside its report of an earlier year, cell by cell — what moved and by
how much, what was filled in or left empty — with the cross-year findings (R5, R7, R8) of the pair, and
section by section how much of the prose is last year's."""
from functools import partial

import pandas as pd
import streamlit as st

import ui
from core import compare_years as Y
from core.checks import rule_name

KIND_STYLE = {"up": "background-color: #dcfce7", "down": "background-color: #fee2e2",
              "filled": "background-color: #dbeafe", "emptied": "background-color: #fef3c7",
              "unread": "color: #6b7280; font-style: italic"}


def headline(counts: list[tuple[str, int]]) -> None:
    """How many cells moved which way, in a row of figures."""
    for col, (label, n) in zip(st.columns(len(counts)), counts):
        col.metric(label, f"{n} 格")


@ui.view
def years_of(data: ui.Data, filters: ui.Filters) -> dict[str, dict[int, int]]:
    """Agency → year → report id, for the agencies the filters keep that have two years or more."""
    wide = filters.apply(data.wide, by_year=False)
    out: dict[str, dict[int, int]] = {}
    for agency, year, rid in zip(wide["agency"], wide["year"], wide["report_id"]):
        if isinstance(agency, str) and year == year and year is not None:
            out.setdefault(agency, {})[int(year)] = int(rid)
    return {a: dict(sorted(y.items())) for a, y in sorted(out.items()) if len(y) > 1}


@ui.view
def compared(data: ui.Data, filters: ui.Filters, base_id: int, this_id: int, changed_only: bool) -> list[ui.Step]:
    """The two reports cell by cell (or only the cells that changed or could not be compared), the
    headline counts and the pair's cross-year findings."""
    wide = data.wide.set_index("report_id", drop=False)
    base, this = wide.loc[base_id], wide.loc[this_id]
    changes = Y.cell_changes(base, this)
    counts = Y.summary(changes)
    steps: list[ui.Step] = []
    if str(base.get("template")) != str(this.get("template")):
        steps.append(partial(st.info, f"两年的报告使用不同模板（{base['template']}年格式、{this['template']}年格式），"
                                      "只有一年的模板才有的格不作比较。"))
    cols = ("up", "down", "same", "filled", "emptied", "unread")
    steps.append(partial(headline, [(Y.CHANGE_WORDS[k], counts[k]) for k in cols]))
    w = data.warnings
    cross = w[(w["report_id"] == this_id) & w["rule"].isin(["R5", "R7", "R8"])]
    for rule, message in zip(cross["rule"], cross["message"]):
        steps.append(partial(st.warning, f"**{ui.md(rule_name(rule))}**（跨年度）　{ui.md(message)}"))
    compared_cells = counts["up"] + counts["down"] + counts["same"]
    if compared_cells and counts["same"] == compared_cells and not counts["filled"] + counts["emptied"]:
        steps.append(partial(st.warning, f"两年报告中可比较的 {compared_cells} 个格数值完全相同：请核实本年报告是否照搬上年。"))
    before, now = f"{int(base['year'])}年", f"{int(this['year'])}年"
    if changed_only:
        changes = changes[~changes["kind"].isin(["same", "blank", "other_template"])]
        if changes.empty:
            steps.append(partial(st.info, "没有数值变化或无法比较的格。关闭上方「只显示有变化的格」可查看全部。"))
    text = ui.lib().sections([base_id, this_id])
    steps += prose(text.get(base_id, {}), text.get(this_id, {}), before, now)
    for table, rows in changes.groupby("table", sort=False):
        shown = pd.DataFrame({"项目": rows["item"], before: rows["before"], now: rows["now"],
                              "变化": [("" if c is None or pd.isna(c) else "0" if c == 0 else f"{c:+,.0f}"
                                        if float(c).is_integer() else f"{c:+,.2f}") for c in rows["change"]],
                              "说明": rows["kind"].map(Y.CHANGE_WORDS)})
        styles = pd.DataFrame({c: rows["kind"].map(lambda k: KIND_STYLE.get(k, "")).to_numpy() for c in shown.columns},
                              index=shown.index)
        steps += [partial(st.subheader, table or "其他"),
                  partial(st.dataframe, shown.style.apply(lambda _, s=styles: s, axis=None), hide_index=True,
                          height="content")]
    return steps


def prose(before: dict[str, str], now: dict[str, str], base_label: str, this_label: str) -> list[ui.Step]:
    """Each section's share of text already in last year's, a copied 第五部分 pointed out, and this year's
    text with its new sentences highlighted."""
    if not before and not now:
        return []
    steps: list[ui.Step] = [partial(st.subheader, "正文对照"), partial(
        st.caption, f"相同文字的比例：{this_label}该部分的文字（每三个连续的字为一段）有多少也出现在{base_label}同一部分中。"
                    "展开可看本年全文：浅蓝底为新写的句子，其余为与上年基本相同的句子。")]
    for number, name in Y.SECTION_NAMES.items():
        a, b = before.get(number, ""), now.get(number, "")
        if not b:
            if a:
                steps.append(partial(st.caption, f"第{number}部分「{name}」：{this_label}报告中没有这一部分的文字（{base_label}有）。"))
            continue
        share = Y.similarity(a, b)
        title = f"第{number}部分「{name}」：与{base_label}相同的文字约 {share:.0%}" if share is not None else f"第{number}部分「{name}」"
        if number == "五" and share is not None and share >= Y.COPIED:
            steps.append(partial(st.warning, f"{title}。「存在的主要问题及改进情况」与上年高度相似，请核实是否照搬上年。"))
        text = "".join(ui.md(part) if copied else f":blue-background[{ui.md(part)}]" for part, copied in Y.passages(a, b))
        steps.append(partial(_expander, title, text))
    return steps


def _expander(title: str, text: str) -> None:
    with st.expander(title):
        st.markdown(text)


data, filters = ui.frame("年度对照")
ui.require_reports(data)
agencies = years_of(data, filters)
if not agencies:
    st.info("资料库中还没有哪个机构有两个年度的报告（筛选条件下）。上传同一机构另一年度的报告后即可对照。")
    st.stop()
left, middle, right = st.columns([2, 1, 1])
agency = ui.select("机构", list(agencies), "agency", container=left, help="只列出有两个及以上年度报告的机构")
years = list(agencies[agency])
year = ui.select("本年度", years[1:], "this", default=years[-1], container=middle)
base_year = ui.select("对照年度", [y for y in years if y < year], "base", default=max(y for y in years if y < year),
                      container=right)
st.caption("绿色：增加；红色：减少；蓝色：上年空白、本年填报；黄色：上年填报、本年空白；灰色斜体：有一年未读到，不作比较。"
           "机构名称只差地区前缀的（如更名前后）视为同一机构。")
changed_only = st.toggle("只显示有变化的格", value=True, help="有增减、一年空白一年填报、或有一年未读到的格")
ui.draw(compared(data, filters, agencies[agency][base_year], agencies[agency][year], changed_only))
