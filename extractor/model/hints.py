"""The rules' activity triggers as features of the clause classifier.

3,400 hand-labelled clauses are too few for a bag of characters to learn
twelve activity types from (on its development rows: macro F1 0.13–0.24
without hints). The trigger lexicon of rules/activities.yaml knows which
words name which type; what it does not know is when such a word is work
for residents and when it is something else (diplomatic 慰问, 检测 results
of a patient), which is what the hand labels teach. So each clause given to
the classifier is followed by one marker character per activity type one of
its literal triggers names: a private-use character the bag of words sees as
a token of its own, beside the clause's characters.

The word lists are read from the rules at training time and saved with the
model (``hints.json``), so a later change of the rules never changes what a
shipped model sees: retrain to take it in.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..ruleset import Rules
from ..text.patterns import alternation

FILE = "hints.json"
# The first private-use code point: marker of the i-th type = chr(BASE + i).
BASE = 0xE000


@dataclass(frozen=True)
class TriggerHints:
    """Activity type → its literal trigger words, as saved with a model."""

    words: dict[str, tuple[str, ...]]

    @classmethod
    def from_rules(cls, rules: Rules) -> "TriggerHints":
        """The literal triggers of rules/activities.yaml by the type they name
        (words the rules ignore, or name no type, left out)."""
        from ..fields.activities import load_lexicon

        lex = load_lexicon(rules)
        by_slug: dict[str, set[str]] = {s: set() for s in lex.slugs}
        for word, kinds in lex.literal_kind.items():
            for slug, _weak in kinds:
                if slug:
                    by_slug.setdefault(str(slug), set()).add(word)
        return cls({s: tuple(sorted(w)) for s, w in by_slug.items()})

    def save(self, folder: Path) -> None:
        """Write ``hints.json`` into ``folder``."""
        (folder / FILE).write_text(json.dumps({k: list(v) for k, v in self.words.items()}, ensure_ascii=False,
                                              indent=0, sort_keys=True), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "TriggerHints | None":
        """The hints saved in ``folder``, None for a model trained without them
        (ValueError when the file is not a mapping of lists of words)."""
        path = folder / FILE
        if not path.exists():
            return None
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict) or not all(isinstance(v, list) for v in raw.values()):
            raise ValueError(f"{path}: expected activity types mapped to lists of words")
        return cls({str(k): tuple(str(w) for w in v) for k, v in raw.items()})


class Hinter:
    """A clause → the clause followed by the markers of the types its triggers name."""

    def __init__(self, hints: TriggerHints):
        self.slugs = tuple(sorted(hints.words))
        word_slugs: dict[str, set[int]] = {}
        for i, slug in enumerate(self.slugs):
            for w in hints.words[slug]:
                word_slugs.setdefault(w, set()).add(i)
        self._marks = {w: "".join(chr(BASE + i) for i in sorted(ix)) for w, ix in word_slugs.items()}
        # Longest first, so that the longest trigger at a position wins.
        self._re = re.compile(alternation(list(self._marks))) if self._marks else None

    def __call__(self, clause: str) -> str:
        if self._re is None:
            return clause
        marks = sorted({c for m in self._re.finditer(clause) for c in self._marks[m.group()]})
        return clause + "".join(marks)
