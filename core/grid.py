"""What every reader hands the parser: narrative paragraphs and tables as grids of cells.

A reader (text, PDF, DOCX, HTML) turns bytes into a `Document`; the parser never sees the file
format. Each cell knows where it was read (`where`: 「第12行」, 「第4页」, 「表格3第5行」), so every
parsed value can be traced back to the document.
"""
from __future__ import annotations

from dataclasses import dataclass, field


class ReadError(Exception):
    """A file that cannot be read at all; the message is Chinese and says what the user can do."""


@dataclass(frozen=True)
class Cell:
    text: str
    where: str = ""
    # A merged cell is repeated over every grid position it spans; `covered` marks the copies
    # (every position but the top-left one), so the parser can tell a span from two equal cells.
    covered: bool = False
    # Read from a page image by OCR (core.readers.scan): the lowest confidence of its characters;
    # None for text a file holds as text.
    ocr: float | None = None
    # A PDF table cell's place: (page number, x0, top, x1, bottom) in points from the page's top-left
    # corner, so the report page can show the cell on the page it was read from.
    box: tuple[int, float, float, float, float] | None = None


@dataclass
class Table:
    rows: list[list[Cell]]
    where: str = ""
    # True when the reader rebuilt a real grid (merged cells expanded, every row as wide as the
    # table): DOCX, HTML, ruled PDF. False for tables recovered from plain text, whose rows may
    # have lost the empty positions of merged cells.
    regular: bool = False
    # True when the cells of a row may have run together: a table flattened onto one line of text
    # (a crawler's page text), where 71 | 3 | 0 became 「7130」. The parser may split such a run
    # only where the template's arithmetic leaves exactly one way.
    joined: bool = False


@dataclass
class Paragraph:
    text: str
    where: str = ""
    ocr: float | None = None  # as Cell.ocr: the lowest confidence of a line read from a page image


Block = Paragraph | Table


@dataclass
class Document:
    blocks: list[Block] = field(default_factory=list)
    # Title known from outside the body (an HTML <title> or meta tag, PDF metadata), used for the
    # agency and year when the body has no title line.
    title_hint: str | None = None
    format: str = "text"  # text | pdf | scan (read by OCR) | docx | html

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


@dataclass
class JoinedText:
    """Narrative paragraphs as one text, so a sentence wrapped over two lines (a PDF line, a text
    line) is matched whole; `where(offset)` names the paragraph a match starts in."""

    text: str
    starts: list[int]
    places: list[str]

    @classmethod
    def of(cls, paragraphs: list[Paragraph]) -> "JoinedText":
        text, starts, places = [], [], []
        offset = 0
        for p in paragraphs:
            piece = "".join(p.text.split())  # Chinese wraps without a space; spaces carry no meaning here
            starts.append(offset)
            places.append(p.where)
            text.append(piece)
            offset += len(piece)
        return cls("".join(text), starts, places)

    def where(self, offset: int) -> str:
        i = self.index(offset)
        return self.places[i] if i >= 0 else ""

    def index(self, offset: int) -> int:
        """Which paragraph the text at `offset` comes from (-1 for none)."""
        from bisect import bisect_right
        return bisect_right(self.starts, offset) - 1
