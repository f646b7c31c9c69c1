"""Regular expressions and tests built from lexicons (the word lists in ``rules/``)."""
from __future__ import annotations

import re
from typing import Iterable


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of the literal ``words``, longest first, so that a
    longer word wins where two start at the same place (工作组 beats 组); ties
    in code-point order, so the pattern is the same in every process.
    Empty for no words: callers decide what an empty lexicon means."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def only_made_of(text: str, words: frozenset[str]) -> bool:
    """Whether ``text`` is a concatenation of ``words`` (empty text: False)."""
    if not text:
        return False
    ok = [True] + [False] * len(text)
    for i in range(len(text)):
        if ok[i]:
            for w in words:
                if text.startswith(w, i):
                    ok[i + len(w)] = True
    return ok[len(text)]
