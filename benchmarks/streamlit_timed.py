"""`streamlit run` with server-side timing, for benchmarks/page_loads.py (no file of the checkout is changed).

    python benchmarks/streamlit_timed.py run app.py --server.port 8600 ...     (cwd = the checkout)

Environment:
  SPEED_LOG      JSON-lines file: one line per script run (page, wall-clock start/end, seconds, bytes sent
                 per element type, number of messages), plus 'boot' and 'first_run' events.
  SPEED_PROFILE  a folder: every script run is profiled with pyinstrument (text + .pyisession per run).
"""
from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections import Counter

BOOT = time.time()
LOG = os.environ.get("SPEED_LOG")
PROFILE = os.environ.get("SPEED_PROFILE")
_lock = threading.Lock()
_local = threading.local()


def _write(event: dict) -> None:
    if not LOG:
        return
    with _lock, open(LOG, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(event, ensure_ascii=False) + "\n")


def _install() -> None:
    from streamlit.runtime.scriptrunner import script_runner as sr
    from streamlit.runtime.scriptrunner_utils import script_run_context as src

    original_exec = sr.exec_func_with_error_handling
    original_enqueue = src.ScriptRunContext.enqueue
    first = {"done": False}

    def enqueue(self, msg):  # bytes per element type, as the browser will receive them
        stats = getattr(_local, "stats", None)
        if stats is not None:
            t = time.perf_counter()
            original_enqueue(self, msg)
            stats["enqueue_s"] += time.perf_counter() - t
            kind = msg.WhichOneof("type")
            if kind == "delta":
                d = msg.delta
                sub = d.WhichOneof("type")
                if sub == "new_element":
                    kind = "el:" + d.new_element.WhichOneof("type")
                else:
                    kind = "delta:" + str(sub)
            stats["bytes"][kind] += msg.ByteSize()
            stats["count"][kind] += 1
            return None
        return original_enqueue(self, msg)

    def timed_exec(func, ctx):
        _local.stats = {"bytes": Counter(), "count": Counter(), "enqueue_s": 0.0}
        profiler = None
        if PROFILE:
            from pyinstrument import Profiler
            profiler = Profiler(interval=0.0005, async_mode="disabled")
            profiler.start()
        start_wall, start, cpu = time.time(), time.perf_counter(), time.thread_time()
        try:
            return original_exec(func, ctx)
        finally:
            took = time.perf_counter() - start
            cpu = time.thread_time() - cpu
            page = ""
            try:
                info = ctx.pages_manager.get_pages().get(ctx.page_script_hash) or {}
                page = os.path.relpath(str(info.get("script_path", "")), os.getcwd())
            except Exception:  # noqa: BLE001
                pass
            stats = _local.stats
            _local.stats = None
            event = {"event": "run", "page": page, "query": getattr(ctx, "query_string", ""),
                     "session": ctx.session_id, "start": start_wall, "end": start_wall + took, "seconds": took, "cpu": cpu,
                     "enqueue_s": stats["enqueue_s"], "bytes": dict(stats["bytes"]), "msgs": dict(stats["count"])}
            if profiler is not None:
                profiler.stop()
                os.makedirs(PROFILE, exist_ok=True)
                name = f"{os.path.basename(page) or 'page'}_{int(start_wall * 1000)}"
                with open(os.path.join(PROFILE, name + ".txt"), "w", encoding="utf-8") as fh:
                    fh.write(profiler.output_text(unicode=True, color=False, show_all=False))
                profiler.last_session.save(os.path.join(PROFILE, name + ".pyisession"))
                event["profile"] = name
            if not first["done"]:
                first["done"] = True
                event["first"] = True
                event["since_boot"] = time.time() - BOOT
            _write(event)

    sr.exec_func_with_error_handling = timed_exec
    src.ScriptRunContext.enqueue = enqueue


if __name__ == "__main__":
    sys.path.insert(0, os.getcwd())  # as `python -m streamlit` does: the checkout's modules import
    _write({"event": "boot", "time": BOOT})
    _install()
    _write({"event": "imported_streamlit", "time": time.time()})
    from streamlit.web import cli

    sys.argv = ["streamlit", *sys.argv[1:]]
    sys.exit(cli.main())
