"""Per-document limits: a pathological document becomes an error row
instead of a stalled batch."""
from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager
from typing import Iterator


class DocumentTooSlow(Exception):
    """Raised inside a document's processing when its time is up."""


def _can_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise :class:`DocumentTooSlow` in the block after ``seconds``.

    A real-time timer signal interrupts Python code wherever it is, so no
    extractor has to poll a clock; Python's regular-expression engine checks
    for signals as it backtracks, so a runaway pattern is stopped too. Code
    in C extensions that does not check (lxml parsing a page, OpenCC
    converting a text) finishes its call first: the size limit bounds those.
    Signals reach only the main thread; in other threads (Dask's workers)
    the block runs unlimited and the size limit is what bounds it.

    Deadlines nest: an enclosing one is put back when the block ends, with
    the time it has left (if that ran out inside the block, it fires then).
    """
    if not _can_alarm():
        yield
        return

    def _expire(signum: int, frame: object) -> None:
        raise DocumentTooSlow(f"took longer than {seconds:g} s (limit: --max-seconds)")

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, _expire)
    outer, _ = signal.getitimer(signal.ITIMER_REAL)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            # Re-arm the enclosing deadline with what is left of it (a tiny
            # positive delay when it is already past: it fires at once).
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 1e-6))
