"""jieba segmentation of the Chinese-character runs that may hold a name.

* :class:`Segmenter`, :class:`Token` — from :mod:`extractor.text.segment`
  (jieba's words and dictionary tags, computed by rjieba);
* :func:`runs_with` — the runs of Chinese characters in which a suffix occurs.

A document's tokens are computed once, by its
:class:`~extractor.analysis.Analysis`, which every extractor asks.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from functools import lru_cache

# The segmenter lives in extractor/text/segment.py (rjieba, or jieba as the fallback).
from extractor.text.patterns import made_of
from extractor.text.segment import CHUNK, SEGMENTER, Segmenter, Token  # noqa: F401

# Names are made of Chinese characters; anything else (punctuation, digits,
# spaces, Latin) ends a run and so bounds every name.
_CJK = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff〇]"
CJK_RUN = re.compile(_CJK + "+")
_CJK_CHAR = re.compile(_CJK)
_CJK_STRETCH = re.compile(_CJK + "*")


def runs_with(body: str, hit: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    """Spans of the Chinese-character runs of ``body`` in which ``hit`` occurs."""
    if _within_runs(hit):
        return iter(_runs_of_hits(body, hit))
    return _runs_searched(body, hit)


def _runs_searched(body: str, hit: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    """Each run searched on its own: right for any pattern."""
    for m in CJK_RUN.finditer(body):
        if hit.search(body, m.start(), m.end()):
            yield m.start(), m.end()


@lru_cache(maxsize=32)
def _within_runs(hit: re.Pattern[str]) -> bool:
    """Whether every match of ``hit`` lies inside one run, found there
    whatever surrounds it (suffix words of Chinese characters)."""
    return made_of(hit, _CJK_CHAR)


def _runs_of_hits(body: str, hit: re.Pattern[str]) -> list[tuple[int, int]]:
    """The same runs from one scan of the body (per-run searches cost a call
    for each of the body's runs, most of them hitless): each match lies in
    one run, whose bounds are read around it. Exact for a pattern of
    :func:`_within_runs` only: a run holding a match is reached by the scan
    before any earlier match can have consumed it."""
    out: list[tuple[int, int]] = []
    n, end, back = len(body), -1, ""
    for m in hit.finditer(body):
        s = m.start()
        if s < end:
            continue  # another match of the run already found
        if not back:
            back = body[::-1]  # the run's start is the end of its stretch read backwards
        out.append((n - _CJK_STRETCH.match(back, n - s).end(), end := _CJK_STRETCH.match(body, s).end()))
    return out


def token_index(tokens: list[Token], pos: int) -> int:
    """Index of the token covering offset ``pos`` (tokens are contiguous)."""
    return max(bisect.bisect_right(tokens, pos, key=lambda t: t.start) - 1, 0)
