"""Every Plotly figure of the dashboard, in one look: Chinese fonts, consistent colours, titles that
state metric, year(s) and source so a screenshot stands on its own, readable long agency names.

Figures take tidy/wide frames from `core.metrics`; nothing here computes a metric. Plotly reads the text
it draws as a small HTML (<b>, <a href>, <span style>, entities): every agency name goes through `text`
first, so a name is drawn as it is printed and never becomes markup or a link.
"""
from __future__ import annotations

import io
import math
import os
import re
import textwrap

import pandas as pd
import plotly.graph_objects as go

FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, WenQuanYi Micro Hei, sans-serif"
PALETTE = ("#1f5fa8", "#d9822b", "#3c9d5d", "#b8433f", "#7b5ea7", "#8c6d46", "#c45b9b", "#6b7b8c",
           "#2aa1b3", "#a7a83a")
SEVERITY_COLOURS = {"error": "#c0392b", "warning": "#e0a000", "info": "#8a96a3"}
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
SOURCE = "数据来源：各机构政府信息公开工作年度报告"
MAIN = PALETTE[0]
SUSPECT = "#b8433f"  # a value a plausibility finding doubts


def plot_config(filename: str) -> dict:
    """Modebar settings: PNG download at scale 3 with a meaningful Chinese file name."""
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", filename).strip("_") or "图表"
    return {"displaylogo": False, "locale": "zh-CN",
            "toImageButtonOptions": {"format": "png", "filename": safe, "scale": 3}}


def text(value) -> str:
    """A name from a report as Plotly text: its <, > and & as entities, which Plotly draws as themselves."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def wrap(name: str, width: int = 12) -> str:
    """A long agency name over several lines, so bars keep their room (each line escaped after the
    split, so an entity is never cut in two)."""
    return "<br>".join(text(line) for line in textwrap.wrap(str(name), width)) or text(name)


def _years(years) -> str:
    ys = sorted({int(y) for y in years if pd.notna(y)})
    if not ys:
        return ""
    return f"{ys[0]}年" if len(ys) == 1 else f"{ys[0]}–{ys[-1]}年"


def _style(fig: go.Figure, title: str, subtitle: str = "", height: int | None = None) -> go.Figure:
    sub = f"<br><sup>{subtitle}{'　' if subtitle else ''}{SOURCE}</sup>"
    fig.update_layout(
        title={"text": f"<b>{title}</b>{sub}", "x": 0.01, "xanchor": "left", "font": {"size": 18}},
        font={"family": FONT, "size": 13, "color": "#222"},
        colorway=PALETTE, plot_bgcolor="white", paper_bgcolor="white",
        margin={"l": 10, "r": 30, "t": 80, "b": 90 if fig.layout.showlegend is not False and len(fig.data) > 1 else 40},
        # below the axis title whatever the plot's height; in the order the traces were added
        legend={"orientation": "h", "yref": "container", "y": 0.01, "yanchor": "bottom", "x": 0, "traceorder": "normal"},
        hoverlabel={"font": {"family": FONT}}, separators=".,",
    )
    fig.update_xaxes(gridcolor="#e6e9ee", zerolinecolor="#c7ccd4", automargin=True)
    fig.update_yaxes(gridcolor="#e6e9ee", zerolinecolor="#c7ccd4", automargin=True)
    if height:
        fig.update_layout(height=height)
    return fig


def number(value, unit: str = "") -> str:
    """A value as a label in a chart or a table: 12,345 (thousands separators), 12.5%, 3.7512; '' for
    missing. As printed (万元 amounts carry up to 4 decimals), never rounded to 万: a briefing quotes it."""
    if value is None or value != value or value is pd.NA:  # None or NaN
        return ""
    if unit == "%":
        return f"{value:.1f}%"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4f}".rstrip("0").rstrip(".")



def _nice_step(top: float, ticks: int = 5) -> float:
    raw = top / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def _tick(v: float, unit: str) -> str:
    if unit == "%":
        return f"{v:g}%"
    if abs(v) >= 100_000:  # 10万, 2.5万: the way Chinese figures are read (never 100k)
        return f"{v / 10_000:,.4g}".rstrip(".") + "万"
    return number(v)


def value_axis(fig: go.Figure, axis: str, values, unit: str) -> None:
    """Chinese number formatting on a value axis: thousands separators, 万 from 100,000 on, % for
    rates; never d3's 20k/1M."""
    v = pd.to_numeric(pd.Series(list(values), dtype="object"), errors="coerce").dropna()
    update = fig.update_xaxes if axis == "x" else fig.update_yaxes
    top, bottom = (float(v.max()), float(v.min())) if len(v) else (0.0, 0.0)
    if unit == "%" or max(abs(top), abs(bottom)) < 100_000:
        update(tickformat=",~r", ticksuffix="%" if unit == "%" else "")
        return
    step = _nice_step(max(abs(top), abs(bottom)))
    ticks = [i * step for i in range(math.floor(min(bottom, 0) / step), math.ceil(top / step) + 1)]
    update(tickvals=ticks, ticktext=[_tick(t, unit) for t in ticks])


def _unit_label(fig: go.Figure, unit: str) -> None:
    """The unit of a vertical value axis, written level above the axis (a turned 「件」 is hard to read)."""
    fig.update_yaxes(title_text="")
    fig.add_annotation(text=f"单位：{unit}", xref="paper", yref="paper", x=0, y=1.0, xanchor="right",
                       yanchor="bottom", showarrow=False, font={"size": 12, "color": "#555"})


FLAG_MARK = " ⚠"
FOOTNOTE_LINES = 4


def _footnote(fig: go.Figure, flagged: list[tuple[str, str]], extra: str = "") -> None:
    """Under the plot: each marked value's agency and the finding on it (so a screenshot carries
    the reason with the number), at most FOOTNOTE_LINES lines, then how many more."""
    lines = []
    if flagged:
        seen = list(dict.fromkeys(flagged))
        lines = [f"⚠ {text(who)}：{text(_short(why))}" for who, why in seen[:FOOTNOTE_LINES]]
        if len(seen) > FOOTNOTE_LINES:
            lines.append(f"另有 {len(seen) - FOOTNOTE_LINES} 处，见「数据校验」")
        lines.insert(0, "⚠ 标记的数值来自表格不平衡或数值可疑的报告（数值按原文照录）：")
    if extra:
        lines += [text(part) for part in textwrap.wrap(extra, 80)]
    if not lines:
        return
    fig.add_annotation(text="<br>".join(lines), xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top",
                       yshift=-52, showarrow=False, align="left", font={"size": 11, "color": "#8a2a22" if flagged else "#555"})
    fig.update_layout(margin_b=(fig.layout.margin.b or 40) + 16 * len(lines) + 30,
                      height=(fig.layout.height or 400) + 16 * len(lines) + 30)


def _short(message: str, width: int = 70) -> str:
    return message if len(message) <= width else message[: width - 1] + "…"


def _flags(df: pd.DataFrame, column: str = "flag") -> list[str]:
    return [f if isinstance(f, str) else "" for f in df[column]] if column in df else [""] * len(df)


def ranked_bars(df: pd.DataFrame, label: str, unit: str, year: int | None, peer_mean: float | None = None,
                of: int | None = None, left_out: pd.DataFrame | None = None) -> go.Figure:
    """Agencies ranked on one metric (df: agency, value[, flag]), with the peer-group average as a
    line; `of` is how many agencies there are when df holds only the top ones; `left_out` (agency,
    reason) names those a rate could not be computed for."""
    d = df.dropna(subset=["value"]).sort_values("value")
    flag = _flags(d)
    fig = go.Figure(go.Bar(x=d["value"], y=[wrap(a) for a in d["agency"]], orientation="h",
                           marker_color=[SUSPECT if f else MAIN for f in flag],
                           marker_pattern_shape=["/" if f else "" for f in flag],
                           text=[number(v, unit) + (FLAG_MARK if f else "") for v, f in zip(d["value"], flag)],
                           textposition="outside", cliponaxis=False,
                           hovertemplate="%{y}<br>" + label + "：%{text}<extra></extra>"))
    if peer_mean is not None and len(d) > 1:
        fig.add_vline(x=peer_mean, line_dash="dash", line_color=PALETTE[1],
                      annotation_text=f"平均 {number(peer_mean, unit)}", annotation_position="top")
    year_text = f"{year}年" if year else ""
    fig.update_xaxes(title_text=f"{label}（{unit}）", rangemode="tozero")
    value_axis(fig, "x", d["value"], unit)
    count = f"前 {len(d)} 名（共 {of} 个机构）" if of and of > len(d) else f"{len(d)} 个机构"
    fig = _style(fig, f"{label}：机构排名", f"{year_text}｜{count}", height=max(320, 60 + 34 * len(d)))
    extra = ""
    if left_out is not None and len(left_out):
        extra = "未计入：" + "；".join(f"{a}（{r}）" for a, r in zip(left_out["agency"][:6], left_out["reason"][:6]))
        extra += f" 等 {len(left_out)} 个机构" if len(left_out) > 6 else ""
    _footnote(fig, [(a, f) for a, f in zip(d["agency"], flag) if f], extra)
    return fig


def is_missing(v) -> bool:
    """None, NaN or pd.NA: a value the report does not give (never drawn as 0)."""
    return v is None or v is pd.NA or v != v


def grouped_bars(df: pd.DataFrame, labels: dict[str, str], year: int | None, title: str = "多项指标对比",
                 flags: pd.DataFrame | None = None, unit: str = "件") -> go.Figure:
    """Several metrics side by side per agency (df: agency + one column per metric key), each bar
    labelled with its value; 「—」 where the report gives none, so 0 and missing differ on a picture."""
    fig = go.Figure()
    flagged = []
    for key, label in labels.items():
        if key not in df:
            continue
        marks = list(flags[key]) if flags is not None and key in flags else [""] * len(df)
        values = list(df[key])
        shown = [number(v, unit) + (FLAG_MARK if m else "") if not is_missing(v) else "—" for v, m in zip(values, marks)]
        fig.add_bar(name=label, y=[wrap(a) for a in df["agency"]], x=[0 if is_missing(v) else v for v in values],
                    orientation="h", text=shown, textposition="outside", cliponaxis=False, customdata=shown,
                    hovertemplate="%{y}<br>" + label + "：%{customdata}<extra></extra>")
        flagged += [(a, m) for a, m in zip(df["agency"], marks) if m]
    fig.update_layout(barmode="group")
    value_axis(fig, "x", pd.concat([df[k] for k in labels if k in df]) if len(df) else [], unit)
    fig = _style(fig, title, f"{year}年｜「—」：报告未填写或未读到",
                 height=max(360, 80 + 26 * len(df) * max(1, len(labels))))
    _footnote(fig, flagged)
    return fig


def heatmap(df: pd.DataFrame, labels: dict[str, str], year: int | None, flags: pd.DataFrame | None = None) -> go.Figure:
    """Agencies × metrics; colour is each metric's share of its largest value, text the value."""
    keys = [k for k in labels if k in df]
    values = df[keys].astype(float)
    scaled = (values / values.max().replace(0, float("nan"))).where(values.notna()).fillna(0).where(values.notna())
    marks = flags[keys].to_numpy() if flags is not None and set(keys) <= set(flags.columns) else None
    cells = [[(number(v) if not is_missing(v) else "—") + (FLAG_MARK if marks is not None and marks[i][j] else "")
              for j, v in enumerate(row)] for i, row in enumerate(values.values)]
    fig = go.Figure(go.Heatmap(
        z=scaled.values, x=[labels[k] for k in keys], y=[wrap(a, 14) for a in df["agency"]],
        text=cells, texttemplate="%{text}", colorscale="Blues", zmin=0, zmax=1, showscale=False,
        hovertemplate="%{y}<br>%{x}：%{text}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    fig = _style(fig, "机构 × 指标热力图", f"{year}年｜颜色为该指标最大值的比例｜「—」：报告未填写或未读到",
                 height=max(320, 90 + 32 * len(df)))
    if marks is not None:
        _footnote(fig, [(a, marks[i][j]) for i, a in enumerate(df["agency"])
                        for j, k in enumerate(keys) if marks[i][j]])
    return fig


def colours(agencies) -> dict[str, str]:
    """One colour per agency, the same in every chart drawn for the same choice of agencies."""
    return {a: PALETTE[i % len(PALETTE)] for i, a in enumerate(sorted(set(agencies)))}


SYMBOLS = ("circle", "square", "diamond", "triangle-up", "triangle-down", "star", "hexagon", "pentagon", "cross",
           "triangle-left")


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


def trend_lines(df: pd.DataFrame, label: str, unit: str, palette: dict[str, str] | None = None) -> go.Figure:
    """Chosen agencies over years (df: agency, year, value[, flag]). A year an agency has no report
    for in the library is a gap in its line, never a straight line across; points of agencies that
    coincide are set a little apart, each with its own marker; the value at each line's last year
    is labelled with the agency's name, the labels moved apart where they would collide."""
    palette = palette or colours(df["agency"])
    agencies = sorted(df["agency"].unique())
    fig = go.Figure()
    flagged, ends = [], []
    n = len(agencies)
    dodge = min(0.06, 0.3 / max(n, 1))
    names = short_names(agencies)
    for i, agency in enumerate(agencies):
        d = df[df["agency"] == agency].sort_values("year")
        years = list(range(int(d["year"].min()), int(d["year"].max()) + 1))
        d = d.set_index(d["year"].astype(int)).reindex(years)  # a missing year: a gap in the line
        flag = _flags(d)
        offset = (i - (n - 1) / 2) * dodge
        shown = [number(v, unit) + (FLAG_MARK if f else "") if not is_missing(v) else "未入库" for v, f in zip(d["value"], flag)]
        fig.add_scatter(x=[y + offset for y in years], y=d["value"].to_numpy(dtype=float), mode="lines+markers", name=text(agency),
                        line_color=palette.get(agency), connectgaps=False, customdata=list(zip(years, shown)),
                        marker={"symbol": [("x" if f else SYMBOLS[i % len(SYMBOLS)]) for f in flag],
                                "size": [12 if f else 9 for f in flag], "line": {"width": 1, "color": "white"}},
                        hovertemplate="%{fullData.name}｜%{customdata[0]}年：%{customdata[1]}<extra></extra>")
        flagged += [(f"{agency}·{y}年", f) for y, f in zip(years, flag) if f]
        last = d["value"].last_valid_index()
        if last is not None:
            ends.append([last + offset, float(d["value"][last]), agency, shown[years.index(last)]])
    top = float(df["value"].max()) if len(df) else 1.0
    span = max(top, 1.0) * 1.12
    gap = span * 0.075  # one label's height at the chart's height, in data units
    for x in sorted({round(e[0]) for e in ends}):  # labels that share an end year: spread apart, in order
        group = sorted((e for e in ends if round(e[0]) == x), key=lambda e: e[1])
        placed: list[float] = []
        for e in group:
            y = e[1] if not placed else max(e[1], placed[-1] + gap)
            placed.append(y)
            fig.add_annotation(x=e[0], y=e[1], ax=x + 0.18, ay=y, axref="x", ayref="y", xanchor="left", yanchor="middle",
                               text=f"{text(names[e[2]])} {e[3]}", showarrow=True, arrowhead=0, arrowwidth=1,
                               arrowcolor="#bbb", standoff=4, font={"size": 12, "color": palette.get(e[2])})
        span = max(span, (placed[-1] + gap) if placed else span)
    years = sorted({int(y) for y in df["year"]})
    fig.update_xaxes(tickvals=years, ticktext=[str(y) for y in years], title_text="年度",
                     range=[years[0] - 0.4, years[-1] + 1.1] if years else None)
    fig.update_yaxes(range=[0, span])
    value_axis(fig, "y", df["value"], unit)
    _unit_label(fig, unit)
    fig = _style(fig, f"{label}：年度趋势", f"{_years(df['year'])}｜{df['agency'].nunique()} 个机构｜断开处：该年度报告未入库",
                 height=460)
    _footnote(fig, flagged)
    return fig


def yoy_bars(df: pd.DataFrame, label: str, palette: dict[str, str] | None = None) -> go.Figure:
    """Year-over-year change in % (df: agency, year, change)."""
    d = df.dropna(subset=["change"])
    palette = palette or colours(d["agency"])
    fig = go.Figure()
    for agency, g in d.groupby("agency", sort=True):
        fig.add_bar(x=g["year"], y=g["change"], name=text(agency), marker_color=palette.get(agency),
                    text=[f"{v:+.1f}%" for v in g["change"]], textposition="outside", cliponaxis=False,
                    hovertemplate="%{fullData.name}｜%{x}年：%{text}<extra></extra>")
    fig.update_xaxes(dtick=1, tickformat="d", title_text="年度")
    fig.update_yaxes(zeroline=True)
    value_axis(fig, "y", d["change"], "%")
    _unit_label(fig, "%")
    return _style(fig, f"{label}：同比变化", f"{_years(d['year'])}｜只比较相邻两个年度都入库的机构", height=420)


def stacked(df: pd.DataFrame, categories: dict[str, str], title: str, year: int | None, share: bool = False,
            flags: pd.DataFrame | None = None) -> go.Figure:
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
    y = [wrap(a) for a in d["agency"]]
    fig = go.Figure()
    flagged = []
    for key in keys:
        marks = list(flags[key]) if flags is not None and key in flags else [""] * len(d)
        labels = [(number(v, unit) if v and v == v else "") + (FLAG_MARK if m else "") for v, m in zip(values[key], marks)]
        fig.add_bar(name=categories[key], y=y, x=values[key], orientation="h", text=labels, textposition="inside",
                    insidetextanchor="middle", textangle=0, customdata=[number(v, "件") if v == v else "—" for v in raw[key]],
                    hovertemplate="%{y}<br>" + categories[key] + "：%{customdata}件<extra></extra>")
        flagged += [(a, m) for a, m in zip(d["agency"], marks) if m]
    ends = [("未填写或未读到" if e else (f"共 {number(t)} 件" if share else number(t)))
            for e, t in zip(empty, totals)]
    fig.add_scatter(x=[0 if e else (100 if share else t) for e, t in zip(empty, totals)], y=y, mode="text", text=ends,
                    textposition="middle right", showlegend=False, hoverinfo="skip", cliponaxis=False,
                    textfont={"color": "#555"})
    fig.update_layout(barmode="stack", uniformtext={"minsize": 9, "mode": "hide"})
    fig.update_xaxes(title_text="占比（%）" if share else "件数", range=[0, 112] if share else None)
    if not share:
        value_axis(fig, "x", totals, "件")
        fig.update_xaxes(range=[0, (float(totals.max()) if totals.notna().any() else 1) * 1.15])
    else:
        fig.update_xaxes(ticksuffix="%", tickvals=[0, 20, 40, 60, 80, 100])
    fig = _style(fig, title + ("（占比）" if share else ""), f"{year}年" if year else "", height=max(340, 110 + 34 * len(d)))
    _footnote(fig, flagged)
    return fig


def coverage_grid(grid: pd.DataFrame) -> go.Figure:
    """Agency × year (from `coverage_text`): which reports the library holds, whether they add up.
    A year it does not hold is 「未入库」: the library cannot know whether the agency published."""
    code = {"未入库": -1, "已入库": 0}
    z = [[code.get(v, 1) for v in row] for _, row in grid.iterrows()]
    names = [wrap(a, 16) for a in grid.index]
    lines = max((n.count("<br>") + 1 for n in names), default=1)
    fig = go.Figure(go.Heatmap(
        z=z, x=[f"{c}年" for c in grid.columns], y=names, text=grid.values.tolist(),
        texttemplate="%{text}", colorscale=[[0, "#eef0f3"], [0.5, "#cfe8d5"], [1, "#f5c6c0"]], zmin=-1, zmax=1,
        showscale=False, xgap=3, ygap=3, hovertemplate="%{y}｜%{x}：%{text}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return _style(fig, "资料库收录情况：机构 × 年度",
                  f"{_years(grid.columns)}｜{len(grid)} 个机构｜「未入库」：资料库中没有该年度的报告（不代表机构未发布）",
                  height=max(300, 120 + (16 * lines + 14) * len(grid)))


def warning_summary(df: pd.DataFrame) -> go.Figure:
    """Warnings per rule, stacked by severity (df: rule, severity, count)."""
    fig = go.Figure()
    for severity in ("error", "warning", "info"):
        d = df[df["severity"] == severity]
        if len(d):
            fig.add_bar(x=d["rule"], y=d["count"], name=SEVERITY_LABELS[severity],
                        marker_color=SEVERITY_COLOURS[severity], text=d["count"], textposition="auto",
                        textangle=0, cliponaxis=False)
    fig.update_layout(barmode="stack")
    _unit_label(fig, "条")
    return _style(fig, "校验发现：按规则统计", f"共 {int(df['count'].sum())} 条", height=380)


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
