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
