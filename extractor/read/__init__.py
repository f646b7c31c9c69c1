"""Readers: inputs (files, folders, JSONL, CSV, HTML, stdin) → Documents, lazily.

Each reader yields :class:`~extractor.document.Document` objects with
``raw`` text; a document that cannot be read is yielded too, already
marked ``error`` with the reason, so nothing is silently lost.
"""
from .sources import iter_documents, SUFFIXES

__all__ = ["iter_documents", "SUFFIXES"]
