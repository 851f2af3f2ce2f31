#!/usr/bin/env python3
"""Regenerate the demonstration library sample_reports/demo/: fictitious reports of 「演示市」.

    python sample_reports/make_demo.py              # everything
    python sample_reports/make_demo.py --records    # after a parser change: records.json.gz only

Eight fictitious agencies (every name contains 「演示」), 2020–2024 (2020 in the 2019 试行 template,
2021 on in the 2021 template), so the trend and year-over-year pages have something to show. Every
agency is simulated for every year as one continuous series (a base level with a trend and noise;
each year's 上年结转 is the previous year's 结转下年度, each year's 现行有效件数 follows from the last),
then two agency-years are left out of the library (they show as 未入库) and one agency only starts in
2022. Each report is written in exactly one format (.pdf, .docx, .html or .txt, about a quarter
each), with `NAME.gold.json` holding the values it prints (the format of sample_reports/*.gold.json),
and `records.json.gz` holding what the current parser makes of each file (a first start stores these
instead of parsing; run this again after changing the parser — tests/test_demo.py says when).

The tables are the template's real merged-cell layout (`core.synthetic.layout_t2/t3/t4`), rendered
by `core.synthetic.render_text` and by make_samples.py's `render_docx` / `render_pdf`; the web pages
put make_samples.py's article HTML inside a plainly fictitious portal page.

Everything adds up except the planted findings (PLANTED), each a mistake real reports make. The
output is deterministic: seeded per agency, fixed zip timestamps, reportlab's invariant mode.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "demo"
for p in (ROOT, HERE):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import make_samples as M  # noqa: E402
from core import PARSER_VERSION  # noqa: E402
from core import fields as F  # noqa: E402
from core.library import DEMO_RECORDS, save_demo_records  # noqa: E402
from core.synthetic import (SECTION_TITLES, SyntheticReport, layout_t2, layout_t3, layout_t4,  # noqa: E402
                            render_text)

REGION = "演示市"
YEARS = tuple(range(2020, 2025))


@dataclass(frozen=True)
class Agency:
    code: str  # file names: demo_<code>_<year>
    name: str
    first_year: int
    apps: float  # new applications in the first year
    growth: float  # per year, multiplicative
    natural: float  # share of applications from 自然人
    reviews: float  # expected 行政复议 cases per 100 applications
    normative: int  # 行政规范性文件 in force in 2020
    regulations: int  # 规章 in force in 2020 (only the municipal government makes them)
    licensing: float  # 行政许可 decisions a year
    penalty: float
    enforcement: float
    fees_wan: float  # 行政事业性收费, 万元 a year
    procurement_wan: float  # 政府集中采购 (2019 template only)
    published: float  # items proactively published a year
    peak: int | None = None  # a year of unusual demand (征收、拆迁)


AGENCIES = (
    Agency("bgs", "演示市人民政府办公室", 2020, 310, 1.09, 0.90, 2.4, 118, 36, 0, 0, 0, 0, 1860.5, 3150),
    Agency("jyj", "演示市教育局", 2020, 14, 1.12, 0.93, 1.5, 26, 0, 420, 3, 0, 0, 925.36, 860),
    Agency("zjj", "演示市住房和城乡建设局", 2020, 96, 1.05, 0.86, 3.0, 41, 0, 3150, 215, 12, 1286.4, 612.8, 1240),
    Agency("dhq", "演示市东湖区人民政府", 2020, 150, 1.06, 0.92, 4.5, 33, 0, 6420, 540, 35, 264.75, 2314.0, 2680,
           peak=2022),
    Agency("xlx", "演示市西岭县人民政府", 2020, 46, 1.04, 0.95, 3.0, 24, 0, 5180, 410, 28, 187.2, 1587.6, 1930),
    Agency("scj", "演示市市场监督管理局", 2020, 21, 1.07, 0.78, 1.0, 17, 0, 18600, 1430, 96, 0, 402.3, 1120),
    Agency("zrj", "演示市自然资源和规划局", 2020, 118, 1.03, 0.88, 3.5, 38, 0, 640, 132, 9, 3420.6, 846.5, 970),
    Agency("hbj", "演示市生态环境局", 2022, 6, 1.10, 0.80, 2.0, 11, 0, 236, 148, 11, 0, 0, 560),
)
ABSENT = {("zjj", 2022), ("xlx", 2021)}  # not in the library: the dashboard shows 未入库

# The planted findings, each a real-world kind of mistake (the only R1–R4 errors and the only R9).
PLANTED = {
    ("dhq", 2022): ("R4", "表四行政复议「总计」印成 0，旁边的结果栏合计 11 件"),
    ("zjj", 2021): ("R2", "一件部分公开的申请又计入了「予以公开」（自然人列及该行总计），（七）总计未变"),
    ("zrj", 2023): ("R1", "「本年新收」漏计网上平台收到的 3 件申请（自然人列及总计列），办理结果照常统计"),
    ("jyj", 2021): ("R9", "报告迟至 2022 年 3 月 8 日才发布（部门报告应在 1 月 31 日前）"),
}

FORMATS = ("pdf", "docx", "html", "txt")
TEXT_SHAPES = ("tab_grid", "tab_collapsed", "cells", "pipes", "pipe_cells")

# outcome rows and their weights (per 100 handled applications), 2021 template
OUTCOME_WEIGHTS = {
    "granted": 46, "partial": 9,
    "denied_state_secret": 0.2, "denied_law_prohibited": 0.6, "denied_three_safety": 0.3, "denied_third_party": 1.2,
    "denied_internal": 1.0, "denied_process": 1.4, "denied_enforcement_file": 0.6, "denied_query": 1.0,
    "unable_not_held": 19, "unable_needs_creation": 2.5, "unable_unclear": 2.0,
    "rejected_petition": 4.0, "rejected_repeat": 2.5, "rejected_publication": 0.8, "rejected_excessive": 0.6,
    "rejected_confirm": 0.8,
    "other_no_correction": 3.5, "other_no_fee": 0.3, "other_other": 2.4,
}
ORG_WEIGHTS = {"commercial": 62, "research": 3, "social": 4, "legal": 21, "other_org": 10}


def rounded(x: float) -> int:
    return max(0, int(round(x)))


def money(x: float) -> float | int:
    v = round(x, 2)
    return int(v) if v == int(v) else v


def split(rng: random.Random, n: int, weights: dict[str, float]) -> dict[str, int]:
    out = dict.fromkeys(weights, 0)
    keys, w = list(weights), list(weights.values())
    for k in rng.choices(keys, w, k=n):
        out[k] += 1
    return out


@dataclass
class Year:
    """One simulated agency-year: the fields as printed, and what is planted in them."""

    agency: Agency
    year: int
    fields: dict = field(default_factory=dict)
    planted: str | None = None

    @property
    def template(self) -> str:
        return "2019" if self.year <= 2020 else "2021"

    @property
    def name(self) -> str:
        return f"demo_{self.agency.code}_{self.year}"


def simulate(a: Agency) -> list[Year]:
    rng = random.Random(f"演示-{a.code}")
    carried = {c: 0 for c in F.APPLICANT_KEYS}
    carried["natural"] = rng.randint(0, 3) if a.apps > 20 else 0
    normative, regulations = a.normative, a.regulations
    level = a.apps
    fees, published = a.fees_wan, a.published
    items = {k: rng.randint(lo, hi) for k, (lo, hi) in
             (("licensing", (18, 140)), ("other_services", (6, 60)), ("penalty", (40, 900)),
              ("enforcement", (3, 30)), ("fees", (0, 12)))}
    out = []
    for year in range(a.first_year, YEARS[-1] + 1):
        y = Year(a, year)
        f = y.fields
        f["meta.agency"], f["meta.year"], f["meta.template"] = a.name, year, y.template
        # ---- Table 3: applications, a trend with noise; 上年结转 is last year's 结转下年度
        if year > a.first_year:
            level *= a.growth * rng.uniform(0.93, 1.07)
        demand = level * (1.45 if year == a.peak else 1.12 if a.peak and year == a.peak + 1 else 1.0)
        new = rounded(demand)
        orgs = split(rng, new - sum(rng.random() < a.natural for _ in range(new)), ORG_WEIGHTS)
        new_by = {"natural": new - sum(orgs.values()), **orgs}
        weights = dict(OUTCOME_WEIGHTS)
        if y.template == "2019":
            weights["other"] = sum(weights.pop(k) for k in ("other_no_correction", "other_no_fee", "other_other"))
        rows = F.outcome_rows(y.template)
        table: dict[str, dict[str, int]] = {r: {} for r in ("new_received", "carried_over", *rows, "total",
                                                           "carried_forward")}
        for col in F.APPLICANT_KEYS:
            pool = new_by[col] + carried[col]
            forward = sum(rng.random() < 0.035 for _ in range(pool))  # received late in December
            handled = split(rng, pool - forward, weights)
            table["new_received"][col], table["carried_over"][col] = new_by[col], carried[col]
            for r in rows:
                table[r][col] = handled[r]
            table["total"][col], table["carried_forward"][col] = pool - forward, forward
            carried[col] = forward
        for r, cells in table.items():
            for col in F.APPLICANT_KEYS:
                f[f"applications.{r}.{col}"] = cells[col]
            f[f"applications.{r}.total"] = sum(cells.values())
        # ---- Table 4: review and litigation, a few cases, now and then 纠正
        cases = new * a.reviews / 100
        for group, share in (("review", 1.0), ("litigation_direct", 0.45), ("litigation_after_review", 0.2)):
            n = sum(rng.random() < cases * share / 40 for _ in range(40)) if cases * share < 40 else rounded(
                cases * share * rng.uniform(0.8, 1.2))
            parts = split(rng, n, {"upheld": 62, "corrected": 7, "other": 19, "pending": 12})
            for col in ("upheld", "corrected", "other", "pending"):
                f[f"{group}.{col}"] = parts[col]
            f[f"{group}.total"] = n
        # ---- Table 2: proactive disclosure
        issued = rng.choice((0, 1, 1, 2, 3, 4, 6)) if a.normative > 20 else rng.choice((0, 0, 1, 2))
        abolished = min(normative, rng.choice((0, 0, 1, 2, 3)))
        reg_issued = rng.choice((1, 2, 2, 3)) if a.regulations else 0
        reg_abolished = min(regulations, rng.choice((0, 0, 1))) if a.regulations else 0
        vary = lambda base: rounded(base * rng.uniform(0.9, 1.1) * (1.03 ** (year - 2020)))  # noqa: E731
        if y.template == "2019":
            for key, made, stock in (("regulations", reg_issued, regulations), ("normative_docs", issued, normative)):
                f[f"proactive.{key}.made"] = f[f"proactive.{key}.published"] = made
                f[f"proactive.{key}.total_public"] = stock
            for key, base in (("licensing", a.licensing), ("other_services", a.licensing * 0.3),
                              ("penalty", a.penalty), ("enforcement", a.enforcement)):
                change = rng.choice((0, 0, 0, 1, -1, 2, -2)) if items[key] > 2 else 0
                f[f"proactive.{key}.prev_items"] = items[key]
                f[f"proactive.{key}.change"] = change
                f[f"proactive.{key}.decisions"] = vary(base) if base else 0
                items[key] += change
            f["proactive.fees.prev_items"] = items["fees"] if a.fees_wan else 0
            f["proactive.fees.change"] = rng.choice((0, 0, -1)) if a.fees_wan and items["fees"] else 0
            f["proactive.procurement.projects"] = rounded(a.procurement_wan / 60 * rng.uniform(0.8, 1.2))
            f["proactive.procurement.amount_wan"] = money(a.procurement_wan * rng.uniform(0.9, 1.1))
        else:
            regulations += reg_issued - reg_abolished
            normative += issued - abolished
            f["proactive.regulations.issued"], f["proactive.regulations.abolished"] = reg_issued, reg_abolished
            f["proactive.regulations.in_force"] = regulations
            f["proactive.normative_docs.issued"], f["proactive.normative_docs.abolished"] = issued, abolished
            f["proactive.normative_docs.in_force"] = normative
            for key, base in (("licensing", a.licensing), ("penalty", a.penalty), ("enforcement", a.enforcement)):
                f[f"proactive.{key}.decisions"] = vary(base) if base else 0
            fees *= rng.uniform(0.92, 1.08)
            f["proactive.fees.amount_wan"] = money(fees) if a.fees_wan else 0
        published *= rng.uniform(0.97, 1.12)
        f["proactive.published_total"] = rounded(published)
        # ---- 信息处理费: mostly none, a few small amounts (2021 template: 按件/按量收费)
        f["processing_fee.yuan"] = (rng.choice((100, 120, 180, 240, 300)) if y.template == "2021" and new > 80
                                    and rng.random() < 0.3 else 0)
        # ---- 落款日期: a department by 31 January, a 人民政府 by 31 March (条例第四十九条)
        if a.name.endswith("人民政府"):
            month = rng.choice((1, 2, 2, 3, 3))
            f["meta.published"] = dt.date(year + 1, month, rng.randint(6, 28)).isoformat()
        else:
            f["meta.published"] = dt.date(year + 1, 1, rng.randint(8, 28)).isoformat()
        out.append(y)
    for y in out:
        plant(y)
    return out


def plant(y: Year) -> None:
    """The planted mistakes (after the simulation, so the series around them stays unchanged)."""
    planted = PLANTED.get((y.agency.code, y.year))
    if planted is None:
        return
    rule, _ = planted
    f = y.fields
    y.planted = rule
    if rule == "R4":  # 11 cases in the result columns, 总计 printed as 0
        for col, v in (("upheld", 6), ("corrected", 1), ("other", 2), ("pending", 2)):
            f[f"review.{col}"] = v
        f["review.total"] = 0
    elif rule == "R2":  # a 部分公开 case counted again under 予以公开
        f["applications.granted.natural"] += 1
        f["applications.granted.total"] += 1
    elif rule == "R1":  # 本年新收 without the 3 applications that came in through the online platform
        f["applications.new_received.natural"] -= 3
        f["applications.new_received.total"] -= 3
    elif rule == "R9":
        f["meta.published"] = f"{y.year + 1}-03-08"


# ---- rendering ---------------------------------------------------------------------------------

_WORK = ("依托政府门户网站政府信息公开专栏和政务新媒体，及时发布重点领域信息，回应社会关切",
         "完善依申请公开受理、登记、审核、答复全流程台账，规范答复文书格式",
         "围绕群众关注的热点事项加强政策解读，推进决策、执行、管理、服务、结果公开",
         "组织开展政务公开业务培训，压实各科室信息发布审核责任")
_PROBLEMS = ("部分栏目信息更新不够及时，政策解读形式较为单一。下一步将加强栏目日常维护，丰富图解、视频等解读形式。",
             "依申请公开答复的说理还不够充分。下一步将加强答复文书审核，提升答复规范化水平。",
             "主动公开的深度和广度有待提升。下一步将梳理公开事项清单，加大重点领域信息公开力度。",
             "基层政务公开标准化规范化工作仍需加强。下一步将完善工作机制，加强业务指导和培训。")
DISCLAIMER = "本报告为演示数据，机构名称与全部数字均为虚构，不对应任何真实机关。"


def cn_date(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


def parts(r: SyntheticReport, y: Year) -> dict[str, list[str]]:
    """The narrative: core.synthetic's sentences (statistics period, totals, fee), a little more prose,
    and the disclaimer in section 六."""
    f = r.fields
    rng = random.Random(f"{y.name}-prose")
    fee = f["processing_fee.yuan"]
    return {
        "title": [f"{r.agency}{r.year}年政府信息公开工作年度报告"],
        "一": [f"本报告所列数据统计期限为{r.year}年1月1日至{r.year}年12月31日。",
              f"{r.year}年，{r.agency}认真贯彻落实《中华人民共和国政府信息公开条例》，{rng.choice(_WORK)}，"
              f"全年主动公开政府信息{f['proactive.published_total']}条。",
              f"全年收到政府信息公开申请{f['applications.new_received.total']}件，均在法定期限内答复。"],
        "五": [rng.choice(_PROBLEMS)],
        "六": [("本年度没有产生政府信息公开信息处理费。" if fee == 0 else
               f"按照《政府信息公开信息处理费管理办法》，全年收取政府信息公开信息处理费{fee}元。"), DISCLAIMER],
        "sign": [r.agency, cn_date(str(f["meta.published"]))],
    }


def report_of(y: Year) -> SyntheticReport:
    return SyntheticReport(dict(y.fields), y.template, blank="")


def sample_of(y: Year, r: SyntheticReport, p: dict[str, list[str]]) -> M.Sample:
    """The report as make_samples.py's Sample: paragraphs and tables in order."""
    tables = {"二": M.place("T2", layout_t2(r), 0), "三": M.place("T3", layout_t3(r), 3),
              "四": M.place("T4", layout_t4(r), 3)}
    items: list = [p["title"][0], SECTION_TITLES["一"], *p["一"]]
    for number in ("二", "三", "四"):
        items += [SECTION_TITLES[number], tables[number]]
    for number in ("五", "六"):
        items += [SECTION_TITLES[number], *p[number]]
    items += p["sign"]
    return M.Sample(y.name, items, title=p["title"][0], signature={len(items) - 2, len(items) - 1},
                    template=y.template)


def page(sample: M.Sample, y: Year, charset: str, word: bool) -> bytes:
    """A plainly fictitious portal page around make_samples.py's article HTML."""
    esc = html.escape
    site = f"{REGION}人民政府门户网站（演示）"
    head = {"utf-8": '<meta charset="utf-8">', "http-equiv": '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
            "gbk": '<meta http-equiv="Content-Type" content="text/html; charset=gbk">', "none": ""}[charset]
    nav = "".join(f'<li><a href="/{i}/index.html">{n}</a></li>' for i, n in enumerate(M._NAV))
    published = y.fields["meta.published"]
    text = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{head}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(sample.page_title)}_{esc(site)}</title>
<meta name="SiteName" content="{esc(site)}">
<meta name="ColumnName" content="政府信息公开年报">
<meta name="PubDate" content="{published}">
<style>
{M._CSS}
.demo-note{{background:#fff3cd;color:#7a5b00;text-align:center;line-height:32px}}
</style>
<script>
function doZoom(size){{document.getElementById("zoom").style.fontSize = size + "px";}}
</script>
</head>
<body>
<div class="demo-note">演示网站：本页所有机构与数据均为虚构，仅用于演示政务公开年报对比看板。</div>
<div class="header"><div class="container"><div class="logo">{esc(site)}</div></div></div>
<div class="nav" id="nav"><ul>{nav}</ul></div>
<div class="container">
<div class="breadcrumbs">您当前的位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/ndbg/">政府信息公开年报</a></div>
<div class="article">
<h1 class="article-title">{esc(sample.page_title)}</h1>
<div class="article-info">发布时间：{published}&nbsp;&nbsp;来源：{esc(y.agency.name)}&nbsp;&nbsp;字号：[<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>]</div>
<div class="article-content" id="zoom">
{M._html_article(sample, word=word)}
</div>
<div class="article-tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
</div>
<div class="footer" id="footer">
<p>主办单位：{esc(REGION)}人民政府办公室（虚构）&nbsp;&nbsp;本网站为演示用途，不是任何真实政府网站</p>
</div>
</body>
</html>
"""
    return text.encode("gbk" if charset == "gbk" else "utf-8")


def gold(y: Year) -> dict:
    f = y.fields
    out = {k: f[k] for k in ("meta.agency", "meta.year", "meta.template", "meta.published")}
    out.update({k: f[k] for k in F.template_keys(y.template)})
    out["proactive.published_total"] = f["proactive.published_total"]
    out["processing_fee.yuan"] = f["processing_fee.yuan"]
    out["_violations"] = [y.planted] if y.planted in ("R1", "R2", "R3", "R4") else []
    return out


def library() -> list[Year]:
    """Every agency-year in the library, in agency order then year."""
    return [y for a in AGENCIES for y in simulate(a) if (a.code, y.year) not in ABSENT]


def formats(reports: list[Year]) -> dict[str, str]:
    """One format per report: each agency's years cycle through the four formats from its own start."""
    return {y.name: FORMATS[(i + y.year) % 4] for i, a in enumerate(AGENCIES)
            for y in reports if y.agency is a}


def render(y: Year, fmt: str, index: int) -> bytes:
    r = report_of(y)
    p = parts(r, y)
    if fmt == "txt":
        return render_text(r, TEXT_SHAPES[index % len(TEXT_SHAPES)], p).encode("utf-8")
    sample = sample_of(y, r, p)
    M.PAGES[y.name] = dict(source=y.agency.name, in_body=index % 2 == 0)
    if index % 3 == 0:
        M.PDF_REPEAT_T3_HEADER[y.name] = 3
    if fmt == "docx":
        return M.render_docx(sample)
    if fmt == "pdf":
        return M.render_pdf(sample)
    return page(sample, y, ("utf-8", "http-equiv", "none", "gbk")[index % 4], word=index % 3 == 1)


def main() -> int:
    if sys.argv[1:] == ["--records"]:  # after a parser change: the records only, in seconds
        documents = sorted(p for p in OUT.iterdir() if p.suffix in (".pdf", ".docx", ".html", ".txt"))
        save_demo_records(documents)
        print(f"  {DEMO_RECORDS.name}: {len(documents)} records (parser {PARSER_VERSION})")
        return 0
    OUT.mkdir(exist_ok=True)
    reports = library()
    fmt = formats(reports)
    keep = {"README.md"}
    for index, y in enumerate(reports):
        name = f"{y.name}.{fmt[y.name]}"
        (OUT / name).write_bytes(render(y, fmt[y.name], index))
        (OUT / f"{y.name}.gold.json").write_text(json.dumps(gold(y), ensure_ascii=False, indent=1) + "\n",
                                                  encoding="utf-8")
        keep |= {name, f"{y.name}.gold.json"}
        print(f"  {name}" + (f"  (planted {y.planted})" if y.planted else ""))
    for stale in OUT.iterdir():
        if stale.name not in keep | {DEMO_RECORDS.name}:
            print(f"  removing stale {stale.name}")
            stale.unlink()
    documents = sorted(OUT / n for n in keep if not n.endswith((".json", ".md")))
    save_demo_records(documents)  # what the parser makes of them, so a first start need not parse them
    print(f"  {DEMO_RECORDS.name}: {len(documents)} records (parser {PARSER_VERSION})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
