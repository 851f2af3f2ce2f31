"""年度对照's comparisons: cells of two reports, and how much of a section's prose is last year's."""
from __future__ import annotations

import pandas as pd

from conftest import ROOT
from core import compare_years as Y
from core.library import Library


def test_cells_compare_only_what_both_years_read():
    base = pd.Series({"template": "2021", "unread": frozenset({"review.total"}),
                      "proactive.regulations.issued": 3.0, "proactive.regulations.abolished": float("nan"),
                      "proactive.regulations.in_force": 5.0, "review.total": float("nan"), "review.upheld": 1.0})
    this = pd.Series({"template": "2021", "unread": frozenset(),
                      "proactive.regulations.issued": 4.0, "proactive.regulations.abolished": 2.0,
                      "proactive.regulations.in_force": float("nan"), "review.total": 7.0, "review.upheld": 1.0})
    changes = Y.cell_changes(base, this).set_index("key")
    assert changes.loc["proactive.regulations.issued", ["kind", "change"]].tolist() == ["up", 1.0]
    assert changes.loc["proactive.regulations.abolished", "kind"] == "filled"
    assert changes.loc["proactive.regulations.in_force", ["kind", "now"]].tolist() == ["emptied", "空白"]
    assert changes.loc["review.total", ["kind", "before"]].tolist() == ["unread", "未读到"]
    assert pd.isna(changes.loc["review.total", "change"])  # a cell not read is never a change
    assert changes.loc["review.upheld", "kind"] == "same"
    assert Y.summary(changes.reset_index())["unread"] == 1


def test_similarity_is_the_share_of_this_years_text_already_there():
    last = "一是加强培训学习，提高认识。二是严格管理公开信息。"
    assert Y.similarity(last, last) == 1.0
    assert Y.similarity(last, "今年新增政策解读专栏，完善考核机制。") < 0.1
    assert Y.similarity(last, "") is None
    assert Y.similarity(last, "一是加强培训\n学习，提高认识。") == 1.0  # a PDF's line break is no difference
    parts = Y.passages(last, "一是加强培训学习，提高认识。二是完善考核机制，压实责任。")
    assert parts == [("一是加强培训学习，提高认识。", True), ("二是完善考核机制，压实责任。", False)]


def test_a_report_keeps_the_prose_of_its_sections(tmp_path):
    lib = Library(tmp_path / "s.sqlite3")
    rid = lib.add((ROOT / "sample_reports" / "000_cf1e86794f147280.txt").read_bytes(), "a.txt").report_id
    sections = lib.get(rid).report.sections
    assert {"一", "五"} <= set(sections) and "存在问题" in sections["五"]
