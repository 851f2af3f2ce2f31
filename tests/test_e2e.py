"""End to end: the real dashboard served by `streamlit run`, driven in Debian's chromium.

Uploads a PDF, a Word file and a text with a Table 3 row deleted, finds them in 机构对比, finds the 2020
report's R2 break in 数据校验 and its highlighted cells in 报告详情, the deleted row's cells shown as 未读到,
and opens a deep link on a freshly started server. Screenshots go
to tests/artifacts/ for a person to look at.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT

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

    def __init__(self, db: Path, samples: Path) -> None:
        self.port = _free_port()
        self.log = tempfile.TemporaryFile()
        env = dict(os.environ, GOVREPORT_DB=str(db), GOVREPORT_SAMPLES=str(samples))
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
        grid_text = page.locator("[data-testid='stDataFrame']").last
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
