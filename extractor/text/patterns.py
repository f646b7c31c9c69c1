"""Regular expressions and tests built from lexicons (the word lists in ``rules/``)."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of the literal ``words``, longest first, so that a
    longer word wins where two start at the same place (工作组 beats 组); ties
    in code-point order, so the pattern is the same in every process.
    Empty for no words: callers decide what an empty lexicon means."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


@lru_cache(maxsize=64)
def _lengths(words: frozenset[str]) -> tuple[int, ...]:
    return tuple(sorted({len(w) for w in words if w}))


def only_made_of(text: str, words: frozenset[str]) -> bool:
    """Whether ``text`` is a concatenation of ``words`` (empty text: False).

    One pass over ``text``: at each reachable offset, one set look-up per
    distinct word length (not one test per word of the lexicon)."""
    if not text:
        return False
    n = len(text)
    ok = bytearray(n + 1)
    ok[0] = 1
    lengths = _lengths(words)
    for i in range(n):
        if ok[i]:
            for k in lengths:
                if i + k > n:
                    break
                if text[i:i + k] in words:
                    ok[i + k] = 1
    return bool(ok[n])
