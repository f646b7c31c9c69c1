"""The three output tables' columns: one place, so readers, writers, the API
and the evaluator agree by construction (see ../shared/spec/output.md)."""
from __future__ import annotations

DOCUMENTS = [
    "doc_id", "source", "title", "published", "script", "n_chars",
    "n_mentions", "n_records", "status", "error",
]
MENTIONS = [
    "doc_id", "field", "text", "value", "measure", "qualifier", "role",
    "start", "end", "sentence", "source", "confidence",
]
RECORDS = [
    "doc_id", "record_id", "activity_type", "trigger", "date", "unit",
    "community", "headcount", "quantity", "measure", "sentence", "start",
    "end", "source", "confidence",
]
TABLES: dict[str, list[str]] = {
    "documents": DOCUMENTS,
    "mentions": MENTIONS,
    "records": RECORDS,
}
# Integer columns: kept as nullable integers when read back into pandas.
INT_COLUMNS = {"n_chars", "n_mentions", "n_records", "start", "end", "sentence"}
FLOAT_COLUMNS = {"confidence"}

FIELDS = ("date", "unit", "community", "headcount", "quantity")
