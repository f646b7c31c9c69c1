"""The UNIT / COMMUNITY recognizer: a linear-chain CRF over characters
(python-crfsuite), features of extractor/model/features.py.

Labels are BIO over characters: ``B-UNIT``, ``I-UNIT``, ``B-COMMUNITY`` …
and ``B-COMPANY`` / ``I-COMPANY`` for CLUENER's company spans (CLUENER's
UNIT, government + organization, leaves enterprises out; the project counts
them as units, so they are a label of their own and become units at run
time, see ``FIELD_OF`` in merge.py). A span's score is the lowest marginal
probability, over its characters, of the label the CRF gave them: how sure
the model is of every character of the span at once, at worst.

A trained recognizer is a folder: ``ner.crfsuite`` (the CRF), ``crf.json``
(labels, whether LAC and word features are used, training figures) and
``lexicons.json`` (features.py).
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from .features import Featurizer, Lexicons

MODEL_FILE, META_FILE = "ner.crfsuite", "crf.json"
OUTSIDE = "O"


@dataclass(frozen=True)
class Span:
    """A labelled character span of one text with its score."""

    start: int
    end: int
    label: str
    score: float


def bio(n: int, spans: Iterable[Sequence[Any]]) -> list[str]:
    """BIO labels of a text of ``n`` characters from ``[start, end, label]``
    spans; a span overlapping an earlier one is dropped."""
    tags = [OUTSIDE] * n
    for s, e, label in sorted(spans, key=lambda x: (x[0], -x[1])):
        if 0 <= s < e <= n and all(t == OUTSIDE for t in tags[s:e]):
            tags[s] = "B-" + label
            for i in range(s + 1, e):
                tags[i] = "I-" + label
    return tags


def spans_of(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """The (start, end, label) spans of BIO ``tags`` (an I- without its B- opens a span)."""
    out: list[tuple[int, int, str]] = []
    start, label = -1, ""
    for i, t in enumerate([*tags, OUTSIDE]):
        kind, _, lab = t.partition("-")
        if start >= 0 and (kind != "I" or lab != label):
            out.append((start, i, label))
            start = -1
        if kind == "B" or (kind == "I" and start < 0):
            start, label = i, lab
    return out


class Recognizer:
    """A trained CRF recognizer loaded from its folder."""

    def __init__(self, folder: Path):
        import pycrfsuite

        self.folder = folder
        self.meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        self.uses_lac = bool(self.meta.get("lac"))
        self.labels = tuple(self.meta["labels"])
        self.featurizer = Featurizer(Lexicons.load(folder), words=bool(self.meta.get("words")))
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(folder / MODEL_FILE))
        self._lac = None

    @property
    def lac(self) -> Any:
        """The LAC tagger, loaded on first use (only models trained with it need it)."""
        if self._lac is None:
            from .lac import Lac

            self._lac = Lac()
        return self._lac

    def predict(self, text: str, lac: Sequence[str] | None = None,
                outside: list[float] | None = None) -> list[Span]:
        """The spans of ``text`` with their scores; ``lac`` are its LAC tags
        when already computed (else computed here for a model that uses them).
        ``outside``, when given, is extended with each character's marginal
        probability of being in no span (what the hybrid's rejection reads)."""
        if not text:
            return []
        if self.uses_lac and lac is None:
            lac = self.lac.tags(text)
        tagger = self._tagger
        tags = tagger.tag(self.featurizer.features(text, lac if self.uses_lac else None))
        out = []
        for s, e, label in spans_of(tags):
            score = min(tagger.marginal(tags[i], i) for i in range(s, e))
            out.append(Span(s, e, label, round(score, 4)))
        if outside is not None:
            outside.extend(tagger.marginal(OUTSIDE, i) for i in range(len(text)))
        return out


def train(rows: Iterable[dict[str, Any]], folder: Path, lexicons: Lexicons, *, lac: Any = None, words: bool = False,
          c1: float = 0.05, c2: float = 0.01, max_iterations: int = 150, min_freq: int = 2,
          lac_cache: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """Train a recognizer on ``rows`` (``{"text", "spans": [[s, e, label]], "missing"?, "repeat"?}``;
    ``missing`` spans, CLUENER's companies, become ``COMPANY``) and save it in
    ``folder``. ``lac`` is a :class:`~extractor.model.lac.Lac` for a model with
    LAC features, None for one without; ``words`` gives it word features
    (features.py). L-BFGS is deterministic: the same
    rows give the same model. Returns the figures written to crf.json."""
    import pycrfsuite

    folder.mkdir(parents=True, exist_ok=True)
    feats = Featurizer(lexicons, words=words)
    trainer = pycrfsuite.Trainer(verbose=False)
    labels: set[str] = set()
    t0 = time.perf_counter()
    n = 0
    for row in rows:
        text = row["text"]
        spans = [*row["spans"], *([s, e, "COMPANY"] for s, e in row.get("missing", []))]
        tags = bio(len(text), spans)
        labels.update(t[2:] for t in tags if t != OUTSIDE)
        tags_lac = None
        if lac is not None:
            tags_lac = lac_cache.get(text) if lac_cache is not None else None
            if tags_lac is None:
                tags_lac = lac.tags(text)
                if lac_cache is not None:
                    lac_cache[text] = tags_lac
        xseq = feats.features(text, tags_lac)
        for _ in range(row.get("repeat", 1)):
            trainer.append(xseq, tags)
        n += 1
    t1 = time.perf_counter()
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": max_iterations,
                        "feature.minfreq": min_freq, "feature.possible_transitions": True})
    trainer.train(str(folder / MODEL_FILE))
    lexicons.save(folder)
    meta = {"lac": lac is not None, "words": words, "labels": sorted(labels), "sentences": n,
            "params": {"c1": c1, "c2": c2, "max_iterations": max_iterations, "min_freq": min_freq},
            "seconds": {"features": round(t1 - t0, 1), "train": round(time.perf_counter() - t1, 1)}}
    (folder / META_FILE).write_text(json.dumps(meta, indent=1, sort_keys=True), encoding="utf-8")
    return meta
