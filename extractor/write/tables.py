"""Streaming table writers and the reader of the project's own tables.

Rows are written as they come (memory does not grow with the corpus) to a
temporary file beside the target, renamed into place when the run closes,
so an interrupted run never leaves a table that looks complete.

Every file of the tables is opened here with the built-in ``open`` (Parquet
too: pyarrow writes into a Python file object), so an ``OSError`` from any
write is one the writer can name, and one the tests can simulate.
"""
from __future__ import annotations

import csv
import json
import os
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from ..schema import DATE, FLOAT, INT, TABLES, dtype, typed_frame
from .cells import day, text_cell, typed_value
from .errors import OutputError, writing
from .folder import (FORMATS, STATE_FILE, OutputFolder, finished_tables, inputs_record, merging_path, partial_path, remove,
                     table_path)
from .guard import guard, unguard

if TYPE_CHECKING:  # pandas loads only where tables are read back, not on the write path
    import pandas as pd



class _TextSink:
    """CSV or JSONL rows appended to one file; a checkpoint is a byte offset."""

    def __init__(self, path: Path, name: str, columns: list[str], offset: int | None = None):
        self.name, self.columns = name, columns
        if offset is None:
            self.f = open(path, "w", encoding="utf-8", newline="")
            self.start()
        else:
            with open(path, "r+b") as raw:
                raw.truncate(offset)
            self.f = open(path, "a", encoding="utf-8", newline="")

    def start(self) -> None:
        """Whatever a new file begins with."""

    def checkpoint(self) -> int:
        self.f.flush()
        return self.f.tell()

    def close(self) -> None:
        self.f.close()

    def abandon(self) -> None:
        """Close after a failure: rows not yet on disk lie past the last
        checkpoint, which --resume cuts back to anyway."""
        try:
            self.f.close()
        except OSError:
            pass


class _CsvSink(_TextSink):
    # UTF-8 with a byte-order mark (--excel-csv), so Excel opens it as UTF-8.
    bom = False

    def __init__(self, path: Path, name: str, columns: list[str], offset: int | None = None):
        super().__init__(path, name, columns, offset)
        self.w = csv.writer(self.f)

    def start(self) -> None:
        if self.bom:
            self.f.write("\ufeff")
        csv.writer(self.f).writerow(self.columns)

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        # Most cells are already text: they skip text_cell (str(v) of a str is v).
        self.w.writerows([guard(v if type(v) is str else text_cell(v)) for v in map(r.get, self.columns)]
                         for r in rows)


class _ExcelCsvSink(_CsvSink):
    bom = True


class _JsonlSink(_TextSink):
    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        for r in rows:
            line = {c: typed_value(r.get(c), self.name, c) for c in self.columns}
            self.f.write(json.dumps(line, ensure_ascii=False) + "\n")


class _ParquetSink:
    """Parquet written as numbered pieces (one per flush) in a folder beside
    the target, merged into one file at close; a checkpoint is a piece count.
    Pieces, unlike one open Parquet file, survive a killed run intact."""

    def __init__(self, path: Path, name: str, columns: list[str], offset: int | None = None):
        import pyarrow as pa

        self.pa = pa
        self.name = name
        self.columns = columns
        self.schema = pa.schema([(c, _arrow_type(pa, name, c)) for c in self.columns])
        self.dir = path
        if offset is None and self.dir.exists():
            remove(self.dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.pieces = offset or 0
        for extra in self._piece_paths()[self.pieces:]:
            extra.unlink()
        self.buffer: list[dict[str, Any]] = []

    def _piece_paths(self) -> list[Path]:
        return sorted(self.dir.glob("*.parquet"))

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        self.buffer.extend(rows)
        if len(self.buffer) >= 5000:
            self._flush()

    def _flush(self) -> None:
        if not self.buffer:
            return
        import pyarrow.parquet as pq

        cols = {c: [_parquet_value(r.get(c), self.name, c) for r in self.buffer] for c in self.columns}
        piece = self.dir / f"{self.pieces:08d}.parquet"
        tmp = piece.with_suffix(".tmp")
        with open(tmp, "wb") as f:
            pq.write_table(self.pa.table(cols, schema=self.schema), f)
        os.replace(tmp, piece)
        self.pieces += 1
        self.buffer = []

    def checkpoint(self) -> int:
        self._flush()
        return self.pieces

    def close(self) -> None:
        self._flush()

    def abandon(self) -> None:
        """Drop the rows not yet in a piece (past the last checkpoint)."""
        self.buffer = []

    def finish(self, target: Path) -> None:
        """Merge the pieces, one at a time, into ``target``."""
        import pyarrow.parquet as pq

        tmp = merging_path(target.parent, self.name, "parquet")
        with open(tmp, "wb") as f, pq.ParquetWriter(f, self.schema) as writer:
            for piece in self._piece_paths():
                writer.write_table(pq.read_table(piece, schema=self.schema))
        os.replace(tmp, target)
        remove(self.dir)


def _arrow_type(pa: Any, table: str, column: str) -> Any:
    return {INT: pa.int64(), FLOAT: pa.float64(), DATE: pa.date32()}.get(dtype(table, column), pa.string())


def _parquet_value(v: Any, table: str, column: str) -> Any:
    """A cell as Parquet stores it: :func:`typed_value`, days as dates."""
    value = typed_value(v, table, column)
    return day(value) if dtype(table, column) == DATE else value


# xlsx tables grow as CSV partials; the workbook is built from them at close.
_SINKS = {"csv": _CsvSink, "jsonl": _JsonlSink, "parquet": _ParquetSink, "xlsx": _CsvSink}
# Default seconds between checkpoints: a killed run loses at most this much
# work; each checkpoint costs a flush and a small file write.
COMMIT_EVERY = 1.0


class TableWriter:
    """Writes documents/mentions/records incrementally into ``outdir``.

    Creating the writer claims the folder (:class:`~extractor.write.folder.OutputFolder`):
    one writer per folder, and a finished run, an interrupted one or tables
    of another format there are refused unless ``resume`` (continue, or add
    new documents) or ``overwrite`` (remove them first) says otherwise;
    nothing is written yet. Entering it (or :meth:`open`) opens the tables.

    Tables grow in hidden ``.NAME.FORMAT.partial`` files and are renamed into
    place by :meth:`close`, so an interrupted run never leaves a table that
    looks complete. Every ``commit_every`` seconds (default
    :data:`COMMIT_EVERY`) the writer records in
    ``.extractor-progress.json`` how far each partial table is consistent;
    ``resume=True`` cuts the partials back to that point (or reopens the
    finished tables of a complete run) and :attr:`done` tells which
    documents are already written; ``inputs`` (the run's input paths) are
    recorded there, so that a run over other inputs does not resume it.
    An ``OSError`` while writing raises
    :class:`~extractor.write.errors.WriteFailed` and leaves the last
    checkpoint standing, so ``resume`` then continues from it.

    ``keep`` names columns added to ``documents`` after the spec's (input
    columns kept, see :func:`extractor.schema.kept_name`); a resumed run
    must keep the same. ``excel_csv`` begins each CSV with a byte-order
    mark, so Excel reads it as UTF-8. ``xlsx`` writes one workbook
    (:mod:`extractor.write.excel`) when the run ends.
    """

    def __init__(self, outdir: os.PathLike | str, fmt: str = "csv", resume: bool = False,
                 commit_every: float = COMMIT_EVERY, overwrite: bool = False,
                 inputs: Iterable[Any] | None = None, keep: Iterable[str] = (),
                 excel_csv: bool = False, options: dict[str, Any] | None = None):
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        if resume and overwrite:
            raise ValueError("--resume and --overwrite exclude each other")
        if excel_csv and fmt != "csv":
            raise ValueError(f"--excel-csv applies to --format csv, not {fmt}")
        self.outdir = Path(outdir)
        self.fmt = fmt
        keep = list(keep)
        self.columns = {name: cols + (keep if name == "documents" else []) for name, cols in TABLES.items()}
        self.sink_class = _ExcelCsvSink if excel_csv else _SINKS[fmt]
        self.resume, self.overwrite = resume, overwrite
        self.commit_every = commit_every
        self.paths = {name: table_path(self.outdir, name, fmt) for name in TABLES}
        self.tmp = {name: partial_path(self.outdir, name, fmt) for name in TABLES}
        self.state = self.outdir / STATE_FILE
        self.sinks: dict[str, Any] = {}
        self.done: Counter[tuple[str, str]] = Counter()
        # False while a document's rows are half written: no checkpoint then.
        self.whole = True
        self.inputs = inputs_record(inputs)
        self.options = None if options is None else {**options, "keep": keep}
        self.folder = OutputFolder(self.outdir, fmt, resume=resume, overwrite=overwrite, inputs=self.inputs,
                                   options=self.options)

    def open(self) -> "TableWriter":
        """Open the tables (cut back to the last checkpoint under ``resume``)."""
        try:
            if self.overwrite:
                with writing(self.outdir):
                    self.folder.clear()
            offsets = self._resume_offsets() if self.resume else None
            for name in TABLES:
                with writing(self.tmp[name]):
                    self.sinks[name] = self.sink_class(self.tmp[name], name, self.columns[name],
                                                       None if offsets is None else offsets[name])
            if offsets is not None:
                self._check_columns()
                self.done = self._written_documents()
            self.commit()
        except BaseException:
            self._abandon()
            raise
        return self

    def _resume_offsets(self) -> dict[str, int] | None:
        """Where each table stands, from the checkpoint or the finished tables."""
        if self.folder.state is not None:
            offsets = dict(self.folder.state)
            for name in TABLES:  # renamed into place by an interrupted close(): whole
                # (an xlsx workbook is rebuilt from its partials at close)
                if self.fmt != "xlsx" and self.paths[name].exists():
                    offsets[name] = self._reopen(name)
            return offsets
        if all(p.exists() for p in self.paths.values()):
            return {name: self._reopen(name) for name in TABLES}
        return None  # nothing committed yet: start afresh

    def _reopen(self, name: str) -> int:
        """Turn a finished table back into a partial one; its size as an offset."""
        with writing(self.paths[name]):
            if self.fmt == "parquet":
                remove(self.tmp[name])  # pieces left by a close killed before it removed them
                self.tmp[name].mkdir(parents=True)
                os.replace(self.paths[name], self.tmp[name] / f"{0:08d}.parquet")
                return 1
            os.replace(self.paths[name], self.tmp[name])
            return self.tmp[name].stat().st_size

    def _check_columns(self) -> None:
        """Refuse to resume tables whose documents columns are not this run's
        (other --keep-columns), which would mix two headers in one file."""
        have = _header(self.tmp["documents"], self.fmt)
        if have is not None and have != self.columns["documents"]:
            extra = [c for c in have if c not in TABLES["documents"]]
            raise OutputError(f"{self.outdir} was written keeping other input columns "
                              f"({', '.join(extra) or 'none'}); --resume must keep the same "
                              f"(--keep-columns), or add --overwrite to start again")

    def _written_documents(self) -> Counter[tuple[str, str]]:
        sink = self.sinks["documents"]
        if self.fmt == "parquet":
            import pandas as pd
            import pyarrow.parquet as pq

            frames = [pq.read_table(p, columns=["source", "doc_id"]).to_pandas() for p in sink._piece_paths()]
            df = pd.concat(frames) if frames else pd.DataFrame(columns=["source", "doc_id"])
        else:
            df = read_table(self.tmp["documents"], "documents", fmt="csv" if self.fmt == "xlsx" else self.fmt)
        return Counter(zip(df["source"].astype(str), df["doc_id"].astype(str)))

    def write(self, documents: list[dict], mentions: list[dict], records: list[dict]) -> None:
        """Rows of whole documents (a checkpoint never splits a document)."""
        self.whole = False
        for name, rows in (("documents", documents), ("mentions", mentions), ("records", records)):
            with writing(self.tmp[name]):
                self.sinks[name].write(rows)
        self.whole = True

    def maybe_commit(self) -> None:
        """Checkpoint if ``commit_every`` seconds have passed."""
        if time.monotonic() - self.last_commit >= self.commit_every:
            self.commit()

    def commit(self) -> None:
        """Record that everything written so far is consistent: every table
        is flushed first, and the progress file replaced in one rename, so a
        failure anywhere here leaves the previous checkpoint standing."""
        offsets = {}
        for name, sink in self.sinks.items():
            with writing(self.tmp[name]):
                offsets[name] = sink.checkpoint()
        tmp = self.state.with_name(self.state.name + ".tmp")
        with writing(tmp):
            with open(tmp, "w", encoding="utf-8") as f:
                state = {"format": self.fmt, "offsets": offsets}
                if self.inputs is not None:
                    state["inputs"] = self.inputs
                if self.options is not None:
                    state["options"] = self.options
                f.write(json.dumps(state))
            os.replace(tmp, self.state)
        self.last_commit = time.monotonic()

    def close(self) -> None:
        """Finish the tables and move them into place. The progress file goes
        last: until then, --resume finds each table finished or partial."""
        try:
            self.commit()
            for name, sink in self.sinks.items():
                with writing(self.paths[name]):
                    sink.close()
                    if isinstance(sink, _ParquetSink):
                        sink.finish(self.paths[name])
                    elif self.fmt != "xlsx":
                        os.replace(self.tmp[name], self.paths[name])
            if self.fmt == "xlsx":
                self._finish_workbook()
                return
            with writing(self.state):
                self.state.unlink(missing_ok=True)
        finally:
            self._abandon()

    def _finish_workbook(self) -> None:
        """Build the workbook from the partials and rename it into place;
        then the progress file goes, and only then the partials: while the
        progress file stands, --resume continues from them."""
        from .excel import write_workbook

        target = self.paths["documents"]
        with writing(target):
            write_workbook(target, self.tmp, self.columns, merging_path(self.outdir, "documents", "xlsx"))
        with writing(self.state):
            self.state.unlink(missing_ok=True)
        for path in self.tmp.values():
            with writing(path):
                path.unlink(missing_ok=True)

    def release(self) -> None:
        """Let go of the output folder (the writer's :meth:`close` and an
        interrupted ``with`` block do it too)."""
        self.folder.release()

    def _abandon(self) -> None:
        for sink in self.sinks.values():
            sink.abandon()
        self.release()

    def __enter__(self) -> "TableWriter":
        return self.open()

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
            return
        try:
            # Stopped between two documents (Ctrl-C, an engine error): keep
            # that point for --resume. Not after a failed write, nor with a
            # document half written: the last checkpoint stands then.
            if self.whole and not isinstance(exc, (OSError, OutputError)):
                self.commit()
        finally:
            self._abandon()

def read_table(path: os.PathLike | str, name: str, fmt: str | None = None) -> pd.DataFrame:
    """One table as written by :class:`TableWriter`, typed (CSV guard
    undone, every unknown ``pd.NA``); ``fmt`` defaults to the file's suffix.
    Input columns kept in ``documents`` follow the spec's, as text."""
    import pandas as pd

    p = Path(path)
    cols = TABLES[name]
    fmt = fmt or p.suffix.lstrip(".")
    if fmt == "xlsx":
        from .excel import read_workbook

        return read_workbook(p)[name]
    if fmt == "parquet":
        df = pd.read_parquet(p)
    elif fmt == "jsonl":
        df = pd.read_json(p, lines=True, dtype=False, precise_float=True) if p.stat().st_size else pd.DataFrame(columns=cols)
    else:
        # utf-8-sig: a table written with --excel-csv begins with a BOM.
        df = pd.read_csv(p, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig")
        df = df.map(unguard) if len(df) else df
    columns = cols + [c for c in df.columns if c not in cols]
    return typed_frame(df.reindex(columns=columns), name, columns)


def _header(path: Path, fmt: str) -> list[str] | None:
    """The column names a partial table was written with (None if it has no
    rows to tell: a JSONL or Parquet table without rows)."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        pieces = sorted(path.glob("*.parquet"))
        return pq.read_schema(pieces[0]).names if pieces else None
    with open(path, encoding="utf-8-sig", newline="") as f:
        if fmt == "jsonl":
            line = f.readline()
            return list(json.loads(line)) if line.strip() else None
        return next(csv.reader(f), None)


def read_tables(outdir: os.PathLike | str) -> dict[str, pd.DataFrame]:
    """The three tables in ``outdir`` (whichever format they were written
    in); a folder holding tables of two formats is refused, naming them,
    rather than one of them picked."""
    d = Path(outdir)
    present = {fmt: [p.name for p in finished_tables(d, fmt)] for fmt in FORMATS}
    present = {fmt: names for fmt, names in present.items() if names}
    if len(present) > 1:
        listed = "; ".join(", ".join(names) for names in present.values())
        raise ValueError(f"{d} holds tables in {len(present)} formats ({listed}); remove those of one "
                         f"format, or write the run again with --overwrite")
    fmt = next(iter(present), FORMATS[0])
    if fmt == "xlsx":
        from .excel import read_workbook

        return read_workbook(table_path(d, "documents", fmt))
    out = {}
    for name in TABLES:
        path = table_path(d, name, fmt)
        if not path.exists():
            raise FileNotFoundError(f"no {name} table in {d}")
        out[name] = read_table(path, name)
    return out
