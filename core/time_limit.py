"""The wall-clock limit of reading one file, where one can be set (the main thread of a process: the
command line and the bulk import's workers): a timer that interrupts the file's reading. A reader that
knows a file takes long by its nature (OCR: seconds a page) asks for more time, page by page.
"""
from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class TimeUp(BaseException):
    """Raised by the timer; a BaseException, so no `except Exception` of a reader swallows it."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TimeUp in this block after `seconds` (nothing is set outside a process's main thread)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def up(signum, frame):
        raise TimeUp()
    previous = signal.signal(signal.SIGALRM, up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def allow_more(seconds: float) -> None:
    """Add `seconds` to the running limit, if one runs in this thread."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        return
    remaining = signal.getitimer(signal.ITIMER_REAL)[0]
    if remaining > 0:
        signal.setitimer(signal.ITIMER_REAL, remaining + seconds)
