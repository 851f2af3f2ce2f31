"""PDFium (the library of pypdfium2) as the PDF reader's source of characters and ruling lines.

PDFium is Chromium's PDF engine, in C++: it opens a report and gives every character with its box and
every path of every page in tens of milliseconds, where pdfminer.six (pure Python) takes about a second.
What this module hands back has the shape pdfplumber gives (dicts with "x0", "top", "x1", "bottom"
measured from the top-left corner of the page, "upright", "size", "matrix"…), computed the way pdfminer
computes them, so the layout code in pdf.py behaves as it did on pdfminer's objects.

The library file is pypdfium2's, but its functions are declared here with ctypes, only the thirty-odd
this module calls: pypdfium2's own bindings declare every PDFium function at import (20–40 ms, more than
reading a report takes). PDFium is not thread-safe and the dashboard parses in several threads, so every
call into it holds one module-level lock.
"""
from __future__ import annotations

import ctypes
import importlib.util
import math
import os
import sys
import threading
from typing import Any

Obj = dict[str, Any]

# FPDF_GetLastError
ERR_UNKNOWN, ERR_FILE, ERR_FORMAT, ERR_PASSWORD, ERR_SECURITY, ERR_PAGE = 1, 2, 3, 4, 5, 6
_TEXT, _PATH, _FORM = 1, 2, 5  # FPDFPageObj_GetType
_LINETO, _BEZIERTO, _MOVETO = 0, 1, 2  # FPDFPathSegment_GetType
_MADE_UP = {0x20, 0x0A, 0x0D}  # the characters PDFium generates (spaces, line breaks)
MAX_FORM_DEPTH = 12  # form XObjects nested deeper than this are not looked into
MAX_PAGE_OBJECTS = 200_000  # objects of a page looked at (a report page has a few thousand)
LOCK = threading.Lock()  # every call into PDFium, this module's and pypdfium2's (the scan reader renders with it)


class PdfiumError(Exception):
    """PDFium could not open the document or a page; `code` is FPDF_GetLastError's (0 for a page)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class _Matrix(ctypes.Structure):
    _fields_ = [(name, ctypes.c_float) for name in "abcdef"]


class _RectF(ctypes.Structure):
    _fields_ = [("left", ctypes.c_float), ("top", ctypes.c_float), ("right", ctypes.c_float), ("bottom", ctypes.c_float)]


_P, _I, _U, _D = ctypes.c_void_p, ctypes.c_int, ctypes.c_uint, ctypes.c_double
_PF, _PI, _PU = ctypes.POINTER(ctypes.c_float), ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_uint)
_SIGNATURES = {  # name: (result, arguments)
    "FPDF_InitLibrary": (None, ()),
    "FPDF_GetLastError": (ctypes.c_ulong, ()),
    "FPDF_LoadMemDocument64": (_P, (_P, ctypes.c_size_t, ctypes.c_char_p)),
    "FPDF_CloseDocument": (None, (_P,)),
    "FPDF_GetPageCount": (_I, (_P,)),
    "FPDF_GetMetaText": (ctypes.c_ulong, (_P, ctypes.c_char_p, _P, ctypes.c_ulong)),
    "FPDF_LoadPage": (_P, (_P, _I)),
    "FPDF_ClosePage": (None, (_P,)),
    "FPDFPage_GetRotation": (_I, (_P,)),
    "FPDFPage_GetMediaBox": (_I, (_P, _PF, _PF, _PF, _PF)),
    "FPDF_GetPageBoundingBox": (_I, (_P, ctypes.POINTER(_RectF))),
    "FPDFText_LoadPage": (_P, (_P,)),
    "FPDFText_ClosePage": (None, (_P,)),
    "FPDFText_CountChars": (_I, (_P,)),
    "FPDFText_GetUnicode": (_U, (_P, _I)),
    "FPDFText_IsGenerated": (_I, (_P, _I)),
    "FPDFText_HasUnicodeMapError": (_I, (_P, _I)),
    "FPDFText_GetTextObject": (_P, (_P, _I)),
    "FPDFText_GetLooseCharBox": (_I, (_P, _I, ctypes.POINTER(_RectF))),
    "FPDFText_GetMatrix": (_I, (_P, _I, ctypes.POINTER(_Matrix))),
    "FPDFText_GetCharOrigin": (_I, (_P, _I, ctypes.POINTER(_D), ctypes.POINTER(_D))),
    "FPDFFont_GetDescent": (_I, (_P, ctypes.c_float, _PF)),
    "FPDFFont_GetGlyphWidth": (_I, (_P, ctypes.c_uint32, ctypes.c_float, _PF)),
    "FPDFText_GetFontSize": (_D, (_P, _I)),
    "FPDFTextObj_GetFont": (_P, (_P,)),
    "FPDFFont_GetBaseFontName": (ctypes.c_size_t, (_P, _P, ctypes.c_size_t)),
    "FPDFTextObj_GetFontSize": (_I, (_P, _PF)),
    "FPDFPage_CountObjects": (_I, (_P,)),
    "FPDFPage_GetObject": (_P, (_P, _I)),
    "FPDFFormObj_CountObjects": (_I, (_P,)),
    "FPDFFormObj_GetObject": (_P, (_P, ctypes.c_ulong)),
    "FPDFPageObj_GetType": (_I, (_P,)),
    "FPDFPageObj_GetMatrix": (_I, (_P, ctypes.POINTER(_Matrix))),
    "FPDFPageObj_GetBounds": (_I, (_P, _PF, _PF, _PF, _PF)),
    "FPDFPageObj_GetFillColor": (_I, (_P, _PU, _PU, _PU, _PU)),
    "FPDFPageObj_GetStrokeColor": (_I, (_P, _PU, _PU, _PU, _PU)),
    "FPDFPath_CountSegments": (_I, (_P,)),
    "FPDFPath_GetPathSegment": (_P, (_P, _I)),
    "FPDFPath_GetDrawMode": (_I, (_P, _PI, _PI)),
    "FPDFPathSegment_GetPoint": (_I, (_P, _PF, _PF)),
    "FPDFPathSegment_GetType": (_I, (_P,)),
    "FPDFPathSegment_GetClose": (_I, (_P,)),
}
# Called for every character or path segment: declared without argument types (see _chars).
_HOT = {"FPDFText_GetTextObject", "FPDFText_GetUnicode", "FPDFText_IsGenerated", "FPDFText_HasUnicodeMapError",
        "FPDFText_GetLooseCharBox", "FPDFText_GetCharOrigin", "FPDFText_GetMatrix", "FPDFText_GetFontSize",
        "FPDFTextObj_GetFont", "FPDFPath_GetPathSegment", "FPDFPathSegment_GetPoint", "FPDFPathSegment_GetType",
        "FPDFPathSegment_GetClose"}
_lib: ctypes.CDLL | None = None


def _library_path() -> str:
    """The PDFium library that pypdfium2 ships (in its pypdfium2_raw package), found without importing it."""
    spec = importlib.util.find_spec("pypdfium2_raw")
    folder = list(spec.submodule_search_locations or [])[0] if spec else ""
    name = {"win32": "pdfium.dll", "darwin": "libpdfium.dylib"}.get(sys.platform, "libpdfium.so")
    path = os.path.join(folder, name)
    if os.path.exists(path):
        return path
    from pypdfium2_raw import bindings  # an unusual install: let pypdfium2's loader find it
    return bindings._libs["pdfium"]._name


def _library() -> ctypes.CDLL:
    """Load PDFium once and declare the functions used (call with LOCK held)."""
    global _lib
    if _lib is None:
        lib = ctypes.CDLL(_library_path())
        for name, (result, arguments) in _SIGNATURES.items():
            function = getattr(lib, name)
            function.restype = result
            if name not in _HOT:
                function.argtypes = arguments
        lib.FPDF_InitLibrary()  # a no-op when pypdfium2 has initialised the library in this process
        _lib = lib
    return _lib


class Page:
    """One page as the layout code needs it, in pdfplumber's coordinates and object shapes (a plain
    class: a dataclass would be compiled at every import)."""

    __slots__ = ("width", "height", "chars", "rects", "lines", "curves", "graphics", "repeated_chars",
                 "unmatched_repeats")

    def __init__(self, width: float, height: float, chars: list[Obj] | None = None, rects: list[Obj] | None = None,
                 lines: list[Obj] | None = None, curves: list[Obj] | None = None, graphics: int = 0) -> None:
        self.width, self.height = width, height
        self.chars = [] if chars is None else chars
        self.rects = [] if rects is None else rects
        self.lines = [] if lines is None else lines
        self.curves = [] if curves is None else curves
        self.graphics = graphics  # paths drawn (subpaths), counted even when too many to keep
        # text objects PDFium left out of its text (see _repeats): the characters of those repeating
        # another within 1 pt (pdfplumber had them), and how many others there were
        self.repeated_chars = 0
        self.unmatched_repeats = 0


class Document:
    """An open PDFium document over `data` (which PDFium reads until the document is closed)."""

    def __init__(self, data: bytes, descents: dict[bytes, float | None] | None = None) -> None:
        self._descents = descents or {}  # pdfminer's font descents by name (pdf._font_descents)
        with LOCK:
            lib = _library()
            self._data = data  # PDFium does not copy the buffer: keep it alive
            self._handle = lib.FPDF_LoadMemDocument64(data, len(data), None)
            if not self._handle:
                raise PdfiumError(int(lib.FPDF_GetLastError()))
            self.page_count = int(lib.FPDF_GetPageCount(self._handle))

    def close(self) -> None:
        with LOCK:
            if self._handle:
                _library().FPDF_CloseDocument(self._handle)
                self._handle = None

    def __enter__(self) -> Document:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def title(self) -> str | None:
        """The Title of the document information dictionary (PDFium decodes UTF-16 and PDFDocEncoding)."""
        with LOCK:
            lib = _library()
            size = lib.FPDF_GetMetaText(self._handle, b"Title", None, 0)
            if size <= 2:
                return None
            buf = ctypes.create_string_buffer(size)
            lib.FPDF_GetMetaText(self._handle, b"Title", buf, size)
        return buf.raw[: size - 2].decode("utf-16-le", "replace")

    def page(self, index: int, doctop: float, max_chars: int, max_graphics: int) -> Page:
        """Characters and paths of page `index` (0-based). Past `max_chars` characters the chars are
        not built (the caller refuses the page by their count); past `max_graphics` paths no more are kept."""
        with LOCK:
            lib = _library()
            handle = text_page = None
            try:  # closed whatever happens (the command line's time limit interrupts with an exception)
                handle = lib.FPDF_LoadPage(self._handle, index)
                if not handle:
                    raise PdfiumError(0)
                space = _PageSpace(lib, handle)
                page = Page(space.width, space.height)
                text_page = lib.FPDFText_LoadPage(handle)
                if not text_page:
                    raise PdfiumError(0)
                owners = _chars(lib, text_page, space, doctop, max_chars, page.chars, self._descents)
                if len(page.chars) <= max_chars:  # else the caller refuses the page by its count
                    _paths(lib, handle, space, doctop, max_graphics, owners, page)
            finally:
                if text_page:
                    lib.FPDFText_ClosePage(text_page)
                if handle:
                    lib.FPDF_ClosePage(handle)
        return page


class _PageSpace:
    """PDF user space → pdfplumber's page space: pdfminer turns the page by its /Rotate and moves the
    MediaBox corner to the origin; pdfplumber measures y down from the top of the MediaBox."""

    def __init__(self, lib: ctypes.CDLL, handle: int) -> None:
        box = [ctypes.c_float() for _ in range(4)]
        if lib.FPDFPage_GetMediaBox(handle, *box):  # only when the page itself has a /MediaBox
            x0, y0, x1, y1 = (v.value for v in box)
        else:  # inherited from the page tree: PDFium's page box (the MediaBox, cut by any CropBox)
            rect = _RectF()
            lib.FPDF_GetPageBoundingBox(handle, ctypes.byref(rect))
            x0, y0, x1, y1 = rect.left, rect.bottom, rect.right, rect.top
        rotation = (lib.FPDFPage_GetRotation(handle) % 4) * 90
        # pdfminer's initial transformation for the page (PDFPageInterpreter.process_page)
        ctm = {90: (0, -1, 1, 0, -y0, x1), 180: (-1, 0, 0, -1, x1, y1),
               270: (0, 1, -1, 0, y1, -x0)}.get(rotation, (1, 0, 0, 1, -x0, -y0))
        # pdfplumber's box (Page.__init__): sorted corners, turned for 90 and 270
        nx0, nx1 = sorted((x0, x1))
        ny0, ny1 = sorted((y0, y1))
        if rotation in (90, 270):
            nx0, ny0, nx1, ny1 = ny0, nx0, ny1, nx1
        self.height = ny1 - ny0
        self.width = nx1 - nx0
        shift_x, shift_top = nx0, -ny0  # pdfplumber's mediabox[0] and mediabox[1]
        a, b, c, d, e, f = ctm
        self.rotation = ctm[:4]
        # (x, y) in user space → (x, top): x = a·x + c·y + e + shift_x, top = height + shift_top − (b·x + d·y + f)
        self.xx, self.xy, self.x0 = a, c, e + shift_x
        self.tx, self.ty, self.t0 = -b, -d, self.height + shift_top - f

    def point(self, x: float, y: float) -> tuple[float, float]:
        return self.xx * x + self.xy * y + self.x0, self.tx * x + self.ty * y + self.t0


def _mult(m1: tuple, m0: tuple) -> tuple[float, float, float, float]:
    """pdfminer's mult_matrix, 2×2 part: m1 then m0."""
    a1, b1, c1, d1 = m1[:4]
    a0, b0, c0, d0 = m0[:4]
    return (a0 * a1 + c0 * b1, b0 * a1 + d0 * b1, a0 * c1 + c0 * d1, b0 * c1 + d0 * d1)


def _chars(lib: ctypes.CDLL, text_page: int, space: _PageSpace, doctop: float, max_chars: int,
           out: list[Obj], descents: dict[bytes, float | None]) -> list[int]:
    """pdfplumber's chars of the page, in drawing order; returns the text object of each character.

    pdfminer's box is the advance wide and the font size tall, from the font's descent below the
    character's origin. For upright text it is built so here: from PDFium's origin, the descent as
    pdfminer reads it (_Fonts) and PDFium's "loose" box for the right edge. Turned text keeps PDFium's
    loose box (the descent to the ascent), its size taken from the box. A character whose font maps
    no Unicode is "(cid:N)", as pdfminer gives it, so the reader can tell garbled text.
    This loop runs for every character of a report: the PDFium functions it calls are declared
    without argument types (ctypes converts each argument in a third of the time) and take
    ctypes-typed handles."""
    count = lib.FPDFText_CountChars(text_page)
    if count > max_chars:  # the caller refuses the page; do not build 100,000 dicts first
        out.extend({"text": "", "upright": True} for _ in range(count))
        return []
    tp = ctypes.c_void_p(text_page)
    rect, matrix, ox, oy = _RectF(), _Matrix(), ctypes.c_double(), ctypes.c_double()
    rect_ref, matrix_ref, ox_ref, oy_ref = ctypes.byref(rect), ctypes.byref(matrix), ctypes.byref(ox), ctypes.byref(oy)
    get_origin = lib.FPDFText_GetCharOrigin
    fonts_descent = _Fonts(lib, descents)
    get_object, get_unicode, unmapped = lib.FPDFText_GetTextObject, lib.FPDFText_GetUnicode, lib.FPDFText_HasUnicodeMapError
    is_generated = lib.FPDFText_IsGenerated
    loose_box, get_matrix, get_size, get_font = (lib.FPDFText_GetLooseCharBox, lib.FPDFText_GetMatrix,
                                                 lib.FPDFText_GetFontSize, lib.FPDFTextObj_GetFont)
    xx, xy, x0c, tx, ty, t0 = space.xx, space.xy, space.x0, space.tx, space.ty, space.t0
    infos: dict[tuple, tuple] = {}  # (matrix, font, size) → what its characters share
    widths: dict[tuple[int | None, int], float] = {}  # (font, code) → advance per unit of font size
    fonts: dict[int | None, str] = {}
    owners: list[int] = []  # the text object of each character
    last_obj, info = None, None
    for i in range(count):
        obj = get_object(tp, i)
        if not obj:
            continue  # a space or line break PDFium made up (pdfminer has none)
        code = get_unicode(tp, i)
        if code in _MADE_UP and is_generated(tp, i) == 1:
            continue  # a space PDFium put in for a gap inside a text object (kerning in a TJ array)
        if obj != last_obj:  # a text object's characters share its matrix, size and font
            get_matrix(tp, i, matrix_ref)
            font = get_font(ctypes.c_void_p(obj))
            key = (matrix.a, matrix.b, matrix.c, matrix.d, font, get_size(tp, i))
            info = infos.get(key)
            if info is None:  # WPS draws every character as its own text object: most repeat a key
                user, font_size = key[:4], key[5]
                upright, m, scale = _orientation(user, space.rotation)
                fontname = fonts.get(font)
                if fontname is None:
                    fontname = fonts[font] = _font_name(lib, font)
                descent = fonts_descent.descent(font) * font_size / 1000  # text space, below the origin
                # straight upright text (most of it): the box's left edge and bottom from the origin
                straight = scale is not None and m[0] > 0 and m[3] > 0 and abs(m[2]) <= 1e-9 * m[3]
                info = infos[key] = (upright, m, None if scale is None else font_size * scale, fontname,
                                     (user[2] * descent, user[3] * descent) if straight else None, user, descent,
                                     font_size, font)
            last_obj = obj
        upright, m, size, fontname, drop, user, descent, font_size, font = info
        owners.append(obj)
        text = f"(cid:{code})" if unmapped(tp, i) == 1 else chr(code) if code < 0x110000 else "\ufffd"
        loose_box(tp, i, rect_ref)
        get_origin(tp, i, ox_ref, oy_ref)
        width = widths.get((font, code))
        if width is None:
            width = widths[font, code] = _glyph_width(lib, font, code)
        if drop is not None:
            bx, by = ox.value + drop[0], oy.value + drop[1]
            x0, bottom = xx * bx + xy * by + x0c, tx * bx + ty * by + t0
            left, top_y, right, bottom_y = rect.left, rect.top, rect.right, rect.bottom
            x1 = max(xx * left + xy * top_y + x0c, xx * right + xy * bottom_y + x0c, x0)
            if width > 0:  # the advance from the font's widths, unless it runs past the loose box
                advanced = x0 + m[0] * width * font_size
                if advanced <= x1 + 0.01 or right - left < 1e-6:
                    x1 = advanced
            top = bottom - size
        else:
            x0, x1, top, bottom = _turned_box(user, ox.value, oy.value, rect, descent, font_size, space,
                                              width * font_size)
        check = x0 + x1 + top + bottom
        if check - check != 0:  # an infinite or NaN coordinate (a degenerate matrix)
            continue
        out.append({"text": text, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": doctop + top,
                    "height": bottom - top, "size": bottom - top if drop is None else size,
                    "upright": upright, "fontname": fontname, "matrix": m})
    return owners


def _turned_box(m: tuple[float, float, float, float], ox: float, oy: float, loose: _RectF, descent: float,
                font_size: float, space: _PageSpace, width: float) -> tuple[float, float, float, float]:
    """pdfminer's box of a character that is turned, slanted or mirrored: the text-space rectangle
    (0, descent) – (advance, descent + font size) through the character's matrix, from its origin.
    The advance is the font's `width` when it fits PDFium's loose box, else read back from the box
    (the advance by the ascent-to-descent height, through the same matrix, joined with the glyph's
    ink): its user-space width is |a|·advance + |c|·height, its height |b|·advance + |d|·height."""
    a, b, c, d = m
    w, h = loose.right - loose.left, loose.top - loose.bottom
    det = abs(a) * abs(d) - abs(c) * abs(b)
    if abs(det) > 1e-9:
        advance = (w * abs(d) - h * abs(c)) / det
    elif abs(a) > 1e-9:
        advance = w / abs(a)
    elif abs(b) > 1e-9:
        advance = h / abs(b)
    else:
        advance = 0.0
    advance = max(advance, 0.0)
    if 0 < width and (width <= advance + 0.01 or w < 1e-6):
        advance = width
    xs, tops = [], []
    for x in (0.0, advance):
        for y in (descent, descent + font_size):
            ux, uy = ox + a * x + c * y, oy + b * x + d * y
            xs.append(space.xx * ux + space.xy * uy + space.x0)
            tops.append(space.tx * ux + space.ty * uy + space.t0)
    return min(xs), max(xs), min(tops), max(tops)


def _orientation(matrix: tuple[float, float, float, float], rotation: tuple) -> tuple[bool, tuple, float | None]:
    """(upright, the character matrix as pdfminer has it, the factor from font size to box height when
    the text is not slanted vertically) for PDFium's text matrix on a page turned by `rotation`."""
    m = _mult(matrix, rotation)
    upright = m[0] * m[3] > 0 and m[1] * m[2] <= 0  # pdfminer's LTChar.upright
    return upright, (*m, 0.0, 0.0), abs(m[3]) if abs(m[1]) <= 1e-9 * abs(m[3]) else None


# pdfminer takes these fonts' metrics from its own tables (the standard 14 and their common aliases)
_AFM_DESCENTS = {**dict.fromkeys(("Courier", "Courier-Bold", "Courier-BoldOblique", "Courier-Oblique", "CourierNew",
                                  "CourierNew,Italic", "CourierNew,Bold", "CourierNew,BoldItalic"), -194.0),
                 **dict.fromkeys(("Helvetica", "Helvetica-Bold", "Helvetica-BoldOblique", "Helvetica-Oblique", "Arial",
                                  "Arial,Italic", "Arial,Bold", "Arial,BoldItalic"), -207.0),
                 **dict.fromkeys(("Times-Bold", "Times-BoldItalic", "Times-Italic", "Times-Roman", "TimesNewRoman",
                                  "TimesNewRoman,Italic", "TimesNewRoman,Bold", "TimesNewRoman,BoldItalic"), -217.0),
                 "Symbol": 0.0, "ZapfDingbats": 0.0}


class _Fonts:
    """A font's descent (thousandths of the font size) as pdfminer reads it: its table for a standard
    font, else the font descriptor's /Descent (pdf._font_descents), else PDFium's, which is the
    descriptor's too unless the descriptor gives none."""

    def __init__(self, lib: ctypes.CDLL, descents: dict[bytes, float | None]) -> None:
        self.lib, self.descents, self.known = lib, descents, {}

    def descent(self, font: int | None) -> float:
        if font in self.known:
            return self.known[font]
        value = None
        if font:
            buf = ctypes.create_string_buffer(256)
            n = self.lib.FPDFFont_GetBaseFontName(font, buf, 256)
            name = buf.raw[: n - 1] if 0 < n <= 256 else b""
            value = _AFM_DESCENTS.get(name.decode("latin-1"))
            key = name[7:] if len(name) > 7 and name[6:7] == b"+" and name[:6].isupper() else name
            for _ in range(3):  # a Type0 font's name may carry its encoding: Name-Identity-H
                if value is not None or not key:
                    break
                value = self.descents.get(key)
                key = key.rpartition(b"-")[0]
            if value is None:
                pdfium = ctypes.c_float()
                value = pdfium.value * 1.0 if self.lib.FPDFFont_GetDescent(font, 1000.0, ctypes.byref(pdfium)) else 0.0
        self.known[font] = value = 0.0 if value is None else value
        return value


def _glyph_width(lib: ctypes.CDLL, font: int | None, code: int) -> float:
    """The advance of the character `code` in the font, per unit of font size, from the font's widths
    (/W, /Widths) as pdfminer takes it (PDFium's loose box joins the glyph's ink, which a substituted
    font draws wider than the advance); 0 when PDFium cannot tell."""
    width = ctypes.c_float()
    if not font or not lib.FPDFFont_GetGlyphWidth(font, code, 1.0, ctypes.byref(width)):
        return 0.0
    return width.value if 0 < width.value < 100 else 0.0


def _font_name(lib: ctypes.CDLL, font: int | None) -> str:
    """The font's /BaseFont (it tells apart the copies of a character de-duplication may drop)."""
    if not font:
        return ""
    buf = ctypes.create_string_buffer(256)
    n = lib.FPDFFont_GetBaseFontName(font, buf, 256)
    return buf.raw[: n - 1].decode("utf-8", "replace") if 0 < n <= 256 else ""


def _paths(lib: ctypes.CDLL, handle: int, space: _PageSpace, doctop: float, max_graphics: int,
           owners: list[int], page: Page) -> None:
    """Every painted path of the page (forms included) as pdfplumber's rects, lines and curves, and the
    text objects PDFium's text left out."""
    x, y = ctypes.c_float(), ctypes.c_float()
    mode, stroke = ctypes.c_int(), ctypes.c_int()
    matrix = _Matrix()
    rgba = [ctypes.c_uint() for _ in range(4)]
    missing: list[int] = []  # text objects with no character in PDFium's text
    kept_text = set(owners)

    def color(getter, obj) -> tuple[float, float, float] | None:
        if not getter(obj, *rgba):
            return None
        return tuple(v.value / 255 for v in rgba[:3])

    visited = 0

    def walk(container: int, count_fn, get_fn, outer: tuple | None, depth: int) -> None:
        nonlocal visited
        for k in range(count_fn(container)):
            visited += 1
            if visited > MAX_PAGE_OBJECTS:  # a form drawn thousands of times: read the page as text
                page.graphics = max(page.graphics, max_graphics + 1)
                return
            obj = get_fn(container, k)
            if obj in kept_text:
                continue  # a text object PDFium's text holds
            kind = lib.FPDFPageObj_GetType(obj)
            if kind == _FORM and depth < MAX_FORM_DEPTH:
                lib.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix))
                form = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
                walk(obj, lib.FPDFFormObj_CountObjects, lib.FPDFFormObj_GetObject,
                     form if outer is None else _compose(form, outer), depth + 1)
            elif kind == _TEXT:
                missing.append(obj)
            elif kind == _PATH and page.graphics <= max_graphics:
                lib.FPDFPath_GetDrawMode(obj, ctypes.byref(mode), ctypes.byref(stroke))
                fill, strk = mode.value != 0, bool(stroke.value)
                if not fill and not strk:
                    continue  # a clipping path: pdfminer never sees one painted
                lib.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix))
                own = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
                full = own if outer is None else _compose(own, outer)
                attrs = {"fill": fill, "stroke": strk,
                         "non_stroking_color": color(lib.FPDFPageObj_GetFillColor, obj),
                         "stroking_color": color(lib.FPDFPageObj_GetStrokeColor, obj)}
                for shape, pts in _subpaths(lib, obj, full, x, y):
                    page.graphics += 1
                    _add_shape(page, shape, pts, attrs, space, doctop)

    walk(handle, lib.FPDFPage_CountObjects, lib.FPDFPage_GetObject, None, 0)
    if missing:
        kept: dict[int, int] = {}
        for obj in owners:
            kept[obj] = kept.get(obj, 0) + 1
        page.repeated_chars, page.unmatched_repeats = _repeats(lib, missing, kept)


def _compose(inner: tuple, outer: tuple) -> tuple:
    """The matrix of an object inside a form: its own, then the form's."""
    a, b, c, d = _mult(inner, outer)
    e = inner[4] * outer[0] + inner[5] * outer[2] + outer[4]
    f = inner[4] * outer[1] + inner[5] * outer[3] + outer[5]
    return (a, b, c, d, e, f)


def _subpaths(lib: ctypes.CDLL, obj: int, m: tuple, x: ctypes.c_float, y: ctypes.c_float) -> list[tuple[str, list]]:
    """The subpaths of a path object as pdfminer sees them: a shape of operators (m, l, c for a curve,
    h for a close back to the start) and the user-space points pdfminer keeps (a curve's end only)."""
    a, b, c, d, e, f = m
    out: list[tuple[str, list]] = []
    shape: list[str] = []
    pts: list[tuple[float, float]] = []
    bezier = 0
    path, x_ref, y_ref = ctypes.c_void_p(obj), ctypes.byref(x), ctypes.byref(y)
    get_segment, get_point = lib.FPDFPath_GetPathSegment, lib.FPDFPathSegment_GetPoint
    get_type, get_close = lib.FPDFPathSegment_GetType, lib.FPDFPathSegment_GetClose
    for k in range(lib.FPDFPath_CountSegments(obj)):
        seg = ctypes.c_void_p(get_segment(path, k))
        get_point(seg, x_ref, y_ref)
        kind = get_type(seg)
        px, py = x.value, y.value
        point = (a * px + c * py + e, b * px + d * py + f)
        if kind == _MOVETO:
            if shape:
                out.append(("".join(shape), pts))
            shape, pts, bezier = ["m"], [point], 0
            continue
        if not shape:  # a path must start with a move; PDFium always gives one, be safe
            shape, pts = ["m"], [point]
            continue
        if kind == _BEZIERTO:
            bezier += 1  # PDFium gives the two control points and the end as three segments
            if bezier % 3:
                continue
            shape.append("c")
        else:
            shape.append("l")
        pts.append(point)
        if get_close(seg):
            if shape[-1] == "l" and point == pts[0]:
                shape[-1] = "h"  # PDFium added the line back to the start that "h" implies
            else:
                shape.append("h")
                pts.append(pts[0])
    if shape:
        out.append(("".join(shape), pts))
    return out


def _add_shape(page: Page, shape: str, pts: list, attrs: Obj, space: _PageSpace, doctop: float) -> None:
    """pdfminer's paint_path classification (a line, a rectangle or a curve) and pdfplumber's object."""
    if shape in ("ml", "mlh"):
        kind, pts = "line", pts[:2]
    elif shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        kind = "rect" if pts[0] == pts[4] and square else "curve"
        if kind == "rect":
            pts = [pts[0], (pts[2][0], pts[0][1]), pts[2], (pts[0][0], pts[2][1])]
    else:
        kind = "curve"
    page_pts = [space.point(px, py) for px, py in pts]
    xs = [p[0] for p in page_pts]
    tops = [p[1] for p in page_pts]
    x0, x1, top, bottom = min(xs), max(xs), min(tops), max(tops)
    if not all(map(math.isfinite, (x0, x1, top, bottom))):
        return
    obj = {"object_type": kind, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": doctop + top,
           "y0": space.height - bottom, "y1": space.height - top, "width": x1 - x0, "height": bottom - top, **attrs}
    if kind == "curve":
        obj["pts"] = page_pts
    {"line": page.lines, "rect": page.rects, "curve": page.curves}[kind].append(obj)


def _repeats(lib: ctypes.CDLL, missing: list[int], kept: dict[int, int]) -> tuple[int, int]:
    """(characters, objects): the text objects PDFium left out of its text, matched or not.

    PDFium drops a text object that repeats one of the five before it at about the same place (WPS
    draws bold text twice, the copy shifted by a fraction of a point); its rule allows up to 0.9 of a
    character's width. pdfplumber kept every copy and the reader dropped a character repeated within
    1 pt. A left-out object is matched by a kept one of the same font size whose box is within 1 pt:
    its characters count as the page's (for the page's character limit). PDFium also drops a text
    object whose glyphs have no width: a space drawn on its own (Chrome does), but also characters
    whose font program it cannot measure, which pdfminer still reads from the font's Unicode map.
    An unmatched object of either kind means the page would not read as it did with pdfminer."""
    def box(obj: int) -> tuple[float, float, float, float, float] | None:
        values = [ctypes.c_float() for _ in range(4)]
        size = ctypes.c_float()
        if not lib.FPDFPageObj_GetBounds(obj, *values) or not lib.FPDFTextObj_GetFontSize(obj, ctypes.byref(size)):
            return None
        left, bottom, right, top = (v.value for v in values)
        return size.value, left, bottom, right, top

    near: dict[tuple[float, int], list[tuple[tuple, int]]] = {}  # (size, whole points of left) → boxes
    for obj, chars in kept.items():
        b = box(obj)
        if b is not None and math.isfinite(b[1]):
            near.setdefault((b[0], int(b[1] // 1)), []).append((b, chars))
    repeated = unmatched = 0
    for obj in missing:
        b = box(obj)
        if b is None or not math.isfinite(b[1]):
            unmatched += 1
            continue
        twin = next((chars for k in (-1, 0, 1) for other, chars in near.get((b[0], int(b[1] // 1) + k), ())
                     if all(abs(p - q) <= 1 for p, q in zip(other[1:], b[1:]))), None)
        if twin is None:
            unmatched += 1
        else:
            repeated += twin
    return repeated, unmatched
