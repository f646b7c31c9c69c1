"""The three output tables' columns and their types: one place, so readers, writers, the API
and the evaluator agree by construction (each column is described in
docs/tables.md; tests/test_docs.py checks it).

The records table's argument columns come from the field registry
(:mod:`extractor.fields.registry`): the contract's fields keep their place,
the numeric and calendar bounds of ``headcount``, ``quantity`` and
``date`` (:data:`DERIVED`) follow the contract's columns, and a new
field's columns come last.

Every column has one dtype (:func:`dtype`): nullable integers and floats
(``Int64``, ``Float64``) for offsets and counts, ``datetime64`` for the
date bounds, text (``string``) for the rest; an unknown value is ``pd.NA``
(``NaT`` for a date) in a frame, never ``""``, and an empty cell in CSV.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from .fields import registry
from .values import date_bounds, number_bounds

if TYPE_CHECKING:  # pandas loads only where frames are built, not on the write path
    import pandas as pd

TEXT, INT, FLOAT, DATE = "string", "Int64", "Float64", "datetime64[ns]"

DOCUMENTS = [
    "doc_id", "source", "title", "published", "script", "n_chars",
    "n_mentions", "n_records", "status", "error",
    # after the contract's columns (docs/tables.md)
    "reference_date", "title_original", "body",
]
MENTIONS = [
    "doc_id", "field", "text", "value", "measure", "qualifier", "role",
    "start", "end", "sentence", "source", "confidence",
    # after the contract's columns (docs/tables.md)
    "text_original",
]
_RECORD_HEAD = ["doc_id", "record_id", "activity_type", "trigger"]
_RECORD_TAIL = ["sentence", "start", "end", "source", "confidence"]
# After every field's columns: not a field's (docs/tables.md).
_RECORD_EXTRA = ["sentence_original"]
RECORDS: list[str] = []
TABLES: dict[str, list[str]] = {
    "documents": DOCUMENTS,
    "mentions": MENTIONS,
    "records": RECORDS,
}
# A record column with a text value → the columns of its bounds, and how
# they are read from it (``3-4`` → 3, 4; ``2020-02`` → 2020-02-01, 2020-02-29).
DERIVED: dict[str, tuple[str, str]] = {
    "headcount": ("headcount_min", "headcount_max"),
    "quantity": ("quantity_min", "quantity_max"),
    "date": ("date_start", "date_end"),
}
# The typed columns per table (the rest are text). ``sentence`` is an index
# in mentions but the evidence text in records, so types are per table.
DTYPES: dict[str, dict[str, str]] = {
    "documents": {"n_chars": INT, "n_mentions": INT, "n_records": INT},
    "mentions": {"start": INT, "end": INT, "sentence": INT, "confidence": FLOAT},
    "records": {"record_id": INT, "start": INT, "end": INT, "confidence": FLOAT,
                "headcount_min": INT, "headcount_max": INT,
                "quantity_min": FLOAT, "quantity_max": FLOAT,
                "date_start": DATE, "date_end": DATE},
}
# Derived views kept for the Parquet and Spark schemas.
INT_COLUMNS = {t: {c for c, d in cols.items() if d == INT} for t, cols in DTYPES.items()}
FLOAT_COLUMNS = {t: {c for c, d in cols.items() if d == FLOAT} for t, cols in DTYPES.items()}

# What each column means: the data dictionary of the xlsx output (and of
# the docs). Record columns of a field added through the registry that
# have no entry here are described generically.
MEANINGS: dict[str, dict[str, str]] = {
    "documents": {
        "doc_id": "input file name without extension; for JSONL/CSV input or a DataFrame, its id",
        "source": "where it came from: the path, or path:LINE for JSONL, path:ROW (data row) for CSV",
        "title": "the article title, boilerplate removed",
        "published": "ISO date of publication from the text or input metadata",
        "script": "simplified, traditional or mixed, detected before conversion",
        "n_chars": "characters of the normalized body",
        "n_mentions": "rows this document produced in mentions",
        "n_records": "rows this document produced in records",
        "status": "ok, or error",
        "error": "for error: a one-line reason",
    },
    "mentions": {
        "doc_id": "the document",
        "field": "date, unit, community, headcount or quantity",
        "text": "the span as it stands in the normalized (simplified) body",
        "value": "normalized value: EDTF date or interval; canonical name; integer or range (3-4)",
        "measure": "measure word for headcount and quantity (名, 户次, 公斤)",
        "qualifier": "exact, more_than, less_than or approx, for numbers",
        "role": "for headcount: the people noun; for date: relative when resolved from another date",
        "start": "character offset of text in the normalized body",
        "end": "character offset of the end of text in the normalized body",
        "sentence": "index of the sentence it is in",
        "source": "which extractor found it: rule, model or rule+model",
        "confidence": "0 to 1",
    },
    "records": {
        "doc_id": "the document",
        "record_id": "unique within the document",
        "activity_type": "a slug of the activity taxonomy (rules/activities.yaml)",
        "trigger": "the words that named the activity",
        "date": "EDTF date as in mentions (XXXX for an unknown year)",
        "unit": "canonical name of the work unit",
        "community": "canonical name of the community",
        "headcount": "people deployed: integer or range (3-4), as text",
        "quantity": "the output of the work when the sentence states one, as text",
        "measure": "the quantity's measure word (户次, 公斤)",
        "sentence": "the evidence sentence, normalized text",
        "start": "offset of the sentence in the normalized body",
        "end": "offset of the end of the sentence in the normalized body",
        "source": "rule, model or rule+model",
        "confidence": "0 to 1",
        "headcount_min": "headcount as a number: its lower bound (equal to headcount_max for an exact count)",
        "headcount_max": "headcount as a number: its upper bound",
        "quantity_min": "quantity as a number: its lower bound (equal to quantity_max for an exact count)",
        "quantity_max": "quantity as a number: its upper bound",
        "date_start": "first day the date covers; empty when its year is unknown",
        "date_end": "last day the date covers; empty when its year is unknown",
    },
}


def dtype(table: str, column: str) -> str:
    """The dtype of ``column`` in ``table`` (text unless typed)."""
    return DTYPES.get(table, {}).get(column, TEXT)


def meaning(table: str, column: str) -> str:
    """What ``column`` of ``table`` holds, for the data dictionary."""
    return MEANINGS.get(table, {}).get(column) or "a column added through the field registry, or kept from the input"


def derive(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` (a records row) with the bounds of its :data:`DERIVED` columns."""
    for source, (low_col, high_col) in DERIVED.items():
        if source not in row:
            continue
        if dtype("records", low_col) == DATE:
            row[low_col], row[high_col] = date_bounds(row[source])
        else:
            low, high = number_bounds(row[source])
            as_int = dtype("records", low_col) == INT
            row[low_col], row[high_col] = (_number(low, as_int), _number(high, as_int))
    return row


def _number(x: Any, as_int: bool) -> int | float | None:
    """A bound as a JSON-safe number: an integer where it is whole (an
    ``Int64`` column takes only those), else a float."""
    if x is None:
        return None
    if x == x.to_integral_value():
        return int(x)
    return None if as_int else float(x)


KEPT_PREFIX = "input_"


def kept_name(column: str, table: str = "documents") -> str:
    """The name an input column kept in ``table`` gets: its own, or with
    :data:`KEPT_PREFIX` when the table already has a column of that name."""
    taken = set(TABLES[table])
    name = str(column)
    while name in taken:
        name = KEPT_PREFIX + name
    return name


def typed_frame(df: "pd.DataFrame", name: str, columns: Iterable[str] | None = None) -> "pd.DataFrame":
    """``df`` with each column of ``columns`` (default: the table's) in its
    dtype (:func:`dtype`), every missing or empty value ``pd.NA``/``NaT``."""
    import pandas as pd

    for c in (TABLES[name] if columns is None else columns):
        kind = dtype(name, c)
        col = df[c].astype(object)
        col = col.where(~(col.isna() | (col == "")), None)
        if kind in (INT, FLOAT):
            df[c] = pd.to_numeric(col, errors="coerce").astype(kind)
        elif kind == DATE:
            df[c] = pd.to_datetime(col, errors="coerce", format="ISO8601").astype(kind)
        else:
            other = col.map(lambda v: v is not None and not isinstance(v, str))
            if other.any():
                col = col.where(~other, col[other].map(str))
            df[c] = col.astype(TEXT)
    return df


def _derive() -> None:
    # In place: modules that imported RECORDS or TABLES see the change.
    fields = registry.record_fields()
    contract = [c for f in fields if f.contract for c in f.record_columns]
    added = [c for f in fields if not f.contract for c in f.record_columns]
    bounds = [c for source in DERIVED if source in contract for c in DERIVED[source]]
    RECORDS[:] = _RECORD_HEAD + contract + _RECORD_TAIL + bounds + _RECORD_EXTRA + added


_derive()
registry.on_change(_derive)
