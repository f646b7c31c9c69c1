"""JSONL and CSV inputs: one document per line or row, with metadata.

Fields: ``id`` (required unless a row number will do), ``text``
(required), optional ``title``, ``published``, ``source``. A malformed line
or row becomes an error document; the other lines are still read.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, Iterator

from ..document import Document
from .decode import DecodeError, decode

META_FIELDS = ("title", "published", "source")
csv.field_size_limit(1 << 28)


def _document(item: dict[str, Any], fallback_id: str, where: str) -> Document:
    doc_id = str(item.get("id") or item.get("doc_id") or fallback_id).strip() or fallback_id
    doc = Document(doc_id=doc_id, source=where)
    text = item.get("text")
    if text is None:
        return doc.fail("no 'text' field")
    if not isinstance(text, str):
        return doc.fail(f"'text' is not a string ({type(text).__name__})")
    doc.raw = text
    doc.meta = {k: item[k] for k in META_FIELDS if item.get(k) not in (None, "")}
    return doc


def iter_jsonl(path: Path) -> Iterator[Document]:
    """One document per non-blank line of a JSONL file."""
    try:
        data = path.read_bytes()
        text, _ = decode(data)
    except (OSError, DecodeError) as e:
        yield Document(doc_id=path.stem, source=str(path)).fail(f"cannot read JSONL: {e}")
        return
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        fallback = f"{path.stem}-{n}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as e:
            yield Document(doc_id=fallback, source=where).fail(f"malformed JSON line: {e.msg}")
            continue
        if not isinstance(item, dict):
            yield Document(doc_id=fallback, source=where).fail("JSON line is not an object")
            continue
        yield _document(item, fallback, where)


def iter_csv(path: Path) -> Iterator[Document]:
    """One document per row of a CSV file with a header naming ``text``."""
    try:
        text, _ = decode(path.read_bytes())
    except (OSError, DecodeError) as e:
        yield Document(doc_id=path.stem, source=str(path)).fail(f"cannot read CSV: {e}")
        return
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or "text" not in reader.fieldnames:
        yield Document(doc_id=path.stem, source=str(path)).fail(
            f"CSV has no 'text' column (columns: {', '.join(reader.fieldnames or []) or 'none'})")
        return
    try:
        for n, row in enumerate(reader, 1):
            yield _document(row, f"{path.stem}-{n}", f"{path}:{reader.line_num}")
    except csv.Error as e:
        yield Document(doc_id=f"{path.stem}-error", source=str(path)).fail(f"malformed CSV: {e}")
