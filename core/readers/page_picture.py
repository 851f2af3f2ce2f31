"""One page of a report's original file as a picture with one table cell outlined, so an official can
check a value against the page it was read from (报告详情 → 核对原件). The cell's box is the one its
provenance keeps (page, x0, top, x1, bottom in points); a scanned page is drawn as the scan reader
read it (straightened), so the box sits where OCR found the cell.
"""
from __future__ import annotations

import io


from core.grid import ReadError
from core.readers.pdf_pdfium import LOCK

WIDTH_PX = 1100  # the picture's width: a whole A4 page legible on a screen
OUTLINE = (220, 38, 38)


def picture(data: bytes, name: str, box: tuple[int, float, float, float, float], scanned: bool) -> bytes:
    """PNG of page box[0] with the box outlined in red."""
    from PIL import Image, ImageDraw
    page, x0, top, x1, bottom = box
    if scanned:
        from core.readers import scan
        gray, scale = scan.page_image(data, name, page - 1)
        image = Image.fromarray(gray).convert("RGB")
    else:
        image, scale = _rendered(data, name, page - 1)
    draw = ImageDraw.Draw(image)
    pad = 3
    draw.rectangle([x0 * scale - pad, top * scale - pad, x1 * scale + pad, bottom * scale + pad], outline=OUTLINE,
                   width=max(3, round(scale * 1.5)))
    if image.width > WIDTH_PX:
        image = image.resize((WIDTH_PX, round(image.height * WIDTH_PX / image.width)), Image.LANCZOS)
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def _rendered(data: bytes, name: str, index: int):
    import pypdfium2 as pdfium
    with LOCK:  # PDFium is not thread-safe; the text reader holds the same lock
        doc = pdfium.PdfDocument(data)
        try:
            if not 0 <= index < len(doc):
                raise ReadError(f"{name}：原件没有第 {index + 1} 页。")
            page = doc[index]
            scale = WIDTH_PX / page.get_size()[0]
            return page.render(scale=scale).to_pil().convert("RGB"), scale
        finally:
            doc.close()


