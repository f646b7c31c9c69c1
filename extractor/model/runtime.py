"""The trained pipeline at work on one document: spans and clause labels.

:class:`ModelExtractor` is what ``load_model`` returns and what
``Pipeline`` calls as ``model(doc, method)`` on the document's
:class:`~extractor.analysis.Analysis`, whose mentions and activities it replaces.
It runs the recognizer over the document's sentences and the classifier over
their clauses, in batches, then hands the predictions to
:mod:`extractor.model.merge`. A span's confidence is the probability of the
recognizer's decisions that make it (the product, over its characters, of
the softmax probability of the action taken); an activity type's is the
classifier's sigmoid score.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy

from ..analysis import Analysis
from ..fields.activities import load_lexicon
from ..ruleset import Rules
from ..text.sentences import Span
from .merge import (FIELD_OF, ClausePrediction, SpanPrediction, merge_mentions, merge_records,
                    model_mentions, model_records)
from .generic import GenericNames
from .policy import load_policy

NER, TEXTCAT = "ner", "textcat_multilabel"


class ModelExtractor:
    """The shipped (or given) spaCy pipeline plus the merge policy of
    rules/model.yaml, built once per process."""

    def __init__(self, nlp: Any, rules: Rules, path: Path):
        self.nlp = nlp
        self.path = path
        self.policy = load_policy(rules)
        self.lexicon = load_lexicon(rules)
        self.generic = GenericNames(rules)
        missing = [name for name in (NER, TEXTCAT) if name not in nlp.pipe_names]
        if missing:
            raise ValueError(f"model {path} lacks the component(s) {missing}: retrain it with `make model`")
        self.ner = nlp.get_pipe(NER)
        self.textcat = nlp.get_pipe(TEXTCAT)
        unknown = set(self.textcat.labels) - set(self.lexicon.slugs)
        if unknown:
            raise ValueError(f"model {path} predicts activity types {sorted(unknown)} "
                             "that rules/activities.yaml does not know: retrain it with `make model`")
        self._moves = [self.ner.moves.get_class_name(i) for i in range(self.ner.moves.n_moves)]
        labels = set(self.ner.labels)
        if not labels <= set(FIELD_OF):
            raise ValueError(f"model {path} predicts entity labels {sorted(labels - set(FIELD_OF))}; "
                             f"expected {sorted(FIELD_OF)}")

    def __call__(self, doc: Analysis, method: str) -> None:
        """Replace the document's mentions and activity records by those of
        ``method`` (``model`` or ``hybrid``; see :mod:`extractor.model.merge`)."""
        if method not in ("model", "hybrid"):
            raise ValueError(f"the model has no method {method!r}")
        body = doc.body
        spans = self.spans(doc)
        preds = self.classify(doc)
        max_sentence = self.lexicon.max_sentence
        if method == "model":
            kept = [m for m in doc.mentions if m.field not in FIELD_OF.values()]
            doc.mentions = kept + model_mentions(body, spans, self.policy.spans)
            doc.activities = model_records(body, preds, self.policy.activities, max_sentence)
            return
        doc.mentions = merge_mentions(body, doc.mentions, spans, self.policy.spans, self.generic)
        doc.activities = merge_records(body, doc.activities, preds, self.policy.activities, max_sentence,
                                       self.vetoed(doc) if preds else frozenset())

    # ------------------------------------------------------------ spans
    def spans(self, doc: Analysis) -> list[SpanPrediction]:
        """UNIT / COMMUNITY spans of the document's body with their scores."""
        body = doc.body
        pieces = [p for s in doc.sentences for p in _pieces(doc, s, self.policy.spans.max_chars)]
        out: list[SpanPrediction] = []
        size = self.policy.spans.batch_size
        for i in range(0, len(pieces), size):
            batch = pieces[i:i + size]
            out += self._tag(body, batch)
        return out

    def _tag(self, body: str, pieces: list[Span]) -> list[SpanPrediction]:
        docs = [self.nlp.make_doc(body[p.start:p.end]) for p in pieces]
        probs = greedy_parse(self.ner, docs, self._moves)
        out = []
        for p, doc, prob in zip(pieces, docs, probs):
            for e in doc.ents:
                score = float(numpy.prod(prob[e.start:e.end]))
                out.append(SpanPrediction(p.start + e.start_char, p.start + e.end_char, e.label_, round(score, 4)))
        return out

    @staticmethod
    def vetoed(doc: Analysis) -> frozenset[tuple[int, str]]:
        """(sentence start, type) of every rule trigger the rules' negation and
        non-work filters dropped: the hybrid adds no model record there. A trigger
        dropped because it is part of a name (保供 of 保供专班) vetoes nothing:
        a name says nothing against the work."""
        return frozenset((d.sentence.start, str(d.trigger.slug)) for d in doc.dropped if not d.in_name)

    # ------------------------------------------------------------ clauses
    def classify(self, doc: Analysis) -> list[ClausePrediction]:
        """Every clause of every sentence with its activity-type scores;
        none when the document fails the rules' topic gate (``require_any``
        of rules/activities.yaml), as the rules find no record there either."""
        body = doc.body
        gate = self.lexicon.require_any
        if gate is not None and not gate.search(body):
            return []
        pairs = [(s, c) for s in doc.sentences for c in doc.clauses(s)]
        docs = (self.nlp.make_doc(body[c.start:c.end]) for _, c in pairs)
        out = []
        for (s, c), doc in zip(pairs, self.textcat.pipe(docs, batch_size=self.policy.activities.batch_size)):
            out.append(ClausePrediction(s, c, {k: float(v) for k, v in doc.cats.items()}))
        return out


def greedy_parse(ner: Any, docs: list[Any], moves: list[str]) -> list[numpy.ndarray]:
    """Tag ``docs`` with the recognizer's greedy decoder, as ``ner.pipe``
    does, keeping the probability of each decision: the softmax of the
    model's scores over the actions valid in that state. Returns one array
    per doc: the probability of the action taken at each character.

    spaCy's greedy decoder runs in C and keeps no scores; its beam decoder
    gives entity probabilities only for a model trained with the beam
    objective (with this one it returns nonsense spans), so the loop is
    written out here: same transitions (``transition_states`` takes the
    best valid action; tests check the entities are spaCy's), about 20%
    slower than ``ner.pipe``.
    """
    probs = [numpy.ones(len(d), dtype="float32") for d in docs]
    where = [i for i, d in enumerate(docs) if len(d)]
    live = [docs[i] for i in where]
    if not live:
        return probs
    batch = ner.moves.init_batch(live)
    slot = {id(state): where[k] for k, state in enumerate(batch)}
    spaces = {id(state): [t.is_space for t in doc] for state, doc in zip(batch, live)}
    valid = _Validity(ner.moves, moves)
    step = ner.model.predict(live)
    states = [s for s in batch if not s.is_final()]
    while states:
        scores = step.predict(states)
        masks = numpy.array([valid.mask(s, spaces[id(s)]) for s in states], dtype=bool)
        masked = numpy.where(masks, scores, -numpy.inf)
        best = masked.argmax(axis=1)
        masked -= masked[numpy.arange(len(states)), best][:, None]
        chosen = 1.0 / numpy.exp(masked).sum(axis=1)
        for state, p, action in zip(states, chosen, best):
            at = state.B(0)
            if at >= 0:
                probs[slot[id(state)]][at] = p
            valid.took(state, int(action))
        states = ner.transition_states(states, scores)
    step.clear_memory()
    for state, doc in zip(batch, live):
        ner.moves.set_annotations(state, doc)
    return probs


class _Validity:
    """Which actions are valid in an NER state. Without preset entities
    (fresh docs) spaCy's rules depend only on the open entity's label,
    whether one token is left and whether the next token is a space, so the
    answer is cached by that key; the open label is followed from the
    actions taken, and a state where that disagrees with spaCy's own view
    is asked directly."""

    def __init__(self, system: Any, moves: list[str]):
        self.system, self.moves = system, moves
        self.cache: dict[tuple[str | None, bool, bool], list[bool]] = {}
        self.open: dict[int, str | None] = {}

    def mask(self, state: Any, spaces: list[bool]) -> list[bool]:
        label = self.open.get(id(state))
        if state.entity_is_open() != (label is not None):
            return [self.system.is_valid(state, m) for m in self.moves]
        at = state.B(0)
        key = (label, state.buffer_length() < 2, at >= 0 and spaces[at])
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = [self.system.is_valid(state, m) for m in self.moves]
        return found

    def took(self, state: Any, action: int) -> None:
        move = self.moves[action]
        if move.startswith(("B-", "I-")):
            self.open[id(state)] = move[2:]
        else:
            self.open[id(state)] = None


def _pieces(doc: Analysis, sent: Span, max_chars: int) -> list[Span]:
    """The sentence, or runs of its clauses of at most ``max_chars``
    characters (a longer clause is cut into windows of that size)."""
    if sent.end - sent.start <= max_chars:
        return [sent]
    out: list[Span] = []
    start = end = sent.start
    for c in doc.clauses(sent):
        if c.end - start > max_chars and end > start:
            out.append(Span(start, end))
            start = c.start
        while c.end - start > max_chars:
            out.append(Span(start, start + max_chars))
            start += max_chars
        end = c.end
    if end > start:
        out.append(Span(start, end))
    return out
