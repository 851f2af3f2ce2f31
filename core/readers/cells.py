"""Cell and paragraph text shared by the PDF, DOCX and HTML readers.

A cell's text reaches us in pieces (PDF lines, Word paragraphs, HTML <p>/<br> runs). Chinese labels
are wrapped mid-word (「（四）无」+「法提供」, 「社会」「公益」「组织」), so two pieces are joined with no
separator when both sides are CJK, and with one space otherwise, so numbers and Latin words never glue.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Every run of spaces of any kind (incl. U+00A0 from &nbsp; and the ideographic space U+3000);
# zero-width characters and BOMs are dropped.
_SPACES = re.compile(r"[\s\u00a0\u3000\u2000-\u200a\u202f\u205f]+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
# Quotes, dashes and the ellipsis are "ambiguous width" in Unicode but are Chinese punctuation here.
_CJK_PUNCT = set("“”‘’—…·")


def clean(text: str) -> str:
    """Collapse every run of whitespace (incl. &nbsp; and U+3000) to one space and strip."""
    return _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()


def is_cjk(ch: str) -> bool:
    """Chinese characters and full-width punctuation (the characters a label may be wrapped between)."""
    return ch in _CJK_PUNCT or unicodedata.east_asian_width(ch) in ("W", "F")


def join_pieces(pieces: Iterable[str]) -> str:
    """Join the pieces of one cell: nothing between two CJK characters, one space otherwise."""
    out = ""
    for piece in pieces:
        piece = clean(piece)
        if not piece:
            continue
        if out and not (is_cjk(out[-1]) and is_cjk(piece[0])):
            out += " "
        out += piece
    return out


# A page header or footer line: 「- 3 -」, 「— 3 —」, 「3」, 「第 3 页」, 「第3页 共6页」, 「3/6」 (spaces around the
# dashes and words removed first, never between digits: a table row 「0 0 0」 is not a page number).
_PAGE_NUMBER = re.compile(r"^(?:[-—–－]*\d{1,4}[-—–－]*|第\d{1,4}页(?:共\d{1,4}页)?|\d{1,4}/\d{1,4})$")
_AROUND_MARKS = re.compile(r"\s*([-—–－/第页共])\s*")


def is_page_number(text: str) -> bool:
    """True for a line that is only a page number (the caller decides whether it sits in a margin)."""
    text = text.strip()
    # a page number is a short line; the pattern below is quadratic on a long run of spaces
    return len(text) <= 40 and bool(_PAGE_NUMBER.match(_AROUND_MARKS.sub(r"\1", text)))


# The template's tables hold about 400 cells; a file with far more is not an annual report, and
# building millions of cells would take minutes and gigabytes. Every reader refuses beyond this.
MAX_CELLS = 50_000
MAX_ELEMENTS = 300_000  # HTML elements / Word paragraphs and cells

