"""The few dataclasses every stage passes along: Document → Mention → Record."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Document:
    """One input article as it moves through the pipeline.

    ``raw`` is the decoded input text (HTML included); ``body`` is the
    normalized text every offset in the output tables refers to.
    """

    doc_id: str
    source: str
    raw: str = ""
    is_html: bool = False
    body: str = ""
    title: str = ""
    published: str = ""
    script: str = ""
    status: str = "ok"
    error: str = ""
    # Metadata given by the input (JSONL/CSV) wins over what is found in the text.
    meta: dict[str, Any] = field(default_factory=dict)
    # Input columns copied into the documents table (--keep-columns).
    kept: dict[str, str | None] = field(default_factory=dict)
    # Traditional and mixed documents: the title as written, and the spans
    # of the body as written (extractor.normalize.original.Originals).
    title_original: str = ""
    originals: Any = None

    def fail(self, reason: str) -> "Document":
        """Mark the document as an error with a one-line reason."""
        self.status = "error"
        self.error = " ".join(str(reason).split())[:300] or "error"
        return self


@dataclass
class Mention:
    """An extracted value with its span in ``Document.body``."""

    field: str
    text: str
    value: str
    start: int
    end: int
    measure: str = ""
    qualifier: str = ""
    role: str = ""
    sentence: int = -1
    source: str = "rule"
    confidence: float = 1.0

    def row(self, doc_id: str) -> dict[str, Any]:
        # Built directly in the table's column order (schema.MENTIONS), not
        # through dataclasses.asdict, whose recursive deep copy of every
        # field cost more than the date extractor (every value here is a
        # str, int or float, so there is nothing to copy).
        return {"doc_id": doc_id, "field": self.field, "text": self.text, "value": self.value,
                "measure": self.measure, "qualifier": self.qualifier, "role": self.role,
                "start": self.start, "end": self.end, "sentence": self.sentence,
                "source": self.source, "confidence": _confidence(self.confidence)}


@dataclass
class Record:
    """One activity mention with the arguments linked to it: ``args`` maps
    each record column of a field (date, unit, …, see
    :mod:`extractor.fields.registry`) to its value, "" where none."""

    activity_type: str
    trigger: str
    sentence: str
    start: int
    end: int
    trigger_start: int = -1
    args: dict[str, str] = field(default_factory=dict)
    source: str = "rule"
    confidence: float = 1.0
    record_id: int = 0

    @property
    def anchor(self) -> int:
        """Where the record's work is named: its trigger, else its sentence's start."""
        return self.trigger_start if self.trigger_start >= 0 else self.start

    def row(self, doc_id: str) -> dict[str, Any]:
        from .schema import RECORDS, derive

        d = dict.fromkeys(RECORDS, "")
        d.update(self.args)
        d.update(doc_id=doc_id, record_id=self.record_id, activity_type=self.activity_type,
                 trigger=self.trigger, sentence=self.sentence, start=self.start, end=self.end,
                 source=self.source, confidence=_confidence(self.confidence))
        return derive(d)


def _confidence(x: float) -> float:
    # Four decimals in every format: arithmetic noise (0.6000000000000001)
    # would otherwise make JSONL and Parquet differ from CSV. Most are 1
    # (round(float(1), 4) is 1.0): no call to round for them.
    if x == 1.0:
        return 1.0
    return round(float(x), 4)


@dataclass
class Context:
    """What an extractor may know beyond the text: one settings object that
    carries the reference date (as dateparser does), so nothing reads a clock."""

    published: str = ""  # ISO date of publication, or "" when unknown
    doc_id: str = ""
    # The researcher's reference date (--reference-date): the year of dates
    # without one when the publication date is unknown; "" when not given.
    reference_date: str = ""
    title: str = ""
