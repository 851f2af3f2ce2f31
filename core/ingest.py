"""One file in → one checked `Report` out: pick the reader, parse, check. Never raises on bad input."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from core import fields as F
from core import narrative
from core.checks import check_report
from core.corrections import correctable
from core.grid import Document, ReadError
from core.parse import parse_document
from core.readers import read_document
from core.readers.text import parse_text
from core.record import CORRECTED, Correction, Provenance, Report
from core.time_limit import TimeUp, time_limit


def ingest(data: bytes, name: str, corrections: Sequence[Correction] = ()) -> Report:
    """Read, parse and check one file (with an official's `corrections` applied before the checks); a
    file that cannot be read gives a Report with `error`. Whatever happens inside, this returns: one
    file's failure never reaches another file's."""
    doc = read(data, name)
    return doc if isinstance(doc, Report) else report_from_document(doc, name, corrections)


def read(data: bytes, name: str) -> Document | Report:
    """The file read but not parsed (a scan's OCR is seconds a page: the library reads outside its
    writes and parses inside them), or a Report with `error`."""
    try:
        return read_document(data, name)
    except ReadError as e:
        return Report(name, error=str(e))
    except RecursionError:
        return Report(name, error=f"{name}：文件结构嵌套过深，不像一份年度报告，未读取。请改传 PDF、Word 或网页的另一版本。")
    except MemoryError:
        return Report(name, error=f"{name}：文件内容过于庞大，读取时超出内存限制，未读取。请确认上传的是单份年度报告。")
    except Exception:  # a reader bug must not take a batch down; say so plainly, without internals
        return Report(name, error=f"{name}：读取文件时出错，文件可能已损坏。请重新下载或导出后再上传，或改传其他格式的版本。")


FILE_SECONDS = 15  # per file: the slowest real report takes ~3 s; a scan is given more, page by page


def ingest_within(data: bytes, name: str, seconds: int = FILE_SECONDS) -> Report:
    """`ingest` with a hard wall-clock limit, where one can be set (the main thread of a process: the
    command line and the bulk import's workers); the dashboard relies on the readers' own budgets."""
    try:
        with time_limit(seconds):
            return ingest(data, name)
    except TimeUp:
        return Report(name, error=f"{name}：处理超过 {seconds} 秒仍未完成，已停止。文件可能已损坏或结构异常，"
                                  "请重新导出后再试，或改传其他格式的版本。")


def ingest_text(text: str, name: str = "粘贴的文本") -> Report:
    """Text pasted by a user (already decoded)."""
    try:
        doc = parse_text(text, name)
    except ReadError as e:
        return Report(name, error=str(e))
    except Exception:
        return Report(name, error=f"{name}：读取文本时出错。请确认粘贴的是年度报告的全文。")
    return report_from_document(doc, name)


def report_from_document(doc: Document, name: str, corrections: Sequence[Correction] = ()) -> Report:
    """Parse and check a read document; a failure in either is a Report with `error`, not a raise."""
    given = {c.key: c.value for c in corrections}
    try:
        parsed = parse_document(doc, template=given.get("meta.template"), year=given.get("meta.year"))
        return _checked(parsed, name, corrections)
    except RecursionError:
        return Report(name, error=f"{name}：文件结构嵌套过深，无法解析，未读取。")
    except Exception:  # a parser bug on a strange document: this file fails, the batch goes on
        return Report(name, error=f"{name}：解析文件内容时出错，未读取。请确认上传的是年度报告；"
                                  "如文件无误，请把它交给维护人员排查。")


def _checked(parsed, name: str, corrections: Sequence[Correction] = ()) -> Report:
    table_keys = [k for k in parsed.fields if not k.startswith("meta.")]
    if not table_keys and "meta.year" not in parsed.fields:
        return Report(name, error=f"{name}：没有找到政府信息公开工作年度报告的内容（标题、年度和统计表格都没有识别到），请确认上传的是年度报告。")
    # a cell's correction stays in force but is not applied while a corrected template has no such cell
    applied = [_apply(parsed, c) for c in corrections if c.key in correctable(parsed.template)]
    warnings = list(parsed.warnings)
    warnings += check_report(parsed.fields, parsed.template, parsed.unreadable, parsed.narrative)
    order = {"error": 0, "warning": 1, "info": 2}
    warnings.sort(key=lambda w: order.get(w.severity, 3))
    unread = [k for k in F.template_keys(parsed.template) if k in parsed.unreadable and parsed.fields.get(k) is None]
    return Report(name, parsed.fields, warnings, parsed.provenance, unread=unread, corrections=applied,
                  sections=sections_of(parsed.narrative))


SECTIONS = "一二三四五六"
MAX_SECTION_CHARS = 20_000  # a report's section is a few hundred to a few thousand characters


def sections_of(paras) -> dict[str, str]:
    """The prose of each of the template's sections 一…六 that the document has (headings not included)."""
    out = {}
    for number in SECTIONS:
        text = "\n".join(p.text for p in narrative.section(paras, number)).strip()
        if text:
            out[number] = text[:MAX_SECTION_CHARS]
    return out


def _apply(parsed, correction: Correction) -> Correction:
    """Put an official's value in place of the parsed one (the cell's provenance stays, marked), and
    say what the parser read."""
    key = correction.key
    was, unread = parsed.fields.get(key), key in parsed.unreadable
    if key == "meta.template":
        was, unread = parsed.template_read, parsed.template_read is None
    parsed.fields[key] = correction.value
    parsed.unreadable.discard(key)
    p = parsed.provenance.get(key)
    parsed.provenance[key] = Provenance(f"{p.where}；{CORRECTED}" if p else CORRECTED, p.row if p else "",
                                        p.col if p else "", p.text if p else "", p.ocr if p else None,
                                        p.box if p else None)
    return replace(correction, parsed=was, parsed_unread=unread)
