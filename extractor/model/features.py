"""Per-character features of the CRF recognizer (extractor/model/crf.py).

Three kinds, each a list of strings per character (crfsuite's binary
features):

- characters: the character, its neighbours up to two away, the bigrams
  around it and its centred trigram (Chinese names are learnt from these:
  市委 | 委书 of 市委书记);
- lexicons of the rules: where a unit suffix, community suffix, people noun
  or activity trigger of rules/ begins, continues or ends, and the
  character just after one (a name ends at its suffix, and a person noun or
  trigger after it is where the next thing starts);
- words, when the model was trained with them (``words``): jieba's word
  each character is in, with the character's place in it (begin, middle,
  end, single) and the word's length and dictionary tag, the word itself
  when it has two characters or more, and every dictionary word of two
  characters or more that begins, continues or ends at the character (the
  lattice of jieba's DAG, as lexicon-enhanced Chinese NER reads it: a name's
  words, 疾控中心 | 中心, are there even where the segmentation cuts
  otherwise);
- LAC (:mod:`extractor.model.lac`), when the model was trained with it:
  the character's LAC tag with its position in the LAC word (``ORG-B``),
  those of its neighbours, and the tag of the word it is in.

The lexicons are read from the rules once at training time and saved with
the model (``lexicons.json``), so a later change of the rules never changes
what a shipped model sees: retrain to take it in.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ..ruleset import Rules
from ..text.patterns import alternation
from ..text.segment import SEGMENTER

FILE = "lexicons.json"
# Lexicon kind → short prefix of its features.
KINDS = {"unit_suffix": "u", "community_suffix": "c", "people": "p", "trigger": "t"}
_EDGE = "\x02"  # stands for the characters before the first and after the last


@dataclass(frozen=True)
class Lexicons:
    """Word lists by kind (see ``KINDS``), as saved with a model."""

    words: dict[str, tuple[str, ...]]

    @classmethod
    def from_rules(cls, rules: Rules) -> "Lexicons":
        """The lists of the rules in ``rules``: unit suffixes (long and
        single-character), community suffixes, people nouns (workers and
        served) and literal activity triggers."""
        from ..fields import communities, units
        from ..fields.activities import load_lexicon
        from ..fields.numbers.rules import PEOPLE

        unit, comm, people = rules.load(units.FILE), rules.load(communities.FILE), rules.load(PEOPLE)
        triggers = [w for w, kinds in load_lexicon(rules).literal_kind.items() if any(k for k, _ in kinds)]
        return cls({
            "unit_suffix": _words([*unit.suffixes, *unit.single_suffixes]),
            "community_suffix": _words(comm.suffixes),
            "people": _words([*people.workers, *people.served]),
            "trigger": _words(triggers),
        })

    def save(self, folder: Path) -> None:
        """Write ``lexicons.json`` into ``folder``."""
        (folder / FILE).write_text(json.dumps({k: list(v) for k, v in self.words.items()}, ensure_ascii=False,
                                              indent=0, sort_keys=True), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "Lexicons":
        """The lexicons saved in ``folder`` (OSError / ValueError when broken)."""
        raw = json.loads((folder / FILE).read_text(encoding="utf-8"))
        if not isinstance(raw, dict) or set(raw) != set(KINDS):
            raise ValueError(f"{folder / FILE}: expected the lists {sorted(KINDS)}")
        return cls({k: _words(v) for k, v in raw.items()})


def _words(items: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted({str(w) for w in items if w}))


class Featurizer:
    """Text (and its LAC tags, when the model uses them) → features per character."""

    def __init__(self, lexicons: Lexicons, words: bool = False):
        self.lexicons = lexicons
        self.words = words
        # One alternation per kind, longest first, so that the longest entry
        # at a position wins (人大常委会 over 人大).
        self._res = {KINDS[k]: re.compile(alternation(v)) for k, v in lexicons.words.items() if v}

    def lexicon_marks(self, text: str) -> list[list[str]]:
        """Per character, the lexicon features (``u:B``, ``u:I``, ``u:E``,
        ``u:A`` for begin, inside, end and just after an entry)."""
        marks: list[list[str]] = [[] for _ in text]
        n = len(text)
        for kind, rx in self._res.items():
            for m in rx.finditer(text):
                s, e = m.start(), m.end()
                marks[s].append(f"{kind}:B")
                for i in range(s + 1, e - 1):
                    marks[i].append(f"{kind}:I")
                marks[e - 1].append(f"{kind}:E{min(e - s, 4)}")
                if e < n:
                    marks[e].append(f"{kind}:A")
        return marks

    def features(self, text: str, lac: Sequence[str] | None = None) -> list[list[str]]:
        """The features of every character of ``text``; ``lac`` is its LAC
        tags (one per character, ``ORG-B`` …) or None for a model without them."""
        # Written for speed (the recognizer's cost is mostly here): shifted
        # copies of the text zipped, lexicon marks added where there are any.
        padded = _EDGE * 2 + text + _EDGE * 2
        a, b, c, d, e = (padded[k:k + len(text)] for k in range(5))
        out = [["b", "c=" + c_, "l=" + b_, "r=" + d_, "ll=" + a_, "rr=" + e_, "lc=" + b_ + c_, "cr=" + c_ + d_,
                "al=" + a_ + b_, "rd=" + d_ + e_, "lcr=" + b_ + c_ + d_]
               for a_, b_, c_, d_, e_ in zip(a, b, c, d, e)]
        marks = self.lexicon_marks(text)
        last = len(marks) - 1
        for i, own in enumerate(marks):
            if own:
                out[i] += own
                if i > 0:
                    out[i - 1] += [">" + x for x in own]
                if i < last:
                    out[i + 1] += ["<" + x for x in own]
        if self.words:
            for i, own in enumerate(word_marks(text)):
                out[i] += own
        if lac is not None:
            n = len(lac)
            for i, f in enumerate(out):
                tag = lac[i]
                f += ["L=" + tag, "Lw=" + tag.rsplit("-", 1)[0],
                      "L<=" + (lac[i - 1] if i > 0 else "^"),
                      "L>=" + (lac[i + 1] if i + 1 < n else "$"),
                      "Lc=" + tag + c[i]]
        return out


def word_marks(text: str) -> list[list[str]]:
    """Per character, the word features (see the module docstring): ``wp=B3``
    (place in its jieba word and the word's length, up to 4), ``wt=Bn`` (place
    and the word's dictionary tag, ``x`` for none), ``W=`` the word, and
    ``xB3`` / ``xM3`` / ``xE3`` for each dictionary word (length up to 5)
    beginning, continuing or ending there."""
    # Written for speed (the hybrid tags a quarter of a corpus): each word's
    # strings are made once and added to its characters.
    marks: list[list[str]] = [[] for _ in text]
    for t in SEGMENTER.tokenize(text, 0, len(text)):
        s, e, tag = t.start, t.end, t.tag or "x"
        if e - s == 1:
            marks[s] += ("wp=S1", "wt=S" + tag)
            continue
        size, word = _SIZE4[min(e - s, 4)], "W=" + t.word
        marks[s] += ("wp=B" + size, "wt=B" + tag, word)
        if e - s > 2:
            inside = ("wp=M" + size, "wt=M" + tag, word)
            for i in range(s + 1, e - 1):
                marks[i] += inside
        marks[e - 1] += ("wp=E" + size, "wt=E" + tag, word)
    for s, e in SEGMENTER.dictionary_words(text):
        k = min(e - s, 5)
        marks[s].append(_LATTICE_B[k])
        marks[e - 1].append(_LATTICE_E[k])
        for i in range(s + 1, e - 1):
            marks[i].append(_LATTICE_M[k])
    return marks


_SIZE4 = {k: str(k) for k in range(1, 5)}
_LATTICE_B = {k: f"xB{k}" for k in range(2, 6)}
_LATTICE_M = {k: f"xM{k}" for k in range(2, 6)}
_LATTICE_E = {k: f"xE{k}" for k in range(2, 6)}
