"""What the parser has read so far: the flat record, where each value came from, and what it
noticed. Every table reader writes into one `Parsed` through `put` and `missing`, so a value and
its provenance are always stored together."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from core import fields as F
from core.grid import Paragraph
from core.record import Provenance, Value, Warning
from core.values import Read, TableRow, ocr_unsure


@dataclass
class Parsed:
    """What the parser read: the flat record, where each value came from, and what it noticed."""

    fields: dict[str, Value] = field(default_factory=dict)
    provenance: dict[str, Provenance] = field(default_factory=dict)
    warnings: list[Warning] = field(default_factory=list)
    # template cells not found or not readable (null plus a warning): a rule over them cannot be
    # evaluated; `unread` is the same set as the record lists it
    unreadable: set[str] = field(default_factory=set)
    template: str = "2021"
    template_read: str | None = None  # the parser's own choice, where an official's correction overrode it
    narrative: list[Paragraph] = field(default_factory=list)
    # rows whose run of digits was cut by the template's arithmetic (said once, in an info note)
    joined: list[str] = field(default_factory=list)

    def warn(self, rule: str, severity: str, keys, message: str, where: str = "") -> None:
        self.warnings.append(Warning(rule, severity, tuple(keys), message, where))

    def put(self, key: str, read: Read, row_label: str, col_label: str, value: Value = None) -> None:
        """Store one cell's value with where it came from; unreadable cells become null + warning."""
        if key in self.fields and self.fields[key] is not None:
            return  # a repeated header or continued table: the first reading stands
        if read.kind == "number":
            self.fields[key] = read.value if value is None else value
        else:
            self.fields[key] = None
        if read.kind == "unreadable":
            self.unreadable.add(key)
            text = read.cell.text.strip()
            shown = text if len(text) <= 30 else f"{text[:30]}…（共 {len(text)} 个字符）"
            why = "超出任何年报数值的合理范围" if re.fullmatch(r"[+\-]?[\d,.]+", text) else "无法识别为数字"
            if ocr_unsure(read.cell):
                why = f"是扫描识别的结果，但识别把握不足（置信度 {read.cell.ocr:.2f}），请对照原件核对"
            self.warn("unreadable_cell", "warning", [key],
                      f"{F.label(key)}：单元格「{shown}」{why}，按未读到处理。", read.cell.where)
        self.provenance[key] = Provenance(read.cell.where, row_label, col_label, read.cell.text[:200], read.cell.ocr,
                                          read.cell.box)

    def missing(self, key: str, row: TableRow, col_label: str) -> None:
        if key in self.fields and self.fields[key] is not None:
            return
        self.fields[key] = None
        self.unreadable.add(key)
        where = row.cells[0].where if row.cells else ""
        self.provenance[key] = Provenance(where, "".join(row.labels), col_label, "")

    # -- sections ---------------------------------------------------------------------------------
    def set_meta(self, key: str, value: Value, where: str, row: str) -> None:
        """A value read from the prose or the title (not a table cell), with where it was read."""
        self.fields[key] = value
        self.provenance[key] = Provenance(where, row, "", str(value))
