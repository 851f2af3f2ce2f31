"""Decode the bytes of a text or HTML file: detected, never assumed.

Order: a byte-order mark (or UTF-16 without one), a charset the document declares (HTML meta),
strict UTF-8, then GB18030. GB2312 and GBK are decoded as GB18030, their superset, so a rare
character never breaks a whole file. (A statistical detector was dropped: GB18030 accepts nearly
any byte sequence, so it was never reached, and it misreads short Chinese texts.)
"""
from __future__ import annotations

import codecs
import re

from core.grid import ReadError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "ms936", "x-gbk", "euc-cn", "hz-gb-2312", "gb_2312-80"}
_META_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)


def normalise_encoding(name: str) -> str:
    name = name.strip().lower().replace("_", "-")
    if name in _GB_FAMILY or name.replace("-", "") in {n.replace("-", "") for n in _GB_FAMILY}:
        return "gb18030"
    return name


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML document declares in its first few kilobytes, if any."""
    m = _META_CHARSET.search(data[:4096])
    return normalise_encoding(m.group(1).decode("ascii", "ignore")) if m else None


def utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' for UTF-16 text saved without a byte-order mark: its ASCII
    characters put NUL bytes on one parity only, and it decodes to printable text."""
    zeros_even, zeros_odd = sample[0::2].count(0), sample[1::2].count(0)
    if zeros_even + zeros_odd < 0.02 * len(sample) or min(zeros_even, zeros_odd) > 0.35 * max(zeros_even, zeros_odd):
        return None
    enc = "utf-16-le" if zeros_odd > zeros_even else "utf-16-be"
    try:
        text = sample[: len(sample) // 2 * 2].decode(enc)
    except UnicodeDecodeError:
        return None
    printable = sum(ch.isprintable() or ch in "\t\r\n" for ch in text)
    return enc if printable >= 0.95 * len(text) else None


def decode(data: bytes, name: str, declared: str | None = None) -> str:
    """Bytes → text; raises ReadError with a Chinese message when no encoding fits."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                break
    bomless = utf16_without_bom(data[:8192])
    if bomless:
        try:
            return data.decode(bomless)
        except UnicodeDecodeError:
            pass
    if declared:
        try:
            return data.decode(normalise_encoding(declared))
        except (UnicodeDecodeError, LookupError):
            pass  # a wrong declaration is common on old portals: fall through to detection
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")  # GBK and GB2312 are subsets: every mainland Chinese legacy file
    except UnicodeDecodeError:
        pass
    raise ReadError(f"{name}：无法识别文件的文字编码（既不是 UTF-8，也不是 GBK/GB18030 或 UTF-16），请另存为 UTF-8 文本后重新上传。")
