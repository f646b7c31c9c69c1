"""The per-document function: normalize → extract → link, and its rows.

Everything a worker needs is built once in :class:`Pipeline` (rules are
loaded and validated there, before any document is read); ``process`` is a
pure function of one document, so engines can run it anywhere.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from .document import Context, Document, Mention, Record
from .normalize import Normalizer
from .ruleset import Rules
from .text.sentences import SentenceIndex, sentences

log = logging.getLogger(__name__)


@dataclass
class DocResult:
    """The rows one document contributes to the three tables."""

    document: dict[str, Any]
    mentions: list[dict[str, Any]] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)


class Pipeline:
    """Normalizer, extractors and linker, built once from one rules folder."""

    def __init__(self, rules: Rules | str | None = None, method: str = "rule"):
        self.rules = rules if isinstance(rules, Rules) else Rules(rules)
        if method not in ("rule",):
            raise ValueError(f"unknown method {method!r}")
        self.method = method
        self.normalize = Normalizer(self.rules)
        from .fields.activities import ActivityExtractor
        from .fields.registry import field_extractors
        from .link import Linker

        self.extractors = field_extractors(self.rules)
        self.activities = ActivityExtractor(self.rules)
        self.linker = Linker(self.rules)

    def process(self, doc: Document) -> DocResult:
        """Rows for one document; never raises: failures become an error row."""
        mentions: list[Mention] = []
        records: list[Record] = []
        if doc.status == "ok":
            try:
                self.normalize(doc)
                if not doc.body.strip():
                    doc.fail("empty" if not doc.raw.strip() else "no text left after removing markup and boilerplate")
                else:
                    mentions, records = self._extract(doc)
            except Exception as e:  # noqa: BLE001 - one bad document must not stop the batch
                log.exception("document %s failed", doc.doc_id)
                doc.fail(f"internal error: {type(e).__name__}: {e}")
                mentions, records = [], []
        return DocResult(
            document=_document_row(doc, len(mentions), len(records)),
            mentions=[m.row(doc.doc_id) for m in mentions],
            records=[r.row(doc.doc_id) for r in records],
        )

    def _extract(self, doc: Document) -> tuple[list[Mention], list[Record]]:
        ctx = Context(published=doc.published, doc_id=doc.doc_id, title=doc.title)
        body = doc.body
        sents = sentences(body)
        index = SentenceIndex(sents)
        mentions: list[Mention] = []
        for extractor in self.extractors:
            mentions.extend(extractor(body, ctx))
        for m in mentions:
            m.sentence = index.index(m.start)
        mentions.sort(key=lambda m: (m.start, m.end, m.field))
        records = self.linker(body, ctx, self.activities(body, ctx), mentions)
        return mentions, records


def _document_row(doc: Document, n_mentions: int, n_records: int) -> dict[str, Any]:
    ok = doc.status == "ok"
    return {
        "doc_id": doc.doc_id,
        "source": doc.source,
        "title": doc.title if ok else "",
        "published": doc.published,
        "script": doc.script,
        "n_chars": len(doc.body) if ok else 0,
        "n_mentions": n_mentions,
        "n_records": n_records,
        "status": doc.status,
        "error": doc.error,
    }
