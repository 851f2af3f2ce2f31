"""zh_ui without a browser: the snippet's safety, the translation table's shape, and the hook on every
page (AppTest). What the browser shows is
tests/test_e2e_zh.py."""
from __future__ import annotations

import json
import re

import pytest

import zh_ui
from test_app import bundled, run  # noqa: F401  (bundled: the sample library fixture)



def _tr(text: str) -> str | None:
    """The page script's lookup, in Python: a whole string from TEXT, else the first PATTERN."""
    if text in zh_ui.TEXT:
        return zh_ui.TEXT[text]
    for pattern, template in zh_ui.PATTERNS:
        m = re.match(pattern, text)
        if m:
            def group(g):
                value = m.group(int(g[1])) or ""
                if g[2] == "t":
                    return _tr(value) or value
                return value.replace(", ", "、") if g[2] == "list" else value
            return re.sub(r"\{(\d)(?::(t|list))?\}", group, template)
    return None


@pytest.mark.parametrize("english,chinese", [
    ("50MB per file", "单个文件不超过 50 MB"),
    ("Limit 200MB per file", "单个文件不超过 200 MB"),
    ("• PDF, DOCX, DOC, WPS, HTML, TXT", "· 格式：PDF、DOCX、DOC、WPS、HTML、TXT"),
    ("Error: application/x-msdownload files are not allowed.", "错误：不支持此文件类型（application/x-msdownload）。"),
    ("Error: File type not allowed.", "错误：不支持此文件类型。"),
    ("File must be 50.0MB or smaller.", "文件不能超过 50.0 MB。"),
    ("Remove 湛河区住建局_2023.pdf", "移除 湛河区住建局_2023.pdf"),
    ("Help for 表格不平衡的报告", "说明：表格不平衡的报告"),
    ("3 options available.", "有 3 个选项。"),
    ("day, 日期范围 start date", "日，日期范围（开始日期）"),
    ("Press Enter to apply", "按 Enter 键应用"),
    ("Upload", "浏览文件"),
])
def test_the_table_gives_the_intended_chinese(english, chinese):
    assert _tr(english) == chinese


def test_a_translation_is_never_translated_again():
    """The observer sees its own changes: no Chinese value may match an entry (no ping-pong)."""
    samples = list(zh_ui.TEXT.values()) + [_tr(e) for e in ("50MB per file", "Remove x", "Help for x",
                                                            "Error: x files are not allowed.", "2 options available.")]
    assert [s for s in samples if _tr(s) is not None] == []


def test_patterns_are_anchored_and_their_templates_use_their_groups():
    for pattern, template in zh_ui.PATTERNS:
        compiled = re.compile(pattern)
        assert pattern.startswith("^") and pattern.endswith("$"), pattern
        used = {int(n) for n in re.findall(r"\{(\d)", template)}
        assert used <= set(range(1, compiled.groups + 1)), (pattern, template)
    assert all(re.search("[A-Za-z]", k) for k in zh_ui.TEXT)  # the script skips text without letters


def test_the_snippet_is_one_hidden_element_whose_data_cannot_end_its_script():
    s = zh_ui.SNIPPET
    assert s.startswith("<style>") and s.count("<script>") == s.count("</script>") == 1
    # only the snippet's own four tags: "<" in the data is escaped (DOMPurify drops an element whose
    # text looks like markup, and "</script" would end it)
    assert re.findall(r"<[/\w!]", s) == ["<s", "</", "<s", "</", "<s", "</"]
    assert 'id="zh-ui"' in s and "display:none" in s
    data = json.loads(re.search(r"DATA = (\{.*?\});\n", s).group(1))
    assert data["text"] == zh_ui.TEXT and data["version"]


@pytest.mark.parametrize("page", ["app.py", "pages/1_compare.py", "pages/7_upload.py"])
def test_the_frame_installs_it_once_and_charts_speak_chinese(bundled, page):
    """ui.frame calls zh_ui.install(): one st.html element, scripts allowed. A chart's own words are
    ours: the download button's title, and the chart's title as its screen-reader label (`alt`)."""
    at = run(page, bundled)
    snippets = [el for el in at.get("html") if "zh-ui" in el.proto.body]
    assert len(snippets) == 1 and snippets[0].proto.unsafe_allow_javascript
    for chart in at.get("echarts_chart"):
        option = json.loads(chart.proto.spec)
        assert option["toolbox"]["feature"]["saveAsImage"]["title"] == "下载图片（PNG）"
        assert chart.proto.alt.startswith(option["title"]["text"]) and re.search(r"[\u4e00-\u9fff]", chart.proto.alt)