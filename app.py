"""政务公开年报对比 — entry page (minimal until the dashboard lands): the bundled reports, parsed."""
from pathlib import Path

import streamlit as st

from core.ingest import ingest

st.set_page_config(page_title="政务公开年报对比", layout="wide")
st.title("政务公开年报对比")
rows = []
for path in sorted((Path(__file__).parent / "sample_reports").glob("*")):
    if path.suffix.lower() not in (".txt", ".pdf", ".docx", ".html", ".htm"):
        continue
    r = ingest(path.read_bytes(), path.name)
    rows.append({"文件": path.name, "机构": r.fields.get("meta.agency"), "年度": r.fields.get("meta.year"),
                 "错误": sum(w.severity == "error" for w in r.warnings), "说明": r.error or ""})
st.dataframe(rows, hide_index=True)
