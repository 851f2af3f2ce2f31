"""Chinese for the words Streamlit draws itself (its "chrome"), on every page.

Streamlit 1.67 has no interface language: its file uploader, dataframe toolbar, status widget, select
placeholders, input hints and screen-reader labels are English literals in its JavaScript bundle. Charts
are ECharts options whose every word is ours (core.charts: the download button's title, and `alt` as the
screen-reader label, ui.chart). So:

1. Use Streamlit's parameters where it has one (`placeholder=` on select widgets, `help=`, labels, `alt`).
2. Everything else is translated in the page by `install()`: one small script that keeps a
   MutationObserver on the document and rewrites a text node, or an aria-label / title / data-title /
   placeholder attribute, only when its whole (trimmed) value is one of the English strings in `TEXT` or
   matches one of the anchored templates in `PATTERNS` (e.g. "50MB per file", "Remove <file name>", where
   the name is kept as it is). Text inside user and document content — Markdown bodies, headings,
   captions, alerts, widget labels, tables, code, select options and tags, file names, charts — and
   anything marked translate="no" (Streamlit's icon ligatures) is never touched; attributes that repeat
   user data (a file chip, an option, a tag) get only the templates. The script changes values
   in place (never replaces nodes, so React keeps its references), is idempotent (one observer per
   browser tab, whatever the reruns and page switches), and runs in `st.html(...,
   unsafe_allow_javascript=True)`, which executes in the app page itself (no iframe); a CSS rule in the
   same element hides the element, so it takes no room on the page.

`install()` is meant to be called once per script run by the shared page frame (ui.frame). Nothing here
reads user input: the snippet is built once from the constants below.
"""
from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import streamlit as st

# ---- Streamlit ------------------------------------------------------------------------------------

# Whole strings (compared after trimming the surrounding white space) → Chinese.
TEXT: dict[str, str] = {
    # file uploader
    "Drag and drop files here": "拖放文件到这里",
    "Drag and drop a file here": "拖放文件到这里",
    "Drag and drop directories here": "拖放文件夹到这里",
    "Drag and drop file here": "拖放文件到这里",
    "Upload": "浏览文件",
    "Browse files": "浏览文件",
    "Upload directories": "浏览文件夹",
    "Add files": "添加文件",
    "add icon": "添加",
    "file upload": "上传文件",
    "Uploading...": "正在上传…",
    "Error:": "错误：",
    "File type not allowed.": "不支持此文件类型。",
    "File size is too small.": "文件太小。",
    "Only one file is allowed.": "只能上传一个文件。",
    "Unexpected error. Please try again.": "发生意外错误，请重试。",
    # status widget, connection
    "Running...": "正在运行…",
    "Stop": "停止",
    "Stopping...": "正在停止…",
    "File change.": "文件已更改。",
    "Rerun": "重新运行",
    "Always rerun": "总是重新运行",
    "Connecting": "正在连接",
    "Connecting to Streamlit server": "正在连接服务器",
    "Unable to connect to Streamlit server": "无法连接服务器",
    "Connection error": "连接错误",
    "Please wait...": "请稍候…",
    "Connection lost. Please wait for the app to reconnect, then try again.": "连接已断开。请等待重新连接后再试。",
    "Streamlit server is not responding. Are you connected to the internet?": "服务器没有响应。请检查网络连接。",
    "Is Streamlit still running? If you accidentally stopped Streamlit, just restart it in your terminal:":
        "服务器是否仍在运行？如果已停止，请在终端中重新启动：",
    "Reconnected to server.": "已重新连接服务器。",
    # main menu and dialogs (toolbarMode "minimal" normally hides them)
    "Main menu": "主菜单",
    "Settings": "设置",
    "Print": "打印",
    "About": "关于",
    "Clear cache": "清除缓存",
    "Clear caches": "清除缓存",
    "Record a screencast": "录制屏幕",
    "Record screen": "录制屏幕",
    "Also record audio": "同时录制声音",
    "Start recording!": "开始录制",
    "Stop recording": "停止录制",
    "Cancel recording": "取消录制",
    "Save video to disk": "保存视频",
    "Preview your video below:": "视频预览：",
    "Made with Streamlit v": "由 Streamlit 构建，版本 ",
    "Copy version to clipboard": "复制版本号",
    "Report a bug": "报告问题",
    "Get help": "获取帮助",
    "Deploy": "部署",
    "Theme": "主题",
    "Light": "浅色",
    "Dark": "深色",
    "Use system setting": "跟随系统",
    "Wide mode": "宽屏模式",
    "Close": "关闭",
    "Cancel": "取消",
    "Copy": "复制",
    "Copied": "已复制",
    "Copy to clipboard": "复制到剪贴板",
    "Try again": "重试",
    "Retry": "重试",
    "Page not found": "页面不存在",
    "The page that you have requested does not seem to exist": "所请求的页面不存在",
    # page frame
    "Skip to main content": "跳到主要内容",
    "Sidebar": "侧边栏",
    "Collapse sidebar": "收起侧边栏",
    "Expand sidebar": "展开侧边栏",
    "Link to heading": "链接到此标题",
    "Help": "说明",
    "Dismiss": "关闭",
    # selectbox, multiselect
    "Choose options": "请选择",
    "Choose an option": "请选择",
    "Choose or add options": "选择或添加选项",
    "Choose or add an option": "选择或添加选项",
    "Add options": "添加选项",
    "Add an option": "添加选项",
    "No options to select": "没有可选的选项",
    "No results": "没有匹配的选项",
    "Clear all": "全部清除",
    "Clear value": "清除",
    "Open": "展开",
    "Selected values": "已选项",
    "Select all": "全选",
    "Select...": "请选择…",
    "Multiselect options": "选项",
    "Selectbox options": "选项",
    "All selected options have been cleared.": "已清除全部选项。",
    # text, number and date inputs
    "Press Enter to apply": "按 Enter 键应用",
    "Press Enter to submit form": "按 Enter 键提交",
    "Press Ctrl+Enter to apply": "按 Ctrl+Enter 键应用",
    "Press Ctrl+Enter to submit form": "按 Ctrl+Enter 键提交",
    "Press ⌘+Enter to apply": "按 ⌘+Enter 键应用",
    "Press ⌘+Enter to submit form": "按 ⌘+Enter 键提交",
    "Increment": "增加",
    "Decrement": "减少",
    "Number is above the allowed range.": "数值超出允许的上限。",
    "Number is below the allowed range.": "数值低于允许的下限。",
    "Choose date": "选择日期",
    "Choose date range": "选择日期范围",
    "Clear date": "清除日期",
    "Clear dates": "清除日期",
    "Quick select a date range": "快速选择日期范围",
    "Previous month": "上个月",
    "Next month": "下个月",
    "Date range": "日期范围",
    # dataframe toolbar, search, column menu
    "Download as CSV": "下载为 CSV",
    "Search": "搜索",
    "Fullscreen": "全屏",
    "Close fullscreen": "退出全屏",
    # a chart's toolbar (its buttons name the chart: "Fullscreen: 机构排名", see PATTERNS)
    "Download as PNG": "下载图片（PNG）",
    "Download as SVG": "下载图片（SVG）",
    "Show data": "显示数据",
    "Show chart": "显示图表",
    "Show/hide columns": "显示或隐藏列",
    "Add row": "添加行",
    "Delete row(s)": "删除选中的行",
    "Type to search": "输入以搜索",
    "Close Search": "关闭搜索",
    "Next Result": "下一个结果",
    "Previous Result": "上一个结果",
    "Sort ascending": "升序排列",
    "Sort descending": "降序排列",
    "Format": "格式",
    "Autosize": "自动列宽",
    "Pin column": "固定列",
    "Unpin column": "取消固定列",
    "Hide column": "隐藏列",
    "Copy column name": "复制列名",
    "Clear selection": "清除选择",
    "Automatic": "自动",
    "Localized": "本地格式",
    "Plain": "原始数字",
    "Compact": "紧凑",
    "Dollar": "美元",
    "Euro": "欧元",
    "Yen": "日元",
    "Percent": "百分比",
    "Scientific": "科学计数法",
    "Accounting": "会计格式",
    "Distance": "距今",
    "Calendar": "日历",
    "Statistics": "统计",
    "Dataframe column menu": "列菜单",
    "Loading...": "正在加载…",
}

# Anchored templates for strings that carry a value: {1} is group 1 as it is (a file name, a label,
# a number), {1:t} group 1 translated by this same table (left as it is when it is not in it),
# {1:list} group 1 with ", " between items becoming "、".
PATTERNS: tuple[tuple[str, str], ...] = (
    (r"^(?:Limit )?([\d.]+) ?([KMGT]?B) per file$", "单个文件不超过 {1} {2}"),
    (r"^• ([A-Z0-9]+(?:, [A-Z0-9]+)*)$", "· 格式：{1:list}"),
    (r"^Error: (.+)$", "错误：{1:t}"),
    (r"^(.+) files are not allowed\.$", "不支持此文件类型（{1}）。"),
    (r"^File must be ([\d.]+) ?([KMGT]?B) or smaller\.$", "文件不能超过 {1} {2}。"),
    (r"^Remove (.+)$", "移除 {1}"),
    (r"^Cancel upload of (.+)$", "取消上传 {1}"),
    (r"^Help for (.+)$", "说明：{1}"),
    (r"^(\d+) options? available\.$", "有 {1} 个选项。"),
    (r"^Select (\d+) matches$", "选择 {1} 个匹配项"),
    (r"^You can only select up to (\d+) options?\. Remove an option first\.$", "最多只能选择 {1} 项，请先移除一项。"),
    (r"^Choose date, (.+)$", "选择日期，{1}"),
    (r"^Choose date range, (.+)$", "选择日期范围，{1}"),
    (r"^day, (.+)$", "日，{1:t}"),
    (r"^month, (.+)$", "月，{1:t}"),
    (r"^year, (.+)$", "年，{1:t}"),
    (r"^(.+) start date$", "{1}（开始日期）"),
    (r"^(.+) end date$", "{1}（结束日期）"),
    (r"^Made with Streamlit v(.+)$", "由 Streamlit 构建，版本 {1}"),
    (r"^(Fullscreen|Close fullscreen|Download as PNG|Download as SVG|Show data|Show chart): (.+)$", "{1:t}：{2}"),
    (r"^ECharts chart error: (.+)$", "图表无法绘制：{1}"),
)

# Attributes a person sees (tooltips, placeholders) or a screen reader reads: translated wherever they
# are (a heading's anchor, an input's placeholder, a help icon in a label), except under translate="no"
# and, on elements whose attributes repeat user data (a file chip and its name, an option, a selected
# tag), only by the PATTERNS, which keep the user's part ("Remove" + the file name).
ATTRIBUTES = ("aria-label", "title", "data-title", "placeholder")
USER_DATA_ATTRIBUTES = '[data-testid="stFileChip"], [data-baseweb="tag"], [role="option"]'

# Text inside these is user or document content, or an icon ligature: never translated.
USER_CONTENT = ", ".join((
    '[translate="no"]', ".notranslate", "svg", "table", "code", "pre", "textarea", "input",
    # what pages write: Markdown, headings, captions, alerts, labels, expander titles, progress and toast
    # texts, tables, code, JSON, metrics, page links, radio choices, file names
    '[data-testid="stMarkdown"]', '[data-testid="stHeading"]', '[data-testid="stCaptionContainer"]',
    '[data-testid="stAlert"]', '[data-testid="stWidgetLabel"]', '[data-testid="stExpander"] summary',
    '[data-testid="stProgress"]', '[data-testid="stToast"]', '[data-testid="stText"]', '[data-testid="stCode"]',
    '[data-testid="stJson"]', '[data-testid="stTable"]', '[data-testid="stMetricValue"]',
    '[data-testid="stMetricLabel"]', '[data-testid="stPageLink"]', '[role="radiogroup"]',
    '[data-testid="stFileChipName"]', '[data-testid="stDataFrameResizable"] [role="grid"]',
    '[data-testid="stEChartsChart"]', '[data-baseweb="tag"]',
    # options hold the app's data, except Streamlit's own rows: "Select all" (key __select_all__) and a
    # listbox's empty state ("No results")
    '[role="option"]:not([data-key^="__"]):not([role="listbox"][data-empty="true"] > [role="option"])',
))

_SCRIPT = r"""
(function () {
  "use strict";
  var w = window, DATA = __DATA__;
  // Streamlit: one observer per tab, replaced only by a different version of this table
  if (w.__zhUi && w.__zhUi.version === DATA.version) { w.__zhUi.scan(document.body); return; }
  if (w.__zhUi) { w.__zhUi.stop(); }
  var text = new Map(Object.entries(DATA.text));
  var patterns = DATA.patterns.map(function (p) { return [new RegExp(p[0]), p[1]]; });
  var attrSelector = DATA.attributes.map(function (a) { return "[" + a + "]"; }).join(",");
  function tr(s, templatesOnly) {
    if (!templatesOnly && text.has(s)) { return text.get(s); }
    for (var i = 0; i < patterns.length; i++) {
      var m = patterns[i][0].exec(s);
      if (m) {
        return patterns[i][1].replace(/\{(\d)(?::(t|list))?\}/g, function (_, n, how) {
          var g = m[+n] || "";
          if (how === "t") { var t = tr(g); return t === null ? g : t; }
          return how === "list" ? g.split(", ").join("、") : g;
        });
      }
    }
    return null;
  }
  function translated(value, templatesOnly) {
    if (!value || !/[A-Za-z]/.test(value)) { return null; }
    var m = /^(\s*)([\s\S]*?)(\s*)$/.exec(value), t = tr(m[2], templatesOnly);
    return t === null ? null : m[1] + t + m[3];
  }
  function doText(node) {
    var t = translated(node.nodeValue), parent = node.parentElement;
    if (t !== null && parent && !parent.closest(DATA.skip)) { node.nodeValue = t; }
  }
  function doAttribute(el, name) {
    // on elements that carry user data (a file chip, an option, a tag) only the templates, which keep
    // the user's part ("Remove" + a file name)
    var value = el.getAttribute(name), t = translated(value, false);
    if (t !== null && el.closest(DATA.dataAttributes)) { t = translated(value, true); }
    if (t !== null && !el.closest('[translate="no"]')) { el.setAttribute(name, t); }
  }
  function doAttributes(el) {
    for (var i = 0; i < DATA.attributes.length; i++) {
      if (el.hasAttribute(DATA.attributes[i])) { doAttribute(el, DATA.attributes[i]); }
    }
  }
  function scan(root) {
    if (!root) { return; }
    if (root.nodeType === 3) { doText(root); return; }
    if (root.nodeType !== 1 && root.nodeType !== 11) { return; }
    if (root.nodeType === 1) { doAttributes(root); }
    root.querySelectorAll(attrSelector).forEach(doAttributes);
    if (root.nodeType === 1 && root.closest(DATA.skip)) { return; }
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
      acceptNode: function (n) {
        if (n.nodeType === 3) { return NodeFilter.FILTER_ACCEPT; }
        return n.matches(DATA.skip) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_SKIP;
      }});
    for (var n = walker.nextNode(); n; n = walker.nextNode()) { doText(n); }
  }
  var observer = new MutationObserver(function (records) {
    for (var i = 0; i < records.length; i++) {
      var r = records[i];
      if (r.type === "childList") { r.addedNodes.forEach(scan); }
      else if (r.type === "characterData") { doText(r.target); }
      else if (r.type === "attributes" && r.target.nodeType === 1) { doAttribute(r.target, r.attributeName); }
    }
  });
  observer.observe(document.documentElement, {subtree: true, childList: true, characterData: true,
                                              attributes: true, attributeFilter: DATA.attributes});
  w.__zhUi = {version: DATA.version, scan: scan, stop: function () { observer.disconnect(); }};
  scan(document.body);
})();
"""

_MARKER = "zh-ui"


def _snippet() -> str:
    data = {"text": TEXT, "patterns": PATTERNS, "attributes": ATTRIBUTES, "skip": USER_CONTENT,
            "dataAttributes": USER_DATA_ATTRIBUTES}
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True)
    data["version"] = hashlib.sha256(payload.encode()).hexdigest()[:16]
    # every "<" escaped, so nothing in the data can close the <script> element or look like a tag to
    # the HTML sanitizer (DOMPurify) that Streamlit runs over st.html bodies first
    js = _SCRIPT.replace("__DATA__", json.dumps(data, ensure_ascii=False).replace("<", "\\u003c"))
    # DOMPurify drops a <script> whose text looks like markup: the code itself must not either
    if re.search(r"<[/\w!]", js):
        raise ValueError("zh_ui's script has a '<' before a letter, '/' or '!': Streamlit would drop it")
    hide = (f'[data-testid="stElementContainer"]:has(> [data-testid="stHtml"] > #{_MARKER}),'
            f'.element-container:has(> .stHtml > #{_MARKER}){{display:none !important}}')
    return f'<style>{hide}</style><span id="{_MARKER}" hidden></span><script>{js}</script>'


SNIPPET = _snippet()


def install() -> None:
    """Chinese Streamlit chrome on this page: call once per script run (ui.frame does).
    Adds one hidden, zero-height element; the browser keeps one observer per tab across reruns and
    page switches."""
    st.html(SNIPPET, unsafe_allow_javascript=True)
