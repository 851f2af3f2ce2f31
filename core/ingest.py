"""One file in → one checked `Report` out: pick the reader, parse, check. Never raises on bad input."""
from __future__ import annotations

from core import fields as F
from core.checks import check_report
from core.grid import Document, ReadError
from core.parse import parse_document
from core.readers import read_document
from core.readers.text import parse_text
from core.record import Report


def ingest(data: bytes, name: str) -> Report:
    """Read, parse and check one file; a file that cannot be read gives a Report with `error`."""
    try:
        doc = read_document(data, name)
    except ReadError as e:
        return Report(name, error=str(e))
    except Exception as e:  # a reader bug must not take a batch down; say so plainly
        return Report(name, error=f"{name}：读取文件时出错（{type(e).__name__}），请确认文件完整后重试。")
    return report_from_document(doc, name)


def ingest_text(text: str, name: str = "粘贴的文本") -> Report:
    """Text pasted by a user (already decoded)."""
    try:
        doc = parse_text(text, name)
    except ReadError as e:
        return Report(name, error=str(e))
    return report_from_document(doc, name)


def report_from_document(doc: Document, name: str) -> Report:
    parsed = parse_document(doc)
    table_keys = [k for k in parsed.fields if not k.startswith("meta.")]
    if not table_keys and "meta.year" not in parsed.fields:
        return Report(name, error=f"{name}：没有找到政府信息公开工作年度报告的内容（标题、年度和统计表格都没有识别到），请确认上传的是年度报告。")
    warnings = list(parsed.warnings)
    warnings += check_report(parsed.fields, parsed.template, parsed.unreadable, parsed.narrative)
    order = {"error": 0, "warning": 1, "info": 2}
    warnings.sort(key=lambda w: order.get(w.severity, 3))
    unread = [k for k in F.template_keys(parsed.template) if k in parsed.unreadable and parsed.fields.get(k) is None]
    return Report(name, parsed.fields, warnings, parsed.provenance, unread=unread)
