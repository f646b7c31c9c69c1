"""Ctrl-C and SIGTERM: stop the run between two documents, at a checkpoint.

While a run is on (:class:`StopSignals`, in the main thread), SIGINT and
SIGTERM raise :class:`Interrupted` wherever the main thread is, except
inside :meth:`StopSignals.deferred` blocks, where a document's rows are
being written: there the signal waits for the block's end, so the
checkpoint the writer then records holds whole documents only. Signals
after the first are ignored while the run winds down (it is short: one
checkpoint, the workers told to end).
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Iterator

if TYPE_CHECKING:
    from . import Summary

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """The run was stopped by ``signum``; :attr:`summary` says how far it got.

    A :class:`KeyboardInterrupt`, so callers that handle Ctrl-C already
    handle it; the CLI exits with ``128 + signum`` (130, 143)."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.summary: Summary | None = None

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


class StopSignals:
    """SIGINT and SIGTERM as :class:`Interrupted` while inside; the previous
    handlers come back on leaving. Outside the main thread (where Python
    cannot install handlers) it does nothing."""

    def __init__(self) -> None:
        self.deferring = 0
        self.pending: int | None = None
        self.previous: dict[int, Any] = {}

    def __enter__(self) -> "StopSignals":
        if threading.current_thread() is threading.main_thread():
            for sig in SIGNALS:
                self.previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self.previous.items():
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
        self.previous = {}

    def _handle(self, signum: int, frame: object) -> None:
        if self.pending is not None:
            return  # already stopping
        self.pending = signum
        if not self.deferring:
            raise Interrupted(signum)

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """A block a signal does not cut: it raises at the block's end."""
        self.deferring += 1
        try:
            yield
        finally:
            self.deferring -= 1
        if self.pending is not None and not self.deferring:
            raise Interrupted(self.pending)
