"""The Dask engine: the same per-document function on a Dask cluster.

Documents are read in this process, sent to the cluster in chunks (the
local engine's chunks) with a bounded number in flight, and their results
taken back in submission order: the shared writer then writes exactly the
tables the local engine writes, and memory stays flat however long the
input is.

Each worker process builds its pipeline once (:func:`pipeline_for`), from
the small :class:`Settings` object shipped with every chunk: the
``extractor`` package, and any ``--rules``/``--model`` folder given by
path, must exist on the workers (see docs/cluster.md).

Limits: ``max_chars`` applies as everywhere; ``max_seconds`` does not,
because Dask runs tasks in worker threads and the timer signal that
enforces it reaches only a process's main thread.
"""
from __future__ import annotations

import logging
import os
import time
from collections import deque
from typing import Any, Callable, Iterable, Iterator

from ..document import Document
from ..pipeline import DocResult, error_result, pipeline_for, process_batch
from ..settings import Settings
from .local import IN_FLIGHT, _chunks

# Seconds between looks at the cluster's size.
REFRESH = 5.0
# The task Dask runs (one pipeline per worker process, shared by its threads).
process_documents = process_batch


def map_dask(docs: Iterable[Document], settings: Settings, scheduler: str | None = None,
             workers: int | None = None) -> Iterator[DocResult]:
    """Results of ``docs`` in input order, computed on a Dask cluster.

    ``scheduler`` is the address of a running scheduler
    (``tcp://host:8786``); without one a :class:`distributed.LocalCluster`
    of ``workers`` single-threaded processes (default: all cores) is started
    for the run and closed at its end. The time limit (``max_seconds``) is
    not enforced on Dask workers (tasks run outside a main thread); the
    size limit (``max_chars``) is.
    """
    from distributed import Client

    cluster = None
    if scheduler is None:
        cluster = _local_cluster(workers or os.cpu_count() or 1)
        client = Client(cluster)
    else:
        try:
            client = Client(scheduler)
        except OSError as e:  # the CLI reports a ValueError as a usage error
            raise ValueError(f"cannot reach the Dask scheduler at {scheduler}: {e}") from e
    try:
        yield from _Mapper(client, settings).map(docs)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


class DaskEngine:
    """The Dask engine as :func:`extractor.engine.run_to` uses it."""

    def __init__(self, settings: Settings, scheduler: str | None = None, workers: int | None = None):
        self.settings, self.scheduler, self.workers = settings, scheduler, workers

    def check(self) -> None:
        """Build the pipeline here: the cluster's workers may be anywhere, and
        a broken rules file should stop the run before any task is sent."""
        pipeline_for(self.settings)

    def map(self, docs: Iterable[Document]) -> Iterator[DocResult]:
        return map_dask(docs, self.settings, scheduler=self.scheduler, workers=self.workers)

    def close(self) -> None:
        pass  # map_dask closes its client and cluster when its iteration ends


def _local_cluster(workers: int) -> Any:
    from distributed import LocalCluster

    # No dashboard; the scheduler's small HTTP server (health, metrics) is
    # always started: on a free port of the loopback interface, not the
    # dashboard's 8787, which a user's own cluster may hold.
    return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                        dashboard_address="127.0.0.1:0", scheduler_kwargs={"dashboard": False},
                        silence_logs=logging.ERROR)


class _Mapper:
    """A bounded, ordered window of chunk tasks on ``client``.

    A chunk whose task fails because workers kept dying under it
    (``KilledWorker``: Dask already retried it on other workers) is re-run
    one document at a time; a document that kills its worker again becomes
    an error row, as in the local engine. Other task errors (the pipeline
    cannot be built on a worker: missing rules folder, package not
    installed) stop the run: they would fail every document.
    """

    def __init__(self, client: Any, settings: Settings,
                 task: Callable[[Settings, list[Document]], list[DocResult]] = process_documents):
        self.client = client
        self.settings = settings
        self.task = task
        self.checked = -REFRESH
        self.limit = IN_FLIGHT

    def _window(self) -> int:
        """Chunks in flight: :data:`IN_FLIGHT` per worker thread, re-read
        now and then since workers may join or leave a cluster mid-run."""
        now = time.monotonic()
        if now - self.checked >= REFRESH:
            self.checked = now
            self.limit = max(1, sum(self.client.nthreads().values())) * IN_FLIGHT
        return self.limit

    def _submit(self, chunk: list[Document]) -> Any:
        # pure=False: no hashing of the documents, and two identical chunks
        # are still two tasks.
        return self.client.submit(self.task, self.settings, chunk, pure=False)

    def map(self, docs: Iterable[Document]) -> Iterator[DocResult]:
        window: deque[tuple[list[Document], Any]] = deque()
        try:
            for chunk in _chunks(docs):
                window.append((chunk, self._submit(chunk)))
                if len(window) >= self._window():
                    yield from self._collect(*window.popleft())
            while window:
                yield from self._collect(*window.popleft())
        finally:
            for _, future in window:
                future.cancel()

    def _collect(self, chunk: list[Document], future: Any) -> list[DocResult]:
        from distributed import KilledWorker

        try:
            return future.result()
        except KilledWorker:
            pass
        # One at a time: a document killing its worker then takes no
        # innocent neighbour queued on the same worker down with it.
        return [self._single(doc) for doc in chunk]

    def _single(self, doc: Document) -> DocResult:
        from distributed import KilledWorker

        try:
            return self._submit([doc]).result()[0]
        except KilledWorker:
            return error_result(doc.fail("worker process died while processing this document"))
