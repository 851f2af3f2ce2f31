"""The PDF reader through pdfminer.six (pdfplumber), for the files PDFium is not given or cannot open.

Before PDFium this was how every PDF was read. pdf.py imports it only when it hands a file over: one
PDFium refuses (damaged beyond PDFium's repair, an encryption it does not support), one that does not
end with %%EOF (cut short), one with more drawing instructions than PDFium is given, or one where
PDFium left out repeated text that pdfplumber keeps. The file then reads exactly as it did before:
the same limits, and the same messages (pdfminer's exceptions name the part that is damaged).
Importing pdfminer and pdfplumber takes longer than PDFium takes to read a report, hence the split.
"""
from __future__ import annotations

import io
import re
import time
import zlib

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdftypes import LITERALS_ASCII85_DECODE, LITERALS_FLATE_DECODE, PDFNotImplementedError, PDFStream, resolve1
from pdfminer.psparser import PSEOF
from pdfminer.utils import decode_text

from core.grid import Document, ReadError
from core.readers import pdf_layout as P
from core.readers import pdf_scan as S
from core.readers.pdf_pdfium import Page


def read_pdf_with_pdfminer(data: bytes, name: str, started: float | None = None) -> Document:
    """Read a text PDF with pdfminer; `started` is the thread's processor time when reading began (the
    time PDFium already spent on the file counts against its budget)."""
    started = time.thread_time() if started is None else started
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many unrelated types for damaged or locked files
        raise ReadError(_open_error(exc, name)) from exc
    try:
        _check_inflated_size(pdf, name)
        return P.read_pages(_Pages(pdf, name), name, started)
    except ReadError:
        raise
    except Exception as exc:  # a damaged object deep in the file shows up only when a page is read
        raise ReadError(_open_error(exc, name)) from exc
    finally:
        pdf.close()


class _Pages:
    """pdfplumber's pages as pdf.read_pages takes them."""

    def __init__(self, pdf: pdfplumber.PDF, name: str) -> None:
        self.pdf, self.name = pdf, name
        self.page_count = len(pdf.pages)

    def page(self, index: int, doctop: float, max_chars: int, max_graphics: int) -> Page:
        page = self.pdf.pages[index]  # pdfplumber keeps its own doctop
        try:
            if _content_bytes(page) > S.MAX_PAGE_CONTENT:
                raise ReadError(f"{self.name}：PDF 第 {index + 1} 页的绘制指令异常庞大（超过 {S.MAX_PAGE_CONTENT // 1024} KB），"
                                "远超一页年度报告，可能已损坏或被恶意构造，未读取。请改传 Word 或网页版本。")
            chars = page.chars
            if len(chars) > max_chars:
                return Page(page.width, page.height, chars=chars)
            rects, lines, curves = page.rects, page.lines, page.curves
            return Page(page.width, page.height, chars=chars, rects=rects, lines=lines, curves=curves,
                        graphics=len(rects) + len(lines) + len(curves))
        finally:
            page.close()  # frees pdfminer's layout objects of the page

    def title(self) -> str | None:
        try:
            raw = resolve1(self.pdf.doc.info[0].get("Title")) if self.pdf.doc.info else None
        except Exception:  # a broken info dictionary only costs the hint
            return None
        if isinstance(raw, bytes):
            return P.title_text(raw, decode_text)
        return raw if isinstance(raw, str) else None


def _check_inflated_size(pdf: pdfplumber.PDF, name: str) -> None:
    """Refuse a decompression bomb before pdfminer inflates it: a 1 MB file can hold a stream that
    inflates to gigabytes, and pdfminer decodes every stream whole into memory."""
    total = 0
    for xref in pdf.doc.xrefs:
        for objid in xref.get_objids():
            try:
                obj = pdf.doc.getobj(objid)
            except Exception:  # a damaged object: pdfminer will say so when it is used
                continue
            if _has_huge_widths(obj):
                raise ReadError(f"{name}：PDF 的字体宽度表声明了异常多的字符（可能已损坏或被恶意构造），未读取。"
                                "请改传 Word 或网页版本。")
            if not isinstance(obj, PDFStream) or obj.rawdata is None:
                continue
            filters = [f for f, _ in obj.get_filters()]
            if any(f in LITERALS_ASCII85_DECODE for f in filters) and re.search(S._LONG_BLANK, obj.rawdata):
                # pdfminer strips an ASCII85 stream's end marker with a pattern that is quadratic
                # on a run of white space: 1 MB of it takes minutes
                raise ReadError(f"{name}：PDF 内含格式异常的数据流（ASCII85 编码中夹有大段空白），"
                                "可能已损坏或被恶意构造，未读取。请改传 Word 或网页版本。")
            if not any(f in LITERALS_FLATE_DECODE for f in filters):
                continue
            inflater = zlib.decompressobj()
            try:
                size = len(inflater.decompress(obj.rawdata, S.MAX_STREAM_BYTES))
            except zlib.error:
                continue  # encrypted or damaged: not inflatable here, pdfminer decides
            total += size
            if inflater.unconsumed_tail or total > S.MAX_INFLATED_BYTES:
                raise ReadError(f"{name}：PDF 内含异常巨大的压缩数据（解压后超过 {S.MAX_STREAM_BYTES // 1048576} MB），"
                                "可能已损坏或被恶意构造，未读取。请改传 Word 或网页版本。")


def _content_bytes(page) -> int:
    """Bytes of a page's drawing instructions (decoded; the inflated size was bounded when the file
    was opened)."""
    total = 0
    try:
        for stream in page.page_obj.contents:
            raw = stream.rawdata
            if raw is not None and len(raw) > 4 * S.MAX_PAGE_CONTENT:
                return len(raw)  # too large whatever its filter; pdfminer's ASCII85 decoder alone takes seconds
            total += len(stream.get_data())
    except Exception:  # a damaged stream: pdfminer will say so when the page is read
        return total
    return total


def _has_huge_widths(obj, depth: int = 0) -> bool:
    """Whether a font dictionary, or one nested in this object (a Type0 font's DescendantFonts),
    has a /W array of `_huge_widths`."""
    if depth > 6:
        return False
    if isinstance(obj, dict):
        if _huge_widths(obj.get("W")):
            return True
        return any(_has_huge_widths(v, depth + 1) for v in obj.values() if isinstance(v, (dict, list)))
    if isinstance(obj, list):
        return any(_has_huge_widths(v, depth + 1) for v in obj[:64] if isinstance(v, (dict, list)))
    return False


def _huge_widths(widths) -> bool:
    """A CID font's /W array claiming ranges of millions of codes: pdfminer would build a table
    entry for each (gigabytes), a real font covers at most 65,536."""
    try:
        widths = resolve1(widths)
        if not isinstance(widths, list):
            return False
        span, i = 0, 0
        while i + 1 < len(widths):  # 「c [w1 w2 …]」 or 「c_first c_last w」
            first, second = resolve1(widths[i]), resolve1(widths[i + 1])
            if isinstance(second, list):
                span, i = span + len(second), i + 2
                continue
            if isinstance(first, int) and isinstance(second, int):
                span += max(second - first, 0)
            i += 3
        return span > S.MAX_FONT_CODES
    except Exception:
        return False


def _open_error(exc: Exception, name: str) -> str:
    """A Chinese message that says which part of a damaged PDF failed, from pdfminer's exception
    (its class and message name the part; they are never shown as such)."""
    # pdfplumber wraps pdfminer's exception as the first argument of a PdfminerException
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)):
        return P.encrypted_message(name)
    return (f"{name}：PDF 文件已损坏（{_damaged_part(inner)}），无法读取。"
            "请重新下载或从原文件重新导出后再上传，或改传 Word、网页版本。")


def _damaged_part(exc: BaseException) -> str:
    what = f"{type(exc).__name__} {exc}".lower()
    if isinstance(exc, PSEOF) or "eof" in what or "truncat" in what:
        return "文件不完整，末尾被截断"
    if "xref" in what or "trailer" in what or "startxref" in what:
        return "交叉引用表损坏"
    if "/root" in what or "catalog" in what or "pages" in what:
        return "文档目录（页面树）损坏"
    if isinstance(exc, (zlib.error, PDFNotImplementedError)) or "decode" in what or "filter" in what or "stream" in what:
        return "页面数据流损坏或使用了不支持的压缩方式"
    if "font" in what or "cmap" in what:
        return "字体数据损坏"
    return "文件内部对象结构损坏"
