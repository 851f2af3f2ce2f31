"""Chinese for the words Streamlit and Plotly draw themselves (their "chrome"), on every page.

Streamlit 1.67 has no interface language: its file uploader, dataframe toolbar, status widget, select
placeholders, input hints and screen-reader labels are English literals in its JavaScript bundle. Plotly
does have one: `config.locale` picks a dictionary that must be registered in the plotly.js that draws
the chart, and Streamlit's bundle ships none but English. So:

1. Plotly — official mechanisms only. `PLOTLY_LOCALES` is a zh-CN dictionary covering every string the
   plotly.js in Streamlit 1.67 looks up (modebar tooltips such as "Download plot as a PNG", Zoom, Pan,
   Autoscale, Reset axes, the download notices, hover labels of box/OHLC charts). It reaches Plotly two
   ways: a figure's config carries it (`plotly_config`, plotly.js's documented `config.locales`, per
   chart and independent of timing), and `install()` registers it in the bundle the way plotly.js's own
   locale files do (`window.PlotlyLocales`, read when plotly.js loads, or `Plotly.register` once it has),
   so a chart whose config only says `locale: "zh-CN"` is Chinese too.
2. Streamlit — use its parameters where it has one (`placeholder=` on select widgets, `help=`, labels);
   everything else is translated in the page by `install()`: one small script that keeps a
   MutationObserver on the document and rewrites a text node, or an aria-label / title / data-title /
   placeholder attribute, only when its whole (trimmed) value is one of the English strings in `TEXT` or
   matches one of the anchored templates in `PATTERNS` (e.g. "50MB per file", "Remove <file name>", where
   the name is kept as it is). Text inside user and document content — Markdown bodies, headings,
   captions, alerts, widget labels, tables, code, select options and tags, file names, chart SVG — and
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

# ---- Plotly ---------------------------------------------------------------------------------------

PLOTLY_LOCALE = "zh-CN"

# Every string that the plotly.js bundled with Streamlit 1.67 passes through its localizer
# (`_(gd, "...")`), plus the older spelling of the PNG button used by plotly.js 2.x.
_PLOTLY_DICTIONARY = {
    # modebar
    "Download plot as a PNG": "下载图片（PNG）",
    "Download plot as a png": "下载图片（PNG）",
    "Download plot": "下载图片",
    "Download plot as JSON": "下载图表（JSON）",
    "Zoom": "框选放大",
    "Pan": "平移",
    "Zoom in": "放大",
    "Zoom out": "缩小",
    "Autoscale": "自动缩放",
    "Reset axes": "重置坐标轴",
    "Reset": "重置",
    "Reset view": "重置视图",
    "Reset views": "重置视图",
    "Box Select": "框选",
    "Lasso Select": "套索选择",
    "Show closest data on hover": "悬停时显示最近的数据",
    "Compare data on hover": "悬停时比较数据",
    "Toggle show closest data on hover": "切换悬停时显示最近的数据",
    "Toggle Spike Lines": "显示或隐藏辅助线",
    "Orbital rotation": "轨道旋转",
    "Turntable rotation": "转盘旋转",
    "Reset camera to default": "相机回到默认位置",
    "Reset camera to last save": "相机回到上次保存的位置",
    "Draw line": "画直线",
    "Draw open freeform": "画开放曲线",
    "Draw closed freeform": "画闭合图形",
    "Draw circle": "画圆",
    "Draw rectangle": "画矩形",
    "Erase active shape": "删除选中的图形",
    "Produced with Plotly.js": "由 Plotly.js 生成",
    "Share": "分享",
    "Share chart": "分享图表",
    "Share chart...": "分享图表…",
    "This chart will be sent to {serverUrl}.": "图表将发送到 {serverUrl}。",
    "If you don't have a Plotly Cloud account yet, you'll have a chance to create one.":
        "如果还没有 Plotly Cloud 账户，可以在下一步创建。",
    "Cancel": "取消",
    # notices
    "Preparing image - this may take a few seconds": "正在生成图片，请稍候…",
    "Taking snapshot - this may take a few seconds": "正在生成图片，请稍候…",
    "Image download succeeded": "图片已下载",
    "Snapshot succeeded": "图片已生成",
    "Sorry, there was a problem downloading your image!": "抱歉，图片下载失败！",
    "Sorry, there was a problem downloading your snapshot!": "抱歉，图片下载失败！",
    "JSON download succeeded": "JSON 文件已下载",
    "Sorry, there was a problem downloading your JSON file!": "抱歉，JSON 文件下载失败！",
    "Double-click to zoom back out": "双击还原",
    "Double-click on legend to isolate one trace": "双击图例可只显示该系列",
    # editable titles
    "Click to enter Plot title": "点击输入图表标题",
    "Click to enter Plot subtitle": "点击输入图表副标题",
    "Click to enter X axis title": "点击输入 X 轴标题",
    "Click to enter Y axis title": "点击输入 Y 轴标题",
    "Click to enter Colorscale title": "点击输入色阶标题",
    "Click to enter radial axis title": "点击输入径向轴标题",
    "Click to enter Component A title": "点击输入分量 A 标题",
    "Click to enter Component B title": "点击输入分量 B 标题",
    "Click to enter Component C title": "点击输入分量 C 标题",
    "new text": "新文本",
    # hover labels
    "trace": "系列",
    "min:": "最小值：",
    "max:": "最大值：",
    "mean:": "平均值：",
    "mean ± σ:": "平均值 ± 标准差：",
    "median:": "中位数：",
    "q1:": "下四分位数：",
    "q3:": "上四分位数：",
    "lower fence:": "下限：",
    "upper fence:": "上限：",
    "open:": "开盘：",
    "high:": "最高：",
    "low:": "最低：",
    "close:": "收盘：",
    "lat:": "纬度：",
    "lon:": "经度：",
    "source:": "来源：",
    "target:": "目标：",
    "incoming flow count:": "流入数量：",
    "outgoing flow count:": "流出数量：",
    "concentration:": "浓度：",
    "kde:": "核密度：",
}

PLOTLY_LOCALES: dict[str, dict[str, Any]] = {PLOTLY_LOCALE: {
    "dictionary": _PLOTLY_DICTIONARY,
    "format": {
        "days": ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
        "shortDays": ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
        "months": [f"{m}月" for m in "一 二 三 四 五 六 七 八 九 十 十一 十二".split()],
        "shortMonths": [f"{m}月" for m in range(1, 13)],
        "date": "%Y-%m-%d",
    },
}}


def plotly_config(config: dict | None = None) -> dict:
    """`config` (a Plotly config for st.plotly_chart) with the zh-CN locale and its dictionary
    (plotly.js `config.locale` + `config.locales`): the modebar's tooltips and notices in Chinese."""
    return {**(config or {}), "locale": PLOTLY_LOCALE, "locales": PLOTLY_LOCALES}


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
    '[data-testid="stPlotlyChart"] .main-svg', '[data-baseweb="tag"]',
    # options hold the app's data, except Streamlit's own rows: "Select all" (key __select_all__) and a
    # listbox's empty state ("No results")
    '[role="option"]:not([data-key^="__"]):not([role="listbox"][data-empty="true"] > [role="option"])',
))

_SCRIPT = r"""
(function () {
  "use strict";
  var w = window, DATA = __DATA__;
  // Plotly: register zh-CN in the plotly.js Streamlit bundles (as plotly.js's own locale files do)
  var locale = {moduleType: "locale", name: DATA.plotly.name, dictionary: DATA.plotly.dictionary,
                format: DATA.plotly.format};
  if (w.Plotly && typeof w.Plotly.register === "function") {
    try { w.Plotly.register(locale); } catch (e) { /* an older plotly.js: config.locales still works */ }
  } else if (!(w.PlotlyLocales || []).some(function (l) { return l && l.name === locale.name; })) {
    w.PlotlyLocales = (Array.isArray(w.PlotlyLocales) ? w.PlotlyLocales : []).concat([locale]);
  }
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
            "dataAttributes": USER_DATA_ATTRIBUTES,
            "plotly": {"name": PLOTLY_LOCALE, **PLOTLY_LOCALES[PLOTLY_LOCALE]}}
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
    """Chinese Streamlit and Plotly chrome on this page: call once per script run (ui.frame does).
    Adds one hidden, zero-height element; the browser keeps one observer per tab across reruns and
    page switches."""
    st.html(SNIPPET, unsafe_allow_javascript=True)
