"""Scans made from born-digital PDFs, the way a report's paper copy is scanned: each page rendered at
150–200 dpi, turned by up to ±2°, speckled, JPEG-compressed, and wrapped as an image-only PDF (no text
layer). Used by the tests and by benchmarks/scan_speed.py; the generated files are not kept.

    python tests/scans.py IN.pdf OUT.pdf [--dpi 170] [--angle 1.2] [--seed 3]
"""
from __future__ import annotations

import argparse
import io
import random
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageFilter


def page_images(pdf: bytes, dpi: int = 170) -> list[Image.Image]:
    """Every page rendered in grey at `dpi`."""
    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[i].render(scale=dpi / 72).to_pil().convert("L") for i in range(len(doc))]
    finally:
        doc.close()


def damage(image: Image.Image, rng: random.Random, angle: float | None = None, speckles: int = 1500,
           quality: int = 60) -> Image.Image:
    """A page as a scanner gives it back: slightly turned, a little blurred, dust specks, JPEG artefacts."""
    turned = image.rotate(rng.uniform(-2, 2) if angle is None else angle, resample=Image.BICUBIC, expand=False,
                          fillcolor=255)
    turned = turned.filter(ImageFilter.GaussianBlur(0.6))
    px = turned.load()
    w, h = turned.size
    for _ in range(speckles):
        x, y = rng.randrange(w), rng.randrange(h)
        px[x, y] = rng.randrange(0, 120)
    buf = io.BytesIO()
    turned.save(buf, format="JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("L")


def sealed(image: Image.Image) -> Image.Image:
    """The page in colour with a red seal stamped over the end of its text (the signature and date)."""
    from PIL import ImageChops, ImageDraw
    rgb = image.convert("RGB")
    body = int(image.height * 0.9)  # above the footer's page number
    ink = [(x, y) for y in range(body, 0, -4) for x in range(0, image.width, 4) if image.getpixel((x, y)) < 128]
    x_end, y_end = max(x for x, _ in ink[:400]), ink[0][1]
    r = image.width // 11
    centre = (x_end - r // 2, y_end - r // 3)
    stamp = Image.new("RGB", rgb.size, "white")
    draw = ImageDraw.Draw(stamp)
    draw.ellipse([centre[0] - r, centre[1] - r, centre[0] + r, centre[1] + r], outline=(220, 30, 30), width=max(3, r // 12))
    draw.regular_polygon((centre, r // 3), 5, fill=(220, 30, 30))
    return ImageChops.multiply(rgb, stamp)  # ink on ink: the black text under the seal stays black


def scanned_pdf(pdf: bytes, dpi: int = 170, seed: int = 0, angle: float | None = None) -> bytes:
    """`pdf` as an image-only PDF of damaged page images."""
    rng = random.Random(seed)
    pages = [damage(p, rng, angle) for p in page_images(pdf, dpi)]
    buf = io.BytesIO()
    pages[0].save(buf, format="PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return buf.getvalue()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdf", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--dpi", type=int, default=170)
    ap.add_argument("--angle", type=float, help="degrees (default: random within ±2)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    args.out.write_bytes(scanned_pdf(args.pdf.read_bytes(), args.dpi, args.seed, args.angle))


if __name__ == "__main__":
    main()
