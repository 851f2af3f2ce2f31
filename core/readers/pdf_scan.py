"""What the PDF reader learns from a file's raw bytes before PDFium (or pdfminer) parses anything.

PDFium inflates a stream up to 1 GiB and parses every drawing instruction of a page into objects it
keeps; a hostile 1 MB file can hold a stream that inflates to gigabytes, a page of millions of
instructions, or a font whose width table PDFium searches for every character. So every stream is
found in the raw bytes and inflated in bounded steps (`check_streams`): a decompression bomb or an
absurd width table is refused with the reader's Chinese message, and a file with more drawing
instructions than PDFium is given goes to pdfminer's reader, which applies its per-page limit as
before. The same pass reads the font descriptors' descents (pdfminer's character boxes hang from
them) and, when PDFium garbles it, the document title from the raw information dictionary.
"""
from __future__ import annotations

import re
import zlib

from core.grid import ReadError
from core.readers.pdf_layout import title_text

MAX_STREAM_BYTES = 64 * 1024 * 1024  # one inflated content stream; a real page needs well under 1 MB
MAX_INFLATED_BYTES = 256 * 1024 * 1024  # all streams of the file together
MAX_FONT_CODES = 1 << 17
_LONG_BLANK = rb"\s{2000}"  # compiled when first needed (re keeps it)
# A report page draws with 10–40 KB of instructions. pdfminer interprets a page of megabytes for many
# seconds and refuses it; PDFium parses 5 MB in 0.3 s but keeps every path it draws (100 MB), so a
# file with more than this goes to pdfminer's reader, which refuses it as before (or, for a large
# form XObject, which pdfminer never checked, reads it as before).
MAX_PAGE_CONTENT = 512 * 1024
MAX_FORM_CONTENT = 4 * 1024 * 1024  # one form XObject (a vector map or chart) PDFium may parse
MAX_DRAWING_CONTENT = 16 * 1024 * 1024  # all drawing instructions of the file PDFium may parse
# PDFium looks a character's width up in a CID font's /W list entry by entry: a page of 50,000
# characters in a font whose /W lists 120,000 entries takes it 9 s. Past this many entry visits
# (entries of the longest /W × characters the drawing instructions can hold) pdfminer reads the file.
MAX_WIDTH_LOOKUPS = 10**9
MAX_WIDTH_ENTRIES = 10**6


def ends_like_a_pdf(data: bytes) -> bool:
    """A PDF ends with %%EOF. PDFium rebuilds a file cut short and shows what it can; pdfminer's reader
    says the file was cut and asks for it again, which is the better answer for a report."""
    return b"%%EOF" in data[-2048:]


_STREAM_DICT_LOOKBACK = 4096
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_FORM = re.compile(rb"/Subtype\s*/Form\b")
# a stream that is not drawing instructions: a font program, an image, an ICC profile, a function…
_NOT_DRAWING = re.compile(rb"/Subtype\s*/(?!Form\b)|/Type\s*/(?!XObject\b)|/Length[123]\b|/N\s+\d"
                          rb"|/FunctionType|/ShadingType")
_OBJSTM = re.compile(rb"/Type\s*/ObjStm\b")
_FIRST = rb"/First\s+(\d+)"  # compiled when first needed (re keeps it)
_LENGTH = rb"/Length\s+(\d+)(?!\s+\d+\s+R)"
_A85 = re.compile(rb"/ASCII85Decode\b|/A85\b")
_WIDTHS = re.compile(rb"/W\s*(?:(\[)|(\d+)\s+(\d+)\s+R)")
_W_TOKEN = re.compile(rb"\[|\]|[+-]?(?:\d+\.?\d*|\.\d+)|[^\s\[\]]+")
_CALL = re.compile(rb"/([^\s/\[\]<>(){}%]+)\s*Do\b")
_XOBJECTS = re.compile(rb"/XObject\s*<<(.*?)>>", re.S)
_RESOURCE = re.compile(rb"/([^\s/\[\]<>(){}%]+)\s*(\d+)\s+\d+\s+R")


class Scan:
    """What the raw bytes tell before PDFium opens the file."""

    __slots__ = ("too_much", "descents", "object_streams")

    def __init__(self, too_much: bool, descents: dict[bytes, float | None], object_streams: list[bytes]) -> None:
        self.too_much = too_much  # more drawing instructions, or font widths to search, than PDFium is given
        self.descents = descents  # font descriptors' /Descent by font name (see _font_descents)
        self.object_streams = object_streams  # the inflated object streams (header + "stream" + objects)


def check_streams(data: bytes, name: str) -> Scan:
    """Refuse a decompression bomb or hostile font widths before anything inflates or parses them;
    tell when the file holds more drawing instructions than PDFium is given (pdfminer's reader then
    applies its own per-page limit) or font widths PDFium would search too long, and the fonts'
    descents as pdfminer reads them.

    Every stream is found in the raw bytes and inflated in bounded steps, so a 1 MB file whose stream
    inflates to gigabytes costs one bounded pass (images are skipped: PDFium decodes them only to paint,
    which the reader never does)."""
    view = memoryview(data)
    total = drawing = bound = 0
    too_much_drawing = False
    object_streams: list[bytes] = []
    deferred: list[int] = []  # fonts and the like, too short to exceed a limit on their own
    drawings: dict[int, tuple[int, bool, dict[bytes, int]]] = {}  # object → (size, a form?, XObjects it draws)
    pos = 0
    while (at := data.find(b"stream", pos)) != -1:
        pos = at + 6
        if data[max(at - 3, 0):at] == b"end":
            continue
        start = _stream_start(data, pos)
        if start is None:
            continue
        window = data[max(at - _STREAM_DICT_LOOKBACK, 0):at]
        head = window[window.rfind(b"obj") + 3:] if b"obj" in window else window
        if _A85.search(head):
            end = data.find(b"endstream", start)
            if re.compile(_LONG_BLANK).search(data, start, end if end != -1 else len(data)):
                # pdfminer strips an ASCII85 stream's end marker with a pattern that is quadratic
                # on a run of white space: 1 MB of it takes minutes
                raise ReadError(f"{name}：PDF 内含格式异常的数据流（ASCII85 编码中夹有大段空白），"
                                "可能已损坏或被恶意构造，未读取。请改传 Word 或网页版本。")
        if _IMAGE.search(head):
            continue
        keep = bool(_OBJSTM.search(head))
        drawing_like = not keep and not _NOT_DRAWING.search(head)
        if not keep and not drawing_like:
            # A font program and the like: no need to inflate what cannot exceed a limit. Inflating
            # multiplies a stream by at most 1,032 (deflate's limit), so one of a known length under
            # 1/1,032 of MAX_STREAM_BYTES is only added to a bound on the file's total.
            length = _direct_length(data, head, start)
            if length is not None and _INFLATE_LIMIT * length <= MAX_STREAM_BYTES:
                bound += _INFLATE_LIMIT * length
                deferred.append(start)
                continue
        size, first, kept = _inflate(view, start, MAX_STREAM_BYTES, keep or drawing_like)
        if size is None:  # stored as it is (or another filter): its raw length is about its size
            size = _raw_length(data, head, start)
            first = kept = data[start:start + size]
        else:
            total = _counted(total, size, name)
        if keep:
            object_streams.append(head + b"\nstream\n" + kept)
        elif drawing_like and b"begincmap" not in first and b"/CIDInit" not in first:
            drawing += size
            form = bool(_FORM.search(head))
            too_much_drawing |= size > (MAX_FORM_CONTENT if form else MAX_PAGE_CONTENT)
            number = re.findall(rb"(\d+)\s+\d+\s+obj", window[-64 - len(head):])
            calls: dict[bytes, int] = {}
            if size <= MAX_FORM_CONTENT and b"Do" in kept:  # larger ones go to pdfminer anyway
                for called in _CALL.findall(kept):
                    calls[called] = calls.get(called, 0) + 1
            drawings[int(number[-1]) if number else -at] = (size, form, calls)
    if total + bound > MAX_INFLATED_BYTES:  # the bound is not enough: count those streams exactly
        for start in deferred:
            total = _counted(total, _inflate(view, start, MAX_STREAM_BYTES, False)[0] or 0, name)
    if any(calls for _, _, calls in drawings.values()):
        # PDFium parses a form XObject again at every use: a 3 KB form drawn 20,000 times is 60 MB of
        # instructions, 1 GB of objects (and 3 minutes of pdfminer)
        expanded = _expanded(drawings, _xobject_names(data, object_streams))
        if expanded > MAX_DRAWING_CONTENT:
            raise ReadError(f"{name}：PDF 的绘制指令异常庞大（反复引用的图形展开后超过 "
                            f"{MAX_DRAWING_CONTENT // 1048576} MB），远超年度报告，可能已损坏或被恶意构造，未读取。"
                            "请改传 Word 或网页版本。")
    span, entries = _widths_anywhere(data, object_streams)
    if span > MAX_FONT_CODES:
        raise ReadError(f"{name}：PDF 的字体宽度表声明了异常多的字符（可能已损坏或被恶意构造），未读取。"
                        "请改传 Word 或网页版本。")
    too_much = (too_much_drawing or drawing > MAX_DRAWING_CONTENT or entries > MAX_WIDTH_ENTRIES
                or entries * drawing // 2 > MAX_WIDTH_LOOKUPS)
    return Scan(too_much, _font_descents(data, object_streams), object_streams)


_DESCRIPTOR = re.compile(rb"/Type\s*/FontDescriptor\b")
_DICT_TOKEN = re.compile(rb"<<|<[0-9A-Fa-f\s]*>|>>")
_FONT_NAME = re.compile(rb"/FontName\s*/([^\s/\[\]<>(){}%]+)")
_DESCENT = re.compile(rb"/Descent\s+([-+]?(?:\d+\.?\d*|\.\d+))(?!\s+\d+\s+R)")
_SUBSET = re.compile(rb"^[A-Z]{6}\+")


def _font_descents(data: bytes, object_streams: list[bytes]) -> dict[bytes, float | None]:
    """Each font descriptor's /Descent (0 when it has none, as pdfminer reads it) by /FontName without
    its subset tag; None for a name whose descriptors disagree. PDFium takes the descent from the
    font program when a descriptor gives neither ascent nor descent (LibreOffice writes 0 and 0),
    which would put a character's box up to a font size lower than pdfminer did."""
    found: dict[bytes, float | None] = {}
    for text in (data, *object_streams):
        for m in _DESCRIPTOR.finditer(text):
            body = _enclosing_dict(text, m.start())
            name = _FONT_NAME.search(body)
            if not name:
                continue
            key = _SUBSET.sub(b"", re.sub(rb"#([0-9A-Fa-f]{2})", lambda h: bytes([int(h.group(1), 16)]), name.group(1)))
            descent = _DESCENT.search(body)
            value = float(descent.group(1)) if descent else 0.0 if b"/Descent" not in body else None
            found[key] = value if found.get(key, value) == value else None
    return found


def _enclosing_dict(text: bytes, at: int) -> bytes:
    """The dictionary « … » around offset `at` (hex strings skipped), or a short stretch around it."""
    start, depth = None, 0
    tokens = list(_DICT_TOKEN.finditer(text, max(at - 4096, 0), at))
    for t in reversed(tokens):
        if t.group() == b">>":
            depth += 1
        elif t.group() == b"<<":
            if depth == 0:
                start = t.start()
                break
            depth -= 1
    if start is None:
        return text[at:at + 512]
    depth = 0
    for t in _DICT_TOKEN.finditer(text, start, min(start + 8192, len(text))):
        if t.group() == b"<<":
            depth += 1
        elif t.group() == b">>":
            depth -= 1
            if depth == 0:
                return text[start:t.end()]
    return text[start:start + 2048]


_INFLATE_LIMIT = 1040  # deflate inflates a byte to at most 1,032 bytes (and a few more for headers)


def _counted(total: int, size: int, name: str) -> int:
    """`total` + `size` inflated bytes, refusing the file past either limit."""
    total += size
    if size > MAX_STREAM_BYTES or total > MAX_INFLATED_BYTES:
        raise ReadError(f"{name}：PDF 内含异常巨大的压缩数据（解压后超过 {MAX_STREAM_BYTES // 1048576} MB），"
                        "可能已损坏或被恶意构造，未读取。请改传 Word 或网页版本。")
    return total


def _xobject_names(data: bytes, object_streams: list[bytes]) -> dict[bytes, set[int]]:
    """Each name of the files' /XObject resource dictionaries with the objects it stands for."""
    names: dict[bytes, set[int]] = {}
    for text in (data, *object_streams):
        for resources in _XOBJECTS.finditer(text):
            for entry in _RESOURCE.finditer(resources.group(1)):
                names.setdefault(entry.group(1), set()).add(int(entry.group(2)))
    return names


def _direct_length(data: bytes, head: bytes, start: int) -> int | None:
    """A stream's /Length when it is a number and "endstream" follows the data it measures (what
    PDFium reads then); None when the length is elsewhere or wrong."""
    declared = re.search(_LENGTH, head)
    if declared:
        end = start + int(declared.group(1))
        if data[end:end + 24].lstrip().startswith(b"endstream"):
            return int(declared.group(1))
    return None


def _stream_start(data: bytes, pos: int) -> int | None:
    """Offset of a stream's data after the keyword "stream" (which ends at `pos`), or None when the
    word is not the keyword (it must be followed by an end of line)."""
    while pos < len(data) and data[pos] in b" \t":
        pos += 1
    if data[pos:pos + 2] == b"\r\n":
        return pos + 2
    if data[pos:pos + 1] in (b"\n", b"\r"):
        return pos + 1
    return None


def _raw_length(data: bytes, head: bytes, start: int) -> int:
    """Length of a stream's raw data: its direct /Length when "endstream" follows it, else up to the
    next "endstream" (the end of the file when there is none)."""
    declared = _direct_length(data, head, start)
    if declared is not None:
        return declared
    end = data.find(b"endstream", start)
    return (len(data) if end == -1 else end) - start


def _inflate(view: memoryview, start: int, limit: int, keep: bool) -> tuple[int | None, bytes, bytes]:
    """(inflated size counted up to just past `limit`, its first bytes, all of it when `keep`) of the
    zlib stream at `start`; size None when no zlib stream starts there."""
    inflater = zlib.decompressobj()
    size, pos, parts = 0, start, []
    first = b""
    try:
        while not inflater.eof:
            chunk = inflater.unconsumed_tail
            if not chunk:
                chunk, pos = view[pos:pos + 65536], pos + 65536
                if not chunk:
                    break
            out = inflater.decompress(chunk, 1 << 20)
            if not first:
                first = out[:256]
            if keep:
                parts.append(out)
            size += len(out)
            if size > limit:
                break
    except zlib.error:
        if not size:
            return None, b"", b""
    return size, first, b"".join(parts)


def _expanded(drawings: dict[int, tuple[int, bool, dict[bytes, int]]], names: dict[bytes, set[int]]) -> int:
    """Bytes of drawing instructions PDFium parses: every page content stream, with each form XObject
    it draws ("/Name Do") counted at every use, forms drawn inside forms multiplied through. A name is
    taken at the largest form it names anywhere in the file (names are per page)."""
    memo: dict[int, int] = {}

    def size(number: int, depth: int) -> int:
        if number in memo:
            return memo[number]
        memo[number] = 0  # a form that draws itself adds nothing more (PDFium stops the loop)
        length, _, calls = drawings[number]
        total = length
        if depth < 12:
            for name, count in calls.items():
                forms = [n for n in names.get(name, ()) if n in drawings and drawings[n][1]]
                if forms:
                    total += count * max(size(n, depth + 1) for n in forms)
        memo[number] = total = min(total, 1 << 40)
        return total
    return sum(size(n, 0) for n, (_, form, _) in drawings.items() if not form)


def _widths_anywhere(data: bytes, object_streams: list[bytes]) -> tuple[int, int]:
    """(codes, entries) of the largest font /W array, direct or referenced as an object: the codes it
    claims, as pdfminer's reader counted them (pdfminer builds an entry for each), and the entries
    PDFium keeps (and searches for every character)."""
    span = entries = 0
    refs: set[int] = set()
    for text in (data, *object_streams):
        for m in _WIDTHS.finditer(text):
            if m.group(1):
                found = _widths(text, m.start(1))
                span, entries = max(span, found[0]), max(entries, found[1])
            else:
                refs.add(int(m.group(2)))
    for number in refs:
        starts = [m.end() - 1 for m in re.finditer(rb"(?<![0-9])%d\s+\d+\s+obj\s*\[" % number, data)]
        starts = [(data, at) for at in starts]
        for stream in object_streams:
            at = _object_in_stream(stream, number)
            if at is not None:
                starts.append((stream, at))
        for text, at in starts:
            found = _widths(text, at)
            span, entries = max(span, found[0]), max(entries, found[1])
    return span, entries


def _object_in_stream(stream: bytes, number: int, opening: bytes = b"[") -> int | None:
    """Offset of object `number` in an object stream (header + data as kept above), if it starts with
    `opening` (an array, or a dictionary for b"<")."""
    head, _, body = stream.partition(b"\nstream\n")
    first = re.search(_FIRST, head)
    if not first:
        return None
    numbers = body[: int(first.group(1))].split()
    for k in range(0, len(numbers) - 1, 2):
        if numbers[k] == b"%d" % number:
            at = int(first.group(1)) + int(numbers[k + 1])
            while at < len(body) and body[at:at + 1].isspace():
                at += 1
            return len(head) + len(b"\nstream\n") + at if body[at:at + 1] == opening else None
    return None


def _widths(text: bytes, at: int) -> tuple[int, int]:
    """(codes, entries) of the /W array starting at `text[at]` ("["), read group by group as
    pdfminer's reader read it: 「c [w1 w2 …]」 covers len([…]) codes in as many entries, 「c_first
    c_last w」 the range in one entry (a trailing 「c_first c_last」 counts too). Counting stops past
    MAX_FONT_CODES codes (the array is refused) or MAX_WIDTH_ENTRIES entries (pdfminer reads the file)."""
    span = entries = 0
    group: list = []  # the elements of the group being read; a list is ("[]", its length)
    inner = None
    for m in _W_TOKEN.finditer(text, at + 1):
        token = m.group()
        if token == b"[":
            if inner is not None:
                break  # nested deeper than a /W array goes: not one
            inner = 0
            continue
        if token == b"]":
            if inner is None:
                break
            group.append(("[]", inner))
            inner = None
        elif inner is not None:
            inner += 1
            if inner > MAX_FONT_CODES:
                return inner, inner
            continue
        else:
            group.append(_number(token))
        if len(group) == 2 and isinstance(group[1], tuple):
            span, entries, group = span + group[1][1], entries + group[1][1], []
        elif len(group) == 3:
            first, second = group[0], group[1]
            if isinstance(first, int) and isinstance(second, int):
                span += max(second - first, 0)
            entries += 1
            group = []
        if span > MAX_FONT_CODES or entries > MAX_WIDTH_ENTRIES:
            break
    if len(group) == 2 and isinstance(group[0], int) and isinstance(group[1], int):
        span, entries = span + max(group[1] - group[0], 0), entries + 1
    return span, entries


def _number(token: bytes) -> int | float | None:
    try:
        return float(token) if b"." in token else int(token)
    except ValueError:
        return None


_INFO = rb"/Info\s+(\d+)\s+(\d+)\s+R"  # compiled when first needed (re keeps it)
_TITLE = rb"/Title\s*([(<])"  # compiled when first needed (re keeps it)
# UTF-8 read as PDFDocEncoding: a lead byte (À–ï) and a continuation byte (its PDFDocEncoding reading)
_MOJIBAKE = ("[\u00c0-\u00ef][\u0080-\u00bf\u2013-\u2044\u2122\u2212\ufb01\ufb02\u0141-\u017e\u0192"
             "\u02c6-\u02dd\u20ac\x00]")  # compiled when first needed (re keeps it)
_ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}


def utf8_title(text: str | None, data: bytes, object_streams: list[bytes]) -> str | None:
    """The title as pdfminer's reader read it when PDFium's looks like UTF-8 read as PDFDocEncoding
    (some tools write the title's UTF-8 bytes without a byte-order mark): from the raw bytes of the
    document information dictionary."""
    if not text or not re.search(_MOJIBAKE, text):
        return text
    raw = _raw_title(data, object_streams)
    if raw is None:
        return text
    return title_text(raw, lambda _: text)


def _raw_title(data: bytes, object_streams: list[bytes]) -> bytes | None:
    """The bytes of the Title string of the trailer's /Info dictionary (the last trailer's)."""
    refs = list(re.finditer(_INFO, data))
    if not refs:
        return None
    number = int(refs[-1].group(1))
    objects = list(re.finditer(rb"(?<![0-9])%d\s+%d\s+obj" % (number, int(refs[-1].group(2))), data))
    if objects:
        body, at = data, objects[-1].end()
        end = data.find(b"endobj", at)
        body = data[at:end if end != -1 else at + 65536]
    else:
        body = None
        for stream in object_streams:
            at = _object_in_stream(stream, number, b"<")
            if at is not None:
                body = stream[at:at + 65536]
        if body is None:
            return None
    m = re.search(_TITLE, body)
    return None if m is None else _pdf_string(body, m.start(1))


def _pdf_string(text: bytes, at: int) -> bytes:
    """The bytes of the literal «(…)» or hex «<…>» string starting at `text[at]`."""
    if text[at:at + 1] == b"<":
        end = text.find(b">", at)
        digits = re.sub(rb"[^0-9A-Fa-f]", b"", text[at + 1:end if end != -1 else len(text)])
        return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode())
    out, depth, i = bytearray(), 0, at + 1
    while i < len(text):
        c = text[i]
        if c == 0x5C:  # backslash
            nxt = text[i + 1:i + 2]
            if nxt[:1].isdigit() and nxt < b"8":
                digits = re.match(rb"[0-7]{1,3}", text[i + 1:i + 4]).group()
                out.append(int(digits, 8) & 0xFF)
                i += 1 + len(digits)
                continue
            if nxt in (b"\r", b"\n"):  # a line continued
                i += 3 if text[i + 1:i + 3] == b"\r\n" else 2
                continue
            out += _ESCAPES.get(nxt[0], nxt) if nxt else b""
            i += 2
            continue
        if c == 0x28:
            depth += 1
        elif c == 0x29:
            if depth == 0:
                break
            depth -= 1
        out.append(c)
        i += 1
    return bytes(out)
