"""Streaming table writers and the reader of the project's own tables.

Rows are written as they come (memory does not grow with the corpus) to a
temporary file beside the target, renamed into place when the run closes,
so an interrupted run never leaves a table that looks complete.
"""
from __future__ import annotations

import csv
import json
import os
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from ..schema import FLOAT_COLUMNS, INT_COLUMNS, TABLES
from .guard import guard, unguard

if TYPE_CHECKING:  # pandas loads only where tables are read back, not on the write path
    import pandas as pd

FORMATS = ("csv", "parquet", "jsonl")


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.4g}" if v == v else ""
    return str(v)


class _TextSink:
    """CSV or JSONL rows appended to one file; a checkpoint is a byte offset."""

    def __init__(self, path: Path, name: str, offset: int | None = None):
        self.columns = TABLES[name]
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


class _CsvSink(_TextSink):
    def __init__(self, path: Path, name: str, offset: int | None = None):
        super().__init__(path, name, offset)
        self.w = csv.writer(self.f)

    def start(self) -> None:
        csv.writer(self.f).writerow(self.columns)

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        self.w.writerows([guard(_cell(r.get(c))) for c in self.columns] for r in rows)


class _JsonlSink(_TextSink):
    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        for r in rows:
            self.f.write(json.dumps({c: r.get(c, "") for c in self.columns}, ensure_ascii=False) + "\n")


class _ParquetSink:
    """Parquet written as numbered pieces (one per flush) in a folder beside
    the target, merged into one file at close; a checkpoint is a piece count.
    Pieces, unlike one open Parquet file, survive a killed run intact."""

    def __init__(self, path: Path, name: str, offset: int | None = None):
        import pyarrow as pa

        self.pa = pa
        self.name = name
        self.columns = TABLES[name]
        self.schema = pa.schema([(c, _arrow_type(pa, name, c)) for c in self.columns])
        self.dir = path
        if offset is None and self.dir.exists():
            _remove(self.dir)
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

        cols = {c: [_typed(r.get(c), self.name, c) for r in self.buffer] for c in self.columns}
        piece = self.dir / f"{self.pieces:08d}.parquet"
        tmp = piece.with_suffix(".tmp")
        pq.write_table(self.pa.table(cols, schema=self.schema), tmp)
        os.replace(tmp, piece)
        self.pieces += 1
        self.buffer = []

    def checkpoint(self) -> int:
        self._flush()
        return self.pieces

    def close(self) -> None:
        self._flush()

    def finish(self, target: Path) -> None:
        """Merge the pieces, one at a time, into ``target``."""
        import pyarrow.parquet as pq

        tmp = target.with_name(f".{target.name}.merging")
        with pq.ParquetWriter(tmp, self.schema) as writer:
            for piece in self._piece_paths():
                writer.write_table(pq.read_table(piece, schema=self.schema))
        os.replace(tmp, target)
        _remove(self.dir)


def _remove(folder: Path) -> None:
    for f in folder.iterdir():
        f.unlink()
    folder.rmdir()


def _arrow_type(pa: Any, table: str, column: str) -> Any:
    if column in INT_COLUMNS[table]:
        return pa.int64()
    if column in FLOAT_COLUMNS[table]:
        return pa.float64()
    return pa.string()


def _typed(v: Any, table: str, column: str) -> Any:
    """A cell as Parquet stores it: numbers for the typed columns (rows may
    carry them as strings), text for the rest."""
    if column in INT_COLUMNS[table] or column in FLOAT_COLUMNS[table]:
        if v in (None, ""):
            return None
        try:
            number = float(v)
        except (TypeError, ValueError):
            return None
        return int(number) if column in INT_COLUMNS[table] else number
    return _cell(v)


_SINKS = {"csv": _CsvSink, "jsonl": _JsonlSink, "parquet": _ParquetSink}
STATE_FILE = ".extractor-progress.json"
# Default seconds between checkpoints: a killed run loses at most this much
# work; each checkpoint costs a flush and a small file write.
COMMIT_EVERY = 1.0


class TableWriter:
    """Writes documents/mentions/records incrementally into ``outdir``.

    Tables grow in hidden ``.NAME.FORMAT.partial`` files and are renamed into
    place by :meth:`close`, so an interrupted run never leaves a table that
    looks complete. Every ``commit_every`` seconds (default
    :data:`COMMIT_EVERY`) the writer records in
    ``.extractor-progress.json`` how far each partial table is consistent;
    ``resume=True`` cuts the partials back to that point (or reopens the
    finished tables of a complete run) and :attr:`done` tells which
    documents are already written.
    """

    def __init__(self, outdir: os.PathLike | str, fmt: str = "csv", resume: bool = False,
                 commit_every: float = COMMIT_EVERY):
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        self.outdir = Path(outdir)
        self.outdir.mkdir(parents=True, exist_ok=True)
        self.fmt = fmt
        self.commit_every = commit_every
        self.paths = {name: self.outdir / f"{name}.{fmt}" for name in TABLES}
        self.tmp = {name: p.with_name(f".{p.name}.partial") for name, p in self.paths.items()}
        self.state = self.outdir / STATE_FILE
        offsets = self._resume_offsets() if resume else None
        self.sinks = {name: _SINKS[fmt](self.tmp[name], name, None if offsets is None else offsets[name])
                      for name in TABLES}
        self.done: Counter[tuple[str, str]] = Counter()
        if offsets is not None:
            self.done = self._written_documents()
        self.last_commit = time.monotonic()
        self.commit()

    def _resume_offsets(self) -> dict[str, int] | None:
        """Where each table stands, from the state file or the finished tables."""
        if self.state.exists():
            state = json.loads(self.state.read_text(encoding="utf-8"))
            if state.get("format") != self.fmt:
                raise ValueError(f"--resume: {self.outdir} holds a run in {state.get('format')} format, "
                                 f"not {self.fmt}")
            for name in TABLES:  # killed while close() was renaming
                if not self.tmp[name].exists() and self.paths[name].exists():
                    self._reopen(name)
            return {name: int(state["offsets"][name]) for name in TABLES}
        finished = [self.paths[name].exists() for name in TABLES]
        if all(finished):
            return {name: self._reopen(name) for name in TABLES}
        others = [p.name for fmt in FORMATS if fmt != self.fmt for p in self.outdir.glob(f"*.{fmt}")]
        if others:
            raise ValueError(f"--resume: {self.outdir} holds tables in another format ({', '.join(others)})")
        return None  # nothing committed yet: start afresh

    def _reopen(self, name: str) -> int:
        """Turn a finished table back into a partial one; its size as an offset."""
        if self.fmt == "parquet":
            self.tmp[name].mkdir(parents=True, exist_ok=True)
            os.replace(self.paths[name], self.tmp[name] / f"{0:08d}.parquet")
            return 1
        os.replace(self.paths[name], self.tmp[name])
        return self.tmp[name].stat().st_size

    def _written_documents(self) -> Counter[tuple[str, str]]:
        sink = self.sinks["documents"]
        if self.fmt == "parquet":
            import pandas as pd
            import pyarrow.parquet as pq

            frames = [pq.read_table(p, columns=["source", "doc_id"]).to_pandas() for p in sink._piece_paths()]
            df = pd.concat(frames) if frames else pd.DataFrame(columns=["source", "doc_id"])
        else:
            df = read_table(self.tmp["documents"], "documents", fmt=self.fmt)
        return Counter(zip(df["source"].astype(str), df["doc_id"].astype(str)))

    def write(self, documents: list[dict], mentions: list[dict], records: list[dict]) -> None:
        """Rows of whole documents (a checkpoint never splits a document)."""
        self.sinks["documents"].write(documents)
        self.sinks["mentions"].write(mentions)
        self.sinks["records"].write(records)

    def maybe_commit(self) -> None:
        """Checkpoint if ``commit_every`` seconds have passed."""
        if time.monotonic() - self.last_commit >= self.commit_every:
            self.commit()

    def commit(self) -> None:
        """Record that everything written so far is consistent."""
        offsets = {name: sink.checkpoint() for name, sink in self.sinks.items()}
        tmp = self.state.with_name(self.state.name + ".tmp")
        tmp.write_text(json.dumps({"format": self.fmt, "offsets": offsets}), encoding="utf-8")
        os.replace(tmp, self.state)
        self.last_commit = time.monotonic()

    def close(self) -> None:
        """Finish the tables and move them into place."""
        self.commit()
        for name, sink in self.sinks.items():
            sink.close()
            if isinstance(sink, _ParquetSink):
                sink.finish(self.paths[name])
            else:
                os.replace(self.tmp[name], self.paths[name])
        self.state.unlink(missing_ok=True)

    def __enter__(self) -> "TableWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
            return
        # Interrupted: keep what is whole for --resume, under hidden names only.
        try:
            self.commit()
        finally:
            for sink in self.sinks.values():
                sink.close()


def read_table(path: os.PathLike | str, name: str, fmt: str | None = None) -> pd.DataFrame:
    """One table as written by :class:`TableWriter` (CSV guard undone);
    ``fmt`` defaults to the file's suffix."""
    import pandas as pd

    p = Path(path)
    cols = TABLES[name]
    fmt = fmt or p.suffix.lstrip(".")
    if fmt == "parquet":
        df = pd.read_parquet(p)
    elif fmt == "jsonl":
        df = pd.read_json(p, lines=True, dtype=False, precise_float=True) if p.stat().st_size else pd.DataFrame(columns=cols)
    else:
        df = pd.read_csv(p, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
        df = df.map(unguard) if len(df) else df
    return _typed_frame(df.reindex(columns=cols), name)


def _typed_frame(df: pd.DataFrame, name: str) -> pd.DataFrame:
    import pandas as pd

    for c in TABLES[name]:
        if c in INT_COLUMNS[name]:
            df[c] = pd.to_numeric(df[c].replace("", None), errors="coerce").astype("Int64")
        elif c in FLOAT_COLUMNS[name]:
            df[c] = pd.to_numeric(df[c].replace("", None), errors="coerce").astype("Float64")
        else:
            df[c] = df[c].fillna("").astype(str)
    return df


def read_tables(outdir: os.PathLike | str) -> dict[str, pd.DataFrame]:
    """The three tables in ``outdir`` (whichever format they were written in)."""
    out = {}
    d = Path(outdir)
    for name in TABLES:
        found = [d / f"{name}.{fmt}" for fmt in FORMATS if (d / f"{name}.{fmt}").exists()]
        if not found:
            raise FileNotFoundError(f"no {name} table in {d}")
        out[name] = read_table(found[0], name)
    return out
