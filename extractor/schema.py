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
# Typed columns per table (the rest are text): nullable integers and floats
# when read back into pandas. ``sentence`` is an index in mentions but the
# evidence text in records, so types are per table.
INT_COLUMNS: dict[str, set[str]] = {
    "documents": {"n_chars", "n_mentions", "n_records"},
    "mentions": {"start", "end", "sentence"},
    "records": {"record_id", "start", "end"},
}
FLOAT_COLUMNS: dict[str, set[str]] = {
    "documents": set(),
    "mentions": {"confidence"},
    "records": {"confidence"},
}

FIELDS = ("date", "unit", "community", "headcount", "quantity")
