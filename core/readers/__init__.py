"""Readers: bytes of one file → a `Document` (paragraphs and tables as grids).

The file type is decided by content (magic bytes), the extension only breaks ties between text
shapes. Nothing here knows the template; see `core.parse` for that.
"""
from __future__ import annotations

import re

from core.grid import Document, ReadError
from core.readers.charset import utf16_without_bom

# The one size limit of a file, in bytes: the upload widget, the command line and the library refuse
# anything larger. It is `server.maxUploadSize` (.streamlit/config.toml, in MB) as Streamlit's upload
# widget converts it in the browser: 1 MB = 1,000,000 bytes (a browser on Windows counts 1,048,576, as
# does Streamlit's server-side cap; such a larger file still reaches the library, which refuses it here
# with the same Chinese message). No annual report comes near it.
MAX_FILE_BYTES = 50_000_000
MAX_FILE_TEXT = f"{MAX_FILE_BYTES:,} 字节（{MAX_FILE_BYTES // 1_000_000} MB）"
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x7f]")  # never in text (tab, newlines, form feed are)


def too_large(name: str, size: int) -> str:
    """The refusal of a file over the limit, worded the same wherever it is refused."""
    return (f"{name}：文件过大（{size:,} 字节），超过 {MAX_FILE_TEXT}的上限，未读取。"
            "年度报告通常只有几 MB：请确认选的是报告本身，或压缩其中的图片、另存为 PDF 后再上传。")


def sniff(data: bytes, name: str = "") -> str:
    """'pdf' | 'docx' | 'doc' | 'zip' | 'image' | 'html' | 'text' | 'binary' from the first bytes."""
    head = data[:2048]
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "docx" if b"word/" in data[:65536] or name.lower().endswith(".docx") else "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
        return "image"
    probe = head.lower()
    for bom in (b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            probe = head.decode("utf-16", "ignore").lower().encode()
    if any(tag in probe for tag in (b"<html", b"<!doctype html", b"<table", b"<body", b"<meta", b"<div", b"<p>")):
        return "html"
    sample = data[:8192]
    if utf16_without_bom(sample):
        return "text"
    if sample and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        controls = len(_CONTROL_BYTES.findall(sample))
        if controls / len(sample) > 0.02:
            return "binary"
    return "text"


def read_document(data: bytes, name: str) -> Document:
    """Read any supported file; raises ReadError (Chinese, naming the file) when it cannot."""
    if not data or not data.strip():
        raise ReadError(f"{name}：文件是空的，没有可读取的内容。")
    if len(data) > MAX_FILE_BYTES:
        raise ReadError(too_large(name, len(data)))
    kind = sniff(data, name)
    if kind == "pdf":
        from core.readers.pdf import read_pdf
        return read_pdf(data, name)
    if kind == "docx":
        from core.readers.docx import read_docx
        return read_docx(data, name)
    if kind == "html":
        from core.readers.html import read_html
        return read_html(data, name)
    if kind == "text":
        from core.readers.text import read_text
        return read_text(data, name)
    if kind == "image":
        from core.readers.pdf import read_scanned_image
        return read_scanned_image(data, name)
    if kind == "doc":
        raise ReadError(f"{name}：这是旧版 Word（.doc/.wps）文件，无法直接读取。请在 Word 或 WPS 中另存为 .docx 后上传，或上传 PDF/网页版本。")
    if kind == "rtf":
        raise ReadError(f"{name}：这是 RTF 文件，暂不支持。请另存为 .docx 或 PDF 后上传。")
    if kind == "zip":
        raise ReadError(f"{name}：这是压缩包或不是 Word 文档的 ZIP 文件。请解压后分别上传其中的年报文件。")
    raise ReadError(f"{name}：无法识别的文件类型（不是 PDF、Word、网页或文本），请确认上传的是年报文件。")
