"""上传报告: several files at once (or pasted text), a progress bar, a result line per file.

Files are processed one at a time: one file's bytes are read, parsed and stored, then dropped before
the next is read, and whatever goes wrong with one file is that file's result line (the others go on)."""
import time

import pandas as pd
import streamlit as st

import ui
from core import fields as F
from core import metrics as M
from core.checks import rule_name

data, filters = ui.frame("上传报告")
st.markdown("支持 **PDF**、**Word（.docx）**、**网页（.html，另存的整页亦可）** 和 **文本（.txt）**，可一次选择多个文件。"
            "相同的文件只保存一次；同一机构同一年度的多份文件视为该报告的不同版本，图表只计最新一份。")
with st.form("upload", border=False):  # one click reads both the files and the pasted text
    files = st.file_uploader("选择年报文件", type=["pdf", "docx", "doc", "wps", "html", "htm", "txt"],
                             accept_multiple_files=True)
    pasted = st.text_area("或粘贴报告全文", height=120, placeholder="把年报全文（含表格）粘贴到这里")
    submitted = st.form_submit_button("解析并入库", type="primary")
if submitted and not (files or pasted.strip()):
    st.warning("请先选择文件或粘贴报告全文。")
elif submitted:
    # (name, how to read its bytes): nothing is read before its turn
    items = [(f.name, f.getvalue) for f in files or []]
    if pasted.strip():
        items.append((f"粘贴文本-{time.strftime('%Y%m%d-%H%M%S')}.txt", lambda: pasted.encode("utf-8")))
    bar = st.progress(0.0, text="开始解析…")
    with ui.guard():
        library = ui.lib()
    results = []
    for i, (name, read) in enumerate(items):
        bar.progress(i / len(items), text=f"{i + 1}/{len(items)}　正在解析：{ui.md(name)}")
        data = read()
        results.append(library.add_one(name, data))
        del data  # only one file's bytes at a time
    bar.progress(1.0, text=f"完成：共 {len(items)} 个文件")
    st.session_state["upload_results"] = results

results = st.session_state.get("upload_results", [])
if results:
    added = sum(r.status == "added" for r in results)
    failed = sum(r.status == "error" for r in results)
    st.subheader(f"结果：入库 {added} 份，重复 {sum(r.status == 'duplicate' for r in results)} 份，失败 {failed} 份")
    for r in results:
        if r.status == "error":
            st.error(f"✗ {ui.md(r.message)}")
            continue
        f = r.report.fields
        read, expected = r.report.completeness()
        head = (f"{ui.md(f.get('meta.agency') or '（未识别机构）')}　{ui.md(f.get('meta.year') or '（未识别年度）')}年"
                f"　模板 {ui.md(f.get('meta.template') or '—')}　{M.completeness_text(read, expected)}")
        (st.warning if r.status == "duplicate" else st.success)(
            f"{'↺' if r.status == 'duplicate' else '✓'} {ui.md(r.message)}　{head}")
        if read < expected:
            st.info(f"{ui.md(r.name)}：{M.unread_note(read, expected)}")
        with st.expander(f"预览：{ui.md(r.name)}"):
            preview = ["applications.new_received.total", "applications.carried_over.total", "applications.total.total",
                       "applications.carried_forward.total", "review.total", "litigation_direct.total",
                       "litigation_after_review.total", "proactive.fees.amount_wan", "processing_fee.yuan"]
            st.dataframe(pd.DataFrame([{"项目": F.label(k), "数值": "（空）" if f.get(k) is None else str(f.get(k))} for k in preview if k in f]),
                         hide_index=True)
            found = M.findings(r.report)
            for w in found.errors:
                st.error(f"{ui.md(rule_name(w.rule))}：{ui.md(w.message)}")
            for w in found.warnings:
                st.warning(f"{ui.md(rule_name(w.rule))}：{ui.md(w.message)}")
            if found.unverifiable:
                st.info(f"无法核验 {len(found.unverifiable)} 条（不计为错误）：\n\n"
                        + "\n".join(f"- {ui.md(rule_name(w.rule))}：{ui.md(w.message)}" for w in found.unverifiable))
            if r.report_id:
                st.page_link("pages/8_report.py", label="打开报告详情", icon=":material/description:",
                             query_params={"id": str(r.report_id)})
