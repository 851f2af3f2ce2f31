"""Damaged copies of known reports: the ways real documents lose or bend their tables.

Every generator takes a `SyntheticReport` (core.synthetic.make_report), a text shape (one of
core.synthetic.SHAPES) and a `random.Random`, and returns the damaged document as text. The
damage is deterministic from the rng. `judge` scores a parsed report against the known values:
a value is right, null-and-flagged (listed in `unread` or named by a warning), null-and-silent,
or wrong; and an R1–R4 error the undamaged rendering does not raise is a false error.

Used by tests/test_adversarial.py and benchmarks/damage_accuracy.py.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from core import fields as F
from core.synthetic import (SECTION_TITLES, LCell, SyntheticReport, _collapsed, _grid_rows, layout_t2,
                            layout_t3, layout_t4, narrative, render_text)

ERRORS = ("R1", "R2", "R3", "R4")


# ---- a renderer with hooks (same output as core.synthetic.render_text when nothing is damaged) ----

@dataclass
class Row:
    """One table row as the shape prints it: label cells, the value cells, trailing padding."""

    labels: list[str]
    values: list[str] = field(default_factory=list)
    pad: list[str] = field(default_factory=list)
    key: str | None = None  # Table 3 row key; None for a header row

    @property
    def cells(self) -> list[str]:
        return self.labels + self.values + self.pad

    @property
    def label(self) -> str:
        """The row's own label (the last non-empty label cell)."""
        return next((c for c in reversed(self.labels) if c.strip()), "")

    def set_label(self, text: str) -> None:
        for i in range(len(self.labels) - 1, -1, -1):
            if self.labels[i].strip():
                self.labels[i] = text
                return


@dataclass
class Raw:
    """A line printed as it is, outside the shape (page footers, a row printed as plain text)."""

    text: str


def t3_keys(template: str) -> list[str]:
    return ["new_received", "carried_over", *F.outcome_rows(template), "total", "carried_forward"]


def shape_rows(layout: list[list[LCell]], shape: str) -> list[list[str]]:
    if shape == "tab_grid":
        return _grid_rows(layout)
    return _collapsed(layout, pad=shape in ("tab_collapsed", "pipes"))


def t3_rows(report: SyntheticReport, shape: str) -> list[Row]:
    """Table 3 in `shape`: three header rows, then one keyed Row per template row."""
    layout = layout_t3(report)
    rows = shape_rows(layout, shape)
    bare = _collapsed(layout, pad=False)
    out = [Row(list(r)) for r in rows[:3]]
    for key, r, b in zip(t3_keys(report.template), rows[3:], bare[3:]):
        end = 10 if shape == "tab_grid" else len(b)
        out.append(Row(list(r[:end - 7]), list(r[end - 7:end]), list(r[end:]), key))
    return out


def plain_rows(layout: list[list[LCell]], shape: str) -> list[Row]:
    return [Row(list(r)) for r in shape_rows(layout, shape)]


def emit(shape: str, rows: list[Row | Raw]) -> list[str]:
    out: list[str] = []
    for row in rows:
        if isinstance(row, Raw):
            out.append(row.text)
        elif shape in ("tab_grid", "tab_collapsed"):
            out.append("\t".join(row.cells))
        elif shape == "pipes":
            out.append("| " + " | ".join(row.cells) + " |")
        elif shape == "cells":
            out += ["\t" + c for c in row.cells] + [""]
        elif shape == "pipe_cells":
            out += [c + "|" for c in row.cells] + [""]
        else:
            raise ValueError(shape)
    return out


def assemble(report: SyntheticReport, tables: dict[str, list[str]], parts: dict[str, list[str]] | None = None) -> str:
    """The document around three tables already printed as lines (as render_text lays it out)."""
    parts = parts or narrative(report)
    out = [parts["title"][0], "", SECTION_TITLES["一"], *parts["一"], ""]
    for number in ("二", "三", "四"):
        out += [SECTION_TITLES[number], ""] + tables[number] + [""]
    for number in ("五", "六"):
        out += [SECTION_TITLES[number], *parts[number], ""]
    out += parts["sign"]
    return "\n".join(out) + "\n"


def render(report: SyntheticReport, shape: str, t3: list[Row | Raw] | None = None,
           t2: list[str] | None = None, t4: list[str] | None = None) -> str:
    tables = {
        "二": t2 if t2 is not None else emit(shape, plain_rows(layout_t2(report), shape)),
        "三": emit(shape, t3 if t3 is not None else t3_rows(report, shape)),
        "四": t4 if t4 is not None else emit(shape, plain_rows(layout_t4(report), shape)),
    }
    return assemble(report, tables)


def undamaged(report: SyntheticReport, shape: str) -> str:
    return render_text(report, shape)


# ---- 1. label_chars_dropped ---------------------------------------------------------------------

_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七][）)]|\d+[.．、])")


def drop_chars(label: str, rng: random.Random) -> str:
    """`2.其他法律行政法规禁止公开` → `2.其他法律行政止公开`: 1–3 characters after the ordinal gone,
    at least two of the label's own characters left."""
    m = _ORDINAL.match(label)
    head, body = (label[:m.end()], label[m.end():]) if m else ("", label)
    if len(body) < 3:
        return label
    k = rng.randint(1, min(3, len(body) - 2))
    at = rng.randrange(0, len(body) - k + 1)
    return head + body[:at] + body[at + k:]


def label_chars_dropped(report: SyntheticReport, shape: str, rng: random.Random) -> str:
    rows = t3_rows(report, shape)
    data = [r for r in rows if r.key]
    for row in rng.sample(data, rng.randint(1, 3)):
        row.set_label(drop_chars(row.label, rng))
    return render(report, shape, rows)


# ---- 2. label_variant -----------------------------------------------------------------------------

# (template text, variants seen in real reports)
VARIANTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("属于行政执法案卷", ("属于行政执法案件", "行政执法案卷")),
    ("行政规范性文件", ("规范性文件",)),
    ("上年结转政府信息公开申请数量", ("上年转结政府信息公开申请数量", "上年结转申请数量", "上年度结转政府信息公开申请数量")),
    ("结转下年度继续办理", ("转结下年度继续办理", "结转下年度继续办理的申请")),
    ("危及“三安全一稳定”", ('危及"三安全一稳定"', "危及「三安全一稳定」", "危及‘三安全一稳定’", "危及三安全一稳定")),
    ("本机关不掌握相关政府信息", ("本机关不掌握相关信息", "本机关不掌握相关政府信息的")),
    ("没有现成信息需要另行制作", ("没有现成信息", "没有现成信息需另行制作")),
    ("本年新收政府信息公开申请数量", ("本年新收申请数量", "本年新收政府信息公开申请")),
    ("属于三类内部事务信息", ("三类内部事务信息", "属于三类内部事务")),
    ("属于四类过程性信息", ("四类过程性信息", "属于四类过程信息")),
    ("属于国家秘密", ("国家秘密", "属于国家秘密的")),
    ("属于行政查询事项", ("行政查询事项", "属于行政查询类事项")),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ("（二）部分公开",)),
    ("要求行政机关确认或重新出具已获取信息", ("要求行政机关确认或重新出具已获取的信息", "要求确认或重新出具已获取信息")),
    ("申请人无正当理由逾期不补正", ("申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",)),
    ("申请人逾期未按收费通知要求缴纳费用", ("申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",)),
    ("无正当理由大量反复申请", ("无正当理由大量反复申请的",)),
    ("3.其他", ("3.其它",)),
    ("（七）总计", ("（七）合计", "（七）总 计")),
    ("社会公益组织", ("公益组织",)),
)


def label_variant(report: SyntheticReport, shape: str, rng: random.Random) -> str:
    text = render(report, shape)
    chosen = rng.sample(VARIANTS, rng.randint(1, len(VARIANTS)))
    for template_text, variants in chosen:
        text = text.replace(template_text, rng.choice(variants))
    return text


# ---- 3. traditional characters ----------------------------------------------------------------

_PHRASES = {"重复": "重複", "反复": "反覆", "关系": "關係", "制发": "製發", "制作": "製作", "采购": "採購", "答复": "答覆",
            "于": "於"}
_CHARS = dict(zip(
    "规处罚总计结转继续办开请数发废现执强费复议诉讼维纠审国务护权内过询单为与关从补确认获报举访类应实况态机构业会组织险稳经决许动项条录"
    "区县卫东财运输场监资员环设门龙丰宝鲁郏钢顶华贯彻统据够问题将训产无没后缴纳减对们这护范万额金属险针经验满达传众书号专网络",
    "規處罰總計結轉繼續辦開請數發廢現執強費復議訴訟維糾審國務護權內過詢單為與關從補確認獲報舉訪類應實況態機構業會組織險穩經決許動項條錄"
    "區縣衛東財運輸場監資員環設門龍豐寶魯郟鋼頂華貫徹統據夠問題將訓產無沒後繳納減對們這護範萬額金屬險針經驗滿達傳眾書號專網絡"))


def to_traditional(text: str) -> str:
    for simple, trad in _PHRASES.items():
        text = text.replace(simple, trad)
    return "".join(_CHARS.get(ch, ch) for ch in text)


def traditional(report: SyntheticReport, shape: str, rng: random.Random) -> str:
    """Labels of all three tables in 繁體 (a report typed in Hong Kong / Taiwan fonts, or a converted
    page), or the whole text."""
    if rng.random() < 0.5:
        return to_traditional(render(report, shape))
    value = re.compile(r"[+\-]?[\d.,]+(?:万元|元)?|无")
    label = lambda c: c if value.fullmatch(c.strip()) else to_traditional(c)  # noqa: E731
    conv = lambda rows: [Row([label(c) for c in r.labels], r.values, r.pad, r.key) for r in rows]  # noqa: E731
    t2 = emit(shape, conv(plain_rows(layout_t2(report), shape)))
    t4 = emit(shape, conv(plain_rows(layout_t4(report), shape)))
    t3 = conv(t3_rows(report, shape))
    # a header row of Table 4 holds only labels; Table 2's value rows keep their numbers
    return render(report, shape, t3, t2=t2, t4=t4)


# ---- 4. page_break_split --------------------------------------------------------------------------

FOOTERS = ("— {n} —", "- {n} -", "第 {n} 页 共 6 页", "第{n}页", "{n}", "-{n}-")


def _footer(rng: random.Random) -> list[Raw]:
    text = rng.choice(FOOTERS).format(n=rng.randint(2, 5))
    around = rng.choice(((), ("",)))
    return [Raw(x) for x in (*around, text, *around)]


def _blank_values(row: Row) -> Row:
    return Row(list(row.labels), [""] * len(row.values), [""] * len(row.pad), row.key)


def _blank_labels(row: Row) -> Row:
    return Row([""] * len(row.labels), list(row.values), list(row.pad), row.key)


def split_label(label: str, rng: random.Random) -> tuple[str, str]:
    """`2.其他法律行政法规禁止公开` → (`2.其他法律行政法`, `规禁止公开`): a cut inside the label's words."""
    m = _ORDINAL.match(label)
    lo = (m.end() if m else 0) + 1
    if len(label) - lo < 2:
        return label, ""
    at = rng.randint(lo, len(label) - 1)
    return label[:at], label[at:]


def page_break_split(report: SyntheticReport, shape: str, rng: random.Random) -> str:
    """A page break inside Table 3 (footer and maybe the repeated header between two rows, or between
    a row's label and its numbers), or a label wrapped mid-word around its numbers."""
    keys = t3_keys(report.template)
    return page_break_text(report, shape, rng.choice(keys),
                           rng.choice(("between_rows", "label_then_numbers", "wrapped", "wrapped_over_page")),
                           footer=_footer(rng), repeat_header=rng.random() < 0.5, rng=rng)


def page_break_text(report: SyntheticReport, shape: str, key: str, how: str, footer: list[Raw] | None = None,
                    repeat_header: bool = False, cut: int | None = None, rng: random.Random | None = None) -> str:
    """`how`: between_rows (footer before row `key`), label_then_numbers (the row's label, the footer,
    then its numbers), wrapped (label part 1 / numbers / part 2), wrapped_over_page (part 1 and the
    numbers, the footer, part 2). `cut`: where the label is wrapped (default: drawn from rng)."""
    rows = t3_rows(report, shape)
    footer = footer if footer is not None else [Raw("— 3 —")]
    header = [Row(list(r.labels)) for r in rows[:3]] if repeat_header else []
    out: list[Row | Raw] = list(rows[:3])
    for row in rows[3:]:
        if row.key != key:
            out.append(row)
            continue
        if how == "between_rows":
            out += footer + header + [row]
        elif how == "label_then_numbers":
            out += [_blank_values(row)] + footer + header + [_blank_labels(row)]
        else:
            if cut is None:
                first, second = split_label(row.label, rng or random.Random(0))
            else:
                first, second = row.label[:cut], row.label[cut:]
            top = _blank_values(row)
            top.set_label(first)
            bottom = Row([""] * len(row.labels), [""] * len(row.values), [""] * len(row.pad), row.key)
            bottom.labels[-1] = second
            if how == "wrapped":
                out += [top, _blank_labels(row), bottom]
            else:  # the first half and the numbers on one page, the rest of the label on the next
                out += [top, _blank_labels(row)] + footer + header + [bottom]
    return render(report, shape, out)


# ---- 5. outside_table -----------------------------------------------------------------------------

def outside_table(report: SyntheticReport, shape: str, rng: random.Random) -> str:
    """The last row(s) of Table 3 printed as plain lines after the table: values between spaces."""
    return outside_table_text(report, shape, rng.choice((1, 1, 2)), rng.choice((" ", " ", "  ", "\u3000", "   ")),
                              blank_line=rng.random() < 0.5)


def outside_table_text(report: SyntheticReport, shape: str, n: int, sep: str, blank_line: bool) -> str:
    rows = t3_rows(report, shape)
    kept, moved = rows[:-n], rows[-n:]
    lines = [sep.join([c for c in r.labels if c.strip()] + [v for v in r.values if v.strip()]) for r in moved]
    t3 = emit(shape, kept)
    if blank_line and t3 and t3[-1] != "":
        t3.append("")
    t3 += lines
    tables = {"二": emit(shape, plain_rows(layout_t2(report), shape)), "三": t3,
              "四": emit(shape, plain_rows(layout_t4(report), shape))}
    return assemble(report, tables)


# ---- 6. pipe shapes real tools produce ------------------------------------------------------------

def pipe_tool(report: SyntheticReport, shape: str, rng: random.Random) -> str:
    return pipe_tool_text(report, rng.choice(("|", "||||", "", "||")), colspan_pipes=rng.random() < 0.6,
                          split_headers=rng.random() < 0.6, split_labels=rng.random() < 0.4)


def pipe_tool_text(report: SyntheticReport, sep: str, colspan_pipes: bool, split_headers: bool,
                   split_labels: bool) -> str:
    """One cell per line ending in `|` as an HTML-to-text tool prints it: the cells the HTML holds
    (no placeholder where a rowspan covers), a colspan as extra pipes (`1|||`, an empty one as
    ` |||`), rows separated by a line `sep` (`|`, `||||`, or blank), and a header cell's <br> as a
    line break (`商业` / `企业|`); with `split_labels`, long row labels broken the same way."""

    def cell_lines(cell: LCell, header: bool) -> list[str]:
        text = cell.text
        lines: list[str] = []
        if text and ((header and split_headers and len(text) in (4, 6))
                     or (not header and split_labels and len(text) > 12 and not text[-1].isdigit())):
            at = len(text) // 2
            lines.append(text[:at])
            text = text[at:]
        pipes = "|" * (cell.colspan if colspan_pipes else 1)
        lines.append((text if text.strip() else " " if colspan_pipes and cell.colspan > 1 else text) + pipes)
        return lines

    def table(layout: list[list[LCell]], header_rows: int) -> list[str]:
        out: list[str] = []
        for ri, row in enumerate(layout):  # the cells an HTML table has: a merged cell once
            for cell in row:
                out += cell_lines(cell, ri < header_rows)
            out.append(sep)
        return out

    tables = {"二": table(layout_t2(report), 0), "三": table(layout_t3(report), 3), "四": table(layout_t4(report), 3)}
    return assemble(report, tables)


# ---- 7. flattened -----------------------------------------------------------------------------------

def _collapse(text: str) -> str:
    return re.sub(r"[\s\u00a0\u3000]+", " ", text).strip()


def flatten(report: SyntheticReport, header: bool = False, para_sep: str = "") -> str:
    """The page's textContent: every cell's text run together with no separator, whitespace runs
    collapsed, sections concatenated; with `header`, a crawler's title block before the one line."""
    parts = narrative(report)
    chunks = [parts["title"][0], SECTION_TITLES["一"], *parts["一"]]
    for number, layout in (("二", layout_t2(report)), ("三", layout_t3(report)), ("四", layout_t4(report))):
        chunks.append(SECTION_TITLES[number])
        chunks.append("".join(c.text for row in layout for c in row))
    for number in ("五", "六"):
        chunks += [SECTION_TITLES[number], *parts[number]]
    chunks += parts["sign"]
    line = _collapse(para_sep.join(chunks))
    if not header:
        return line + "\n"
    return (f"标题: {report.agency}{report.year}年度政府信息公开工作年度报告\n"
            f"发布时间: {report.fields['meta.published']} 15:07\n"
            f"==================== 正文 ====================\n{line}\n")


def flattened(report: SyntheticReport, shape: str, rng: random.Random) -> str:
    return flatten(report, header=rng.random() < 0.5, para_sep=rng.choice(("", "", " ")))


# ---- 8. table4_interleaved ------------------------------------------------------------------------

def table4_line(report: SyntheticReport, sep: str) -> str:
    words = []
    for g, _ in F.REVIEW_GROUPS:
        if g == "review":
            words.append("行政复议")
        elif g == "litigation_direct":
            words += ["行政诉讼", "未经复议直接起诉"]
        else:
            words.append("复议后起诉")
        for c, label in F.REVIEW_COLUMNS:
            v = report.fields.get(f"{g}.{c}")
            words += [label, report.blank if v is None else str(v)]
    return sep.join(w for w in words if w.strip() or sep == "")


def table4_interleaved(report: SyntheticReport, shape: str, rng: random.Random) -> str:
    return render(report, shape, t4=[table4_line(report, rng.choice((" ", "", "\u3000", "  ")))])


# ---- 9. truncated ---------------------------------------------------------------------------------

def truncated(report: SyntheticReport, shape: str, rng: random.Random) -> str:
    """Only the first part of the document, cut inside Table 3 (a flip-book page), or only the part
    from a Table 3 row on. The cut is at a line (or cell) boundary, never inside a number."""
    keys = t3_keys(report.template)
    at = rng.randrange(1, len(keys))  # at least one data row on either side
    if rng.random() < 0.5:
        partial = rng.randint(1, 6) if shape in ("cells", "pipe_cells") and rng.random() < 0.5 else 0
        return truncated_head(report, shape, keys[at], partial, trailing_blank=rng.random() < 0.5)
    return truncated_tail(report, shape, keys[at])


def truncated_head(report: SyntheticReport, shape: str, key: str, partial: int = 0, trailing_blank: bool = True) -> str:
    """Everything before Table 3's row `key`; with `partial`, that row's label and its first
    `partial` values (a cell-per-line page that ends inside a row)."""
    rows = t3_rows(report, shape)
    at = next(i for i, r in enumerate(rows) if r.key == key)
    head: list[Row | Raw] = list(rows[:at])
    if partial:
        head.append(Row(list(rows[at].labels), rows[at].values[:partial], [], key))
    t3 = emit(shape, head)
    if not trailing_blank and t3 and t3[-1] == "":
        t3.pop()
    text = render(report, shape, t3=[Raw(x) for x in t3])
    return text[:text.index(SECTION_TITLES["四"])].rstrip("\n") + "\n"


def truncated_tail(report: SyntheticReport, shape: str, key: str) -> str:
    """Everything from Table 3's row `key` on."""
    rows = t3_rows(report, shape)
    text = render(report, shape)
    first = "\n".join(emit(shape, [next(r for r in rows if r.key == key)]))
    return text[text.index(first):]


KINDS = {
    "label_chars_dropped": label_chars_dropped,
    "label_variant": label_variant,
    "traditional": traditional,
    "page_break_split": page_break_split,
    "outside_table": outside_table,
    "pipe_tool": pipe_tool,
    "flattened": flattened,
    "table4_interleaved": table4_interleaved,
    "truncated": truncated,
}


def damage(kind: str, report: SyntheticReport, shape: str, rng: random.Random) -> str:
    return KINDS[kind](report, shape, rng)


# ---- judging ----------------------------------------------------------------------------------------

STRICT_META = ("meta.template", "meta.year")  # counted with the table cells
LOOSE = ("proactive.published_total", "processing_fee.yuan", "meta.published")  # only a wrong value counts


@dataclass
class Verdict:
    known: int = 0
    right: int = 0
    null_flagged: int = 0
    null_silent: list[str] = field(default_factory=list)  # known value, parsed null, nothing said
    wrong: list[tuple[str, object, object]] = field(default_factory=list)  # (key, expected, parsed)
    false_errors: list[tuple[str, tuple[str, ...], str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.null_silent or self.wrong or self.false_errors)

    def explain(self) -> str:
        out = []
        if self.wrong:
            out.append("wrong values: " + "; ".join(f"{k}: expected {e!r}, parsed {p!r}" for k, e, p in self.wrong[:12]))
        if self.null_silent:
            out.append("null without a flag: " + ", ".join(self.null_silent[:12]))
        if self.false_errors:
            out.append("false errors: " + " | ".join(f"{r} {m}" for r, _, m in self.false_errors[:5]))
        return "\n".join(out)


def errors_of(parsed) -> set[tuple[str, tuple[str, ...], str]]:
    return {(w.rule, tuple(w.keys), w.message) for w in parsed.warnings if w.severity == "error" and w.rule in ERRORS}


def judge(report: SyntheticReport, parsed, baseline=None) -> Verdict:
    """Score `parsed` (a core.record.Report) against the report it was rendered from. `baseline` is
    the parse of the undamaged rendering: its own R1–R4 errors are not held against the damage."""
    v = Verdict()
    if parsed.error is not None:
        keys = F.template_keys(report.template) + list(STRICT_META)
        v.known = len(keys)
        v.null_silent = keys  # a refusal names no key; the test shows the error message
        v.wrong.append(("<error>", None, parsed.error))
        return v
    flagged = set(parsed.unread) | {k for w in parsed.warnings for k in w.keys}
    got = parsed.fields
    known = F.template_keys(report.template) + list(STRICT_META)
    for key in known:
        expected = report.fields.get(key)
        value = got.get(key)
        v.known += 1
        if value is not None and value != expected:
            v.wrong.append((key, expected, value))
        elif value is None and expected is not None:
            if key in flagged:
                v.null_flagged += 1
            else:
                v.null_silent.append(key)
        elif value is None and key in parsed.unread:
            v.null_flagged += 1  # a printed blank the parser could not see
        else:
            v.right += 1
    for key in LOOSE:
        if got.get(key) is not None and got.get(key) != report.fields.get(key):
            v.wrong.append((key, report.fields.get(key), got.get(key)))
    template_cells = set(known)
    for key, value in got.items():
        if value is not None and key not in template_cells and key not in LOOSE and not key.startswith("meta."):
            v.wrong.append((key, None, value))  # a cell the template of this report does not have
    before = {(r, k) for r, k, _ in errors_of(baseline)} if baseline is not None else set()
    v.false_errors = sorted(e for e in errors_of(parsed) if (e[0], e[1]) not in before)
    return v
