"""End to end: no English from Streamlit or the charts on screen (zh_ui, installed by ui.frame on every page).

The real dashboard in Debian's chromium, with the browser itself set to English (so nothing Chinese comes
from the browser's own language): 上传报告 (the uploader idle, while a file is dragged over it, and with a
refused .exe), the sidebar's text input hint and a select's empty search, 机构对比 (a chart's screen-reader
label, Streamlit's toolbar over it), 数据校验 (a cleared multiselect, the table
toolbar's tooltips). On each, the page's text and the title / data-title / aria-label / placeholder of
every visible element hold none of Streamlit's or the charts' English words; the element that installs the
translation takes no room. A second server shows Streamlit's toolbar (toolbarMode "viewer"): the status
widget while a long upload runs, and the main menu. Screenshots go to /tmp/zh_shots/ for a person to
look at.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import zh_ui
from conftest import ROOT
from test_e2e import CHROMIUM, Server, _ready, browser  # noqa: F401  (browser: the shared fixture)

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")]

SHOTS = Path("/tmp/zh_shots")
SAMPLES = ROOT / "sample_reports"

# Streamlit's and the charts' own English, as whole words (case-sensitive: "PDF", "CSV", "Excel" and the
# app's Chinese labels are fine)
ENGLISH = ["Upload", "Browse files", "Drag and drop", "per file", "Limit", "not allowed", "File type",
           "File must be", "Error:", "Download as PNG", "Download plot", "Show data", "This is a chart", "ECharts",
           "Fullscreen", "Choose options", "Choose an option", "Download as CSV", "Search", "Show/hide columns",
           "Running...", "Stop", "Stopping", "Press Enter", "Press Ctrl", "to apply", "No results", "Help for",
           "Help", "Clear all", "Clear value", "Remove", "Open", "Add files", "file upload", "Skip to main content",
           "options available", "Select all", "Selected values", "Link to heading", "Sidebar", "Collapse sidebar",
           "Dismiss", "Main menu", "Print", "Record screen", "Made with Streamlit"]
ENGLISH_RE = re.compile("|".join(rf"(?<![A-Za-z]){re.escape(w)}(?![A-Za-z])" for w in ENGLISH))

SHOWN = """() => {
    const visible = e => { const r = e.getBoundingClientRect(), s = getComputedStyle(e);
                           return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
    const out = [document.body.innerText];
    for (const e of document.querySelectorAll('[title], [data-title], [aria-label], [placeholder]')) {
        if (!visible(e)) continue;
        for (const a of ['title', 'data-title', 'aria-label', 'placeholder']) if (e.hasAttribute(a)) out.push(e.getAttribute(a));
    }
    return out;
}"""


def _english(page) -> list[str]:
    """Streamlit's or the charts' English words on screen: page text and attributes of visible elements."""
    return sorted({m.group() for s in page.evaluate(SHOWN) for m in ENGLISH_RE.finditer(s or "")})


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def _translation_takes_no_room(page) -> None:
    state = page.evaluate("""() => {
        const marks = document.querySelectorAll('#zh-ui');
        const box = marks.length ? marks[0].closest('[data-testid="stElementContainer"]') : null;
        return {marks: marks.length, display: box && getComputedStyle(box).display,
                height: box && box.getBoundingClientRect().height, version: window.__zhUi && window.__zhUi.version};
    }""")
    assert state["marks"] == 1 and state["display"] == "none" and state["height"] == 0, state
    assert state["version"], state  # the observer is installed once per tab, whatever the page


def _samples(folder: Path) -> Path:
    (folder / "samples").mkdir()
    for name in ("000_cf1e86794f147280.txt", "002_b232cca7e491c758.txt", "003_2e35e5fc97545d22.txt"):
        shutil.copy(SAMPLES / name, folder / "samples" / name)
    return folder / "samples"


def test_streamlit_and_chart_chrome_is_chinese(tmp_path, browser):
    server = Server(tmp_path / "lib.sqlite3", _samples(tmp_path))
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-US")

        # 上传报告: the uploader idle, while a file is dragged over it, and with a refused file type
        page.goto(server.url + "/upload")
        _ready(page)
        _translation_takes_no_room(page)
        uploader = page.get_by_test_id("stFileUploader")
        playwright.expect(uploader.get_by_test_id("stFileUploaderDropzoneInstructions")).to_contain_text("单个文件不超过 50 MB")
        playwright.expect(uploader.get_by_role("button", name=zh_ui.TEXT["Upload"])).to_be_visible()
        assert _english(page) == []
        _shot(page, "upload")
        page.get_by_test_id("stFileUploaderDropzone").evaluate("""zone => {
            const files = new DataTransfer();
            files.items.add(new File(['x'], 'a.txt', {type: 'text/plain'}));
            zone.dispatchEvent(new DragEvent('dragenter', {dataTransfer: files, bubbles: true}));
        }""")
        playwright.expect(uploader).to_contain_text(zh_ui.TEXT["Drag and drop files here"])
        assert _english(page) == []
        _shot(page, "upload-dragging")
        page.reload()
        _ready(page)
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
            [{"name": "setup.exe", "mimeType": "application/x-msdownload", "buffer": b"MZ\x90\x00"}])
        chip = page.get_by_test_id("stFileChip").filter(has_text="setup.exe")
        playwright.expect(chip).to_contain_text("不支持此文件类型（application/x-msdownload）")
        page.get_by_test_id("stTooltipErrorHoverTarget").first.hover()
        playwright.expect(page.get_by_role("tooltip").filter(has_text="不支持此文件类型")).to_be_visible()
        assert _english(page) == []
        page.wait_for_timeout(500)  # the tooltip fades in
        _shot(page, "upload-refused-exe")

        # the sidebar: a text input's hint, a select's search with no match
        search = page.get_by_role("textbox", name="机构名称搜索")
        search.fill("住建")
        playwright.expect(page.get_by_test_id("InputInstructions")).to_have_text(zh_ui.TEXT["Press Enter to apply"])
        assert _english(page) == []
        _shot(page, "text-input-hint")
        search.fill("")
        page.get_by_test_id("stSelectbox").filter(has_text="年度").click()
        page.keyboard.type("zzzz")
        playwright.expect(page.get_by_text(zh_ui.TEXT["No results"], exact=True)).to_be_visible()
        assert _english(page) == []
        _shot(page, "select-no-results")
        page.keyboard.press("Escape")

        # 机构对比: a chart's own words are ours (its title as the screen-reader label); Streamlit's
        # toolbar over it (full screen, PNG) is translated with the chart's name kept
        page.goto(server.url + "/compare?year=2023")
        _ready(page)
        _translation_takes_no_room(page)
        chart = page.get_by_test_id("stEChartsChart").first
        playwright.expect(chart).to_have_attribute("aria-label", re.compile("机构排名（2023年"))
        chart.hover()
        toolbar = page.get_by_test_id("stElementToolbar").first
        labels = toolbar.get_by_role("button").evaluate_all("bs => bs.map(b => b.getAttribute('aria-label'))")
        assert any(lb and lb.startswith(zh_ui.TEXT["Fullscreen"] + "：") and "机构排名" in lb for lb in labels), labels
        assert not [lb for lb in labels if re.search("[A-Za-z]", (lb or "").replace("PNG", ""))], labels
        assert _english(page) == []
        _shot(page, "compare-chart-toolbar")

        # 数据校验, reached by the sidebar link (the same browser page): a multiselect cleared, the table
        # toolbar's tooltips; the observer installed on 机构对比 is the one still at work
        page.evaluate("() => { window.__zhUiFirst = window.__zhUi; }")
        page.get_by_test_id("stSidebar").get_by_role("link", name="数据校验").click()
        _ready(page)
        playwright.expect(page.get_by_role("heading", name="数据校验")).to_be_visible()
        severity = page.get_by_test_id("stMultiSelect").filter(has_text="严重程度")
        severity.locator(f"[aria-label='{zh_ui.TEXT['Clear all']}']").click()
        _ready(page)
        placeholder = severity.locator("input").get_attribute("placeholder")
        assert placeholder and not re.search("[A-Za-z]", placeholder), placeholder
        playwright.expect(severity.locator("[data-baseweb='tag']")).to_have_count(0)
        assert _english(page) == []
        _shot(page, "checks-multiselect-cleared")
        table = page.get_by_test_id("stDataFrame").first
        table.scroll_into_view_if_needed()
        tips = []
        buttons = page.get_by_test_id("stElementToolbar").first.get_by_test_id("stElementToolbarButton")
        for i in range(buttons.count()):
            # the toolbar shows while the mouse is over the table: enter the table under the button, then
            # move up onto the button (the grid's canvas covers the table, so the mouse itself moves)
            top = table.bounding_box()["y"]
            table.hover(position={"x": table.bounding_box()["width"] - 20, "y": 10})
            playwright.expect(buttons.nth(i)).to_be_visible()
            page.wait_for_timeout(300)
            box = buttons.nth(i).bounding_box()
            page.mouse.move(box["x"] + box["width"] / 2, top + 5)
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=5)
            tooltip = page.get_by_test_id("stTooltipContent")
            playwright.expect(tooltip).to_have_count(1)
            playwright.expect(tooltip).to_be_visible()
            tips.append(tooltip.inner_text().strip())
            assert _english(page) == []
            if i == 0:
                _shot(page, "checks-table-toolbar-tooltip")
        for english in ("Download as CSV", "Search", "Fullscreen", "Show/hide columns"):
            assert zh_ui.TEXT[english] in tips, tips
        _translation_takes_no_room(page)
        assert page.evaluate("() => window.__zhUi === window.__zhUiFirst")  # one observer across page switches and reruns
    finally:
        server.stop()


def test_status_widget_and_main_menu_are_chinese(tmp_path, browser, monkeypatch):
    """Streamlit's toolbar, hidden by the shipped toolbarMode "minimal" (no menu items), shown here as a
    deployment may configure it: "Running..." / "Stop" while a long upload runs, then the main menu."""
    monkeypatch.setenv("STREAMLIT_CLIENT_TOOLBAR_MODE", "viewer")
    server = Server(tmp_path / "lib.sqlite3", _samples(tmp_path))
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-US")
        page.goto(server.url + "/upload")
        _ready(page)
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files([
            str(SAMPLES / "000_cf1e86794f147280.pdf"), str(SAMPLES / "002_b232cca7e491c758.pdf"),
            str(SAMPLES / "001_c73b0815ce023fc0.docx")])
        page.wait_for_timeout(1500)
        page.get_by_role("button", name="解析并入库").click()
        status = page.get_by_test_id("stStatusWidget")
        playwright.expect(status.get_by_role("button", name=zh_ui.TEXT["Stop"])).to_be_visible(timeout=20_000)
        playwright.expect(status.get_by_role("img", name=zh_ui.TEXT["Running..."])).to_be_attached()
        assert _english(page) == []
        _shot(page, "status-running")
        playwright.expect(page.get_by_text("入库 3 份")).to_be_visible(timeout=60_000)
        _ready(page)
        page.get_by_test_id("stMainMenuButton").click()
        playwright.expect(page.get_by_role("menuitem", name=zh_ui.TEXT["Print"])).to_be_visible()
        assert _english(page) == []
        _shot(page, "main-menu")
    finally:
        server.stop()
