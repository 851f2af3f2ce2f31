"""One agency's report beside its report of an earlier year (年度对照): cell by cell, which numbers moved
and by how much, which cells were filled in or left empty this time, which could not be compared; and
section by section, how much of this year's prose was already in last year's — a copied 「存在的主要问题
及改进情况」 shows at a glance. Reads two rows of a `metrics.wide` frame and two records' `sections`.
"""
from __future__ import annotations

import math
import re

import pandas as pd

from core import fields as F
from core.metrics import UNREAD
from core.rows import table_of

CHANGE_WORDS = {"up": "增加", "down": "减少", "same": "未变", "filled": "上年空白、本年填报", "emptied": "上年填报、本年空白",
                "blank": "两年均空白", "unread": "无法比较（未读到）", "other_template": "仅一年的模板有此格"}


def _state(row: dict, key: str) -> tuple[str, float | None]:
    """('number', v) / ('blank', None) / ('unread', None) / ('absent', None) of one cell of one report."""
    if key in (row.get("unread") or ()):
        return "unread", None
    if key not in row:
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
    before, now = base.to_dict(), this.to_dict()  # a Series looks a value up ~20× slower than a dict
    for key in keys:
        (sa, a), (sb, b) = _state(before, key), _state(now, key)
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


SECTION_NAMES = {"一": "总体情况", "二": "主动公开政府信息情况", "三": "收到和处理政府信息公开申请情况",
                 "四": "政府信息公开行政复议、行政诉讼情况", "五": "存在的主要问题及改进情况", "六": "其他需要报告的事项"}
COPIED = 0.8  # a sentence with this share of its 3-grams in last year's section counts as copied
_SENTENCE_END = re.compile(r"(?<=[。；！？!?;])")


def _grams(text: str) -> set[str]:
    """The text's character 3-grams, whitespace (a PDF's line breaks) left out."""
    t = re.sub(r"\s+", "", text)
    return {t[i:i + 3] for i in range(len(t) - 2)}


def similarity(before: str, now: str) -> float | None:
    """The share of this year's character 3-grams that last year's text also has: 1.0 for a copy, near 0
    for new text; None when this year's text is too short to say."""
    grams = _grams(now)
    return len(grams & _grams(before)) / len(grams) if grams else None


def passages(before: str, now: str) -> list[tuple[str, bool]]:
    """This year's text as (sentence, copied): copied when at least COPIED of its 3-grams are in last
    year's text."""
    old = _grams(before)
    out = []
    for sentence in _SENTENCE_END.split(re.sub(r"\s*\n\s*", "", now)):
        if sentence.strip():
            grams = _grams(sentence)
            out.append((sentence, bool(grams) and len(grams & old) / len(grams) >= COPIED))
    return out
