"""Mutation fuzzing of the readers and the parser: deterministic hostile copies of real reports.

    from fuzz import make_mutant, problems
    m = make_mutant("pdf", 17, seed=0)      # Mutant(fmt, kind, index, base, data); m.name = 'pdf-wrong_length-17.pdf'

Every mutant is a pure function of (format, index, seed): `random.Random(f"{seed}:{fmt}:{index}")` picks
a base file and one or two mutators, so a failure found by the long run (benchmarks/fuzz_long.py) is
reproduced by its index alone. Bases are every file of sample_reports/ of that format plus a few
made-up inputs (synthetic reports, some with hostile numbers already in their cells, a hand-built
Word file and a hand-written PDF, and uncompressed rewrites of the sample PDFs so content streams
can be edited).

Mutators:
- generic bytes: bit flips, truncation, deleted / duplicated / random chunks, splicing two files,
  5,000-digit runs and NaN/Infinity-like text in cells, extremely long lines, deep nesting;
- text: mixed encodings, NUL bytes, CR-only line ends, tab and pipe floods, BOMs and odd Unicode;
- HTML: deleted and nested tags, 10k-level nesting, huge colspan/rowspan, broken charset
  declarations, unclosed tables, flattened tables, entity floods;
- DOCX (a zip): corrupt, truncated or missing word/document.xml, unclosed tags, huge attribute
  values, deeply nested w:tbl, gridSpan=999999, vMerge chains, truncated zip, duplicate members,
  entity expansion, an XML bomb inside a small zip;
- PDF: broken xref and startxref, wrong /Length, truncated streams, deleted endobj, corrupt /Filter,
  huge /W arrays (font widths and xref streams), page-tree loops, 60 duplicated pages, a grid of
  ruling lines, hostile numbers and operators in content streams, bogus /Encrypt and /MediaBox.

`problems(entry, name)` lists what is wrong with one entry of `python -m core parse --json` output
(or `Report.to_json()`): the contract of issue 9.
"""
from __future__ import annotations

import base64
import functools
import io
import json
import math
import random
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_reports"
FORMATS = ("txt", "pdf", "docx", "html")
MAX_ABS = 10**9  # no count or amount of a real report comes near this

Mutator = Callable[[bytes, random.Random], bytes]


@dataclass(frozen=True)
class Mutant:
    fmt: str
    kind: str  # the mutators applied, joined by '+'
    index: int
    base: str  # the file it was made from
    data: bytes

    @property
    def name(self) -> str:
        return f"{self.fmt}-{self.kind}-{self.index}.{self.fmt}"


# ---- the contract ------------------------------------------------------------------------------

_EXCEPTION_WORDS = re.compile(r"Error|Exception|Traceback")
_CLASS_NAME = re.compile(r"\b[A-Z]\w*(?:Error|Exception|Warning)\b|Traceback")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def problems(entry, name: str) -> list[str]:
    """What is wrong with one report as `parse --json` prints it; [] when nothing is."""
    out: list[str] = []
    if not isinstance(entry, dict):
        return [f"entry is {type(entry).__name__}, not an object"]
    try:
        json.dumps(entry, allow_nan=False, ensure_ascii=False)
    except (ValueError, TypeError) as e:
        out.append(f"not valid JSON: {e}")
    if "error" in entry:
        msg = entry["error"]
        if not isinstance(msg, str) or not msg:
            return out + [f"error is {msg!r}"]
        if not _CJK.search(msg):
            out.append(f"error not in Chinese: {msg[:200]!r}")
        if name not in msg:
            out.append(f"error does not name the file: {msg[:200]!r}")
        if _EXCEPTION_WORDS.search(msg):
            out.append(f"error shows an exception class: {msg[:200]!r}")
        return out
    fields = entry.get("fields")
    if not isinstance(fields, dict):
        return out + [f"fields is {type(fields).__name__}"]
    for key, v in fields.items():
        if v is None or isinstance(v, str):
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            out.append(f"field {key} has type {type(v).__name__}")
        elif isinstance(v, float) and not math.isfinite(v):
            out.append(f"field {key} = {v!r}")
        elif abs(v) >= MAX_ABS:
            text = str(v) if not isinstance(v, int) or v.bit_length() < 64 else f"<{v.bit_length()}-bit int>"
            out.append(f"field {key} out of range: {text[:60]}")
    for w in entry.get("warnings") or []:
        msg = w.get("message") if isinstance(w, dict) else None
        if not isinstance(msg, str):
            out.append(f"warning without message: {str(w)[:100]}")
        elif _CLASS_NAME.search(msg):
            out.append(f"warning shows an exception class: {msg[:200]!r}")
    if not isinstance(entry.get("unread", []), list):
        out.append("unread is not a list")
    return out


# ---- hostile values ----------------------------------------------------------------------------

HOSTILE_NUMBERS = (
    "9" * 5000, "1" * 4301, "7" * 400, "9" * 309, "9" * 25, "99999999999", str(2**63), "1" + "0" * 308,
    "NaN", "nan", "Infinity", "-Infinity", "inf", "1e999", "1E400", "-1e309", "1.7976931348623157e309",
    "-5", "−5", "-0", "+7", "１２３", "¹²³", "٣٤", "Ⅻ", "1_000", "0x1F", "1,234,567,890,123", "3.4e38",
    "9" * 30 + ".5", "0." + "0" * 5000 + "1", "1,,,2", "12万亿", "99999999999万元", "-99999.99万元", "1e-999",
    "99999999999999999999.99万元", "4" * 4300, "１" * 5000, "1" + "\u0301" * 50, "1\u200b2\u200b3",
)


def hostile_number(rng: random.Random) -> str:
    return rng.choice(HOSTILE_NUMBERS)


# ---- generic byte mutators ---------------------------------------------------------------------

def bit_flips(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.choice((1, 2, 8, 64, max(1, len(b) // 500)))):
        i = rng.randrange(len(b))
        b[i] ^= 1 << rng.randrange(8)
    return bytes(b)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, len(data))]


def delete_chunk(data: bytes, rng: random.Random) -> bytes:
    i = rng.randrange(len(data))
    return data[:i] + data[i + rng.randint(1, max(1, len(data) // rng.choice((2, 10, 100)))):]


def duplicate_chunk(data: bytes, rng: random.Random) -> bytes:
    i = rng.randrange(len(data))
    chunk = data[i: i + rng.randint(1, max(1, len(data) // rng.choice((2, 10, 100))))]
    j = rng.randrange(len(data))
    return data[:j] + chunk * rng.choice((1, 2, 20)) + data[j:]


def insert_random(data: bytes, rng: random.Random) -> bytes:
    i = rng.randrange(len(data) + 1)
    junk = bytes(rng.randrange(256) for _ in range(rng.choice((1, 16, 512, 4096))))
    return data[:i] + junk + data[i:]


def splice(data: bytes, rng: random.Random) -> bytes:
    other = _bytes(*rng.choice(_all_bases()))
    return data[: rng.randrange(len(data))] + other[rng.randrange(len(other)):]


_NUMBER_BYTES = re.compile(rb"(?<![0-9.])[0-9]{1,7}(?![0-9.])")


def _replace_numbers(data: bytes, rng: random.Random, values: Callable[[], str], encoding: str = "utf-8") -> bytes:
    """Replace one to all (at most 200) ASCII number tokens with hostile values (encoded as the file is)."""
    spots = list(_NUMBER_BYTES.finditer(data))
    if not spots:
        return data + values().encode(encoding, "replace")
    chosen = sorted(rng.sample(spots, k=min(len(spots), rng.choice((1, 3, 20, 200)))), key=lambda m: m.start())
    return _splice_spans(data, [(m.start(), m.end(), values().encode(encoding, "replace")) for m in chosen])


def _splice_spans(data: bytes, spans: list[tuple[int, int, bytes]]) -> bytes:
    """`data` with each (start, end) replaced (spans sorted and not overlapping), built in one pass."""
    out, pos = [], 0
    for start, end, new in spans:
        out += [data[pos:start], new]
        pos = end
    out.append(data[pos:])
    return b"".join(out)


def huge_digits(data: bytes, rng: random.Random) -> bytes:
    """Runs of thousands of digits in place of cell values (int() refuses more than 4300)."""
    return _replace_numbers(data, rng, lambda: "9" * rng.choice((4301, 5000, 20000)))


def nan_text(data: bytes, rng: random.Random) -> bytes:
    return _replace_numbers(data, rng, lambda: hostile_number(rng))


def long_line(data: bytes, rng: random.Random) -> bytes:
    i = rng.randrange(len(data) + 1)
    unit = rng.choice((b"a", b"1", "\u4e00".encode(), b" ", b"1 ", "规章 0 ".encode()))
    return data[:i] + unit * (rng.choice((200_000, 1_000_000)) // len(unit)) + data[i:]


def deep_nesting(data: bytes, rng: random.Random) -> bytes:
    opener, closer = rng.choice(((b"(", b")"), (b"[", b"]"), (b"<div>", b"</div>"), ("（".encode(), "）".encode()),
                                 (b"<<", b">>"), (b"{", b"}")))
    n = rng.choice((300, 10_000, 100_000))
    i = rng.randrange(len(data) + 1)
    return data[:i] + opener * n + closer * rng.choice((0, n)) + data[i:]


GENERIC: dict[str, Mutator] = {
    "bitflip": bit_flips, "truncate": truncate, "delete": delete_chunk, "duplicate": duplicate_chunk,
    "insert": insert_random, "splice": splice, "huge_digits": huge_digits, "nan_text": nan_text,
    "long_line": long_line, "deep_nesting": deep_nesting,
}


# ---- text ---------------------------------------------------------------------------------------

def _text_of(data: bytes) -> str:
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1")


def mixed_encodings(data: bytes, rng: random.Random) -> bytes:
    lines = _text_of(data).split("\n")
    out = []
    for line in lines:
        enc = rng.choice(("utf-8", "utf-8", "gbk", "big5", "utf-16-le", "utf-16", "shift_jis", "latin-1", "cp1252"))
        out.append(line.encode(enc, "replace") if rng.random() < 0.3 else line.encode())
    return b"\n".join(out)


def nul_bytes(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.choice((1, 10, 1000))):
        b.insert(rng.randrange(len(b) + 1), 0)
    return bytes(b)


def cr_only(data: bytes, rng: random.Random) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", rng.choice((b"\r", b"\r\r", b"\x0b", b"\x1c", "\u2028".encode())))


def cell_flood(data: bytes, rng: random.Random) -> bytes:
    """Tabs or pipes just under, at and over the reader's cell limit, on one line or many."""
    sep = rng.choice((b"\t", b"|", b"\t1", b"| 1 "))
    n = rng.choice((99_990, 100_001, 30_000, 300_000))
    if rng.random() < 0.5:
        flood = sep * n
    else:
        flood = ("规章".encode() + sep * 90 + b"\n") * (n // 90)
    i = rng.randrange(len(data) + 1)
    return data[:i] + flood + data[i:]


def many_lines(data: bytes, rng: random.Random) -> bytes:
    line = rng.choice((b"", b"1", b"\t", b"|", "规章\t0\t0\t0".encode(), b"\f"))
    return data + (line + b"\n") * rng.choice((199_999, 200_001, 50_000))


def odd_unicode(data: bytes, rng: random.Random) -> bytes:
    junk = rng.choice(("\ufeff", "\u202e", "\u0301" * 1000, "\ud800", "\uffff", "１２３", "¹²³", "Ⅻ", "\u3000" * 500,
                       "\x85", "\u2029", "\U0010ffff", "\u00a0" * 100, "\ufffd" * 100))
    enc = junk.encode("utf-8", "surrogatepass")
    b = data
    for _ in range(rng.choice((1, 5, 50))):
        i = rng.randrange(len(b) + 1)
        b = b[:i] + enc + b[i:]
    return b


def boms(data: bytes, rng: random.Random) -> bytes:
    bom = rng.choice((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"))
    where = rng.choice(("start", "middle", "utf16_odd"))
    if where == "start":
        return bom + data
    if where == "utf16_odd":
        text = _text_of(data).encode(rng.choice(("utf-16", "utf-16-le", "utf-16-be", "utf-32")))
        return text[: len(text) - rng.choice((1, 3))]
    i = rng.randrange(len(data) + 1)
    return data[:i] + bom + data[i:]


def text_value(data: bytes, rng: random.Random) -> bytes:
    enc = "utf-8"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        enc = "gb18030"
    return _replace_numbers(data, rng, lambda: hostile_number(rng), encoding=enc)


def form_feeds(data: bytes, rng: random.Random) -> bytes:
    return data.replace(b"\n", b"\n\f" * rng.choice((1, 100)))


TEXT: dict[str, Mutator] = {
    "mixed_encoding": mixed_encodings, "nul": nul_bytes, "cr_only": cr_only, "cell_flood": cell_flood,
    "many_lines": many_lines, "odd_unicode": odd_unicode, "bom": boms, "value": text_value, "form_feed": form_feeds,
}


# ---- HTML ---------------------------------------------------------------------------------------

_TAG = re.compile(rb"<[^<>]{0,300}>")
_TD = re.compile(rb"<t[dh]\b", re.I)


def delete_tags(data: bytes, rng: random.Random) -> bytes:
    tags = list(_TAG.finditer(data))
    if not tags:
        return data
    doomed = sorted(rng.sample(tags, k=min(len(tags), rng.choice((1, 10, len(tags) // 3 + 1)))), key=lambda m: m.start())
    return _splice_spans(data, [(m.start(), m.end(), b"") for m in doomed])


def nest_tags(data: bytes, rng: random.Random) -> bytes:
    """Wrap a random stretch in N levels of one tag (N around libxml2's 255 and far beyond)."""
    tag = rng.choice((b"div", b"table", b"td", b"span", b"p", b"tr", b"font", b"b"))
    n = rng.choice((200, 256, 300, 3000, 10_000))
    tags = list(_TAG.finditer(data)) or [None]
    m = rng.choice(tags)
    i = m.end() if m else 0
    if tag == b"table":
        opener, closer = b"<table><tr><td>", b"</td></tr></table>"
    else:
        opener, closer = b"<" + tag + b">", b"</" + tag + b">"
    return data[:i] + opener * n + b"1" + closer * rng.choice((0, n)) + data[i:]


def huge_span(data: bytes, rng: random.Random) -> bytes:
    values = ("999999999", "999999", "-1", "0", "1e9", "9" * 5000, "２", "abc", "99999999999999999999999", " 7 ", "50", "51")
    tds = list(_TD.finditer(data))
    if not tds:
        return data
    chosen = sorted(rng.sample(tds, k=min(len(tds), rng.choice((1, 5, len(tds))))), key=lambda m: m.start())
    return _splice_spans(data, [(m.end(), m.end(), b" " + rng.choice((b"colspan", b"rowspan")) + b'="'
                                 + rng.choice(values).encode() + b'"') for m in chosen])


def broken_charset(data: bytes, rng: random.Random) -> bytes:
    name = rng.choice(("idna", "undefined", "utf-7", "utf-16", "utf-32", "punycode", "unicode_escape", "x-unknown",
                       "gb2312", "utf-8", "big5", "hz", "cp037", "rot13", "base64", "zlib", "", "a" * 300,
                       "utf-16-le", "mbcs", "raw_unicode_escape", "uu", "charmap"))
    decl = rng.choice((b'<meta charset="%s">', b'<meta http-equiv="Content-Type" content="text/html; charset=%s">',
                       b"<?xml version='1.0' encoding='%s'?>"))
    tag = decl.replace(b"%s", name.encode())
    data = re.sub(rb"<meta[^>]{0,300}charset[^>]{0,300}>", b"", data, flags=re.I)
    return tag + data if rng.random() < 0.5 else data.replace(b"<head>", b"<head>" + tag, 1)


def unclosed(data: bytes, rng: random.Random) -> bytes:
    tag = rng.choice((rb"</td>", rb"</tr>", rb"</table>", rb"</p>", rb"</div>", rb"</body>", rb"</html>"))
    data = re.sub(tag, b"", data, flags=re.I)
    if rng.random() < 0.3:  # an unterminated comment or script swallows the rest
        i = rng.randrange(len(data) + 1)
        data = data[:i] + rng.choice((b"<!--", b"<script>", b"<style>", b"<textarea>", b"<![CDATA[")) + data[i:]
    return data


def duplicate_tables(data: bytes, rng: random.Random) -> bytes:
    m = re.search(rb"<table.*?</table>", data, re.S | re.I)
    if not m:
        return data
    return data[: m.end()] + m.group() * rng.choice((2, 50, 500)) + data[m.end():]


def flatten_tables(data: bytes, rng: random.Random) -> bytes:
    """Every cell glued to the next: the page's table pressed into one line."""
    return re.sub(rb"</?(?:table|tbody|thead|tr|td|th)\b[^>]*>", rng.choice((b"", b" ")), data, flags=re.I)


def entity_flood(data: bytes, rng: random.Random) -> bytes:
    ent = rng.choice((b"&#0;", b"&#xD800;", b"&#x110000;", b"&#99999999999;", b"&nbsp;", b"&#12288;", b"&bogus;",
                      b"&#" + b"9" * 5000 + b";", b"&amp;" * 3))
    i = rng.randrange(len(data) + 1)
    return data[:i] + ent * rng.choice((1, 100, 50_000)) + data[i:]


def html_value(data: bytes, rng: random.Random) -> bytes:
    enc = "gb18030" if re.search(rb"charset\s*=\s*[\"']?gb", data[:4096], re.I) else "utf-8"
    cells = list(re.finditer(rb">(\s*(?:&nbsp;)?\s*)([0-9]{1,7})(\s*)<", data))
    if not cells:
        return nan_text(data, rng)
    for m in sorted(rng.sample(cells, k=min(len(cells), rng.choice((1, 3, 30)))), key=lambda m: m.start(), reverse=True):
        data = data[: m.start(2)] + hostile_number(rng).encode(enc, "replace") + data[m.end(2):]
    return data


def br_flood(data: bytes, rng: random.Random) -> bytes:
    i = rng.randrange(len(data) + 1)
    return data[:i] + rng.choice((b"<br>", b"<p></p>", b"<td>1</td>", b"<tr>")) * rng.choice((1000, 100_000, 700_000)) + data[i:]


HTML: dict[str, Mutator] = {
    "delete_tags": delete_tags, "nest_tags": nest_tags, "huge_span": huge_span, "charset": broken_charset,
    "unclosed": unclosed, "dup_tables": duplicate_tables, "flatten": flatten_tables, "entities": entity_flood,
    "value": html_value, "br_flood": br_flood,
}


# ---- DOCX ---------------------------------------------------------------------------------------

DOC = "word/document.xml"


def zip_members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, z.read(i)) for i in z.infolist()]


def zip_bytes(members: list[tuple[str, bytes]], level: int = 6) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names on purpose
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
            for name, body in members:
                z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), body, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def _with_document(data: bytes, edit: Callable[[bytes], bytes]) -> bytes:
    members = zip_members(data)
    return zip_bytes([(n, edit(b) if n == DOC else b) for n, b in members])


def drop_document(data: bytes, rng: random.Random) -> bytes:
    members = zip_members(data)
    target = DOC if rng.random() < 0.6 else rng.choice([n for n, _ in members])
    return zip_bytes([(n, b) for n, b in members if n != target])


def corrupt_document(data: bytes, rng: random.Random) -> bytes:
    how = rng.choice((bit_flips, truncate, delete_chunk, insert_random, duplicate_chunk))
    return _with_document(data, lambda b: how(b, rng))


def unclosed_tag(data: bytes, rng: random.Random) -> bytes:
    def edit(xml: bytes) -> bytes:
        closers = list(re.finditer(rb"</w:\w+>", xml))
        for m in sorted(rng.sample(closers, k=min(len(closers), rng.choice((1, 5)))), key=lambda m: m.start(), reverse=True):
            xml = xml[: m.start()] + xml[m.end():]
        return xml
    return _with_document(data, edit)


def huge_attribute(data: bytes, rng: random.Random) -> bytes:
    value = rng.choice((b"A", b"9", "\u4e00".encode())) * rng.choice((100_000, 5_000_000))

    def edit(xml: bytes) -> bytes:
        spots = list(re.finditer(rb'w:val="[^"]*"', xml))
        if not spots:
            return xml.replace(b"<w:tc>", b'<w:tc w:x="' + value + b'">', 1)
        m = rng.choice(spots)
        return xml[: m.start()] + b'w:val="' + value + b'"' + xml[m.end():]
    return _with_document(data, edit)


def _tc_spots(xml: bytes) -> list[re.Match]:
    return list(re.finditer(rb"<w:tc>|<w:tc [^>]*>", xml))


def deep_tables(data: bytes, rng: random.Random) -> bytes:
    n = rng.choice((50, 120, 300, 3000, 10_000))
    nested = b"<w:tbl><w:tr><w:tc>" * n + b"<w:p><w:r><w:t>1</w:t></w:r></w:p>" + b"</w:tc></w:tr></w:tbl>" * n

    def edit(xml: bytes) -> bytes:
        spots = _tc_spots(xml)
        if not spots:
            return xml
        m = rng.choice(spots)
        return xml[: m.end()] + nested + b"<w:p/>" + xml[m.end():]
    return _with_document(data, edit)


def grid_span(data: bytes, rng: random.Random) -> bytes:
    values = (b"999999", b"0", b"-5", b"abc", b"99999999999999999999", b"1e9", b"9" * 5000, b"", b"60", b"61")

    def edit(xml: bytes) -> bytes:
        xml = re.sub(rb'<w:gridSpan w:val="[^"]*"/>', lambda _: b'<w:gridSpan w:val="' + rng.choice(values) + b'"/>', xml)
        spots = _tc_spots(xml)
        for m in sorted(rng.sample(spots, k=min(len(spots), rng.choice((1, 10)))), key=lambda m: m.start(), reverse=True):
            xml = xml[: m.end()] + b'<w:tcPr><w:gridSpan w:val="' + rng.choice(values) + b'"/></w:tcPr>' + xml[m.end():]
        return xml
    return _with_document(data, edit)


def vmerge_chain(data: bytes, rng: random.Random) -> bytes:
    marks = (b'<w:vMerge w:val="continue"/>', b'<w:vMerge/>', b'<w:vMerge w:val="restart"/>', b'<w:vMerge w:val="x"/>')

    def edit(xml: bytes) -> bytes:
        share = rng.choice((0.2, 1.0))
        return re.sub(rb"<w:tcPr>", lambda _: b"<w:tcPr>" + (rng.choice(marks) if rng.random() < share else b""), xml)
    return _with_document(data, edit)


def grid_before(data: bytes, rng: random.Random) -> bytes:
    value = rng.choice((b"999999", b"-1", b"59", b"9" * 5000))

    def edit(xml: bytes) -> bytes:
        return re.sub(rb"<w:tr>|<w:tr [^>]*>", lambda m: m.group() + b'<w:trPr><w:gridBefore w:val="' + value
                      + b'"/><w:gridAfter w:val="' + value + b'"/></w:trPr>', xml, count=rng.choice((1, 0)))
    return _with_document(data, edit)


def many_rows(data: bytes, rng: random.Random) -> bytes:
    def edit(xml: bytes) -> bytes:
        rows = list(re.finditer(rb"<w:tr\b.*?</w:tr>", xml, re.S))
        if not rows:
            return xml
        m = rng.choice(rows)
        return xml[: m.end()] + m.group() * rng.choice((100, 2500, 20_000)) + xml[m.end():]
    return _with_document(data, edit)


def docx_value(data: bytes, rng: random.Random) -> bytes:
    def edit(xml: bytes) -> bytes:
        cells = list(re.finditer(rb"(<w:t(?: [^>]*)?>)([0-9]{1,7})(</w:t>)", xml))
        if not cells:
            return xml
        for m in sorted(rng.sample(cells, k=min(len(cells), rng.choice((1, 3, 30)))), key=lambda m: m.start(), reverse=True):
            value = hostile_number(rng).encode("utf-8", "surrogatepass")
            xml = xml[: m.start(2)] + value + xml[m.end(2):]
        return xml
    return _with_document(data, edit)


def truncate_zip(data: bytes, rng: random.Random) -> bytes:
    where = rng.choice(("central", "anywhere", "local"))
    end = data.rfind(b"PK\x01\x02")
    if where == "central" and end > 0:
        return data[: rng.randrange(end, len(data))]
    if where == "local":
        return data[: rng.randrange(1, max(2, end))]
    return truncate(data, rng)


def duplicate_member(data: bytes, rng: random.Random) -> bytes:
    members = zip_members(data)
    name, body = rng.choice([m for m in members if m[0] == DOC] or members)
    other = rng.choice((body, b"", b"<w:document/>", bit_flips(body, rng), body[: len(body) // 2]))
    i = rng.randrange(len(members) + 1)
    return zip_bytes(members[:i] + [(name, other)] + members[i:])


def entity_bomb(data: bytes, rng: random.Random) -> bytes:
    levels = rng.choice((3, 9))
    ents = b'<!ENTITY e0 "' + b"lol" * 10 + b'">' + b"".join(
        b"<!ENTITY e%d \"%s\">" % (k, (b"&e%d;" % (k - 1)) * 10) for k in range(1, levels + 1))

    def edit(xml: bytes) -> bytes:
        body = re.sub(rb"^<\?xml[^>]*\?>", b"", xml)
        root = re.match(rb"\s*<([\w:]+)", body)
        doctype = b"<!DOCTYPE " + (root.group(1) if root else b"w:document") + b" [" + ents + b"]>"
        body = body.replace(b"<w:t>", b"<w:t>&e%d;" % levels, 1)
        return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + doctype + body
    return _with_document(data, edit)


def xml_bomb(data: bytes, rng: random.Random) -> bytes:
    """A small zip whose document.xml inflates to tens of MB of paragraphs or cells."""
    unit = rng.choice((b"<w:p/>", b"<w:p><w:r><w:t>1</w:t></w:r></w:p>", b"<w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>"))
    size = rng.choice((20, 45, 60)) * 1024 * 1024
    body = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org'
            b'/wordprocessingml/2006/main"><w:body>' + unit * (size // len(unit)) + b"</w:body></w:document>")
    members = zip_members(data)
    return zip_bytes([(n, body if n == DOC else b) for n, b in members], level=9)


def wrong_content(data: bytes, rng: random.Random) -> bytes:
    other = rng.choice((b"", b"not xml", _bytes("html", _sample_names("html")[0]), b"\xff\xfe<\x00a\x00>\x00",
                        b'<?xml version="1.0" encoding="gb2312"?><w:document/>', b"<?xml version='1.0' encoding='bogus'?><a/>"))
    return _with_document(data, lambda _: other)


DOCX: dict[str, Mutator] = {
    "drop_member": drop_document, "corrupt_xml": corrupt_document, "unclosed_tag": unclosed_tag,
    "huge_attr": huge_attribute, "deep_tbl": deep_tables, "grid_span": grid_span, "vmerge": vmerge_chain,
    "grid_before": grid_before, "many_rows": many_rows, "value": docx_value, "truncate_zip": truncate_zip,
    "dup_member": duplicate_member, "entities": entity_bomb, "xml_bomb": xml_bomb, "wrong_content": wrong_content,
}


# ---- PDF ----------------------------------------------------------------------------------------

_OBJ = re.compile(rb"(\d+)\s+(\d+)\s+obj\b")
_LENGTH = re.compile(rb"/Length(?![0-9A-Za-z])\s*(\d+)(?:\s+(\d+)\s+R)?")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[A-Za-z0-9]+)")


@dataclass
class PdfObj:
    head: bytes  # the dictionary (or the whole body of an object without a stream)
    stream: bytes | None = None


def pdf_objects(data: bytes) -> tuple[dict[int, PdfObj], bytes]:
    """Top-level objects of a well-formed PDF and its trailer dictionary (for the samples only)."""
    simple = {int(m.group(1)): int(m.group(2)) for m in re.finditer(rb"(\d+)\s+0\s+obj\s*(\d+)\s*endobj", data)}
    objects: dict[int, PdfObj] = {}
    pos = 0
    while (m := _OBJ.search(data, pos)) is not None:
        start = m.end()
        s, e = data.find(b"stream", start), data.find(b"endobj", start)
        if e == -1:
            break
        if s != -1 and s < e:
            head = data[start:s]
            lm = _LENGTH.search(head)
            n = (simple.get(int(lm.group(1))) if lm.group(2) else int(lm.group(1))) if lm else None
            ds = s + 6 + (2 if data[s + 6: s + 8] == b"\r\n" else 1)
            if n is None or not data[ds + n: ds + n + 20].lstrip().startswith(b"endstream"):
                n = data.find(b"endstream", ds) - ds
            raw = data[ds: ds + n]
            objects[int(m.group(1))] = PdfObj(head, raw)
            pos = data.find(b"endobj", ds + n) + 6
        else:
            objects[int(m.group(1))] = PdfObj(data[start:e])
            pos = e + 6
    t = data.rfind(b"trailer")
    trailer = data[t + 7: data.find(b"startxref", t)] if t != -1 else b""
    if b"/Root" not in trailer:
        root = re.search(rb"/Root\s+\d+\s+\d+\s+R", data)
        trailer = b"<< " + (root.group() if root else b"") + b" >>"
    return objects, trailer


def _decode_stream(obj: PdfObj) -> None:
    fm = _FILTER.search(obj.head)
    if not fm or obj.stream is None:
        return
    names = re.findall(rb"/([A-Za-z0-9]+)", fm.group(1))
    raw = obj.stream
    for f in names:
        if f in (b"ASCII85Decode", b"A85"):
            s = re.sub(rb"\s", b"", raw)
            s = s[2:] if s.startswith(b"<~") else s
            raw = base64.a85decode(s[:-2] if s.endswith(b"~>") else s)
        elif f in (b"FlateDecode", b"Fl"):
            raw = zlib.decompressobj().decompress(raw)
        elif f in (b"ASCIIHexDecode", b"AHx"):
            raw = bytes.fromhex(re.sub(rb"[^0-9A-Fa-f]", b"", raw.split(b">")[0]).decode())
        else:
            return  # an image codec: keep it encoded
    obj.head = re.sub(rb"/DecodeParms\s*<<[^>]*>>", b"", obj.head[: fm.start()] + obj.head[fm.end():])
    obj.stream = raw


def write_pdf(objects: dict[int, PdfObj], trailer: bytes) -> bytes:
    """A PDF with a correct xref table for the given objects (each stream's /Length set)."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objects):
        obj = objects[num]
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num
        if obj.stream is None:
            out += obj.head.strip() + b"\nendobj\n"
        else:
            head = _LENGTH.sub(b"/Length %d" % len(obj.stream), obj.head.strip())
            if b"/Length" not in head:
                head = head.replace(b"<<", b"<< /Length %d" % len(obj.stream), 1)
            out += head + b"\nstream\n" + obj.stream + b"\nendstream\nendobj\n"
    size = max(objects, default=0) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for num in range(1, size):
        out += (b"%010d 00000 n \n" % offsets[num]) if num in offsets else b"0000000000 65535 f \n"
    body = re.sub(rb"/(Size|Prev|XRefStm)\s+\d+", b"", trailer.strip())
    body = body.replace(b"<<", b"<< /Size %d" % size, 1) if body.startswith(b"<<") else b"<< /Size %d >>" % size
    out += b"trailer\n" + body + b"\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


@functools.lru_cache(maxsize=None)
def decoded_pdf(data: bytes) -> bytes:
    """The same PDF with every Flate/ASCII85 stream stored uncompressed (content can be edited)."""
    objects, trailer = pdf_objects(data)
    for obj in objects.values():
        try:
            _decode_stream(obj)
        except Exception:
            pass
    return write_pdf(objects, trailer)


def _edit_objects(data: bytes, rng: random.Random, edit: Callable[[dict[int, PdfObj], bytes, random.Random], bytes | None]) -> bytes:
    objects, trailer = pdf_objects(decoded_pdf(data))
    if not objects:
        return bit_flips(data, rng)
    new_trailer = edit(objects, trailer, rng)
    return write_pdf(objects, trailer if new_trailer is None else new_trailer)


def _find(objects: dict[int, PdfObj], pattern: bytes) -> list[int]:
    return [n for n, o in objects.items() if re.search(pattern, o.head)]


def _content_ids(objects: dict[int, PdfObj]) -> list[int]:
    ids = []
    for n in _find(objects, rb"/Type\s*/Page(?!s)"):
        m = re.search(rb"/Contents\s*(\[[^\]]*\]|\d+\s+\d+\s+R)", objects[n].head)
        if m:
            ids += [int(x) for x in re.findall(rb"(\d+)\s+\d+\s+R", m.group(1)) if int(x) in objects]
    return [i for i in ids if objects[i].stream is not None]


def break_xref(data: bytes, rng: random.Random) -> bytes:
    how = rng.choice(("offsets", "startxref", "keyword", "section", "trailer"))
    x = data.rfind(b"xref")
    if how == "startxref":
        s = data.rfind(b"startxref")
        return data[: s] + b"startxref\n" + rng.choice((b"0", b"-1", b"99999999999999", b"9" * 5000, b"abc", b"")) + b"\n%%EOF\n"
    if how == "keyword":
        return data.replace(b"xref", rng.choice((b"xreg", b"", b"xref xref")), 1)
    if how == "trailer":
        return data.replace(b"/Root", rng.choice((b"/Roof", b"/Root 0 0 R /Root")), 1)
    if how == "section":
        return re.sub(rb"xref\s+0\s+(\d+)", lambda m: b"xref\n0 " + rng.choice((b"999999999", b"-3", b"1", b"9" * 5000)), data, 1)
    b = bytearray(data)
    for _ in range(rng.choice((1, 10, 100))):
        i = rng.randrange(max(x, 0), len(b))
        if chr(b[i]).isdigit():
            b[i] = ord(str(rng.randrange(10)))
    return bytes(b)


def wrong_length(data: bytes, rng: random.Random) -> bytes:
    spots = [m for m in _LENGTH.finditer(data) if not m.group(2)]
    if not spots:
        return bit_flips(data, rng)
    for m in rng.sample(spots, k=min(len(spots), rng.choice((1, 3, len(spots))))):
        n = int(m.group(1))
        new = rng.choice((0, 1, n - 1, n + 1, n // 2, n * 2, 999_999_999, -5, 10**30))
        data = data[: m.start()] + b"/Length %d" % new + b" " * max(0, len(m.group()) - len(b"/Length %d" % new)) + data[m.end():]
    return data


def truncate_stream(data: bytes, rng: random.Random) -> bytes:
    streams = list(re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S))
    if not streams:
        return truncate(data, rng)
    m = rng.choice(streams)
    cut = rng.randrange(m.start(1), max(m.start(1) + 1, m.end(1)))
    if rng.random() < 0.5:  # the file ends inside the stream
        return data[:cut]
    return data[:cut] + data[m.end(1):]


def delete_endobj(data: bytes, rng: random.Random) -> bytes:
    spots = [m.start() for m in re.finditer(rb"endobj", data)]
    for i in sorted(rng.sample(spots, k=min(len(spots), rng.choice((1, 3, len(spots))))), reverse=True):
        data = data[:i] + data[i + 6:]
    return data


def corrupt_filter(data: bytes, rng: random.Random) -> bytes:
    names = (b"/LZWDecode", b"/RunLengthDecode", b"/DCTDecode", b"/JBIG2Decode", b"/Crypt", b"/Foo", b"/CCITTFaxDecode",
             b"/JPXDecode", b"[ /FlateDecode /FlateDecode ]", b"[ ]", b"/ASCIIHexDecode", b"[ /ASCII85Decode ]", b"0")
    spots = list(_FILTER.finditer(data))
    if not spots:
        return data.replace(b"/Length", b"/Filter " + rng.choice(names) + b" /Length", 1)
    for m in sorted(rng.sample(spots, k=min(len(spots), rng.choice((1, len(spots))))), key=lambda m: m.start(), reverse=True):
        extra = rng.choice((b"", b" /DecodeParms << /Predictor 15 /Columns 99999999 /Colors 999 >>",
                            b" /DecodeParms << /Predictor 2 /BitsPerComponent 64 >>"))
        data = data[: m.start()] + b"/Filter " + rng.choice(names) + extra + data[m.end():]
    return data


def huge_w(data: bytes, rng: random.Random) -> bytes:
    if rng.random() < 0.5:  # font widths: a range over billions of character codes, or values out of range
        widths = rng.choice((b"[ 0 4294967295 500 ]", b"[ 1 [ " + b"9" * 5000 + b" ] ]", b"[ 0 99999999 1000 ]",
                             b"[ -5 [ 1 2 ] ]", b"[ 1 [ 1e999 ] 2 ]", b"[ " + b"[ " * 5000 + b"]" * 5000 + b" ]"))
        if re.search(rb"/W\s*\[", data):
            return re.sub(rb"/W\s*\[", b"/W " + widths + b" /Wx [", data, count=1)
        return data.replace(b"/Type /Font", b"/Type /Font /W " + widths, 1)

    def edit(objects: dict[int, PdfObj], trailer: bytes, rng: random.Random) -> bytes:
        w = rng.choice((b"[ 1 2 999999 ]", b"[ 999999999 999999999 999999999 ]", b"[ 0 0 0 ]", b"[ -1 2 1 ]", b"[ 1 ]"))
        n = max(objects) + 1
        objects[n] = PdfObj(b"<< /Type /XRef /Size %d /W %s /Index [ 0 %d ] " % (n + 1, w, rng.choice((n + 1, 10**12)))
                            + trailer.strip()[2:-2] + b" >>", bytes(rng.randrange(256) for _ in range(rng.choice((0, 30, 3000)))))
        return None
    out = _edit_objects(data, rng, edit)
    x = out.rfind(b"xref")
    xrefobj = out.rfind(b"/Type /XRef")
    obj_start = out.rfind(b" 0 obj", 0, xrefobj)
    start = out.rfind(b"\n", 0, obj_start) + 1
    return out[:x] + b"startxref\n%d\n%%%%EOF\n" % start


def page_tree(data: bytes, rng: random.Random) -> bytes:
    def edit(objects: dict[int, PdfObj], trailer: bytes, rng: random.Random) -> None:
        pages = _find(objects, rb"/Type\s*/Pages")
        kids = _find(objects, rb"/Type\s*/Page(?!s)")
        if not pages:
            return
        root = pages[0]
        how = rng.choice(("self", "parent", "count", "cycle", "many"))
        o = objects[root]
        if how == "self":
            o.head = re.sub(rb"/Kids\s*\[", b"/Kids [ %d 0 R " % root, o.head, count=1)
        elif how == "parent" and kids:
            k = objects[rng.choice(kids)]
            k.head = re.sub(rb"/Type\s*/Page(?!s)", b"/Type /Pages /Kids [ %d 0 R ] /Count 1" % root, k.head, count=1)
        elif how == "count":
            o.head = re.sub(rb"/Count\s+\d+", rng.choice((b"/Count 999999999", b"/Count -1", b"/Count 0", b"/Count " + b"9" * 5000)), o.head)
        elif how == "cycle":
            a, b = max(objects) + 1, max(objects) + 2
            objects[a] = PdfObj(b"<< /Type /Pages /Kids [ %d 0 R ] /Count 1 /Parent %d 0 R >>" % (b, root))
            objects[b] = PdfObj(b"<< /Type /Pages /Kids [ %d 0 R ] /Count 1 /Parent %d 0 R >>" % (a, a))
            o.head = re.sub(rb"/Kids\s*\[", b"/Kids [ %d 0 R " % a, o.head, count=1)
        elif how == "many" and kids:
            ref = b"%d 0 R " % rng.choice(kids)
            o.head = re.sub(rb"/Kids\s*\[[^\]]*\]", b"/Kids [ " + ref * rng.choice((61, 1000, 100_000)) + b"]", o.head)
    return _edit_objects(data, rng, edit)


def page_dup(data: bytes, rng: random.Random) -> bytes:
    """The same pages repeated up to the page limit (60) or just past it."""
    def edit(objects: dict[int, PdfObj], trailer: bytes, rng: random.Random) -> None:
        pages = _find(objects, rb"/Type\s*/Pages")
        kids = _find(objects, rb"/Type\s*/Page(?!s)")
        if not pages or not kids:
            return
        n = rng.choice((60, 61, 30))
        refs = b" ".join(b"%d 0 R" % kids[i % len(kids)] for i in range(n))
        o = objects[pages[0]]
        o.head = re.sub(rb"/Kids\s*\[[^\]]*\]", b"/Kids [ " + refs + b" ]", o.head)
        o.head = re.sub(rb"/Count\s+\d+", b"/Count %d" % n, o.head)
    return _edit_objects(data, rng, edit)


def grid_flood(data: bytes, rng: random.Random) -> bytes:
    """A page full of ruling lines: thousands of crossings for the table finder (and 60 such pages)."""
    k = rng.choice((40, 49, 60, 200))
    step = 500 / k
    lines = b"".join(b"%.2f 50 m %.2f 750 l S\n" % (50 + i * step, 50 + i * step) for i in range(k + 1))
    lines += b"".join(b"50 %.2f m 550 %.2f l S\n" % (50 + i * 700 / k, 50 + i * 700 / k) for i in range(k + 1))
    digits = b"".join(b"BT /F1 4 Tf %.2f %.2f Td (%d) Tj ET\n" % (52 + (i % k) * step, 52 + (i // k) * 700 / k, i)
                      for i in range(0, k * k, max(1, k * k // 2000)))
    extra = b"q 0 0 0 RG 0.5 w\n" + lines + digits + b"Q\n"

    def edit(objects: dict[int, PdfObj], trailer: bytes, rng: random.Random) -> None:
        for cid in _content_ids(objects):
            objects[cid].stream = objects[cid].stream + b"\n" + extra
        if rng.random() < 0.5:
            page_dup_edit(objects, rng)
    return _edit_objects(data, rng, edit)


def page_dup_edit(objects: dict[int, PdfObj], rng: random.Random) -> None:
    pages = _find(objects, rb"/Type\s*/Pages")
    kids = _find(objects, rb"/Type\s*/Page(?!s)")
    if pages and kids:
        refs = b" ".join(b"%d 0 R" % kids[i % len(kids)] for i in range(60))
        o = objects[pages[0]]
        o.head = re.sub(rb"/Kids\s*\[[^\]]*\]", b"/Kids [ " + refs + b" ]", o.head)
        o.head = re.sub(rb"/Count\s+\d+", b"/Count 60", o.head)


_LITERAL = re.compile(rb"\((?:[^()\\]|\\.)*\)", re.S)
_ESC = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def lit_decode(s: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(s):
        c = s[i: i + 1]
        if c == b"\\" and i + 1 < len(s):
            m = re.match(rb"[0-7]{1,3}", s[i + 1: i + 4])
            if m:
                out.append(int(m.group(), 8) & 0xFF)
                i += 1 + len(m.group())
                continue
            nxt = s[i + 1: i + 2]
            out += _ESC.get(nxt, nxt)
            i += 2
            continue
        out += c
        i += 1
    return bytes(out)


def lit_encode(b: bytes) -> bytes:
    return b"(" + b"".join(bytes([c]) if 32 <= c < 127 and c not in b"()\\" else b"\\%03o" % c for c in b) + b")"


def pdf_value(data: bytes, rng: random.Random) -> bytes:
    """Hostile numbers drawn in place of table values (UCS-2 for the Chinese CID font, ASCII otherwise)."""
    def edit(objects: dict[int, PdfObj], trailer: bytes, rng: random.Random) -> None:
        for cid in _content_ids(objects):
            stream = objects[cid].stream

            def swap(m: re.Match) -> bytes:
                raw = lit_decode(m.group()[1:-1])
                if raw and len(raw) % 2 == 0 and all(raw[i] == 0 and 48 <= raw[i + 1] <= 57 for i in range(0, len(raw), 2)):
                    if rng.random() < 0.4:
                        return lit_encode(hostile_number(rng).encode("utf-16-be", "surrogatepass"))
                elif raw.isdigit() and rng.random() < 0.4:
                    return lit_encode(hostile_number(rng).encode("cp1252", "replace"))
                return m.group()
            objects[cid].stream = _LITERAL.sub(swap, stream)
    return _edit_objects(data, rng, edit)


def content_garbage(data: bytes, rng: random.Random) -> bytes:
    junk = rng.choice((
        b"99999999999999999999999999999 0 0 1 0 0 cm", b"1e999 0 0 1 0 0 cm", b"0 0 0 0 0 0 cm", b"BT /F1 99999999 Tf (1) Tj ET",
        b"BT /F1 0 Tf 0 Tz (123) Tj ET", b"BT /F1 12 Tf (" + b"1" * 200_000 + b") Tj ET", b"q " * 10_000, b"Q " * 10_000,
        b"BT " * 5000, b"[ " * 10_000, b"<< " * 10_000, b"/F9 12 Tf (x) Tj", b"BI /W 99999 /H 99999 /BPC 8 /CS /G ID \x00\x01 EI",
        b"0 0 m " + b"1 1 l " * 100_000 + b"S", b"50 50 100000 100000 re S", b"1 0 0 -1 0 0 cm 0 0 99999 99999 re f",
        b"(\\9\\999\\" + b"\\" * 1000 + b") Tj", b"BT /F2 10 Tf <" + b"FFFE" * 5000 + b"> Tj ET", b"/GS0 gs /Im0 Do /P0 sh",
    ))

    def edit(objects: dict[int, PdfObj], trailer: bytes, rng: random.Random) -> None:
        ids = _content_ids(objects)
        if ids:
            cid = rng.choice(ids)
            s = objects[cid].stream
            i = rng.randrange(len(s) + 1)
            objects[cid].stream = s[:i] + b"\n" + junk + b"\n" + s[i:]
    return _edit_objects(data, rng, edit)


def pdf_boxes(data: bytes, rng: random.Random) -> bytes:
    box = rng.choice((b"[ 0 0 1e30 -5 ]", b"[ 0 0 0 0 ]", b"[ /a /b ]", b"[ 0 0 99999999999999999999 99999999999999999999 ]",
                      b"[ 0 0 612 ]", b"[ 612 792 0 0 ]", b"null", b"[ 0 0 " + b"9" * 5000 + b" 792 ]"))
    data = re.sub(rb"/MediaBox\s*\[[^\]]*\]", b"/MediaBox " + box, data, count=rng.choice((1, 0)))
    if rng.random() < 0.4:
        data = re.sub(rb"/Rotate\s+\d+", rng.choice((b"/Rotate 45", b"/Rotate -99999999", b"/Rotate 9999999999999999999")), data)
    return data


def bogus_encrypt(data: bytes, rng: random.Random) -> bytes:
    enc = rng.choice((b"<< /Filter /Standard /V 2 /R 3 /O (x) /U (y) /P -4 >>", b"<< /Filter /Bogus >>", b"5 0 R",
                      b"<< /Filter /Standard /V 5 /R 6 /O () /U () /P -1 /Length 99999 >>", b"<< /V 999 >>"))
    i = data.rfind(b"trailer")
    j = data.find(b"<<", i)
    if i == -1 or j == -1:
        return data + b"trailer\n<< /Encrypt " + enc + b" >>\n"
    return data[: j + 2] + b" /Encrypt " + enc + data[j + 2:]


PDF: dict[str, Mutator] = {
    "break_xref": break_xref, "wrong_length": wrong_length, "truncate_stream": truncate_stream,
    "delete_endobj": delete_endobj, "corrupt_filter": corrupt_filter, "huge_w": huge_w, "page_tree": page_tree,
    "page_dup": page_dup, "grid_flood": grid_flood, "value": pdf_value, "content": content_garbage,
    "boxes": pdf_boxes, "encrypt": bogus_encrypt,
}

STRUCTURAL: dict[str, dict[str, Mutator]] = {"txt": TEXT, "html": HTML, "docx": DOCX, "pdf": PDF}
# Slow or memory-hungry by design: only in the long run (benchmarks/fuzz_long.py), not in the suite.
HEAVY = {("docx", "xml_bomb"), ("pdf", "page_dup"), ("pdf", "grid_flood"), ("txt", "many_lines"),
         ("docx", "many_rows"), ("html", "br_flood")}


# ---- bases: the samples and made-up inputs ------------------------------------------------------

def _sample_names(fmt: str) -> list[str]:
    return sorted(p.name for p in SAMPLES.glob(f"*.{fmt}"))


@functools.lru_cache(maxsize=None)
def _made_up(fmt: str) -> dict[str, bytes]:
    from core.synthetic import make_report, render_text
    rng = random.Random(9)
    texts = {}
    for i, shape in enumerate(("tab_grid", "cells", "pipes")):
        report = make_report(rng)
        if i == 1:  # hostile numbers printed in the cells themselves
            for key in rng.sample([k for k, v in report.fields.items() if isinstance(v, int) and not k.startswith("meta.")], 8):
                report.fields[key] = rng.choice(HOSTILE_NUMBERS[:12] + ("NaN", "Infinity", "-5"))
        texts[f"synthetic-{shape}"] = render_text(report, shape)
    minimal = ("某某县财政局2023年政府信息公开工作年度报告\n一、总体情况\n2023年，我局收到政府信息公开申请2件。\n"
               "二、主动公开政府信息情况\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t0\t0\t0\n"
               "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t1\t2\n")
    if fmt == "txt":
        out = {k: v.encode() for k, v in texts.items()}
        out["minimal-gbk"] = minimal.encode("gbk")
        out["minimal-utf16"] = minimal.encode("utf-16")
        return out
    if fmt == "html":
        return {k: _text_to_html(v).encode() for k, v in texts.items()}
    if fmt == "docx":
        return {k: _text_to_docx(v) for k, v in texts.items() if k != "synthetic-pipes"}
    out = {"synthetic-tab_grid": _text_to_pdf(texts["synthetic-tab_grid"]),
           "synthetic-hostile": _text_to_pdf(texts["synthetic-cells"].replace("\n\t", "\t"))}
    for name in _sample_names("pdf"):  # uncompressed rewrites: content streams can be edited
        try:
            out[f"decoded-{name}"] = decoded_pdf((SAMPLES / name).read_bytes())
        except Exception:
            pass
    return out


def _text_to_html(text: str) -> str:
    from html import escape
    parts = ['<html><head><meta charset="utf-8"><title>年度报告</title></head><body><div class="article">']
    rows: list[str] = []
    for line in text.split("\n") + [""]:
        if "\t" in line or "|" in line:
            cells = [c for c in re.split(r"\t|\|", line)]
            rows.append("<tr>" + "".join(f"<td>{escape(c.strip())}</td>" for c in cells) + "</tr>")
            continue
        if rows:
            parts.append('<table border="1">' + "".join(rows) + "</table>")
            rows = []
        if line.strip():
            parts.append(f"<p>{escape(line)}</p>")
    return "".join(parts) + "</div></body></html>"


def _text_to_docx(text: str) -> bytes:
    import docx
    document = docx.Document()
    rows: list[list[str]] = []

    def flush() -> None:
        if rows:
            width = max(len(r) for r in rows)
            table = document.add_table(rows=len(rows), cols=width)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
            rows.clear()
    for line in text.split("\n"):
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        flush()
        if line.strip():
            document.add_paragraph(line)
    flush()
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _text_to_pdf(text: str) -> bytes:
    """A hand-written PDF: the CID font STSong-Light (not embedded, UCS-2 codes), table rows ruled."""
    pages: list[bytes] = []
    ops: list[bytes] = []
    y = 800.0
    for line in text.split("\n"):
        if y < 50:
            pages.append(b"".join(ops))
            ops, y = [], 800.0
        cells = line.split("\t")
        if len(cells) > 1:
            xs = [30.0] + [230.0 + i * (335 / (len(cells) - 1)) for i in range(len(cells))]
            for i, cell in enumerate(cells):
                ops.append(b"BT /F2 5 Tf %.1f %.1f Td %s Tj ET\n" % (xs[i] + 1, y + 2, lit_encode(cell.encode("utf-16-be"))))
            ops.append(b"0.3 w 30 %.1f m 565 %.1f l S\n" % (y, y))
            ops += [b"%.1f %.1f m %.1f %.1f l S\n" % (x, y, x, y + 10) for x in xs[:-1] + [565.0]]
            y -= 10
        elif line.strip():
            ops.append(b"BT /F2 8 Tf 30 %.1f Td %s Tj ET\n" % (y, lit_encode(line.encode("utf-16-be"))))
            y -= 12
    pages.append(b"".join(ops))
    objects = {
        1: PdfObj(b"<< /Type /Catalog /Pages 2 0 R >>"),
        3: PdfObj(b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [ << "
                  b"/Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
                  b"/Ordering (GB1) /Supplement 2 >> /DW 1000 /FontDescriptor << /Type /FontDescriptor /FontName "
                  b"/STSong-Light /Flags 6 /FontBBox [ -25 -254 1000 880 ] /ItalicAngle 0 /Ascent 880 /Descent -120 "
                  b"/CapHeight 880 /StemV 93 >> >> ] >>"),
    }
    kids = []
    for i, content in enumerate(pages):
        page, stream = 10 + 2 * i, 11 + 2 * i
        objects[page] = PdfObj(b"<< /Type /Page /Parent 2 0 R /MediaBox [ 0 0 595 842 ] /Resources << /Font << /F2 3 0 R >> >> "
                               b"/Contents %d 0 R >>" % stream)
        objects[stream] = PdfObj(b"<< >>", content)
        kids.append(b"%d 0 R" % page)
    objects[2] = PdfObj(b"<< /Type /Pages /Kids [ " + b" ".join(kids) + b" ] /Count %d >>" % len(kids))
    return write_pdf(objects, b"<< /Root 1 0 R >>")


@functools.lru_cache(maxsize=None)
def bases(fmt: str) -> tuple[str, ...]:
    return tuple(_sample_names(fmt)) + tuple(f"made-up:{k}" for k in _made_up(fmt))


@functools.lru_cache(maxsize=64)
def _bytes(fmt: str, name: str) -> bytes:
    if name.startswith("made-up:"):
        return _made_up(fmt)[name[len("made-up:"):]]
    return (SAMPLES / name).read_bytes()


def _all_bases() -> list[tuple[str, str]]:
    return [(fmt, name) for fmt in FORMATS for name in bases(fmt)]


def base_file(fmt: str, name: str) -> bytes:
    return _bytes(fmt, name)


# ---- mutants ------------------------------------------------------------------------------------

def make_mutant(fmt: str, index: int, seed: int = 0, heavy: bool = True) -> Mutant:
    """Mutant number `index` of format `fmt` (deterministic). `heavy=False` leaves out the mutators
    that build tens of MB or 60 pages on purpose (kept for the long run)."""
    rng = random.Random(f"{seed}:{fmt}:{index}")
    base = rng.choice(bases(fmt))
    data = _bytes(fmt, base)
    structural = {k: f for k, f in STRUCTURAL[fmt].items() if heavy or (fmt, k) not in HEAVY}
    generic = {k: f for k, f in GENERIC.items() if heavy or k not in ("long_line",)}
    kinds = []
    first = rng.choice(sorted(structural)) if rng.random() < 0.65 else rng.choice(sorted(generic))
    kinds.append(first)
    if rng.random() < 0.2:
        kinds.append(rng.choice(sorted(generic)))
    for kind in kinds:
        fn = structural.get(kind) or GENERIC[kind]
        if not data:
            break
        try:
            data = fn(data, rng)
        except Exception as e:  # a mutator that does not fit this base (e.g. no stream to edit)
            data = bit_flips(data, rng) if data else data
            kinds[kinds.index(kind)] = f"{kind}_unfit"
            _ = e
    return Mutant(fmt, "+".join(kinds), index, base, data)


def mutants(n: int, seed: int = 0, formats: tuple[str, ...] = FORMATS, heavy: bool = True):
    """n mutants, the formats taking turns; mutant i is always the same for a given seed."""
    for i in range(n):
        fmt = formats[i % len(formats)]
        yield make_mutant(fmt, i, seed, heavy=heavy)
