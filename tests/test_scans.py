"""Scanned reports: image-only PDFs and page images made from real PDFs (tests/scans.py: rendered at
170 dpi, turned, speckled, JPEG-compressed) are read by OCR into the same fields as the born-digital
file, every OCR value marked with its confidence, a doubtful number never taken, and no finding that
the born-digital file does not have."""
from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image, ImageDraw

from conftest import ROOT, SHARED
from core.grid import Cell, ReadError
from core.ingest import ingest
from core.readers import read_document, scan
from core.values import read_cell
from scans import page_images, scanned_pdf

SAMPLE = ROOT / "sample_reports" / "000_cf1e86794f147280"
FINDINGS = ("R1", "R2", "R3", "R4")


def _agreement(report, gold: dict) -> tuple[int, int, list[str]]:
    keys = [k for k in gold if not k.startswith("_")]
    wrong = [k for k in keys if report.fields.get(k) != gold[k] or (gold[k] is not None and k not in report.fields)]
    return len(keys) - len(wrong), len(keys), wrong


def _errors(report) -> set[str]:
    return {w.message for w in report.warnings if w.rule in FINDINGS and w.severity == "error"}


def _check_like_born_digital(pdf: bytes, gold: dict, name: str) -> None:
    born = ingest(pdf, name)
    scanned = ingest(scanned_pdf(pdf, dpi=170, seed=5), name)
    assert scanned.error is None
    right, total, wrong = _agreement(scanned, gold)
    assert right >= 0.98 * total, wrong
    # what OCR could not read for sure is 未读到 (listed as such), never a different number or a blank
    assert all(scanned.fields.get(k) is None and k in scanned.unread for k in wrong if not k.startswith("meta.")), wrong
    assert _errors(scanned) <= _errors(born)
    values = [k for k in scanned.provenance if k.startswith(("applications.", "review.", "litigation"))]
    assert values and all(scanned.provenance[k].ocr is not None for k in values)
    stored = scanned.to_json()["provenance"][values[0]]
    assert stored["ocr"] is True and 0 < stored["confidence"] <= 1


def test_a_scanned_sample_reads_like_its_born_digital_pdf():
    gold = json.loads(SAMPLE.with_suffix(".gold.json").read_text(encoding="utf-8"))
    _check_like_born_digital(SAMPLE.with_suffix(".pdf").read_bytes(), gold, "扫描件.pdf")


@pytest.mark.skipif(not (SHARED / "real" / "huaian-city-2024.pdf").exists(), reason="../shared is not beside the project")
def test_a_scanned_real_report_reads_like_its_born_digital_pdf():
    gold = json.loads((SHARED / "real" / "huaian-city-2024.gold.json").read_text(encoding="utf-8"))
    _check_like_born_digital((SHARED / "real" / "huaian-city-2024.pdf").read_bytes(), gold, "淮安扫描件.pdf")


def test_a_photographed_page_is_read_from_a_png():
    page = page_images(SAMPLE.with_suffix(".pdf").read_bytes(), dpi=200)[1].rotate(-1.2, fillcolor=255)
    buf = io.BytesIO()
    page.save(buf, format="PNG", dpi=(200, 200))
    doc = read_document(buf.getvalue(), "第二页.png")
    assert doc.format == "scan"
    table3 = next(t for t in doc.tables if any("予以公开" in c.text for row in t.rows for c in row))
    granted = next(row for row in table3.rows if any("予以公开" in c.text for c in row))
    assert [c.text for c in granted[-7:]] == ["0"] * 7 and all(c.ocr for c in granted[-7:])


def test_a_turned_page_is_straightened():
    image = Image.new("L", (1200, 900), 255)
    draw = ImageDraw.Draw(image)
    for y in range(100, 800, 60):
        draw.line([(100, y), (1100, y)], fill=0, width=3)
    turned = np.asarray(image.rotate(1.7, resample=Image.BICUBIC, fillcolor=255))
    straight = scan.straighten(turned)
    rows = np.nonzero((straight[:, 150] < 128))[0], np.nonzero((straight[:, 1050] < 128))[0]
    assert abs(int(np.median(rows[0][:3])) - int(np.median(rows[1][:3]))) <= 3  # level again: was 30 px apart


def test_a_number_read_without_confidence_is_not_taken():
    assert read_cell(Cell("12", ocr=0.95)).value == 12
    assert read_cell(Cell("12", ocr=0.4)).kind == "unreadable"
    assert read_cell(Cell("/", ocr=0.4)).kind == "unreadable"  # a smudged 1 can look like a blank mark
    assert read_cell(Cell("/", ocr=0.9)).kind == "blank" and read_cell(Cell("?", ocr=0.9)).kind == "unreadable"


def _blank_png(width: int = 1240, height: int = 1754) -> bytes:
    buf = io.BytesIO()
    Image.new("1", (width, height), 1).save(buf, format="PNG")
    return buf.getvalue()


def _noise_png() -> bytes:
    """An A4 page of 4-pixel blots (a photograph of gravel, as far as ink goes): tens of thousands of pieces."""
    blots = np.kron(np.random.default_rng(1).random((877, 620)) > 0.9, np.ones((4, 4), dtype=bool))
    buf = io.BytesIO()
    Image.fromarray(np.where(blots, 0, 255).astype(np.uint8)).save(buf, format="PNG")
    return buf.getvalue()


def _blank_pages_pdf(pages: int) -> bytes:
    buf = io.BytesIO()
    blank = Image.new("L", (60, 85), 255)
    blank.save(buf, format="PDF", save_all=True, append_images=[blank] * (pages - 1), resolution=10)
    return buf.getvalue()


@pytest.mark.parametrize("data, says", [
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 200, "图片文件已损坏"),
    ("blank", "没有识别出文字"),
    ("huge", "像素过多"),
    ("pages", "超过 40 页"),
    ("noise", "分散的墨迹"),
], ids=["damaged", "blank", "decompression-bomb", "too-many-pages", "noise"])
def test_a_scan_that_cannot_be_read_says_why_in_chinese(data, says):
    data = {"blank": _blank_png, "huge": lambda: _blank_png(20_000, 20_000),
            "pages": lambda: _blank_pages_pdf(41), "noise": _noise_png}.get(data, lambda: data)()
    with pytest.raises(ReadError, match=says):
        read_document(data, "扫描.png")
    report = ingest(data, "扫描.png")
    assert report.error and report.error.startswith("扫描.png：")


def test_a_sentence_ocr_was_unsure_of_makes_no_finding():
    """R6 compares a count stated in the prose with the table; a scanned line read without confidence
    (「351件」 read as 「3519」) is 无法核验, not a warning against the agency."""
    from core.checks import check_report
    from core.grid import Paragraph
    fields = {"review.total": 351}
    text = "全年办理行政复议3519件。"
    [typed] = [w for w in check_report(fields, "2021", set(), [Paragraph(text, "第2页")]) if w.rule == "R6"]
    [scanned] = [w for w in check_report(fields, "2021", set(), [Paragraph(text, "第2页", ocr=0.41)]) if w.rule == "R6"]
    assert typed.severity == "warning" and scanned.severity == "info" and "无法核验" in scanned.message
    confident = check_report(fields, "2021", set(), [Paragraph(text, "第2页", ocr=0.97)])
    assert [w.severity for w in confident if w.rule == "R6"] == ["warning"]


def test_a_red_seal_over_the_signature_is_left_out():
    """The signature page of the 2024 sample with the agency's red seal stamped over its date: the date
    is still read (the reader drops red before it looks for ink)."""
    from scans import sealed
    pdf = (ROOT / "sample_reports" / "004_ab6da90aa55277b8.pdf").read_bytes()
    page = sealed(page_images(pdf, dpi=200)[2])
    buf = io.BytesIO()
    page.save(buf, format="PNG", dpi=(200, 200))
    report = ingest(buf.getvalue(), "落款页.png")
    assert report.fields.get("meta.published") == "2024-01-08"


def test_the_upload_knows_which_files_will_be_read_by_ocr():
    pdf = SAMPLE.with_suffix(".pdf").read_bytes()
    assert scan.scanned_pages(pdf, "原件.pdf") == 0  # a PDF with fonts has its text
    assert scan.scanned_pages(scanned_pdf(pdf, dpi=72), "扫描件.pdf") == 4
    assert scan.scanned_pages(_blank_png(), "照片.png") == 1
    assert scan.scanned_pages(b"just text", "a.txt") == 0
