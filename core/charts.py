"""Every chart of the dashboard, in one look: Chinese fonts, consistent colours, titles that state
metric, year(s) and source so a screenshot stands on its own, readable long agency names.

Charts are Apache ECharts options, drawn by Streamlit's own `st.echarts_chart`: its browser module is
1.2 MB where Plotly's is 4.7 MB, and loading Plotly's cost 1.5–2 s of browser time on every page opened
from a bookmark, before any chart was drawn (benchmarks/page_loads.py; README「图表」).

Figures take tidy/wide frames from `core.metrics`; nothing here computes a metric. ECharts draws labels
and axis names as plain text; tooltips are HTML, so every name in a tooltip goes through `text` first
and is shown as printed, never as markup.
"""
from __future__ import annotations

import html
import io
import os
import re
import textwrap
from dataclasses import dataclass

import pandas as pd

from core.record import is_finding

FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, WenQuanYi Micro Hei, sans-serif"
# no red among the agencies' colours: red marks a value with a finding on it (SUSPECT)
PALETTE = ("#1f5fa8", "#d9822b", "#3c9d5d", "#4a4a4a", "#7b5ea7", "#8c6d46", "#c45b9b", "#6b7b8c",
           "#2aa1b3", "#a7a83a")
SEVERITY_COLOURS = {"error": "#c0392b", "warning": "#e0a000", "info": "#8a96a3"}
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
SOURCE = "数据来源：各机构政府信息公开工作年度报告"
MAIN = PALETTE[0]
SUSPECT = "#b8433f"  # a value from a table that does not add up, or one a plausibility finding doubts
GRID = "#e6e9ee"
HATCH = {"symbol": "rect", "rotation": 0.8, "dashArrayX": [1, 0], "dashArrayY": [2, 4],
         "color": "rgba(255,255,255,0.55)"}  # stripes over a marked bar: visible in grey print too
CORRECTED_COLOUR = "#2563eb"  # the outline of a value corrected by hand (the report page's mark too)
ROOMY = 0.05  # a stacked segment shorter than this share of the axis has no room for its number
FOOTNOTE_LINES = 4
LINE = 16  # px of one footnote line
WAN = 10_000


@dataclass(frozen=True)
class Chart:
    """An ECharts option for `st.echarts_chart`, the height in pixels it was laid out for, and what a
    screen reader says for it (ECharts draws on a canvas): title, year, count."""
    option: dict
    height: int
    alt: str


def toolbox(filename: str) -> dict:
    """The chart's download button: a PNG at three times screen resolution with a Chinese file name."""
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", filename).strip("_") or "图表"
    return {"right": 4, "top": 0, "itemSize": 16,
            "feature": {"saveAsImage": {"name": safe, "type": "png", "pixelRatio": 3, "backgroundColor": "#fff",
                                        "title": "下载图片（PNG）"}}}


def text(value) -> str:
    """A name from a report inside a tooltip (HTML): shown as printed, never as markup."""
    return html.escape(str(value), quote=False)


def wrap(name, width: int = 12) -> str:
    """A long agency name over several lines, so bars keep their room."""
    return "\n".join(textwrap.wrap(str(name), width)) or str(name)


def _years(years) -> str:
    ys = sorted({int(y) for y in years if pd.notna(y)})
    if not ys:
        return ""
    return f"{ys[0]}年" if len(ys) == 1 else f"{ys[0]}–{ys[-1]}年"


def number(value, unit: str = "") -> str:
    """A value as a label in a chart or a table: 12,345 (thousands separators), 12.5%, 3.7512; '' for
    missing. As printed (万元 amounts carry up to 4 decimals), never rounded to 万: a briefing quotes it."""
    if value is None or value != value or value is pd.NA:  # None or NaN
        return ""
    if unit == "%":
        return f"{value:.1f}%"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4f}".rstrip("0").rstrip(".")


def is_missing(v) -> bool:
    """None, NaN or pd.NA: a value the report does not give (never drawn as 0)."""
    return v is None or v is pd.NA or v != v


def _value(v, scale: float = 1) -> float | None:
    return None if is_missing(v) else float(v) / scale


def _scale(values, unit: str) -> float:
    """10,000 when the axis reaches 100,000: the axis then reads 10万, 2.5万 (never 100k); values are
    plotted in 万 while every label keeps the number as printed."""
    v = pd.to_numeric(pd.Series(list(values), dtype="object"), errors="coerce").abs()
    return WAN if unit != "%" and len(v.dropna()) and v.max() >= 100_000 else 1


def value_axis(values, unit: str, name: str = "", vertical: bool = False) -> tuple[dict, float]:
    """A value axis read the Chinese way (thousands separators, 万 from 100,000, % for rates) and the
    scale the data must be divided by for it."""
    scale = _scale(values, unit)
    axis = {"type": "value", "splitLine": {"lineStyle": {"color": GRID}},
            "axisLabel": {"formatter": "{value}万" if scale == WAN else "{value}%" if unit == "%" else "{value}"}}
    if vertical:  # the unit written level above the axis: a turned 「件」 is hard to read
        axis.update(name=f"单位：{'万' if scale == WAN else ''}{unit}", nameLocation="end", nameGap=14,
                    nameTextStyle={"align": "left", "color": "#555", "fontSize": 12})
    elif name:
        axis.update(name=name + ("（以万计）" if scale == WAN else ""), nameLocation="middle", nameGap=28,
                    nameTextStyle={"color": "#555"})
    return axis, scale


def _category_axis(names, width: int = 12, inverse: bool = True) -> dict:
    return {"type": "category", "data": [wrap(a, width) for a in names], "inverse": inverse,
            "axisTick": {"show": False}, "axisLabel": {"interval": 0, "color": "#222", "lineHeight": 16}}


def _short(message: str, width: int = 70) -> str:
    return message if len(message) <= width else message[: width - 1] + "…"


def _flags(df: pd.DataFrame, column: str = "flag") -> list[str]:
    return [f if isinstance(f, str) else "" for f in df[column]] if column in df else [""] * len(df)


def _marks(flags: pd.DataFrame | None, key: str, n: int) -> list[str]:
    return _flags(flags, key) if flags is not None else [""] * n


def _mark(flag: str) -> str:
    """What follows a marked value's label: ⚠ for a finding on it, ✎ for a value corrected by hand."""
    return " ⚠" if is_finding(flag) else " ✎" if flag else ""


def _marked(item: dict, flag: str, recolour: bool = True) -> dict:
    """A bar of a value with a finding: hatched (and red, unless its colour names a category), so it
    stands out on screen and on paper; of a value corrected by hand: outlined in blue."""
    if is_finding(flag):
        item["itemStyle"] = {"color": SUSPECT, "decal": HATCH} if recolour else {"decal": HATCH}
    elif flag:
        item["itemStyle"] = {"borderColor": CORRECTED_COLOUR, "borderWidth": 2}
    return item


def _tip(*lines: str) -> dict:
    return {"formatter": "<br/>".join(lines)}


def _chart(title: str, subtitle: str, series: list[dict], height: int, flagged=(), extra: str = "",
           legend: bool = False, **axes) -> Chart:
    """The common frame: title and subtitle with the source, grid, legend at the bottom, then the
    footnote: each marked value's agency and the finding on it (so a screenshot carries the reason
    with the number), at most FOOTNOTE_LINES lines, then how many more; then `extra`."""
    lines = []
    seen = list(dict.fromkeys(flagged))
    findings = [(who, why) for who, why in seen if is_finding(why)]
    fixed = [(who, why) for who, why in seen if not is_finding(why)]
    for marks, mark, head, more in ((findings, "⚠", "⚠ 标记的数值来自表格不平衡或数值可疑的报告（数值按原文照录）：", "见「数据校验」"),
                                    (fixed, "✎", "✎ 标记的数值经人工更正（不是报告原文）：", "见各报告的「报告详情」")):
        if marks:
            lines += [head, *(f"{mark} {who}：{_short(why)}" for who, why in marks[:FOOTNOTE_LINES])]
            if len(marks) > FOOTNOTE_LINES:
                lines.append(f"另有 {len(marks) - FOOTNOTE_LINES} 处，{more}")
    if extra:
        lines += textwrap.wrap(extra, 80)
    foot = LINE * len(lines) + 12 if lines else 0
    legend_room = 34 if legend else 0
    option = {
        "animation": False, "backgroundColor": "#fff", "color": list(PALETTE),
        "textStyle": {"fontFamily": FONT, "fontSize": 13, "color": "#222"},
        "title": {"text": title, "subtext": f"{subtitle}{'　' if subtitle else ''}{SOURCE}", "left": 6, "top": 4,
                  "textStyle": {"fontSize": 17, "fontWeight": "bold"}, "subtextStyle": {"fontSize": 12, "color": "#666"}},
        "tooltip": {"trigger": "item", "confine": True, "textStyle": {"fontFamily": FONT}},
        "grid": {"left": 12, "right": 70, "top": 92, "bottom": 44 + legend_room + foot, "containLabel": True},
        "series": series, **axes,
    }
    if legend:
        option["legend"] = {"bottom": foot + 4, "left": 8, "itemGap": 16}
    if lines:
        option["graphic"] = [{"type": "text", "left": 10, "bottom": 8, "silent": True,
                              "style": {"text": "\n".join(lines), "fontSize": 11, "lineHeight": LINE,
                                        "fill": "#8a2a22" if findings else "#1e3a8a" if fixed else "#555"}}]
    return Chart(option, height + legend_room + foot, f"{title}（{subtitle}）" if subtitle else title)


def ranked_bars(df: pd.DataFrame, label: str, unit: str, year: int | None, peer_mean: float | None = None,
                of: int | None = None, left_out: pd.DataFrame | None = None) -> Chart:
    """Agencies ranked on one metric (df: agency, value[, flag]), largest first, with the peer-group
    average as a line; `of` is how many agencies there are when df holds only the top ones; `left_out`
    (agency, reason) names those a rate could not be computed for."""
    d = df.dropna(subset=["value"]).sort_values("value", ascending=False)
    flag = _flags(d)
    axis, scale = value_axis(d["value"], unit, f"{label}（{unit}）")
    data = []
    for agency, v, f in zip(d["agency"], d["value"], flag):
        shown = number(v, unit) + _mark(f)
        data.append(_marked({"value": _value(v, scale), "label": {"formatter": shown},
                             "tooltip": _tip(text(agency), f"{text(label)}：{shown}")}, f))
    series = {"type": "bar", "name": label, "data": data, "barMaxWidth": 24, "itemStyle": {"color": MAIN},
              "label": {"show": True, "position": "right", "color": "#222"}}
    if peer_mean is not None and len(d) > 1:
        series["markLine"] = {"symbol": "none", "silent": True, "lineStyle": {"type": "dashed", "color": PALETTE[1]},
                              "label": {"formatter": f"平均 {number(round(peer_mean, 1), unit)}", "position": "start",
                                        "color": PALETTE[1]},
                              "data": [{"xAxis": peer_mean / scale}]}
    count = f"前 {len(d)} 名（共 {of} 个机构）" if of and of > len(d) else f"{len(d)} 个机构"
    extra = ""
    if left_out is not None and len(left_out):
        extra = "未计入：" + "；".join(f"{a}（{r}）" for a, r in zip(left_out["agency"][:6], left_out["reason"][:6]))
        extra += f" 等 {len(left_out)} 个机构" if len(left_out) > 6 else ""
    return _chart(f"{label}：机构排名", f"{year}年｜{count}" if year else count, [series],
                  max(240, 40 + 34 * len(d)) + 92, [(a, f) for a, f in zip(d["agency"], flag) if f], extra,
                  xAxis=axis, yAxis=_category_axis(d["agency"]))


def grouped_bars(df: pd.DataFrame, labels: dict[str, str], year: int | None, title: str = "多项指标对比",
                 flags: pd.DataFrame | None = None, unit: str = "件") -> Chart:
    """Several metrics side by side per agency (df: agency + one column per metric key), each bar
    labelled with its value; 「—」 where the report gives none, so 0 and missing differ on a picture."""
    keys = [k for k in labels if k in df]
    axis, scale = value_axis(pd.concat([df[k] for k in keys]) if keys and len(df) else [], unit)
    series, flagged = [], []
    for key in keys:
        marks = _marks(flags, key, len(df))
        data = []
        for agency, v, m in zip(df["agency"], df[key], marks):
            shown = "—" if is_missing(v) else number(v, unit) + _mark(m)
            data.append(_marked({"value": 0 if is_missing(v) else _value(v, scale), "label": {"formatter": shown},
                                 "tooltip": _tip(text(agency), f"{text(labels[key])}：{shown}")}, m))
        series.append({"type": "bar", "name": labels[key], "data": data, "barMaxWidth": 18,
                       "label": {"show": True, "position": "right", "color": "#222", "fontSize": 12}})
        flagged += [(a, m) for a, m in zip(df["agency"], marks) if m]
    return _chart(title, f"{year}年｜「—」：报告未填写或未读到", series,
                  max(280, 40 + 24 * len(df) * max(1, len(keys))) + 92, flagged, legend=True,
                  xAxis=axis, yAxis=_category_axis(df["agency"]))


def heatmap(df: pd.DataFrame, labels: dict[str, str], year: int | None, flags: pd.DataFrame | None = None) -> Chart:
    """Agencies × metrics; colour is each metric's share of its largest value, text the value."""
    keys = [k for k in labels if k in df]
    values = df[keys].astype(float)
    scaled = values / values.max().replace(0, float("nan"))
    data, flagged = [], []
    marks = {key: _marks(flags, key, len(df)) for key in keys}
    for i, agency in enumerate(df["agency"]):
        for j, key in enumerate(keys):
            v, m = values.iat[i, j], marks[key][i]
            shown = ("—" if is_missing(v) else number(v)) + _mark(m)
            s = scaled.iat[i, j]
            data.append({"value": [j, i, -1 if is_missing(v) else 0.0 if is_missing(s) else round(float(s), 4)],
                         "label": {"formatter": shown},
                         "tooltip": _tip(text(agency), f"{text(labels[key])}：{shown}")})
            if m:
                flagged.append((agency, m))
    series = {"type": "heatmap", "data": data, "label": {"show": True, "color": "#222", "fontSize": 12},
              "itemStyle": {"borderColor": "#fff", "borderWidth": 2}}
    return _chart("机构 × 指标热力图", f"{year}年｜颜色为该指标最大值的比例｜「—」：报告未填写或未读到", [series],
                  max(220, 50 + 34 * len(df)) + 92, flagged,
                  xAxis={"type": "category", "data": [labels[k] for k in keys], "position": "top",
                         "axisLabel": {"interval": 0, "color": "#222"}, "axisTick": {"show": False}},
                  yAxis=_category_axis(df["agency"], 14),
                  visualMap={"show": False, "min": 0, "max": 1, "inRange": {"color": ["#f4f8fc", "#7fb0dc"]},
                             "outOfRange": {"color": "#f1f2f4"}})


def colours(agencies) -> dict[str, str]:
    """One colour per agency, the same in every chart drawn for the same choice of agencies."""
    return {a: PALETTE[i % len(PALETTE)] for i, a in enumerate(sorted(set(agencies)))}


SYMBOLS = ("circle", "rect", "diamond", "triangle", "roundRect", "pin", "arrow", "emptyCircle", "emptyRect",
           "emptyDiamond")
CROSS = "path://M2,0L5,3L8,0L10,2L7,5L10,8L8,10L5,7L2,10L0,8L3,5L0,2Z"  # a marked value on a line
YEAR_MS = 365.25 * 24 * 3600 * 1000


def _at(year: float) -> int:
    """A (fractional) year on ECharts' time axis, in ms since 1970: the axis then reads 2020, never 2,020."""
    return round((year - 1970) * YEAR_MS)


def short_names(agencies) -> dict[str, str]:
    """Line-end labels: the agency name without the prefix all chosen agencies share (演示市…),
    at most 10 characters."""
    names = [str(a) for a in agencies]
    prefix = os.path.commonprefix(names) if len(names) > 1 else ""
    out = {}
    for a in names:
        rest = a[len(prefix):] or a
        out[a] = rest if len(rest) <= 10 else rest[:9] + "…"
    return out


TREND_HEIGHT = 380  # of the plot area: the label spread below is worked out for it


def trend_lines(df: pd.DataFrame, label: str, unit: str, palette: dict[str, str] | None = None) -> Chart:
    """Chosen agencies over years (df: agency, year, value[, flag]). A year an agency has no report
    for in the library is a gap in its line, never a straight line across; points of agencies that
    coincide are set a little apart, each with its own marker; the value at each line's last year
    is labelled with the agency's name, the labels moved apart where they would collide."""
    palette = palette or colours(df["agency"])
    agencies = sorted(df["agency"].unique())
    scale = _scale(df["value"], unit)
    series, flagged, ends = [], [], []
    n = len(agencies)
    dodge = min(0.06, 0.3 / max(n, 1))
    names = short_names(agencies)
    for i, agency in enumerate(agencies):
        d = df[df["agency"] == agency].sort_values("year")
        years = list(range(int(d["year"].min()), int(d["year"].max()) + 1))
        d = d.set_index(d["year"].astype(int)).reindex(years)  # a missing year: a gap in the line
        offset = (i - (n - 1) / 2) * dodge
        data, last = [], None
        for y, v, f in zip(years, d["value"], _flags(d)):
            shown = number(v, unit) + _mark(f) if not is_missing(v) else "未入库"
            item = {"value": [_at(y + offset), _value(v, scale)], "tooltip": _tip(f"{text(agency)}｜{y}年：{shown}")}
            if is_finding(f):
                item.update(symbol=CROSS, symbolSize=13, itemStyle={"color": SUSPECT})
            elif f:
                item.update(itemStyle={"borderColor": CORRECTED_COLOUR, "borderWidth": 3})
            if f:
                flagged.append((f"{agency}·{y}年", f))
            data.append(item)
            if not is_missing(v):
                last = (y + offset, float(v) / scale, agency, shown)
        if last:
            ends.append(last)
        series.append({"type": "line", "name": agency, "data": data, "connectNulls": False,
                       "symbol": SYMBOLS[i % len(SYMBOLS)], "symbolSize": 9, "color": palette.get(agency),
                       "lineStyle": {"width": 2}})
    top = float(df["value"].max()) / scale if len(df) else 1.0
    span = max(top, 1e-9) * 1.12
    gap = span * 0.075  # one label's height at TREND_HEIGHT, in data units
    labels, links = [], []
    for x in sorted({round(e[0]) for e in ends}):  # labels that share an end year: spread apart, in order
        placed: list[float] = []
        for e in sorted((e for e in ends if round(e[0]) == x), key=lambda e: e[1]):
            y = e[1] if not placed else max(e[1], placed[-1] + gap)
            placed.append(y)
            labels.append({"name": f"{names[e[2]]} {e[3]}", "value": [_at(x + 0.16), y],
                           "label": {"color": palette.get(e[2])}})
            links.append({"coords": [[_at(e[0]), e[1]], [_at(x + 0.15), y]]})
        span = max(span, placed[-1] + gap)
    series.append({"type": "scatter", "name": "末端标注", "data": labels, "symbolSize": 0, "silent": True,
                   "tooltip": {"show": False}, "label": {"show": True, "position": "right", "formatter": "{b}",
                                                          "fontSize": 12}})
    series.append({"type": "lines", "coordinateSystem": "cartesian2d", "data": links, "silent": True,
                   "lineStyle": {"color": "#bbb", "width": 1}})
    years = sorted({int(y) for y in df["year"]})
    y_axis, _ = value_axis(df["value"], unit, vertical=True)
    y_axis.update(min=0, max=span)
    y_axis["axisLabel"]["showMaxLabel"] = False  # the headroom for labels is no value
    x_axis = {"type": "time", "min": _at(years[0] - 0.4), "max": _at(years[-1] + 0.3), "minInterval": YEAR_MS,
              "maxInterval": YEAR_MS, "axisLabel": {"formatter": "{yyyy}", "color": "#222"}, "splitLine": {"show": False},
              "name": "年度", "nameLocation": "middle", "nameGap": 28}
    chart = _chart(f"{label}：年度趋势", f"{_years(df['year'])}｜{df['agency'].nunique()} 个机构｜断开处：该年度报告未入库",
                   series, TREND_HEIGHT + 92, flagged, legend=True, xAxis=x_axis, yAxis=y_axis)
    chart.option["grid"]["right"] = 150  # room for the end labels
    chart.option["legend"]["data"] = agencies
    return chart


def yoy_bars(df: pd.DataFrame, label: str, palette: dict[str, str] | None = None) -> Chart:
    """Year-over-year change in % (df: agency, year, change)."""
    d = df.dropna(subset=["change"])
    palette = palette or colours(d["agency"])
    years = sorted({int(y) for y in d["year"]})
    series = []
    for agency, g in d.groupby("agency", sort=True):
        by_year = dict(zip(g["year"].astype(int), g["change"]))
        data = [{"value": round(float(by_year[y]), 4), "label": {"formatter": f"{by_year[y]:+.1f}%"},
                 "tooltip": _tip(f"{text(agency)}｜{y}年：{by_year[y]:+.1f}%")} if y in by_year else None
                for y in years]
        series.append({"type": "bar", "name": agency, "data": data, "color": palette.get(agency), "barMaxWidth": 28,
                       "label": {"show": True, "position": "top", "color": "#222", "fontSize": 11},
                       "labelLayout": {"hideOverlap": True}})  # a hidden number stays in the tooltip
    y_axis, _ = value_axis(d["change"], "%", vertical=True)
    return _chart(f"{label}：同比变化", f"{_years(d['year'])}｜只比较相邻两个年度都入库的机构", series, 330 + 92,
                  legend=True, xAxis={"type": "category", "data": [str(y) for y in years], "name": "年度",
                                      "nameLocation": "middle", "nameGap": 28, "axisTick": {"show": False}},
                  yAxis=y_axis)


def stacked(df: pd.DataFrame, categories: dict[str, str], title: str, year: int | None, share: bool = False,
            flags: pd.DataFrame | None = None) -> Chart:
    """Composition per agency (df: agency + one column per category key), absolute or as shares;
    each segment labelled where it has room, each bar's total at its end, 「未填写或未读到」 for an
    agency whose report gives none of these numbers."""
    d = df.reset_index(drop=True)
    keys = [k for k in categories if k in d]
    raw = d[keys].astype(float)
    empty = raw.isna().all(axis=1)
    totals = raw.sum(axis=1, min_count=1)
    values = raw.fillna(0)
    if share:
        values = values.div(values.sum(axis=1).replace(0, float("nan")), axis=0) * 100
    unit = "%" if share else "件"
    top = float(totals.max()) if totals.notna().any() else 1.0
    axis, scale = value_axis(totals if not share else [100], unit, "占比（%）" if share else "件数")
    if share:
        axis.update(max=112, interval=20)
        axis["axisLabel"]["showMaxLabel"] = False
    series, flagged = [], []
    for key in keys:
        marks = _marks(flags, key, len(d))
        data = []
        for agency, v, r, m in zip(d["agency"], values[key], raw[key], marks):
            roomy = v == v and v >= ROOMY * (100 if share else top)  # a narrower segment keeps its number to the tooltip
            shown = (number(v, unit) if roomy and v else "") + _mark(m)
            data.append(_marked({"value": _value(v, scale) or 0, "label": {"formatter": shown},
                                 "tooltip": _tip(text(agency), f"{text(categories[key])}："
                                                 + (f"{number(r)}件" if r == r else "—") + _mark(m))}, m,
                                recolour=False))
        series.append({"type": "bar", "name": categories[key], "stack": "total", "data": data, "barMaxWidth": 26,
                       "label": {"show": True, "position": "inside", "fontSize": 11, "color": "#fff",
                                 "textBorderColor": "rgba(0,0,0,0.45)", "textBorderWidth": 2},
                       "labelLayout": {"hideOverlap": True}})
        flagged += [(a, m) for a, m in zip(d["agency"], marks) if m]
    ends = [{"value": [0 if e else (100 if share else t / scale), i],
             "name": "未填写或未读到" if e else (f"共 {number(t)} 件" if share else number(t))}
            for i, (e, t) in enumerate(zip(empty, totals))]
    series.append({"type": "scatter", "name": "合计", "data": ends, "symbolSize": 0, "silent": True,
                   "tooltip": {"show": False}, "label": {"show": True, "position": "right", "formatter": "{b}",
                                                          "color": "#555"}})
    if not share:
        axis["max"] = round(top / scale * 1.15, 4)
        axis["axisLabel"]["showMaxLabel"] = False
    chart = _chart(title + ("（占比）" if share else ""), f"{year}年" if year else "", series,
                   max(240, 50 + 34 * len(d)) + 92, flagged, legend=True, xAxis=axis,
                   yAxis=_category_axis(d["agency"]))
    chart.option["legend"]["data"] = [categories[k] for k in keys]
    return chart


def coverage_grid(grid: pd.DataFrame, of: int | None = None) -> Chart:
    """Agency × year (from `coverage_text`): which reports the library holds, whether they add up.
    A year it does not hold is 「未入库」: the library cannot know whether the agency published. `of`:
    how many agencies there are when the grid holds only those with the most gaps."""
    code = {"未入库": -1, "已入库": 0}
    names = [wrap(a, 16) for a in grid.index]
    lines = max((n.count("\n") + 1 for n in names), default=1)
    columns = [f"{c}年" for c in grid.columns]
    data = [{"value": [j, i, code.get(v, 1)], "label": {"formatter": v},
             "tooltip": _tip(f"{text(a)}｜{columns[j]}：{text(v)}")}
            for i, (a, row) in enumerate(grid.iterrows()) for j, v in enumerate(row)]
    series = {"type": "heatmap", "data": data, "label": {"show": True, "color": "#222", "fontSize": 12},
              "itemStyle": {"borderColor": "#fff", "borderWidth": 3}}
    y_axis = _category_axis(grid.index, 16)
    y_axis["data"] = names
    return _chart("资料库收录情况：机构 × 年度",
                  f"{_years(grid.columns)}｜"
                  + (f"缺年度或不平衡最多的 {len(grid)} 个（共 {of:,} 个机构）" if of and of > len(grid) else f"{len(grid)} 个机构")
                  + "｜「未入库」：资料库中没有该年度的报告（不代表机构未发布）",
                  [series], max(200, 40 + (16 * lines + 14) * len(grid)) + 92,
                  xAxis={"type": "category", "data": columns, "position": "top", "axisTick": {"show": False},
                         "axisLabel": {"color": "#222"}},
                  yAxis=y_axis,
                  visualMap={"type": "piecewise", "show": False, "pieces": [
                      {"value": -1, "color": "#eef0f3"}, {"value": 0, "color": "#cfe8d5"}, {"value": 1, "color": "#f5c6c0"}]})


def warning_summary(df: pd.DataFrame) -> Chart:
    """Findings per rule, stacked by severity (df: rule, severity, count)."""
    rules = list(dict.fromkeys(df["rule"]))
    series = []
    for severity in ("error", "warning", "info"):
        d = df[df["severity"] == severity]
        if len(d):
            counts = dict(zip(d["rule"], d["count"]))
            series.append({"type": "bar", "name": SEVERITY_LABELS[severity], "stack": "severity", "barMaxWidth": 48,
                           "color": SEVERITY_COLOURS[severity], "label": {"show": True, "color": "#fff"},
                           "data": [int(counts[r]) if r in counts else None for r in rules]})
    y_axis, _ = value_axis(df["count"], "条", vertical=True)
    return _chart("校验发现：按规则统计", f"共 {int(df['count'].sum())} 条", series, 300 + 92, legend=True,
                  xAxis={"type": "category", "data": rules, "axisLabel": {"interval": 0, "color": "#222"},
                         "axisTick": {"show": False}},
                  yAxis=y_axis)


def whole_numbers(df: pd.DataFrame) -> pd.DataFrame:
    """Columns whose values are all whole numbers as integers (a count is 23, not 23.0), blanks kept."""
    out = df.copy()
    for col in out.columns:
        values = out[col]
        if pd.api.types.is_float_dtype(values) and values.notna().any() and (values.dropna() % 1 == 0).all():
            out[col] = values.astype("Int64")
    return out


def to_csv(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM, so Excel opens the Chinese headers correctly; counts as whole numbers."""
    return whole_numbers(df).to_csv(index=False).encode("utf-8-sig")


def to_excel(df: pd.DataFrame, sheet: str = "数据") -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        whole_numbers(df).to_excel(writer, index=False, sheet_name=sheet[:31])
    return buf.getvalue()
