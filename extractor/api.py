"""The Python API: the same tables as the CLI, as typed pandas DataFrames.

Three entry points, one per kind of input, so that none can be mistaken
for another: :func:`extract` takes paths, :func:`extract_texts` strings,
:func:`extract_frame` a DataFrame.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import pandas as pd

from .document import Document
from .frames import column_roles, documents as frame_documents, result_frames
from .engine import Summary, map_documents, run_to
from .read import iter_documents
from .read.tables import InputColumns
from .schema import kept_name
from .settings import Settings
from .write.tables import COMMIT_EVERY, read_tables as _read_tables

Path_ = str | os.PathLike


@dataclass
class Tables:
    """The three output tables."""

    documents: pd.DataFrame
    mentions: pd.DataFrame
    records: pd.DataFrame

    def __iter__(self) -> Iterator[pd.DataFrame]:
        return iter((self.documents, self.mentions, self.records))


def extract(paths: Path_ | Iterable[Path_], rules: Path_ | None = None, method: str | None = None,
            settings: Settings | None = None, workers: int = 1,
            columns: InputColumns | None = None, reference_date: str | None = None) -> Tables:
    """Run the pipeline on files and folders and return the three tables.

    ``paths``: a path or a list of paths (files of any type the CLI reads,
    folders, walked); a path that does not exist raises
    ``FileNotFoundError`` naming it, before any work. For texts use
    :func:`extract_texts`, for a DataFrame :func:`extract_frame`.
    ``columns`` names the fields of JSONL and CSV files (the CLI's
    ``--text-column`` …). ``rules``, ``method`` and ``reference_date``
    (``YYYY-MM-DD``: the CLI's ``--reference-date``) override the fields of
    ``settings``.
    """
    inputs = checked_paths(paths, "extract")
    columns = columns or InputColumns()
    return _tables(iter_documents(inputs, columns), _settings(settings, rules, method, reference_date),
                   workers, columns.kept_columns())


def extract_texts(texts: str | Iterable[str], ids: Sequence[Any] | None = None,
                  published: str | Sequence[Any] | None = None, rules: Path_ | None = None,
                  method: str | None = None, settings: Settings | None = None, workers: int = 1,
                  reference_date: str | None = None) -> Tables:
    """The three tables for raw texts (one string, or a list of them).

    ``ids``: one per text (default ``text-1``, ``text-2`` …). ``published``:
    an ISO date for all texts, or one per text (None where unknown); like a
    JSONL ``published`` field, it wins over a date found in the text.
    ``reference_date``: as for :func:`extract`.
    """
    if isinstance(texts, str):
        texts = [texts]
    elif isinstance(texts, pd.DataFrame):
        raise TypeError("extract_texts takes strings; for a DataFrame use "
                        "extractor.extract_frame(df, text='COLUMN')")
    texts = list(texts)
    ids = [f"text-{n}" for n in range(1, len(texts) + 1)] if ids is None else list(ids)
    dates = [published] * len(texts) if published is None or isinstance(published, str) else list(published)
    for name, values in (("ids", ids), ("published", dates)):
        if len(values) != len(texts):
            raise ValueError(f"{len(values)} {name} for {len(texts)} texts: give one per text")
    frame = pd.DataFrame({"text": texts, "id": [str(i) for i in ids], "published": dates}, dtype=object)
    roles = {"text": "text", "id": "id", "published": "published"}
    docs = (_as_text(doc) for doc in frame_documents(frame, roles))
    return _tables(docs, _settings(settings, rules, method, reference_date), workers)


def _as_text(doc: Document) -> Document:
    doc.source = "<text>"
    return doc


def extract_frame(df: pd.DataFrame, text: str = "text", id: str | None = None, published: str | None = None,
                  title: str | None = None, keep: Sequence[str] | None = None, rules: Path_ | None = None,
                  method: str | None = None, settings: Settings | None = None, workers: int = 1,
                  reference_date: str | None = None) -> Tables:
    """The three tables for the texts in a DataFrame column.

    ``text``, ``id``, ``published`` and ``title`` name columns (``id=None``:
    the index, as text). The other columns (or those in ``keep``) are
    passed through to ``documents``, after its own columns (one named like
    one of those gets the prefix ``input_``), and ``documents`` has ``df``'s
    index, so ``df.join(tables.documents)`` lines them up. ``mentions`` and
    ``records`` refer to documents by ``doc_id``. ``reference_date``: as
    for :func:`extract`.
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"extract_frame takes a pandas DataFrame, not {type(df).__name__}; "
                        "for paths use extractor.extract, for strings extractor.extract_texts")
    named = {"published": published, "title": title}
    roles = column_roles(text, id, {k: v for k, v in named.items() if v is not None})
    missing = [f"{role}={name!r}" for role, name in roles.items() if name not in df.columns]
    if missing:
        raise KeyError(f"no such column(s) in the DataFrame: {', '.join(missing)} "
                       f"(columns: {', '.join(map(str, df.columns))})")
    used = set(roles.values())
    kept = [c for c in df.columns if c not in used] if keep is None else list(keep)
    unknown = [str(c) for c in kept if c not in df.columns]
    if unknown:
        raise KeyError(f"keep: no such column(s) in the DataFrame: {', '.join(unknown)}")
    tables = _tables(frame_documents(df, roles), _settings(settings, rules, method, reference_date), workers)
    docs = tables.documents
    docs.index = df.index
    extra = df[kept].copy()
    extra.columns = [kept_name(c) for c in kept]
    tables.documents = pd.concat([docs, extra], axis=1)
    return tables


def checked_paths(paths: Any, caller: str) -> list[Path_]:
    """``paths`` as a list of existing paths (or ``-``, or Documents), else
    the error that says which function takes what was given."""
    if isinstance(paths, pd.DataFrame):
        raise TypeError(f"{caller} takes paths, not a DataFrame; for a DataFrame use "
                        "extractor.extract_frame(df, text='COLUMN')")
    if isinstance(paths, (str, os.PathLike, Document)):
        paths = [paths]
    paths = list(paths)
    for p in paths:
        if isinstance(p, Document) or (isinstance(p, str) and p == "-"):
            continue
        if not isinstance(p, (str, os.PathLike)):
            raise TypeError(f"{caller} takes paths, not {type(p).__name__}; for texts use "
                            "extractor.extract_texts, for a DataFrame extractor.extract_frame")
        s = os.fspath(p)
        if not os.path.exists(s):
            # Chinese characters, punctuation or line breaks: more likely a text than a path.
            text_like = "\n" in s or len(s) > 255 or any("\u3000" <= ch <= "\u9fff" or ch in "，。" for ch in s)
            hint = ("; for a text use extractor.extract_texts" if text_like else
                    "; check the spelling (for texts use extractor.extract_texts)")
            raise FileNotFoundError(f"no such file or folder: {_short(s)}{hint}")
    return paths


def _short(s: str, n: int = 80) -> str:
    return repr(s if len(s) <= n else s[:n] + "…")


def _tables(docs: Iterable[Document], settings: Settings, workers: int, keep: Sequence[str] = ()) -> Tables:
    results = map_documents(docs, settings, workers)
    return Tables(*result_frames(results, keep))


def extract_to(outdir: Path_, inputs: Iterable[Path_], fmt: str = "csv",
               rules: Path_ | None = None, method: str | None = None,
               settings: Settings | None = None, workers: int = 1, resume: bool = False,
               engine: str = "local", scheduler: str | None = None,
               checkpoint_every: float = COMMIT_EVERY, overwrite: bool = False,
               columns: InputColumns | None = None, excel_csv: bool = False,
               reference_date: str | None = None) -> Summary:
    """Run the pipeline on paths (as :func:`extract` takes them) and write
    the three tables into ``outdir`` (see :func:`extractor.engine.run_to`
    for the engines, ``resume``, ``checkpoint_every``, ``overwrite``,
    ``columns`` and ``excel_csv``)."""
    inputs = checked_paths(inputs, "extract_to")
    return run_to(outdir, inputs, _settings(settings, rules, method, reference_date), fmt=fmt, workers=workers,
                  resume=resume, engine=engine, scheduler=scheduler, checkpoint_every=checkpoint_every,
                  overwrite=overwrite, columns=columns, excel_csv=excel_csv)


def _settings(settings: Settings | None, rules: Path_ | None, method: str | None,
              reference_date: str | None = None) -> Settings:
    settings = settings or Settings()
    if rules is not None:
        settings = settings.with_(rules=os.fspath(rules))
    if method is not None:
        settings = settings.with_(method=method)
    if reference_date is not None:
        settings = settings.with_(reference_date=reference_date)
    return settings


def read_tables(outdir: Path_) -> Tables:
    """The tables a run wrote into ``outdir``, typed as :func:`extract`
    returns them (formula guard undone, every unknown ``pd.NA``)."""
    return Tables(**_read_tables(Path(outdir)))

