"""Every Plotly figure of the dashboard, in one look: Chinese fonts, consistent colours, titles that
state metric, year(s) and source so a screenshot stands on its own, readable long agency names.

Figures take tidy/wide frames from `core.metrics`; nothing here computes a metric. Plotly reads the text
it draws as a small HTML (<b>, <a href>, <span style>, entities): every agency name goes through `text`
first, so a name is drawn as it is printed and never becomes markup or a link.
"""
from __future__ import annotations

import io
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


def _fmt(value: float, unit: str) -> str:
    if value != value:  # NaN
        return ""
    if unit == "%":
        return f"{value:.1f}%"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def ranked_bars(df: pd.DataFrame, label: str, unit: str, year: int | None, peer_mean: float | None = None,
                of: int | None = None) -> go.Figure:
    """Agencies ranked on one metric (df: agency, value), with the peer-group average as a line;
    `of` is how many agencies there are when df holds only the top ones."""
    d = df.dropna(subset=["value"]).sort_values("value")
    doubted = d["suspect"].fillna(False).astype(bool) if "suspect" in d else pd.Series(False, index=d.index)
    fig = go.Figure(go.Bar(x=d["value"], y=[wrap(a) for a in d["agency"]], orientation="h",
                           marker_color=[SUSPECT if s else MAIN for s in doubted],
                           marker_pattern_shape=["/" if s else "" for s in doubted],
                           text=[_fmt(v, unit) + (" ⚠" if s else "") for v, s in zip(d["value"], doubted)],
                           textposition="outside", cliponaxis=False,
                           hovertemplate="%{y}<br>" + label + "：%{x}<extra></extra>"))
    if peer_mean is not None and len(d) > 1:
        fig.add_vline(x=peer_mean, line_dash="dash", line_color=PALETTE[1],
                      annotation_text=f"平均 {_fmt(peer_mean, unit)}", annotation_position="top")
    year_text = f"{year}年" if year else ""
    fig.update_xaxes(title_text=f"{label}（{unit}）", rangemode="tozero")
    count = f"前 {len(d)} 名（共 {of} 个机构）" if of and of > len(d) else f"{len(d)} 个机构"
    note = "｜⚠ 斜线条：数值可疑（负数或超出合理范围，见数据校验）" if doubted.any() else ""
    return _style(fig, f"{label}：机构排名", f"{year_text}｜{count}{note}", height=max(320, 60 + 34 * len(d)))


def grouped_bars(df: pd.DataFrame, labels: dict[str, str], year: int | None, title: str = "多项指标对比") -> go.Figure:
    """Several metrics side by side per agency (df: agency + one column per metric key)."""
    fig = go.Figure()
    for key, label in labels.items():
        if key in df:
            fig.add_bar(name=label, y=[wrap(a) for a in df["agency"]], x=df[key], orientation="h")
    fig.update_layout(barmode="group")
    return _style(fig, title, f"{year}年｜" + "、".join(labels.values()),
                  height=max(360, 80 + 26 * len(df) * max(1, len(labels))))


def heatmap(df: pd.DataFrame, labels: dict[str, str], year: int | None) -> go.Figure:
    """Agencies × metrics; colour is each metric's share of its largest value, text the value."""
    keys = [k for k in labels if k in df]
    values = df[keys].astype(float)
    scaled = (values / values.max().replace(0, float("nan"))).where(values.notna()).fillna(0).where(values.notna())
    fig = go.Figure(go.Heatmap(
        z=scaled.values, x=[labels[k] for k in keys], y=[wrap(a, 14) for a in df["agency"]],
        text=[[_fmt(v, "") for v in row] for row in values.values], texttemplate="%{text}",
        colorscale="Blues", zmin=0, zmax=1, showscale=False, hovertemplate="%{y}<br>%{x}：%{text}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return _style(fig, "机构 × 指标热力图", f"{year}年｜颜色为该指标最大值的比例",
                  height=max(320, 90 + 32 * len(df)))


def colours(agencies) -> dict[str, str]:
    """One colour per agency, the same in every chart drawn for the same choice of agencies."""
    return {a: PALETTE[i % len(PALETTE)] for i, a in enumerate(sorted(set(agencies)))}


def trend_lines(df: pd.DataFrame, label: str, unit: str, palette: dict[str, str] | None = None) -> go.Figure:
    """Chosen agencies over years (df: agency, year, value)."""
    palette = palette or colours(df["agency"])
    fig = go.Figure()
    for agency, d in df.sort_values("year").groupby("agency", sort=True):
        # the value printed at the line's last year only: labels at every point collide where lines cross
        labels = [""] * (len(d) - 1) + [_fmt(d["value"].iloc[-1], unit)] if len(d) else []
        doubted = list(d["suspect"].fillna(False).astype(bool)) if "suspect" in d else [False] * len(d)
        labels = [t + (" ⚠" if s else "") for t, s in zip(labels, doubted)]
        fig.add_scatter(x=d["year"], y=d["value"], mode="lines+markers+text", name=text(agency),
                        line_color=palette.get(agency), text=labels, textposition="middle right",
                        marker_symbol=["x" if s else "circle" for s in doubted],
                        marker_size=[12 if s else 6 for s in doubted],
                        hovertemplate="%{fullData.name}｜%{x}年：%{y}<extra></extra>")
    fig.update_xaxes(dtick=1, tickformat="d", title_text="年度")
    fig.update_yaxes(title_text=unit, rangemode="tozero")  # the metric is in the title; a long axis title overflows
    note = "｜⚠ ×：数值可疑（见数据校验）" if "suspect" in df and df["suspect"].fillna(False).astype(bool).any() else ""
    return _style(fig, f"{label}：年度趋势", f"{_years(df['year'])}｜{df['agency'].nunique()} 个机构{note}", height=460)


def yoy_bars(df: pd.DataFrame, label: str, palette: dict[str, str] | None = None) -> go.Figure:
    """Year-over-year change in % (df: agency, year, change)."""
    d = df.dropna(subset=["change"])
    palette = palette or colours(d["agency"])
    fig = go.Figure()
    for agency, g in d.groupby("agency", sort=True):
        fig.add_bar(x=g["year"], y=g["change"], name=text(agency), marker_color=palette.get(agency),
                    text=[f"{v:+.1f}%" for v in g["change"]], textposition="outside")
    fig.update_xaxes(dtick=1, tickformat="d", title_text="年度")
    fig.update_yaxes(title_text="同比变化（%）", zeroline=True)
    return _style(fig, f"{label}：同比变化", _years(d["year"]), height=420)


def stacked(df: pd.DataFrame, categories: dict[str, str], title: str, year: int | None, share: bool = False) -> go.Figure:
    """Composition per agency (df: agency + one column per category key), absolute or as shares."""
    d = df.copy()
    keys = [k for k in categories if k in d]
    values = d[keys].astype(float).fillna(0)
    if share:
        values = values.div(values.sum(axis=1).replace(0, float("nan")), axis=0) * 100
    fig = go.Figure()
    for key in keys:
        fig.add_bar(name=categories[key], y=[wrap(a) for a in d["agency"]], x=values[key], orientation="h",
                    hovertemplate="%{y}<br>" + categories[key] + "：%{x:.1f}" + ("%" if share else "件") + "<extra></extra>")
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title_text="占比（%）" if share else "件数", range=[0, 100] if share else None)
    return _style(fig, title + ("（占比）" if share else ""), f"{year}年" if year else "",
                  height=max(340, 110 + 34 * len(d)))


def coverage_grid(grid: pd.DataFrame) -> go.Figure:
    """Agency × year (from `coverage_text`): who has reported, whether it adds up, who has not."""
    code = {"未报送": -1, "已报送": 0}
    z = [[code.get(v, 1) for v in row] for _, row in grid.iterrows()]
    fig = go.Figure(go.Heatmap(
        z=z, x=[f"{c}年" for c in grid.columns], y=[wrap(a, 14) for a in grid.index], text=grid.values.tolist(),
        texttemplate="%{text}", colorscale=[[0, "#e5e7eb"], [0.5, "#cfe8d5"], [1, "#f5c6c0"]], zmin=-1, zmax=1,
        showscale=False, xgap=3, ygap=3, hovertemplate="%{y}｜%{x}：%{text}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return _style(fig, "报送情况：机构 × 年度", f"{_years(grid.columns)}｜{len(grid)} 个机构｜灰色为未报送",
                  height=max(300, 100 + 30 * len(grid)))


def warning_summary(df: pd.DataFrame) -> go.Figure:
    """Warnings per rule, stacked by severity (df: rule, severity, count)."""
    fig = go.Figure()
    for severity in ("error", "warning", "info"):
        d = df[df["severity"] == severity]
        if len(d):
            fig.add_bar(x=d["rule"], y=d["count"], name=SEVERITY_LABELS[severity],
                        marker_color=SEVERITY_COLOURS[severity], text=d["count"], textposition="inside")
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title_text="条数")
    return _style(fig, "校验发现：按规则统计", f"共 {int(df['count'].sum())} 条", height=380)


def to_csv(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM, so Excel opens the Chinese headers correctly."""
    return df.to_csv(index=False).encode("utf-8-sig")


def to_excel(df: pd.DataFrame, sheet: str = "数据") -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        df.to_excel(writer, index=False, sheet_name=sheet[:31])
    return buf.getvalue()
