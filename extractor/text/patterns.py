"""Regular expressions built from lexicons (the word lists in ``rules/``)."""
from __future__ import annotations

import re
from typing import Iterable


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of the literal ``words``, longest first, so that a
    longer word wins where two start at the same place (工作组 beats 组).
    Empty for no words: callers decide what an empty lexicon means."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
