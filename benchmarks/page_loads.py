"""Time every dashboard page as a user opening a bookmarked URL sees it: a real `streamlit run` server and
Debian's chromium (playwright), from navigation start to the last change drawn on the page.

    python benchmarks/page_loads.py --checkout /work/main [--runs 5] [--cold] [--reference] [--profile DIR]
    nice -n -10 python benchmarks/page_loads.py --checkout /tmp/before --checkout /tmp/after --runs 5 --cold \
        --json out.json        # A/B, interleaved; --show out.json reprints the tables

Both library files (GOVREPORT_DB, GOVREPORT_DEMO_DB) are put in the --keep folder, never in the checkout.
On a shared, busy machine wall times move with the load (the 'load' column): compare checkouts in one
run, and read the CPU columns (scCPU server, brCPU browser main thread), which hardly move with it.

--checkout   the project to serve (default: the project this script is in); nothing in it is changed. Repeat it
             (--checkout A --checkout B) to compare: loads alternate between the servers, so a busy machine
             slows both alike.
--db         the library file (default: a fresh one per checkout in --keep/c<i>/, seeded from its
             sample_reports/ on the first start, as a user's first start is).
--cold       also time the first page after a server start: 'first start' (no library file: seeding
             parses the samples) and 'restart' (the library exists).
--reference  also time an empty Streamlit page (same config) on its own server: the fixed cost of a
             full page load (HTML, JS bundle, websocket, one empty script run).
--cache      'fresh' (default): a new browser context per load (nothing cached, like the first visit);
             'warm': one context for all loads (the browser's HTTP cache holds the JS bundle).
--profile    pyinstrument profile of every script run into DIR (slows the scripts ~10-20 %).
--data       default: the URLs as bookmarked (no ?data=: the app shows the demonstration library while the
             real one holds only the bundled samples); demo / real: add ?data=demo / ?data=real.
--pages      comma-separated subset of app,compare,trends,applications,review,fees,checks,upload,report
             (bookmarked as /<page>?year=2023); --json FILE writes all raw numbers; --show FILE reprints.

'done' = the script has finished (stApp data-test-script-state=notRunning after running), no skeleton is
left, every chart the page draws (.js-plotly-plot, or an ECharts / Vega-Lite element; counted on the warm-up
loads) has its SVG or canvas, and then
nothing in the DOM changed for QUIET ms; the time is that of the last DOM change (performance.now(), i.e.
from the navigation start). Server-side script time comes from benchmarks/streamlit_timed.py around the
page script; 'rendr' = done - script end (websocket transfer, lazy JS modules, React and chart drawing).
Needs: playwright (python), /usr/bin/chromium, pyinstrument only for --profile.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
TIMED = HERE / "streamlit_timed.py"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]
PAGES = {  # name -> bookmarked URL path (the filters a user would have in the URL)
    "app": "/?year=2023",
    "compare": "/compare?year=2023",
    "trends": "/trends?year=2023",
    "applications": "/applications?year=2023",
    "review": "/review?year=2023",
    "fees": "/fees?year=2023",
    "checks": "/checks?year=2023",
    "upload": "/upload?year=2023",
    "report": "/report?year=2023",
    "years": "/years?year=2023",
}
QUIET = 700  # ms without a DOM change after the script finished = the page is drawn

INIT = r"""
(() => {
  const T = window.__speed = {ws_open: null, ws_first: null, ws_last: null, ws_bytes: 0, ws_msgs: 0,
                              last_mut: 0, states: [], plotly_drawn: null};
  const Native = window.WebSocket;
  window.WebSocket = function (...a) {
    const ws = new Native(...a);
    ws.addEventListener('open', () => { T.ws_open = performance.now(); });
    ws.addEventListener('message', (e) => {
      const now = performance.now();
      if (T.ws_first === null) T.ws_first = now;
      T.ws_last = now; T.ws_msgs += 1;
      T.ws_bytes += (e.data && (e.data.byteLength || e.data.size || e.data.length)) || 0;
    });
    return ws;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
  const start = () => {
    new MutationObserver((list) => {
      const now = performance.now();
      for (const m of list) {
        if (m.type === 'attributes' && m.attributeName === 'data-test-script-state' && m.target.dataset) {
          T.states.push([m.target.getAttribute('data-test-script-state'), now]);
        }
      }
      T.last_mut = now;
    }).observe(document.documentElement, {subtree: true, childList: true, attributes: true, characterData: true});
  };
  if (document.documentElement) start(); else document.addEventListener('DOMContentLoaded', start);
  // a picture counts when it has loaded (its <img> element appears earlier)
  document.addEventListener('load', (e) => {
    if (e.target && e.target.tagName === 'IMG') T.last_mut = Math.max(T.last_mut, performance.now());
  }, true);
})();
"""

DONE = r"""
(expected) => {
  const T = window.__speed;
  const app = document.querySelector('[data-testid=stApp]');
  const state = app && app.getAttribute('data-test-script-state');
  const ran = T.states.some(s => s[0] === 'running');
  const plotly = [...document.querySelectorAll('.js-plotly-plot')];
  const echarts = [...document.querySelectorAll('[data-testid=stEChartsChart]')];
  const vega = [...document.querySelectorAll('[data-testid=stVegaLiteChart]')];
  const plots = [...plotly, ...echarts, ...vega];
  const drawn = plotly.filter(p => p.querySelector('.main-svg')).length
    + echarts.filter(p => p.querySelector('canvas, svg')).length
    + vega.filter(p => p.querySelector('canvas, svg')).length;
  const skeletons = document.querySelectorAll('[data-testid=stSkeleton]').length
    + [...document.images].filter(i => !i.complete).length;  // pictures still loading
  return {state, ran, plots: plots.length, drawn, skeletons, now: performance.now(), ...T,
          nav: performance.getEntriesByType('navigation')[0]?.toJSON(),
          origin: performance.timeOrigin,
          js: performance.getEntriesByType('resource').filter(r => r.name.endsWith('.js'))
                .reduce((a, r) => Math.max(a, r.responseEnd), 0),
          exception: document.querySelectorAll('[data-testid=stException]').length};
}
"""


def demo_db(db: Path) -> Path:
    return db.with_name(db.stem + "_demo.sqlite3")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, checkout: Path, db: Path | None, log: Path, profile: str | None = None,
                 script: str = "app.py", extra_env: dict | None = None, extra_args: list[str] | None = None) -> None:
        log.unlink(missing_ok=True)
        self.port = free_port()
        self.log = log
        env = dict(os.environ, SPEED_LOG=str(log), **(extra_env or {}))
        if db is not None:  # both library files outside the checkout (never data/ in it)
            env["GOVREPORT_DB"] = str(db)
            env["GOVREPORT_DEMO_DB"] = str(demo_db(db))
        if profile:
            env["SPEED_PROFILE"] = profile
        self.out = open(log.with_suffix(".out"), "ab")
        self.t0 = time.time()
        self.proc = subprocess.Popen(
            [sys.executable, str(TIMED), "run", script, "--server.headless=true", f"--server.port={self.port}",
             "--server.address=127.0.0.1", "--browser.gatherUsageStats=false", *(extra_args or [])],
            cwd=checkout, env=env, stdout=self.out, stderr=subprocess.STDOUT)
        deadline = time.time() + 90
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited; see {log.with_suffix('.out')}")
            try:
                if urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2).read() == b"ok":
                    self.ready = time.time() - self.t0
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("streamlit did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def runs(self) -> list[dict]:
        if not self.log.exists():
            return []
        return [e for e in map(json.loads, self.log.read_text(encoding="utf-8").splitlines()) if e["event"] == "run"]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.out.close()


def load_page(browser, context, url: str, expected_plots: int | None, timeout: float = 120) -> dict:
    """One bookmarked-URL load in a new page; returns the browser-side timeline (ms from navigation start)."""
    own = context is None
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}) if own else context
    if own:
        ctx.add_init_script(INIT)
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    cdp.send("Performance.enable", {"timeDomain": "threadTicks"})
    load = os.getloadavg()[0]
    wall = time.time()
    page.goto(url, wait_until="commit")
    deadline = time.time() + timeout
    r, shown = None, None
    while time.time() < deadline:
        r = page.evaluate(DONE, expected_plots)
        finished = r["ran"] and r["state"] == "notRunning" and r["skeletons"] == 0
        charts_ok = r["drawn"] == r["plots"] and (expected_plots is None or r["plots"] >= expected_plots)
        if finished and charts_ok and shown is None:
            shown = r["now"]  # everything the page shows is there (to the next 50 ms poll)
        if finished and charts_ok and r["now"] - r["last_mut"] >= QUIET:
            r["shown"] = min(shown, r["last_mut"]) if shown is not None else r["last_mut"]
            break
        page.wait_for_timeout(50)
    else:
        r["timeout"] = True
    r["wall_start"] = wall
    r["load"] = load
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    r["cpu"] = {k: metrics.get(k, 0) for k in ("ThreadTime", "ProcessTime", "ScriptDuration", "V8CompileDuration",
                                                "LayoutDuration", "RecalcStyleDuration", "TaskDuration")}
    cdp.detach()
    page.close()
    if own:
        ctx.close()
    return r


def summarise(r: dict, runs: list[dict]) -> dict:
    """Browser timeline joined with the server's script runs that happened during this load."""
    origin = r["origin"] / 1000  # epoch seconds of the navigation start (same clock as the server)
    mine = [e for e in runs if e["start"] >= origin - 0.05 and e["start"] <= origin + r["now"] / 1000]
    out = {"done": r["last_mut"] / 1000, "shown": r.get("shown", r["last_mut"]) / 1000, "timeout": r.get("timeout", False), "plots": r["plots"],
           "html": (r["nav"] or {}).get("responseEnd", 0) / 1000, "js": r["js"] / 1000,
           "ws_open": (r["ws_open"] or 0) / 1000, "ws_last": (r["ws_last"] or 0) / 1000,
           "ws_bytes": r["ws_bytes"], "exception": r["exception"], "script_runs": len(mine), "load": r["load"],
           "browser_cpu": r["cpu"]["ThreadTime"], "browser_script": r["cpu"]["ScriptDuration"],
           "browser_compile": r["cpu"]["V8CompileDuration"], "browser_layout": r["cpu"]["LayoutDuration"]
           + r["cpu"]["RecalcStyleDuration"]}
    if mine:
        out["script_start"] = mine[0]["start"] - origin
        out["script_end"] = mine[-1]["end"] - origin
        out["script"] = sum(e["seconds"] for e in mine)
        out["script_cpu"] = sum(e.get("cpu", 0) for e in mine)
        out["enqueue"] = sum(e["enqueue_s"] for e in mine)
        out["bytes"] = {}
        for e in mine:
            for k, v in e["bytes"].items():
                out["bytes"][k] = out["bytes"].get(k, 0) + v
    return out


def median_row(name: str, rows: list[dict]) -> dict:
    def med(key):
        vals = [x[key] for x in rows if key in x]
        return statistics.median(vals) if vals else float("nan")
    keys = ("done", "shown", "html", "js", "ws_open", "script_start", "script", "script_cpu", "script_end", "ws_last", "ws_bytes",
            "plots", "load", "browser_cpu", "browser_script", "browser_compile", "browser_layout")
    return {"page": name, "n": len(rows), **{k: med(k) for k in keys},
            "min": min(x["done"] for x in rows), "max": max(x["done"] for x in rows),
            "timeouts": sum(x["timeout"] for x in rows), "exceptions": sum(x["exception"] for x in rows),
            "runs_per_load": med("script_runs"), "bytes": rows[-1].get("bytes", {})}


def print_table(title: str, table: list[dict]) -> None:
    print(f"\n{title}")
    print(f"{'page':13s} {'SHOWN':>5s} {'DONE':>5s} {'min':>5s} {'max':>5s} | {'js':>5s} {'wsOpn':>5s} {'scrSt':>5s} {'scrpt':>5s}"
          f" {'scCPU':>5s} {'scEnd':>5s} {'rendr':>5s} | {'brCPU':>5s} {'brJS':>5s} {'brCmp':>5s} {'brLay':>5s} |"
          f" {'KB':>4s} {'plt':>3s} {'load':>4s}")
    for t in table:
        render = t["done"] - t["script_end"]
        print(f"{t['page']:13s} {t['shown']:5.2f} {t['done']:5.2f} {t['min']:5.2f} {t['max']:5.2f} | {t['js']:5.2f} {t['ws_open']:5.2f}"
              f" {t['script_start']:5.2f} {t['script']:5.2f} {t['script_cpu']:5.2f} {t['script_end']:5.2f} {render:5.2f} |"
              f" {t['browser_cpu']:5.2f} {t['browser_script']:5.2f} {t['browser_compile']:5.2f} {t['browser_layout']:5.2f} |"
              f" {t['ws_bytes'] / 1024:4.0f} {t['plots']:3.0f} {t['load']:4.1f}"
              + ("  TIMEOUT" if t["timeouts"] else "") + ("  EXCEPTION" if t["exceptions"] else ""))


LEGEND = """columns (seconds, medians): SHOWN = navigation start -> the script has finished and every chart is
  drawn (the page is complete to the eye; polled every 50 ms); DONE = -> last DOM change of the finished page;
  js = last JS file loaded; wsOpn = websocket open; scrSt/scEnd = page script start/end (server clock, from
  navigation start); scrpt = script wall time, scCPU = its thread CPU time; rendr = DONE - scEnd (transfer +
  React + charts); brCPU = browser main-thread CPU for the load (brJS script, brCmp V8 compile, brLay
  layout+style); KB = websocket bytes; plt = charts; load = 1-min load average when the load started"""


def reference(browser, work: Path, runs: int, cache: str) -> dict:
    """An empty page with the same config: the cost of the page load itself."""
    app = work / "empty_app"
    (app / ".streamlit").mkdir(parents=True, exist_ok=True)
    (app / "app.py").write_text("import streamlit as st\nst.set_page_config(layout='wide')\nst.title('空白')\n")
    server = Server(app, None, work / "empty.log")
    try:
        ctx = new_context(browser) if cache == "warm" else None
        load_page(browser, None, server.url + "/", 0)
        rows = [summarise(load_page(browser, ctx, server.url + "/", 0), server.runs()) for _ in range(runs)]
        return median_row("(empty page)", rows)
    finally:
        server.stop()


def new_context(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.add_init_script(INIT)
    return ctx


def cold_start(browser, checkout: Path, db: Path, work: Path, page: str, fresh_db: bool) -> list[dict]:
    """The first page after a server start: without a library file (seeding), then with it (restart)."""
    out = []
    for label in ("first start", "restart"):
        if label == "first start":
            if not fresh_db:
                continue
            for path in (db, demo_db(db)):
                for suffix in ("", "-wal", "-shm"):
                    Path(str(path) + suffix).unlink(missing_ok=True)
        log = work / f"cold_{label.replace(' ', '_')}.log"
        server = Server(checkout, db, log)
        try:
            r = load_page(browser, None, server.url + PAGES[page], None, timeout=300)
            row = summarise(r, server.runs())
            row.update(label=label, page=page, server_ready=server.ready)
            out.append(row)
            print(f"cold {label:11s}: server up in {server.ready:.2f} s; then {page} done {row['done']:.2f} s after"
                  f" opening (script {row.get('script', float('nan')):.2f} s wall / {row.get('script_cpu', float('nan')):.2f}"
                  f" s CPU, ending at {row.get('script_end', float('nan')):.2f} s; JS loaded at {row['js']:.2f} s;"
                  f" load {row['load']:.1f})")
        finally:
            server.stop()
    return out


def show(result: dict) -> None:
    if "reference" in result:
        print_table("empty Streamlit page: the fixed cost of a full page load", [result["reference"]])
    for i, (checkout, entry) in enumerate(result["checkouts"].items()):
        for row in entry.get("cold", []):
            print(f"[{i}] cold {row['label']:11s}: server up {row['server_ready']:.2f} s; {row['page']} done {row['done']:.2f} s"
                  f" (script {row.get('script', float('nan')):.2f} s wall / {row.get('script_cpu', float('nan')):.2f} s CPU,"
                  f" ends {row.get('script_end', float('nan')):.2f} s; load {row['load']:.1f})")
        if "pages" in entry:
            print_table(f"[{i}] {checkout}: {result['cache']} browser cache, median of {result['runs']}", entry["pages"])
    print("\n" + LEGEND)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkout", type=Path, action="append",
                    help="repeat to compare checkouts: their loads are interleaved, so machine noise hits all alike")
    ap.add_argument("--db", type=Path, help="library file (only with one --checkout)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--pages", default=",".join(PAGES))
    ap.add_argument("--cold", action="store_true")
    ap.add_argument("--reference", action="store_true")
    ap.add_argument("--cache", choices=("fresh", "warm"), default="fresh")
    ap.add_argument("--profile")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--keep", type=Path, help="folder for logs and libraries (default: a new temp folder)")
    ap.add_argument("--data", choices=("default", "demo", "real"), default="default",
                    help="which library the URLs show: as a bookmark without ?data= does (default), or ?data=demo|real")
    ap.add_argument("--show", type=Path, help="print the tables of an earlier --json file and exit")
    args = ap.parse_args()
    if args.show:
        show(json.loads(args.show.read_text(encoding="utf-8")))
        return
    from playwright.sync_api import sync_playwright

    checkouts = [c.resolve() for c in (args.checkout or [HERE.parent])]
    work = Path(args.keep or tempfile.mkdtemp(prefix="measure_"))
    work.mkdir(parents=True, exist_ok=True)
    names = [p for p in args.pages.split(",") if p]
    if args.data != "default":
        for name in PAGES:
            PAGES[name] += f"&data={args.data}"
    result = {"cache": args.cache, "runs": args.runs, "data": args.data, "checkouts": {}}
    print(f"logs and libraries in {work}; load average {os.getloadavg()}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        if args.reference:
            ref = reference(browser, work, args.runs, args.cache)
            result["reference"] = ref
            print_table("empty Streamlit page: the fixed cost of a full page load", [ref])
        servers = {}
        try:
            for i, checkout in enumerate(checkouts):
                sub = work / f"c{i}"
                sub.mkdir(exist_ok=True)
                db = args.db if args.db and len(checkouts) == 1 else sub / "lib.sqlite3"
                entry = result["checkouts"].setdefault(str(checkout), {})
                print(f"\n[{i}] {checkout}  library {db}")
                if args.cold:
                    entry["cold"] = cold_start(browser, checkout, db, sub, names[0], fresh_db=not args.db)
                servers[checkout] = Server(checkout, db, sub / "warm.log",
                                           profile=f"{args.profile}/c{i}" if args.profile else None)
            expected = {}
            for checkout, server in servers.items():  # warm-up: every page twice, and how many charts it draws
                for name in names:
                    r = load_page(browser, None, server.url + PAGES[name], None, timeout=300)
                    time.sleep(1.0)
                    expected[checkout, name] = r["plots"]
                for name in names:
                    r = load_page(browser, None, server.url + PAGES[name], expected[checkout, name])
                    expected[checkout, name] = max(expected[checkout, name], r["plots"])
            ctx = new_context(browser) if args.cache == "warm" else None
            raw = {(c, n): [] for c in servers for n in names}
            for _ in range(args.runs):
                for name in names:
                    for checkout, server in servers.items():
                        r = load_page(browser, ctx, server.url + PAGES[name], expected[checkout, name])
                        raw[checkout, name].append(summarise(r, server.runs()))
            for i, checkout in enumerate(servers):
                table = [median_row(n, raw[checkout, n]) for n in names]
                result["checkouts"][str(checkout)].update(pages=table, raw={n: raw[checkout, n] for n in names})
                print_table(f"[{i}] {checkout}: warm server, bookmarked URL, {args.cache} browser cache,"
                            f" median of {args.runs}", table)
            print("\n" + LEGEND)
        finally:
            for server in servers.values():
                server.stop()
        browser.close()
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1))
        print(f"\nraw numbers: {args.json}")


if __name__ == "__main__":
    main()
