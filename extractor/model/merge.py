"""What the model's predictions become: mentions and records, alone
(``method="model"``) or merged with the rules' (``method="hybrid"``).

Pure functions of the predictions, so the merge policy is tested on plain
data (tests/cases/model_merge.yaml and model_merge_records.yaml) without a model.

Hybrid policy, per field:

- dates, headcounts, quantities: the rules' alone (the model does not
  predict them).
- units and communities: every rule mention is kept, value and all (the
  rules give the canonical name), but for two corrections of rule units,
  both off unless rules/model.yaml turns them on:

  * rebound: a model unit span scoring ``unit_replace_threshold`` or more,
    of ``min_chars`` characters, no generic word, that overlaps rule unit
    mentions only, one of them (the most overlapped) with other boundaries
    and the rest inside the span, gives that mention its boundaries and
    text (``source="model"``, confidence = its score). Its value is the
    rules' canonical name of the new text where they found it elsewhere in
    the document, else the text; when the old text was its entity's
    canonical name, the whole entity (every unit mention of that value)
    takes the new value, so one entity keeps one name.
  * reject: a rule unit mention whose every character the recognizer read
    as outside any span with probability ``unit_reject_threshold`` or more
    is dropped (characters it did not read reject nothing).

  A model span on exactly the same
  characters with the same label, scoring ``model_threshold`` or more,
  confirms it: ``source`` becomes
  ``rule+model`` and ``confidence`` the noisy-OR of both. A model span the
  rules did not find is added (``source="model"``, confidence = its score)
  when it scores at least ``unit_add_threshold`` (``community_add_threshold``
  for a community), has ``min_chars`` characters,
  is no generic word by the rules' lexicons (a bare suffix such as 工作队,
  有关部门: extractor/model/generic.py) and touches no character of any rule
  mention (overlapping disagreement:
  the rules win, their boundaries follow the annotation guideline). Its
  value is the rules' canonical name where the rules found the same text
  elsewhere in the document, else its text.
- activity records: every rule record is kept; when the clause holding its
  trigger scores at least ``agree_threshold`` for its type it becomes
  ``rule+model`` with the noisy-OR confidence. A sentence with no rule record
  of a type gets a model record of that type when one of its clauses scores
  at least ``add_threshold``, unless the rules found a trigger of that type
  there and their negation / non-work filters dropped it (没有做核酸检测: the
  classifier does not see negation, the rules do; a trigger dropped only for
  being part of a name, 保供 of 保供专班, vetoes nothing).
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace
from typing import Callable, Mapping

from ..document import Mention, Record
from ..fields.activities import Trigger, evidence_span, long_sentence_parts
from ..text.sentences import Span
from .policy import ActivityPolicy, SpanPolicy

# Recognizer label → mention field. COMPANY is CLUENER's company label,
# learnt apart from its UNIT (government + organization); the project counts
# enterprises as units.
FIELD_OF = {"UNIT": "unit", "COMPANY": "unit", "COMMUNITY": "community"}
NAME_FIELDS = frozenset(FIELD_OF.values())


@dataclass(frozen=True)
class SpanPrediction:
    """A UNIT or COMMUNITY span of the body with the model's score."""

    start: int
    end: int
    label: str
    score: float


@dataclass
class ClausePrediction:
    """One clause of a sentence with the score of every activity type."""

    sentence: Span
    clause: Span
    scores: dict[str, float] = field(default_factory=dict)


@dataclass
class SpanReading:
    """What the recognizer read of one body: its spans and, for every
    character it read (body offset → probability), the probability that the
    character is in no span."""

    spans: list[SpanPrediction]
    outside: dict[int, float] = field(default_factory=dict)


def noisy_or(a: float, b: float) -> float:
    """The confidence of two independent sources that agree."""
    return round(1.0 - (1.0 - a) * (1.0 - b), 4)


# ---------------------------------------------------------------- mentions

def model_mentions(body: str, spans: list[SpanPrediction], policy: SpanPolicy) -> list[Mention]:
    """``method="model"``: the spans scoring ``model_threshold`` or more; a
    span's value is its text (the model does not group names)."""
    return [Mention(field=FIELD_OF[s.label], text=body[s.start:s.end], value=body[s.start:s.end],
                    start=s.start, end=s.end, source="model", confidence=round(s.score, 4))
            for s in spans if s.score >= policy.model_threshold]


def merge_mentions(body: str, rule: list[Mention], spans: list[SpanPrediction], policy: SpanPolicy,
                   generic: Callable[[str, str], bool] = lambda field, text: False,
                   outside: Mapping[int, float] | None = None) -> list[Mention]:
    """``method="hybrid"``: the rule mentions, rebounded, rejected, confirmed
    or not, plus the model spans the rules missed (see the module docstring);
    ``generic(field, text)`` says which texts are generic words, never added;
    ``outside`` is :attr:`SpanReading.outside` (none: nothing is rejected)."""
    out = rebound(body, [replace(m) for m in rule], spans, policy, generic)
    out = reject(out, outside or {}, policy.unit_reject_threshold)
    scores: dict[tuple[int, int, str], float] = {}
    for s in spans:
        key = (s.start, s.end, FIELD_OF[s.label])
        scores[key] = max(scores.get(key, 0.0), s.score)
    claimed = bytearray(len(body) + 1)
    canonical: dict[tuple[str, str], str] = {}
    for m in out:
        claimed[m.start:m.end] = b"\1" * (m.end - m.start)
        if m.field in NAME_FIELDS:
            canonical.setdefault((m.field, m.text), m.value)
            score = scores.get((m.start, m.end, m.field), 0.0)
            # A re-bounded mention has the span's boundaries by construction.
            if score >= policy.model_threshold and m.source != "model":
                m.source = "rule+model"
                m.confidence = noisy_or(m.confidence, score)
    added: list[Mention] = []
    for s in sorted(spans, key=lambda s: (-s.score, s.start)):
        fld, text = FIELD_OF[s.label], body[s.start:s.end]
        # As for records, a threshold of 1 adds nothing (marginals reach 1.0).
        threshold = policy.add_threshold(fld)
        if s.score < threshold or threshold >= 1 or s.end - s.start < policy.min_chars:
            continue
        if any(claimed[s.start:s.end]) or generic(fld, text):
            continue
        claimed[s.start:s.end] = b"\1" * (s.end - s.start)
        added.append(Mention(field=fld, text=text, value=canonical.get((fld, text), text),
                             start=s.start, end=s.end, source="model", confidence=round(s.score, 4)))
    return out + added


def rebound(body: str, mentions: list[Mention], spans: list[SpanPrediction], policy: SpanPolicy,
            generic: Callable[[str, str], bool]) -> list[Mention]:
    """``mentions`` (changed in place) with the boundaries of confident model
    unit spans where they overlap a rule unit mention (module docstring)."""
    threshold = policy.unit_replace_threshold
    if threshold >= 1:  # as for adding: marginals reach 1.0, so 1 must mean none
        return mentions
    exact = {(m.start, m.end) for m in mentions}
    canonical: dict[str, str] = {}
    for m in mentions:
        if m.field == "unit":
            canonical.setdefault(m.text, m.value)
    renamed: dict[str, str] = {}
    moved: set[int] = set()
    taken = bytearray(len(body) + 1)
    for s in sorted(spans, key=lambda s: (-s.score, s.start)):
        if FIELD_OF[s.label] != "unit" or s.score < threshold or s.end - s.start < policy.min_chars:
            continue
        text = body[s.start:s.end]
        if (s.start, s.end) in exact or any(taken[s.start:s.end]) or generic("unit", text):
            continue
        over = [m for m in mentions if m.start < s.end and s.start < m.end]
        if not over or any(m.field != "unit" for m in over):
            continue
        target = max(over, key=lambda m: (min(m.end, s.end) - max(m.start, s.start), m.end - m.start))
        # Another overlapping mention sticking out of the span: the span
        # would cut it, and which of them is wrong is not the model's to say.
        if id(target) in moved or any(m is not target and not s.start <= m.start < m.end <= s.end for m in over):
            continue
        value = canonical.get(text, text)
        if target.text == target.value and value == text:
            renamed.setdefault(target.value, text)
        moved.add(id(target))
        taken[s.start:s.end] = b"\1" * (s.end - s.start)
        target.start, target.end, target.text, target.value = s.start, s.end, text, value
        target.source, target.confidence = "model", round(s.score, 4)
    for m in mentions:
        if m.field == "unit" and m.value in renamed:
            m.value = renamed[m.value]
    return mentions


def reject(mentions: list[Mention], outside: Mapping[int, float], threshold: float) -> list[Mention]:
    """``mentions`` without the rule unit mentions the recognizer read as no
    span, every character at ``threshold`` or more (1 rejects none)."""
    if threshold >= 1 or not outside:
        return mentions
    return [m for m in mentions
            if not (m.field == "unit" and m.source == "rule"
                    and all(outside.get(i, -1.0) >= threshold for i in range(m.start, m.end)))]


# ---------------------------------------------------------------- records

ClausesOf = Callable[[Span], list[Span]]


def _record(body: str, pred: ClausePrediction, slug: str, max_sentence: int,
            clauses_of: ClausesOf | None = None) -> Record:
    """A model record: its trigger is the clause the classifier read, and its
    evidence the sentence (or the clauses around it when the sentence is
    longer than ``max_sentence``, as for rule records). ``trigger_start``, the
    linker's anchor, is the clause's last character, so every unit named in
    the clause counts as named before the activity. ``clauses_of`` (the
    document's :meth:`~extractor.analysis.Analysis.clauses`) gives a long
    sentence's clauses already split, so nothing splits them again."""
    c, sent = pred.clause, pred.sentence
    parts, starts = long_sentence_parts(sent, max_sentence, clauses_of) if clauses_of else (None, None)
    ev = evidence_span(body, sent, Trigger(c.start, c.end, slug), max_sentence, parts, starts)
    return Record(activity_type=slug, trigger=body[c.start:c.end], trigger_start=c.end - 1,
                  sentence=body[ev.start:ev.end], start=ev.start, end=ev.end, source="model",
                  confidence=round(pred.scores[slug], 4))


def _best_per_sentence(preds: list[ClausePrediction], threshold: float) -> dict[tuple[int, str], ClausePrediction]:
    """(sentence start, type) → its highest-scoring clause at ``threshold`` or more."""
    best: dict[tuple[int, str], ClausePrediction] = {}
    for p in preds:
        for slug, score in p.scores.items():
            if score >= threshold:
                key = (p.sentence.start, slug)
                if key not in best or score > best[key].scores[slug]:
                    best[key] = p
    return best


def model_records(body: str, preds: list[ClausePrediction], policy: ActivityPolicy,
                  max_sentence: int, clauses_of: ClausesOf | None = None) -> list[Record]:
    """``method="model"``: one record per sentence and type scoring
    ``model_threshold`` or more in one of the sentence's clauses."""
    best = _best_per_sentence(preds, policy.model_threshold)
    out = [_record(body, p, slug, max_sentence, clauses_of) for (_, slug), p in best.items()]
    return sorted(out, key=lambda r: (r.start, r.trigger_start, r.activity_type))


def merge_records(body: str, rule: list[Record], preds: list[ClausePrediction], policy: ActivityPolicy,
                  max_sentence: int, vetoed: frozenset[tuple[int, str]] = frozenset(),
                  clauses_of: ClausesOf | None = None) -> list[Record]:
    """``method="hybrid"``: the rule records, confirmed or not, plus model
    records of the types no rule record gives for a sentence; ``vetoed``
    holds the (sentence start, type) pairs whose rule triggers the rules'
    filters dropped, where nothing is added; ``clauses_of`` as for
    :func:`model_records`."""
    out = [replace(r) for r in rule]
    covered: set[tuple[int, str]] = set()
    ordered = sorted(preds, key=lambda p: p.clause.start)
    starts = [p.clause.start for p in ordered]
    for r in out:
        pred = _clause_at(ordered, starts, r.anchor)
        if pred is None:
            continue
        covered.add((pred.sentence.start, r.activity_type))
        score = pred.scores.get(r.activity_type, 0.0)
        if score >= policy.agree_threshold:
            r.source = "rule+model"
            r.confidence = noisy_or(r.confidence, score)
    # A threshold of 1 adds nothing: a confident classifier's float32 sigmoid
    # is exactly 1.0, so "score >= 1" would still add records.
    best = _best_per_sentence(preds, policy.add_threshold) if policy.add_threshold < 1 else {}
    out += [_record(body, p, slug, max_sentence, clauses_of) for (s, slug), p in best.items()
            if (s, slug) not in covered and (s, slug) not in vetoed]
    return sorted(out, key=lambda r: (r.start, r.trigger_start, r.activity_type))


def _clause_at(ordered: list[ClausePrediction], starts: list[int], offset: int) -> ClausePrediction | None:
    i = bisect.bisect_right(starts, offset) - 1
    return ordered[i] if i >= 0 and offset < ordered[i].clause.end else None
