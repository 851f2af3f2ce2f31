"""Generated reports: random but internally consistent records, laid out as the template prints them.

Used by the benchmark (`python -m core bench`), the property tests and the sample library. The
layout is the template's real grid, merged cells included (`LCell` with spans); the text renderers
flatten it the ways copied text really looks (see core/readers/text.py), and the sample generator
renders the same layout to DOCX, HTML and PDF.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from core import fields as F
from core.record import Value

AGENCIES = ("湛河区住建局", "新华区教育局", "卫东区人民政府", "石龙区财政局", "舞钢市人民政府", "宝丰县交通运输局",
            "叶县市场监督管理局", "鲁山县自然资源局", "郏县卫生健康委员会", "汝州市人民政府办公室", "平顶山市生态环境局",
            "南通市海门区住房建设服务中心")
SHAPES = ("tab_grid", "tab_collapsed", "cells", "pipes", "pipe_cells")
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass(frozen=True)
class LCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass
class SyntheticReport:
    fields: dict[str, Value]
    template: str
    blank: str = "/"  # how this report prints a blank cell

    @property
    def agency(self) -> str:
        return str(self.fields["meta.agency"])

    @property
    def year(self) -> int:
        return int(self.fields["meta.year"])  # type: ignore[arg-type]


def make_report(rng: random.Random, template: str | None = None, agency: str | None = None,
                year: int | None = None, blank_columns: bool | None = None) -> SyntheticReport:
    """A random report whose tables satisfy R1–R4 (blank cells count as 0, as in the rules)."""
    template = template or rng.choice(F.TEMPLATES)
    year = year or (rng.randint(2019, 2020) if template == "2019" else rng.randint(2021, 2025))
    agency = agency or rng.choice(AGENCIES)
    f: dict[str, Value] = {"meta.agency": agency, "meta.year": year, "meta.template": template}
    small = lambda: rng.choice((0, 0, 0, 1, 2, 3, rng.randint(0, 40), rng.randint(0, 400)))  # noqa: E731
    for row, _, _, cols in F.proactive_rows(template):
        for col, _, unit in cols:
            key = f"proactive.{row}.{col}"
            if unit == "万元":
                f[key] = round(rng.choice((0, rng.uniform(0, 50), rng.uniform(0, 90000))), rng.choice((0, 2, 4)))
                if f[key] == int(f[key]):  # type: ignore[arg-type]
                    f[key] = int(f[key])  # type: ignore[arg-type]
            elif col == "change":
                f[key] = rng.randint(-5, 5)
            else:
                f[key] = small()
    f["proactive.published_total"] = rng.randint(0, 5000)
    if rng.random() < 0.5:
        f["processing_fee.yuan"] = rng.choice((0, 0, rng.randint(1, 5000)))
    if blank_columns is None:
        blank_columns = rng.random() < 0.25
    rows = [r.key for r in F.APPLICATION_ROWS if template in r.templates]
    outcome = F.outcome_rows(template)
    blank_cols = {c for c in F.APPLICANT_KEYS} if blank_columns else set(rng.sample(F.APPLICANT_KEYS, rng.randint(0, 3)))
    for col in F.APPLICANT_KEYS:
        for row in outcome:
            f[f"applications.{row}.{col}"] = None if col in blank_cols else rng.choice((0, 0, 0, 1, 2, rng.randint(0, 30)))
        handled = sum(int(f[f"applications.{r}.{col}"] or 0) for r in outcome)  # type: ignore[arg-type]
        forward = 0 if col in blank_cols else rng.randint(0, 5)
        carried = 0 if col in blank_cols else rng.randint(0, handled + forward) if handled + forward else 0
        f[f"applications.total.{col}"] = None if col in blank_cols else handled
        f[f"applications.carried_forward.{col}"] = None if col in blank_cols else forward
        f[f"applications.carried_over.{col}"] = None if col in blank_cols else carried
        f[f"applications.new_received.{col}"] = None if col in blank_cols else handled + forward - carried
    for row in rows:
        f[f"applications.{row}.total"] = sum(int(f[f"applications.{row}.{c}"] or 0) for c in F.APPLICANT_KEYS)  # type: ignore[arg-type]
    if blank_columns:  # only the 总计 column is filled, with numbers of its own
        for row in outcome:
            f[f"applications.{row}.total"] = rng.choice((0, 0, 1, rng.randint(0, 60)))
        handled = sum(int(f[f"applications.{r}.total"] or 0) for r in outcome)  # type: ignore[arg-type]
        f["applications.total.total"] = handled
        f["applications.carried_forward.total"] = forward = rng.randint(0, 5)
        f["applications.carried_over.total"] = carried = rng.randint(0, handled + forward)
        f["applications.new_received.total"] = handled + forward - carried
    for group, _ in F.REVIEW_GROUPS:
        parts = [rng.choice((0, 0, rng.randint(0, 20))) for _ in range(4)]
        for (col, _), v in zip(F.REVIEW_COLUMNS, parts + [sum(parts)]):
            f[f"{group}.{col}"] = v
    f["meta.published"] = f"{year + 1}-01-{rng.randint(5, 31):02d}"  # on time (R9)
    return SyntheticReport(f, template, blank=rng.choice(("/", "—", "无", "", " ")))


# ---- layout -----------------------------------------------------------------------------------

def cell_text(report: SyntheticReport, key: str) -> str:
    v = report.fields.get(key)
    if v is None:
        return report.blank
    if key.endswith(".change") and isinstance(v, int) and v > 0:
        return f"+{v}"
    if key == "proactive.procurement.amount_wan":
        return f"{v}万元"
    return str(v)


def layout_t2(r: SyntheticReport) -> list[list[LCell]]:
    width = 4
    out: list[list[LCell]] = []
    sections = (("（一）", ("regulations", "normative_docs")), ("（五）", ("licensing", "other_services")),
                ("（六）", ("penalty", "enforcement")), ("（八）", ("fees",)), ("（九）", ("procurement",)))
    defs = {d[0]: d for d in F.proactive_rows(r.template)}
    for item, keys in sections:
        keys = tuple(k for k in keys if k in defs)
        if not keys:
            continue
        cols = defs[keys[0]][3]
        out.append([LCell(f"第二十条第{item}项", colspan=width)])
        header = [LCell("信息内容")] + [LCell(label + ("（单位：万元）" if unit == "万元" and r.template == "2021" else ""))
                                      for _, label, unit in cols]
        header[-1] = LCell(header[-1].text, colspan=width - len(cols))
        out.append(header)
        for key in keys:
            _, label, _, cols = defs[key]
            row = [LCell(label)] + [LCell(cell_text(r, f"proactive.{key}.{c}")) for c, _, _ in cols]
            row[-1] = LCell(row[-1].text, colspan=width - len(cols))
            out.append(row)
    return out


def layout_t3(r: SyntheticReport) -> list[list[LCell]]:
    vals = lambda key: [LCell(cell_text(r, f"applications.{key}.{c}")) for c, _ in F.APPLICANT_COLUMNS]  # noqa: E731
    out = [
        [LCell(T3_NOTE, colspan=3, rowspan=3), LCell("申请人情况", colspan=7)],
        [LCell("自然人", rowspan=2), LCell("法人或其他组织", colspan=5), LCell("总计", rowspan=2)],
        [LCell(label) for _, label in F.APPLICANT_COLUMNS[1:6]],
        [LCell("一、本年新收政府信息公开申请数量", colspan=3)] + vals("new_received"),
        [LCell("二、上年结转政府信息公开申请数量", colspan=3)] + vals("carried_over"),
    ]
    groups: list[tuple[str, list[str]]] = [
        ("（一）予以公开", ["granted"]),
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ["partial"]),
        ("（三）不予公开", [k for k in F.OUTCOME_ROWS_2021 if k.startswith("denied_")]),
        ("（四）无法提供", [k for k in F.OUTCOME_ROWS_2021 if k.startswith("unable_")]),
        ("（五）不予处理", [k for k in F.OUTCOME_ROWS_2021 if k.startswith("rejected_")]),
        ("（六）其他处理", ["other"] if r.template == "2019" else ["other_no_correction", "other_no_fee", "other_other"]),
        ("（七）总计", ["total"]),
    ]
    span = sum(len(keys) for _, keys in groups)
    first = True
    for group, keys in groups:
        for i, key in enumerate(keys):
            row: list[LCell] = []
            if first:
                row.append(LCell("三、本年度办理结果", rowspan=span))
                first = False
            if len(keys) == 1:
                row.append(LCell(group, colspan=2))
            else:
                if i == 0:
                    row.append(LCell(group, rowspan=len(keys)))
                label = F.ROWS_BY_KEY[key].label.split("·", 1)[1]
                row.append(LCell(label))
            out.append(row + vals(key))
    out.append([LCell("四、结转下年度继续办理", colspan=3)] + vals("carried_forward"))
    return out


def layout_t4(r: SyntheticReport) -> list[list[LCell]]:
    heads = [LCell(label) for _, label in F.REVIEW_COLUMNS]
    return [
        [LCell("行政复议", colspan=5), LCell("行政诉讼", colspan=10)],
        [LCell(h.text, rowspan=2) for h in heads] + [LCell("未经复议直接起诉", colspan=5), LCell("复议后起诉", colspan=5)],
        heads + heads,
        [LCell(cell_text(r, f"{g}.{c}")) for g, _ in F.REVIEW_GROUPS for c, _ in F.REVIEW_COLUMNS],
    ]


def expand(layout: list[list[LCell]]) -> list[list[tuple[str, bool, bool]]]:
    """The layout as a full grid: (text, covered, covered_vertically) at every position."""
    grid: dict[tuple[int, int], tuple[str, bool, bool]] = {}
    width = 0
    for ri, row in enumerate(layout):
        ci = 0
        for cell in row:
            while (ri, ci) in grid:
                ci += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    grid[(ri + dr, ci + dc)] = (cell.text, (dr, dc) != (0, 0), dr > 0)
            ci += cell.colspan
            width = max(width, ci)
    return [[grid.get((ri, ci), ("", False, False)) for ci in range(width)] for ri in range(len(layout))]


def narrative(r: SyntheticReport) -> dict[str, list[str]]:
    f = r.fields
    return {
        "title": [f"{r.agency}{r.year}年政府信息公开工作年度报告"],
        "一": [f"本报告所列数据统计期限为{r.year}年1月1日至{r.year}年12月31日。",
              f"{r.year}年，{r.agency}认真贯彻落实《中华人民共和国政府信息公开条例》，全年主动公开政府信息{f['proactive.published_total']}条。",
              f"全年收到政府信息公开申请{f['applications.new_received.total']}件，均在法定期限内答复。"],
        "五": ["政府信息公开工作仍存在公开内容不够丰富等问题，下一步将加强培训、完善制度。"],
        "六": (["本年度没有产生政府信息公开信息处理费。"] if f.get("processing_fee.yuan") == 0 else
              [f"全年收取政府信息公开信息处理费{f['processing_fee.yuan']}元。"] if f.get("processing_fee.yuan") else ["无。"]),
        "sign": [r.agency, _cn_date(str(f["meta.published"]))],
    }


def _cn_date(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


SECTION_TITLES = {"一": "一、总体情况", "二": "二、主动公开政府信息情况", "三": "三、收到和处理政府信息公开申请情况",
                  "四": "四、政府信息公开行政复议、行政诉讼情况", "五": "五、存在的主要问题及改进情况", "六": "六、其他需要报告的事项"}


# ---- text rendering ---------------------------------------------------------------------------

def _collapsed(layout: list[list[LCell]], pad: bool) -> list[list[str]]:
    """Rows as text copied out of Word looks: a vertically covered cell stays as an empty cell, a
    horizontal span collapses to one cell; with `pad`, rows are filled to the table width."""
    grid = expand(layout)
    rows = []
    for row in grid:
        cells = [t if not covered else "" for t, covered, vertical in row if not covered or vertical]
        rows.append(cells)
    if pad:
        width = max(len(r) for r in grid)
        rows = [r + [""] * (width - len(r)) for r in rows]
    return rows


def _grid_rows(layout: list[list[LCell]]) -> list[list[str]]:
    return [[("" if covered else t) for t, covered, _ in row] for row in expand(layout)]


def render_text(r: SyntheticReport, shape: str, parts: dict[str, list[str]] | None = None) -> str:
    """The report as text in one of SHAPES; `parts` replaces the default `narrative(r)` (same keys)."""
    parts = parts or narrative(r)
    out = [parts["title"][0], "", SECTION_TITLES["一"], *parts["一"], ""]
    for number, layout in (("二", layout_t2(r)), ("三", layout_t3(r)), ("四", layout_t4(r))):
        out += [SECTION_TITLES[number], ""]
        if shape == "tab_grid":
            out += ["\t".join(row) for row in _grid_rows(layout)]
        elif shape == "tab_collapsed":
            out += ["\t".join(row) for row in _collapsed(layout, pad=True)]
        elif shape == "pipes":
            out += ["| " + " | ".join(row) + " |" for row in _collapsed(layout, pad=True)]
        elif shape == "cells":
            for row in _collapsed(layout, pad=False):
                out += ["\t" + c for c in row] + [""]
        elif shape == "pipe_cells":
            for row in _collapsed(layout, pad=False):
                out += [c + "|" for c in row] + [""]
        else:
            raise ValueError(shape)
        out.append("")
    for number in ("五", "六"):
        out += [SECTION_TITLES[number], *parts[number], ""]
    out += parts["sign"]
    return "\n".join(out) + "\n"
