"""The DataFrame API for data already in Dask: one text column in, three
lazy tables out.

>>> import dask.dataframe as dd, extractor.dask
>>> ddf = dd.read_parquet("articles/")            # columns id, text, ...
>>> tables = extractor.dask.extract(ddf, text="text", id="id", published="date")
>>> documents, mentions, records = dask.compute(*tables)   # one pass

Each partition is processed once per computation by the same per-document
function as the CLI, and the three tables are built from that one result:
compute (or write) them together, as above, or each table computes the
whole pipeline again. Run it on a ``distributed`` cluster (processes): on
Dask's default threaded scheduler the pipeline, pure Python, uses one core.
"""
from __future__ import annotations

import os

import dask
import dask.dataframe as dd

from .api import Tables, _settings
from .frames import column_roles, empty_table, partition_tables
from .schema import TABLES
from .settings import Settings


def extract(ddf: dd.DataFrame, text: str = "text", id: str | None = "id",
            settings: Settings | None = None, rules: str | os.PathLike | None = None,
            method: str | None = None, **columns: str) -> Tables:
    """Three dask DataFrames (documents, mentions, records) for the texts of ``ddf``.

    ``text`` and ``id`` name the columns holding each document's text and
    identifier (``id=None``: the index). Keyword arguments ``source``,
    ``title`` and ``published`` name optional columns with that metadata;
    without ``source`` the documents table says ``<dataframe>``. Columns and
    dtypes are those of :func:`extractor.extract`; rows keep ``ddf``'s
    order. ``rules`` and ``method`` override the fields of ``settings``.
    """
    roles = column_roles(text, id, columns)
    missing = [f"{role}={name!r}" for role, name in roles.items() if name not in ddf.columns]
    if missing:
        raise KeyError(f"no such column(s) in the DataFrame: {', '.join(missing)} "
                       f"(columns: {', '.join(map(str, ddf.columns))})")
    settings = _settings(settings, rules, method)
    parts = [dask.delayed(partition_tables, pure=True)(part, settings, roles)
             for part in ddf[list(dict.fromkeys(roles.values()))].to_delayed()]
    frames = {name: dd.from_delayed([p[i] for p in parts], meta=empty_table(name), verify_meta=False)
              for i, name in enumerate(TABLES)}
    return Tables(**frames)
