"""The Python API: the same tables as the CLI, as pandas DataFrames."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import pandas as pd

from .document import Document
from .frames import result_frames
from .engine import Summary, map_documents, run_to
from .read import iter_documents
from .settings import Settings
from .write.tables import COMMIT_EVERY, read_tables as _read_tables

Input = str | os.PathLike | Document


@dataclass
class Tables:
    """The three output tables."""

    documents: pd.DataFrame
    mentions: pd.DataFrame
    records: pd.DataFrame

    def __iter__(self) -> Iterator[pd.DataFrame]:
        return iter((self.documents, self.mentions, self.records))


def extract(inputs: Input | Iterable[Input], rules: str | os.PathLike | None = None,
            method: str | None = None, settings: Settings | None = None, workers: int = 1) -> Tables:
    """Run the pipeline on files, folders or texts and return the tables.

    ``inputs`` may be a path, a text, a list of either, or Documents.
    A string that is not an existing path is taken as the text of a document.
    ``rules`` and ``method`` override the fields of ``settings``.
    """
    if isinstance(inputs, (str, os.PathLike, Document)):
        inputs = [inputs]
    results = map_documents(iter_documents(inputs, texts_ok=True), _settings(settings, rules, method), workers)
    return Tables(*result_frames(results))


def extract_to(outdir: str | os.PathLike, inputs: Iterable[Input], fmt: str = "csv",
               rules: str | os.PathLike | None = None, method: str | None = None,
               settings: Settings | None = None, workers: int = 1, resume: bool = False,
               engine: str = "local", scheduler: str | None = None,
               checkpoint_every: float = COMMIT_EVERY, overwrite: bool = False) -> Summary:
    """Run the pipeline and write the three tables into ``outdir`` (see
    :func:`extractor.engine.run_to` for the engines, ``resume``,
    ``checkpoint_every`` and ``overwrite``)."""
    return run_to(outdir, inputs, _settings(settings, rules, method), fmt=fmt, workers=workers,
                  resume=resume, engine=engine, scheduler=scheduler, checkpoint_every=checkpoint_every,
                  overwrite=overwrite)


def _settings(settings: Settings | None, rules: str | os.PathLike | None, method: str | None) -> Settings:
    settings = settings or Settings()
    if rules is not None:
        settings = settings.with_(rules=os.fspath(rules))
    if method is not None:
        settings = settings.with_(method=method)
    return settings


def read_tables(outdir: str | os.PathLike) -> Tables:
    """The tables a run wrote into ``outdir`` (formula guard undone)."""
    return Tables(**_read_tables(Path(outdir)))
