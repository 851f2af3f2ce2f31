"""A report flattened onto one line, as a web crawler's page text keeps it: the sections run
together and every table cell follows the one before with at most a space, so a Table 3 row reads
「一、本年新收政府信息公开申请数量 713000074二、上年结转…」.

This module splits such a paragraph back into the section headings, the prose, and one table row
per printed row label (label + the run of numbers after it). It knows the template's section
headings and numbering, not its rows: naming the rows and splitting runs of digits into cells is
the parser's work, on tables marked `joined`.
"""
from __future__ import annotations

import re

from core import narrative
from core.grid import Block, Cell, Paragraph, Table

# The template's section headings; 「四、结转下年度…」「一、本年新收…」 (Table 3 rows) do not match.
_SECTION = re.compile(r"[一二三四五六][、.．](?=总体情况|概述|主动公开政府信息|收到和处理政府信息公开申请|政府信息公开行政|"
                      r"行政复议|存在的主要问题|其他需要报告|其他需报告)")
_HEADING = re.compile(r"[一二三四五六][、.．][^。，,；;：:\d]{2,30}?(?:情况|事项|概述|计划|措施|打算|安排)")
# Words only a table header prints: a paragraph holding one of them and numbers is a flattened table.
_MARKS_BY_KIND = {"T2": ("信息内容", "本年制发件数", "本年处理决定数量", "新制作数量"),
                  "T3": ("申请人情况", "勾稽关系"),
                  "T4": ("结果维持结果纠正", "未经复议直接起诉", "复议后起诉")}
_TABLE_MARKS = tuple(m for marks in _MARKS_BY_KIND.values() for m in marks)
# where a flattened table begins when no section heading precedes it in the paragraph
_TABLE_STARTS = _TABLE_MARKS + ("第二十条", "（本列数据")
_BLANK_CELL = "\x01"  # a 「无」 cell while the row is cut into cells
_VALUE_CHARS = re.compile(r"[\d.,．/／—－+\-\s\u00a0\u3000\x01]+")
_TOKEN = re.compile(r"[+\-]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:万元|元|笔)?|[/／—－]+|\x01")
_CELL_UNIT = re.compile(r"万元|元|笔")
# where a label starts inside the text between two runs of numbers: 「（三）」「四、」「2.」「3、」
_LABEL_START = re.compile(r"(?<!第)[(（][一二三四五六七八九十][)）](?!项)|(?<![\d第])[一二三四][、.．]|(?<!\d)\d[、.．](?=\D)"
                          r"|(?<=件数)|(?<=数量)|(?<=金额)|(?<=信息内容)|(?<=万元）)|(?<=万元\))")
_UNITS = set("年月日%％件条个项次元")
MIN_CHARS = 60


def is_flattened(p: Paragraph) -> bool:
    """A long paragraph that holds a table header and numbers: a page flattened onto one line."""
    text = re.sub(r"\s+", "", p.text)
    return len(text) >= MIN_CHARS and any(m in text for m in _TABLE_MARKS) and bool(re.search(r"\d", text))


def table_kinds(text: str) -> set[str]:
    """Which tables ('T2', 'T3', 'T4') a text holds header words of."""
    text = re.sub(r"\s+", "", text)
    return {kind for kind, marks in _MARKS_BY_KIND.items() if any(m in text for m in marks)}


def unflatten(p: Paragraph) -> list[Block]:
    """The paragraph as section headings, prose paragraphs and one-row joined tables. A section
    is read as a table when its heading announces one (二、三、四); text outside the sections only
    when it holds a table header."""
    text = p.text
    cuts = [m.start() for m in _SECTION.finditer(text)]
    if not cuts:  # a piece of a page: the table begins at its first header words, or at the
        # start when no sentence precedes them (「行政复议 结果维持 0 结果纠正 1 … 未经复议直接起诉 …」)
        first = min((i for i in (text.find(m) for m in _TABLE_STARTS) if i >= 0), default=0)
        cuts = [0 if not re.search(r"[。，,；;]", text[:first]) else first]
    out: list[Block] = []
    pieces = [(0, cuts[0])] + list(zip(cuts, cuts[1:] + [len(text)]))
    for start, end in pieces:
        piece = text[start:end].strip()
        if not piece:
            continue
        heading = _HEADING.match(piece)
        body = piece
        if heading:
            out.append(Paragraph(heading.group(0), p.where))
            body = piece[heading.end():].strip()
            is_table = narrative.heading_kind(heading.group(0)) in ("T2", "T3", "T4")
        else:
            is_table = any(m in re.sub(r"\s+", "", body) for m in _TABLE_MARKS)
        if is_table and re.search(r"\d", body):
            out.extend(_rows(body, p.where))
        elif body:
            out.extend(_signature_apart(body, p.where))
    return out


_SIGNED = re.compile(r"(?:[。；;）)]|^)\s*([^。；;，,\d]{2,40}?)?\s*((?:19|20)\d{2}年\d{1,2}月\d{1,2}日)\s*"
                     r"(?:附件下载|附件：.{0,60}|打印本页|【?打印】?|关闭窗口|【?关闭】?)?\s*$")


def _signature_apart(body: str, where: str) -> list[Paragraph]:
    """Prose, with a signature that ends it (「…情况。某某县财政局 2021年1月27日」) as lines of
    its own, as the signature finder expects them."""
    tail = len(body) - len(body[-160:].lstrip())  # the signature is at the end: search there only
    m = _SIGNED.search(body, tail)
    if not m or m.start(2) == 0:
        return [Paragraph(body, where)]
    cut = m.start(1) if m.group(1) else m.start(2)
    parts = [body[:cut].strip(), (m.group(1) or "").strip(), m.group(2)]
    return [Paragraph(t, where) for t in parts if t]


# 「无」 printed for an empty cell: next to a number or another such mark (「数量无31575084无222」),
# never the 无 of a label (「无法提供」「无正当理由」), which a number does not touch
_BLANK_WORD = re.compile(r"[无無](?=[\s无無]*\d)|(?<=[\d/／—－])\s*[无無]+")


def _blank_words(text: str) -> str:
    """The text with each 「无」 that stands for an empty cell marked as one cell of the run of
    numbers (not a label that splits the run; 「无无」 are two cells, unlike a 「——」)."""
    return _BLANK_WORD.sub(lambda m: re.sub("[无無]", _BLANK_CELL, m.group(0)), text)


def _rows(text: str, where: str) -> list[Block]:
    """One joined table row per label and the run of numbers after it; labels with no numbers
    (headers, group labels) are rows of their own."""
    text = _blank_words(text)
    out: list[Block] = []
    label_start = 0
    for run in _VALUE_CHARS.finditer(text):
        start, end = run.start(), run.end()
        chunk, after = run.group(0), text[end:end + 1]
        unit = _CELL_UNIT.match(text, end)
        if unit:  # 「2笔」「984361元」: a cell that prints its unit
            chunk, end = chunk + unit.group(0), unit.end()
        elif after in _UNITS:
            continue  # 「2024年」「100%」: a date or a rate inside a label, not a cell
        # 「…00000002.其他法律…」「…0 1、申请人…」: the last digit numbers the next row
        if after == "、" or (chunk.rstrip()[-1:] in ".．" and re.match(r"[\u4e00-\u9fff(（“\"]", after)):
            ordinal = re.search(r"\d\s*[.．]?\s*$", chunk)
            if ordinal:
                end = start + ordinal.start()
                chunk = text[start:end]
        tokens = _TOKEN.findall(chunk)
        if not any(t[0].isdigit() for t in tokens):
            continue
        label = text[label_start:start]
        if not label.strip() and out and len(out[-1].rows[0]) > 1:  # 「2笔 984361元」: one row
            out[-1].rows[0].extend(Cell(t.replace(_BLANK_CELL, "无"), where) for t in tokens)
            label_start = end
            continue
        parts = _label_parts(label)
        out.extend(Table([[Cell(t, where)]], where, regular=False, joined=True) for t in parts[:-1])
        cells = [Cell(parts[-1] if parts else "", where)] + [Cell(t.replace(_BLANK_CELL, "无"), where) for t in tokens]
        out.append(Table([cells], where, regular=False, joined=True))
        label_start = end
    out.extend(Table([[Cell(t, where)]], where, regular=False, joined=True) for t in _label_parts(text[label_start:]))
    return out


def _label_parts(label: str) -> list[str]:
    """A label split where the template's numbering starts a new label: 「三、本年度办理结果（一）予以公开」
    → 「三、本年度办理结果」「（一）予以公开」."""
    label = label.strip()
    cuts = [m.start() for m in _LABEL_START.finditer(label) if m.start() > 0]
    return [label[a:b].strip() for a, b in zip([0, *cuts], [*cuts, len(label)]) if label[a:b].strip()]


