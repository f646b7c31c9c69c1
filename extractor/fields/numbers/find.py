"""Finding number spans: one pass of the combined finder pattern, then the
checks that throw out what only looks like a count (ordinals, negated counts,
idioms, durations written with a count measure, Chinese numerals before
measures that are mostly words).
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache
from typing import Iterator

from extractor.fields.numbers.forms import HEADS, counts_something
from extractor.fields.numbers.resolve import Amount, resolve
from extractor.fields.numbers.rules import NumberRules
from extractor.text.patterns import may_match, required_words

_ASCII_DIGIT = re.compile(r"[0-9]")
# How far back the ordinal / negation words are looked for.
_LOOKBACK = 12


class _Spans:
    """Sorted, disjoint spans (idioms, URLs, tags) with an overlap query."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.ends, start + 1)
        return i < len(self.starts) and self.starts[i] < end


_HEAD_GROUPS = ("pre", *(f.group for f in HEADS), "num")


def _head(m: re.Match[str]) -> int:
    """Where the matched words start (the pattern may begin with a space)."""
    # start() is -1 exactly for a group that took no part in the match
    return min([s for s in map(m.start, _HEAD_GROUPS) if s >= 0])


def _ends_with_any(text: str, words: list[str]) -> str:
    for w in words:
        if text.endswith(w):
            return w
    return ""


def _is_ordinal(before: str, nr: NumberRules) -> bool:
    """``第3轮``, ``前三名`` (but not ``目前5名``)."""
    if _ends_with_any(before, nr.ordinal_before) and not _ends_with_any(before, nr.ordinal_except):
        return True
    return any(p.search(before) for p in nr.ordinal_patterns)


def _skip_spans(body: str, nr: NumberRules) -> _Spans:
    """Idioms, URLs, tags: merged into one sorted list of disjoint spans."""
    spans = [mm.span() for mm in nr.idioms.finditer(body)] if nr.idioms else []
    for p in nr.skip:
        if may_match(_required(p), body):  # an e-mail needs its @: most bodies skip the scan
            spans += [mm.span() for mm in p.finditer(body)]
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return _Spans(merged)


@lru_cache(maxsize=64)
def _required(pattern: re.Pattern[str]) -> tuple[tuple[str, ...], ...]:
    return required_words(pattern)


def _blocked(m: re.Match[str], body: str, nr: NumberRules, skip: _Spans) -> bool:
    """True when the match is not a count whatever its value."""
    word = m.group("measure")
    head = _head(m)
    if skip.overlaps(head, m.end()):
        return True
    before = body[max(0, head - _LOOKBACK):head].rstrip(" ")
    if _is_ordinal(before, nr) or _ends_with_any(before, nr.negations):
        return True
    if not word:
        return False
    if word in nr.arabic_only and not _ASCII_DIGIT.search(m.group("num")):
        return True
    if _ends_with_any(before, nr.not_preceded.get(word, [])):
        return True
    follow = nr.not_followed.get(word)
    return bool(follow and follow.match(body, m.end("measure")))


def find_amounts(body: str, nr: NumberRules) -> Iterator[Amount]:
    """Every counted amount in ``body``, in text order."""
    skip = _skip_spans(body, nr)
    for m in nr.finder.finditer(body):
        if not counts_something(m) or _blocked(m, body, nr, skip):
            continue
        amount = resolve(m, body, nr)
        if amount is not None and not _too_many_people(amount, nr):
            yield amount


def _too_many_people(amount: Amount, nr: NumberRules) -> bool:
    """More people than there are (``max_people_count``): noise, not a count."""
    return (amount.kind == "count" and amount.word in nr.people_measures
            and max(amount.low, amount.high or 0) > nr.people.max_count)
