"""The part of pdfplumber that the PDF reader uses: ruling lines → table cells, and characters → text.

Vendored so that reading a PDF imports neither pdfplumber nor pdfminer.six: importing those two (and
what they import) takes longer than reading a whole report with PDFium. Copied from pdfplumber 0.11.10
(table.py, utils/clustering.py, utils/geometry.py, utils/text.py) and cut down to the paths the reader
takes: the table finder's "lines" strategy with its default settings, and text extraction without
layout. Each function gives what pdfplumber's gives for the same input (tests/test_pdf_engines.py
compares them); where the code differs it only does the same work in less time (a sort taken out of a
loop, look-ups by row and column instead of scans of every point).

The objects are pdfplumber's: dicts with "x0", "x1", "top", "bottom" (points from the top-left corner
of the page), chars with "text", "upright", "size", "doctop"…, edges with "orientation" 'h' or 'v'.

pdfplumber is distributed under the MIT licence, whose notice follows:

    The MIT License (MIT)

    Copyright (c) 2015, Jeremy Singer-Vine

    Permission is hereby granted, free of charge, to any person obtaining a copy
    of this software and associated documentation files (the "Software"), to deal
    in the Software without restriction, including without limitation the rights
    to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
    copies of the Software, and to permit persons to whom the Software is
    furnished to do so, subject to the following conditions:

    The above copyright notice and this permission notice shall be included in all
    copies or substantial portions of the Software.

    THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
    IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
    FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
    AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
    LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
    OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
    SOFTWARE.
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from operator import itemgetter
from typing import Any

Obj = dict[str, Any]
BBox = tuple[float, float, float, float]
Point = tuple[float, float]

# pdfplumber's TableSettings defaults (snap, join and intersection tolerances; minimum edge lengths)
SNAP_TOLERANCE = 3
JOIN_TOLERANCE = 3
INTERSECTION_TOLERANCE = 3
EDGE_MIN_LENGTH = 3
EDGE_MIN_LENGTH_PREFILTER = 1
# pdfplumber's text defaults
X_TOLERANCE = 3
Y_TOLERANCE = 3
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}

_bbox_getter = itemgetter("x0", "top", "x1", "bottom")


# ---- clustering (utils/clustering.py) -------------------------------------------------------------

def cluster_objects(xs: list, key_fn: Callable[[Any], float], tolerance: float,
                    preserve_order: bool = False) -> list[list]:
    """Objects grouped by `key_fn` values that chain within `tolerance` (sorted values, each within
    `tolerance` of the one before); groups in key order, each in the objects' order (or, with
    `preserve_order`, runs of consecutive objects of one group, in the objects' order).

    pdfplumber's result, computed without its dict of distinct values (this runs thousands of times
    per page): a value equal to the one before always chains, as a repeated value did there."""
    if not xs:
        return []
    values = [key_fn(x) for x in xs]
    ids = [0] * len(xs)
    group, last = 0, None
    for i in sorted(range(len(xs)), key=values.__getitem__):
        v = values[i]
        if last is not None and not v <= last + tolerance:
            group += 1
        ids[i] = group
        last = v
    order = range(len(xs)) if preserve_order else sorted(range(len(xs)), key=ids.__getitem__)
    out: list[list] = []
    current = None
    for i in order:
        if ids[i] != current:
            out.append([])
            current = ids[i]
        out[-1].append(xs[i])
    return out


# ---- geometry (utils/geometry.py) -----------------------------------------------------------------

def objects_to_bbox(objects: Iterable[Obj]) -> BBox:
    x0, top, x1, bottom = zip(*map(_bbox_getter, objects))
    return (min(x0), min(top), max(x1), max(bottom))


def move_object(obj: Obj, axis: str, value: float) -> Obj:
    if axis == "h":
        new_items = [("x0", obj["x0"] + value), ("x1", obj["x1"] + value)]
    else:
        new_items = [("top", obj["top"] + value), ("bottom", obj["bottom"] + value)]
        if "doctop" in obj:
            new_items.append(("doctop", obj["doctop"] + value))
        if "y0" in obj:
            new_items += [("y0", obj["y0"] - value), ("y1", obj["y1"] - value)]
    return {**obj, **dict(new_items)}


def snap_objects(objs: Iterable[Obj], attr: str, tolerance: float) -> list[Obj]:
    axis = {"x0": "h", "x1": "h", "top": "v", "bottom": "v"}[attr]
    clusters = cluster_objects(list(objs), itemgetter(attr), tolerance)
    out = []
    for cluster in clusters:
        avg = sum(map(itemgetter(attr), cluster)) / len(cluster)
        out += [move_object(obj, axis, avg - obj[attr]) for obj in cluster]
    return out


def resize_object(obj: Obj, key: str, value: float) -> Obj:
    """pdfplumber's resize_object for the two keys the table finder moves ("x1", "bottom")."""
    diff = value - obj[key]
    new = {key: value}
    if key == "x1":
        new["width"] = value - obj["x0"]
    elif key == "bottom":
        new["height"] = obj["height"] + diff
        if "y0" in obj:
            new["y0"] = obj["y0"] - diff
    else:  # pragma: no cover - the table finder never moves x0 or top
        raise ValueError(key)
    return {**obj, **new}


def line_to_edge(line: Obj) -> Obj:
    return {**line, "orientation": "h" if line["top"] == line["bottom"] else "v"}


def rect_to_edges(rect: Obj) -> list[Obj]:
    return [
        {**rect, "object_type": "rect_edge", "height": 0, "y0": rect["y1"], "bottom": rect["top"], "orientation": "h"},
        {**rect, "object_type": "rect_edge", "height": 0, "y1": rect["y0"], "top": rect["top"] + rect["height"],
         "doctop": rect["doctop"] + rect["height"], "orientation": "h"},
        {**rect, "object_type": "rect_edge", "width": 0, "x1": rect["x0"], "orientation": "v"},
        {**rect, "object_type": "rect_edge", "width": 0, "x0": rect["x1"], "orientation": "v"},
    ]


def curve_to_edges(curve: Obj) -> list[Obj]:
    shift = curve["doctop"] - curve["top"]
    return [{
        "object_type": "curve_edge",
        "x0": min(p0[0], p1[0]), "x1": max(p0[0], p1[0]),
        "top": min(p0[1], p1[1]), "doctop": min(p0[1], p1[1]) + shift, "bottom": max(p0[1], p1[1]),
        "width": abs(p0[0] - p1[0]), "height": abs(p0[1] - p1[1]),
        "orientation": "v" if p0[0] == p1[0] else ("h" if p0[1] == p1[1] else None),
    } for p0, p1 in zip(curve["pts"], curve["pts"][1:])]


def filter_edges(edges: Iterable[Obj], orientation: str | None = None, min_length: float = 1) -> list[Obj]:
    def test(e: Obj) -> bool:
        dim = "height" if e["orientation"] == "v" else "width"
        return (orientation is None or e["orientation"] == orientation) and e[dim] >= min_length
    return [e for e in edges if test(e)]


# ---- table finding (table.py) ---------------------------------------------------------------------

def page_edges(rects: list[Obj], lines: list[Obj], curves: list[Obj]) -> list[Obj]:
    """pdfplumber's Page.edges: every line, the four sides of every rectangle, every curve segment."""
    return (list(map(line_to_edge, lines)) + list(itertools.chain.from_iterable(map(rect_to_edges, rects)))
            + list(itertools.chain.from_iterable(map(curve_to_edges, curves))))


def snap_edges(edges: list[Obj], x_tolerance: float = SNAP_TOLERANCE, y_tolerance: float = SNAP_TOLERANCE) -> list[Obj]:
    v = [e for e in edges if e["orientation"] == "v"]
    h = [e for e in edges if e["orientation"] == "h"]
    return snap_objects(v, "x0", x_tolerance) + snap_objects(h, "top", y_tolerance)


def join_edge_group(edges: Iterable[Obj], orientation: str, tolerance: float = JOIN_TOLERANCE) -> list[Obj]:
    min_prop, max_prop = ("x0", "x1") if orientation == "h" else ("top", "bottom")
    sorted_edges = sorted(edges, key=itemgetter(min_prop))
    joined = [sorted_edges[0]]
    for e in sorted_edges[1:]:
        last = joined[-1]
        if e[min_prop] <= last[max_prop] + tolerance:
            if e[max_prop] > last[max_prop]:
                joined[-1] = resize_object(last, max_prop, e[max_prop])
        else:
            joined.append(e)
    return joined


def merge_edges(edges: list[Obj]) -> list[Obj]:
    def group(edge: Obj) -> tuple[str, float]:
        return ("h", edge["top"]) if edge["orientation"] == "h" else ("v", edge["x0"])
    edges = snap_edges(edges)
    return list(itertools.chain.from_iterable(
        join_edge_group(items, k[0], JOIN_TOLERANCE) for k, items in itertools.groupby(sorted(edges, key=group), key=group)))


def table_edges(rects: list[Obj], lines: list[Obj], curves: list[Obj]) -> list[Obj]:
    """TableFinder.get_edges with the "lines" strategy for both directions."""
    edges = page_edges(rects, lines, curves)
    v = filter_edges(edges, "v", min_length=EDGE_MIN_LENGTH_PREFILTER)
    h = filter_edges(edges, "h", min_length=EDGE_MIN_LENGTH_PREFILTER)
    return filter_edges(merge_edges(v + h), min_length=EDGE_MIN_LENGTH)


def edges_to_intersections(edges: list[Obj], x_tolerance: float = INTERSECTION_TOLERANCE,
                           y_tolerance: float = INTERSECTION_TOLERANCE) -> dict[Point, dict[str, list[Obj]]]:
    intersections: dict[Point, dict[str, list[Obj]]] = {}
    v_edges = sorted((e for e in edges if e["orientation"] == "v"), key=itemgetter("x0", "top"))
    h_edges = sorted((e for e in edges if e["orientation"] == "h"), key=itemgetter("top", "x0"))
    for v in v_edges:
        v_x0, v_top, v_bottom = v["x0"], v["top"], v["bottom"]
        for h in h_edges:
            h_top = h["top"]
            if (v_top <= h_top + y_tolerance and v_bottom >= h_top - y_tolerance
                    and v_x0 >= h["x0"] - x_tolerance and v_x0 <= h["x1"] + x_tolerance):
                vertex = (v_x0, h_top)
                if vertex not in intersections:
                    intersections[vertex] = {"v": [], "h": []}
                intersections[vertex]["v"].append(v)
                intersections[vertex]["h"].append(h)
    return intersections


def intersections_to_cells(intersections: dict[Point, dict[str, list[Obj]]]) -> list[BBox]:
    """The smallest rectangle closed by edges at each crossing point (pdfplumber's algorithm; the points
    straight below and to the right are looked up by column and row instead of scanning every point)."""
    v_sets = {p: set(map(_bbox_getter, d["v"])) for p, d in intersections.items()}
    h_sets = {p: set(map(_bbox_getter, d["h"])) for p, d in intersections.items()}

    def edge_connects(p1: Point, p2: Point) -> bool:
        if p1[0] == p2[0] and not v_sets[p1].isdisjoint(v_sets[p2]):
            return True
        return p1[1] == p2[1] and not h_sets[p1].isdisjoint(h_sets[p2])

    points = sorted(intersections)
    by_x: dict[float, list[Point]] = {}
    by_y: dict[float, list[Point]] = {}
    for p in points:  # sorted by (x, top): each column top-down, each row left to right
        by_x.setdefault(p[0], []).append(p)
        by_y.setdefault(p[1], []).append(p)

    def smallest_cell(pt: Point) -> BBox | None:
        column, row = by_x[pt[0]], by_y[pt[1]]
        below = column[column.index(pt) + 1:]
        right = row[row.index(pt) + 1:]
        for below_pt in below:
            if not edge_connects(pt, below_pt):
                continue
            for right_pt in right:
                if not edge_connects(pt, right_pt):
                    continue
                bottom_right = (right_pt[0], below_pt[1])
                if (bottom_right in intersections and edge_connects(bottom_right, right_pt)
                        and edge_connects(bottom_right, below_pt)):
                    return (pt[0], pt[1], bottom_right[0], bottom_right[1])
        return None

    # the last point never starts a cell (pdfplumber's find_smallest_cell returns None for it)
    return [cell for cell in map(smallest_cell, points[:-1]) if cell]


def cells_to_tables(cells: list[BBox]) -> list[list[BBox]]:
    """Cells grouped into tables of cells that share corners; tables of one cell are dropped."""
    def corners(bbox: BBox) -> tuple[Point, Point, Point, Point]:
        x0, top, x1, bottom = bbox
        return ((x0, top), (x0, bottom), (x1, top), (x1, bottom))

    remaining = list(cells)
    current_corners: set[Point] = set()
    current_cells: list[BBox] = []
    tables = []
    while remaining:
        initial = len(current_cells)
        for cell in list(remaining):
            cell_corners = corners(cell)
            if not current_cells or any(c in current_corners for c in cell_corners):
                current_corners |= set(cell_corners)
                current_cells.append(cell)
                remaining.remove(cell)
        if len(current_cells) == initial:
            tables.append(list(current_cells))
            current_corners.clear()
            current_cells.clear()
    if current_cells:
        tables.append(list(current_cells))
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


def table_bbox(cells: list[BBox]) -> BBox:
    return (min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells), max(c[3] for c in cells))


# ---- text (utils/text.py, without layout) ---------------------------------------------------------
# pdfplumber's WordExtractor with its default settings (only the reading directions of turned text can
# be set), its words reduced to what extract_text and extract_text_lines use: (text, top, chars).

_LINE_CLUSTER_KEYS: dict[str, Callable[[Obj], float]] = {
    "ttb": itemgetter("top"), "btt": lambda x: -x["bottom"], "ltr": itemgetter("x0"), "rtl": lambda x: -x["x1"]}
_CHAR_SORT_KEYS: dict[str, Callable[[Obj], tuple[float, float]]] = {
    "ttb": lambda x: (x["top"], x["bottom"]), "btt": lambda x: (-(x["top"] + x["height"]), -x["top"]),
    "ltr": lambda x: (x["x0"], x["x0"]), "rtl": lambda x: (-x["x1"], -x["x0"])}
Word = tuple[str, float, list[Obj]]


def words(chars: list[Obj], line_dir_rotated: str | None = None, char_dir_rotated: str | None = None) -> list[Word]:
    """pdfplumber's WordExtractor(...).iter_extract_tuples(chars) as (text, top, chars): each run of
    upright (or of turned) characters cut into lines (clustered within 3 pt across the reading
    direction, sorted along it), each line into words at a space or a gap of more than 3 pt."""
    out: list[Word] = []
    for upright, group in itertools.groupby(chars, itemgetter("upright")):
        if upright:
            line_dir, char_dir = "ttb", "ltr"
        else:  # pdfplumber's default turns the directions for turned text
            line_dir, char_dir = line_dir_rotated or "ltr", char_dir_rotated or "ttb"
        tolerance = Y_TOLERANCE if line_dir in ("ttb", "btt") else X_TOLERANCE
        sort_key = _CHAR_SORT_KEYS[char_dir]
        for line in cluster_objects(list(group), _LINE_CLUSTER_KEYS[line_dir], tolerance):
            line.sort(key=sort_key)
            _split_words(line, char_dir, out)
    return out


def _split_words(line: list[Obj], direction: str, out: list[Word]) -> None:
    """WordExtractor.iter_chars_to_words and merge_chars, for one sorted line."""
    word: list[Obj] = []
    ltr = direction == "ltr"
    for char in line:
        text = char["text"]
        if text.isspace():
            if word:
                out.append(_word(word))
            word = []
        elif text == "":  # pdfplumber splits at split_at_punctuation="", which holds only ""
            if word:
                out.append(_word(word))
            out.append(_word([char]))
            word = []
        elif word and (_begins_new_word(word[-1], char, direction) if not ltr else (
                char["x0"] < word[-1]["x0"] or char["x0"] > word[-1]["x1"] + X_TOLERANCE
                or abs(char["top"] - word[-1]["top"]) > Y_TOLERANCE)):
            out.append(_word(word))
            word = [char]
        else:
            word.append(char)
    if word:
        out.append(_word(word))


def _word(chars: list[Obj]) -> Word:
    return "".join([LIGATURES.get(c["text"], c["text"] or "") for c in chars]), min([c["top"] for c in chars]), chars


def _begins_new_word(prev: Obj, curr: Obj, direction: str) -> bool:
    """WordExtractor.char_begins_new_word with x_tolerance = y_tolerance = 3."""
    if direction == "ltr":
        return curr["x0"] < prev["x0"] or curr["x0"] > prev["x1"] + X_TOLERANCE or abs(curr["top"] - prev["top"]) > Y_TOLERANCE
    if direction == "rtl":
        ax, bx, cx = -prev["x1"], -prev["x0"], -curr["x1"]
        return cx < ax or cx > bx + X_TOLERANCE or abs(curr["top"] - prev["top"]) > Y_TOLERANCE
    if direction == "ttb":
        ax, bx, cx = prev["top"], prev["bottom"], curr["top"]
    else:  # btt
        ax, bx, cx = -prev["bottom"], -prev["top"], -curr["bottom"]
    return cx < ax or cx > bx + Y_TOLERANCE or abs(curr["x0"] - prev["x0"]) > X_TOLERANCE


def extract_text(chars: list[Obj], line_dir_rotated: str | None = None, char_dir_rotated: str | None = None) -> str:
    """pdfplumber's extract_text(chars) without layout: words joined by spaces, lines by newlines."""
    if not chars:
        return ""
    if len(chars) == 1:  # most cells hold one character or one line: the same result, sooner
        text = chars[0]["text"]
        return "" if text.isspace() else LIGATURES.get(text, text)
    tops = [c["top"] for c in chars]
    if max(tops) <= min(tops) + Y_TOLERANCE and all(c["upright"] for c in chars):
        # every top chains into one line, and every word's top into one line of words
        line_words: list[Word] = []
        _split_words(sorted(chars, key=_CHAR_SORT_KEYS["ltr"]), "ltr", line_words)
        return " ".join([w[0] for w in line_words])
    lines = cluster_objects(words(chars, line_dir_rotated, char_dir_rotated), itemgetter(1), Y_TOLERANCE)
    return "\n".join(" ".join([w[0] for w in line]) for line in lines)


_LINE = re.compile(r" *([^\n]+?) *(\n|$)")


def extract_text_lines(chars: list[Obj]) -> list[Obj]:
    """pdfplumber's chars_to_textmap(chars).extract_text_lines(return_chars=False): one dict per text
    line, with its "text" and the box ("x0", "top", "x1", "bottom") of its characters (and "ocr" for
    characters read from a page image)."""
    if not chars:
        return []
    # the text map: each letter with the char it comes from (None for the spaces and newlines put in);
    # the words are taken in their order ("presorted"), a line being a run of words of one cluster
    tuples: list[tuple[str, Obj | None]] = []
    for i, line in enumerate(cluster_objects(words(chars), itemgetter(1), Y_TOLERANCE, preserve_order=True)):
        if i:
            tuples.append(("\n", None))
        line_len = 0  # a space goes before a word only once the line holds a letter
        for _, _, word_chars in line:
            if line_len:
                tuples.append((" ", None))
                line_len += 1
            for c in word_chars:
                letters = LIGATURES.get(c["text"], c["text"])
                tuples += [(letter, c) for letter in letters]
                line_len += len(letters)
    text = "".join([t for t, _ in tuples])
    out = []
    for m in _LINE.finditer(text):
        if not m.group(1).strip():
            continue
        line_chars = [c for _, c in tuples[m.start(1):m.end(1)] if c is not None]
        x0, top, x1, bottom = objects_to_bbox(line_chars)
        line = {"text": m.group(1), "x0": x0, "top": top, "x1": x1, "bottom": bottom}
        if "ocr" in line_chars[0]:  # not pdfplumber's: the scan reader's confidence, the line's lowest
            line["ocr"] = min(c["ocr"] for c in line_chars)
        out.append(line)
    return out
