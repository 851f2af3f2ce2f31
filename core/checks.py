"""Consistency rules of fields.md → warnings with stable rule ids, the keys involved and a Chinese
message that states the numbers and the difference.

Within one report: R1–R4 (the template's own arithmetic, severity error), R6 (text vs table), R9
(published late) and plausibility. Across the reports of one agency: R5, R7, R8 (`check_series`).
A blank cell counts as 0 in a sum; a cell that could not be read makes its rule「无法核验」(info),
never「通过」.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence

from core import fields as F
from core.grid import JoinedText, Paragraph
from core.record import Value, Warning
from core.values import OCR_MIN_CONFIDENCE

Fields = Mapping[str, Value]

RULE_NAMES = {
    "R1": "R1 勾稽关系（一+二=三(七)+四）", "R2": "R2 办理结果之和=总计", "R3": "R3 各类申请人之和=总计",
    "R4": "R4 复议诉讼结果之和=总计", "R5": "R5 上年结转=上年结转下年", "R6": "R6 正文与表格一致",
    "R7": "R7 现行有效件数衔接", "R8": "R8 与上年完全相同", "R9": "R9 按期发布",
    "short_row": "缺格/残行", "unreadable_cell": "无法识别的单元格", "missing_table": "缺少表格",
    "missing_row": "缺少行", "missing_meta": "缺少机构或年度", "split_number": "疑似拆开的数字",
    "implausible_value": "不合理数值", "missing_section": "缺少部分", "year_mismatch": "年度不一致",
    "template_year": "模板与年度不符", "duplicate_row": "重复的行", "unit_unstated": "未注明单位",
    "label_mismatch": "行标签与模板不同", "unplaced_row": "无法对应模板的行", "merged_digits": "数字连写无法拆分",
    "joined_digits": "连写数字已拆分", "template_from_year": "按年度确定模板",
}


def rule_name(rule: str) -> str:
    """The Chinese name a user sees for a rule id."""
    return RULE_NAMES.get(rule, rule)


def _num(v: Value) -> float:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else 0.0


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _filled(fields: Fields, keys: Iterable[str]) -> bool:
    return any(isinstance(fields.get(k), (int, float)) for k in keys)


def _unread(fields: Fields, unreadable: set[str], keys: Iterable[str]) -> list[str]:
    """Keys of a rule that were not read: not found in the document (absent from the record) or
    unreadable. Such a rule is 「无法核验」, never broken: a reading failure is no finding."""
    return [k for k in keys if k in unreadable or k not in fields]


def _cannot(rule: str, keys: Sequence[str], what: str, bad: Sequence[str]) -> Warning:
    names = "、".join(F.label(k) for k in bad[:4]) + (f" 等 {len(bad)} 格" if len(bad) > 4 else "")
    return Warning(rule, "info", tuple(keys), f"{what}无法核验：未读到 {names}。")


def _sum_rule(rule: str, fields: Fields, unreadable: set[str], total_key: str, parts: Sequence[str],
              what: str, total_name: str, parts_name: str) -> Warning | None:
    keys = [total_key, *parts]
    if not _filled(fields, keys):
        return None
    bad = _unread(fields, unreadable, keys)
    if bad:
        return _cannot(rule, keys, what, bad)
    total = _num(fields.get(total_key))
    s = sum(_num(fields.get(k)) for k in parts)
    if abs(total - s) < 1e-6:
        return None
    return Warning(rule, "error", tuple(keys),
                   f"{total_name}为{_fmt(total)}，但{parts_name}为{_fmt(s)}，相差{_fmt(abs(total - s))}。")


def check_report(fields: Fields, template: str, unreadable: set[str] | None = None,
                 narrative: Sequence[Paragraph] = ()) -> list[Warning]:
    """Every single-report rule over one parsed record."""
    unreadable = unreadable or set()
    out: list[Warning] = []
    app = lambda row, col: f"applications.{row}.{col}"  # noqa: E731
    has_t3 = any(k.startswith("applications.") for k in fields)
    outcome = list(F.outcome_rows(template))
    if template == "2021" and fields.get(app("other", "total")) is not None and not _filled(
            fields, [app(r, c) for r in ("other_no_correction", "other_no_fee", "other_other") for c, _ in F.APPLICANT_COLUMNS]):
        outcome = [r for r in outcome if not r.startswith("other_")] + ["other"]
    for col, col_label in F.APPLICANT_COLUMNS if has_t3 else ():
        # R1 勾稽: 一 + 二 = 三(七) + 四
        keys = [app("new_received", col), app("carried_over", col), app("total", col), app("carried_forward", col)]
        if _filled(fields, keys):
            bad = _unread(fields, unreadable, keys)
            if bad:
                out.append(_cannot("R1", keys, f"表三「{col_label}」列的勾稽关系（一+二=三(七)+四）", bad))
            else:
                a, b, t, f = (_num(fields.get(k)) for k in keys)
                if abs((a + b) - (t + f)) > 1e-6:
                    out.append(Warning("R1", "error", tuple(keys),
                                       f"表三「{col_label}」列：一、本年新收{_fmt(a)} + 二、上年结转{_fmt(b)} = {_fmt(a + b)}，"
                                       f"但（七）总计{_fmt(t)} + 四、结转下年度{_fmt(f)} = {_fmt(t + f)}，相差{_fmt(abs(a + b - t - f))}。"))
        # R2: (七)总计 = sum of the outcome rows
        w = _sum_rule("R2", fields, unreadable, app("total", col), [app(r, col) for r in outcome],
                      f"表三「{col_label}」列的总计", f"（七）总计·{col_label}" + ("列" if col == "total" else ""), "各办理结果之和")
        if w:
            out.append(w)
    # R3: total column = sum of the six applicant columns
    for row in F.APPLICATION_ROWS if has_t3 else ():
        parts = [app(row.key, c) for c in F.APPLICANT_KEYS]
        if not _filled(fields, parts):
            continue
        w = _sum_rule("R3", fields, unreadable, app(row.key, "total"), parts,
                      f"表三「{row.label}」行的总计", f"「{row.label}」行的总计", "六类申请人之和")
        if w:
            out.append(w)
            if w.severity == "error":
                out.extend(_split_number(fields, row.key))
    # R4: each group of Table 4
    for group, group_label in F.REVIEW_GROUPS:
        parts = [f"{group}.{c}" for c in ("upheld", "corrected", "other", "pending")]
        w = _sum_rule("R4", fields, unreadable, f"{group}.total", parts,
                      f"表四「{group_label}」的总计", f"表四「{group_label}」总计", "维持、纠正、其他、尚未审结之和")
        if w:
            out.append(w)
    out.extend(_plausibility(fields))
    out.extend(_text_vs_table(fields, narrative))
    late = _late(fields)
    if late:
        out.append(late)
    return out


def _split_number(fields: Fields, row: str) -> list[Warning]:
    """Two adjacent one-digit cells that, read as one number, would make the row add up."""
    keys = [f"applications.{row}.{c}" for c in F.APPLICANT_KEYS]
    total = _num(fields.get(f"applications.{row}.total"))
    vals = [fields.get(k) for k in keys]
    for i in range(len(vals) - 1):
        a, b = vals[i], vals[i + 1]
        if isinstance(a, int) and isinstance(b, int) and 0 <= a <= 9 and 0 <= b <= 9:
            joined = vals[:i] + [a * 10 + b] + vals[i + 2:]
            if abs(sum(_num(v) for v in joined) - total) < 1e-6:
                return [Warning("split_number", "warning", (keys[i], keys[i + 1]),
                                f"「{F.label(keys[i])}」的 {a} 与「{F.label(keys[i + 1])}」的 {b} 可能是被拆开的一个数 {a}{b}"
                                f"（合并后该行之和正好等于总计 {_fmt(total)}），请核对原件。")]
    return []


# Counts no real report reaches: Table 2's decisions run to millions for a large city, applications,
# reviews and suits to tens of thousands at most.
_MOST_COUNT = {"proactive": 10 ** 8}


def _plausibility(fields: Fields) -> list[Warning]:
    out = []
    for key, value in fields.items():
        f = F.FIELDS.get(key)
        if f is None or not isinstance(value, (int, float)) or f.section == "meta":
            continue
        if f.unit == "件" and not key.endswith(".change"):
            if value < 0:
                out.append(Warning("implausible_value", "warning", (key,), f"{f.label}为负数（{_fmt(value)}），件数不应为负。"))
            elif not float(value).is_integer():
                out.append(Warning("implausible_value", "warning", (key,), f"{f.label}为小数（{_fmt(value)}），件数应为整数。"))
        if f.unit == "件" and abs(value) >= _MOST_COUNT.get(f.section, 10 ** 6):
            out.append(Warning("implausible_value", "warning", (key,),
                               f"{f.label}为 {_fmt(value)}，超过任何一份年度报告中出现过的数量级，疑似读错或填错，请核对原件。"))
        if f.unit == "万元" and value >= 1_000_000:
            out.append(Warning("implausible_value", "warning", (key,),
                               f"{f.label}为 {_fmt(value)} 万元（即 {_fmt(value / 10000)} 亿元），疑似把「元」填入了「万元」栏。"))
    return out


_RECEIVED = re.compile(r"(?:收到|新收|受理)[^。；;，,]{0,15}?(?:依申请公开|信息公开申请|公开申请)[^。；;，,\d]{0,8}?(\d+)件"
                       r"|依申请公开(?:申请)?(\d+)件|办理[^。；;，,\d]{0,6}?(?:依申请公开|信息公开申请|公开申请)[^。；;，,\d]{0,4}?(\d+)件")
_REVIEW = re.compile(r"行政复议[^。；;，,\d]{0,10}?(\d+)件")
_LITIGATION = re.compile(r"行政诉讼[^。；;，,\d]{0,10}?(\d+)件")
# 「行政复议决定维持3件」「一审判决2件」: a part of the total, not the total the table shows
_PART_WORDS = re.compile(r"维持|纠正|撤销|驳回|确认|审结|其他结果|尚未|判决|裁定|一审|二审|撤诉|败诉|胜诉|其中")


def _text_vs_table(fields: Fields, narrative: Sequence[Paragraph]) -> list[Warning]:
    """R6: a count stated in the text must be the matching table value (first statement only)."""
    def get(key: str) -> float | None:
        v = fields.get(key)
        return float(v) if isinstance(v, (int, float)) else None

    checks = []
    new, carried, total = (get(f"applications.{r}.total") for r in ("new_received", "carried_over", "total"))
    if new is not None:
        accepted = {new, new + (carried or 0)} | ({total} if total is not None else set())
        checks.append((_RECEIVED, accepted, ("applications.new_received.total",), "收到的政府信息公开申请", "表三「一、本年新收」总计"))
    review = get("review.total")
    if review is not None:
        checks.append((_REVIEW, {review}, ("review.total",), "行政复议案件", "表四行政复议总计"))
    direct, after = get("litigation_direct.total"), get("litigation_after_review.total")
    if direct is not None or after is not None:
        checks.append((_LITIGATION, {(direct or 0) + (after or 0)},
                       ("litigation_direct.total", "litigation_after_review.total"), "行政诉讼案件", "表四行政诉讼总计（直接起诉+复议后起诉）"))
    out = []
    body = JoinedText.of(list(narrative))
    clauses = [(c.start(), c.group(0)) for c in re.finditer(r"[^。；;]+", body.text)
               if "备案" not in c.group(0) and "转办" not in c.group(0)]
    for pattern, accepted, keys, what, table_name in checks:
        for start, clause in clauses:
            found = pattern.search(clause)
            if found is None or _PART_WORDS.search(found.group(0)):
                continue
            stated = float(next(g for g in found.groups() if g is not None))
            source = narrative[body.index(start + found.start())] if narrative else None
            if stated not in accepted and source is not None and source.ocr is not None \
                    and source.ocr < OCR_MIN_CONFIDENCE:  # a scanned line OCR was unsure of: no finding on it
                out.append(Warning("R6", "info", keys, f"正文称{what} {_fmt(stated)} 件（「{found.group(0)}」），"
                                   f"与{table_name}（{_fmt(min(accepted, key=lambda v: abs(v - stated)))}）不同，但该句是"
                                   f"扫描识别把握不足的文字（置信度 {source.ocr:.2f}），无法核验。", body.where(start + found.start())))
            elif stated not in accepted:
                shown = min(accepted, key=lambda v: abs(v - stated))
                out.append(Warning("R6", "warning", keys,
                                   f"正文称{what} {_fmt(stated)} 件（「{found.group(0)}」），但{table_name}为 {_fmt(shown)}，相差{_fmt(abs(stated - shown))}。",
                                   body.where(start + found.start())))
            break
    return out


def due_date(agency: str, year: int) -> dt.date:
    """条例第四十九条: a department reports by 31 January, a 县级以上人民政府 by 31 March."""
    return dt.date(year + 1, 3, 31) if agency.endswith("人民政府") else dt.date(year + 1, 1, 31)


def _late(fields: Fields) -> Warning | None:
    agency, year, published = fields.get("meta.agency"), fields.get("meta.year"), fields.get("meta.published")
    if not (isinstance(agency, str) and isinstance(year, int) and isinstance(published, str)):
        return None
    try:
        date = dt.date.fromisoformat(published)
    except ValueError:
        return None
    due = due_date(agency, year)
    if date <= due:
        return None
    return Warning("R9", "warning", ("meta.published",),
                   f"报告落款日期为 {date.isoformat()}，晚于条例第四十九条规定的 {due.isoformat()}，迟报 {(date - due).days} 天。")


def check_series(records: Sequence[Fields]) -> list[tuple[int, Warning]]:
    """R5, R7, R8 across the reports of one agency: (index of the later report, warning)."""
    by_year = sorted(((r.get("meta.year"), i) for i, r in enumerate(records) if isinstance(r.get("meta.year"), int)))
    out: list[tuple[int, Warning]] = []
    for (prev_year, pi), (year, i) in zip(by_year, by_year[1:]):
        if year != prev_year + 1:
            continue
        prev, cur = records[pi], records[i]
        out.extend((i, w) for w in _carry_over(prev, cur, year))
        out.extend((i, w) for w in _stock(prev, cur, year))
        copied = _copied(prev, cur, year)
        if copied:
            out.append((i, copied))
        out.extend((i, w) for w in _money_jump(prev, cur, year))
    return out


def _carry_over(prev: Fields, cur: Fields, year: int) -> list[Warning]:
    out = []
    for col, col_label in F.APPLICANT_COLUMNS:
        a, b = prev.get(f"applications.carried_forward.{col}"), cur.get(f"applications.carried_over.{col}")
        keys = (f"applications.carried_over.{col}",)
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            if a != b:
                out.append(Warning("R5", "warning", keys,
                                   f"{year} 年「二、上年结转」（{col_label}）为 {_fmt(b)}，但 {year - 1} 年报告「四、结转下年度继续办理」为 {_fmt(a)}，相差 {_fmt(abs(a - b))}。"))
        elif col == "total" and (a is None) != (b is None):
            out.append(Warning("R5", "info", keys, f"{year} 年与 {year - 1} 年的结转数（总计）有一方为空，R5 无法核验。"))
    return out


def _stock(prev: Fields, cur: Fields, year: int) -> list[Warning]:
    out = []
    for row, name in (("regulations", "规章"), ("normative_docs", "行政规范性文件")):
        keys = [f"proactive.{row}.{c}" for c in ("in_force", "issued", "abolished")]
        last = prev.get(keys[0])
        now, issued, abolished = (cur.get(k) for k in keys)
        if now is None and last is None:
            continue
        if not all(isinstance(v, (int, float)) for v in (last, now)) or cur.get("meta.template") != "2021":
            out.append(Warning("R7", "info", tuple(keys), f"{name}现行有效件数缺少 {year - 1} 或 {year} 年的数值，R7 无法核验。"))
            continue
        expect = _num(last) + _num(issued) - _num(abolished)
        if abs(expect - _num(now)) > 1e-6:
            out.append(Warning("R7", "warning", tuple(keys),
                               f"{name}：{year - 1} 年现行有效 {_fmt(_num(last))} + {year} 年制发 {_fmt(_num(issued))} − 废止 {_fmt(_num(abolished))} = {_fmt(expect)}，"
                               f"但 {year} 年现行有效为 {_fmt(_num(now))}，相差 {_fmt(abs(expect - _num(now)))}。"))
    return out


def _money_jump(prev: Fields, cur: Fields, year: int) -> list[Warning]:
    """An amount in 万元 a hundred times larger or smaller than the agency's own last year: most
    often 元 typed into the 万元 column, or a misread cell."""
    out = []
    for key, f in F.FIELDS.items():
        a, b = prev.get(key), cur.get(key)
        if f.unit != "万元" or not all(isinstance(v, (int, float)) and v > 0 for v in (a, b)):
            continue
        ratio = _num(b) / _num(a)
        if ratio >= 100 or ratio <= 0.01:
            out.append(Warning("implausible_value", "warning", (key,),
                               f"{f.label}：{year} 年为 {_fmt(_num(b))} 万元，{year - 1} 年为 {_fmt(_num(a))} 万元，相差约 "
                               f"{_fmt(round(max(ratio, 1 / ratio)))} 倍，疑似单位（元/万元）填错或读错，请核对原件。"))
    return out


def _copied(prev: Fields, cur: Fields, year: int) -> Warning | None:
    keys = [k for k in F.FIELDS if F.FIELDS[k].section not in ("meta",) and k != "proactive.published_total"]
    shown = [k for k in keys if cur.get(k) is not None or prev.get(k) is not None]
    nonzero = [k for k in shown if _num(cur.get(k)) != 0]
    if len(shown) < 20 or len(nonzero) < 5:
        return None  # all-zero tables are legitimately identical year after year
    if all(cur.get(k) == prev.get(k) for k in shown):
        return Warning("R8", "warning", tuple(nonzero[:10]),
                       f"{year} 年报告的全部 {len(shown)} 个表格数值与 {year - 1} 年报告完全相同（其中 {len(nonzero)} 个非零），疑似照抄上年报告。")
    return None
