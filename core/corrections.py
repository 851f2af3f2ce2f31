"""Values officials corrected by hand: what may be corrected and how, and the corrections table of a
library (core.store) — functions over one connection, which `core.library.Library` calls inside its
writes. A correction is applied whenever its report is parsed (`core.ingest`, before the checks), so a
re-parse keeps it; an undone one stays as history.
"""
from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass

from core import fields as F
from core.record import Correction, Report, Value
from core.store import Connection

META = {"meta.agency": "机构名称", "meta.year": "报告年度", "meta.template": "表格模板"}
TEMPLATES = {"2021": "2021 年格式", "2019": "2019 年试行格式"}
MAX_REASON_CHARS = 200
MAX_AGENCY_CHARS = 60


@dataclass(frozen=True)
class Made:
    """One correction as made, for the report's history (undone ones too)."""
    id: int
    key: str
    value: Value
    parsed: Value  # what the parser had read when it was made
    parsed_unread: bool
    reason: str
    made_at: float
    undone_at: float | None


def label(key: str) -> str:
    return META.get(key) or F.label(key)


def correctable(template: str) -> list[str]:
    """The keys an official may correct: the agency, the year, the template and every cell of the
    report's template (a corrected template reads the tables again by its rows)."""
    return [*META, *F.template_keys(template)]


def problem(key: str, value: Value, reason: str, template: str) -> str | None:
    """Why this correction cannot be made (Chinese), or None."""
    if key not in correctable(template):
        return f"「{key}」不是本报告（{template}年格式）可以更正的项目。"
    if not reason.strip():
        return "请填写更正理由（例如：原文第 3 页表三该格为 12，解析读错）。"
    if len(reason) > MAX_REASON_CHARS:
        return f"更正理由请不超过 {MAX_REASON_CHARS} 个字。"
    if key == "meta.agency":
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_AGENCY_CHARS:
            return f"机构名称不能为空，且不超过 {MAX_AGENCY_CHARS} 个字。"
    elif key == "meta.template":
        if value not in TEMPLATES:
            return "表格模板应为「2021」（国办公开办函〔2021〕30号）或「2019」（2019 年试行格式）。"
    elif key == "meta.year":
        if not isinstance(value, int) or isinstance(value, bool) or not 2008 <= value <= 2100:
            return "报告年度应为 2008 至 2100 之间的整数。"
    elif value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                                or not math.isfinite(value) or not 0 <= value < 10 ** 9):
        return "数值应为不小于 0 的数字（报告中该格为空白时，选择「空白」）。"
    return None


def add(db: Connection, report_id: int, key: str, value: Value, reason: str, record: Report) -> None:
    """Keep a correction, with what the parser read in `record` (the report as stored now)."""
    parsed = {"value": record.fields.get(key), "unread": key in record.unread}
    db.execute("INSERT INTO corrections (report_id, key, value, parsed, reason, made_at) VALUES (?, ?, ?, ?, ?, ?)",
               (report_id, key, json.dumps(value, ensure_ascii=False), json.dumps(parsed, ensure_ascii=False),
                reason.strip(), time.time()))


def undo(db: Connection, correction_id: int) -> int | None:
    """Mark a correction undone; its report's id, or None when there is no such active correction."""
    row = db.execute("SELECT report_id FROM corrections WHERE id = ? AND undone_at IS NULL", (correction_id,)).fetchone()
    if row is None:
        return None
    db.execute("UPDATE corrections SET undone_at = ? WHERE id = ?", (time.time(), correction_id))
    return row[0]


def active(db: Connection, report_id: int) -> list[Correction]:
    """The corrections a parse of the report applies: per cell the latest not undone."""
    latest: dict[str, Correction] = {}
    for r in db.execute("SELECT id, key, value, reason FROM corrections WHERE report_id = ? AND undone_at IS NULL"
                        " ORDER BY id", (report_id,)):
        latest[r[1]] = Correction(r[0], r[1], json.loads(r[2]), r[3])
    return list(latest.values())


def corrected_reports(db: Connection) -> set[int]:
    """The reports with a correction in force."""
    return {r[0] for r in db.execute("SELECT DISTINCT report_id FROM corrections WHERE undone_at IS NULL")}


def history(db: Connection, report_id: int) -> list[Made]:
    """Every correction of the report, the latest first."""
    out = []
    for r in db.execute("SELECT id, key, value, parsed, reason, made_at, undone_at FROM corrections"
                        " WHERE report_id = ? ORDER BY id DESC", (report_id,)):
        parsed = json.loads(r[3])
        out.append(Made(r[0], r[1], json.loads(r[2]), parsed.get("value"), bool(parsed.get("unread")), r[4], r[5], r[6]))
    return out


def status(made: Made, applied: list[Correction]) -> str:
    """A correction's state in words, given the corrections the report's record applies."""
    if made.undone_at:
        return "已撤销"
    if any(c.id == made.id for c in applied):
        return "生效"
    if any(c.key == made.key for c in applied):
        return "已被更新的更正取代"
    return "未应用（当前模板没有此格）"
