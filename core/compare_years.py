"""One agency's report beside its report of an earlier year, cell by cell (年度对照): which numbers moved
and by how much, which cells were filled in or left empty this time, which could not be compared.
Reads two rows of a `metrics.wide` frame; pages and the briefing draw what it returns.
"""
from __future__ import annotations

import math

import pandas as pd

from core import fields as F
from core.metrics import UNREAD
from core.rows import table_of

CHANGE_WORDS = {"up": "增加", "down": "减少", "same": "未变", "filled": "上年空白、本年填报", "emptied": "上年填报、本年空白",
                "blank": "两年均空白", "unread": "无法比较（未读到）", "other_template": "仅一年的模板有此格"}


def _state(row: pd.Series, key: str) -> tuple[str, float | None]:
    """('number', v) / ('blank', None) / ('unread', None) / ('absent', None) of one cell of one report."""
    if key in (row.get("unread") or ()):
        return "unread", None
    if key not in row.index:
        return "absent", None
    v = row[key]
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "blank", None
    return "number", float(v)


def _shown(state: str, v: float | None) -> str:
    if state == "number":
        return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}".rstrip("0").rstrip(".")
    return {"unread": UNREAD, "blank": "空白", "absent": "—"}[state]


def cell_changes(base: pd.Series, this: pd.Series) -> pd.DataFrame:
    """Every cell of the two reports' templates: (table, item, key, before, now, change, kind), `kind` a
    key of CHANGE_WORDS. `change` is now − before where both are numbers, else None; a cell either
    year could not read is never counted as a change."""
    keys = list(dict.fromkeys([*F.template_keys(str(this.get("template") or "2021")),
                               *F.template_keys(str(base.get("template") or "2021"))]))
    rows = []
    for key in keys:
        (sa, a), (sb, b) = _state(base, key), _state(this, key)
        if "unread" in (sa, sb):
            kind = "unread"
        elif "absent" in (sa, sb):
            kind = "other_template"
        elif sa == sb == "number":
            kind = "up" if b > a else "down" if b < a else "same"
        elif sa == sb:
            kind = "blank"
        else:
            kind = "filled" if sb == "number" else "emptied"
        rows.append({"table": table_of(key), "item": F.label(key), "key": key, "before": _shown(sa, a),
                     "now": _shown(sb, b), "change": b - a if kind in ("up", "down", "same") else None, "kind": kind})
    return pd.DataFrame(rows, columns=["table", "item", "key", "before", "now", "change", "kind"])


def summary(changes: pd.DataFrame) -> dict[str, int]:
    """How many cells of each kind (for the page's headline)."""
    counts = changes["kind"].value_counts()
    return {kind: int(counts.get(kind, 0)) for kind in CHANGE_WORDS}
