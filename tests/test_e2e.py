"""End to end: the real dashboard served by `streamlit run`, driven in Debian's chromium.

Uploads a PDF, a Word file and a text with a Table 3 row deleted, finds them in 机构对比, finds the 2020
report's R2 break in 数据校验 and its highlighted cells in 报告详情, the deleted row's cells shown as 未读到,
and opens a deep link on a freshly started server. Uploads files whose names and titles are Markdown and
HTML (shown as typed, nothing fetched), checks that the upload widget refuses exactly one byte over
MAX_FILE_BYTES, and opens the dashboard on a library that is not a database, in a missing folder and in
an unwritable one (a Chinese message, the file untouched). Screenshots go to tests/artifacts/ for a
person to look at.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import sqlite3
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import docx
import pytest

from conftest import ROOT
from core import charts as C
from locations import random_bytes_file, snapshot, unwritable_folder

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
playwright = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")]
ARTIFACTS = ROOT / "tests" / "artifacts"
SAMPLES = ROOT / "sample_reports"
PDF = SAMPLES / "000_cf1e86794f147280.pdf"  # 湛河区住建局 2023
DOCX = SAMPLES / "003_2e35e5fc97545d22.docx"  # 湛河区工信局 2024
R2_REPORT = SAMPLES / "002_b232cca7e491c758.txt"  # 市住建局 2020: (七)总计 ≠ sum of outcomes
TXT = SAMPLES / "000_cf1e86794f147280.txt"  # its Table 3 row （五）2.重复申请 deleted: 7 cells 未读到
HIGHLIGHT_ERROR = "rgb(248, 208, 203)"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`streamlit run app.py` on a free port, output to a file (a pipe can fill up and block it)."""

    def __init__(self, db: Path, samples: Path, data: str = "real", demo_db: Path | None = None) -> None:
        """data="": the library a first start opens (the demonstration while `db` holds no upload)."""
        self.port = _free_port()
        self.log = tempfile.TemporaryFile()
        env = dict(os.environ, GOVREPORT_DB=str(db), GOVREPORT_SAMPLES=str(samples), GOVREPORT_DATA=data,
                   GOVREPORT_DEMO_DB=str(demo_db or db.with_name("demo.sqlite3")))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true", f"--server.port={self.port}",
             "--server.address=127.0.0.1", "--browser.gatherUsageStats=false", "--global.developmentMode=false"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                self.log.seek(0)
                raise RuntimeError("streamlit exited: " + self.log.read().decode(errors="replace")[-2000:])
            try:
                if urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2).read() == b"ok":
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("streamlit did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture(scope="module")
def library_dir(tmp_path_factory):
    """A first start that loads only the 2020 report (the uploads below must be new files)."""
    d = tmp_path_factory.mktemp("e2e")
    (d / "samples").mkdir()
    shutil.copy(R2_REPORT, d / "samples" / R2_REPORT.name)
    lines = TXT.read_text(encoding="utf-8").splitlines(keepends=True)
    (d / "湛河区住建局_缺行.txt").write_text("".join(line for line in lines if "重复申请" not in line), encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        yield b
        b.close()


def _ready(page) -> None:
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
    playwright.expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=30_000)
    page.wait_for_timeout(800)


def _shot(page, name: str) -> None:
    """The whole page: Streamlit scrolls inside its main container, so the viewport is grown to fit."""
    ARTIFACTS.mkdir(exist_ok=True)
    size = page.viewport_size
    height = page.evaluate("() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], "
                           "[data-testid=stAppViewContainer]')].map(e => e.scrollHeight), 800)")
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 8000)})
    page.wait_for_timeout(600)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    page.set_viewport_size(size)


def test_upload_compare_check_and_report_details(library_dir, browser):
    server = Server(library_dir / "lib.sqlite3", library_dir / "samples")
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        page.goto(server.url + "/")
        _ready(page)
        playwright.expect(page.get_by_role("heading", name="总览")).to_be_visible()
        page.get_by_role("link", name="上传报告").click()
        _ready(page)
        damaged = library_dir / "湛河区住建局_缺行.txt"
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files([str(PDF), str(DOCX), str(damaged)])
        page.wait_for_timeout(1500)
        page.get_by_role("button", name="解析并入库").click()
        playwright.expect(page.get_by_text("入库 3 份")).to_be_visible(timeout=60_000)
        playwright.expect(page.get_by_text("完整度 96.5%（193/200 格）")).to_be_visible()
        playwright.expect(page.get_by_text("湛河区住建局", exact=False).first).to_be_visible()
        _shot(page, "upload")

        page.goto(server.url + "/compare?year=2023")
        _ready(page)
        _chart(page, "一、本年新收政府信息公开申请数量·全部申请人：机构排名（2023年")
        heat = _chart(page, "机构 × 指标热力图（2023年")  # a cell for every value, 0 too (its report has 0 here)
        seen = _tooltips(page, heat, *HEAT)
        assert "湛河区住建局\n一、本年新收政府信息公开申请数量·全部申请人：0" in seen, seen
        with page.expect_download() as download:  # the ranking's data, each row with its report's address
            page.get_by_role("button", name="下载数据（CSV）").first.click()
        rows = Path(download.value.path()).read_bytes().decode("utf-8-sig").splitlines()
        assert rows[0].endswith(",报告链接") and all(f",{server.url}/report?id=" in r for r in rows[1:]), rows
        _shot(page, "compare-2023")
        page.goto(server.url + "/compare?year=2024")
        _ready(page)
        seen = _tooltips(page, _chart(page, "机构 × 指标热力图（2024年"), *HEAT)
        assert any(t.startswith("湛河区工信局\n") for t in seen), seen

        page.goto(server.url + "/checks")
        _ready(page)
        page.get_by_text("校验发现（").first.scroll_into_view_if_needed()
        _shot(page, "checks")
        grid_text = page.locator("[data-testid='stDataFrame']").first  # the findings, above the summaries
        playwright.expect(grid_text).to_be_visible()
        csv = page.get_by_role("button", name=re.compile(r"^下载全部 [\d,]+ 条校验发现（CSV）$"))
        with page.expect_download() as download:
            csv.click()
        content = Path(download.value.path()).read_bytes().decode("utf-8-sig")
        assert "R2" in content and "市住建局" in content and "相差1" in content

        page.goto(server.url + "/report")
        _ready(page)
        _choose(page, "机构", "市住建局")
        playwright.expect(page.get_by_text("R2", exact=False).first).to_be_visible()
        table3 = page.locator("[data-testid='stTable']").nth(1)
        red = table3.locator("td").filter(has_text="15")
        colours = [c.evaluate("e => getComputedStyle(e).backgroundColor") for c in red.all()]
        assert HIGHLIGHT_ERROR in colours, colours
        _shot(page, "report-002")

        _choose(page, "机构", "湛河区住建局")
        _choose(page, "报告", "缺行")
        playwright.expect(page.locator("[data-testid='stTable'] td").filter(has_text="未读到")).to_have_count(7)
        with page.expect_download() as download:  # the file as uploaded, read from the library when clicked
            page.get_by_role("button", name="下载原始文件").click()
        assert download.value.suggested_filename == damaged.name
        assert Path(download.value.path()).read_bytes() == damaged.read_bytes()
        _shot(page, "report-unread")
    finally:
        server.stop()


def _choose(page, label: str, option: str) -> None:
    """Choose the first option containing `option` in the select box labelled `label`."""
    page.get_by_test_id("stSelectbox").filter(has=page.get_by_text(label, exact=True)).first.click()
    page.get_by_role("option", name=option, exact=False).first.click()
    _ready(page)


def _chart(page, title: str):
    """The chart whose title (its screen-reader label) starts with `title`, once it has painted its canvas:
    ECharts draws on a canvas, so its words are not in the page; the tooltip is (`_tooltips`)."""
    chart = page.get_by_test_id("stEChartsChart").filter(has=page.locator("canvas")).and_(
        page.locator(f"[aria-label^='{title}']")).first
    playwright.expect(chart).to_be_visible()
    inked = chart.evaluate("""chart => {
        let n = 0;
        for (const c of chart.querySelectorAll('canvas')) {
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            for (let i = 0; i < d.length; i += 64) if (d[i + 3] > 0 && (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200)) n++;
        }
        return n; }""")
    assert inked > 50, f"{title}: the canvas is blank"
    return chart


FIND_COLOUR = """([chart, rgb]) => {
    // ECharts may paint on several layers (canvases): composed here in their order
    const layers = [...chart.querySelectorAll('canvas')], canvas = layers[0];
    const w = canvas.width, h = canvas.height, all = document.createElement('canvas');
    all.width = w; all.height = h;
    const ctx = all.getContext('2d');
    for (const layer of layers) ctx.drawImage(layer, 0, 0);
    const d = ctx.getImageData(0, 0, w, h).data;
    const near = i => Math.abs(d[i] - rgb[0]) <= 3 && Math.abs(d[i + 1] - rgb[1]) <= 3 && Math.abs(d[i + 2] - rgb[2]) <= 3;
    // a filled shape, not the edge of a glyph: three pixels in a row of the colour
    const solid = (x, y) => [0, 1, 2].every(k => x + k < w && near((y * w + x + k) * 4));
    const bands = [];
    let band = null;
    for (let y = 0; y < h; y++) {
        let first = -1;
        for (let x = 0; x < w; x++) if (solid(x, y)) { first = x; break; }
        if (first >= 0) { if (band) { band.y1 = y; band.x = Math.min(band.x, first); } else band = {y0: y, y1: y, x: first}; }
        else if (band) { bands.push(band); band = null; }
    }
    if (band) bands.push(band);
    const scale = canvas.clientWidth / w;
    // the middle of the first run of the colour on the band's middle row: a bar's middle, a cell's, a cross's
    return bands.filter(b => b.y1 - b.y0 >= 3).map(b => {
        const y = Math.round((b.y0 + b.y1) / 2);
        let x0 = 0;
        while (x0 < w && !solid(x0, y)) x0++;
        let x1 = x0;
        while (x1 + 1 < w && near((y * w + x1 + 1) * 4)) x1++;
        return [(x0 + x1 + 1) / 2 * scale, (y + 0.5) * scale];
    });
}"""


HEAT = ("#f4f8fc", "#7fb0dc")  # a heatmap cell's colour at 0 and at its metric's largest value


def _tooltips(page, chart, *colours: str) -> list[str]:
    """What the chart says about each shape drawn in one of `colours` (#rrggbb): the mouse pointed at
    the first shape of that colour in each band of it on the canvas, the text of the tooltip ECharts then writes
    into the page (as HTML). The viewport is grown to the whole page, so every point is on screen."""
    size = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 8000)})
    page.wait_for_timeout(400)
    canvas = chart.locator("canvas").first
    box = canvas.bounding_box()
    points = [p for colour in colours
              for p in page.evaluate(FIND_COLOUR, [chart.element_handle(), [int(colour[i:i + 2], 16) for i in (1, 3, 5)]])]
    seen = []
    for x, y in points:
        page.mouse.move(box["x"] + x, box["y"] + y)
        page.wait_for_timeout(300)  # the tooltip's text follows the pointer a few frames later
        tip = chart.locator("div[style*='z-index: 9999999']").first
        seen.append(tip.inner_text().strip() if tip.is_visible() else "")
    page.mouse.move(0, 0)
    page.set_viewport_size(size)
    return seen


def test_the_demonstration_as_an_official_sees_it(tmp_path, browser):
    """A first start: the demonstration with its banner; the coverage grid says 未入库; the trend's
    points name the agency and year; the unbalanced 2022 review table is marked; the briefing pack
    downloads; the banner's button leads back to the (empty) real library. (Label placement and axis
    formats are the options' business: tests/test_views.py; the screenshots are for a person.)"""
    (tmp_path / "samples").mkdir()
    server = Server(tmp_path / "lib.sqlite3", tmp_path / "samples", data="")
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        page.goto(server.url + "/")
        _ready(page)
        playwright.expect(page.get_by_text("虚构的「演示市」各机构")).to_be_visible()
        grid = _chart(page, "资料库收录情况")
        seen = _tooltips(page, grid, "#eef0f3")  # the 未入库 cells' colour
        assert "演示市住房和城乡建设局｜2022年：未入库" in seen and not any("未报送" in t for t in seen), seen
        _shot(page, "demo-overview")

        page.goto(server.url + "/trends")
        _ready(page)
        trend = _chart(page, "一、本年新收政府信息公开申请数量·全部申请人：年度趋势")
        seen = _tooltips(page, trend, C.SUSPECT)  # the cross on 自然资源和规划局 2023 (R1)
        assert any(re.fullmatch(r"演示市自然资源和规划局｜2023年：[\d,]+ ⚠", t) for t in seen), seen
        _shot(page, "demo-trends")

        page.goto(server.url + "/review?year=2022")
        _ready(page)
        review = _chart(page, "行政复议：办理结果")
        seen = _tooltips(page, review, C.MAIN)  # the first segment of each bar (结果维持)
        assert any(t.startswith("演示市东湖区人民政府\n") and t.endswith("⚠") for t in seen), seen
        _shot(page, "demo-review-2022")

        with page.expect_download(timeout=120_000) as download:  # the briefing pack of this view
            page.get_by_role("button", name="生成简报（Word）").click()
        assert download.value.suggested_filename == "政务公开年报简报_2022年.docx"
        pack = docx.Document(download.value.path())
        text = "\n".join(p.text for p in pack.paragraphs)
        assert "演示数据" in text and "R4" in text and len(pack.inline_shapes) >= 3

        page.get_by_role("button", name="切换到正式资料库").click()
        _ready(page)
        playwright.expect(page.get_by_text("资料库中还没有报告")).to_be_visible()
        assert "data=real" in page.url
        playwright.expect(page.get_by_text("虚构的「演示市」各机构")).to_have_count(0)
    finally:
        server.stop()


def test_deep_link_on_a_freshly_started_server(library_dir, browser, tmp_path):
    server = Server(tmp_path / "fresh.sqlite3", library_dir / "samples")
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN")
        page.goto(server.url + "/trends?metric=applications.total.total")
        _ready(page)
        playwright.expect(page.get_by_role("heading", name="年度趋势")).to_be_visible()
        nav = page.locator("[data-testid='stSidebar']")
        for label in ("总览", "机构对比", "数据校验", "报告详情"):
            playwright.expect(nav.get_by_role("link", name=label)).to_be_visible()
        _chart(page, "（七）总计·全部申请人：年度趋势")
        assert "metric=applications.total.total" in page.url
        _shot(page, "deep-link-trends")
    finally:
        server.stop()


# ---- names and titles a user or a document supplies ---------------------------------------------------

HOSTILE_NAMES = ["![](http://127.0.0.1:9/x.png)", "[点我](javascript:alert(1))", "**粗体**", "<img src=x>"]
# a title loses its spaces when the agency is read from it: <img/src=x> is still a tag without one
HOSTILE_TITLES = ["![](http://127.0.0.1:9/t.png)", "[点我](javascript:alert(1))", "__粗体__", "<img/src=x>"]
JOINER = "\u2060"  # ui.md keeps web addresses from becoming links with this invisible character


def _fetched_for_a_name(url: str, server: Server) -> bool:
    """A request a name made: to the address in it, or <img src=x> resolved against the page."""
    parts = urlsplit(url)
    return parts.netloc == "127.0.0.1:9" or (parts.netloc == f"127.0.0.1:{server.port}" and parts.path in ("/x", "/t.png"))


def _markup_from_names(page) -> dict:
    return page.evaluate("""() => {
        const href = a => (a.getAttribute('href') || a.getAttribute('xlink:href') || '').trim().toLowerCase();
        return {
            img: [...document.querySelectorAll('img, image')].map(i => i.getAttribute('src') || i.getAttribute('href') || '')
                 .filter(s => s === 'x' || s.includes('127.0.0.1:9')),
            links: [...document.querySelectorAll('a')].map(href).filter(h => h.startsWith('javascript') || h.includes('127.0.0.1:9')),
            emphasis: [...document.querySelectorAll('strong, b, em, i, code')].map(e => e.textContent).filter(t => t.includes('粗体')),
        };
    }""")


def test_names_and_titles_are_shown_as_typed_and_nothing_is_fetched(tmp_path, browser):
    (tmp_path / "samples").mkdir()
    server = Server(tmp_path / "lib.sqlite3", tmp_path / "samples")
    requests, dialogs = [], []
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        page.on("request", lambda r: requests.append(r.url))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(server.url + "/upload")
        _ready(page)
        text = TXT.read_text(encoding="utf-8")
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files([
            {"name": f"{name}.txt", "mimeType": "text/plain",
             "buffer": text.replace("湛河区住建局 2023", f"{title}住建局 2023", 1).encode()}
            for name, title in zip(HOSTILE_NAMES, HOSTILE_TITLES)])
        page.wait_for_timeout(1500)
        page.get_by_role("button", name="解析并入库").click()
        playwright.expect(page.get_by_text("入库 4 份")).to_be_visible(timeout=60_000)
        _ready(page)
        with sqlite3.connect(tmp_path / "lib.sqlite3") as db:
            stored = db.execute("SELECT id, name, agency FROM reports ORDER BY id").fetchall()
        assert [name for _, name, _ in stored] == [f"{n}.txt" for n in HOSTILE_NAMES]
        shown = "\n".join(page.get_by_test_id("stAlert").all_inner_texts()).replace(JOINER, "")
        labels = "\n".join(page.get_by_test_id("stExpander").all_inner_texts()).replace(JOINER, "")
        for _, name, agency in stored:
            assert f"✓ {name}：已入库。" in shown and agency in shown and f"主要数值与无法核验的规则：{name}" in labels
        assert HOSTILE_TITLES[3] + "住建局" in shown  # the <img/src=x> title as printed
        assert _markup_from_names(page) == {"img": [], "links": [], "emphasis": []}
        _shot(page, "names-upload")

        report_id, name, agency = stored[3]  # <img src=x>.txt, agency <img/src=x>住建局
        page.goto(f"{server.url}/report?id={report_id}")
        _ready(page)
        heading = page.get_by_role("heading", name="2023年度报告")
        assert heading.inner_text().replace(JOINER, "") == f"{agency}\u30002023年度报告"
        assert page.get_by_role("combobox", name="报告").input_value().endswith(f"·　{name}")  # an option: plain text
        assert _markup_from_names(page) == {"img": [], "links": [], "emphasis": []}
        _shot(page, "names-report")

        page.goto(server.url + "/compare?year=2023")  # agencies in a chart's tooltips (HTML: escaped)
        _ready(page)
        agencies = {agency for _, _, agency in stored}
        seen = _tooltips(page, _chart(page, "机构 × 指标热力图"), *HEAT)
        assert {t.split("\n")[0] for t in seen} == agencies, seen
        assert _markup_from_names(page) == {"img": [], "links": [], "emphasis": []}
        page.goto(server.url + "/trends")  # agencies as widget options
        _ready(page)
        for _, _, agency in stored:
            playwright.expect(page.get_by_test_id("stMultiSelect").first).to_contain_text(agency)
        assert _markup_from_names(page) == {"img": [], "links": [], "emphasis": []}
        _shot(page, "names-trends")
        page.wait_for_timeout(500)

        # one size limit: the widget refuses MAX_FILE_BYTES + 1 bytes (Streamlit's own words, in Chinese) and
        # passes MAX_FILE_BYTES bytes on to the library, which does not refuse its size either
        page.goto(server.url + "/upload")
        _ready(page)
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files([str(p) for p in _limit_files(tmp_path)])
        chips = page.get_by_test_id("stFileChip")
        playwright.expect(chips.filter(has_text="over-limit.txt")).to_contain_text("文件不能超过 50.0 MB")
        page.get_by_role("button", name="解析并入库").click()
        line = page.get_by_test_id("stAlert").filter(has_text="at-limit.txt")
        playwright.expect(line).to_be_visible(timeout=60_000)
        assert "文件过大" not in line.inner_text()
        playwright.expect(page.get_by_test_id("stAlert").filter(has_text="over-limit.txt")).to_have_count(0)
        _shot(page, "size-limit")
    finally:
        server.stop()
    assert [u for u in requests if _fetched_for_a_name(u, server)] == []
    assert dialogs == []


def _limit_files(folder: Path) -> list[Path]:
    """A file of exactly MAX_FILE_BYTES and one of a byte more (sparse: nothing written to disk)."""
    from core.readers import MAX_FILE_BYTES
    paths = []
    for name, size in (("at-limit.txt", MAX_FILE_BYTES), ("over-limit.txt", MAX_FILE_BYTES + 1)):
        with (folder / name).open("wb") as f:
            f.truncate(size)
        paths.append(folder / name)
    return paths


# ---- the library's location ---------------------------------------------------------------------------

def test_a_library_that_cannot_be_used_is_a_chinese_message_and_stays_untouched(tmp_path, browser):
    """One server, its GOVREPORT_DB at loc/sub/lib.sqlite3; between two loads of the page the location
    changes (the dashboard looks again at every load): a missing folder that cannot be created, an
    unwritable folder, a file that is not a database."""
    (tmp_path / "samples").mkdir()
    path = tmp_path / "loc" / "sub" / "lib.sqlite3"
    unwritable = unwritable_folder(tmp_path)

    def missing():
        return path.parent, "不存在，也无法自动创建"

    def not_writable():
        (tmp_path / "loc").mkdir()
        (tmp_path / "loc" / "sub").symlink_to(unwritable, target_is_directory=True)
        return path, "不可写"

    def corrupt():
        (tmp_path / "loc" / "sub").unlink()
        (tmp_path / "loc" / "sub").mkdir()
        random_bytes_file(path)
        return path, "不是 SQLite 数据库"

    server = Server(path, tmp_path / "samples")
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN")
        for case in (missing, not_writable, corrupt):
            named, words = case()
            before = snapshot(path) if path.is_file() else None
            for where in ("/", "/upload") if case is corrupt else ("/",):
                page.goto(server.url + where)
                _ready(page)
                alert = page.get_by_test_id("stAlert")
                playwright.expect(alert).to_contain_text(words)
                playwright.expect(alert).to_contain_text(str(named))
                playwright.expect(alert).to_contain_text("GOVREPORT_DB")
                playwright.expect(page.get_by_test_id("stException")).to_have_count(0)
                assert "Error" not in alert.inner_text()
            _shot(page, f"library-{case.__name__}")
    finally:
        server.stop()
    assert snapshot(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["lib.sqlite3"]  # no journal, WAL or copy beside it


def test_a_misread_value_corrected_and_undone_in_the_browser(tmp_path, browser):
    """The 2020 report's 总计列 reads 19 where its outcomes add up to 20 (an R2 error): an official
    corrects it with a reason, the finding goes, the cell is marked, the history says so; undone, the
    finding is back."""
    (tmp_path / "samples").mkdir()
    shutil.copy(R2_REPORT, tmp_path / "samples" / R2_REPORT.name)
    server = Server(tmp_path / "lib.sqlite3", tmp_path / "samples")
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        page.goto(server.url + "/report")
        _ready(page)
        playwright.expect(page.get_by_text("总计列为19", exact=False).first).to_be_visible()
        page.get_by_test_id("stSelectbox").filter(has=page.get_by_text("项目", exact=True)).first.click()
        page.keyboard.type("（七）总计·全部申请人")
        page.get_by_role("option", name="（七）总计·全部申请人", exact=False).first.click()
        page.get_by_label("更正为（数值）").fill("20")
        page.get_by_label("理由（必填）").fill("原文表三（七）总计·总计列为 20，解析读成 19")
        page.get_by_role("button", name="保存更正").click()
        _ready(page)
        playwright.expect(page.get_by_text("已更正「", exact=False)).to_be_visible()
        playwright.expect(page.get_by_text("原读数 19 → 20", exact=False)).to_be_visible()
        playwright.expect(page.get_by_text("总计列为19", exact=False)).to_have_count(0)
        marked = page.locator("[data-testid='stTable'] td").filter(has_text="20")
        borders = [c.evaluate("e => getComputedStyle(e).borderLeftColor") for c in marked.all()]
        assert "rgb(37, 99, 235)" in borders, borders  # the corrected cell's blue mark
        _shot(page, "report-corrected")
        page.get_by_role("button", name="撤销所选更正").click()
        _ready(page)
        playwright.expect(page.get_by_text("已撤销对「", exact=False)).to_be_visible()
        playwright.expect(page.get_by_text("总计列为19", exact=False).first).to_be_visible()
        _shot(page, "report-correction-undone")
    finally:
        server.stop()


def test_this_year_against_last_year_in_the_browser(tmp_path, browser):
    """年度对照 of an agency whose 2024 report has a row the parser cannot find (7 cells 未读到), one
    number up and last year's prose: the headline counts, a copied 第五部分 pointed out."""
    (tmp_path / "samples").mkdir()
    lines = TXT.read_text(encoding="utf-8").splitlines(keepends=True)
    later = "".join(line for line in lines if "重复申请" not in line).replace("2023", "2024")
    later = later.replace("行政许可\t0\t\t", "行政许可\t5\t\t")
    shutil.copy(TXT, tmp_path / "samples" / "湛河区住建局2023.txt")
    (tmp_path / "samples" / "湛河区住建局2024.txt").write_text(later, encoding="utf-8")
    server = Server(tmp_path / "lib.sqlite3", tmp_path / "samples")
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        page.goto(server.url + "/years")
        _ready(page)
        playwright.expect(page.get_by_role("heading", name="年度对照")).to_be_visible()
        metrics = page.get_by_test_id("stMetric")
        playwright.expect(metrics.filter(has_text="增加")).to_contain_text("1 格")
        playwright.expect(metrics.filter(has_text="无法比较（未读到）")).to_contain_text("7 格")
        # its prose is last year's (only the year changed): 第五部分 is pointed out, the text shown on request
        playwright.expect(page.get_by_text("与上年高度相似", exact=False)).to_be_visible()
        page.get_by_text("第一部分「总体情况」", exact=False).first.click()
        playwright.expect(page.locator("[data-testid='stExpanderDetails']").first).to_be_visible()
        _shot(page, "years")
    finally:
        server.stop()


def test_a_scanned_report_uploaded_and_checked_against_its_page_in_the_browser(tmp_path, browser):
    """A scan of the 2023 sample (image-only PDF: turned, speckled, JPEG) uploaded through the page:
    read by OCR, its values marked as such, and a chosen value outlined on the straightened page."""
    from scans import scanned_pdf
    scan = tmp_path / "湛河区住建局2023_扫描件.pdf"
    scan.write_bytes(scanned_pdf(PDF.read_bytes(), dpi=170, seed=5))
    (tmp_path / "samples").mkdir()
    server = Server(tmp_path / "lib.sqlite3", tmp_path / "samples")
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        page.goto(server.url + "/upload")
        _ready(page)
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files([str(scan)])
        page.wait_for_timeout(1500)
        page.get_by_role("button", name="解析并入库").click()
        playwright.expect(page.get_by_text("扫描件，4 页逐页文字识别", exact=False)).to_be_visible(timeout=15_000)
        playwright.expect(page.get_by_text("结果：入库 1 份")).to_be_visible(timeout=120_000)
        page.goto(server.url + "/report")
        _ready(page)
        playwright.expect(page.get_by_text("本报告是扫描件", exact=False)).to_be_visible()
        underlined = page.locator("[data-testid='stTable'] td").filter(has_text="27.8334")
        assert "139, 92, 246" in underlined.first.evaluate("e => getComputedStyle(e).boxShadow")  # violet: OCR
        page.get_by_test_id("stSelectbox").filter(has=page.get_by_text("选择一个数值", exact=False)).first.click()
        page.keyboard.type("行政事业性收费")
        page.get_by_role("option", name="行政事业性收费", exact=False).first.click()
        _ready(page)
        playwright.expect(page.get_by_test_id("stImage")).to_be_visible(timeout=30_000)
        playwright.expect(page.get_by_text("红框：行政事业性收费", exact=False)).to_be_visible()
        _shot(page, "report-scan")
    finally:
        server.stop()
