"""What the prose of a report says: the title (agency and year), the signature (落款 and its date),
the statistics period, the sections, and totals stated in sentences (items published, the
information-processing fee).

Pure functions over the narrative paragraphs; `core.parse` decides which value wins.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

from core import fields as F
from core.grid import Paragraph

CJK = re.compile(r"[\u4e00-\u9fff]")
YEAR = r"((?:19|20)\d{2})"


@lru_cache(maxsize=16384)
def norm(text: str) -> str:
    """Compare form of a label: full-width folded to half-width, every space removed (cached: a
    report repeats the same labels and cells)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


_PUBLISHED = re.compile(r"(?:主动公开|发布|公开发布|公开)[^。；;，,\d]{0,20}?信息(?:共计|共|合计|总计|累计)?"
                        r"(\d{1,3}(?:,\d{3})+|\d+)(?:条|件)(?!以上)")
_TOTAL_WORDS = re.compile(r"共|全年|累计|合计|总计|总数")
FEE_AMOUNT = re.compile(r"处理费[^。；;\d]{0,12}?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(万元|元)")
FEE_NONE = re.compile(r"(?:没有|未|无|不存在|均未|并未|暂无|零)[^。；;]{0,20}?处理费|处理费[^。；;\d]{0,10}?(?:0元|为0|为零|无)"
                      r"|处理费[^。；;]{0,30}?(?:未|没有|均未)(?:收取|产生|收)")


def clauses_with(text: str, word: str, reach: int = 120) -> list[tuple[int, str]]:
    """(start, clause) of each clause (between 。；) holding `word`, at most `reach` characters to
    either side: found from the word outwards, so a text without punctuation stays linear."""
    out = []
    for m in re.finditer(re.escape(word), text):
        lo = max(m.start() - reach, 0)
        start = max(text.rfind(p, lo, m.start()) for p in "。；;") + 1 or lo
        start = max(start, lo)
        ends = [i for i in (text.find(p, m.end(), m.end() + reach) for p in "。；;") if i >= 0]
        out.append((start, text[start:min(ends) if ends else min(m.end() + reach, len(text))]))
    return out


_TITLE = re.compile(r"^(?P<pre>.*?)" + YEAR + r"年度?(?P<mid>.*?)(?:政府信息公开|政务公开)(?:工作)?(?:年度)?(?:工作)?(?:报告|年报)")


def published_total(text: str) -> tuple[int, int, str] | None:
    """(items, offset, sentence) for 「全年主动公开政府信息共774条」: of several such sentences
    (「公开预决算信息8条，全年共主动公开政府信息512条」) the one that says it is the total."""
    best = None
    for m in _PUBLISHED.finditer(text):
        clause_start = max(text.rfind(p, 0, m.start()) for p in "。；;，,") + 1
        lead = text[clause_start:m.end()]
        rank = (bool(_TOTAL_WORDS.search(lead)), "主动公开" in m.group(0), -m.start())
        if best is None or rank > best[0]:
            best = (rank, m)
    if best is None:
        return None
    m = best[1]
    return int(m.group(1).replace(",", "")), m.start(), m.group(0)


def title(paras: list[Paragraph]):
    """(agency, year, where) from the title; a title printed over two lines (淮安市人民政府 /
    2024年政府信息公开工作年度报告) takes the agency from the short line above."""
    for i, p in enumerate(paras):
        t = norm(p.text)
        if len(t) > 80:
            continue
        # 二〇二三年度… : the year in Chinese numerals, as some titles print it
        t = re.sub(r"([〇○零一二三四五六七八九]{4})(?=年)", lambda y: str(_cn_number(y.group(1))), t)
        m = _TITLE.search(t)
        if not m:
            continue
        agency = _clean_agency(m["pre"]) or _clean_agency(m["mid"])
        if not agency and i > 0:
            above = norm(paras[i - 1].text)
            if len(above) <= 30 and CJK.search(above) and not re.search(r"[。，,；;：:]", above):
                agency = _clean_agency(above)
        return agency, int(m.group(2)), p.where
    return None


def _clean_agency(text: str) -> str:
    text = re.sub(r"^(?:关于|附件\d*[:：]?)", "", text)
    text = re.sub(r"(?:关于|的|（|\()$", "", text)
    return text.strip(" ：:，,、")


# a signature line: the date alone, or the agency then the date on one line
_DATE = re.compile(r"^(?P<agency>[\u4e00-\u9fff（）()]{2,40}?)?"
                   r"(?:(?P<y>(?:19|20)\d{2}|[〇○零一二三四五六七八九]{4})年(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})月"
                   r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})日"
                   r"|(?P<y2>(?:19|20)\d{2})[-./](?P<m2>\d{1,2})[-./](?P<d2>\d{1,2}))$")
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0}


def _cn_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if len(text) == 4:
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS[text]


def signature(paras: list[Paragraph]) -> tuple[str | None, str | None, str]:
    """(agency, ISO date, where) of the 落款 at the end of the report, when there is one."""
    tail = paras[-8:]
    for i in range(len(tail) - 1, -1, -1):
        m = _DATE.match(norm(tail[i].text))
        if not m:
            continue
        try:
            parts = (m["y"], m["m"], m["d"]) if m["y"] else (m["y2"], m["m2"], m["d2"])
            date = dt.date(*(_cn_number(x) for x in parts)).isoformat()
        except (KeyError, ValueError):  # 二〇二四年十三月 and the like: not a date
            return None, None, ""
        agency = m["agency"]
        if agency is None and i > 0:
            cand = tail[i - 1].text.strip()
            if len(cand) <= 40 and not re.search(r"[。，,；;：:]", cand) and CJK.search(cand):
                agency = cand
        return agency, date, tail[i].where
    return None, None, ""


def date_below_title(paras: list[Paragraph]) -> tuple[str | None, str]:
    """(ISO date, where) of a date printed under the title, 「（2024年1月20日）」, when the report
    has no signature date."""
    for p in paras[:4]:
        m = _DATE.match(norm(p.text).strip("()（）"))
        if m and not m["agency"]:
            parts = (m["y"], m["m"], m["d"]) if m["y"] else (m["y2"], m["m2"], m["d2"])
            try:
                return dt.date(*(_cn_number(x) for x in parts)).isoformat(), p.where
            except (KeyError, ValueError):
                return None, ""
    return None, ""


def statistics_year(paras: list[Paragraph]):
    for p in paras[:30]:
        m = re.search(r"统计(?:期限|时限|区间|时间)[^。]{0,12}?" + YEAR + r"年", norm(p.text))
        if m:
            return int(m.group(1)), p.where
    return None


def body_year(paras: list[Paragraph], published: str | None):
    counts: dict[int, int] = {}
    first: dict[int, str] = {}
    for p in paras:
        t = norm(p.text)
        if _DATE.match(t):
            continue
        lead = re.match(YEAR + r"年(?:度)?[，,以来]", t)
        if lead:
            return int(lead.group(1)), p.where
        for y in re.findall(YEAR + r"年", t):
            counts[int(y)] = counts.get(int(y), 0) + 1
            first.setdefault(int(y), p.where)
    if not counts:
        return None
    year = max(counts, key=lambda y: (counts[y], -y))
    return year, first[year]


def section(paras: list[Paragraph], number: str) -> list[Paragraph]:
    """The paragraphs of a top-level section (一…六) of the narrative."""
    out, inside = [], False
    for p in paras:
        t = norm(p.text)
        head = re.match(r"^([一二三四五六七八九十]+)[、.．]", t)
        if head and len(t) <= 45:
            inside = head.group(1) == number
            continue
        if inside:
            out.append(p)
    return out


def heading_kind(text: str) -> str | None:
    """'T2'/'T3'/'T4' for a section heading, '' for another top-level heading, None for prose."""
    t = norm(text)
    if len(t) > 45 or not re.match(r"^(?:[一二三四五六七八九十]+|\d+)[、.．]", t):
        return None
    if any(k in t for r in F.APPLICATION_ROWS for k in r.keywords):
        return None  # 「一、本年新收…」「四、结转下年度…」: a Table 3 row label printed as a line
    if re.match(r"^\d", t) and not re.search(r"(?:情况|事项|措施)$", t):
        return None  # 「5.要求行政机关…」: a numbered sub-row, not a section (「3、依申请公开政府信息情况」 is)
    if "主动公开" in t:
        return "T2"
    if "行政复议" in t or "行政诉讼" in t:
        return "T4"
    if "申请" in t:
        return "T3"
    return ""
