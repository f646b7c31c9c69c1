"""Walk the inputs and dispatch each file to the reader of its kind."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterable, Iterator

from ..document import Document
from .decode import DecodeError, decode, writable
from .tables import iter_csv, iter_jsonl

TEXT_SUFFIXES = {".txt", ".md", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".jsonl", ".csv"}


def iter_documents(inputs: Iterable[str | os.PathLike], texts_ok: bool = False) -> Iterator[Document]:
    """Documents of every input: files, folders (walked, sorted), ``-`` for
    standard input. With ``texts_ok``, a string that is not an existing path
    is taken as the text of a document (the Python API's convenience)."""
    for doc in _documents(inputs, texts_ok):
        # Ids and paths go into every table, and tables are UTF-8: a lone
        # surrogate (a JSON escape, a file-name byte that is not UTF-8) in
        # them would stop the writer, and with it the batch.
        doc.doc_id, doc.source = writable(doc.doc_id), writable(doc.source)
        yield doc


def _documents(inputs: Iterable[str | os.PathLike], texts_ok: bool) -> Iterator[Document]:
    n_text = 0
    for item in inputs:
        if isinstance(item, Document):
            yield item
            continue
        s = str(item)
        if s == "-":
            yield _from_bytes("stdin", "-", sys.stdin.buffer.read(), html=False)
            continue
        p = Path(s)
        if texts_ok and isinstance(item, str) and ("\n" in s or len(s) > 255 or not p.exists()):
            n_text += 1
            yield Document(doc_id=f"text-{n_text}", source="<text>", raw=s)
            continue
        if p.is_dir():
            for f in sorted(x for x in p.rglob("*") if x.is_file() and x.suffix.lower() in SUFFIXES):
                yield from _file(f)
        elif p.is_file():
            yield from _file(p)
        else:
            yield Document(doc_id=p.stem or s, source=s).fail("input not found")


def _file(path: Path) -> Iterator[Document]:
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from iter_jsonl(path)
    elif suffix == ".csv":
        yield from iter_csv(path)
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
