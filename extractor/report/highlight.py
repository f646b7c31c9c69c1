"""The extracted spans inside each record's evidence sentence.

Offsets in both tables refer to the normalized body, so a mention lies in a
record's sentence when ``record.start <= mention.start`` and
``mention.end <= record.end``. Spans are chosen so that none overlap (a
``<mark>`` cannot cross another, nor can a displaCy entity): the trigger
first, then the mentions that are the record's own arguments, then the other
mentions of the sentence, longer before shorter.
"""
from __future__ import annotations

import bisect
import html
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

from ..fields import registry
from .data import text

TRIGGER = "activity"
TRIGGER_COLOR = "#ffd166"


def field_colors() -> dict[str, str]:
    """Highlight colour per field (the trigger first), in the order a legend
    shows them: the report's <mark> classes and the notebook's displaCy
    options both come from here, and the fields from the registry."""
    return {TRIGGER: TRIGGER_COLOR, **{f.name: f.color for f in registry.FIELDS}}


def _argument_of(field: str) -> str:
    """The record column holding a mention field's value (quantity → quantity)."""
    f = next((f for f in registry.FIELDS if f.name == field and f.record_columns), None)
    return f.record_columns[0] if f else ""


@dataclass(frozen=True)
class Span:
    """One highlighted span, offsets relative to the sentence."""

    start: int
    end: int
    field: str
    value: str
    argument: bool  # the record's own argument (or its trigger), not just nearby


class MentionIndex:
    """The mentions table, by document and start offset, for quick lookup."""

    def __init__(self, mentions: pd.DataFrame):
        frame = pd.DataFrame({
            "doc_id": text(mentions["doc_id"]), "field": text(mentions["field"]),
            "text": text(mentions["text"]), "value": text(mentions["value"]),
            "start": pd.to_numeric(mentions["start"], errors="coerce"),
            "end": pd.to_numeric(mentions["end"], errors="coerce"),
        }).dropna(subset=["start", "end"])
        self._docs: dict[str, tuple[list[int], list[tuple[int, int, str, str, str]]]] = {}
        for doc_id, group in frame.sort_values(["doc_id", "start"], kind="stable").groupby("doc_id"):
            rows = [(int(s), int(e), f, t, v) for s, e, f, t, v in
                    zip(group["start"], group["end"], group["field"], group["text"], group["value"])]
            self._docs[str(doc_id)] = ([r[0] for r in rows], rows)

    def within(self, doc_id: str, start: int, end: int) -> Iterator[tuple[int, int, str, str, str]]:
        """Mentions ``(start, end, field, text, value)`` of ``doc_id`` inside ``[start, end)``."""
        starts, rows = self._docs.get(doc_id, ([], []))
        for i in range(bisect.bisect_left(starts, start), len(rows)):
            row = rows[i]
            if row[0] >= end:
                break
            if row[1] <= end:
                yield row


def record_spans(record: dict, index: MentionIndex) -> list[Span]:
    """The non-overlapping spans to highlight in one record's sentence."""
    sentence, base = str(record.get("sentence") or ""), _int(record.get("start"))
    candidates: list[tuple[int, Span]] = []
    trigger = str(record.get("trigger") or "").strip()
    at = sentence.find(trigger) if trigger else -1
    if at >= 0:
        candidates.append((0, Span(at, at + len(trigger), TRIGGER, str(record.get("activity_type") or ""), True)))
    if base is not None:
        for m_start, m_end, field, m_text, value in index.within(
                str(record.get("doc_id") or ""), base, base + len(sentence)):
            rel = m_start - base
            if sentence[rel:m_end - base] != m_text or m_end <= m_start:
                continue  # offsets from another body: do not guess
            own = bool(value) and _same(record.get(_argument_of(field)), value)
            candidates.append((1 if own else 2, Span(rel, m_end - base, field, value, own)))
    candidates.sort(key=lambda c: (c[0], -(c[1].end - c[1].start), c[1].start))
    chosen: list[Span] = []
    for _, span in candidates:
        if all(span.end <= c.start or span.start >= c.end for c in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


def _same(record_value: object, value: str) -> bool:
    return record_value is not None and str(record_value).strip() == value


def _int(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def marked_html(sentence: str, spans: list[Span]) -> str:
    """The sentence as HTML, every span a ``<mark class="f-FIELD">``; all
    text escaped (it comes from the corpus)."""
    out: list[str] = []
    pos = 0
    for s in spans:
        out.append(html.escape(sentence[pos:s.start]))
        cls = f"f-{s.field}" + ("" if s.argument else " near")
        tip = html.escape(f"{s.field}: {s.value}" if s.value else s.field, quote=True)
        out.append(f'<mark class="{cls}" title="{tip}">{html.escape(sentence[s.start:s.end])}</mark>')
        pos = s.end
    out.append(html.escape(sentence[pos:]))
    return "".join(out)


def mark_css() -> str:
    """CSS rules giving each ``mark.f-FIELD`` its colour."""
    return "\n".join(f"mark.f-{f} {{ background: {c}; }}" for f, c in field_colors().items())


def displacy_options() -> dict:
    """displaCy ``options`` with the same colours as the report."""
    return {"colors": {f.upper(): c for f, c in field_colors().items()}}


def displacy_doc(sentence: str, spans: list[Span], title: str = "") -> dict:
    """One sentence in displaCy's manual format for ``style="ent"``
    (``displacy.render(docs, style="ent", manual=True, options=displacy_options())``)."""
    return {"text": sentence, "title": html.escape(title) or None,
            "ents": [{"start": s.start, "end": s.end, "label": s.field.upper()} for s in spans]}
