"""Per-document limits: a pathological document becomes an error row
instead of a stalled batch."""
from __future__ import annotations

import signal
import threading
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
    extractor has to poll a clock. Signals reach only the main thread; in
    other threads (Dask's workers) the block runs unlimited and the size
    limit is what bounds it. C code that never returns to the interpreter
    (a catastrophic regular expression) is not interrupted: that is why the
    rules' patterns are tested for linear time (tests/test_regex_safety.py).
    """
    if not _can_alarm():
        yield
        return

    def _expire(signum: int, frame: object) -> None:
        raise DocumentTooSlow(f"took longer than {seconds:g} s (limit: --max-seconds)")

    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
