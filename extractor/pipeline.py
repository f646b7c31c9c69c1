"""The per-document function: normalize → extract → link, and its rows.

Everything a worker needs is built once in :class:`Pipeline` (rules are
loaded and validated there, before any document is read); ``process`` is a
pure function of one document, so engines can run it anywhere.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from .analysis import Analysis
from .document import Context, Document, Mention, Record
from .limits import DocumentTooSlow, deadline
from .normalize import Normalizer
from .ruleset import Rules
from .settings import Settings
from .text.regex_cache import cached_compiles

log = logging.getLogger(__name__)


@dataclass
class DocResult:
    """The rows one document contributes to the three tables."""

    document: dict[str, Any]
    mentions: list[dict[str, Any]] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)


# Raw input this many times longer than the body limit is refused before
# normalization (markup can be several times the text it carries).
_RAW_FACTOR = 10


class Pipeline:
    """Normalizer, extractors, model and linker, built once per process.

    ``Pipeline(settings=Settings(...))`` is the general form; ``rules`` and
    ``method`` are shortcuts that override the settings' fields.
    """

    def __init__(self, rules: Rules | str | None = None, method: str | None = None,
                 settings: Settings | None = None):
        settings = settings or Settings()
        if isinstance(rules, (str, bytes)) or hasattr(rules, "__fspath__"):
            settings = settings.with_(rules=rules)
        if method is not None:
            settings = settings.with_(method=method)
        self.settings = settings
        self.method = settings.method
        # Building compiles some 330 patterns: their code comes from the
        # previous process's (extractor/text/regex_cache.py), 0.15 s less.
        with cached_compiles():
            self._build(rules if isinstance(rules, Rules) else Rules(settings.rules))

    def _build(self, rules: Rules) -> None:
        self.rules = rules
        self.normalize = Normalizer(self.rules)
        from .fields.activities import ActivityExtractor
        from .fields.registry import field_extractors
        from .link import Linker

        self.extractors = field_extractors(self.rules)
        self.activities = ActivityExtractor(self.rules)
        self.linker = Linker(self.rules)
        self.model = None
        if self.method != "rule":
            from .model import load_model

            self.model = load_model(self.settings.model, self.rules)

    def process(self, doc: Document) -> DocResult:
        """Rows for one document; never raises: failures become an error row."""
        mentions: list[Mention] = []
        records: list[Record] = []
        limit = self.settings.max_chars
        # Plain text shrinks little in normalization: refuse it before paying
        # for it. Markup may be many times the text it carries.
        markup = doc.is_html or "<" in doc.raw
        raw_limit = _RAW_FACTOR * limit if markup else limit
        if doc.status == "ok" and len(doc.raw) > raw_limit:
            doc.fail(f"document too long: {len(doc.raw)} characters (limit {raw_limit}"
                     f"{' before markup removal' if markup else ''}; --max-chars)")
        if doc.status == "ok":
            try:
                with deadline(self.settings.max_seconds):
                    self.normalize(doc)
                    if not doc.body.strip():
                        doc.fail("empty" if not doc.raw.strip() else "no text left after removing markup and boilerplate")
                    elif len(doc.body) > limit:
                        doc.fail(f"document too long: {len(doc.body)} characters (limit {limit}; --max-chars)")
                    else:
                        mentions, records = self._extract(doc)
            except DocumentTooSlow as e:
                doc.fail(str(e))
                mentions, records = [], []
            except Exception as e:  # noqa: BLE001 - one bad document must not stop the batch
                log.exception("document %s failed", doc.doc_id)
                doc.fail(f"internal error: {type(e).__name__}: {e}")
                mentions, records = [], []
        return DocResult(
            document=_document_row(doc, len(mentions), len(records), self.settings),
            mentions=_with_original([m.row(doc.doc_id) for m in mentions], "text_original", doc),
            records=_with_original([r.row(doc.doc_id) for r in records], "sentence_original", doc),
        )

    def analyse(self, doc: Document) -> Analysis:
        """The analysis of one normalized document: its structure, mentions,
        activity records (before linking) and triggers."""
        analysis = Analysis(doc.body, Context(published=doc.published, doc_id=doc.doc_id, title=doc.title,
                                              reference_date=self.settings.reference_date or ""))
        for extractor in self.extractors:
            analysis.mentions.extend(extractor.extract(analysis))
        self._place(analysis)
        analysis.activities = self.activities.extract(analysis)
        if self.model is not None:
            # The model adds or replaces spans and activity labels by the
            # method's merge policy (extractor/model); linking is shared.
            self.model(analysis, self.method)
            self._place(analysis)
        return analysis

    def _extract(self, doc: Document) -> tuple[list[Mention], list[Record]]:
        analysis = self.analyse(doc)
        return analysis.mentions, self.linker.link(analysis)

    @staticmethod
    def _place(analysis: Analysis) -> None:
        """Mentions in text order, each with its sentence index."""
        for m in analysis.mentions:
            if m.sentence < 0:
                m.sentence = analysis.sentence_index(m.start)
        analysis.mentions.sort(key=lambda m: (m.start, m.end, m.field))


def _with_original(rows: list[dict[str, Any]], column: str, doc: Document) -> list[dict[str, Any]]:
    """``rows`` with ``column``: their span as the input wrote it, for a
    traditional or mixed document (else empty)."""
    for row in rows:
        row[column] = doc.originals.text(row["start"], row["end"]) if doc.originals is not None else ""
    return rows


def error_result(doc: Document) -> DocResult:
    """The row of a document that failed outside any pipeline (its worker
    died): no pipeline, and so no model, is needed to write it."""
    return DocResult(document=_document_row(doc, 0, 0))


def _document_row(doc: Document, n_mentions: int, n_records: int,
                  settings: Settings | None = None) -> dict[str, Any]:
    ok = doc.status == "ok"
    # The reference date is recorded where it stood in for a publication date.
    reference = settings.reference_date if settings and ok and not doc.published else None
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
        "reference_date": reference or "",
        "title_original": doc.title_original if ok else "",
        "body": doc.body if settings and settings.with_body and ok else "",
        **doc.kept,
    }


_CACHE: dict[Settings, Pipeline] = {}
# Tasks in one process may share its pipeline from several threads (a Dask
# worker with more than one thread, Dask's threaded scheduler): one at a
# time is safe, and costs little since the pipeline is mostly pure Python.
_LOCK = threading.Lock()


def pipeline_for(settings: Settings) -> Pipeline:
    """The process's pipeline for ``settings``, built on first use.

    Engines send the small settings object to their workers and each worker
    process builds its pipeline once (rules, jieba, OpenCC, model)."""
    p = _CACHE.get(settings)
    if p is None:
        p = _CACHE[settings] = Pipeline(settings=settings)
    return p


def process_batch(settings: Settings, docs: list[Document]) -> list[DocResult]:
    """Results of ``docs`` with this process's pipeline: the task every
    engine ships to its workers (with the small settings, not the pipeline)."""
    with _LOCK:
        pipeline = pipeline_for(settings)
        return [pipeline.process(doc) for doc in docs]
