"""The sample library (sample_reports/): five seed reports, each as TXT, PDF, DOCX and HTML.

`sample_reports/make_samples.py` renders every format from the TXT, so all four documents of a seed
hold the same report and must give the same record. Only the score test needs ../shared.
"""
import importlib.util
import re
import subprocess
import sys
from functools import lru_cache

import pdfplumber
import pytest

from conftest import ROOT, SHARED
from core.ingest import ingest
from core.readers import read_document

SAMPLES = ROOT / "sample_reports"
SCORE = SHARED / "tools" / "score.py"
NAMES = sorted(p.name[: -len(".gold.json")] for p in SAMPLES.glob("*.gold.json"))
FORMATS = ("pdf", "docx", "html")
T3_SPLIT_PDFS = ("001_c73b0815ce023fc0", "003_2e35e5fc97545d22")  # 001 without, 003 with a repeated header
OFFICE_PDF = "000_cf1e86794f147280"  # exported by LibreOffice from the DOCX
GBK_PAGE = "001_c73b0815ce023fc0"
NO_CHARSET_PAGE = "004_ab6da90aa55277b8"
T3_LABELS = ("本年新收", "上年结转", "予以公开", "部分公开", "国家秘密", "不掌握", "重复申请", "不补正", "总计",
             "结转下年度")


@lru_cache(maxsize=None)
def _report(name: str, ext: str):
    path = SAMPLES / f"{name}.{ext}"
    return ingest(path.read_bytes(), path.name)


def test_library_is_complete():
    assert len(NAMES) == 5
    for name in NAMES:
        for ext in ("txt", *FORMATS):
            assert (SAMPLES / f"{name}.{ext}").is_file(), f"{name}.{ext}"


@pytest.mark.parametrize("ext", FORMATS)
@pytest.mark.parametrize("name", NAMES)
def test_every_format_gives_the_record_of_the_text(name, ext):
    # The text's record is the reference: the other formats are rendered from it. Keys are compared
    # with their absence kept distinct from null. Warnings may differ and are not compared: where the
    # TXT lost a cell (001's short rows → null plus `short_row`), the rendered grid shows a blank cell
    # (null, no warning) — the same value either way.
    text, other = _report(name, "txt"), _report(name, ext)
    assert text.error is None and other.error is None, other.error
    missing = object()
    diff = {k: (text.fields.get(k, missing), other.fields.get(k, missing))
            for k in set(text.fields) | set(other.fields)
            if text.fields.get(k, missing) != other.fields.get(k, missing)}
    assert not diff, f"{name}.{ext} differs from {name}.txt: {diff}"


@pytest.mark.parametrize("ext", ("txt", *FORMATS))
@pytest.mark.parametrize("name", NAMES)
def test_no_table_rule_broken_unless_the_report_breaks_it(name, ext):
    rules = {w.rule for w in _report(name, ext).warnings if w.severity == "error"}
    assert rules == ({"R2"} if name.startswith("002") else set())  # 002's own table breaks R2


@pytest.mark.skipif(not SCORE.exists(), reason="../shared is not beside this checkout")
def test_score_is_100_percent():
    run = subprocess.run([sys.executable, str(SCORE), "--gold", str(SAMPLES), "--docs", str(SAMPLES), "-v",
                          "--cmd", f"{sys.executable} -m core parse --json"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert len(re.findall(r"^0\d\d_\w+\.\w+: ", run.stdout, re.M)) == 20, run.stdout
    assert "rule checks wrong on 0 document(s)" in run.stdout, run.stdout
    assert run.stdout.strip().splitlines()[-1].endswith("correct (100.00%)"), run.stdout
    assert run.returncode == 0, run.stdout + run.stderr


def _t3_pages(path) -> list[int]:
    """Pages on which rows of Table 3 (its row labels inside a ruled table) are printed."""
    pages = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            texts = [cell or "" for table in page.extract_tables() for row in table for cell in row]
            if sum(any(label in re.sub(r"\s", "", t) for t in texts) for label in T3_LABELS) >= 2:
                pages.append(number)
    return pages


@pytest.mark.parametrize("name", T3_SPLIT_PDFS)
def test_table3_breaks_across_two_pages(name):
    pages = _t3_pages(SAMPLES / f"{name}.pdf")
    assert len(pages) == 2 and pages[1] == pages[0] + 1, pages
    path = SAMPLES / f"{name}.pdf"
    doc = read_document(path.read_bytes(), path.name)
    assert any(len(t.rows) == 28 and "至" in t.where for t in doc.tables)  # read back as one table


def test_office_pdf_embeds_subset_fonts():
    with pdfplumber.open(SAMPLES / f"{OFFICE_PDF}.pdf") as pdf:
        assert "LibreOffice" in str(pdf.metadata.get("Producer", ""))
        fonts = {c["fontname"] for page in pdf.pages for c in page.chars}
    assert fonts and all(re.match(r"^[A-Z]{6}\+", f) for f in fonts), fonts


def test_reportlab_pdfs_use_the_cid_font_unembedded():
    with pdfplumber.open(SAMPLES / "002_b232cca7e491c758.pdf") as pdf:
        fonts = {c["fontname"] for c in pdf.pages[0].chars}
    assert fonts == {"STSongStd-Light"}  # STSong-Light, referenced by name only


def test_gbk_page_is_really_gbk():
    data = (SAMPLES / f"{GBK_PAGE}.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert b'charset=gbk"' in data[:1024]
    assert "浉河区人民政府办公室" in data.decode("gbk")


def test_page_without_charset_declaration():
    data = (SAMPLES / f"{NO_CHARSET_PAGE}.html").read_bytes()
    assert b"charset" not in data.lower()
    data.decode("utf-8")


def test_web_pages_are_whole_portal_pages():
    for name in NAMES:
        page = (SAMPLES / f"{name}.html").read_bytes().decode("gbk" if name == GBK_PAGE else "utf-8")
        for part in ("<title>", "<script", "<style", "首页", "位置：", "发布", "ICP备", "rowspan=", "colspan=", "&nbsp;"):
            assert part in page, (name, part)


def test_committed_pages_are_what_the_script_renders():
    """make_samples.py and the committed files agree (HTML: plain text, no library version in it)."""
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    for name in NAMES:
        sample = module.build(name, (SAMPLES / f"{name}.txt").read_text(encoding="utf-8"))
        assert module.render_html(sample) == (SAMPLES / f"{name}.html").read_bytes(), name
