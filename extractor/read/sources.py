"""Walk the inputs and dispatch each file to the reader of its kind."""
from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator

from ..document import Document
from .decode import DecodeError, decode, writable
from .office import OFFICE_SUFFIXES, read_office
from .tables import DEFAULT_COLUMNS, InputColumns, iter_csv, iter_jsonl

TEXT_SUFFIXES = {".txt", ".md", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | OFFICE_SUFFIXES | {".jsonl", ".csv"}


def iter_documents(inputs: Iterable[str | os.PathLike | Document], columns: InputColumns = DEFAULT_COLUMNS,
                   skipped: Counter[str] | None = None) -> Iterator[Document]:
    """Documents of every input: files, folders (walked, sorted), ``-`` for
    standard input; ``columns`` names the fields of JSONL and CSV inputs.
    Files in a folder that are of no type read here are counted in
    ``skipped`` by suffix (hidden files are left alone)."""
    for doc in _documents(inputs, columns, skipped):
        # Ids and paths go into every table, and tables are UTF-8: a lone
        # surrogate (a JSON escape, a file-name byte that is not UTF-8) in
        # them would stop the writer, and with it the batch.
        doc.doc_id, doc.source = writable(doc.doc_id), writable(doc.source)
        yield doc


def _documents(inputs: Iterable[str | os.PathLike | Document], columns: InputColumns,
               skipped: Counter[str] | None) -> Iterator[Document]:
    for item in inputs:
        if isinstance(item, Document):
            yield item
            continue
        s = str(item)
        if s == "-":
            yield _from_bytes("stdin", "-", sys.stdin.buffer.read(), html=False)
            continue
        p = Path(s)
        if p.is_dir():
            for f in sorted(x for x in p.rglob("*") if x.is_file()):
                if f.suffix.lower() in SUFFIXES:
                    yield from _file(f, columns)
                elif skipped is not None and not any(part.startswith(".") for part in f.relative_to(p).parts):
                    skipped[f.suffix.lower() or "(no suffix)"] += 1
        elif p.is_file():
            yield from _file(p, columns)
        else:
            yield Document(doc_id=p.stem or s, source=s).fail("input not found")


def _file(path: Path, columns: InputColumns) -> Iterator[Document]:
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from iter_jsonl(path, columns)
    elif suffix == ".csv":
        yield from iter_csv(path, columns)
    elif suffix in OFFICE_SUFFIXES:
        yield read_office(path)
    else:
        try:
            data = path.read_bytes()
        except OSError as e:
            yield Document(doc_id=path.stem, source=str(path)).fail(f"cannot read file: {e.strerror}")
            return
        yield _from_bytes(path.stem, str(path), data, html=suffix in HTML_SUFFIXES)


def _from_bytes(doc_id: str, source: str, data: bytes, html: bool) -> Document:
    doc = Document(doc_id=doc_id, source=source, is_html=html)
    try:
        doc.raw, doc.meta["encoding"] = decode(data, html=html)
    except DecodeError as e:
        return doc.fail(str(e))
    return doc
