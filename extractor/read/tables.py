"""JSONL and CSV inputs: one document per line or row, with metadata.

Fields (:class:`InputColumns` renames them): ``id`` (else the line or row
number), ``text`` (required), optional ``title``, ``published``; columns
named in ``keep`` are copied into the documents table. A malformed line or
row becomes an error document; the other lines are still read.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ..document import Document
from ..schema import kept_name
from .decode import DecodeError, sniff_encoding

csv.field_size_limit(1 << 28)


@dataclass(frozen=True)
class InputColumns:
    """Which field of a JSONL object or CSV row plays which role (the CLI's
    ``--text-column`` and friends); ``keep``: fields copied into the
    documents table, after the spec's columns."""

    text: str = "text"
    id: str = "id"
    published: str = "published"
    title: str = "title"
    keep: tuple[str, ...] = ()

    def kept_columns(self) -> list[str]:
        """The documents columns the kept fields become."""
        return [kept_name(c) for c in self.keep]


DEFAULT_COLUMNS = InputColumns()


def _document(item: dict[str, Any], fallback_id: str, where: str, columns: InputColumns) -> Document:
    given = item.get(columns.id)
    if given in (None, "") and columns.id == "id":
        given = item.get("doc_id")  # the output's own name for it
    doc_id = str(given if given not in (None, "") else fallback_id).strip() or fallback_id
    doc = Document(doc_id=doc_id, source=where)
    doc.kept = {kept_name(c): kept_value(item.get(c)) for c in columns.keep}
    text = item.get(columns.text)
    if text is None:
        return doc.fail(f"no {columns.text!r} field")
    if not isinstance(text, str):
        return doc.fail(f"{columns.text!r} is not a string ({type(text).__name__})")
    doc.raw = text
    roles = {"title": columns.title, "published": columns.published}
    doc.meta = {k: item[c] for k, c in roles.items() if item.get(c) not in (None, "")}
    return doc


def kept_value(value: Any) -> str | None:
    """An input value kept in the documents table, as text (JSON for
    objects and lists), or None when missing."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list, bool)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


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


def iter_jsonl(path: Path, columns: InputColumns = DEFAULT_COLUMNS) -> Iterator[Document]:
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
        yield _document(item, fallback, where, columns)


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


def iter_csv(path: Path, columns: InputColumns = DEFAULT_COLUMNS) -> Iterator[Document]:
    """One document per row of a CSV file with a header naming the text
    column; its ``source`` is ``path:ROW``, the data row's number (the
    header is row 0), whatever newlines its cells hold."""
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
        if not fieldnames or columns.text not in fieldnames:
            yield Document(doc_id=path.stem, source=str(path)).fail(
                f"CSV has no {columns.text!r} column (columns: {', '.join(fieldnames or []) or 'none'}); "
                f"name the text column with --text-column")
            return
        n = 0
        try:
            for n, row in enumerate(reader, 1):
                yield _document(row, f"{path.stem}-{n}", f"{path}:{n}", columns)
        except (csv.Error, UnicodeDecodeError) as e:
            yield Document(doc_id=f"{path.stem}-error", source=f"{path}:{n + 1}").fail(
                f"malformed CSV at row {n + 1} (line {reader.line_num}): {_reason(e)}")


def _reason(e: Exception) -> str:
    if isinstance(e, UnicodeDecodeError):
        return f"invalid byte sequence ({e.reason})"
    if isinstance(e, OSError):
        return e.strerror or str(e)
    return str(e)
