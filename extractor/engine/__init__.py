"""Engines: run the per-document function over a stream of documents.

Every engine is a *mapper* (:class:`Engine`): ``documents in input order →
DocResult in the same order``, plus a fail-fast check run where its
pipelines are built. Reading, resuming, progress and writing are shared
here, so the tables are identical whichever engine or how many workers ran
them.

- ``local``: this machine's cores (:mod:`extractor.engine.local`).
- ``dask``: a Dask distributed cluster (:mod:`extractor.engine.dask`).
"""
from __future__ import annotations

import os
import signal
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Iterator, Protocol

from ..document import Document
from ..pipeline import DocResult
from ..settings import Settings
from ..write.tables import COMMIT_EVERY

if TYPE_CHECKING:
    from ..read.tables import InputColumns

ENGINES = ("local", "dask")


@dataclass
class Summary:
    """What a run produced (the CLI prints it)."""

    documents: int = 0
    errors: int = 0
    mentions: int = 0
    records: int = 0
    skipped: int = 0
    # error reason → (count, first source with it)
    reasons: dict[str, list] = field(default_factory=dict)
    # files in the input folders of a type not read, by suffix
    skipped_types: Counter[str] = field(default_factory=Counter)

    def add(self, res: DocResult) -> None:
        self.documents += 1
        failed = res.document["status"] != "ok"
        self.errors += failed
        self.mentions += len(res.mentions)
        self.records += len(res.records)
        if failed:
            seen = self.reasons.setdefault(str(res.document["error"]), [0, str(res.document["source"])])
            seen[0] += 1

    def line(self) -> str:
        resumed = f" (resumed: {self.skipped} already written)" if self.skipped else ""
        return (f"{self.documents} documents ({self.documents - self.errors} ok, {self.errors} error), "
                f"{self.mentions} mentions, {self.records} records{resumed}")

    def details(self, top: int = 5) -> list[str]:
        """Lines after :meth:`line`: the ``top`` error reasons with their
        counts and a file that has each, and the files skipped for their type."""
        out = []
        ranked = sorted(self.reasons.items(), key=lambda kv: -kv[1][0])
        for reason, (count, source) in ranked[:top]:
            where = f" ({source})" if count == 1 else f" (first: {source})"
            out.append(f"  error ×{count}: {reason}{where}")
        if len(ranked) > top:
            rest = sum(count for _, (count, _) in ranked[top:])
            out.append(f"  … and {rest} more error rows of {len(ranked) - top} other reasons "
                       f"(see the error column of documents)")
        if self.skipped_types:
            from ..read import SUFFIXES

            kinds = ", ".join(f"{n} {suffix}" for suffix, n in self.skipped_types.most_common())
            n = sum(self.skipped_types.values())
            out.append(f"  skipped {n} file{'s' if n > 1 else ''} of a type not read ({kinds}); "
                       f"read are: {' '.join(sorted(SUFFIXES))}")
        return out


class Engine(Protocol):
    """What :func:`run_to` needs of an engine."""

    def check(self) -> None:
        """Fail fast on broken rules or a missing model, where the pipelines
        are built, before any output is opened."""

    def map(self, docs: Iterable[Document]) -> Iterator[DocResult]:
        """Per-document results of ``docs``, in input order."""

    def close(self) -> None:
        """Release workers and connections."""


def open_engine(settings: Settings, workers: int = 1, engine: str = "local",
                scheduler: str | None = None) -> Engine:
    """The engine ``engine`` for ``settings``; close it when done."""
    if engine == "local":
        from .local import open_local

        return open_local(settings, workers)
    if engine == "dask":
        from .dask import DaskEngine

        return DaskEngine(settings, scheduler=scheduler, workers=workers)
    raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")


def map_documents(docs: Iterable[Document], settings: Settings, workers: int = 1,
                  engine: str = "local", scheduler: str | None = None) -> Iterator[DocResult]:
    """Per-document results of ``docs``, in input order, on ``engine``."""
    opened = open_engine(settings, workers, engine, scheduler)

    def results() -> Iterator[DocResult]:
        try:
            yield from opened.map(docs)
        finally:
            opened.close()

    return results()


def run_to(outdir: str | os.PathLike, inputs: Iterable, settings: Settings | None = None,
           fmt: str = "csv", workers: int = 1, resume: bool = False, progress: bool = False,
           engine: str = "local", scheduler: str | None = None,
           checkpoint_every: float = COMMIT_EVERY, overwrite: bool = False,
           columns: "InputColumns | None" = None, excel_csv: bool = False) -> Summary:
    """Read ``inputs``, process them on ``engine`` and write the three tables
    into ``outdir`` as they come; ``resume`` continues an earlier run there,
    from its last checkpoint (one every ``checkpoint_every`` seconds), and
    ``overwrite`` replaces whatever tables it holds. ``columns`` names the
    fields of JSONL and CSV inputs (and those kept in ``documents``);
    ``excel_csv`` writes CSV with a byte-order mark.

    The folder is claimed first (one run per folder; see
    :class:`~extractor.write.TableWriter` for what is refused and why), so a
    refused run starts no worker. In the main thread, SIGINT and SIGTERM
    stop the run between two documents with a checkpoint and raise
    :class:`~extractor.engine.stop.Interrupted` carrying the summary so far.
    """
    from ..read import iter_documents
    from ..read.tables import DEFAULT_COLUMNS
    from ..write import TableWriter
    from .progress import Progress
    from .stop import Interrupted, StopSignals

    settings = settings or Settings()
    columns = columns or DEFAULT_COLUMNS
    summary = Summary()
    with StopSignals() as stop:
        writer = TableWriter(outdir, fmt, resume=resume, commit_every=checkpoint_every, overwrite=overwrite,
                             inputs=inputs, keep=columns.kept_columns(), excel_csv=excel_csv,
                             options=settings.row_options())
        try:
            mapper = open_engine(settings, workers, engine, scheduler)
            try:
                mapper.check()
                with writer:
                    docs: Iterator[Document] = iter_documents(inputs, columns, summary.skipped_types)
                    if writer.done:
                        docs = _skip_done(docs, writer.done, summary)
                    with Progress(enabled=progress, total=None) as bar:
                        for res in mapper.map(docs):
                            with stop.deferred():
                                writer.write([res.document], res.mentions, res.records)
                                summary.add(res)
                                bar.update(res.document["status"] != "ok")
                                writer.maybe_commit()
            finally:
                mapper.close()
        except KeyboardInterrupt as e:
            # A worker's own KeyboardInterrupt (Ctrl-C before it could
            # ignore it) stops the run as the parent's would.
            stopped = e if isinstance(e, Interrupted) else Interrupted(signal.SIGINT)
            stopped.summary = summary
            if stopped is e:
                raise
            raise stopped from e
        finally:
            writer.release()
    return summary


def _skip_done(docs: Iterator[Document], done: "dict[tuple[str, str], int]", summary: Summary) -> Iterator[Document]:
    """Documents not yet written, matched by (source, doc_id) with their
    multiplicity, so a resumed run writes exactly the rest."""
    left = dict(done)
    for doc in docs:
        key = (doc.source, doc.doc_id)
        if left.get(key, 0) > 0:
            left[key] -= 1
            summary.skipped += 1
            continue
        yield doc
