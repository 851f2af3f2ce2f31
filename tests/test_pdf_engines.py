"""The PDF reader on PDFium reads as it did on pdfminer.six: the same grids, lines and titles.

pdf_miner.py keeps the pdfminer reader (the fallback for files PDFium is not given), so every sample
and fixture is read both ways and compared block by block; pdf_tables.py (pdfplumber's table finder
and text layout, vendored) is compared with pdfplumber itself on every page of the samples.
"""
from __future__ import annotations

import random
import subprocess
import sys
import threading
from pathlib import Path

import pdfplumber
import pytest
from pdfplumber.table import TableFinder, TableSettings
from pdfplumber.utils.clustering import cluster_objects
from pdfplumber.utils.text import chars_to_textmap, extract_text

from conftest import ROOT
from core.grid import ReadError, Table
from core.readers import pdf as P
from core.readers import pdf_layout as L
from core.readers import pdf_scan as S
from core.readers import pdf_tables as T
from core.readers.pdf_miner import read_pdf_with_pdfminer

SAMPLES = sorted((ROOT / "sample_reports").glob("*.pdf")) + sorted((ROOT / "sample_reports" / "demo").glob("*.pdf"))
REAL = ROOT.parent / "shared" / "real" / "huaian-city-2024.pdf"
PDFS = SAMPLES + ([REAL] if REAL.exists() else [])


def blocks(doc) -> list:
    out = [("title", doc.title_hint)]
    for b in doc.blocks:
        if isinstance(b, Table):
            out.append(("table", b.where, b.regular, [[(c.text, c.where, c.covered) for c in row] for row in b.rows]))
        else:
            out.append(("line", b.where, b.text))
    return out


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_pdfium_reads_every_sample_as_pdfminer_did(path):
    data = path.read_bytes()
    assert blocks(P.read_pdf(data, path.name)) == blocks(read_pdf_with_pdfminer(data, path.name))


def _fixture_pdfs() -> dict[str, bytes]:
    import test_readers as R
    rows = [["信息内容", "本年新收", "总计"]] + [[f"第{i}行", str(i), str(i * 10)] for i in range(1, 71)]
    return {"grid": R._pdf([R._rl_paragraph("三、收到和处理政府信息公开申请情况"), R._rl_table(R.TABLE3_ROWS, R.TABLE3_SPANS)],
                           title="某某县人民政府2024年政府信息公开工作年度报告"),
            "continued": R._pdf([R._rl_table(rows, repeat=1)]),
            "rotated90": R._rotated_label_pdf(90), "rotated-90": R._rotated_label_pdf(-90)}


@pytest.mark.parametrize("name", ["grid", "continued", "rotated90", "rotated-90"])
def test_pdfium_reads_the_reader_fixtures_as_pdfminer_did(name):
    data = _fixture_pdfs()[name]
    assert blocks(P.read_pdf(data, "f.pdf")) == blocks(read_pdf_with_pdfminer(data, "f.pdf"))


def test_a_normal_pdf_is_read_without_importing_pdfminer():
    """Importing pdfminer and pdfplumber costs more than reading a report with PDFium."""
    code = ("import sys; from core.readers import read_document; "
            f"doc = read_document(open({str(SAMPLES[0])!r}, 'rb').read(), 'a.pdf'); "
            "print(len(doc.tables), [m for m in sys.modules if m.split('.')[0] in ('pdfminer', 'pdfplumber')])")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    tables, modules = run.stdout.split(" ", 1)
    assert int(tables) > 0 and modules.strip() == "[]"


def test_threads_read_pdfs_at_once():
    """PDFium is not thread-safe: every call holds one lock, so sessions in threads read correctly."""
    expected = {p.name: blocks(P.read_pdf(p.read_bytes(), p.name)) for p in SAMPLES[:4]}
    results: dict[str, list] = {}
    errors: list[BaseException] = []

    def read(path: Path, key: str) -> None:
        try:
            results[key] = blocks(P.read_pdf(path.read_bytes(), path.name))
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)
    threads = [threading.Thread(target=read, args=(p, f"{p.name}#{i}")) for i in range(3) for p in SAMPLES[:4]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert all(results[key] == expected[key.split("#")[0]] for key in results) and len(results) == 12


def _with_info(data: bytes, info: bytes) -> bytes:
    """`data` with a new document information dictionary appended as an incremental update."""
    import re
    prev = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    size = int(re.findall(rb"/Size\s+(\d+)", data)[-1])
    root = re.findall(rb"/Root\s+\d+\s+\d+\s+R", data)[-1]
    body = b"%d 0 obj\n<< /Title %s >>\nendobj\n" % (size, info)
    offset = len(data)
    table = b"xref\n%d 1\n%010d 00000 n \n" % (size, offset)
    trailer = b"trailer\n<< /Size %d %s /Info %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        size + 1, root, size, prev, offset + len(body))
    return data + body + table + trailer


@pytest.mark.parametrize("raw", [
    "<FEFF" + "某某县人民政府2023年政府信息公开工作年度报告".encode("utf-16-be").hex() + ">",
    "<FFFE" + "某某县人民政府2023年政府信息公开工作年度报告".encode("utf-16-le").hex() + ">",  # WPS
    "<" + "演示市人民政府办公室2023年政府信息公开工作年度报告".encode().hex() + ">",  # UTF-8, no mark
    "(" + "".join(f"\\{b:03o}" for b in "演示市人民政府办公室2023年报告".encode()) + ")",
], ids=["utf16be", "utf16le", "utf8-hex", "utf8-octal"])
def test_title_in_any_encoding_reads_as_before(raw):
    data = _with_info(SAMPLES[1].read_bytes(), raw.encode())
    new, old = P.read_pdf(data, "t.pdf").title_hint, read_pdf_with_pdfminer(data, "t.pdf").title_hint
    assert new == old and new and "政府" in new


def test_font_descents_are_read_from_descriptors_and_object_streams():
    """LibreOffice writes /Ascent 0 /Descent 0 (PDFium then measures the font, pdfminer keeps 0)."""
    plain = b"1 0 obj << /Type /FontDescriptor /FontName /ABCDEF+SimSun /Ascent 0 /Descent 0 /Style << /Panose <08> >> >> endobj"
    packed = b"<< /Type /FontDescriptor /FontName /Noto#20Sans /Descent -120 /FontBBox [0 -1 2 3] >>"
    scan = S._font_descents(plain, [b"<< /Type /ObjStm >>\nstream\n" + packed])
    assert scan == {b"SimSun": 0.0, b"Noto Sans": -120.0}


def test_a_form_drawn_thousands_of_times_is_refused_before_pdfium_parses_it():
    """PDFium parses a form XObject at every use: 20,000 uses of a 200-line form are 4 million paths
    (1 GB); pdfminer took 3 minutes and 3 GB on 5,000."""
    import test_readers as R
    form = b"".join(b"%d 0 m %d 100 l S\n" % (i, i) for i in range(200))
    content = b"BT /F1 12 Tf 72 700 Td (Annual report) Tj ET\n" + b"q /Fm Do Q\n" * 20000
    data = R._raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> "
        b"/XObject << /Fm 6 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 600 800] /Length %d >>\nstream\n" % len(form) + form + b"\nendstream"])
    with pytest.raises(ReadError, match="f.pdf：PDF 的绘制指令异常庞大（反复引用的图形展开后超过 16 MB）"):
        P.read_pdf(data, "f.pdf")


# ---- the vendored part of pdfplumber -------------------------------------------------------------

@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_vendored_table_finder_and_text_match_pdfplumber(path):
    rng = random.Random(path.name)
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            visible = page.filter(L._is_visible)
            finder = TableFinder(visible, TableSettings.resolve(None))
            edges = T.table_edges(visible.rects, visible.lines, visible.curves)
            key = lambda e: (e["orientation"], e["x0"], e["top"], e["x1"], e["bottom"])  # noqa: E731
            assert sorted(map(key, edges)) == sorted(map(key, finder.edges))
            cells = T.intersections_to_cells(T.edges_to_intersections(edges))
            assert cells == finder.cells
            assert T.cells_to_tables(cells) == [t.cells for t in finder.tables]
            chars = page.chars
            expected = chars_to_textmap(chars).extract_text_lines(return_chars=False) if chars else []
            assert T.extract_text_lines(chars) == expected
            for _ in range(20):
                some = rng.sample(chars, min(len(chars), rng.randint(1, 30))) if chars else []
                for options in ({}, {"char_dir_rotated": "btt", "line_dir_rotated": "ltr"},
                                {"char_dir_rotated": "ttb", "line_dir_rotated": "rtl"}):
                    assert T.extract_text(some, **options) == extract_text(some, **options)


def test_dedupe_matches_pdfplumber_with_copies_drawn_nearby():
    """The reader's de-duplication is pdfplumber's dedupe_chars, written out for speed."""
    from pdfplumber.utils.text import dedupe_chars
    rng = random.Random(3)
    with pdfplumber.open(SAMPLES[0]) as pdf:
        chars = pdf.pages[0].chars[:400]
    for _ in range(30):
        copies = [dict(c, x0=c["x0"] + rng.choice((0, 0.3, 0.9, 1.2)), doctop=c["doctop"] + rng.choice((0, 0.5, 2)))
                  for c in rng.sample(chars, 60)]
        mixed = chars + copies
        rng.shuffle(mixed)
        assert L._dedupe_chars(mixed) == dedupe_chars(mixed)


def test_vendored_clustering_matches_pdfplumber():
    rng = random.Random(7)
    for _ in range(500):
        values = [round(rng.uniform(0, 30), rng.choice((0, 1, 2))) for _ in range(rng.randint(0, 25))]
        objs = [{"v": v, "i": i} for i, v in enumerate(values)]
        for tolerance in (0, 1, 3):
            for preserve in (False, True):
                got = T.cluster_objects(objs, lambda o: o["v"], tolerance, preserve_order=preserve)
                assert got == cluster_objects(objs, lambda o: o["v"], tolerance, preserve_order=preserve)
