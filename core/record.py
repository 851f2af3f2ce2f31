"""The record of one parsed report: fields, warnings, provenance — what the store keeps and the
command line prints (`{"source", "fields", "warnings", "provenance"}`)."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

Value = int | float | str | None
CORRECTED = "已人工更正"  # how a value an official corrected by hand is named wherever it is shown


def is_finding(mark: str) -> bool:
    """Whether a value's mark (a chart's ⚠ or ✎) is a finding on it, not a correction by hand (whose note
    starts with CORRECTED)."""
    return bool(mark) and not mark.startswith(CORRECTED)


@dataclass(frozen=True)
class Warning:
    """One finding: `rule` is R1–R9 or a short id (short_row, missing_table, …), `keys` the fields."""

    rule: str
    severity: str  # error | warning | info
    keys: tuple[str, ...]
    message: str  # Chinese, states the numbers and the difference
    where: str = ""  # where in the document, when one place is meant

    def to_json(self) -> dict[str, Any]:
        # by hand: dataclasses.asdict deep-copies every field, and a bulk import serialises thousands
        return {"rule": self.rule, "severity": self.severity, "keys": list(self.keys), "message": self.message,
                "where": self.where}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Warning":
        return cls(d["rule"], d["severity"], tuple(d.get("keys") or ()), d["message"], d.get("where", ""))


@dataclass(frozen=True)
class Provenance:
    """Where a value was read: document location, the row and column labels as printed, raw text."""

    where: str
    row: str
    col: str
    text: str
    ocr: float | None = None  # read from a page image by OCR: its confidence (None: read as text)
    box: tuple[int, float, float, float, float] | None = None  # a PDF cell: page, x0, top, x1, bottom (points)

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"where": self.where, "row": self.row, "col": self.col, "text": self.text}
        if self.ocr is not None:
            d.update(ocr=True, confidence=self.ocr)
        if self.box is not None:
            d["box"] = list(self.box)
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Provenance":
        box = d.get("box")
        return cls(d["where"], d["row"], d["col"], d["text"], d.get("confidence") if d.get("ocr") else None,
                   tuple(box) if isinstance(box, list) and len(box) == 5 else None)


@dataclass(frozen=True)
class Correction:
    """A value an official corrected by hand (报告详情), with why. Applied whenever the report is parsed,
    before the checks (`core.ingest`), so the findings, the charts and the downloads use it."""

    id: int
    key: str
    value: Value  # what the official typed; None: the cell is blank in the report
    reason: str
    parsed: Value = None  # what the parser read, as it reads the file now
    parsed_unread: bool = False  # the parser did not find or could not read the cell (未读到)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "key": self.key, "value": self.value, "reason": self.reason, "parsed": self.parsed,
                "parsed_unread": self.parsed_unread}


@dataclass
class Report:
    source: str
    fields: dict[str, Value] = field(default_factory=dict)
    warnings: list[Warning] = field(default_factory=list)
    provenance: dict[str, Provenance] = field(default_factory=dict)
    error: str | None = None  # set when the file could not be read at all
    # Template cells the parser did not find or could not read (未读到): null in `fields`, and
    # every rule over them says 「无法核验」. A cell the report left blank is not here.
    unread: list[str] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)  # the corrections applied to `fields`
    # the prose of the template's sections 一…六 (kept by the library, not printed by the command line):
    # what 年度对照 compares with another year's report
    sections: dict[str, str] = field(default_factory=dict)

    def completeness(self) -> tuple[int, int]:
        """(cells read, cells the template has) over Tables 2–4: the report's 完整度."""
        from core.fields import template_keys
        expected = template_keys(str(self.fields.get("meta.template") or "2021"))
        missing = set(self.unread)
        return sum(k not in missing for k in expected), len(expected)

    def to_json(self) -> dict[str, Any]:
        if self.error is not None:
            return {"source": self.source, "error": self.error}
        return {
            "source": self.source,
            "fields": {k: _finite(v) for k, v in self.fields.items()},
            "warnings": [w.to_json() for w in self.warnings],
            "provenance": {k: p.to_json() for k, p in self.provenance.items()},
            "unread": self.unread,
            **({"corrections": [c.to_json() for c in self.corrections]} if self.corrections else {}),
        }

    def stored_json(self) -> tuple[str, str]:
        """(record without provenance, provenance) as JSON text, the way the library stores them:
        listing reports need not read the second."""
        d = self.to_json()
        provenance = d.pop("provenance", {})
        if self.sections:
            d["sections"] = self.sections
        return json.dumps(d, ensure_ascii=False), json.dumps(provenance, ensure_ascii=False)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Report":
        if "error" in d:
            return cls(d["source"], error=d["error"])
        return cls(
            d["source"],
            dict(d.get("fields") or {}),
            [Warning.from_json(w) for w in d.get("warnings") or []],
            {k: Provenance.from_json(p) for k, p in (d.get("provenance") or {}).items()},
            unread=list(d.get("unread") or []),
            corrections=[Correction(**c) for c in d.get("corrections") or []],
            sections=dict(d.get("sections") or {}),
        )


def _finite(v: Value) -> Value:
    """JSON has no NaN or Infinity: a value that is not a finite number is no value."""
    return None if isinstance(v, float) and not math.isfinite(v) else v
