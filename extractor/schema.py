"""The three output tables' columns: one place, so readers, writers, the API
and the evaluator agree by construction (each column is described in
docs/tables.md; tests/test_docs.py checks it).

The records table's argument columns come from the field registry
(:mod:`extractor.fields.registry`): the contract's fields keep their place,
a new field's columns follow the contract's columns.
"""
from __future__ import annotations

from .fields import registry

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


def _derive() -> None:
    # In place: modules that imported RECORDS or TABLES see the change.
    fields = registry.record_fields()
    contract = [c for f in fields if f.contract for c in f.record_columns]
    added = [c for f in fields if not f.contract for c in f.record_columns]
    RECORDS[:] = _RECORD_HEAD + contract + _RECORD_TAIL + added + _RECORD_EXTRA


_derive()
registry.on_change(_derive)
