"""jieba segmentation of the Chinese-character runs that may hold a name.

* :class:`Segmenter` — jieba, initialised once and quietly (its dictionaries
  through :mod:`extractor.text.jieba_dict`);
* :class:`Token` — a word with its offsets into the body and its dictionary tag;
* :func:`runs_with` — the runs of Chinese characters in which a suffix occurs.

A document's tokens are computed once, by its
:class:`~extractor.analysis.Analysis`, which every extractor asks.
"""
from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

# Names are made of Chinese characters; anything else (punctuation, digits,
# spaces, Latin) ends a run and so bounds every name.
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff〇]+")


CHUNK = 400  # longest stretch handed to jieba at once


@dataclass(frozen=True)
class Token:
    start: int  # offsets into the body
    end: int
    word: str
    tag: str | None  # jieba dictionary tag, None for out-of-vocabulary words


class Segmenter:
    """jieba behind a lock, initialised on first use with its logging silenced.

    It keeps no tokens: a document's are cached by its
    :class:`~extractor.analysis.Analysis`, so the unit and community
    extractors segment each run once between them."""

    _lock = threading.Lock()

    def __init__(self) -> None:
        self._jieba = None
        self._tags: dict[str, str] = {}

    def _load(self):
        if self._jieba is None:
            with self._lock:
                if self._jieba is None:
                    from extractor.text import jieba_dict

                    self._jieba, self._tags = jieba_dict.load()
        return self._jieba

    def load(self) -> None:
        """Load jieba's dictionaries now rather than on first use."""
        self._load()

    def tokenize(self, body: str, start: int, end: int) -> list[Token]:
        """Tokens of ``body[start:end]`` with offsets into ``body``."""
        jieba = self._load()
        toks: list[Token] = []
        # Real runs between punctuation are short; an endless one (adversarial
        # input) is cut into chunks, since jieba's cost grows faster than its length.
        for cs in range(start, end, CHUNK):
            ce = min(cs + CHUNK, end)
            toks.extend(Token(cs + s, cs + e, w, self._tags.get(w))
                        for w, s, e in jieba.tokenize(body[cs:ce]))
        return toks

    def tag(self, word: str) -> str | None:
        self._load()
        return self._tags.get(word)

    def is_place(self, word: str, endings: Iterable[str]) -> bool:
        """Whether jieba's dictionary knows ``word`` + an ending (市, 省) as a place:
        a cheap gazetteer test (武汉 -> 武汉市)."""
        self._load()
        return self._tags.get(word) == "ns" and any(self._tags.get(word + e) == "ns" for e in endings)


SEGMENTER = Segmenter()


def runs_with(body: str, hit: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    """Spans of the Chinese-character runs of ``body`` in which ``hit`` occurs."""
    for m in CJK_RUN.finditer(body):
        if hit.search(body, m.start(), m.end()):
            yield m.start(), m.end()


def token_index(tokens: list[Token], pos: int) -> int:
    """Index of the token covering offset ``pos`` (tokens are contiguous)."""
    return max(bisect.bisect_right(tokens, pos, key=lambda t: t.start) - 1, 0)
