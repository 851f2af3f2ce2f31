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
        chart = page.locator("[data-testid='stPlotlyChart']").first
        playwright.expect(chart).to_contain_text("湛河区住建局")
        playwright.expect(chart).to_contain_text("2023年")
        _shot(page, "compare-2023")
        page.goto(server.url + "/compare?year=2024")
        _ready(page)
        playwright.expect(page.locator("[data-testid='stPlotlyChart']").first).to_contain_text("湛河区工信局")

        page.goto(server.url + "/checks")
        _ready(page)
        page.get_by_text("校验发现（").first.scroll_into_view_if_needed()
        _shot(page, "checks")
        grid_text = page.locator("[data-testid='stDataFrame']").first  # the findings, above the summaries
        playwright.expect(grid_text).to_be_visible()
        csv = page.get_by_role("button", name="下载校验发现（CSV）")
        with page.expect_download() as download:
            csv.click()
        content = Path(download.value.path()).read_bytes().decode("utf-8-sig")
        assert "R2" in content and "市住建局" in content and "相差1" in content

        page.goto(server.url + "/report")
        _ready(page)
        page.get_by_test_id("stSelectbox").filter(has_text="报告").first.click()
        page.get_by_role("option", name="市住建局", exact=False).first.click()
        _ready(page)
        playwright.expect(page.get_by_text("R2", exact=False).first).to_be_visible()
        table3 = page.locator("[data-testid='stTable']").nth(1)
        red = table3.locator("td").filter(has_text="15")
        colours = [c.evaluate("e => getComputedStyle(e).backgroundColor") for c in red.all()]
        assert HIGHLIGHT_ERROR in colours, colours
        _shot(page, "report-002")

        page.get_by_test_id("stSelectbox").filter(has_text="报告").first.click()
        page.get_by_role("option", name="缺行", exact=False).first.click()
        _ready(page)
        playwright.expect(page.locator("[data-testid='stTable'] td").filter(has_text="未读到")).to_have_count(7)
        _shot(page, "report-unread")
    finally:
        server.stop()


def _boxes(locator) -> list[dict]:
    return [b for b in (e.bounding_box() for e in locator.all()) if b and b["width"] and b["height"]]


def _overlaps(boxes: list[dict]) -> list[tuple[dict, dict]]:
    """Pairs of boxes that cover each other by more than a pixel either way."""
    return [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"]) > 1
            and min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"]) > 1]


def test_the_demonstration_as_an_official_sees_it(tmp_path, browser):
    """A first start: the demonstration with its banner; names in the coverage grid and the labels at
    the ends of the trend lines do not overlap; axes read the Chinese way; the banner's button leads
    back to the (empty) real library."""
    (tmp_path / "samples").mkdir()
    server = Server(tmp_path / "lib.sqlite3", tmp_path / "samples", data="")
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        page.goto(server.url + "/")
        _ready(page)
        playwright.expect(page.get_by_text("虚构的「演示市」各机构")).to_be_visible()
        grid = page.locator("[data-testid='stPlotlyChart']").filter(has_text="资料库收录情况")
        playwright.expect(grid).to_contain_text("未入库")
        assert "未报送" not in grid.inner_text()
        names = _boxes(grid.locator(".yaxislayer-above .ytick text"))
        assert len(names) == 8 and not _overlaps(names)
        _shot(page, "demo-overview")

        page.goto(server.url + "/trends")
        _ready(page)
        trend = page.locator("[data-testid='stPlotlyChart']").first
        labels = _boxes(trend.locator("g.annotation text").filter(has_text=re.compile(r"\d")))
        assert len(labels) >= 5 and not _overlaps(labels), labels
        ticks = [t.text_content() or "" for t in trend.locator(".ytick text").all()]
        assert ticks and not any(re.search(r"\d[kKM]$", t) for t in ticks), ticks
        assert "单位：件" in trend.inner_text()
        _shot(page, "demo-trends")

        page.goto(server.url + "/review?year=2022")
        _ready(page)
        review = page.locator("[data-testid='stPlotlyChart']").filter(has_text="行政复议：办理结果")
        playwright.expect(review).to_contain_text("⚠")
        playwright.expect(review).to_contain_text("演示市东湖区人民政府")
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
        playwright.expect(page.locator("[data-testid='stPlotlyChart']").first).to_contain_text("（七）总计")
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

        page.goto(server.url + "/trends")  # agencies as widget options and in a chart (Plotly's own markup)
        _ready(page)
        legend = page.locator("[data-testid='stPlotlyChart'] .legend").first
        for _, _, agency in stored:
            playwright.expect(legend).to_contain_text(agency)
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
