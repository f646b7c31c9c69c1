"""A row's values as each format stores them, by the column's dtype
(:func:`extractor.schema.dtype`): text in CSV (an empty cell for unknown),
typed values in JSONL, Parquet and xlsx (null for unknown)."""
from __future__ import annotations

import datetime
import math
from typing import Any

from ..schema import DATE, FLOAT, INT, dtype


def text_cell(v: Any) -> str:
    """A value as CSV text: unknown is empty; a whole float has no ``.0``
    (``25600``, not ``25600.0``), others their shortest exact form."""
    if v is None:
        return ""
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v)


def typed_value(v: Any, table: str, column: str) -> Any:
    """A value as a typed format stores it: ``int``/``float`` for numeric
    columns (rows may carry them as strings), an ISO day (``str``) for
    dates, ``str`` for text; ``None`` for unknown or unreadable."""
    if v is None or v == "" or (isinstance(v, float) and math.isnan(v)):
        return None
    kind = dtype(table, column)
    if kind in (INT, FLOAT):
        try:
            number = float(v)
        except (TypeError, ValueError):
            return None
        if math.isnan(number):
            return None
        return int(number) if kind == INT else number
    if kind == DATE:
        return str(v)[:10]
    return text_cell(v)


def day(iso: str | None) -> datetime.date | None:
    """An ISO day as a ``date`` (Parquet's and Excel's date cells)."""
    return datetime.date.fromisoformat(iso) if iso else None
