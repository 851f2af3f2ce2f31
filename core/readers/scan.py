"""Scanned pages → the pages the PDF reader lays out (pdf_layout.read_pages): characters with boxes and
ruling lines, as a born-digital PDF gives them, so a scan is read by the same table rebuilding, parser
and checks as any PDF.

A page image is straightened (a scan turned by up to a few degrees: the angle whose row profile of ink
is sharpest), its ruling lines are found as long runs of ink (OpenCV morphology), and the ink that is
left is cut into line fragments — never across a ruling line, so each table cell's text is its own
fragment. Each fragment is recognised by the OCR model (ocr.py) and becomes characters placed where the
model saw them. Every character keeps the fragment's confidence (`ocr`), which the cell carries on to
the parser: a number read with low confidence is 未读到, never a guess.

Image-only PDF pages are rendered at 200 dpi with PDFium (pypdfium2); PNG and JPEG files are one page.
Limits: pages, pixels per page, and processor seconds per page, each with a Chinese message.
"""
from __future__ import annotations

import io
import re
import time
import numpy as np

from core.grid import ReadError
from core.readers.ocr import OcrUnavailable, Recognised, engine
from core.readers.pdf_pdfium import LOCK, Page
from core.time_limit import allow_more

RENDER_DPI = 200
MAX_SCAN_PAGES = 40
MAX_PAGE_PIXELS = 25_000_000  # an A4 page at 400 dpi; a larger image is scaled down to this, a PDF page refused
SECONDS_PER_PAGE = 30.0  # processor seconds one page may take (a dense page takes 2–4)
MAX_SCAN_SECONDS = 240.0  # processor seconds a whole scanned file may take (a real 20-page scan: about 60)
MAX_SKEW = 3.0  # degrees of turn looked for
UNREADABLE = "?"  # stands for ink OCR read as nothing (core.values reads it as no number)
MAX_FRAGMENTS = 1500  # pieces of text ink on one page; the densest report page seen gave about 250 fragments
STACK_WINDOW = 200  # pieces above one that it may be stacked onto: those farther back lie lines above


def _cv2():
    try:
        import cv2
    except ImportError as exc:  # opencv-python is rapidocr-onnxruntime's dependency; libGL may be missing
        raise OcrUnavailable(f"本机缺少 OCR 所需的图像组件（{exc}），无法识别扫描件。请安装后重试"
                             "（Debian：apt-get install libgl1），或上传可复制文字的版本。") from exc
    return cv2


SECONDS_A_PAGE_USUALLY = 3  # what the upload page tells an official to expect (benchmarks/scan_speed.py)


def scanned_pages(data: bytes, name: str) -> int:
    """How many pages OCR will read in this file: 1 for a PNG/JPEG, the page count of a PDF that has no
    font at all (a scan), 0 otherwise. A quick look at the raw bytes, for the upload's progress line."""
    from core.readers import sniff
    kind = sniff(data, name)
    if kind == "image":
        return 1
    if kind != "pdf" or b"/Font" in data or b"/ObjStm" in data:  # object streams hide fonts and pages
        return 0
    return max(1, len(re.findall(rb"/Type\s*/Page\b", data)))


class ScanPages:
    """A scan's pages as a `pdf_layout.PageSource`: each page recognised when the layout asks for it."""

    def __init__(self, data: bytes, name: str, count: int, title: str | None = None) -> None:
        if count > MAX_SCAN_PAGES:
            raise ReadError(f"{name}：扫描件共 {count} 页，超过 {MAX_SCAN_PAGES} 页的识别上限。"
                            "请只上传年度报告所在的页面，或上传可复制文字的版本。")
        self._data, self._name, self._title = data, name, title
        self.page_count = count
        # pdf_layout's time budget for these pages: a page's share of the file's, at most SECONDS_PER_PAGE
        self.seconds_per_page = min(SECONDS_PER_PAGE, MAX_SCAN_SECONDS / max(count, 1))
        self.scanned = True

    def title(self) -> str | None:
        return self._title

    def page(self, index: int, doctop: float, max_chars: int, max_graphics: int) -> Page:
        started = time.thread_time()
        allow_more(2 * self.seconds_per_page)  # the file's wall-clock limit (core.time_limit) knows no OCR
        gray, scale = page_image(self._data, self._name, index)
        return read_page(gray, scale, doctop, deadline=started + self.seconds_per_page, name=self._name,
                         number=index + 1)


def page_image(data: bytes, name: str, index: int) -> tuple[np.ndarray, float]:
    """Page `index` of a scan (an image-only PDF, or a PNG/JPEG file's one page) as the reader reads it —
    grey, within the pixel limit, straightened — and its pixels per point. The report page draws a
    cell's box on the same image."""
    from core.readers import sniff
    gray, dpi = _decoded(data, name) if sniff(data, name) == "image" else _rendered(data, name, index)
    scale = dpi / 72
    if gray.size > MAX_PAGE_PIXELS:
        from PIL import Image
        factor = (MAX_PAGE_PIXELS / gray.size) ** 0.5
        gray = np.asarray(Image.fromarray(gray).resize((int(gray.shape[1] * factor), int(gray.shape[0] * factor))))
        scale *= factor
    return straighten(gray), scale


def _decoded(data: bytes, name: str) -> tuple[np.ndarray, float]:
    from PIL import Image, ImageOps
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > 2 * MAX_PAGE_PIXELS:
            raise ReadError(f"{name}：图片过大（{image.width}×{image.height} 像素），未读取。请缩小到每页 2500 万像素以内后重试。")
        stated, width = image.info.get("dpi", (0, 0))[0], image.width
        # a resolution that makes the page narrower than A5 or wider than A3 (a phone's 72 dpi) is not believed:
        # the page is then taken to be as wide as A4
        dpi = stated if stated and 5.8 <= width / stated <= 11.7 else width / 8.27
        if image.width * image.height > MAX_PAGE_PIXELS:  # scaled down before it is painted in colour
            factor = (MAX_PAGE_PIXELS / (image.width * image.height)) ** 0.5
            image.draft("RGB", (int(image.width * factor), int(image.height * factor)))  # JPEG: decoded smaller
            if image.width * image.height > MAX_PAGE_PIXELS:
                image = image.resize((int(image.width * factor), int(image.height * factor)))
            dpi *= image.width / width
        image = ImageOps.exif_transpose(image).convert("RGB")
    except ReadError:
        raise
    except Image.DecompressionBombError as exc:
        raise ReadError(f"{name}：图片像素过多，可能是恶意构造的文件，未读取。请缩小到每页 2500 万像素以内后重试。") from exc
    except Exception as exc:  # PIL's many errors for a damaged or disguised file
        raise ReadError(f"{name}：图片文件已损坏或不是 PNG/JPEG 图片，无法读取。请重新扫描或导出后再上传。") from exc
    return _without_seal(np.asarray(image)), float(dpi)


def _rendered(data: bytes, name: str, index: int) -> tuple[np.ndarray, float]:
    return _without_seal(render(data, name, index, RENDER_DPI / 72)), float(RENDER_DPI)


def render(data: bytes, name: str, index: int, scale: float) -> np.ndarray:
    """Page `index` of a PDF painted in colour at `scale` pixels a point (RGB), within the pixel limits."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c
    with LOCK:  # PDFium is not thread-safe; the text reader holds the same lock
        doc = pdfium.PdfDocument(data)
        try:
            if not 0 <= index < len(doc):
                raise ReadError(f"{name}：PDF 没有第 {index + 1} 页。")
            page = doc[index]
            width, height = page.get_size()
            if width * height * scale * scale > MAX_PAGE_PIXELS:
                raise ReadError(f"{name}：PDF 第 {index + 1} 页尺寸过大（{width:.0f}×{height:.0f} 点），"
                                "不像年度报告的页面，未识别。")
            # PDFium decodes each image whole to paint it: one claiming billions of pixels is refused first
            for image in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=3):
                w, h = image.get_px_size()
                if w * h > 4 * MAX_PAGE_PIXELS:
                    raise ReadError(f"{name}：PDF 第 {index + 1} 页的图片有 {w}×{h} 像素，远超扫描件所需，可能是恶意构造的文件，"
                                    "未识别。")
            return np.asarray(page.render(scale=scale).to_pil().convert("RGB"))
        finally:
            doc.close()


def _without_seal(rgb: np.ndarray) -> np.ndarray:
    """The page in grey with its red left out: an agency's seal is stamped in red over the signature and
    the date, and in grey it would be ink over the text. Where red lies, the red channel is the grey: the
    seal's red is light in it, black text under the seal stays dark."""
    from PIL import Image
    red = rgb[..., 0].astype(np.int16) - np.maximum(rgb[..., 1], rgb[..., 2]) > 40
    gray = np.array(Image.fromarray(rgb).convert("L"))
    gray[red] = rgb[..., 0][red]
    return gray


# ---- one page ---------------------------------------------------------------------------------------

def read_page(gray: np.ndarray, scale: float, doctop: float, deadline: float, name: str, number: int) -> Page:
    """A straightened grey page image (dark ink on white) → a Page of characters and ruling lines in points."""
    cv2 = _cv2()
    threshold = _threshold(gray)
    # rules from the ink as it is (a crisp rule may be one pixel thin); the text without a scanner's
    # dust (specks of a pixel or two, which a median filter removes), though the recogniser later sees
    # the thin strokes the filter also takes
    horizontal, vertical = _ruling(cv2, (gray < threshold).astype(np.uint8))
    lines_mask = cv2.dilate(horizontal | vertical, np.ones((5, 5), np.uint8))
    text = (cv2.medianBlur(gray, 3) < threshold).astype(np.uint8) & (1 - lines_mask)
    # what the recogniser sees: the page's own grey around the text ink, paper elsewhere — no dust,
    # and never a piece of a ruling line (read as 1 or 丨)
    stencil = cv2.dilate(text, np.ones((5, 5), np.uint8)).astype(bool) & ~lines_mask.astype(bool)
    clean = np.where(stencil, gray, 255).astype(np.uint8)
    height, width = gray.shape
    char_height = _char_height(cv2, text)
    page = Page(width / scale, height / scale)
    page.lines = [_line(x0, y0, x1, y1, scale, doctop) for x0, y0, x1, y1 in _segments(cv2, horizontal, vertical)]
    page.graphics = len(page.lines)
    recogniser = engine()
    try:
        pieces = fragments(cv2, text, lines_mask, char_height)
    except TooMuchInk as many:
        raise ReadError(f"{name}：扫描件第 {number} 页有 {many} 处分散的墨迹，不像年度报告的页面（可能是照片、地图或噪点），"
                        "未识别。请只上传年度报告的页面，或上传可复制文字的版本。") from None
    for x0, y0, x1, y1 in pieces:
        if time.thread_time() > deadline:
            raise ReadError(f"{name}：扫描件第 {number} 页识别超过时间上限仍未完成，已停止。"
                            "图片可能过于复杂或不是年度报告的页面；请上传可复制文字的版本。")
        pad = 3
        crop = clean[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad]
        found = recogniser.read(crop)
        left, w = max(0, x0 - pad), crop.shape[1]
        # the characters of a fragment touch (no gap the layout would take for a space), each from the
        # middle between it and the character before to the middle between it and the one after
        kept = [(char, (a + b) / 2) for char, (a, b) in zip(found.text, found.spans) if not char.isspace()]
        if not kept and y1 - y0 >= 0.6 * char_height:
            # ink of a character's size the model read as nothing: a cell not read (未读到), never a blank
            kept, found = [(UNREADABLE, 0.5)], Recognised(UNREADABLE, 0.0, ())
        centres = [left + c * w for _, c in kept]
        edges = [x0, *[(p + q) / 2 for p, q in zip(centres, centres[1:])], x1]
        for (char, _), a, b in zip(kept, edges, edges[1:]):
            page.chars.append(_char(char, a, y0, b, y1, scale, doctop, found.confidence))
    return page


def straighten(gray: np.ndarray) -> np.ndarray:
    """The page turned back by its skew: the angle (within ±MAX_SKEW, to 0.1°) at which the rows of a
    reduced ink image are most uneven — text lines and ruling lines then lie along rows."""
    from PIL import Image
    small = Image.fromarray(gray).reduce(4) if min(gray.shape) > 800 else Image.fromarray(gray)
    ink = Image.fromarray(((np.asarray(small) < _threshold(np.asarray(small))) * 255).astype(np.uint8))

    def sharpness(angle: float) -> float:
        rows = np.asarray(ink.rotate(angle, resample=Image.BILINEAR), dtype=np.float32).sum(axis=1)
        return float(np.var(np.diff(rows)))

    coarse = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 0.5), key=sharpness)
    best = max(np.arange(coarse - 0.5, coarse + 0.51, 0.1), key=sharpness)
    if abs(best) < 0.05:
        return gray
    return np.asarray(Image.fromarray(gray).rotate(float(best), resample=Image.BICUBIC, fillcolor=255))


def _threshold(gray: np.ndarray) -> int:
    """Otsu's threshold between ink and paper (OpenCV's), kept within sensible greys."""
    cv2 = _cv2()
    otsu, _ = cv2.threshold(np.ascontiguousarray(gray), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return int(min(200, max(90, otsu)))


def _ruling(cv2, ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(horizontal, vertical) ruling lines as masks. A horizontal rule is a run of ink as long as
    five characters with paper above and below it (a line of text has strokes there); a vertical one
    is longer than a character is tall and meets horizontal rules at both ends (a cell's side), so
    the strokes of characters and the digit 1 are never taken for rules."""
    height, width = ink.shape
    char = _char_height(cv2, ink)
    closed = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((1, 3), np.uint8))
    runs = cv2.morphologyEx(closed, cv2.MORPH_OPEN, np.ones((1, max(40, int(5 * char))), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    keep = np.zeros(n, np.uint8)
    margin = max(3, int(char * 0.15))
    for i in range(1, n):
        x, y, w, h = stats[i, :4]
        above = ink[max(0, y - 2 * margin):max(0, y - margin), x:x + w]
        below = ink[y + h + margin:y + h + 2 * margin, x:x + w]
        crowded = max(above.mean() if above.size else 0, below.mean() if below.size else 0)
        keep[i] = h <= max(10, char * 0.5) and crowded < 0.2  # a rule blurred by a scanner is thick
    horizontal = keep[labels]
    closed = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((3, 1), np.uint8))
    vertical = cv2.morphologyEx(closed, cv2.MORPH_OPEN, np.ones((max(20, int(1.25 * char)), 1), np.uint8))
    near = cv2.dilate(horizontal, np.ones((9, 9), np.uint8))
    reach = max(6, int(char * 0.5))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(vertical, connectivity=8)
    keep = np.zeros(n, np.uint8)
    for i in range(1, n):
        x, y, w, h = stats[i, :4]
        middle = x + w // 2
        top = near[max(0, y - 2):y + reach, max(0, middle - 2):middle + 3].any()
        bottom = near[max(0, y + h - reach):y + h + 2, max(0, middle - 2):middle + 3].any()
        keep[i] = top and bottom and w <= max(10, char * 0.5)
    return horizontal, keep[labels]


def _char_height(cv2, ink: np.ndarray) -> float:
    """The usual height of a character on the page, in pixels (the median of ink blobs of a character's
    shape)."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    h, w = stats[1:, 3], stats[1:, 2]
    sized = h[(h >= 8) & (h <= 150) & (w <= 2 * h) & (w >= h // 4)]
    return float(min(max(np.median(sized) if len(sized) else 24.0, 10.0), 120.0))


def _segments(cv2, horizontal: np.ndarray, vertical: np.ndarray) -> list[tuple[float, float, float, float]]:
    """Each ruling line's ends, in pixels: (x0, y0, x1, y1) with y0 == y1 or x0 == x1."""
    out = []
    for mask, across in ((horizontal, True), (vertical, False)):
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for x, y, w, h, _ in stats[1:]:
            if across:
                out.append((float(x), y + h / 2, float(x + w), y + h / 2))
            else:
                out.append((x + w / 2, float(y), x + w / 2, float(y + h)))
    return out


def fragments(cv2, text: np.ndarray, barrier: np.ndarray, char: float) -> list[tuple[int, int, int, int]]:
    """The text ink cut into line fragments (x0, y0, x1, y1), in reading order: characters joined
    along a line where the gap is under half a character but never across a ruling line (`barrier`),
    the strokes of one character stacked above each other (三, 二) joined, two lines of text apart.
    `char`: a character's height in pixels."""
    gap = max(3, int(char * 0.6))
    joined = cv2.dilate(text, np.ones((1, gap), np.uint8))
    joined[barrier.astype(bool)] = 0
    n, labels = cv2.connectedComponents(joined, connectivity=8)
    ys, xs = np.nonzero(text & joined)  # the ink itself, not the joins, gives each piece's box
    owner = labels[ys, xs]
    x0, y0 = np.full(n, 1 << 30), np.full(n, 1 << 30)
    x1, y1 = np.full(n, -1), np.full(n, -1)
    np.minimum.at(x0, owner, xs)
    np.minimum.at(y0, owner, ys)
    np.maximum.at(x1, owner, xs + 1)
    np.maximum.at(y1, owner, ys + 1)
    pieces = [[int(x0[i]), int(y0[i]), int(x1[i]), int(y1[i])] for i in range(1, n) if x1[i] > 0]
    if len(pieces) > MAX_FRAGMENTS:
        raise TooMuchInk(len(pieces))
    merged = _stack(pieces, char)
    return [tuple(b) for b in sorted(merged, key=lambda b: (b[1], b[0]))
            if (b[3] - b[1]) >= 0.3 * char or (b[2] - b[0]) >= 0.6 * char]


class TooMuchInk(Exception):
    """A page of more separate pieces of ink than any report page (noise, a photograph, a map)."""


def _stack(boxes: list[list[int]], char: float) -> list[list[int]]:
    """Pieces stacked within one character's height (the strokes of 三, a dot above a line) as one box."""
    boxes = sorted(boxes, key=lambda b: b[1])
    out: list[list[int]] = []
    for b in boxes:
        for m in out[-STACK_WINDOW:]:
            overlap = min(m[2], b[2]) - max(m[0], b[0])
            if overlap > 0 and max(m[3], b[3]) - min(m[1], b[1]) <= 1.35 * char and b[1] - m[3] <= 0.45 * char:
                m[:] = [min(m[0], b[0]), min(m[1], b[1]), max(m[2], b[2]), max(m[3], b[3])]
                break
        else:
            out.append(list(b))
    return out


def _line(x0: float, y0: float, x1: float, y1: float, scale: float, doctop: float) -> dict:
    x0, x1, top, bottom = x0 / scale, x1 / scale, y0 / scale, y1 / scale
    return {"object_type": "line", "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": doctop + top,
            "y0": 0.0, "y1": 0.0, "width": x1 - x0, "height": bottom - top, "fill": False, "stroke": True,
            "non_stroking_color": (0.0, 0.0, 0.0), "stroking_color": (0.0, 0.0, 0.0)}


def _char(text: str, x0: float, y0: float, x1: float, y1: float, scale: float, doctop: float,
          confidence: float) -> dict:
    x0, x1, top, bottom = x0 / scale, x1 / scale, y0 / scale, y1 / scale
    return {"text": text, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": doctop + top,
            "height": bottom - top, "size": round(bottom - top, 1), "upright": True, "fontname": "OCR",
            "matrix": (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), "ocr": round(confidence, 3)}
