"""The local engine: this machine's cores, output in input order.

Documents are read in the parent, sent to worker processes in small chunks
and their results taken back in submission order, with a bounded number of
chunks in flight, so memory stays flat however long the input is (unlike
``Pool.imap``, whose feeder thread reads the whole input ahead).

A worker that dies (killed, out of memory, a crash in native code) does not
stop the batch: its chunk is re-run one document at a time in a fresh pool,
and a document that kills a worker again becomes an error row.
"""
from __future__ import annotations

import signal
from collections import deque
from contextlib import nullcontext
from typing import TYPE_CHECKING, ContextManager, Iterable, Iterator

from ..document import Document
from ..pipeline import DocResult, Pipeline, error_result, pipeline_for, process_batch
from ..settings import Settings

if TYPE_CHECKING:
    import multiprocessing.context
    import threading
    from concurrent.futures import Future, ProcessPoolExecutor

# multiprocessing and concurrent.futures' process pool (20 ms of imports)
# are imported by the pool only: one worker never uses them.

# A chunk is sent once it holds this many documents or characters: enough to
# amortize the round trip (about a millisecond), small enough (~0.1 s of
# work) that the last chunks leave no core idle for long at the end.
CHUNK_DOCS = 32
CHUNK_CHARS = 50_000
# Chunks in flight per worker: enough to hide the parent's reading and writing.
IN_FLIGHT = 3


def open_local(settings: Settings, workers: int = 1) -> "InProcess | _Pool":
    """The engine for ``workers`` processes: this one, or a pool of workers
    whose server starts now, so that its imports and jieba's dictionaries
    load while the caller does its own set-up."""
    return InProcess(settings) if workers <= 1 else _Pool(settings, workers)


class InProcess:
    """One worker: this process."""

    def __init__(self, settings: Settings):
        self.settings = settings

    def check(self) -> None:
        """Build the pipeline: broken rules or a missing model raise here."""
        pipeline_for(self.settings)

    def map(self, docs: Iterable[Document]) -> Iterator[DocResult]:
        pipeline = pipeline_for(self.settings)
        with _one_blas_thread(pipeline):
            for doc in docs:
                yield pipeline.process(doc)

    def close(self) -> None:
        pass


def _chunks(docs: Iterable[Document]) -> Iterator[list[Document]]:
    chunk: list[Document] = []
    size = 0
    for doc in docs:
        chunk.append(doc)
        size += len(doc.raw)
        if len(chunk) >= CHUNK_DOCS or size >= CHUNK_CHARS:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


# ---------------------------------------------------------------- in the workers
_READY: set[Settings] = set()


def _ready(settings: Settings) -> None:
    """This worker's pipeline for ``settings``, built on its first task (not in
    a pool initializer, whose exceptions reach the parent only as a broken
    pool): a broken rules file or model then raises its own error there."""
    if settings not in _READY:
        _one_blas_thread(pipeline_for(settings))  # for the worker's life
        _READY.add(settings)


def _leave_interrupts_to_the_parent() -> None:
    """Workers ignore Ctrl-C: a terminal sends SIGINT to the whole process
    group, and the parent stops the run at a checkpoint and ends the
    workers itself (a worker's KeyboardInterrupt would print a traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _process_chunk(settings: Settings, chunk: list[Document]) -> list[DocResult]:
    _ready(settings)
    return process_batch(settings, chunk)


def _one_blas_thread(pipeline: Pipeline | None = None) -> ContextManager:
    """One BLAS thread in this process (the model's matrix products), until
    the returned limit is restored or left as a context manager: parallelism
    here is one process per core, and BLAS threads on top of that fight the
    other workers for the same cores. Called after the pipeline is built,
    since a limit binds only the BLAS libraries already loaded. Nothing for
    a ``pipeline`` without a model (the rule method multiplies no matrices):
    threadpoolctl's import and library scan cost 7 ms."""
    if pipeline is not None and pipeline.model is None:
        return nullcontext()
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


# ---------------------------------------------------------------- in the parent
def _context() -> multiprocessing.context.BaseContext:
    import multiprocessing

    context = multiprocessing.get_context(_start_method())
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(["extractor.engine.preload"])
    return context


def _start_method() -> str:
    # Not fork: a child forked after the parent has used the Rust OpenCC
    # deadlocks in its first conversion (its locks are copied held, the
    # threads holding them are not). forkserver children start from a clean
    # process that has only imported the package; each builds its pipeline.
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return "forkserver" if "forkserver" in methods else "spawn"


class _Pool:
    """Worker processes; the parent only reads, sends, receives and writes
    (it never builds a pipeline, so never loads the model it would not use)."""

    def __init__(self, settings: Settings, workers: int):
        self.settings = settings
        self.workers = workers
        self.executor: ProcessPoolExecutor | None = None
        self.context = _context()
        if self.context.get_start_method() == "forkserver":
            from multiprocessing import forkserver

            forkserver.ensure_running()

    def check(self) -> None:
        """Build the pipeline in the workers and wait: broken rules or a
        missing model raise here with their own message. One task per worker
        starts them all now (the pool spawns a process for each task that
        finds none idle), so they build at the same time, and each keeps its
        pipeline for the chunks that follow."""
        executor = self._executor()
        for future in [executor.submit(_ready, self.settings) for _ in range(self.workers)]:
            future.result()

    def close(self) -> None:
        self._restart()

    def _executor(self) -> ProcessPoolExecutor:
        from concurrent.futures import ProcessPoolExecutor

        if self.executor is None:
            self.executor = ProcessPoolExecutor(self.workers, mp_context=self.context,
                                                initializer=_leave_interrupts_to_the_parent)
        return self.executor

    def _restart(self, wait: bool = False) -> None:
        """Shut the pool down: after a finished run, waiting for its idle
        workers; otherwise (broken, interrupted, abandoned) ending them."""
        executor, self.executor = self.executor, None
        if executor is None:
            return
        # The manager thread's own references, taken before shutdown() drops
        # the executor's: the same dict the manager joins its workers from.
        processes = getattr(executor, "_processes", None) or {}
        manager = getattr(executor, "_executor_manager_thread", None)
        executor.shutdown(wait=wait, cancel_futures=True)
        if not wait:
            _end(processes, manager)

    def _submit(self, chunk: list[Document]) -> Future:
        from concurrent.futures import Future
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self._executor().submit(_process_chunk, self.settings, chunk)
        except BrokenProcessPool as e:
            # A worker died while we were still sending: this chunk fails like
            # those in flight, and is re-run when its turn comes in _collect.
            failed: Future = Future()
            failed.set_exception(e)
            return failed

    def map(self, docs: Iterable[Document]) -> Iterator[DocResult]:
        window: deque[tuple[list[Document], Future]] = deque()
        try:
            for chunk in _chunks(docs):
                window.append((chunk, self._submit(chunk)))
                if len(window) >= self.workers * IN_FLIGHT:
                    yield from self._collect(window)
            while window:
                yield from self._collect(window)
            # Every chunk is back: the workers are idle, and waiting for them
            # to exit costs nothing. Leaving them to exit on their own races
            # with the interpreter's exit hook in concurrent.futures (Python
            # 3.11: _python_exit wakes a pipe the manager thread may be
            # closing), which can print a traceback after a finished run.
            self._restart(wait=True)
        finally:
            self._restart()

    def _collect(self, window: deque[tuple[list[Document], Future]]) -> list[DocResult]:
        from concurrent.futures.process import BrokenProcessPool

        chunk, future = window.popleft()
        try:
            return future.result()
        except BrokenProcessPool:
            pass
        # The pool is gone with every chunk in flight: re-run this chunk one
        # document at a time, then resubmit the rest of the window.
        self._restart()
        results = [self._isolated(doc) for doc in chunk]
        for i, (c, _) in enumerate(window):
            window[i] = (c, self._submit(c))
        return results

    def _isolated(self, doc: Document) -> DocResult:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self._submit([doc]).result()[0]
        except BrokenProcessPool:
            self._restart()
            return error_result(doc.fail("worker process died while processing this document"))


# Long enough for the manager thread to fail the pending futures and join
# its workers once they are dead; only a bug elsewhere makes it wait longer.
MANAGER_JOIN_SECONDS = 10.0


def _end(processes: dict, manager: "threading.Thread | None") -> None:
    """Kill a discarded pool's workers and wait for its manager thread.

    A submit that races with a worker's death can start a new worker after
    the manager has terminated the old ones (Python 3.11: submit checks
    ``_broken`` before the manager sets it; upstream's later fix is
    gh-119592's ``_force_shutting_down``). That worker waits for a task that
    never comes, the manager waits in ``join()`` for it, and the
    interpreter's exit hook waits for the manager: the run is done but the
    process never exits. Only this thread submits, so once it is here no
    worker can start any more, and killing every one of them (the results
    they hold are already lost or not wanted) lets the manager finish."""
    for process in list(processes.values()):
        try:
            process.kill()
        except (AttributeError, OSError, ValueError):
            pass  # never started, already reaped, or closed
    if manager is not None and manager.is_alive():
        manager.join(MANAGER_JOIN_SECONDS)
