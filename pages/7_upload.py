"""上传报告: several files at once (or pasted text), a progress bar, a result line per file.

Files are processed one at a time (`Library.add_many` reads them lazily): one file's bytes are read,
parsed and stored, then dropped before the next is read, and whatever goes wrong with one file is
that file's result line (the others go on). A result line says what the report is worth at once:
green only when its tables add up, its findings shown under it, not folded away."""
import itertools
import time

import pandas as pd
import streamlit as st

import ui
from core import charts as C
from core import fields as F
from core import metrics as M
from core.checks import rule_name
from core.readers.scan import SECONDS_A_PAGE_USUALLY, scanned_pages

data, filters = ui.frame("上传报告")
st.markdown("支持 **PDF**、**Word（.docx）**、**网页（.html，另存的整页亦可）**、**文本（.txt）** 和 **扫描件**"
            "（图片型 PDF、PNG/JPEG 图片：逐页文字识别，每页需数秒，识别出的数值在「报告详情」中标出），可一次选择多个文件。"
            "相同的文件只保存一次；同一机构同一年度的多份文件视为该报告的不同版本，图表只计最新一份。")
library = ui.upload_library()
with st.form("upload", border=False):  # one click reads both the files and the pasted text
    files = st.file_uploader("选择年报文件", type=["pdf", "docx", "doc", "wps", "html", "htm", "txt", "png", "jpg", "jpeg"],
                             accept_multiple_files=True)
    pasted = st.text_area("或粘贴报告全文", height=120, placeholder="把年报全文（含表格）粘贴到这里")
    submitted = st.form_submit_button("解析并入库", type="primary")
if submitted and not (files or pasted.strip()):
    st.warning("请先选择文件或粘贴报告全文。")
elif submitted:
    names = [f.name for f in files or []]
    if pasted.strip():
        names.append(f"粘贴文本-{time.strftime('%Y%m%d-%H%M%S')}.txt")

    scans: dict[str, int] = {}  # pages OCR will read, of each file read so far

    def each():  # nothing is read before its turn
        for f in files or []:
            data = f.getvalue()
            scans[f.name] = scanned_pages(data, f.name)
            yield f.name, data
        if pasted.strip():
            yield names[-1], pasted.encode("utf-8")

    def reading(name: str) -> str:
        pages = scans.get(name, 0)
        return f"　正在解析：{ui.md(name)}" + (f"（扫描件，{pages} 页逐页文字识别，约需 {pages * SECONDS_A_PAGE_USUALLY} 秒）"
                                            if pages else "")

    stream = each()
    first = next(stream)  # read now, so the progress line can say whether it is a scan
    bar = st.progress(0.0, text=f"1/{len(names)}{reading(names[0])}")

    def advance(i: int, _result) -> None:
        upcoming = reading(names[i + 1]) if i + 1 < len(names) else ""
        bar.progress((i + 1) / len(names), text=f"{i + 1}/{len(names)}{upcoming}")

    # parsed in a worker process (the other sessions' pages are not slowed by it), each file's line as
    # soon as it is stored
    with ui.writing(library):  # this session's pages then show its upload at once
        results = library.add_many(itertools.chain([first], stream), progress=advance, batch=1, pool=True)
    bar.progress(1.0, text=f"完成：共 {len(names)} 个文件")
    st.session_state["upload_results"] = [(r, library.filed_under(r.report.fields.get("meta.agency")),
                                           M.findings(r.report)) for r in results]

results = st.session_state.get("upload_results", [])
if results:
    added = sum(r.status == "added" for r, _, _ in results)
    failed = sum(r.status == "error" for r, _, _ in results)
    unbalanced = sum(r.status != "error" and bool(found.errors) for r, _, found in results)
    st.subheader(f"结果：入库 {added} 份（其中表格不平衡 {unbalanced} 份），"
                 f"重复 {sum(r.status == 'duplicate' for r, _, _ in results)} 份，失败 {failed} 份")
    for r, filed, found in results:
        if r.status == "error":
            st.error(f"✗ {ui.md(r.message)}", icon=":material/block:")
            continue
        f = r.report.fields
        read, expected = r.report.completeness()
        printed = f.get("meta.agency")
        agency = ui.md(filed or "（未识别机构）")
        head = (f"{agency}　{ui.md(f.get('meta.year') or '（未识别年度）')}年"
                f"　模板 {ui.md(f.get('meta.template') or '—')}　{M.completeness_text(read, expected)}")
        if printed and filed and printed != filed:
            head += f"　（报告中写作「{ui.md(printed)}」，已归入「{agency}」）"
        verdict = (f"错误 {len(found.errors)} 条：报告自身表格不平衡" if found.errors
                   else f"警告 {len(found.warnings)} 条" if found.warnings else "表格数字相互一致")
        mark = "↺" if r.status == "duplicate" else "⚠" if found.errors or found.warnings else "✓"
        line = f"{mark} {ui.md(r.message)}　{head}　·　{verdict}"
        if found.errors:
            st.error(line, icon=":material/error:")
        elif r.status == "duplicate" or found.warnings:
            st.warning(line, icon=":material/warning:")
        else:
            st.success(line, icon=":material/check_circle:")
        for w in found.errors:
            st.markdown(f"- :red[**{ui.md(rule_name(w.rule))}**]　{ui.md(w.message)}"
                        + (f"（{ui.md(w.where)}）" if w.where else ""))
        for w in found.warnings:
            st.markdown(f"- :orange[**{ui.md(rule_name(w.rule))}**]　{ui.md(w.message)}"
                        + (f"（{ui.md(w.where)}）" if w.where else ""))
        if read < expected or found.unverifiable:
            st.caption(f"{M.unread_note(read, expected)}" + (f"无法核验 {len(found.unverifiable)} 条（不计为错误）。"
                                                            if found.unverifiable else ""))
        with st.expander(f"主要数值与无法核验的规则：{ui.md(r.name)}"):
            preview = ["applications.new_received.total", "applications.carried_over.total", "applications.total.total",
                       "applications.carried_forward.total", "review.total", "litigation_direct.total",
                       "litigation_after_review.total", "proactive.fees.amount_wan", "processing_fee.yuan"]
            unread = M.unread_cells(r.report)
            st.dataframe(pd.DataFrame([{"项目": F.label(k), "数值": M.UNREAD if k in unread else
                                        "（空）" if f.get(k) is None else C.number(f.get(k))}
                                       for k in preview if k in f or k in unread]), hide_index=True)
            for w in found.unverifiable:
                st.markdown(f"- {ui.md(rule_name(w.rule))}：{ui.md(w.message)}")
        if r.report_id:
            st.page_link("pages/8_report.py", label="打开报告详情", icon=":material/description:",
                         query_params={**ui.carried_params(), "id": str(r.report_id), ui.DATA_KEY: "real"})
