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
from .decode import DecodeError, sniff_encoding

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


# Bytes read to decide a file's encoding before it is read line by line.
SNIFF_BYTES = 1 << 16


def _open_text(path: Path) -> io.TextIOWrapper:
    """A text stream over ``path`` in its sniffed encoding (read lazily, so a
    large file is never held whole). Raises OSError or DecodeError."""
    f = open(path, "rb")
    try:
        encoding = sniff_encoding(f.read(SNIFF_BYTES))
        f.seek(0)
    except (DecodeError, OSError):
        f.close()
        raise
    # A stray bad byte past the sniffed head becomes U+FFFD in its cell
    # rather than ending the file's rows.
    return io.TextIOWrapper(f, encoding=encoding, newline="", errors="replace")


def iter_jsonl(path: Path) -> Iterator[Document]:
    """One document per non-blank line of a JSONL file, read line by line;
    a line that is not valid text or not a JSON object is an error row and
    the other lines are still read."""
    try:
        lines = _jsonl_lines(path)
    except (OSError, DecodeError) as e:
        yield Document(doc_id=path.stem, source=str(path)).fail(f"cannot read JSONL: {_reason(e)}")
        return
    for n, line in lines:
        where = f"{path}:{n}"
        fallback = f"{path.stem}-{n}"
        if isinstance(line, UnicodeDecodeError):
            yield Document(doc_id=fallback, source=where).fail(f"invalid {line.encoding} byte sequence in line")
            continue
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as e:
            yield Document(doc_id=fallback, source=where).fail(f"malformed JSON line: {e.msg}")
            continue
        if not isinstance(item, dict):
            yield Document(doc_id=fallback, source=where).fail("JSON line is not an object")
            continue
        yield _document(item, fallback, where)


def _jsonl_lines(path: Path) -> Iterator[tuple[int, str | UnicodeDecodeError]]:
    """Numbered lines, each decoded on its own (JSON Lines is UTF-8; a file
    that is not is read in its sniffed encoding), so one bad line costs one
    row. UTF-16 cannot be split on newline bytes and is read as a stream."""
    with open(path, "rb") as f:
        head = f.read(SNIFF_BYTES)
    try:
        encoding = sniff_encoding(head)
    except DecodeError as e:
        if str(e).startswith(("empty", "not text")):
            raise
        encoding = "utf-8"  # mostly UTF-8 with bad lines: those lines fail alone
    if encoding.startswith("utf-16"):
        text_stream = _open_text(path)

        def stream() -> Iterator[tuple[int, str | UnicodeDecodeError]]:
            with text_stream:
                yield from enumerate(text_stream, 1)
        return stream()

    def lines() -> Iterator[tuple[int, str | UnicodeDecodeError]]:
        with open(path, "rb") as f:
            for n, raw in enumerate(f, 1):
                if n == 1 and encoding == "utf-8-sig":
                    raw = raw.removeprefix(b"\xef\xbb\xbf")
                try:
                    yield n, raw.decode("utf-8" if encoding == "utf-8-sig" else encoding)
                except UnicodeDecodeError as e:
                    yield n, e
    return lines()


def iter_csv(path: Path) -> Iterator[Document]:
    """One document per row of a CSV file with a header naming ``text``."""
    try:
        f = _open_text(path)
    except (OSError, DecodeError) as e:
        yield Document(doc_id=path.stem, source=str(path)).fail(f"cannot read CSV: {_reason(e)}")
        return
    with f:
        reader = csv.DictReader(f)
        try:
            fieldnames = reader.fieldnames
        except (csv.Error, UnicodeDecodeError) as e:
            yield Document(doc_id=path.stem, source=str(path)).fail(f"cannot read CSV: {_reason(e)}")
            return
        if not fieldnames or "text" not in fieldnames:
            yield Document(doc_id=path.stem, source=str(path)).fail(
                f"CSV has no 'text' column (columns: {', '.join(fieldnames or []) or 'none'})")
            return
        try:
            for n, row in enumerate(reader, 1):
                yield _document(row, f"{path.stem}-{n}", f"{path}:{reader.line_num}")
        except (csv.Error, UnicodeDecodeError) as e:
            yield Document(doc_id=f"{path.stem}-error", source=f"{path}:{reader.line_num}").fail(
                f"malformed CSV after line {reader.line_num}: {_reason(e)}")


def _reason(e: Exception) -> str:
    if isinstance(e, UnicodeDecodeError):
        return f"invalid byte sequence ({e.reason})"
    if isinstance(e, OSError):
        return e.strerror or str(e)
    return str(e)
