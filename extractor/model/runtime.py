"""The trained model at work on one document: spans and clause labels.

:class:`ModelExtractor` is what ``load_model`` returns and what
``Pipeline`` calls as ``model(doc, method)`` on the document's
:class:`~extractor.analysis.Analysis`, whose mentions and activities it replaces.
It runs the CRF recognizer (extractor/model/crf.py) over the sentences that
carry a candidate and the spaCy clause classifier over the clauses, then
hands the predictions to :mod:`extractor.model.merge`. A span's confidence
is the lowest marginal probability of its characters' labels; an activity
type's is the classifier's sigmoid score.
"""
from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Any, Sequence

from ..analysis import Analysis
from ..fields.activities import load_lexicon
from ..ruleset import Rules
from ..text.patterns import alternation
from ..text.sentences import Span
from .crf import Recognizer
from .merge import (FIELD_OF, ClausePrediction, SpanPrediction, SpanReading, merge_mentions, merge_records,
                    model_mentions, model_records)
from .generic import GenericNames
from .hints import Hinter, TriggerHints
from .policy import load_policy

TEXTCAT = "textcat_multilabel"


class ModelExtractor:
    """The shipped (or given) model — a CRF recognizer and a spaCy clause
    classifier — plus the merge policy of rules/model.yaml, built once per process."""

    def __init__(self, nlp: Any, recognizer: Recognizer, rules: Rules, path: Path):
        self.nlp = nlp
        self.recognizer = recognizer
        self.path = path
        self.policy = load_policy(rules)
        self.lexicon = load_lexicon(rules)
        self.generic = GenericNames(rules)
        if TEXTCAT not in nlp.pipe_names:
            raise ValueError(f"model {path} lacks the component {TEXTCAT!r}: retrain it with `make model`")
        self.textcat = nlp.get_pipe(TEXTCAT)
        unknown = set(self.textcat.labels) - set(self.lexicon.slugs)
        if unknown:
            raise ValueError(f"model {path} predicts activity types {sorted(unknown)} "
                             "that rules/activities.yaml does not know: retrain it with `make model`")
        labels = set(recognizer.labels)
        if not labels <= set(FIELD_OF):
            raise ValueError(f"model {path} predicts entity labels {sorted(labels - set(FIELD_OF))}; "
                             f"expected {sorted(FIELD_OF)}")
        hints = TriggerHints.load(path)
        self._hint = Hinter(hints) if hints else None
        words = recognizer.featurizer.lexicons.words
        self._candidate = re.compile(alternation([*words["unit_suffix"], *words["community_suffix"]]))

    def __call__(self, doc: Analysis, method: str) -> None:
        """Replace the document's mentions and activity records by those of
        ``method`` (``model`` or ``hybrid``; see :mod:`extractor.model.merge`)."""
        if method not in ("model", "hybrid"):
            raise ValueError(f"the model has no method {method!r}")
        body = doc.body
        reading = self.read(doc)
        if method == "hybrid" and self.policy.activities.add_threshold >= 1:
            # the hybrid adds no model record at this threshold: only the
            # clauses of the rules' records are read, to confirm them
            preds = self.classify(doc, at=[r.anchor for r in doc.activities])
        else:
            preds = self.classify(doc)
        max_sentence = self.lexicon.max_sentence
        if method == "model":
            kept = [m for m in doc.mentions if m.field not in FIELD_OF.values()]
            doc.mentions = kept + model_mentions(body, reading.spans, self.policy.spans)
            doc.activities = model_records(body, preds, self.policy.activities, max_sentence, doc.clauses)
            return
        doc.mentions = merge_mentions(body, doc.mentions, reading.spans, self.policy.spans, self.generic,
                                      reading.outside)
        doc.activities = merge_records(body, doc.activities, preds, self.policy.activities, max_sentence,
                                       self.vetoed(doc) if preds else frozenset(), doc.clauses)

    # ------------------------------------------------------------ spans
    def spans(self, doc: Analysis) -> list[SpanPrediction]:
        """UNIT / COMMUNITY spans of the document's body with their scores,
        from the pieces of text that carry a candidate (:meth:`pieces`)."""
        return self.read(doc).spans

    def read(self, doc: Analysis, outside: bool | None = None) -> SpanReading:
        """The recognizer's reading of the document: its spans (:meth:`spans`)
        and, when ``outside`` (default: when rules/model.yaml rejects rule
        units), for every character it read the probability of no span there."""
        if outside is None:
            outside = self.policy.spans.unit_reject_threshold < 1
        body = doc.body
        out: list[SpanPrediction] = []
        probs: dict[int, float] = {}
        for sent in doc.sentences:
            for p in self.pieces(doc, sent):
                piece: list[float] | None = [] if outside else None
                out += [SpanPrediction(p.start + s.start, p.start + s.end, s.label, s.score)
                        for s in self.recognizer.predict(body[p.start:p.end], outside=piece)]
                if piece:
                    probs.update(zip(range(p.start, p.end), piece))
        return SpanReading(out, probs)

    def pieces(self, doc: Analysis, sent: Span) -> list[Span]:
        """What the recognizer reads of a sentence: the runs of its clauses
        that name a unit or community suffix of the model's lexicons (the
        names of this genre end in one; a name never spans a comma), or the
        whole sentence when rules/model.yaml's ``candidates_only`` is off;
        cut to at most ``max_chars`` characters. The recognizer is the
        model's costliest part, and these clauses are about a quarter of a
        news corpus."""
        clauses = doc.clauses(sent)
        if not self.policy.spans.candidates_only:
            return _windows([clauses], self.policy.spans.max_chars)
        runs: list[list[Span]] = []
        last_end = -1
        for c in clauses:
            if self._candidate.search(doc.body, c.start, c.end):
                if runs and last_end == c.start:
                    runs[-1].append(c)
                else:
                    runs.append([c])
                last_end = c.end
        return _windows(runs, self.policy.spans.max_chars)

    @staticmethod
    def vetoed(doc: Analysis) -> frozenset[tuple[int, str]]:
        """(sentence start, type) of every rule trigger the rules' negation and
        non-work filters dropped: the hybrid adds no model record there. A trigger
        dropped because it is part of a name (保供 of 保供专班) vetoes nothing:
        a name says nothing against the work."""
        return frozenset((d.sentence.start, str(d.trigger.slug)) for d in doc.dropped if not d.in_name)

    # ------------------------------------------------------------ clauses
    def classify(self, doc: Analysis, at: Sequence[int] | None = None) -> list[ClausePrediction]:
        """Every clause of every sentence with its activity-type scores (only
        the clauses holding one of the offsets ``at``, when given); none when
        the document fails the rules' topic gate (``require_any`` of
        rules/activities.yaml), as the rules find no record there either."""
        body = doc.body
        gate = self.lexicon.require_any
        if gate is not None and not gate.search(body):
            return []
        pairs = [(s, c) for s in doc.sentences for c in doc.clauses(s)]
        if at is not None:
            wanted = sorted(set(at))
            pairs = [(s, c) for s, c in pairs
                     if (i := bisect.bisect_left(wanted, c.start)) < len(wanted) and wanted[i] < c.end]
        scores = self.clause_scores([body[c.start:c.end] for _, c in pairs])
        return [ClausePrediction(s, c, cats) for (s, c), cats in zip(pairs, scores)]

    def clause_scores(self, clauses: list[str]) -> list[dict[str, float]]:
        """The activity-type scores of each clause text (with the trigger
        markers the model was trained with, hints.py)."""
        hint = self._hint
        docs = (self.nlp.make_doc(hint(t) if hint else t) for t in clauses)
        return [{k: float(v) for k, v in d.cats.items()}
                for d in self.textcat.pipe(docs, batch_size=self.policy.activities.batch_size)]


def _windows(runs: list[list[Span]], max_chars: int) -> list[Span]:
    """Each run of adjacent clauses as one span, or cut between its clauses
    into spans of at most ``max_chars`` characters (a longer clause is cut
    into windows of that size)."""
    out: list[Span] = []
    for run in runs:
        if not run:
            continue
        start = end = run[0].start
        for c in run:
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
