"""The briefing pack's pictures, drawn with matplotlib: no browser (Kaleido needs Chrome), print
resolution, Chinese text in a CJK font that is always there.

Font: a system CJK font when the machine has one (Noto Sans CJK SC, Microsoft YaHei, PingFang SC, …),
otherwise Noto Sans SC from the `pylopdf-fonts-zh-cn` package, which `pip install -e .` brings. DejaVu
Sans (shipped with matplotlib) backs both up for the few symbols a CJK font may lack. Every text is
reduced to characters the chosen fonts can draw (an agency name with a character no font has gets 〓,
the typesetter's mark for a missing character, rather than an empty box), and a figure that still
makes matplotlib warn "Glyph … missing from font" is an error (`MissingGlyph`).

Each function takes plain rows prepared by `core.briefing` (which decides what is marked and why) and
returns PNG bytes of a figure 16 cm wide at `DPI`. Nothing here computes a metric.
"""
from __future__ import annotations

import functools
import io
import math
import textwrap
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg  # no pyplot: no display, no global figure state
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from core.charts import CORRECTED_COLOUR, PALETTE, SUSPECT, number

DPI = 220  # ≥ 200 for print
WIDTH_CM = 16.0
WIDTH_IN = WIDTH_CM / 2.54
MAX_HEIGHT_IN = 8.4  # 21 cm: a picture and its caption fit on one A4 page with 2.5 cm margins
MISSING_MARK = "〓"  # drawn for a character none of the fonts has
TEXT = "#222222"
GRID = "#e6e9ee"
AXIS = "#c7ccd4"
MUTED = "#6b7280"

# Families tried on the system, in order: SC forms first (the TC/JP faces draw some characters differently)
SYSTEM_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Microsoft YaHei", "PingFang SC",
                   "Hiragino Sans GB", "Noto Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "SimHei",
                   "Droid Sans Fallback")
PROBE = "政府信息公开工作年度报告新收申请办理结果复议诉讼未读到空白平均浉"


class MissingGlyph(RuntimeError):
    """matplotlib drew a character as an empty box."""


@dataclass(frozen=True)
class CJKFont:
    family: str
    path: str
    source: str  # "system" or "bundled"


def _covers(path, text: str) -> bool:
    try:
        charmap = font_manager.get_font(path).get_charmap()
    except Exception:  # a font file FreeType cannot open is no candidate
        return False
    return all(ord(ch) in charmap for ch in text)


def _system_font() -> CJKFont | None:
    for family in SYSTEM_FAMILIES:
        try:
            path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        except ValueError:
            continue
        if _covers(path, PROBE):
            return CJKFont(family, str(path), "system")
    return None


def _bundled_font() -> CJKFont | None:
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        return None
    path = str(pylopdf_fonts_zh_cn.sans_path())
    try:
        font_manager.fontManager.addfont(path)
        family = font_manager.FontProperties(fname=path).get_name()
    except (OSError, RuntimeError, ValueError):
        return None
    return CJKFont(family, path, "bundled") if _covers(path, PROBE) else None


@functools.lru_cache(maxsize=2)
def cjk_font(prefer_system: bool = True) -> CJKFont | None:
    """The CJK font the pictures use: a system one when present (unless `prefer_system` is False),
    else the bundled Noto Sans SC; None when neither exists (the pack then says so instead of
    drawing empty boxes)."""
    found = _system_font() if prefer_system else None
    return found or _bundled_font()


@functools.lru_cache(maxsize=4)
def _charmaps(font: CJKFont) -> tuple[frozenset[int], ...]:
    dejavu = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"))
    return tuple(frozenset(font_manager.get_font(p).get_charmap()) for p in (font.path, dejavu))


def drawable(text: str, font: CJKFont) -> str:
    """`text` with every character no font can draw replaced by 〓 (line breaks kept), and each `$`
    escaped so that a dollar sign in an agency name is drawn as itself, never as mathtext."""
    maps = _charmaps(font)
    out = "".join(ch if ch in "\n " or any(ord(ch) in m for m in maps) else MISSING_MARK for ch in str(text))
    return out.replace("$", r"\$")


def wrap(name: str, width: int = 9) -> str:
    """A long agency name over lines of at most `width` characters (CJK text has no spaces to break
    at): two lines break after a place name (省 市 区 县 镇 乡) near the middle when there is one
    (「南通市海门区\n住房建设服务中心」), else in the middle (never 「…政府办\n公室」)."""
    name = str(name)
    if len(name) <= width:
        return name
    if " " in name:
        return "\n".join(textwrap.wrap(name, width)) or name
    lines = math.ceil(len(name) / width)
    if lines == 2:
        cuts = range(len(name) - width, width + 1)  # both lines fit
        places = [c for c in cuts if 0 < c < len(name) and name[c - 1] in "省市区县镇乡"
                  and name[c - 1:c + 1] not in ("市场", "市政", "区域", "县域")]
        middle = len(name) / 2
        cut = min(places, key=lambda c: abs(c - middle)) if places else math.ceil(middle)
        return name[:cut] + "\n" + name[cut:]
    size = math.ceil(len(name) / lines)
    return "\n".join(name[i:i + size] for i in range(0, len(name), size))


def axis_number(value: float, _pos=None) -> str:
    """Axis ticks: thousands separated; 万 from 100,000 on."""
    if abs(value) >= 100_000:
        w = value / 10_000
        return f"{w:,.0f}万" if float(w).is_integer() else f"{w:,.1f}万"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


# ---- plain rows the charts draw -------------------------------------------------------------------

@dataclass(frozen=True)
class Bar:
    label: str  # agency
    value: float | None
    missing: str = ""  # text in place of a bar when value is None: 未读到 / 空白
    flagged: bool = False  # drawn hatched in red with ⚠
    corrected: bool = False  # a value corrected by hand: outlined in blue with ✎ (⚠ wins when both)


@dataclass(frozen=True)
class StackRow:
    label: str
    parts: tuple[float | None, ...]  # one per category
    total: float | None  # the report's printed total, shown at the bar's end
    missing: str = ""  # when every part is None
    flagged: bool = False
    corrected: bool = False


@dataclass(frozen=True)
class PairRow:
    label: str
    bars: tuple[Bar, ...]  # one per series


@dataclass(frozen=True)
class Line:
    label: str
    values: tuple[float | None, ...]  # one per year of the axis; None draws no line through it
    flagged: tuple[bool, ...] = field(default=())
    corrected: tuple[bool, ...] = field(default=())


def _mark(flagged: bool, corrected: bool) -> tuple[str, str]:
    """The mark after a value and its colour: ⚠ for a finding on it, ✎ for a value corrected by hand."""
    return (" ⚠", SUSPECT) if flagged else (" ✎", CORRECTED_COLOUR) if corrected else ("", TEXT)


# ---- drawing ----------------------------------------------------------------------------------------

_LOCK = threading.Lock()  # rc_context changes matplotlib's global settings; Streamlit sessions are threads


def _rc(font: CJKFont) -> dict:
    return {"font.family": [font.family, "DejaVu Sans"], "font.size": 8.5, "axes.unicode_minus": False,
            "text.color": TEXT, "axes.labelcolor": TEXT, "xtick.color": TEXT, "ytick.color": TEXT,
            "axes.edgecolor": AXIS, "hatch.color": "white", "hatch.linewidth": 0.8, "svg.fonttype": "none"}


def _render(draw, height_in: float, font: CJKFont) -> bytes:
    """Run `draw(fig, txt)` on a fresh 16 cm figure and return its PNG; any missing-glyph warning
    raised while drawing is a `MissingGlyph`."""
    with _LOCK, matplotlib.rc_context(_rc(font)), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = Figure(figsize=(WIDTH_IN, min(height_in, MAX_HEIGHT_IN)), dpi=DPI, layout="constrained")
        FigureCanvasAgg(fig)
        draw(fig, lambda s: drawable(s, font))
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI, facecolor="white")
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    if missing:
        raise MissingGlyph("; ".join(missing[:3]))
    return buf.getvalue()


def _frame(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0)
    ax.set_axisbelow(True)


def _bar_height(labels: Sequence[str], per_line: float = 0.16, minimum: float = 0.28) -> float:
    return sum(max(minimum, 0.08 + per_line * label.count("\n") + per_line) for label in labels)


MIN_SPAN = 5.0  # a count axis spans at least 0–5, so a chart of zeros and ones still has whole-number ticks


def _xlimit(ax, largest: float, room: float = 0.16) -> None:
    top = max(largest, MIN_SPAN)
    ax.set_xlim(0, top * (1 + room))
    ax.xaxis.set_major_formatter(FuncFormatter(axis_number))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True, min_n_ticks=3))
    ax.grid(axis="x", color=GRID, linewidth=0.6)


def ranked_bars(bars: Sequence[Bar], axis_label: str, font: CJKFont, mean: float | None = None) -> bytes:
    """Horizontal bars, largest on top; value at each bar's end, ⚠ bars hatched red; a missing value
    is its word (未读到 / 空白) where the bar would start, so it never looks like 0; a value corrected by hand
    is outlined in blue with ✎."""
    rows = list(reversed(bars))  # barh draws from the bottom up
    labels = [wrap(b.label) for b in rows]
    height = 0.75 + _bar_height(labels)

    def draw(fig, txt):
        ax = fig.add_subplot()
        _frame(ax)
        values = [b.value if b.value is not None else 0.0 for b in rows]
        ax.barh(range(len(rows)), values, height=0.62,
                color=[SUSPECT if b.flagged else PALETTE[0] for b in rows],
                hatch=["////" if b.flagged else None for b in rows],
                edgecolor=[CORRECTED_COLOUR if b.corrected and not b.flagged else "none" for b in rows],
                linewidth=[1.6 if b.corrected and not b.flagged else 0 for b in rows])
        largest = max([v for v in values if v] + [0.0])
        _xlimit(ax, largest, room=0.2)
        pad = (ax.get_xlim()[1]) * 0.01
        for i, b in enumerate(rows):
            if b.value is None:
                ax.text(pad, i, txt(b.missing or "空白"), va="center", ha="left", color=MUTED, style="italic")
            else:
                mark, colour = _mark(b.flagged, b.corrected)
                ax.text(b.value + pad, i, txt(number(b.value) + mark), va="center", ha="left", color=colour)
        if mean is not None and len([b for b in bars if b.value is not None]) > 1:
            ax.axvline(mean, color=PALETTE[1], linestyle="--", linewidth=1)
            ax.text(mean, len(rows) - 0.45, txt(f"平均 {number(round(mean, 2))}"), color=PALETTE[1], ha="left",
                    va="bottom", fontsize=7.5)
        ax.set_yticks(range(len(rows)), [txt(s) for s in labels])
        ax.set_ylim(-0.6, len(rows) - 0.4 + (0.35 if mean is not None else 0))
        ax.set_xlabel(txt(axis_label))

    return _render(draw, height, font)


def stacked_bars(rows: Sequence[StackRow], categories: Sequence[str], font: CJKFont, total_label: str = "总计") -> bytes:
    """Composition per agency, in the order given (top first); a segment's value inside it when it
    fits, the report's printed total at the end of the bar."""
    rows = list(reversed(rows))
    labels = [wrap(r.label) for r in rows]
    height = 1.05 + _bar_height(labels, minimum=0.3)

    def draw(fig, txt):
        ax = fig.add_subplot()
        _frame(ax)
        n = len(rows)
        sums = [sum(p for p in r.parts if p is not None) for r in rows]
        ends = [max(s, r.total or 0) for s, r in zip(sums, rows)]
        _xlimit(ax, max(ends + [0.0]), room=0.24)
        span = ax.get_xlim()[1]
        left = [0.0] * n
        for c, name in enumerate(categories):
            widths = [r.parts[c] if r.parts[c] is not None else 0.0 for r in rows]
            ax.barh(range(n), widths, left=left, height=0.62, color=PALETTE[c % len(PALETTE)], label=txt(name),
                    linewidth=0.4, edgecolor="white")
            for i, w in enumerate(widths):
                text = number(w)
                if w > 0 and w / span * WIDTH_IN * 72 > 7 + 5 * len(text):  # wide enough for its digits
                    ax.text(left[i] + w / 2, i, text, ha="center", va="center", color="white", fontsize=7)
            left = [a + b for a, b in zip(left, widths)]
        pad = span * 0.01
        for i, r in enumerate(rows):
            if all(p is None for p in r.parts) and r.total is None:
                ax.text(pad, i, txt(r.missing or "空白"), va="center", ha="left", color=MUTED, style="italic")
                continue
            shown = f"{total_label} {number(r.total)}" if r.total is not None else f"{total_label} —"
            if r.flagged:  # a red frame round the whole bar: its segments do not add up to the total
                ax.barh(i, left[i], height=0.74, fill=False, edgecolor=SUSPECT, linewidth=1.4, linestyle="--")
            elif r.corrected:
                ax.barh(i, left[i], height=0.74, fill=False, edgecolor=CORRECTED_COLOUR, linewidth=1.4)
            mark, colour = _mark(r.flagged, r.corrected)
            ax.text(ends[i] + pad, i, txt(shown + mark), va="center", ha="left", color=colour)
        ax.set_yticks(range(n), [txt(s) for s in labels])
        ax.set_ylim(-0.6, n - 0.4)
        ax.set_xlabel(txt("件数"))
        fig.legend(loc="outside upper center", ncol=min(6, len(categories)), frameon=False, fontsize=8,
                   handlelength=1.2, columnspacing=1.2)

    return _render(draw, height, font)


def paired_bars(rows: Sequence[PairRow], series: Sequence[str], font: CJKFont) -> bytes:
    """Two (or more) bars per agency, in the order given (top first), each with its value; 0 is
    written 0, a missing value its word."""
    rows = list(reversed(rows))
    labels = [wrap(r.label) for r in rows]
    k = len(series)
    height = 1.0 + sum(max(0.17 * k + 0.02, 0.16 * (lab.count("\n") + 1) + 0.06) for lab in labels)

    def draw(fig, txt):
        ax = fig.add_subplot()
        _frame(ax)
        n = len(rows)
        bar_h = 0.8 / k
        largest = max([b.value for r in rows for b in r.bars if b.value is not None] + [0.0])
        _xlimit(ax, largest, room=0.2)
        pad = ax.get_xlim()[1] * 0.01
        for s, name in enumerate(series):
            offset = (k - 1 - s - (k - 1) / 2) * bar_h  # first series on top within each agency
            ys = [i + offset for i in range(n)]
            bars = [r.bars[s] for r in rows]
            colour = PALETTE[s % len(PALETTE)]
            ax.barh(ys, [b.value or 0.0 for b in bars], height=bar_h * 0.9, color=colour, label=txt(name),
                    hatch=["////" if b.flagged else None for b in bars],
                    edgecolor=[SUSPECT if b.flagged else CORRECTED_COLOUR if b.corrected else colour for b in bars],
                    linewidth=[1.6 if b.corrected and not b.flagged else 0 for b in bars])
            for y, b in zip(ys, bars):
                if b.value is None:
                    ax.text(pad, y, txt(b.missing or "空白"), va="center", ha="left", color=MUTED, style="italic",
                            fontsize=7.5)
                else:
                    mark, text_colour = _mark(b.flagged, b.corrected)
                    ax.text(b.value + pad, y, txt(number(b.value) + mark), va="center", ha="left", fontsize=7.5,
                            color=text_colour)
        ax.set_yticks(range(n), [txt(s) for s in labels])
        ax.set_ylim(-0.6, n - 0.4)
        ax.set_xlabel(txt("件数"))
        fig.legend(loc="outside upper center", ncol=k, frameon=False, fontsize=8, handlelength=1.2)

    return _render(draw, height, font)


def trend_lines(lines: Sequence[Line], years: Sequence[int], axis_label: str, font: CJKFont) -> bytes:
    """One line per agency over `years`; a None value breaks the line (nothing is drawn across a year
    without a value), every point has a marker so a lone year still shows; the last value is written
    at the line's end; a ⚠ point is a red cross."""
    def draw(fig, txt):
        ax = fig.add_subplot()
        _frame(ax)
        ax.spines["left"].set_visible(False)
        ax.grid(axis="y", color=GRID, linewidth=0.6)
        largest = max([v for line in lines for v in line.values if v is not None] + [0.0])
        top = max(largest, MIN_SPAN) * 1.15
        ax.set_ylim(0, top)
        ends = []  # (x, y, text, colour) of each line's last value
        for i, line in enumerate(lines):
            colour = PALETTE[i % len(PALETTE)]
            ys = [math.nan if v is None else v for v in line.values]
            flags = line.flagged or (False,) * len(ys)
            fixed = line.corrected or (False,) * len(ys)
            ax.plot(years, ys, color=colour, linewidth=1.8, marker="o", markersize=4, label=txt(wrap(line.label, 14)))
            for x, y, f, c in zip(years, ys, flags, fixed):
                if math.isnan(y) or not (f or c):
                    continue
                if f:
                    ax.plot([x], [y], marker="X", markersize=9, color=SUSPECT, markeredgecolor="white", zorder=5)
                else:
                    ax.plot([x], [y], marker="o", markersize=8, markerfacecolor="white", markeredgecolor=CORRECTED_COLOUR,
                            markeredgewidth=1.6, zorder=5)
                mark, mark_colour = _mark(f, c)
                ax.annotate(mark.strip(), (x, y), xytext=(-9, 5), textcoords="offset points", ha="center",
                            color=mark_colour, fontsize=8)
            known = [(x, y) for x, y in zip(years, ys) if not math.isnan(y)]
            if known:
                ends.append((*known[-1], txt(number(known[-1][1])), colour))
        # last values at the same year are spread apart so that their labels do not overlap
        per_unit = height * 72 * 0.7 / top  # points per unit of the y axis (the axes take ~70% of the height)
        for x in {e[0] for e in ends}:
            placed = None
            for _, y, text, colour in sorted((e for e in ends if e[0] == x), key=lambda e: e[1]):
                at = y * per_unit if placed is None else max(y * per_unit, placed + 9)
                placed = at
                ax.annotate(text, (x, y), xytext=(6, at - y * per_unit), textcoords="offset points", va="center",
                            color=colour, fontsize=7.5)
        ax.set_xticks(list(years), [f"{y}年" for y in years])
        ax.set_xlim(min(years) - 0.3, max(years) + 0.6)
        ax.yaxis.set_major_formatter(FuncFormatter(axis_number))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True, min_n_ticks=3))
        ax.set_ylabel(txt(axis_label))
        fig.legend(loc="outside lower center", ncol=min(3, max(1, len(lines))), frameon=False, fontsize=8,
                   handlelength=1.6)

    height = 3.4 + 0.3 * math.ceil(len(lines) / 3)
    return _render(draw, height, font)
