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
from itertools import accumulate, zip_longest

from core import fields as F
from core.grid import Paragraph

CJK = re.compile(r"[\u4e00-\u9fff]")
YEAR = r"((?:19|20)\d{2})"


# Traditional characters (繁體) of the words the template and its reports print, folded to the
# simplified ones the labels are matched on: 規章→规章, 處罰→处罚, 總計→总计, 無→无 …
_TRADITIONAL = str.maketrans(
    "規處罰總計結轉繼續辦開請數發廢現執強費復議訴訟維糾審國務護權內過詢單為與關從補確認獲報舉訪類應實況態機構業會組織險穩經決許動項條錄無據間屬會餘囗這規範製對達遞層區縣鄉鎮廳畫劃屆歷營運資訊產來轉傳參單聯絡態讀佈總體問題進況與應檢查專"
    "議統計稅網頁貼張閱覽證紀錄擬執審權態額萬億點種類緩統籌準標準準則載當稱邊頭費號碼線現號於門狀衛僅採購徵創價歸變並還齊們裡",
    "规处罚总计结转继续办开请数发废现执强费复议诉讼维纠审国务护权内过询单为与关从补确认获报举访类应实况态机构业会组织险稳经决许动项条录无据间属会余口这规范制对达递层区县乡镇厅画划届历营运资讯产来转传参单联络态读布总体问题进况与应检查专"
    "议统计税网页贴张阅览证纪录拟执审权态额万亿点种类缓统筹准标准准则载当称边头费号码线现号于门状卫仅采购征创价归变并还齐们里")


def squash(text: str) -> str:
    """Full-width folded to half-width and every space removed: the text as printed, for what is
    quoted (an agency's name keeps its traditional characters)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=16384)
def norm(text: str) -> str:
    """Compare form of a label: `squash`, and traditional characters folded to simplified (cached:
    a report repeats the same labels and cells)."""
    return squash(text).translate(_TRADITIONAL)


# -- processing_fee.yuan ----------------------------------------------------------------------------
_MONEY = r"(\d{1,3}(?:,\d{3}){1,3}(?:\.\d{1,4})?|\d{1,12}(?:\.\d{1,4})?)"  # bounded: no huge ints
FEE_AMOUNT = re.compile(r"处理费[^。；;\d]{0,12}?" + _MONEY + r"\s{0,2}(万元|元)")
# 「没有产生…处理费」「未收取信息处理费」「无收取信息处理费情况」「处理费为0」「处理费均未收取」; not 「申请人
# 逾期未缴纳信息处理费」, which says an applicant did not pay, not that nothing was charged
FEE_NONE = re.compile(r"(?:没有|未|无|均未|并未|暂无|从未|未曾|零)(?:产生|收取|收|发生|涉及|征收)?(?:任何|过)?"
                      r"[^。；;\d缴交付]{0,20}?处理费"
                      r"|(?:不|免予?)(?:产生|收取|收|征收)(?:任何)?[^。；;\d]{0,20}?处理费"
                      r"|处理费[^。；;\d]{0,10}?(?:0元|为0|为零|为无|无)"
                      r"|处理费[^。；;]{0,30}?(?:未|没有|均未|不)(?:收取|产生|收)")
# section 六 only: 「不收取费用」「未收取任何费用」, where 费用 can only mean the processing fee
FEE_NONE_LOOSE = re.compile(r"(?:没有|未|无|不|均未|并未|暂无|从未)(?:产生|收取|收)(?:任何|过)?(?:相关)?费用")
# a fee schedule or a notice, not what was collected
_FEE_NOT_COLLECTED = re.compile(r"标准|每件|每页|超过|超出|通知|应收|应缴|减免|退还|未缴|逾期")
_MAX_FEE_CLAUSES = 50  # a report names the fee a few times; the cap bounds a pathological text


def processing_fee(text: str, loose: bool = False) -> tuple[int | float, int, str] | None:
    """(元, offset, clause) of the first clause stating the information-processing fee collected:
    「收取信息处理费120元」 → 120, 「没有产生…处理费」「无收取信息处理费情况」 → 0. With `loose` (the
    text of section 六, where no other fee is discussed) 「不收取费用」 also gives 0."""
    words = ["处理费"] + (["费用"] if loose else [])
    clauses = sorted({c for w in words for c in clauses_with(text, w)[:_MAX_FEE_CLAUSES]})
    for start, clause in clauses:
        value = fee_from_clause(clause, loose)
        if value is not None:
            return value, start, clause
    return None


def fee_from_clause(clause: str, loose: bool = False) -> int | float | None:
    """元 collected according to one clause, or None when it states neither an amount nor none."""
    actual = re.search(r"实际(?:收取|收费|缴纳)[^。；;\d]{0,12}?" + _MONEY + r"\s{0,2}(万元|元)", clause)
    m = actual or FEE_AMOUNT.search(clause)
    if m and (actual or not _FEE_NOT_COLLECTED.search(clause)):
        return _yuan(m.group(1), m.group(2))
    if FEE_NONE.search(clause) or (loose and FEE_NONE_LOOSE.search(clause)):
        return 0
    return None


def _yuan(number: str, unit: str) -> int | float:
    amount = float(number.replace(",", "")) * (10000 if "万" in unit else 1)
    return int(amount) if amount == int(amount) else round(amount, 2)


# -- fee table in section 六 -------------------------------------------------------------------------
_NUMBER_CELL = re.compile(r"^(?P<n>\d{1,3}(?:,\d{3}){1,3}(?:\.\d{1,4})?|\d{1,12}(?:\.\d{1,4})?)(?P<u>万元|元)?$")
_AMOUNT_WORDS = re.compile(r"金额|数额|元|费用额")
_COUNT_WORDS = re.compile(r"件数|数量|笔数|次数|件|笔|次|人")
_NOTICE_WORDS = re.compile(r"通知|应收|应缴|核定|告知|减免|免收|退还|退费")
_ACTUAL_WORDS = re.compile(r"实际|实收|已收|收取|实缴|已缴|缴纳|到账")


def fee_from_table(rows: list[list[str]]) -> int | float | None:
    """元 actually collected according to a small fee table of section 六 (通知收费 / 实际收取, or
    收费数量 / 收费金额, in either orientation), or None when no single amount is clearly the one
    collected. Each number is judged by the labels above it in its column and left of it in its
    row; a notice amount is never the amount collected, and a blank or 「无」 cell stays unknown."""
    grid = _spread([[norm(c) for c in r] for r in rows])
    if not any(re.search(r"收费|费|收取", c) for r in grid for c in r):
        return None  # not a fee table
    has_notice = any(_NOTICE_WORDS.search(c) for r in grid for c in r if not _NUMBER_CELL.match(c))
    in_wan = any(re.search(r"单位[:：]?万元|\(万元\)", c) for r in grid for c in r)
    amounts, counts = set(), set()
    for i, row in enumerate(grid):
        for j, cell in enumerate(row):
            m = _NUMBER_CELL.match(cell)
            above, left = _labels(grid, i, j)
            if not m or not _is_collected(above, left, has_notice):
                continue
            if _is_amount(above, left, m["u"]):
                wan = m["u"] == "万元" or (not m["u"] and (in_wan or any("万元" in x for x in above + left)))
                amounts.add(_yuan(m["n"], "万元" if wan else "元"))
            else:
                counts.add(float(m["n"].replace(",", "")))
    if amounts:
        return amounts.pop() if len(amounts) == 1 else None
    return 0 if counts == {0} else None  # nothing collected (0 件) means 0 元


def _spread(grid: list[list[str]]) -> list[list[str]]:
    """Label rows widened to the table's width: a merged cell that a reader gave once
    (「通知收费」 over two columns) or left blank to its right is repeated over its span."""
    width = max((len(r) for r in grid), default=0)
    out = []
    for row in grid:
        if row and not any(_NUMBER_CELL.match(c) for c in row):
            if len(row) < width and width % len(row) == 0:
                row = [c for c in row for _ in range(width // len(row))]
            row = list(accumulate(row + [""] * (width - len(row)), lambda a, b: b or a))
        out.append(row)
    return out


def _labels(grid: list[list[str]], i: int, j: int) -> tuple[list[str], list[str]]:
    """Text labels of cell (i, j), nearest first: the column's cells above, the row's cells left."""
    above = [grid[k][j] for k in range(i - 1, -1, -1) if j < len(grid[k])]
    left = [grid[i][k] for k in range(j - 1, -1, -1)]
    return [x for x in above if x and not _NUMBER_CELL.match(x)], [x for x in left if x and not _NUMBER_CELL.match(x)]


def _is_amount(above: list[str], left: list[str], unit: str | None) -> bool:
    """A money cell: a unit in the cell, or an amount word among its labels while neither its
    column header nor its row label is a count (件数, 收费数量)."""
    if unit:
        return True
    if any(_COUNT_WORDS.search(x) and not _AMOUNT_WORDS.search(x) for x in above[:1] + left[:1]):
        return False
    return bool(_AMOUNT_WORDS.search("".join(above + left)))


def _is_collected(above: list[str], left: list[str], has_notice: bool) -> bool:
    """The nearest label that says notice or actual decides (column and row labels taken level by
    level, so a caption such as 「处理费收取情况」 never outranks a 「通知收费」 row label); without a
    notice column every amount is the collected one."""
    for x in (x for pair in zip_longest(above, left) for x in pair if x):
        if _NOTICE_WORDS.search(x) and not re.search(r"实际|实收", x):
            return False
        if _ACTUAL_WORDS.search(x):
            return True
    return not has_notice


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


# -- published_total: only a sentence that states the year's total ---------------------------------
# Every piece is a closed list with bounded repeats, so a match attempt costs a constant and
# finditer stays linear even on a 100k-character line without punctuation.
_VERB = r"(?P<verb>主动公开|公开发布|主动发布|发布|公开|公布)了?"
# 「本机关」「我区各级单位」 … 「各类」「政府」「信息」
_OBJ = (r"(?:本机关|本部门|本单位|本级|[我本全][区市县局委镇乡]{1,2}(?:各级|各)?(?:单位|部门|机关)?)?"
        r"(?:各类|各项|各种|相关)?(?:政府|政务)?(?:信息公开类|公开类)?信息")
_LEAD = r"(?P<pre>共计|共|合计|总计)?"
_CONN = r"(?P<conn>共计|共|合计|总计|总数量?为?|总量为?|数量为?|达到|达|为)?[:：]?"
# an exact count: not 「5500 余条」「1000多条」「3000条以上」「1.2万条」
_COUNT = r"(?P<num>\d{1,3}(?:,\d{3}){1,3}|\d{1,9})\s{0,2}(?:条|件|份)(?!\s{0,2}(?:以上|左右|之多|有余))"
_PUBLISHED = re.compile(_VERB + _LEAD + r"\s{0,2}" + _OBJ + r"\s{0,2}" + _CONN + r"\s{0,2}" + _COUNT)
_PUBLISHED_NUM_FIRST = re.compile(_VERB + _LEAD + r"\s{0,2}" + _COUNT.replace("(?:条|件|份)", "条") + _OBJ)

_TOTAL_WORDS = re.compile(r"共|全年|合计|总计|总数|总量")
# cumulative, earlier-year or part-of-a-total figures, judged on the sentence before the count
_NOT_THIS_YEAR = re.compile(r"累计|累积|历年|截至|截止|至今|迄今|其中")
_NOT_PROACTIVE = re.compile(r"申请|不予|予以|上年|去年|上一年|同期|前年")
CHANNEL = re.compile(r"网站|网页|公众号|微信|微博|平台|客户端|APP|App|app|抖音|头条|视频号|新媒体|专栏|栏目"
                     r"|公开栏|公示栏|报刊|报纸|电视|广播|发布会|小程序")
_MANY_CHANNELS = re.compile(r"、|等|多种|各类|各种|多个|多渠道|各渠道|以及|及|和")
_ANY_COUNT = re.compile(r"\d{1,9}\s{0,2}(?:条|篇|期|次)")


def _back_to(text: str, end: int, stops: str, reach: int) -> int:
    """Start of the stretch ending at `end` that holds none of `stops` (at most `reach` back)."""
    lo = max(end - reach, 0)
    return max([text.rfind(c, lo, end) for c in stops] + [lo - 1]) + 1


def _forward_to(text: str, start: int, stops: str, reach: int) -> int:
    hits = [i for i in (text.find(c, start, start + reach) for c in stops) if i >= 0]
    return min(hits) if hits else min(start + reach, len(text))


def _parallel_channels(text: str, start: int) -> bool:
    """Whether the sentence around `start` lists counts per channel (「在网站发布…条，在公众号发布…条」):
    then one channel's count is a part, never the whole."""
    lo, hi = _back_to(text, start, "。；;！!？?", 200), _forward_to(text, start, "。；;！!？?", 200)
    clauses = re.split(r"[，,]", text[lo:hi])
    return sum(bool(CHANNEL.search(c) and _ANY_COUNT.search(c)) for c in clauses) >= 2


def _in_breakdown(text: str, start: int) -> bool:
    """Whether `start` sits inside a bracketed breakdown 「（其中机构职能类信息82条，…）」, however
    long: a category's count, not the total."""
    lo = max(start - 600, 0)
    opened = max(text.rfind("（", lo, start), text.rfind("(", lo, start))
    closed = max(text.rfind("）", lo, start), text.rfind(")", lo, start))
    return opened > closed and text[opened + 1:opened + 3] == "其中"


def _is_total(text: str, m: re.Match) -> bool:
    """Whether a matched count is the year's total of proactively published items, not one
    channel's, one column's, an earlier year's or a cumulative one."""
    sentence = text[_back_to(text, m.start(), "。；;！!？?", 120):m.start()]
    clause = text[_back_to(text, m.start(), "。；;！!？?，,", 60):m.start()]
    if _NOT_THIS_YEAR.search(sentence) or _NOT_PROACTIVE.search(clause) or _in_breakdown(text, m.start()):
        return False
    said_total = bool(_TOTAL_WORDS.search(clause + (m["pre"] or "") + (m.groupdict().get("conn") or "")))
    proactive = m["verb"].startswith("主动")
    channel = CHANNEL.search(clause)
    if not channel or _MANY_CHANNELS.search(clause):
        return proactive or said_total  # no channel named, or all of them: the agency's count
    # one channel: only the government website, with 主动公开 and a word saying it is the total
    return ("网站" in clause and proactive and said_total and not _parallel_channels(text, m.start()))


def published_total(text: str) -> tuple[int, int, str] | None:
    """(items, offset, clause) for 「全年主动公开政府信息共774条」, only when a sentence states the
    year's total. Counts that are not the total are rejected rather than ranked below it, and two
    different totals make the answer unclear: None, so the field stays absent."""
    found: dict[int, tuple[int, str]] = {}
    for pattern in (_PUBLISHED, _PUBLISHED_NUM_FIRST):
        for m in pattern.finditer(text):
            if _is_total(text, m):
                items = int(m["num"].replace(",", ""))
                clause = text[_back_to(text, m.start(), "。；;！!？?，,", 60):m.end()]
                if items not in found or m.start() < found[items][0]:
                    found[items] = (m.start(), clause)
    if len(found) != 1:
        return None
    (items, (start, clause)), = found.items()
    return items, start, clause


# -- title ------------------------------------------------------------------------------------------
_TITLE = re.compile(r"^(?P<pre>.*?)" + YEAR + r"年度?(?P<mid>.*?)"
                    r"(?:政府(?:信息|資訊|资讯)公[开開]|政[务務]公[开開])(?:工作)?(?:年度)?(?:工作)?"
                    r"(?:报告|報告|年报|年報)")
# 「标题：…」 of a web page's text header block (标题 / 发布机构 / 发布日期 …)
_TITLE_LABEL = re.compile(r"^(?:文章|信息|文件)?(?:标题|標題|题目|題目|名称|名稱)[:：]")


def title(paras: list[Paragraph]):
    """(agency, year, where) from the title. A title printed over two or three short lines, even
    broken inside a word (某市人民政府2024年政府信息公 / 开工作年度报告), is read as one line; a
    title line alone under a short line (某市人民政府 / 2024年…年度报告) takes the agency from it."""
    lines = [_title_text(p.text) for p in paras]
    for i, p in enumerate(paras):
        for n in (1, 2, 3):
            m = _title_match(lines, i, n)
            if m is None:
                continue
            agency = _clean_agency(m["pre"]) or _clean_agency(m["mid"])
            if not agency and i > 0 and _wrapped_piece(lines[i - 1]):
                agency = _clean_agency(lines[i - 1])
            return agency or None, int(m.group(2)), p.where
    return None


def _title_text(text: str) -> str:
    """A line in compare form, without a web page's 「标题：」 label, with a year in Chinese numerals
    (二〇二三年度…) written in digits."""
    t = _TITLE_LABEL.sub("", squash(text))
    return re.sub(r"([〇○零一二三四五六七八九]{4})(?=年)", lambda y: str(_cn_number(y.group(1))), t)


def _title_match(lines: list[str], i: int, n: int) -> re.Match | None:
    """The title read from lines i … i+n-1. Joined lines must be short title pieces that end where
    the title ends, and the last one must not be a whole title itself (then that line is the title)."""
    if i + n > len(lines):
        return None
    if n == 1:
        return _TITLE.search(lines[i]) if len(lines[i]) <= 80 else None
    pieces = lines[i:i + n]
    if not all(_wrapped_piece(x) for x in pieces) or _TITLE.search(pieces[-1]):
        return None
    joined = "".join(pieces)
    m = _TITLE.search(joined)
    return m if m and re.fullmatch(r"(?:[(（][^()（）]{0,10}[)）])?", joined[m.end():]) else None


def _wrapped_piece(line: str) -> bool:
    """A short line with no sentence punctuation: part of a title (or the agency above it)."""
    return 0 < len(line) <= 40 and bool(CJK.search(line)) and not re.search(r"[。，,；;：:！!？?]", line)


def _clean_agency(text: str) -> str:
    text = re.sub(r"^(?:关于|關於|附件\d*[:：]?)", "", text)
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
        # the agency as printed: norm() folds one character to one, so the span carries over
        agency = squash(tail[i].text)[m.start("agency"):m.end("agency")] if m["agency"] else None
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


def section_number(text: str) -> str | None:
    """「六」 for the heading 「六、其他需要报告的事项」: the top-level section (一…十) a short line opens,
    so the parser can tell which section a table sits in (the fee table of 六)."""
    t = norm(text)
    head = re.match(r"^([一二三四五六七八九十]+)[、.．]", t)
    return head.group(1) if head and len(t) <= 45 else None


def section(paras: list[Paragraph], number: str) -> list[Paragraph]:
    """The paragraphs of a top-level section (一…六) of the narrative."""
    out, inside = [], False
    for p in paras:
        head = section_number(p.text)
        if head:
            inside = head == number
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
