"""报告详情: one report's tables in the template layout, cells behind warnings highlighted, where each
value was read (and, for a PDF, the cell outlined on its page), corrections by hand (with their history
and undo), the original file, and re-parse / delete."""
import time
from typing import NamedTuple

import pandas as pd
import streamlit as st

import ui
from core import corrections
from core import fields as F
from core import metrics as M
from core.charts import CORRECTED_COLOUR
from core.checks import rule_name
from core.library import CorrectionRefused, StoredReport
from core.grid import ReadError
from core.readers.ocr import OcrUnavailable
from core.readers.page_picture import picture
from core.rows import shown_value

CORRECTED_STYLE = f"border-left: 4px solid {CORRECTED_COLOUR}; font-weight: 600"  # a value an official corrected by hand
OCR_STYLE = "box-shadow: inset 0 -3px 0 #8b5cf6"  # a value read from a page image by OCR: a violet underline
HIGHLIGHT = {"error": "background-color: #f8d0cb", "warning": "background-color: #fbe7b0", "info": "background-color: #eef1f5"}
# a cell not read at all: grey italics on a hatched background, unlike a blank (white) cell
UNREAD_STYLE = ("color: #6b7280; font-style: italic; white-space: nowrap; min-width: 4em; background-color: #eceef1; "
                "background-image: repeating-linear-gradient(135deg, rgba(0,0,0,0.07) 0 2px, transparent 2px 7px)")

NO_AGENCY = ""  # the chooser's entry for reports whose agency was not recognised


class Chooser(NamedTuple):
    agencies: list[str]  # the agencies the filters keep first, each in name order
    reports: dict[str, list[dict]]  # each agency's stored reports (versions too), by year and upload
    agency_of: dict[str, str]  # report id (as in the URL) → its agency


@ui.view
def chooser(data: ui.Data, filters: ui.Filters) -> Chooser:
    """The page chooses an agency, then one of its few reports (listing all 20,000 reports in one box
    sent 1.9 MB to the browser on every run)."""
    reports: dict[str, list[dict]] = {}
    for r in sorted(data.index, key=lambda r: (r["agency"] or "", r["year"] or 0, r["uploaded_at"])):
        reports.setdefault(r["agency"] or NO_AGENCY, []).append(r)
    kept = set(filters.agencies(reports))
    return Chooser(sorted(reports, key=lambda a: (a not in kept, a)), reports,
                   {str(r["id"]): a for a, listed in reports.items() for r in listed})


class Details(NamedTuple):
    stored: StoredReport
    found: M.Findings
    unread: set[str]
    completeness: tuple[int, int]  # cells read, cells of the template
    cross_year: pd.DataFrame  # its R5, R7, R8 findings (compared with the agency's other years)
    tables: list[tuple[str, pd.DataFrame, pd.DataFrame]]  # title, cells (as Markdown), each cell's style
    provenance: pd.DataFrame


@ui.view
def details(data: ui.Data, filters: ui.Filters, report_id: int) -> Details:
    """One report as the page shows it (worked out once per library state, also for its reruns)."""
    s = ui.lib().get(report_id)
    report, f = s.report, s.fields
    unread, found = M.unread_cells(report), M.findings(report)
    severity_of: dict[str, str] = {}  # the colour of a cell: its most severe finding (「无法核验」 colours none)
    order = {"error": 0, "warning": 1, "info": 2}
    for w in found.errors + found.warnings + found.notes:
        for k in w.keys:
            if order[w.severity] < order.get(severity_of.get(k, "info"), 3) or k not in severity_of:
                severity_of[k] = w.severity
    # st.table renders its cells as Markdown: every cell through ui.md (the template's labels too)
    corrected = {c.key for c in report.corrections}
    ocr = {k for k, p in report.provenance.items() if p.ocr is not None}

    def style(key: str) -> str:
        colour = UNREAD_STYLE if key in unread else HIGHLIGHT.get(severity_of.get(key, ""), "")
        marks = [colour, CORRECTED_STYLE if key in corrected else "", OCR_STYLE if key in ocr else ""]
        return "; ".join(m for m in marks if m)
    tables = [(t.title, t.values.map(ui.md), t.keys.map(style)) for t in M.report_tables(f, s.template or "2021", unread)]
    w = data.warnings
    cross = w[(w["report_id"] == s.id) & w["rule"].isin(["R5", "R7", "R8"])]
    provenance = pd.DataFrame([{"字段": F.label(k), "数值": M.UNREAD if k in unread else "" if f.get(k) is None else str(f.get(k)),
                                "位置": p.where, "行（原文）": p.row, "列": p.col, "原文": p.text,
                                "读取方式": "文字" if p.ocr is None else f"扫描识别（置信度 {p.ocr:.2f}）"}
                               for k, p in report.provenance.items()])
    return Details(s, found, unread, report.completeness(), cross, tables, provenance)


data, filters = ui.frame("报告详情")
ui.require_reports(data)
library = ui.lib()
agencies, grouped, agency_of = chooser(data, filters)
if "flash" in st.session_state:
    st.success(st.session_state.pop("flash"))  # made of ui.md() pieces when it was set
wanted = st.query_params.get("id")
if wanted and wanted not in agency_of:
    st.warning(f"链接中的报告（编号 {ui.md(wanted)}）不存在，可能已被删除。请从下面的列表中选择报告。")
    del st.query_params["id"]
    wanted = None
pick_agency, pick_report = st.columns([1, 2])
agency = ui.select("机构", agencies, "agency", default=agency_of.get(wanted, agencies[0]),
                   container=pick_agency, format_func=lambda a: a or "（未识别机构）",
                   help="筛选条件保留的机构排在前面")
if wanted and agency_of[wanted] != agency:  # another agency was chosen: its latest report
    del st.query_params["id"]
by_id = {r["id"]: r for r in grouped[agency]}
choice = ui.select("报告", list(by_id), "id", default=list(by_id)[-1], container=pick_report,
                   format_func=lambda i: f"{by_id[i]['year'] or '—'}年　·　{by_id[i]['name']}")
with ui.guard():
    shown = details(data, filters, choice)
s, report, f, found, unread = shown.stored, shown.stored.report, shown.stored.fields, shown.found, shown.unread
st.subheader(f"{ui.md(s.agency or '（未识别机构）')}　{ui.md(s.year or '—')}年度报告")
if s.printed_agency and s.printed_agency != s.agency:
    st.caption(f"报告中写作「{ui.md(s.printed_agency)}」")
read, expected = shown.completeness
a, b, c, d, e = st.columns([1, 1.1, 1, 0.7, 0.7])
a.metric("模板", f"{ui.md(s.template)}年格式" if s.template else "—")
b.metric("落款日期", ui.md(f.get("meta.published") or "—"))
c.metric("完整度", M.completeness_share(read, expected), f"{read}/{expected} 格", delta_color="gray", delta_arrow="off",
         help="表二至表四中读到的单元格占模板单元格的比例（报告中留空的格也算读到）")
d.metric("错误", len(found.errors), help="R1–R4：报告自身表格不平衡")
e.metric("警告", len(found.warnings), help="不含跨年度核对（见右侧）")
if read < expected:
    st.info(M.unread_note(read, expected))
if any(p.ocr is not None for p in report.provenance.values()):
    st.info("本报告是扫描件，表格数值由文字识别（OCR）读出，表格中带紫色下划线；识别把握不足的数字按「未读到」处理，"
            "不作估计。引用前请对照原件核对，读错的数值可在下方「更正一个数值」中更正。", icon=":material/document_scanner:")

left, right = st.columns([2, 1])
with right:
    cross = shown.cross_year
    st.subheader(f"校验发现（错误 {len(found.errors)} · 警告 {len(found.warnings) + len(cross)} · "
                 f"无法核验 {len(found.unverifiable)}）")
    if not found.errors and not found.warnings and cross.empty:
        st.success("本报告读到的表格数字相互一致，未发现问题。")
    for w in found.errors + found.warnings:
        text = f"**{ui.md(rule_name(w.rule))}**　{ui.md(w.message)}" + (f"（{ui.md(w.where)}）" if w.where else "")
        (st.error if w.severity == "error" else st.warning)(text)
    for rule, message in zip(cross["rule"], cross["message"]):
        st.warning(f"**{ui.md(rule_name(rule))}**（跨年度）　{ui.md(message)}")
    if found.unverifiable:
        st.info(f"**无法核验（{len(found.unverifiable)} 条，不计为错误）**\n\n"
                + "\n".join(f"- {ui.md(rule_name(w.rule))}：{ui.md(w.message)}" for w in found.unverifiable))
    for w in found.notes:
        st.info(f"**{ui.md(rule_name(w.rule))}**　{ui.md(w.message)}" + (f"（{ui.md(w.where)}）" if w.where else ""))
with left:
    for title, cells, colours in shown.tables:
        st.subheader(title)
        st.table(cells.style.apply(lambda _, c=colours: c, axis=None).hide(axis="index"))
    st.caption("红色：该单元格所在的行或列不满足模板的勾稽规则；黄色：缺格、无法识别或可疑；浅蓝灰：提示；"
               "空白：报告中该格为空或为「/」「—」「无」；灰色斜纹底的「未读到」：解析器未找到该行或无法识别该格"
               "（不是报告留空），涉及它的规则「无法核验」，不计为错误；蓝色左边线：已人工更正（见下方「人工更正」）；"
               "紫色下划线：从扫描件中识别（OCR）读出的数值。")


st.subheader("人工更正")
for c in report.corrections:
    same = "（解析器现在读出的值与更正值相同，可撤销此更正）" if not c.parsed_unread and c.parsed == c.value else ""
    st.info(f"**{ui.md(corrections.label(c.key))}** 已人工更正：原读数 {ui.md(shown_value(c.parsed, c.parsed_unread))}"
            f" → {ui.md(shown_value(c.value))}。理由：{ui.md(c.reason)}{same}", icon=":material/edit:")
with ui.guard():
    history = library.correction_history(s.id)
if history:
    st.dataframe(pd.DataFrame({
        "时间": [time.strftime("%Y-%m-%d %H:%M", time.localtime(h.made_at)) for h in history],
        "项目": [corrections.label(h.key) for h in history],
        "原读数": [shown_value(h.parsed, h.parsed_unread) for h in history],
        "更正为": [shown_value(h.value) for h in history], "理由": [h.reason for h in history],
        "状态": [corrections.status(h, report.corrections) for h in history]}), hide_index=True)
    in_force = {h.id: h for h in history if not h.undone_at}
    if in_force:
        undo_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
        undo = undo_col.selectbox("撤销一项更正", list(in_force), format_func=lambda i: (
            f"{corrections.label(in_force[i].key)}：{shown_value(in_force[i].value)}（{in_force[i].reason}）"))
        if button_col.button("撤销所选更正"):
            with ui.writing(library):
                library.undo_correction(undo)
            st.session_state["flash"] = f"已撤销对「{ui.md(corrections.label(in_force[undo].key))}」的更正。"
            st.rerun()
with st.expander("更正一个数值", expanded=not history):
    st.caption("解析读错或未读到的数值，可按原文更正。更正保留原读数、理由和时间，校验随即按更正后的数值重新进行，"
               "图表与下载使用更正后的数值；重新解析时更正仍然有效，随时可以撤销。")
    keys = corrections.correctable(s.template or "2021")
    with st.form("correct", border=False):
        key = st.selectbox("项目", keys, format_func=lambda k: (
            f"{corrections.label(k)}（现为 {shown_value(f.get(k), k in unread)}）"))
        number = st.number_input("更正为（数值）", min_value=0.0, value=None, step=1.0, format="%g",
                                 placeholder="表格数值或年度")
        text = st.text_input("更正为（机构名称）", placeholder="仅更正机构名称时填写")
        template = st.selectbox("更正为（表格模板）", list(corrections.TEMPLATES), index=None,
                                format_func=corrections.TEMPLATES.get, placeholder="仅更正表格模板时选择",
                                help="按所选模板的行和列重新读取全部表格")
        blank = st.checkbox("报告中该格为空白")
        reason = st.text_input("理由（必填）", placeholder="如：原文第 3 页表三该格为 12，解析读成 2")
        if st.form_submit_button("保存更正", type="primary"):
            value = (text.strip() if key == "meta.agency" else template if key == "meta.template"
                     else None if blank or number is None else int(number) if float(number).is_integer() else number)
            if key == "meta.template" and template is None:
                st.error("请选择更正后的表格模板。")
            elif key not in ("meta.agency", "meta.template") and not blank and number is None:
                st.error("请填写更正后的数值，或勾选「报告中该格为空白」。")
            else:
                try:
                    with ui.writing(library):
                        library.correct(s.id, key, value, reason)
                except CorrectionRefused as e:
                    st.error(str(e))
                else:
                    st.session_state["flash"] = f"已更正「{ui.md(corrections.label(key))}」，校验已按更正后的数值重新进行。"
                    st.rerun()

st.subheader("数值来源")
st.dataframe(shown.provenance, hide_index=True)


@st.cache_data(max_entries=16, show_spinner=False)
def original_page(report_id: int, sha256: str, box: tuple, scanned: bool) -> bytes | str:
    """The page of the original with the cell outlined (cached by content: a rerun draws nothing again),
    or why it cannot be drawn."""
    original = ui.lib().original(report_id)
    if original is None:
        return "该报告已不在资料库中（可能刚被删除）。"
    try:
        return picture(original[1], original[0], box, scanned)
    except Exception as e:  # a damaged page, OCR components missing: say so, the rest of the page stands
        return str(e) if isinstance(e, (ReadError, OcrUnavailable)) else "无法绘制原件页面（文件可能已损坏）。"


boxed = {k: p for k, p in report.provenance.items() if p.box}
if boxed:
    scanned = any(p.ocr is not None for p in report.provenance.values())  # the report's, not one cell's
    st.subheader("核对原件")
    cell = st.selectbox("选择一个数值，在原件页面上用红框标出它所在的单元格", list(boxed), format_func=lambda k: (
        f"{F.label(k)}：{shown_value(f.get(k), k in unread)}（第 {boxed[k].box[0]} 页）"))
    where = boxed[cell]
    with ui.guard(), st.spinner("正在绘制原件页面……"):
        png = original_page(s.id, s.sha256, where.box, scanned)
    if isinstance(png, str):
        st.warning(f"无法显示原件页面：{ui.md(png)}")
    else:
        st.image(png, caption=f"原件第 {where.box[0]} 页（红框：{F.label(cell)}）"
                 + ("；扫描件按识别时摆正后的页面显示" if scanned else ""), width=900)

st.subheader("原始文件与操作")
col1, col2, col3 = st.columns(3)
# read from the library when clicked (a report's PDF is megabytes: not on every run of the page)
col1.download_button("下载原始文件", lambda: (library.original(s.id) or (s.name, b""))[1], file_name=s.name,
                     on_click="ignore")
if col2.button("重新解析", help="用当前版本的解析器重新读取原始文件"):
    with ui.writing(library):
        library.reparse(s.id)
    st.rerun()
with col3.popover("删除此报告"):
    st.markdown(f"确定删除「{ui.md(s.name)}」？删除后不可恢复。")
    if st.button("确认删除", type="primary"):
        with ui.writing(library):
            library.delete(s.id)
        del st.query_params["id"]
        st.session_state["flash"] = f"已删除「{ui.md(s.name)}」（{ui.md(s.agency or '未识别机构')} {ui.md(s.year or '')}年）。"
        st.rerun()
if s.printed_agency:
    with st.expander("机构归并"):
        st.caption(f"本报告写作「{ui.md(s.printed_agency)}」，资料库中归入「{ui.md(s.agency)}」。"
                   "名称只差地区前缀的（如「洪泽区人民政府」与「淮安市洪泽区人民政府」）会自动视为同一机构。")
        named = sorted(a for a in agencies if a)
        target = st.selectbox("归入机构", named, index=named.index(s.agency) if s.agency in named else 0)
        b1, b2, b3 = st.columns(3)
        if b1.button("归入所选机构", disabled=target == s.agency):
            with ui.writing(library):
                library.link_agency(s.printed_agency, target)
            st.rerun()
        if b2.button("作为单独的机构", help="不与任何名称相近的机构自动合并"):
            with ui.writing(library):
                library.link_agency(s.printed_agency, s.printed_agency)
            st.rerun()
        with ui.guard():
            linked = s.printed_agency in library.agency_links()
        if linked and b3.button("恢复自动匹配"):
            with ui.writing(library):
                library.unlink_agency(s.printed_agency)
            st.rerun()
versions = [r["name"] for r in grouped[agency] if r["year"] == s.year and s.agency]
if len(versions) > 1:
    st.caption("同一机构同一年度的版本（图表使用最新一份）：" + "；".join(ui.md(v) for v in versions))
