"""The frame every page shares: page config, Chinese navigation, the sidebar filters (kept in the URL so
a bookmark reopens the same view), the cached library data, and chart + download drawing.

Pages use Streamlit's `pages/` folder mechanism without `st.navigation` (see README: a deep link on a
freshly started server then opens the same frame as a click does); its automatic sidebar is hidden in
.streamlit/config.toml and replaced by the Chinese links drawn here.

Text a user or a document supplies (file names, agency names, row labels, messages quoting a report,
the library's path) reaches Streamlit's Markdown only through `md`, which makes it plain text; a library
that cannot be opened or written is `library_problem`'s Chinese message on every page, never a traceback.
"""
from __future__ import annotations

import logging
import os
import re
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import astuple, dataclass
from typing import TypeVar

import pandas as pd
import streamlit as st

import zh_ui
from core import charts as C
from core import metrics as M
from core.library import DEMO_DIR, Library, LibraryError, demo_path, location

_log = logging.getLogger(__name__)
T = TypeVar("T")

PAGES = (
    ("app.py", "总览", ":material/dashboard:"),
    ("pages/1_compare.py", "机构对比", ":material/bar_chart:"),
    ("pages/2_trends.py", "年度趋势", ":material/show_chart:"),
    ("pages/3_applications.py", "申请办理", ":material/assignment:"),
    ("pages/4_review.py", "复议诉讼", ":material/gavel:"),
    ("pages/5_fees.py", "收费", ":material/payments:"),
    ("pages/6_checks.py", "数据校验", ":material/rule:"),
    ("pages/7_upload.py", "上传报告", ":material/upload_file:"),
    ("pages/8_report.py", "报告详情", ":material/description:"),
    ("pages/9_years.py", "年度对照", ":material/compare_arrows:"),
)
FILTER_KEYS = ("q", "region", "year", "template", "top")
DATA_KEY = "data"  # ?data=demo | ?data=real: which library a page (and a bookmark) shows
DATA_ENV_VAR = "GOVREPORT_DATA"  # demo | real: the library a page opens with when the URL does not say


# ---- text from users and documents ----------------------------------------------------------------

# every ASCII character that starts inline Markdown in Streamlit: code, emphasis, strikethrough, links,
# images and Streamlit's :color[…] directives, HTML and autolinks, entities, formulas, emoji shortcodes
# and :material/…: icons, e-mail autolinks, tables and headings
JOINER = "\u2060"
_MD_SPECIAL = re.compile(r"[\\`*_~\[\]<>&$:|#@]")


def md(text) -> str:
    """`text` (from a user or a document) ready to be put into anything Streamlit renders as Markdown
    (st.markdown, st.caption, st.error/warning/success/info, st.subheader, st.metric, expander, progress
    and page-link labels, st.table cells): shown exactly as typed, never a link, an image, an HTML tag,
    emphasis, an icon, an emoji or a formula. Each special character gets CommonMark's backslash escape,
    which renders as the character itself; a web or e-mail address gets an invisible WORD JOINER; a line
    break becomes a space (a new line could start a list or a heading). Dataframes, st.text, widget
    options and values show text as it is: pass it there unchanged. Chart labels: `core.charts.text`."""
    s = re.sub(r"\s*[\r\n\u2028\u2029]+\s*", " ", "" if text is None else str(text)).strip()
    s = _MD_SPECIAL.sub(lambda m: "\\" + m.group(), s)
    # Streamlit turns http://…, www.… and a@b.cn into links after parsing, escapes or not: a WORD JOINER
    # (U+2060, zero width, invisible) inside each keeps them text
    s = re.sub(r"(?i)(https?\\:)(?=//)", "\\1" + JOINER, s)
    s = re.sub(r"(?i)(?<=www)(?=\.)", JOINER + "\\\\", s)
    s = s.replace("\\@", "\\@" + JOINER)
    s = re.sub(r"(?i)(?<=material)/", r"\\/", s)  # Streamlit rewrites ':material/' before parsing
    s = re.sub(r"^([+\-=])", r"\\\1", s)  # a list item (or a heading's underline) at the start
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", s)  # an ordered list item


@st.cache_resource(show_spinner="正在打开资料库…")
def library(path: str, demo: bool = False) -> Library:
    """One Library per file; loads the bundled samples (the demonstration reports into the
    demonstration library) on first start, and re-parses records an older parser made in the
    background (`reparsing`): the pages open at once on the records as stored."""
    lib = Library(path)
    lib.ensure_seeded(DEMO_DIR if demo else None)
    stale = lib.stale()
    if stale:
        status = _REPARSING[str(lib.path)] = Reparsing(stale)
        threading.Thread(target=status.run, args=(lib,), name="govreport-reparse", daemon=True).start()
    return lib


@dataclass
class Reparsing:
    """A re-parse of a library after a parser change, running in a thread of the server (the parsing
    itself in worker processes, leaving the server's cores to the pages)."""
    total: int
    done: int = 0
    running: bool = True

    def run(self, lib: Library) -> None:
        try:
            lib.reparse_stale(workers=max(1, (os.cpu_count() or 1) - 1), pool=True,
                              progress=lambda n: setattr(self, "done", n))
        except Exception:  # noqa: BLE001 - the pages go on with the records as stored; the next start tries again
            _log.exception("re-parsing %s failed", lib.store.where)
        finally:
            self.running = False


_REPARSING: dict[str, Reparsing] = {}


def reparsing_note(path: str) -> None:
    """While the library is being re-parsed: a progress bar that follows it, and the page run again
    with the new records when it is done."""
    status = _REPARSING.get(path)
    if status is None or not status.running:
        return

    @st.fragment(run_every=2)
    def progress() -> None:
        if not status.running:
            st.rerun()  # the whole page, on the new records
        st.progress(status.done / max(status.total, 1),
                    text=f"解析代码已更新：正在后台重新解析资料库中的 {status.total:,} 份报告（已完成 {status.done:,} 份）。"
                         "页面先显示原有的解析结果，完成后自动更新。")
    progress()


# rows a page shows (and colours) in one table at most: a provincial library has tens of thousands of
# findings (the download has them all). Colouring costs ~0.3 ms a row on every run of the page, and ten
# officials' runs queue behind each other: 300 rows, the most severe first, filters for the rest.
TABLE_ROWS = 300


@dataclass(frozen=True)
class Data:
    """Frames of the current reports (one per agency-year); shared by every session, never mutated."""

    wide: pd.DataFrame
    warnings: pd.DataFrame
    index: list[dict]  # every stored report, versions too (`Library.index`): what lists and links choose from
    generation: int  # the library state they are of (`Library.generation`)
    seconds: float  # how long working them out took


# After a write by another session (an upload, the background re-parse), the frames of a library that
# took longer than this to work out (a provincial library: 2 s, which every session's next page would
# wait for) are shown as they were while the new ones are worked out in a thread
SHOWN_WHILE_UPDATING_AFTER_SECONDS = 1.0
_FRAMES: dict[str, Data] = {}  # per library, the newest frames worked out (older ones are left to go)
_FRAMES_LOCK = threading.Lock()
_WORKING: dict[str, threading.Lock] = {}  # per library: one thread works its frames out at a time
_BACKGROUND: set[str] = set()  # libraries whose frames a thread is working out
_WROTE = "_wrote"  # session state: library → the generation after this session's last write


def _work_out(lib: Library, generation: int) -> Data:
    """The library's frames at `generation` or newer (kept for every session)."""
    path = str(lib.path)
    with _FRAMES_LOCK:
        working = _WORKING.setdefault(path, threading.Lock())
    with working:
        kept = _FRAMES.get(path)
        if kept is not None and kept.generation >= generation:
            return kept
        start = time.perf_counter()
        generation = lib.generation  # what is read below is of this state or a newer one
        rows = lib.current_rows()
        data = Data(M.wide(rows), M.warnings_frame(rows, lib.series(rows)), lib.index(), generation,
                    time.perf_counter() - start)
        _FRAMES[path] = data
        return data


def load() -> Data:
    """The current library's frames, worked out once per library state for every session; while the
    frames of another session's write are worked out (`SHOWN_WHILE_UPDATING_AFTER_SECONDS`), the
    previous ones with a note that reruns the page when the new ones are there. A session waits for
    the frames of its own write (`writing`)."""
    library_ = lib()
    path, generation = str(library_.path), library_.generation
    kept = _FRAMES.get(path)
    if kept is not None and kept.generation >= generation:
        return kept
    own_write = st.session_state.get(_WROTE, {}).get(path, -1) > (kept.generation if kept else -1)
    if kept is None or own_write or kept.seconds <= SHOWN_WHILE_UPDATING_AFTER_SECONDS:
        with st.spinner("正在汇总数据…"):
            return _work_out(library_, generation)
    _work_out_in_background(library_, generation)
    _updating_note(path, kept.generation)
    return kept


def _work_out_in_background(lib: Library, generation: int) -> None:
    """`_work_out` in a thread of its own, one per library at a time (every page run of every session
    asks for it until the new frames are there)."""
    path = str(lib.path)
    with _FRAMES_LOCK:
        if path in _BACKGROUND:
            return
        _BACKGROUND.add(path)

    def run() -> None:
        try:
            _work_out(lib, generation)
        except Exception:  # noqa: BLE001 - the pages go on with the frames they have; the next page run tries again
            _log.exception("working out the frames of %s failed", lib.store.where)
        finally:
            with _FRAMES_LOCK:
                _BACKGROUND.discard(path)
    threading.Thread(target=run, name="govreport-frames", daemon=True).start()


def _updating_note(path: str, shown: int) -> None:
    @st.fragment(run_every=1)
    def note() -> None:
        if _FRAMES[path].generation > shown:
            st.rerun()  # the whole page, on the new frames
        st.caption(":material/sync: 资料库刚有更新（新上传或重新解析），正在汇总最新数据；页面稍后自动刷新。")
    note()


@contextmanager
def writing(library_: Library) -> Iterator[None]:
    """A page's write to `library_`: a library problem becomes its message (`guard`), and this
    session's pages then wait for frames that show the write (`load`)."""
    with guard():
        yield
    st.session_state.setdefault(_WROTE, {})[str(library_.path)] = library_.generation


def real_library() -> Library:
    """The library of real reports: uploads always go here, also while the demonstration is shown."""
    return library(str(location()))


def demo_shown() -> bool:
    """Whether pages show the demonstration library: as the URL says (?data=demo|real), else as
    GOVREPORT_DATA says, else while the real library holds nothing but the bundled samples (a first
    start then shows several years of fictitious agencies instead of five single reports)."""
    wanted = _param(DATA_KEY) or os.environ.get(DATA_ENV_VAR, "")
    if wanted in ("demo", "real"):
        return wanted == "demo"
    return DEMO_DIR.is_dir() and not _opened(str(location())).has_uploads()


@st.cache_resource(show_spinner=False)
def _opened(path: str) -> Library:
    """The real library opened without loading the samples into it: enough to ask whether it holds
    uploads (an empty one does not). On a first start the demonstration is shown and the samples
    (2.8 s of parsing) are loaded only when the real library is shown or uploaded to."""
    return Library(path)


def lib() -> Library:
    """The library the pages show (see `demo_shown`)."""
    return library(str(demo_path()), demo=True) if demo_shown() else real_library()


def upload_library() -> Library:
    """Where an upload is stored: always the real library. While the demonstration is shown, the
    page says so (an upload never lands among fictitious agencies)."""
    if demo_shown():
        st.info("当前显示的是演示数据。上传的报告存入**正式资料库**，不会混入演示数据；上传后点击上方「切换到正式资料库」查看。",
                icon=":material/info:")
    with guard():
        return real_library()


def carried_params() -> dict[str, str]:
    """The URL parameters a link to another page keeps: the filters and the library shown."""
    return {k: st.query_params[k] for k in (*FILTER_KEYS, DATA_KEY) if k in st.query_params}


def report_urls(report_ids) -> list[str]:
    """Absolute links to reports' pages (a downloaded table is opened outside the dashboard); the
    address is worked out once for all of them (tens of thousands of findings link to their reports)."""
    return _linker()(report_ids)


def _linker() -> Callable[[object], list[str]]:
    """Report ids → absolute links, as this session reaches the dashboard (its address, its library)."""
    from urllib.parse import urlsplit
    url = urlsplit(st.context.url or "http://localhost:8501/")
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    data = f"&{DATA_KEY}={st.query_params[DATA_KEY]}" if DATA_KEY in st.query_params else ""
    prefix = f"{url.scheme}://{url.netloc}/{base + '/' if base else ''}report?id="
    return lambda report_ids: [f"{prefix}{i}{data}" for i in report_ids]


_VIEWS: dict[str, Callable] = {}


def view(compute: Callable[..., T]) -> Callable[..., T]:
    """Decorates what a page works out from the library and the filters (`compute(data, filters, *args)`,
    returning frames, chart options, numbers, or the steps that draw them (`draw`) — never changed
    afterwards): worked out once per library state, filters and arguments, and shared by every session.
    Ten officials opening the same view wait for it once, and the page's run is left with drawing it."""
    # pages run as __main__: their file tells their views apart (and a changed page's code from its old one)
    key = f"{compute.__code__.co_filename}:{compute.__qualname__}:{hash(compute.__code__.co_code)}"
    _VIEWS[key] = compute

    def shown(data: Data, filters: Filters, *args) -> T:
        path = str(lib().path)
        if data.generation > _VIEWED.get(path, -1):  # the library changed: the views kept are of
            _VIEWED[path] = data.generation           # a state no page shows again
            _view.clear()
        return _view(key, path, data.generation, astuple(filters), args, data)
    return shown


_VIEWED: dict[str, int] = {}  # the newest library state views were worked out for, per library


@st.cache_resource(show_spinner=False, max_entries=64)
def _view(key: str, path: str, generation: int, filters: tuple, args: tuple, _data: Data):
    return _VIEWS[key](_data, Filters(*filters), *args)


Step = Callable[[], None]


def draw(steps: list[Step]) -> None:
    """Draw what a view worked out as steps (`functools.partial(st.caption, …)`, `partial(chart, …)`):
    the frames and charts behind them are shared by every session, the drawing is each page run's."""
    for step in steps:
        step()


# ---- URL-backed widgets ---------------------------------------------------------------------------

def _param(key: str, default: str = "") -> str:
    return st.query_params.get(key, default)


def _remember(key: str, value) -> None:
    text = ",".join(map(str, value)) if isinstance(value, (list, tuple)) else ("" if value is None else str(value))
    if text:
        st.query_params[key] = text
    elif key in st.query_params:
        del st.query_params[key]


def select(label: str, options: list, key: str, default=None, container=st, **kw):
    """A selectbox whose choice lives in the URL (?key=value)."""
    if not options:
        return None
    wanted = _param(key)
    by_text = {str(o): o for o in options}
    choice = by_text.get(wanted, default if default in options else options[0])
    value = container.selectbox(label, options, index=options.index(choice), key=f"w_{key}", **kw)
    _remember(key, value)
    return value


def multiselect(label: str, options: list, key: str, default: list | None = None, container=st, **kw) -> list:
    wanted = [w for w in _param(key).split(",") if w]
    by_text = {str(o): o for o in options}
    chosen = [by_text[w] for w in wanted if w in by_text] or [d for d in (default or []) if d in options]
    kw.setdefault("placeholder", "请选择")  # Streamlit's own is English (「Choose options」)
    value = container.multiselect(label, options, default=chosen, key=f"w_{key}", **kw)
    _remember(key, value)
    return value


def radio(label: str, options: list[str], key: str, container=st, **kw) -> str:
    wanted = _param(key)
    value = container.radio(label, options, index=options.index(wanted) if wanted in options else 0,
                            key=f"w_{key}", horizontal=True, **kw)
    _remember(key, value if value != options[0] else "")
    return value


# ---- the frame ------------------------------------------------------------------------------------

@dataclass
class Filters:
    query: str
    region: str
    year: int | None
    template: str
    top: int | None  # how many agencies a chart shows (the largest), None for all

    def limit(self, df: pd.DataFrame, by: str) -> pd.DataFrame:
        """The `top` agencies by one column, so a chart of hundreds of agencies stays readable."""
        if self.top is None or len(df) <= self.top or by not in df:
            return df
        return df.assign(_order=df[by].fillna(float("-inf"))).nlargest(self.top, "_order").drop(columns="_order")

    def agencies(self, names) -> list[str]:
        out = []
        for name in names:
            if not isinstance(name, str):
                continue
            if self.query and self.query not in name:
                continue
            if self.region and not any(word in name for word in self.region.split()):
                continue
            out.append(name)
        return out

    def apply(self, df: pd.DataFrame, by_year: bool = True) -> pd.DataFrame:
        """The rows of a shared frame (`Data`'s) these filters keep: worked out once per frame and filters
        (taking 4,000 rows of a 20,000-report frame copies them: 0.15 s, on every page of every session),
        and like the frame itself never changed by a page."""
        if df.empty:
            return df
        key = (astuple(self), by_year)
        with _FILTERED_LOCK:
            if id(df) not in _FILTERED:
                _FILTERED[id(df)] = {}
                weakref.finalize(df, _FILTERED.pop, id(df), None)  # dropped with the frame
            found = _FILTERED[id(df)].get(key)
        if found is _EVERY_ROW:
            return df
        if found is None:
            keep = df["agency"].isin(self.agencies(df["agency"].dropna().unique()))
            if by_year and self.year is not None and "year" in df:
                keep &= df["year"] == self.year
            if self.template != "全部" and "template" in df:
                keep &= df["template"] == self.template
            every = bool(keep.all())  # unfiltered: the frame itself, not a copy (and not kept: it would keep the
            found = df if every else df[keep]  # frame alive, and with it everything kept for it)
            with _FILTERED_LOCK:
                kept = _FILTERED.setdefault(id(df), {})
                if len(kept) >= 32:  # a few dozen views of one library state at most
                    kept.clear()
                kept[key] = _EVERY_ROW if every else found
        return found


# Filters.apply's results, by the id of the shared frame (dropped with it when the library changes)
_FILTERED: dict[int, dict] = {}
_EVERY_ROW = object()
_FILTERED_LOCK = threading.Lock()


def library_problem(error: LibraryError) -> None:
    """The library cannot be opened or written: say which path and what to do, and stop the page."""
    st.error(md(error.message), icon=":material/database:")
    st.stop()


@contextmanager
def guard() -> Iterator[None]:
    """Around library reads and writes on a page: a `LibraryError` is its message, not a traceback."""
    try:
        yield
    except LibraryError as e:
        library_problem(e)


def _navigation() -> None:
    st.markdown("### 政务公开年报对比")
    links = carried_params()
    for path, label, icon in PAGES:
        st.page_link(path, label=label, icon=icon, query_params=links)


def _show_library(demo: bool | None = None) -> None:
    """Callback of the sidebar switch (demo=None: as the switch now stands) and of the banner's button."""
    if demo is None:
        demo = bool(st.session_state["w_data"])
    st.query_params[DATA_KEY] = "demo" if demo else "real"
    st.session_state["w_data"] = demo


def _demo_banner() -> None:
    """On every page while the demonstration library is shown: what it is, and the way back."""
    with st.container(border=True, key="demo_banner"):
        left, right = st.columns([5, 1], vertical_alignment="center")
        left.markdown(":orange-badge[:material/science: 演示数据]　当前显示的是**虚构的「演示市」各机构**的演示报告，"
                      "机构名称和数字均为虚构，仅用于熟悉看板功能，不得用于简报或督查。")
        right.button("切换到正式资料库", on_click=_show_library, args=(False,), key="leave_demo", type="primary")


def frame(title: str) -> tuple[Data, Filters]:
    """Page config, navigation and the shared filters; returns the data and the filters chosen.
    A library that cannot be opened stops every page here with its message."""
    st.set_page_config(page_title=f"{title}｜政务公开年报对比", page_icon=":material/bar_chart:", layout="wide")
    zh_ui.install()  # Streamlit's own words in Chinese
    try:
        data = load()
    except LibraryError as e:
        with st.sidebar:
            _navigation()
        st.title(title)
        library_problem(e)
    reparsing_note(str(lib().path))
    with st.sidebar:
        _navigation()
        st.divider()
        st.session_state["w_data"] = demo_shown()  # the URL decides; the switch shows it
        st.toggle("演示数据", key="w_data", on_change=_show_library,
                  help="虚构的「演示市」各机构、多个年度的演示报告，存放在单独的资料库文件中，与正式资料库互不影响")
        st.markdown("**筛选**（所有页面通用）")
        query = st.text_input("机构名称搜索", value=_param("q"), key="w_q", placeholder="如：住建局")
        _remember("q", query.strip())
        region = st.text_input("地区关键词", value=_param("region"), key="w_region", placeholder="如：湛河区 浉河区",
                               help="机构名称中包含任一关键词（空格分隔）即显示")
        _remember("region", region.strip())
        template = radio("模板", ["全部", "2021", "2019"], "template", container=st,
                         help="2021：国办公开办函〔2021〕30号格式；2019：2019年试行格式")
        chosen = Filters(query.strip(), region.strip(), None, template, None)
        counts = chosen.apply(data.wide, by_year=False)["year"].dropna().astype(int).value_counts() \
            if not data.wide.empty else pd.Series(dtype=int)
        years = sorted(counts.index, reverse=True)
        year = select("年度", years, "year", default=_usual_year(counts), container=st) if years else None
        top = select("图表中的机构", [10, 20, 30, 50, 100, "全部"], "top", default=30, container=st,
                     format_func=lambda v: v if v == "全部" else f"前 {v} 名", help="机构较多时，图表只显示数值最大的若干个机构")
        _briefing_button(data, chosen, year)
    if demo_shown():
        _demo_banner()
    st.title(title)
    return data, Filters(chosen.query, chosen.region, year, template, None if top == "全部" else int(top))


def _describe(filters: Filters) -> str:
    """The filters in words, for the briefing's cover."""
    parts = [f"机构名称含「{filters.query}」" if filters.query else "",
             f"地区关键词「{filters.region}」" if filters.region else "",
             f"模板 {filters.template}" if filters.template != "全部" else ""]
    return "；".join(p for p in parts if p)


def _briefing_button(data: Data, filters: Filters, year: int | None) -> None:
    """One click: the briefing pack (.docx) of the current filters, built when it is clicked (in
    Streamlit's download thread, so no page waits for it)."""
    demo = demo_shown()
    source = "资料库：演示报告（虚构机构，仅供演示）" if demo else f"资料库：{real_library().store.title}"
    shown = lib()  # read here: the pack is built in the download's thread, outside this session's run

    def build() -> bytes:
        from core.briefing import BriefingScope, build_briefing  # matplotlib: imported on first use only
        scope = BriefingScope(year=year, filters=_describe(filters), source=source,
                              **({"title": "政府信息公开工作年度报告对比简报（演示数据）"} if demo else {}))
        return build_briefing(filters.apply(data.wide, by_year=False),
                              filters.apply(data.warnings, by_year=False), scope, shown.sections)

    st.download_button("生成简报（Word）", data=build, file_name=f"政务公开年报简报_{year or '全部'}年.docx",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document", on_click="ignore",
                       icon=":material/summarize:", key="briefing", width="stretch",
                       help="按当前筛选生成 Word 简报：主要数据表、图表、校验发现（错误在前）、与上年对照、资料库未收录的年度")


def _usual_year(counts: pd.Series) -> int | None:
    """The newest year for which most agencies have reported (not a year one early report opened)."""
    if counts.empty:
        return None
    return max(y for y, n in counts.items() if n >= 0.5 * counts.max())


def chart(drawn: C.Chart, name: str, table: pd.DataFrame, key: str) -> None:
    """A chart (with a PNG download named `name`), then its data as CSV (with BOM, for Excel) and as an
    Excel file."""
    option = dict(drawn.option, toolbox=C.toolbox(name))
    st.echarts_chart(option, height=drawn.height, theme=None, key=f"chart_{key}", alt=drawn.alt)
    left, right, _ = st.columns([2, 2, 5])
    # the files are written when a button is clicked, not on every run of the page; a table's report
    # ids (`with_links`) become links to this session's address then
    linker = _linker()

    def linked() -> pd.DataFrame:
        return table.assign(**{LINKS: linker(table[LINKS])}) if LINKS in table else table
    left.download_button("下载数据（CSV）", lambda: C.to_csv(linked()), file_name=f"{name}.csv", mime="text/csv",
                         key=f"csv_{key}", on_click="ignore")
    right.download_button("下载数据（Excel）", lambda: C.to_excel(linked()), file_name=f"{name}.xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"xlsx_{key}",
                          on_click="ignore")


def require_reports(data: Data) -> None:
    """Stop the page (after saying what to do) when the library holds no report."""
    if data.wide.empty:
        st.info("资料库中还没有报告。请在「上传报告」页面上传年报文件（PDF、Word、网页或文本）。")
        st.page_link("pages/7_upload.py", label="去上传报告", icon=":material/upload_file:")
        st.stop()


def year_reports(data: Data, filters: Filters) -> pd.DataFrame:
    """The reports of the chosen year that pass the filters; stops the page when there are none."""
    require_reports(data)
    wide = filters.apply(data.wide)
    if wide.empty:
        st.warning("所选年度与筛选条件下没有报告。请在左侧调整筛选。")
        st.stop()
    return wide


LINKS = "报告链接"


def with_links(table: pd.DataFrame, wide: pd.DataFrame) -> pd.DataFrame:
    """A download table (from `M.table_for(wide, …)`, same rows) with each report's id in its last column,
    which `chart` turns into the report's absolute link when the table is downloaded (the address is the
    downloading session's, so the table itself can be shared by every session)."""
    return table.assign(**{LINKS: wide["report_id"].to_numpy()})


def left_out_note(left_out: pd.DataFrame, label: str) -> None:
    """Under a rate: which agencies it was not computed for, and why (nobody silently disappears)."""
    if left_out.empty:
        return
    st.caption(f"{md(label)}未计算的机构（{len(left_out)} 个）："
               + "；".join(f"{md(a)}（{md(r)}）" for a, r in zip(left_out["agency"], left_out["reason"])))


def metric_label(key: str) -> str:
    m = M.METRICS[key]
    return f"{m.label}（{m.unit}）"
