"""Every page of the dashboard run by Streamlit's AppTest, against the bundled sample library and an
empty one: no exception, the key elements present, filters change what is shown."""
import json
import os
import random
import re
import sqlite3
import time

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from core.library import Library
from core.synthetic import make_report, render_text

PAGES = ["app.py", "pages/1_compare.py", "pages/2_trends.py", "pages/3_applications.py", "pages/4_review.py",
         "pages/5_fees.py", "pages/6_checks.py", "pages/7_upload.py", "pages/8_report.py", "pages/9_years.py"]
TITLES = ["总览", "机构对比", "年度趋势", "申请办理", "复议诉讼", "收费", "数据校验", "上传报告", "报告详情", "年度对照"]


def run(page: str, db, params: dict | None = None, data: str = "real") -> AppTest:
    """`page` on the library `db` (data="demo": the demonstration library, kept in GOVREPORT_DEMO_DB)."""
    os.environ["GOVREPORT_DB"] = str(db)
    os.environ["GOVREPORT_DATA"] = data
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    if page != "app.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def figures(at) -> list[dict]:
    """The ECharts option of every chart on the page, as the browser receives it."""
    return [json.loads(el.proto.spec) for el in at.get("echarts_chart")]


def chart_title(fig: dict) -> str:
    """A chart's title and subtitle (metric, year, count, source)."""
    return fig["title"]["text"] + "｜" + fig["title"].get("subtext", "")


def labels(series: dict) -> list[str | None]:
    """What is written at each item of a series: its label, or None."""
    return [d.get("label", {}).get("formatter") if isinstance(d, dict) else None for d in series["data"]]


def footnote(fig: dict) -> str:
    """The lines under the plot: marked values and their findings, who a rate left out."""
    return "\n".join(g["style"]["text"] for g in fig.get("graphic", []))


def agencies_drawn(fig: dict) -> list[str]:
    """The category axis' agency names, each as one line again."""
    axis = fig["yAxis"] if fig["yAxis"].get("type") == "category" else fig["xAxis"]
    return [name.replace("\n", "") for name in axis["data"]]


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    """The library a fresh start builds: the bundled sample reports plus two agencies over years."""
    db = tmp_path_factory.mktemp("bundled") / "lib.sqlite3"
    lib = Library(db)
    lib.ensure_seeded()
    rng = random.Random(11)
    for agency in ("甲县财政局", "乙县教育局"):
        for year in (2022, 2023, 2024):
            r = make_report(rng, template="2021", agency=agency, year=year, blank_columns=False)
            lib.add(render_text(r, "cells").encode(), f"{agency}{year}.txt")
    return db


@pytest.fixture()
def empty(tmp_path):
    db = tmp_path / "empty.sqlite3"
    Library(db).ensure_seeded(tmp_path)  # nothing to load: an empty library
    return db


@pytest.mark.parametrize("page,title", zip(PAGES, TITLES))
def test_every_page_on_the_bundled_library(bundled, page, title):
    at = run(page, bundled)
    assert at.title[0].value == title
    if page not in ("pages/7_upload.py", "pages/8_report.py", "pages/6_checks.py", "pages/9_years.py"):
        assert figures(at), "a chart is drawn"
        spec = figures(at)[0]
        assert "数据来源" in chart_title(spec)


@pytest.mark.parametrize("page,title", zip(PAGES, TITLES))
def test_every_page_on_an_empty_library(empty, page, title):
    at = run(page, empty)
    assert at.title[0].value == title
    if page != "pages/7_upload.py":
        assert any("资料库中还没有报告" in i.value for i in at.info)


def test_year_filter_changes_the_ranking(bundled):
    fig_2023 = figures(run("pages/1_compare.py", bundled, {"year": "2023"}))[0]
    fig_2024 = figures(run("pages/1_compare.py", bundled, {"year": "2024"}))[0]
    assert "2023年" in chart_title(fig_2023) and "2024年" in chart_title(fig_2024)
    assert labels(fig_2023["series"][0]) != labels(fig_2024["series"][0])


def test_agency_search_narrows_every_chart(bundled):
    at = run("pages/1_compare.py", bundled, {"year": "2023", "q": "甲县"})
    assert agencies_drawn(figures(at)[0]) == ["甲县财政局"]


def test_url_state_restores_the_metric(bundled):
    at = run("pages/1_compare.py", bundled, {"year": "2024", "metric": "review.total"})
    assert "行政复议·总计" in chart_title(figures(at)[0])
    assert at.query_params["metric"] == ["review.total"] or at.query_params["metric"] == "review.total"


def test_checks_page_lists_the_r2_break_of_the_2020_report(bundled):
    at = run("pages/6_checks.py", bundled, {"severity": "error"})
    table = at.dataframe[0].value  # the findings come first, above the summaries
    r2 = table[table["规则"].str.startswith("R2")]
    if not len(r2):
        pytest.skip("no sample report with an R2 break is bundled")
    assert "市住建局" in set(r2["机构"]) and r2["说明"].str.contains("相差1").any()


def test_trend_page_draws_the_chosen_agencies(bundled):
    at = run("pages/2_trends.py", bundled, {"agencies": "甲县财政局,乙县教育局"})
    names = {t["name"] for t in figures(at)[0]["series"] if t["type"] == "line"}
    assert names == {"甲县财政局", "乙县教育局"}


def test_upload_stores_good_files_and_reports_bad_ones(tmp_path):
    db = tmp_path / "u.sqlite3"
    Library(db).ensure_seeded(tmp_path)
    at = run("pages/7_upload.py", db)
    r = make_report(random.Random(3), template="2021", agency="丙县民政局", year=2023)
    at.file_uploader[0].set_value([("good.txt", render_text(r, "tab_grid").encode(), "text/plain"),
                                   ("empty.txt", b"", "text/plain")])
    at.button[0].click().run()  # the form submits files and pasted text together
    assert not at.exception
    assert any("丙县民政局" in s.value for s in at.success)
    assert any("empty.txt" in e.value for e in at.error)
    assert [s.name for s in Library(db).all()] == ["good.txt"]


def test_report_page_highlights_cells_behind_warnings(bundled):
    lib = Library(bundled)
    target = next((s for s in lib.all() if any(w.rule == "R2" and w.severity == "error" for w in s.report.warnings)), None)
    if target is None:
        pytest.skip("no sample report with an R2 break is bundled")
    at = run("pages/8_report.py", bundled, {"id": str(target.id)})
    assert any("R2" in e.value for e in at.error)
    assert any("市住建局" in h.value for h in at.subheader)


def test_charts_download_as_png_at_scale_3_with_a_chinese_file_name(bundled):
    at = run("pages/1_compare.py", bundled, {"year": "2023"})
    options = figures(at)[0]["toolbox"]["feature"]["saveAsImage"]
    assert options["type"] == "png" and options["pixelRatio"] >= 2 and options["title"] == "下载图片（PNG）"
    assert "机构排名" in options["name"] and "2023年" in options["name"]
    assert any(b.label == "下载数据（CSV）" for b in at.get("download_button"))


def test_agency_merged_by_hand_on_the_report_page(tmp_path):
    db = tmp_path / "m.sqlite3"
    lib = Library(db)
    lib.ensure_seeded(tmp_path)
    rng = random.Random(4)
    for agency, year in (("某县财政局", 2022), ("某县财政厅", 2023)):
        r = make_report(rng, template="2021", agency=agency, year=year)
        lib.add(render_text(r, "cells").encode(), f"{agency}.txt")
    target = next(s for s in lib.all() if s.printed_agency == "某县财政厅")
    at = run("pages/8_report.py", db, {"id": str(target.id)})
    next(sb for sb in at.selectbox if sb.label == "归入机构").select("某县财政局").run()
    next(b for b in at.button if b.label == "归入所选机构").click().run()
    assert {s.agency for s in Library(db).current()} == {"某县财政局"}


def test_pasted_text_is_stored_with_one_click(tmp_path):
    db = tmp_path / "p.sqlite3"
    Library(db).ensure_seeded(tmp_path)
    at = run("pages/7_upload.py", db)
    r = make_report(random.Random(8), template="2021", agency="丁县审计局", year=2024)
    at.text_area[0].input(render_text(r, "cells"))
    at.button[0].click().run()
    assert any("丁县审计局" in s.value for s in at.success)
    assert [s.agency for s in Library(db).all()] == ["丁县审计局"]


SAMPLE_TXT = ROOT / "sample_reports" / "000_cf1e86794f147280.txt"  # 湛河区住建局 2023: every cell read


def damaged_text() -> str:
    """The sample with Table 3's row （五）2.重复申请 deleted: seven cells the parser cannot find."""
    lines = SAMPLE_TXT.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if "重复申请" not in line]
    assert len(kept) == len(lines) - 1
    return "".join(kept)


@pytest.fixture(scope="module")
def damaged(tmp_path_factory):
    """A library of two reports of one agency: 2023 complete, 2024 with a Table 3 row missing."""
    db = tmp_path_factory.mktemp("damaged") / "lib.sqlite3"
    lib = Library(db)
    lib.ensure_seeded(db.parent)  # nothing to load
    complete = lib.add(SAMPLE_TXT.read_bytes(), "complete.txt")
    broken = lib.add(damaged_text().replace("2023", "2024").encode(), "damaged.txt")
    assert complete.status == broken.status == "added"
    return db, complete.report_id, broken.report_id


def _cells(at) -> list[str]:
    return [str(v) for t in at.table for v in t.value.to_numpy().ravel()]


def test_report_page_shows_unread_cells_and_completeness_below_100(damaged):
    db, _, broken = damaged
    at = run("pages/8_report.py", db, {"id": str(broken)})
    assert _cells(at).count("未读到") == 7  # the seven cells of the deleted row
    completeness = next(m for m in at.metric if m.label == "完整度")
    assert (completeness.value, completeness.delta) == ("96.5%", "193/200 格")
    assert any("无法核验" in i.value and "不计为错误" in i.value for i in at.info)
    assert not at.error  # a row the parser did not find is no error
    assert any("未读到" in c.value for c in at.caption)


def test_report_page_of_a_complete_report_shows_100_percent(damaged):
    db, complete, _ = damaged
    at = run("pages/8_report.py", db, {"id": str(complete)})
    assert "未读到" not in _cells(at)
    completeness = next(m for m in at.metric if m.label == "完整度")
    assert (completeness.value, completeness.delta) == ("100%", "200/200 格")
    assert not any("无法核验" in i.value for i in at.info)


def test_the_checks_page_shows_the_most_severe_findings_first_and_offers_them_all(bundled, monkeypatch):
    """A provincial library has tens of thousands of findings: the table shows the first TABLE_ROWS
    (Streamlit refuses to colour more than 262,144 cells), says how many there are, downloads all."""
    import ui
    every = run("pages/6_checks.py", bundled, {"severity": "error,warning,info"}).dataframe[0].value
    monkeypatch.setattr(ui, "TABLE_ROWS", 3)
    at = run("pages/6_checks.py", bundled, {"severity": "error,warning,info"})
    shown = at.dataframe[0].value
    assert len(every) > 3 and list(shown["说明"]) == list(every["说明"][:3])
    assert any(f"共 {len(every):,} 条" in c.value for c in at.caption)
    assert any(b.proto.label == f"下载全部 {len(every):,} 条校验发现（CSV）" for b in at.get("download_button"))


def test_after_a_parser_change_pages_open_at_once_and_the_records_are_swapped_in(tmp_path, monkeypatch):
    """Records an older parser made are re-parsed in the background: the page opens on them with a
    progress bar, and shows the new records once the re-parse is done."""
    import threading

    import streamlit as st

    db = tmp_path / "stale.sqlite3"
    lib = Library(db)
    lib.ensure_seeded(tmp_path)
    lib.add(render_text(make_report(random.Random(31), template="2021", agency="庚县财政局", year=2023), "tab_grid").encode(),
            "庚县.txt")
    with sqlite3.connect(db) as conn:  # as an older parser left it: no agency read
        conn.execute("UPDATE reports SET parser_version = 'older', agency = NULL, record = '{\"source\": \"庚县.txt\", \"fields\": {}}'")
    go = threading.Event()
    real = Library.reparse_stale
    monkeypatch.setattr(Library, "reparse_stale", lambda self, **kw: go.wait(30) and real(self, **kw))
    st.cache_resource.clear()
    at = run("pages/1_compare.py", db)
    assert any("正在后台重新解析资料库中的 1 份报告" in (p.proto.text or "") for p in at.get("progress"))
    assert "庚县财政局" not in str([m.value for m in at.metric])
    go.set()
    worker = next(t for t in threading.enumerate() if t.name == "govreport-reparse")
    worker.join(60)
    at = run("pages/1_compare.py", db)
    assert not at.get("progress")
    assert Library(db).current()[0].agency == "庚县财政局" and Library(db).stale() == 0


def test_upload_and_checks_pages_show_completeness(damaged, tmp_path):
    db = tmp_path / "u.sqlite3"
    Library(db).ensure_seeded(tmp_path)
    at = run("pages/7_upload.py", db)
    at.file_uploader[0].set_value([("damaged.txt", damaged_text().encode(), "text/plain")])
    at.button[0].click().run()
    line = _lines(at)[0]
    assert "完整度 96.5%（193/200 格）" in line and not at.error  # a row not read is no error
    assert any("无法核验 7 条（不计为错误）" in c.value for c in at.caption)

    at = run("pages/6_checks.py", damaged[0], {"severity": "info"})
    findings = at.dataframe[0].value
    assert set(findings["完整度"]) == {"96.5%（193/200 格）"}  # the R2 「无法核验」 notes of the damaged report
    listed = next(d.value for d in at.dataframe if "未读到" in d.value.columns)
    assert list(listed["完整度"]) == ["96.5%（193/200 格）"]
    assert any("无法核验" in i.value for i in at.info)


def test_a_record_stored_before_unread_existed_shows_its_unreadable_cells(tmp_path):
    """Such a record has no `unread`: the cells its short_row / unreadable_cell warnings name stand in."""
    import sqlite3
    db = tmp_path / "old.sqlite3"
    lib = Library(db)
    lib.ensure_seeded(tmp_path)
    added = lib.add((ROOT / "sample_reports" / "001_c73b0815ce023fc0.txt").read_bytes(), "old.txt")  # short rows
    named = {k for w in added.report.warnings if w.rule in ("short_row", "unreadable_cell") for k in w.keys}
    assert named
    with sqlite3.connect(db) as con:
        record = json.loads(con.execute("SELECT record FROM reports").fetchone()[0])
        del record["unread"]
        con.execute("UPDATE reports SET record = ?", (json.dumps(record, ensure_ascii=False),))
    assert set(Library(db).get(added.report_id).report.unread) == named
    at = run("pages/8_report.py", db, {"id": str(added.report_id)})
    assert _cells(at).count("未读到") == len(named)


# ---- text from users and documents is never Markdown ------------------------------------------------

import html  # noqa: E402

from streamlit.runtime.uploaded_file_manager import UploadedFile  # noqa: E402

import ui  # noqa: E402
import core.bulk  # noqa: E402
import core.ingest  # noqa: E402
from locations import fill_the_disk, foreign_sqlite_file, random_bytes_file, snapshot, unwritable_folder  # noqa: E402

HOSTILE = ["![](http://127.0.0.1:9/x.png)", "[点我](javascript:alert(1))", "**粗体**", "<img src=x>",
           "`代码` _斜_ ~~删~~ $x^2$ :red[红] :material/home: :smile: &lt; www.example.org a@b.cn",
           "# 标题\n- 列表\n1. 编号", "\\*已转义\\*", "| a | b |"]


def plain(markdown: str) -> str:
    """What CommonMark shows for text that has only backslash escapes in it (and the invisible joiners)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace(ui.JOINER, "")


@pytest.mark.parametrize("text", HOSTILE)
def test_md_leaves_no_markdown_and_shows_the_text_as_typed(text):
    out = ui.md(text)
    assert plain(out) == " ".join(line.strip() for line in text.splitlines())  # a line break shows as a space
    unescaped = re.sub(r"\\[!-/:-@\[-`{-~]", "", out)
    assert not re.search(r"[\\`*_~\[\]<>&$|#@]", unescaped), "every special character is escaped"
    assert not re.search(r"(?i)https?://|www\.|\w@\w", out.replace("\\", "")), "no autolink (found after parsing)"
    assert ":material/" not in out, "no icon (Streamlit rewrites it before parsing)"
    assert not re.match(r"\s|[-+=]|\d+[.)]", out), "nothing at the start opens a block"


def _hostile_report(title: str) -> bytes:
    return SAMPLE_TXT.read_text(encoding="utf-8").replace("湛河区住建局 2023", f"{title}住建局 2023", 1).encode()


def test_file_names_and_agencies_reach_the_page_only_escaped(tmp_path):
    db = tmp_path / "h.sqlite3"
    Library(db).ensure_seeded(tmp_path)
    at = run("pages/7_upload.py", db)
    names = [f"{t}.txt" for t in HOSTILE[:4]]
    at.file_uploader[0].set_value([(n, _hostile_report(t), "text/plain") for n, t in zip(names, HOSTILE[:4])])
    at.button[0].click().run()
    assert not at.exception
    stored = {s.name: s for s in Library(db).all()}
    assert set(stored) == set(names)
    for name, line in zip(names, at.success):
        agency = stored[name].printed_agency
        assert ui.md(name) in line.value and ui.md(agency) in line.value
        assert plain(line.value).startswith(f"✓ {name}：已入库。　{agency}　2023年")
    assert [e.label for e in at.expander] == [f"主要数值与无法核验的规则：{ui.md(n)}" for n in names]
    for s in stored.values():
        at = run("pages/8_report.py", db, {"id": str(s.id)})
        assert at.subheader[0].value == f"{ui.md(s.agency)}　2023年度报告"
        assert not re.search(r"(?<!\\)[<\[*]", at.subheader[0].value)  # no tag, link or emphasis left open
    # labels are plain text; tooltips are HTML, so a name there is escaped and shown as printed
    agencies = {s.agency for s in stored.values()}
    for fig in figures(run("pages/1_compare.py", db, {"year": "2023"})):
        assert set(agencies_drawn(fig)) == agencies
        tips = [d["tooltip"]["formatter"] for series in fig["series"] for d in series["data"] if "tooltip" in d]
        assert tips and not any("<img" in t for t in tips)
        assert {html.unescape(t.split("<br/>")[0]) for t in tips} == agencies


# ---- upload: one file at a time, each its own line -------------------------------------------------

def _three_files():
    rng = random.Random(21)
    good = [render_text(make_report(rng, template="2021", agency=a, year=2023), "tab_grid").encode()
            for a in ("甲镇人民政府", "丙镇人民政府")]
    return [("第一份.txt", good[0], "text/plain"), ("第二份_损坏.pdf", b"%PDF-1.7\n1 0 obj <</Length 99", "application/pdf"),
            ("第三份.txt", good[1], "text/plain")]


def _upload_three(tmp_path):
    db = tmp_path / "three.sqlite3"
    Library(db).ensure_seeded(tmp_path)
    at = run("pages/7_upload.py", db)
    at.file_uploader[0].set_value(_three_files())
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return db, at


def _lines(at) -> list[str]:
    """The result lines in page order: ✓ stored, ⚠ stored with findings, ↺ duplicate, ✗ refused."""
    alerts = [n for n in at.main if getattr(n, "type", None) in ("success", "warning", "error", "info")]
    return [plain(a.value) for a in alerts if a.value[:1] in ("✓", "⚠", "↺", "✗")]


def test_a_broken_file_between_two_good_ones_is_its_own_line(tmp_path):
    db, at = _upload_three(tmp_path)
    lines = _lines(at)
    assert [line[0] for line in lines] == ["✓", "✗", "✓"]
    for line, name in zip(lines, ("第一份.txt", "第二份_损坏.pdf", "第三份.txt")):
        assert line[2:].startswith(name + "：")
    assert not re.search(r"[A-Za-z]+(Error|Exception)", lines[1]) and re.search(r"[\u4e00-\u9fff]{4}", lines[1])
    assert "入库 2 份" in at.subheader[0].value and "失败 1 份" in at.subheader[0].value
    assert sorted(s.name for s in Library(db).all()) == ["第一份.txt", "第三份.txt"]


def test_a_file_that_crashes_the_parser_stops_no_other_file(tmp_path, monkeypatch):
    # parsed in this process, as where worker processes cannot be started: the patched parser applies
    monkeypatch.setattr(core.bulk, "_in_pool", lambda items, workers, work=None: map(core.bulk._parse_here, items))
    real = core.ingest.ingest

    def ingest(data, name):
        if "损坏" in name:
            raise OverflowError("int too large to convert to float")
        return real(data, name)
    monkeypatch.setattr(core.ingest, "ingest", ingest)
    db, at = _upload_three(tmp_path)
    lines = _lines(at)
    assert [line[0] for line in lines] == ["✓", "✗", "✓"]
    assert lines[1].startswith("✗ 第二份_损坏.pdf：") and "OverflowError" not in lines[1]
    assert sorted(s.name for s in Library(db).all()) == ["第一份.txt", "第三份.txt"]


def test_an_upload_is_parsed_outside_the_servers_process(tmp_path, monkeypatch):
    """A long upload must not stall the other sessions' pages: the page hands its files to a worker
    process. A parser broken in the page's own process changes nothing; each file is still read only
    when its turn comes near (at most a few ahead of the one being parsed)."""
    monkeypatch.setattr(core.ingest, "ingest", lambda data, name: pytest.fail("parsed in the server's process"))
    events = []
    read, store = UploadedFile.getvalue, Library._store
    monkeypatch.setattr(UploadedFile, "getvalue", lambda self: events.append(("read", self.name)) or read(self))
    monkeypatch.setattr(Library, "_store", lambda self, items: events.append(("store", items[0].name)) or store(self, items))
    db, at = _upload_three(tmp_path)
    assert [line[0] for line in _lines(at)] == ["✓", "✗", "✓"]
    assert sorted(s.name for s in Library(db).all()) == ["第一份.txt", "第三份.txt"]
    names = [f[0] for f in _three_files()]
    assert [n for step, n in events if step == "read"] == names and [n for step, n in events if step == "store"] == names


# ---- the library's location -------------------------------------------------------------------------

def _message(at) -> str:
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.error) == 1, [e.value for e in at.error]
    message = plain(at.error[0].value)
    words = re.sub(r"/[^\s，。：；（）]*", "", message)  # without the paths
    assert "GOVREPORT_DB" in message and not re.search(r"Error|unable to|database|file is|disk is", words)
    return message


@pytest.mark.parametrize("page,title", zip(PAGES, TITLES))
def test_every_page_explains_a_library_file_that_is_not_a_database(tmp_path, page, title):
    path = random_bytes_file(tmp_path / "lib.sqlite3")
    before = snapshot(path)
    at = run(page, path)
    assert at.title[0].value == title
    message = _message(at)
    assert str(path) in message and "不是 SQLite 数据库" in message and "没有修改、覆盖或删除" in message
    assert snapshot(path) == before
    assert not figures(at) and not at.dataframe  # the page stops after the message


def test_the_database_of_another_program_is_explained_and_left_alone(tmp_path):
    path = foreign_sqlite_file(tmp_path / "contacts.db")
    before = snapshot(path)
    for page in ("app.py", "pages/7_upload.py"):
        message = _message(run(page, path))
        assert str(path) in message and "其他程序的 SQLite 数据库" in message
    assert snapshot(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contacts.db"]


def test_a_missing_folder_is_created_when_it_can_be(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVREPORT_SAMPLES", str(tmp_path))  # nothing to load
    at = run("app.py", tmp_path / "新文件夹" / "lib.sqlite3")
    assert not at.error and any("资料库中还没有报告" in i.value for i in at.info)
    assert (tmp_path / "新文件夹" / "lib.sqlite3").exists()


def test_a_missing_folder_that_cannot_be_created_is_explained(tmp_path):
    path = tmp_path / "不存在" / "也不存在" / "lib.sqlite3"
    for page in ("app.py", "pages/8_report.py"):
        message = _message(run(page, path))
        assert str(path.parent) in message and "不存在" in message and "请先创建文件夹" in message
    assert not (tmp_path / "不存在").exists()


def test_an_unwritable_folder_is_explained(tmp_path):
    path = unwritable_folder(tmp_path) / "lib.sqlite3"
    for page in ("app.py", "pages/1_compare.py"):
        message = _message(run(page, path))
        assert str(path) in message and "不可写" in message and "写权限" in message


@pytest.mark.parametrize("page", ["app.py", "pages/6_checks.py", "pages/7_upload.py"])
def test_a_full_disk_on_the_first_start_is_explained_on_the_page(tmp_path, monkeypatch, page):
    monkeypatch.setenv("GOVREPORT_SAMPLES", str(tmp_path / "none"))
    fill_the_disk(monkeypatch)
    path = tmp_path / "lib.sqlite3"
    message = _message(run(page, path))
    assert str(path) in message and "磁盘已满" in message and "清理" in message


def test_a_full_disk_during_an_upload_is_each_files_line(tmp_path, monkeypatch):
    db = tmp_path / "full.sqlite3"
    Library(db).ensure_seeded(tmp_path)
    Library(db).add(SAMPLE_TXT.read_bytes(), "kept.txt")
    before = Library(db).generation
    fill_the_disk(monkeypatch)
    at = run("pages/7_upload.py", db)
    at.file_uploader[0].set_value(_three_files())
    at.button[0].click().run()
    assert not at.exception
    lines = _lines(at)
    assert [line[0] for line in lines] == ["✗", "✗", "✗"]
    assert lines[0].startswith("✗ 第一份.txt：未入库。") and "磁盘已满" in lines[0] and str(db) in lines[0]
    monkeypatch.undo()
    assert [s.name for s in Library(db).all()] == ["kept.txt"] and Library(db).generation == before


def test_the_dashboard_runs_on_a_team_postgresql_library(postgres, tmp_path):
    """GOVREPORT_DB=postgresql://…: an upload through the page lands on the server, and the pages draw
    from it (another official's dashboard sees the same reports)."""
    url = postgres.new_database()
    Library(url).ensure_seeded(tmp_path)  # a team's library starts empty, without the samples
    at = run("pages/7_upload.py", url)
    at.file_uploader[0].set_value(_three_files())
    at.button[0].click().run()
    assert [line[0] for line in _lines(at)] == ["✓", "✗", "✓"]
    assert sorted(s.name for s in Library(url).all()) == ["第一份.txt", "第三份.txt"]
    drawn = set()
    for fig in figures(run("pages/1_compare.py", url)):
        if any(axis.get("type") == "category" for axis in (fig.get("xAxis", {}), fig.get("yAxis", {}))):
            drawn |= set(agencies_drawn(fig))
    assert {"甲镇人民政府", "丙镇人民政府"} <= drawn
    checks = run("pages/6_checks.py", url)
    assert checks.subheader and checks.subheader[0].value.startswith("校验发现")


def test_a_view_is_worked_out_once_for_every_session_with_the_same_filters(tmp_path, monkeypatch):
    """Ten officials opening the same view must not each work it out (they queue behind each other on
    the server): once per library state and filters, again after a write or for other filters."""
    import ui
    db = tmp_path / "views.sqlite3"
    lib = Library(db)
    lib.ensure_seeded(tmp_path)
    rng = random.Random(41)
    for agency in ("甲县财政局", "乙县教育局"):
        lib.add(render_text(make_report(rng, template="2021", agency=agency, year=2023), "cells").encode(), f"{agency}.txt")
    calls = []
    coverage = ui.M.coverage
    monkeypatch.setattr(ui.M, "coverage", lambda wide: calls.append(1) or coverage(wide))
    for _ in range(3):  # three sessions, the same view
        run("app.py", db, {"year": "2023"})
    assert len(calls) == 1
    run("app.py", db, {"year": "2023", "q": "甲县"})  # other filters: another view
    assert len(calls) == 2
    lib.add(render_text(make_report(rng, template="2021", agency="丙县民政局", year=2023), "cells").encode(), "丙.txt")
    at = run("app.py", db, {"year": "2023"})  # after a write: the library's new state
    assert len(calls) == 3 and at.metric[1].value == "3"


def test_a_library_state_no_page_shows_again_is_not_kept_in_memory(tmp_path):
    """Each write is a new library state; the frames of old states (and the views and filtered rows kept
    for them) must go, or a dashboard that keeps receiving uploads grows without end."""
    import gc
    import weakref

    import ui
    db = tmp_path / "states.sqlite3"
    lib = Library(db)
    lib.ensure_seeded(tmp_path)
    rng = random.Random(43)

    def upload(agency):
        lib.add(render_text(make_report(rng, template="2021", agency=agency, year=2023), "cells").encode(), f"{agency}.txt")

    upload("甲县财政局")
    for page in ("app.py", "pages/1_compare.py", "pages/6_checks.py"):
        run(page, db, {"year": "2023"})
    first = weakref.ref(ui._FRAMES[str(lib.path)].wide)
    for agency in ("乙县教育局", "丙县民政局", "丁县审计局"):
        upload(agency)
        for page in ("app.py", "pages/1_compare.py", "pages/6_checks.py"):
            run(page, db, {"year": "2023"})
    gc.collect()
    assert first() is None


def test_the_report_page_chooses_an_agency_then_one_of_its_reports(tmp_path):
    """A provincial library lists 20,000 reports: the page offers the agencies, then the chosen agency's
    reports (a link's report decides the agency; choosing another agency shows its latest report)."""
    db = tmp_path / "c.sqlite3"
    lib = Library(db)
    lib.ensure_seeded(tmp_path)
    rng = random.Random(6)
    ids = {}
    for agency in ("甲县民政局", "乙县财政局"):
        for year in (2022, 2023):
            r = make_report(rng, template="2021", agency=agency, year=year)
            ids[agency, year] = lib.add(render_text(r, "cells").encode(), f"{agency}{year}.txt").report_id
    at = run("pages/8_report.py", db, {"id": str(ids["甲县民政局", 2022])})
    agency, report = (next(sb for sb in at.selectbox if sb.label == label) for label in ("机构", "报告"))
    assert agency.options == sorted(["甲县民政局", "乙县财政局"]) and agency.value == "甲县民政局"
    assert report.value == ids["甲县民政局", 2022] and len(report.options) == 2
    assert any("甲县民政局　2022年度报告" in h.value for h in at.subheader)
    agency.select("乙县财政局").run()
    report = next(sb for sb in at.selectbox if sb.label == "报告")
    assert report.value == ids["乙县财政局", 2023] and at.query_params["id"] in (str(report.value), [str(report.value)])
    assert any("乙县财政局　2023年度报告" in h.value for h in at.subheader)
    report.select(ids["乙县财政局", 2022]).run()
    assert any("乙县财政局　2022年度报告" in h.value for h in at.subheader)


def test_after_another_sessions_write_a_slow_library_shows_its_frames_until_the_new_ones_are_there(tmp_path, monkeypatch):
    """Working out a provincial library's frames takes 2 s: after one official's upload the others see
    the frames as they were, with a note, while the new ones are worked out in a thread; the official
    who uploaded sees the upload at once."""
    import ui
    monkeypatch.setattr(ui, "SHOWN_WHILE_UPDATING_AFTER_SECONDS", -1.0)  # every library counts as slow
    db = tmp_path / "slow.sqlite3"
    lib = Library(db)
    lib.ensure_seeded(tmp_path)
    rng = random.Random(44)

    def report(agency):
        return render_text(make_report(rng, template="2021", agency=agency, year=2023), "cells").encode()

    lib.add(report("甲县财政局"), "甲.txt")
    assert run("app.py", db).metric[1].value == "1"
    lib.add(report("乙县教育局"), "乙.txt")  # another session's upload
    at = run("app.py", db)
    assert at.metric[1].value == "1" and any("正在汇总最新数据" in c.value for c in at.caption)
    for _ in range(100):  # the thread working out the new frames
        if ui._FRAMES[str(lib.path)].generation == lib.generation:
            break
        time.sleep(0.05)
    at = run("app.py", db)
    assert at.metric[1].value == "2" and not any("正在汇总最新数据" in c.value for c in at.caption)
    # the uploading session: its next page shows its upload, without waiting for a thread
    at = run("pages/7_upload.py", db)
    at.file_uploader[0].set_value([("丙.txt", report("丙县民政局"), "text/plain")])
    at.button[-1].click().run()
    at.switch_page("app.py").run()
    assert at.metric[1].value == "3" and not any("正在汇总最新数据" in c.value for c in at.caption)


def _unbalanced_report(tmp_path) -> tuple:
    """A library holding only the 2020 sample whose Table 3 does not add up, and that report's id."""
    db = tmp_path / "fix.sqlite3"
    lib = Library(db)
    lib.ensure_seeded(tmp_path)
    return db, lib.add((ROOT / "sample_reports" / "002_b232cca7e491c758.txt").read_bytes(), "住建局2020.txt").report_id


def test_a_value_is_corrected_on_the_report_page_the_checks_rerun_and_the_correction_is_undone(tmp_path):
    db, rid = _unbalanced_report(tmp_path)
    at = run("pages/8_report.py", db, {"id": str(rid)})
    assert next(m for m in at.metric if m.label == "错误").value == "2"
    form_key = next(sb for sb in at.selectbox if sb.label == "项目")
    form_key.select("applications.total.total")
    next(n for n in at.number_input if n.label == "更正为（数值）").set_value(20)
    next(t for t in at.text_input if t.label == "理由（必填）").input("原文表三（七）总计·总计列为 20")
    next(b for b in at.button if b.label == "保存更正").click().run()
    assert not at.exception
    assert any(s.value.startswith("已更正「") and "校验已按更正后的数值重新进行" in s.value for s in at.success)
    assert any("原读数 19 → 20" in i.value for i in at.info)
    history = next(d.value for d in at.dataframe if "状态" in d.value.columns)
    assert list(history["状态"]) == ["生效"] and list(history["更正为"]) == ["20"]
    assert not any("总计列为19" in e.value for e in at.error)  # the R2 break it answered is gone
    assert Library(db).get(rid).report.fields["applications.total.total"] == 20

    next(b for b in at.button if b.label == "撤销所选更正").click().run()
    history = next(d.value for d in at.dataframe if "状态" in d.value.columns)
    assert list(history["状态"]) == ["已撤销"]
    assert any("总计列为19" in e.value for e in at.error)
    assert Library(db).get(rid).report.fields["applications.total.total"] == 19


def test_a_correction_without_a_reason_is_refused_on_the_page(tmp_path):
    db, rid = _unbalanced_report(tmp_path)
    at = run("pages/8_report.py", db, {"id": str(rid)})
    next(n for n in at.number_input if n.label == "更正为（数值）").set_value(20)
    next(b for b in at.button if b.label == "保存更正").click().run()
    assert any("请填写更正理由" in e.value for e in at.error)
    assert Library(db).correction_history(rid) == []


def test_the_template_is_corrected_on_the_report_page_and_the_tables_read_again(tmp_path):
    db = tmp_path / "template.sqlite3"
    lib = Library(db)
    lib.ensure_seeded(tmp_path)
    mixed = SAMPLE_TXT.read_text(encoding="utf-8").replace("本年度止件数", "本年增/减", 1)  # one header the 2019 way
    rid = lib.add(mixed.encode(), "混合表头.txt").report_id
    at = run("pages/8_report.py", db, {"id": str(rid)})
    assert next(m for m in at.metric if m.label == "模板").value == "2019年格式"
    next(sb for sb in at.selectbox if sb.label == "项目").select("meta.template")
    next(b for b in at.button if b.label == "保存更正").click().run()
    assert any("请选择更正后的表格模板" in e.value for e in at.error)
    next(sb for sb in at.selectbox if sb.label == "更正为（表格模板）").select("2021")
    next(t for t in at.text_input if t.label == "理由（必填）").input("表格为 2021 年格式")
    next(b for b in at.button if b.label == "保存更正").click().run()
    assert not at.exception and next(m for m in at.metric if m.label == "模板").value == "2021年格式"
    assert any("表格模板** 已人工更正：原读数 2019 → 2021" in i.value for i in at.info)
    assert Library(db).get(rid).report.completeness() == (200, 200)


def test_an_agency_this_year_against_last_year_cell_by_cell(tmp_path):
    """年度对照: the 2024 report is the 2023 one with a row deleted (7 cells not read) — those are never
    counted as changes, every other cell is unchanged; the agency's cross-year findings are shown."""
    db = tmp_path / "years.sqlite3"
    lib = Library(db)
    lib.ensure_seeded(tmp_path)
    lib.add(SAMPLE_TXT.read_bytes(), "2023.txt")
    lib.add(damaged_text().replace("2023", "2024").encode(), "2024.txt")
    at = run("pages/9_years.py", db)
    counts = {m.label: m.value for m in at.metric}
    assert counts["无法比较（未读到）"] == "7 格" and counts["增加"] == counts["减少"] == "0 格"
    assert counts["上年空白、本年填报"] == counts["上年填报、本年空白"] == "0 格"
    table3 = next(d.value for d in at.dataframe if any("重复申请" in i for i in d.value["项目"]))
    repeat = table3[table3["项目"].str.contains("重复申请")]
    assert set(repeat["2024年"]) == {"未读到"} and set(repeat["说明"]) == {"无法比较（未读到）"}
    assert set(repeat["变化"]) == {""}
    shown = [i for d in at.dataframe if "说明" in d.value for i in d.value["说明"]]
    assert set(shown) == {"无法比较（未读到）"}  # only what changed or could not be compared, by default
    next(t for t in at.toggle if t.label == "只显示有变化的格").set_value(False).run()
    assert sum(len(d.value) for d in at.dataframe if "说明" in d.value) == 200  # every cell of the template


def test_a_report_whose_numbers_are_all_last_years_is_pointed_out(tmp_path):
    db = tmp_path / "copied.sqlite3"
    lib = Library(db)
    lib.ensure_seeded(tmp_path)
    lib.add(SAMPLE_TXT.read_bytes(), "2023.txt")
    lib.add(SAMPLE_TXT.read_text(encoding="utf-8").replace("2023", "2024").encode(), "2024.txt")
    at = run("pages/9_years.py", db)
    assert any("数值完全相同" in w.value and "照搬上年" in w.value for w in at.warning)
    assert any("第五部分「存在的主要问题及改进情况」：与2023年相同的文字约 100%" in w.value for w in at.warning)
    # the year in its text changed, the rest is last year's
    assert any(re.fullmatch(r"第一部分「总体情况」：与2023年相同的文字约 (9\d|100)%", e.label) for e in at.expander)


def test_the_years_page_pairs_an_agency_across_a_change_of_its_printed_name(tmp_path):
    db = tmp_path / "renamed.sqlite3"
    lib = Library(db)
    lib.ensure_seeded(tmp_path)
    lib.add(SAMPLE_TXT.read_bytes(), "2023.txt")
    renamed = SAMPLE_TXT.read_text(encoding="utf-8").replace("湛河区住建局 2023", "平顶山市湛河区住建局 2024", 1)
    lib.add(renamed.encode(), "2024.txt")
    assert {r["printed_agency"] for r in lib.index()} == {"湛河区住建局", "平顶山市湛河区住建局"}
    at = run("pages/9_years.py", db)
    agency = next(sb for sb in at.selectbox if sb.label == "机构")
    assert len(agency.options) == 1 and "湛河区住建局" in agency.value
    assert [sb.value for sb in at.selectbox if sb.label in ("本年度", "对照年度")] == [2024, 2023]


def test_the_years_page_says_what_to_do_when_no_agency_has_two_years(tmp_path):
    db = tmp_path / "one.sqlite3"
    lib = Library(db)
    lib.ensure_seeded(tmp_path)
    lib.add(SAMPLE_TXT.read_bytes(), "2023.txt")
    at = run("pages/9_years.py", db)
    assert any("两个年度" in i.value for i in at.info)


def test_a_scanned_page_is_marked_as_read_by_ocr_on_the_report_page(tmp_path):
    import io

    from scans import page_images
    page = page_images((ROOT / "sample_reports" / "000_cf1e86794f147280.pdf").read_bytes(), dpi=200)[1]
    buf = io.BytesIO()
    page.save(buf, format="PNG", dpi=(200, 200))
    db = tmp_path / "scan.sqlite3"
    lib = Library(db)
    lib.ensure_seeded(tmp_path)
    added = lib.add(buf.getvalue(), "第二页扫描.png")
    assert added.status == "added"
    at = run("pages/8_report.py", db, {"id": str(added.report_id)})
    assert any("本报告是扫描件" in i.value for i in at.info)
    sources = next(d.value for d in at.dataframe if "读取方式" in d.value.columns)
    granted = sources[sources["字段"] == "（一）予以公开·全部申请人"]
    assert granted["读取方式"].iloc[0].startswith("扫描识别（置信度 ") and granted["数值"].iloc[0] == "0"
    # 核对原件: the chosen value's cell outlined on the page image
    chooser = next(sb for sb in at.selectbox if sb.label.startswith("选择一个数值"))
    chooser.select("applications.granted.total").run()
    [image] = at.get("image")
    assert "红框：（一）予以公开·全部申请人" in image.captions[0]
