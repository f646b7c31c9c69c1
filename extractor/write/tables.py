"""Streaming table writers and the reader of the project's own tables.

Rows are written as they come (memory does not grow with the corpus) to a
temporary file beside the target, renamed into place when the run closes,
so an interrupted run never leaves a table that looks complete.
"""
from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from ..schema import FLOAT_COLUMNS, INT_COLUMNS, TABLES
from .guard import guard, unguard

FORMATS = ("csv", "parquet", "jsonl")


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.4g}" if v == v else ""
    return str(v)


class _CsvSink:
    def __init__(self, path: Path, name: str):
        columns = TABLES[name]
        self.f = open(path, "w", encoding="utf-8", newline="")
        self.w = csv.writer(self.f)
        self.columns = columns
        self.w.writerow(columns)

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        self.w.writerows([guard(_cell(r.get(c))) for c in self.columns] for r in rows)

    def close(self) -> None:
        self.f.close()


class _JsonlSink:
    def __init__(self, path: Path, name: str):
        self.f = open(path, "w", encoding="utf-8")
        self.columns = TABLES[name]

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        for r in rows:
            self.f.write(json.dumps({c: r.get(c, "") for c in self.columns}, ensure_ascii=False) + "\n")

    def close(self) -> None:
        self.f.close()


class _ParquetSink:
    """Parquet row groups written as batches arrive (pyarrow's ParquetWriter)."""

    def __init__(self, path: Path, name: str):
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.pa = pa
        self.name = name
        self.columns = TABLES[name]
        self.schema = pa.schema([(c, _arrow_type(pa, name, c)) for c in self.columns])
        self.writer = pq.ParquetWriter(path, self.schema)
        self.buffer: list[dict[str, Any]] = []

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        self.buffer.extend(rows)
        if len(self.buffer) >= 5000:
            self._flush()

    def _flush(self) -> None:
        if not self.buffer:
            return
        cols = {c: [_typed(r.get(c), self.name, c) for r in self.buffer] for c in self.columns}
        self.writer.write_table(self.pa.table(cols, schema=self.schema))
        self.buffer = []

    def close(self) -> None:
        self._flush()
        self.writer.close()


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


class TableWriter:
    """Writes documents/mentions/records incrementally into ``outdir``."""

    def __init__(self, outdir: os.PathLike | str, fmt: str = "csv"):
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        self.outdir = Path(outdir)
        self.outdir.mkdir(parents=True, exist_ok=True)
        self.fmt = fmt
        self.paths = {name: self.outdir / f"{name}.{fmt}" for name in TABLES}
        self.tmp = {name: p.with_name(f".{p.name}.partial") for name, p in self.paths.items()}
        self.sinks = {name: _SINKS[fmt](self.tmp[name], name) for name in TABLES}

    def write(self, documents: list[dict], mentions: list[dict], records: list[dict]) -> None:
        self.sinks["documents"].write(documents)
        self.sinks["mentions"].write(mentions)
        self.sinks["records"].write(records)

    def close(self) -> None:
        """Finish the tables and move them into place."""
        for name, sink in self.sinks.items():
            sink.close()
            os.replace(self.tmp[name], self.paths[name])

    def __enter__(self) -> "TableWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:  # leave no half-written table behind under a complete-looking name
            for name, sink in self.sinks.items():
                try:
                    sink.close()
                finally:
                    self.tmp[name].unlink(missing_ok=True)


def read_table(path: os.PathLike | str, name: str) -> pd.DataFrame:
    """One table as written by :class:`TableWriter` (CSV guard undone)."""
    p = Path(path)
    cols = TABLES[name]
    if p.suffix == ".parquet":
        df = pd.read_parquet(p)
    elif p.suffix == ".jsonl":
        df = pd.read_json(p, lines=True, dtype=False) if p.stat().st_size else pd.DataFrame(columns=cols)
    else:
        df = pd.read_csv(p, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
        df = df.map(unguard) if len(df) else df
    return _typed_frame(df.reindex(columns=cols), name)


def _typed_frame(df: pd.DataFrame, name: str) -> pd.DataFrame:
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
