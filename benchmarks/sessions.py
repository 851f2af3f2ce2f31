"""Ten officials at once: N sessions on one `streamlit run` server over the 20,000-report provincial library,
each opening every page `--rounds` times; then the same again while one more session (a chromium tab) uploads
a long PDF. Prints the server's own render time per page run (p50/p95, from benchmarks/streamlit_timed.py
around each script run), errors, and the server's peak memory.

    python benchmarks/sessions.py [--sessions 10] [--rounds 2] [--upload FILE.pdf] [--db LIBRARY] [--browsers]

A session is Streamlit's own protocol over a websocket (what the officials' browsers send from their own
machines: run this page with these URL parameters), so the server's times are not those of ten chromium
tabs competing with it for this machine's two cores; --browsers opens real chromium tabs instead.

Target (issue: a provincial library): p95 ≤ 2 s with 10 sessions, no errors, and an upload in one session
does not stall the others. The library is benchmarks/provincial.py's (built there once and kept).
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from page_loads import ARGS, CHROMIUM, DONE, INIT, PAGES, Server  # noqa: E402


async def open_page(context, url: str, timeout: float = 180) -> dict:
    """Open `url` in a new tab and wait until its script has run and nothing is loading."""
    page = await context.new_page()
    await page.goto(url, wait_until="commit")
    deadline = time.time() + timeout
    r = {}
    while time.time() < deadline:
        r = await page.evaluate(DONE, None)
        if r["ran"] and r["state"] == "notRunning" and r["skeletons"] == 0:
            break
        await page.wait_for_timeout(100)
    else:
        r["timeout"] = True
    await page.close()
    return r


async def protocol_session(base: str, rounds: int, results: list) -> None:
    """One official's session as the server sees it: a websocket asking for every page in turn (a click in
    the navigation), each run to its end; an exception drawn on a page is counted."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    url = base.replace("http://", "ws://") + "/_stcore/stream"
    async with websockets.connect(url, subprotocols=["streamlit"], max_size=None) as ws:
        for _ in range(rounds):
            for name, path in PAGES.items():
                page, _, query = path.lstrip("/").partition("?")
                ask = BackMsg()
                ask.rerun_script.page_name = page
                ask.rerun_script.query_string = query + "&data=real"
                await ws.send(ask.SerializeToString())
                exceptions = 0
                while True:
                    msg = ForwardMsg()
                    msg.ParseFromString(await asyncio.wait_for(ws.recv(), timeout=600))
                    kind = msg.WhichOneof("type")
                    if kind == "delta" and msg.delta.new_element.WhichOneof("type") == "exception":
                        exceptions += 1
                    if kind == "script_finished":
                        break
                results.append({"page": name, "timeout": False, "exception": exceptions})


async def session(browser, base: str, rounds: int, results: list) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    await context.add_init_script(INIT)
    for _ in range(rounds):
        for name, path in PAGES.items():
            r = await open_page(context, base + path + "&data=real")
            results.append({"page": name, "timeout": r.get("timeout", False), "exception": r.get("exception", 0)})
    await context.close()


async def upload(browser, base: str, pdf: Path, stop: asyncio.Event, took: list) -> None:
    """Upload `pdf` again and again (each time a new copy: not a duplicate) until the browsing is done."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    n = 0
    while not stop.is_set():
        page = await context.new_page()
        await page.goto(base + "/upload?data=real")
        await page.wait_for_selector("[data-testid=stFileUploaderDropzoneInput]", state="attached", timeout=120_000)
        await page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=120_000)
        data = pdf.read_bytes() + f"\n% copy {time.time()} {n}\n".encode()  # other bytes: stored anew
        n += 1
        start = time.time()
        await page.set_input_files("[data-testid=stFileUploaderDropzoneInput]",
                                   files=[{"name": f"long-{n}.pdf", "mimeType": "application/pdf", "buffer": data}])
        # the file goes to the server when chosen; its chip spins until it is there (a click before that
        # submits the form without it)
        await page.wait_for_selector("[data-testid=stFileChip]", timeout=120_000)
        await page.wait_for_selector("[data-testid=stFileChipIconSpinner]", state="detached", timeout=120_000)
        await page.get_by_role("button", name="解析并入库").click()
        # the results' heading stays when the page is run again (the progress bar's 「完成」 does not: a note
        # that new frames are ready reruns the page)
        await page.wait_for_selector("text=结果：入库 1 份", timeout=600_000)
        took.append(time.time() - start)
        await page.close()
    await context.close()


async def phase(base: str, sessions: int, rounds: int, pdf: Path | None,
                browsers: bool) -> tuple[list, list, float, float]:
    from playwright.async_api import async_playwright
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        results: list = []
        took: list = []
        stop = asyncio.Event()
        uploader = asyncio.create_task(upload(browser, base, pdf, stop, took)) if pdf else None
        if uploader:
            await asyncio.sleep(5)  # the upload is under way before the browsing starts
        start = time.time()
        await asyncio.gather(*(session(browser, base, rounds, results) if browsers else
                               protocol_session(base, rounds, results) for _ in range(sessions)))
        end = time.time()
        stop.set()
        if uploader:
            await uploader
        await browser.close()
    return results, took, start, end


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else float("nan")


def report(title: str, server: Server, start: float, end: float, results: list, took: list) -> None:
    runs = [r for r in server.runs() if start <= r["start"] <= end]
    seconds = [r["seconds"] for r in runs]
    print(f"\n{title}: {len(runs)} page runs in {end - start:.0f} s; server render time p50 {percentile(seconds, .5):.2f} s, "
          f"p95 {percentile(seconds, .95):.2f} s, max {max(seconds, default=float('nan')):.2f} s; "
          f"timeouts {sum(r['timeout'] for r in results)}, pages with an exception {sum(r['exception'] > 0 for r in results)}")
    if took:
        print(f"  upload of the long PDF meanwhile: {len(took)}× , median {statistics.median(took):.1f} s")
    print(f"  {'page':14s} {'runs':>5s} {'p50':>6s} {'p95':>6s}")
    for page in sorted({r["page"] for r in runs}):
        s = [r["seconds"] for r in runs if r["page"] == page]
        print(f"  {page:28s} {len(s):5d} {percentile(s, .5):6.2f} {percentile(s, .95):6.2f}")


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--upload", type=Path, help="a long PDF one more session uploads during the second phase")
    ap.add_argument("--db", type=Path, help="the library (default: benchmarks/provincial.py's 20,000 reports)")
    ap.add_argument("--reports", type=int, default=20_000)
    ap.add_argument("--browsers", action="store_true", help="chromium tabs instead of protocol sessions")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sessions"))
    db = args.db
    if db is None:
        import provincial
        keep = Path(tempfile.gettempdir()) / "govreport_provincial"
        keep.mkdir(exist_ok=True)
        db = provincial.library(args.reports, keep)
    if args.upload:  # the uploads go into a copy: the kept library stays the 20,000 generated reports
        import shutil
        db = Path(shutil.copy(db, work / db.name))
    server = Server(ROOT, db, work / "speed.jsonl", extra_env={"GOVREPORT_DATA": "real"})
    try:
        t = time.time()
        asyncio.run(phase(server.url, 1, 1, None, True))  # warms the caches, as the first visitor does
        print(f"server up in {server.ready:.1f} s; one session through every page in {time.time() - t:.0f} s; "
              f"first page run on the server {server.runs()[0]['seconds']:.2f} s")
        results, took, start, end = asyncio.run(phase(server.url, args.sessions, args.rounds, None, args.browsers))
        kind = "chromium tabs" if args.browsers else "sessions (protocol)"
        report(f"{args.sessions} {kind} × {args.rounds} rounds of {len(PAGES)} pages", server, start, end, results, took)
        if args.upload:
            results, took, start, end = asyncio.run(phase(server.url, args.sessions, args.rounds, args.upload,
                                                          args.browsers))
            report(f"the same while one more session uploads {args.upload.name}", server, start, end, results, took)
        print(f"\nserver peak memory {peak_rss_mb(server.proc.pid):.0f} MB")
    finally:
        server.stop()
        if args.upload:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
