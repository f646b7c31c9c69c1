"""The per-partition function of the DataFrame APIs (Dask, Spark): rows of
a pandas frame → :class:`Document` → the three tables as pandas frames.
Pure pandas, so the Spark helper needs no Dask."""
from __future__ import annotations

import datetime
import math
from typing import Any, Iterable, Iterator

import pandas as pd

from .document import Document
from .engine.dask import process_documents
from .pipeline import DocResult
from .schema import TABLES, typed_frame
from .settings import Settings

# Optional input columns: ``source`` is where a document came from (the
# documents table's ``source``); ``title`` and ``published`` are metadata
# that wins over what is found in the text, as in JSONL and CSV inputs.
META_COLUMNS = ("title", "published")
OPTIONAL_COLUMNS = ("source",) + META_COLUMNS


def column_roles(text: str, id: str | None, columns: dict[str, str]) -> dict[str, str]:
    """Which column plays which role (``text``, ``id``, :data:`OPTIONAL_COLUMNS`)."""
    unknown = sorted(set(columns) - set(OPTIONAL_COLUMNS))
    if unknown:
        raise TypeError(f"unknown column role(s) {', '.join(unknown)}; choose from {', '.join(OPTIONAL_COLUMNS)}")
    return {"text": text, **({"id": id} if id is not None else {}), **columns}


def empty_table(name: str) -> pd.DataFrame:
    """A table with no rows and the output's columns and dtypes."""
    return typed_frame(pd.DataFrame({c: pd.Series([], dtype=object) for c in TABLES[name]}), name)


def partition_tables(part: pd.DataFrame, settings: Settings, roles: dict[str, str]) -> tuple[pd.DataFrame, ...]:
    """The three tables, as pandas DataFrames, for one partition's rows."""
    return result_frames(process_documents(settings, list(documents(part, roles))))


def result_frames(results: Iterable[DocResult], keep: Iterable[str] = ()) -> tuple[pd.DataFrame, ...]:
    """Documents, mentions and records of ``results`` as typed DataFrames;
    ``keep``: input columns kept in documents, after its own."""
    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    for res in results:
        rows["documents"].append(res.document)
        rows["mentions"].extend(res.mentions)
        rows["records"].extend(res.records)
    columns = {name: cols + (list(keep) if name == "documents" else []) for name, cols in TABLES.items()}
    return tuple(typed_frame(pd.DataFrame(rows[name], columns=cols), name, cols) for name, cols in columns.items())


def documents(part: pd.DataFrame, roles: dict[str, str]) -> Iterator[Document]:
    """One :class:`Document` per row, as the JSONL reader makes them: a row
    whose text is missing or not a string becomes an error document."""
    for index, row in zip(part.index, part.to_dict("records")):
        fallback = f"row-{index}"
        doc_id = _blank(row[roles["id"]]) if "id" in roles else str(index)
        doc = Document(doc_id=(str(doc_id).strip() or fallback) if doc_id is not None else fallback,
                       source=str(_blank(row.get(roles.get("source"))) or "<dataframe>"))
        value = _blank(row[roles["text"]])
        if value is None:
            yield doc.fail(f"no text (column {roles['text']!r} is empty)")
            continue
        if not isinstance(value, str):
            yield doc.fail(f"text is not a string ({type(value).__name__})")
            continue
        doc.raw = value
        doc.meta = {k: _meta(v) for k in META_COLUMNS if k in roles and (v := _blank(row[roles[k]])) is not None}
        yield doc


def _meta(value: Any) -> Any:
    """A metadata cell as the reader takes it: a date or timestamp (a
    datetime column) as its ISO day."""
    if isinstance(value, (pd.Timestamp, datetime.date)):
        return value.strftime("%Y-%m-%d")
    return value


def _blank(value: Any) -> Any:
    """``value``, or None for a missing cell (None, NaN, NaT, NA, "")."""
    if value is None or value is pd.NA or value is pd.NaT or value == "":
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
