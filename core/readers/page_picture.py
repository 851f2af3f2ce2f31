"""One page of a report's original file as a picture with one table cell outlined, so an official can
check a value against the page it was read from (报告详情 → 核对原件). The cell's box is the one its
provenance keeps (page, x0, top, x1, bottom in points); a scanned page is drawn as the scan reader
read it (straightened), so the box sits where OCR found the cell.
"""
from __future__ import annotations

import io

WIDTH_PX = 1100  # the picture's width: a whole A4 page legible on a screen
OUTLINE = (220, 38, 38)


def picture(data: bytes, name: str, box: tuple[int, float, float, float, float], scanned: bool) -> bytes:
    """PNG of page box[0] with the box outlined in red."""
    from PIL import Image, ImageDraw

    from core.readers import scan
    page, x0, top, x1, bottom = box
    if scanned:
        gray, scale = scan.page_image(data, name, page - 1)
        image = Image.fromarray(gray).convert("RGB")
    else:
        scale = WIDTH_PX / 595  # an A4 page's width in points
        image = Image.fromarray(scan.render(data, name, page - 1, scale))
    draw = ImageDraw.Draw(image)
    pad = 3
    draw.rectangle([x0 * scale - pad, top * scale - pad, x1 * scale + pad, bottom * scale + pad], outline=OUTLINE,
                   width=max(3, round(scale * 1.5)))
    if image.width > WIDTH_PX:
        image = image.resize((WIDTH_PX, round(image.height * WIDTH_PX / image.width)), Image.LANCZOS)
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=False)
    return buf.getvalue()
