"""PDF → Document: which engine reads the file, PDFium or (for a file it is not trusted with) pdfminer;
the pages become tables and narrative lines in pdf_layout.py.

The characters and ruling lines come from PDFium (pdf_pdfium.py: the whole report in tens of
milliseconds), the cell boxes from pdfplumber's table finder (pdf_tables.py, vendored). pdfminer.six,
which this reader used before, is imported only for a file PDFium cannot open or one that looks
damaged or unusual (pdf_miner.py): such a file is read exactly as before, with the same messages.
"""
from __future__ import annotations

import logging
import time

from core.grid import Document, ReadError
from core.readers.pdf_layout import NoTextLayer, UsePdfminer, encrypted_message, read_pages, title_hint
from core.readers.pdf_pdfium import ERR_PASSWORD, PdfiumError
from core.readers.pdf_pdfium import Document as PdfiumDocument
from core.readers.pdf_scan import check_streams, ends_like_a_pdf, utf8_title

_log = logging.getLogger(__name__)


def read_pdf(data: bytes, name: str) -> Document:
    """Read a PDF, a scanned one by OCR; raises ReadError for broken fonts, encryption and damaged files."""
    started = time.thread_time()
    try:
        try:
            return _read_with_pdfium(data, name, started)
        except UsePdfminer:
            from core.readers.pdf_miner import read_pdf_with_pdfminer
            return read_pdf_with_pdfminer(data, name, started)
    except NoTextLayer as no_text:
        return _read_scanned_pdf(data, name, no_text)


def _read_scanned_pdf(data: bytes, name: str, no_text: NoTextLayer) -> Document:
    """A PDF without a text layer, read from its page images (core.readers.scan)."""
    from core.readers import scan
    from core.readers.ocr import OcrUnavailable
    try:
        doc = read_pages(scan.ScanPages(data, name, no_text.pages, no_text.title), name, time.thread_time())
    except OcrUnavailable as exc:
        raise ReadError(f"{no_text}（{exc}）") from exc
    except (ReadError, MemoryError, RecursionError):
        raise
    except Exception as exc:  # pypdfium2 cannot render what PDFium's text pass read: say what the text pass said
        _log.warning("reading %s as a scan failed", name, exc_info=True)  # a reader bug is not hidden
        raise no_text from exc
    doc.format = "scan"
    return doc


def read_scanned_image(data: bytes, name: str) -> Document:
    """A PNG or JPEG page image, read by OCR."""
    from core.readers import scan
    from core.readers.ocr import OcrUnavailable
    try:
        doc = read_pages(scan.ScanPages(data, name, 1), name, time.thread_time())
    except OcrUnavailable as exc:
        raise ReadError(f"{name}：{exc}") from exc
    doc.format = "scan"
    return doc


def _read_with_pdfium(data: bytes, name: str, started: float) -> Document:
    """The PDF read with PDFium; UsePdfminer for a file pdfminer's reader should read instead."""
    scan = check_streams(data, name)
    if scan.too_much or not ends_like_a_pdf(data):
        raise UsePdfminer()
    try:
        pdf = PdfiumDocument(data, scan.descents)
    except PdfiumError as exc:
        if exc.code == ERR_PASSWORD:
            raise ReadError(encrypted_message(name)) from exc
        raise UsePdfminer() from exc  # damaged beyond PDFium's repair: pdfminer names the damage
    try:
        doc = read_pages(pdf, name, started)
        if doc.title_hint is None:  # PDFium reads a title of raw UTF-8 bytes as PDFDocEncoding
            doc.title_hint = title_hint(utf8_title(pdf.title(), data, scan.object_streams))
        return doc
    except (ReadError, MemoryError, RecursionError, UsePdfminer):
        raise
    except Exception as exc:  # a page PDFium cannot load, or anything unforeseen: pdfminer decides
        raise UsePdfminer() from exc
    finally:
        pdf.close()
