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

# The segmenter lives in extractor/text/segment.py (rjieba, or jieba as the fallback).
from extractor.text.segment import CHUNK, SEGMENTER, Segmenter, Token  # noqa: F401

# Names are made of Chinese characters; anything else (punctuation, digits,
# spaces, Latin) ends a run and so bounds every name.
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff〇]+")


def runs_with(body: str, hit: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    """Spans of the Chinese-character runs of ``body`` in which ``hit`` occurs."""
    for m in CJK_RUN.finditer(body):
        if hit.search(body, m.start(), m.end()):
            yield m.start(), m.end()


def token_index(tokens: list[Token], pos: int) -> int:
    """Index of the token covering offset ``pos`` (tokens are contiguous)."""
    return max(bisect.bisect_right(tokens, pos, key=lambda t: t.start) - 1, 0)
