"""The per-document function for Spark's ``mapInPandas`` (pure pandas: no
pyspark import here, so it is tested without Spark).

``mapInPandas`` needs one output schema, and the pipeline makes three
tables per document; processing each partition three times (once per
table) would triple the cost. So one pass yields one *long* frame,
:data:`OUTPUT_SCHEMA`: a row per output row, with the ``table`` it belongs
to, its ``doc_id`` and the row itself as JSON. Write it once partitioned by
``table`` and read each table back with ``from_json`` and
:func:`table_schema` (see docs/cluster.md)::

    long = df.mapInPandas(lambda it: extract_batches(it, published="date"),
                          schema=OUTPUT_SCHEMA)
"""
from __future__ import annotations

import json
import os
from typing import Any, Iterable, Iterator

import pandas as pd

from .api import Tables, _settings
from .frames import column_roles, partition_tables
from .schema import DATE, TABLES, dtype, typed_frame
from .settings import Settings

OUTPUT_SCHEMA = "table string, doc_id string, row string"
LONG_COLUMNS = ["table", "doc_id", "row"]


def extract_batches(batches: Iterable[pd.DataFrame], text: str = "text", id: str | None = "id",
                    settings: Settings | None = None, rules: str | os.PathLike | None = None,
                    method: str | None = None, **columns: str) -> Iterator[pd.DataFrame]:
    """For each input batch, the long frame (:data:`OUTPUT_SCHEMA`) of the
    three tables' rows; arguments as :func:`extractor.dask.extract`."""
    roles = column_roles(text, id, columns)
    settings = _settings(settings, rules, method)
    for batch in batches:
        yield long_frame(partition_tables(batch, settings, roles))


def long_frame(tables: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """The three tables as one frame of (table, doc_id, JSON row)."""
    out: list[tuple[str, str, str]] = []
    for name, df in zip(TABLES, tables):
        # NA → null; numbers as Python numbers, so JSON keeps every digit;
        # days as ISO text, as the other formats write them.
        df = df.copy()
        for c in df.columns:
            if dtype(name, c) == DATE:
                df[c] = df[c].dt.strftime("%Y-%m-%d")
        plain = df.astype(object).where(df.notna(), None)
        for row in plain.to_dict("records"):
            out.append((name, row["doc_id"], json.dumps(row, ensure_ascii=False)))
    return pd.DataFrame(out, columns=LONG_COLUMNS, dtype=str)


def split_long(long: pd.DataFrame) -> Tables:
    """The three tables back from a long frame (collected into pandas)."""
    frames = {}
    for name, cols in TABLES.items():
        rows = [json.loads(r) for r in long.loc[long["table"] == name, "row"]]
        frames[name] = typed_frame(pd.DataFrame(rows, columns=cols), name)
    return Tables(**frames)


def table_schema(name: str) -> str:
    """Spark DDL of one table's JSON rows, for ``from_json``."""
    return ", ".join(f"`{c}` {_spark_type(name, c)}" for c in TABLES[name])


_SPARK_TYPES = {"Int64": "bigint", "Float64": "double", DATE: "date"}


def _spark_type(table: str, column: str) -> Any:
    return _SPARK_TYPES.get(dtype(table, column), "string")
