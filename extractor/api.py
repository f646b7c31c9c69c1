"""The Python API: the same tables as the CLI, as pandas DataFrames."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import pandas as pd

from .document import Document
from .pipeline import DocResult, Pipeline
from .read import iter_documents
from .schema import TABLES
from .write import TableWriter
from .write.tables import _typed_frame, read_tables as _read_tables

Input = str | os.PathLike | Document


@dataclass
class Tables:
    """The three output tables."""

    documents: pd.DataFrame
    mentions: pd.DataFrame
    records: pd.DataFrame

    def __iter__(self) -> Iterator[pd.DataFrame]:
        return iter((self.documents, self.mentions, self.records))


@dataclass
class Summary:
    """What a run produced (the CLI prints it)."""

    documents: int = 0
    errors: int = 0
    mentions: int = 0
    records: int = 0

    def line(self) -> str:
        return (f"{self.documents} documents ({self.documents - self.errors} ok, {self.errors} error), "
                f"{self.mentions} mentions, {self.records} records")


def run(inputs: Iterable[Input], pipeline: Pipeline | None = None, texts_ok: bool = False) -> Iterator[DocResult]:
    """Stream the per-document results of ``inputs`` (lazy: one document at a time)."""
    pipeline = pipeline or Pipeline()
    for doc in iter_documents(inputs, texts_ok=texts_ok):
        yield pipeline.process(doc)


def extract(inputs: Input | Iterable[Input], rules: str | os.PathLike | None = None,
            method: str = "rule") -> Tables:
    """Run the pipeline on files, folders or texts and return the tables.

    ``inputs`` may be a path, a text, a list of either, or Documents.
    A string that is not an existing path is taken as the text of a document.
    """
    if isinstance(inputs, (str, os.PathLike, Document)):
        inputs = [inputs]
    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    for res in run(inputs, Pipeline(rules, method=method), texts_ok=True):
        rows["documents"].append(res.document)
        rows["mentions"].extend(res.mentions)
        rows["records"].extend(res.records)
    frames = {name: _typed_frame(pd.DataFrame(rows[name], columns=cols), name)
              for name, cols in TABLES.items()}
    return Tables(**frames)


def extract_to(outdir: str | os.PathLike, inputs: Iterable[Input], fmt: str = "csv",
               rules: str | os.PathLike | None = None, method: str = "rule") -> Summary:
    """Run the pipeline and write the three tables into ``outdir``."""
    pipeline = Pipeline(rules, method=method)  # bad rules fail here, before reading
    summary = Summary()
    with TableWriter(outdir, fmt) as writer:
        for res in run(inputs, pipeline):
            writer.write([res.document], res.mentions, res.records)
            summary.documents += 1
            summary.errors += res.document["status"] != "ok"
            summary.mentions += len(res.mentions)
            summary.records += len(res.records)
    return summary


def read_tables(outdir: str | os.PathLike) -> Tables:
    """The tables a run wrote into ``outdir`` (formula guard undone)."""
    return Tables(**_read_tables(Path(outdir)))
