"""Word segmentation: jieba's words and dictionary tags, computed fast.

The name extractors walk jieba tokens (word, offsets, dictionary tag). This
module gives them, from one of two backends:

* ``rjieba`` — jieba-rs, the Rust port of jieba, through its maintained
  binding: the same dictionary and algorithm, about 20x faster than jieba in
  Python and without jieba's 1 s import and dictionary load. Used when it is
  installed (it is a dependency).
* ``jieba`` — jieba itself, the declared dependency and the reference: used
  when rjieba is missing, when ``EXTRACTOR_SEGMENTER=jieba``, or when jieba in
  this process was given a dictionary of its own or user words
  (``jieba.set_dictionary``, ``jieba.load_userdict``, ``jieba.add_word``)
  before the first document, so that they count as they always did.

The words are jieba's, character for character. jieba-rs differs from jieba
in three ways, each handled here (tests/test_segment.py; on every line of
xwlb-2020 and hkcnews-2020, tests/test_segment_corpus.py):

1. **Which characters are Chinese.** jieba segments runs of U+4E00–U+9FD5,
   ASCII letters and digits and ``+#&._%-`` ("blocks"); anything else is a
   token of its own per character. jieba-rs also counts the CJK extensions
   (𠮶, U+20BB6 in Cantonese), compatibility ideographs and U+9FD6–U+9FFF as
   Chinese and segments across them (去唔到𠮶个位: jieba 个|位, jieba-rs 个位).
   The text is cut into blocks here, with jieba's expressions, and jieba-rs
   sees one block at a time.
2. **Letters and digits in unknown words.** jieba-rs's HMM step cuts the
   non-Chinese part of an unknown stretch differently (1-11, E-11A,
   www.gfbzb.gov.cn kept whole; jieba: 1|-|11). For a block holding any
   letter, digit or ``+#&._%-``, jieba-rs gives only the dictionary route
   (no HMM) and jieba's HMM step runs here, in Python, on jieba's own model
   files. On these corpora such blocks reach the segmenter only through the
   model's spans (hybrid): the rule extractors segment Chinese runs only.
3. **The dictionary's total count.** dict.txt lists B超 twice; jieba adds
   both lines to the total (60,101,967), jieba-rs counts the word once
   (60,101,964), so every word's log-probability differed by 5e-8. A word no
   text can hold (it starts with NUL) is added with the missing count.

Tags are jieba's dictionary tags (dict.txt's third column, as
``jieba.posseg`` reads it), None for a word not in the dictionary. rjieba
holds the same table; the 8,400 words whose tag it cannot give by itself
(it segments them apart) come from a small cache
(:func:`extractor.text.jieba_dict.rjieba_tag_exceptions`), so no process
loads jieba's dictionaries in Python.
"""
from __future__ import annotations

import logging
import os
import re
import sys
import threading
from collections.abc import Iterable
from itertools import accumulate, repeat
from typing import Callable, NamedTuple

log = logging.getLogger(__name__)

BACKENDS = ("rjieba", "jieba")
CHUNK = 400  # longest stretch handed to the segmenter at once
_MAX_WORD = 16  # the longest word of Chinese characters in dict.txt

# jieba's own expressions (jieba/__init__.py re_han_default, re_skip_default;
# jieba/finalseg re_han, re_skip), in split form: odd items are the matches.
_BLOCK = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)")
_SKIP = re.compile("(\r\n|\\s)")
_HMM_HAN = re.compile("([\u4E00-\u9FD5]+)")
_HMM_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
_NOT_HAN = re.compile("[^\u4E00-\u9FD5]")
# dict.txt's duplicated line (B超 3 n): the count jieba-rs leaves out of its total.
_DUPLICATE_COUNT = 3
_TOTAL_FILLER = "\x00extractor: jieba counts B超 twice"


class Token(NamedTuple):
    """A word with its offsets into the body and its dictionary tag (a
    named tuple: documents make hundreds of thousands of them, and a tuple
    is made four times faster than a frozen dataclass)."""

    start: int  # offsets into the body
    end: int
    word: str
    tag: str | None  # jieba dictionary tag, None for out-of-vocabulary words


_tuple_new = tuple.__new__


class _Rust:
    """jieba's segmentation computed by jieba-rs (see the module docstring)."""

    name = "rjieba"
    _filled = False

    def __init__(self) -> None:
        import rjieba  # builds its dictionary on import (0.17 s)

        if not _Rust._filled:  # once per process: it is rjieba's shared instance
            rjieba.add_word(_TOTAL_FILLER, _DUPLICATE_COUNT, "x")
            _Rust._filled = True
        from .jieba_dict import rjieba_tag_exceptions

        self._cut = rjieba.cut
        self._cut_all = rjieba.cut_all
        self._tag = rjieba.tag
        self._has_word = rjieba.has_word
        self._exceptions = rjieba_tag_exceptions()[0]
        self._hmm: Callable[[str], list[str]] | None = None

    def tagged(self, text: str) -> tuple[list[str], list[str | None]]:
        """jieba's words of ``text`` and their dictionary tags."""
        if not _NOT_HAN.search(text):
            # rjieba.tag is its cut, each word with its dictionary tag (a
            # guess for words not in the dictionary, which jieba leaves None).
            pairs = self._tag(text)
            words = [w for w, _ in pairs]
            has = self._has_word
            return words, [t if has(w) else None for w, t in pairs]
        words = self.words(text)
        return words, list(map(self.tag, words))

    def tag(self, word: str) -> str | None:
        """jieba's dictionary tag of ``word`` (None: not in the dictionary)."""
        t = self._exceptions.get(word)
        if t is not None or not self._has_word(word):
            return t
        return self._tag(word, False)[0][1]  # one word: rjieba.tag keeps it whole (else an exception)

    def words(self, text: str) -> list[str]:
        if not _NOT_HAN.search(text):
            return self._cut(text)  # one block of Chinese: jieba-rs is jieba
        out: list[str] = []
        for i, piece in enumerate(_BLOCK.split(text)):
            if not piece:
                continue
            if i % 2:  # a block
                out.extend(self._mixed(piece) if _NOT_HAN.search(piece) else self._cut(piece))
            else:  # jieba: white space whole, anything else one character at a time
                for j, x in enumerate(_SKIP.split(piece)):
                    if j % 2:
                        out.append(x)
                    else:
                        out.extend(x)
        return out

    def dictionary_words(self, run: str) -> list[tuple[int, int]]:
        """(start, end) of every dictionary word of two characters or more in
        ``run`` (Chinese characters only): jieba's DAG, from jieba-rs's
        ``cut_all``, which lists at each position its character and then the
        longer words starting there (checked as it is read; a listing out of
        that order is redone from the dictionary, one lookup per span)."""
        out: list[tuple[int, int]] = []
        pos = -1
        for w in self._cut_all(run):
            n = len(w)
            if n == 1:
                pos += 1
                if pos >= len(run) or run[pos] != w:
                    return self._dag_by_lookup(run)
            elif pos < 0 or run[pos:pos + n] != w:
                return self._dag_by_lookup(run)
            else:
                out.append((pos, pos + n))
        return out if pos == len(run) - 1 else self._dag_by_lookup(run)

    def _dag_by_lookup(self, run: str) -> list[tuple[int, int]]:
        has = self._has_word
        return [(i, j) for i in range(len(run)) for j in range(i + 2, min(len(run), i + _MAX_WORD) + 1)
                if has(run[i:j])]

    def _mixed(self, block: str) -> list[str]:
        """jieba's ``__cut_DAG`` on a block holding letters or digits: the
        dictionary route from jieba-rs, the HMM step from jieba's model."""
        route: list[str] = []
        for w in self._cut(block, False):
            # Without HMM, jieba-rs (like jieba) joins consecutive single
            # letters and digits; no word of jieba's dictionary is made of
            # letters and digits only (tested), so such a token is singles.
            if len(w) > 1 and w.isascii() and w.isalnum():
                route.extend(w)
            else:
                route.append(w)
        out: list[str] = []
        buf: list[str] = []
        for w in route + [""]:  # "" flushes the last run of single characters
            if len(w) == 1:
                buf.append(w)
                continue
            if len(buf) == 1:
                out.append(buf[0])
            elif buf:
                run = "".join(buf)
                # jieba: a run that is a dictionary word stays single
                # characters; one that is not goes to the HMM. dict.txt has
                # no word of count 0, so has_word is jieba's FREQ.get.
                out.extend(run if self._has_word(run) else self._hmm_cut(run))
            buf = []
            if w:
                out.append(w)
        return out

    def _hmm_cut(self, run: str) -> list[str]:
        """jieba.finalseg.cut."""
        if self._hmm is None:
            self._hmm = _jieba_viterbi()
        out: list[str] = []
        for i, blk in enumerate(_HMM_HAN.split(run)):
            if i % 2:
                out.extend(self._hmm(blk))
            else:
                out.extend(x for x in _HMM_SKIP.split(blk) if x)
        return out


def _jieba_viterbi() -> Callable[[str], list[str]]:
    """jieba.finalseg's Viterbi cut, on jieba's own model files, loaded
    without importing jieba (whose import alone takes most of a second)."""
    import importlib.util

    from .jieba_dict import package_folder

    folder = package_folder() / "finalseg"
    probs = []
    for name in ("prob_start", "prob_trans", "prob_emit"):
        mspec = importlib.util.spec_from_file_location(f"_extractor_jieba_{name}", folder / f"{name}.py")
        module = importlib.util.module_from_spec(mspec)
        mspec.loader.exec_module(module)
        probs.append(module.P)
    start_p, trans_p, emit_p = probs
    prev_status = {"B": "ES", "M": "MB", "S": "SE", "E": "BM"}
    min_float = -3.14e100

    def viterbi(obs: str) -> list[str]:
        V = [{}]
        path = {}
        for y in "BMES":
            V[0][y] = start_p[y] + emit_p[y].get(obs[0], min_float)
            path[y] = [y]
        for t in range(1, len(obs)):
            V.append({})
            newpath = {}
            for y in "BMES":
                em_p = emit_p[y].get(obs[t], min_float)
                prob, state = max((V[t - 1][y0] + trans_p[y0].get(y, min_float) + em_p, y0)
                                  for y0 in prev_status[y])
                V[t][y] = prob
                newpath[y] = path[state] + [y]
            path = newpath
        _, state = max((V[len(obs) - 1][y], y) for y in "ES")
        return path[state]

    def cut(sentence: str) -> list[str]:
        pos_list = viterbi(sentence)
        out, begin, nexti = [], 0, 0
        for i, char in enumerate(sentence):
            pos = pos_list[i]
            if pos == "B":
                begin = i
            elif pos == "E":
                out.append(sentence[begin:i + 1])
                nexti = i + 1
            elif pos == "S":
                out.append(char)
                nexti = i + 1
        if nexti < len(sentence):
            out.append(sentence[nexti:])
        return out

    return cut


class _Python:
    """jieba itself."""

    name = "jieba"

    def __init__(self) -> None:
        from . import jieba_dict

        self._jieba, self._tags = jieba_dict.load()
        self.tag = self._tags.get

    def words(self, text: str) -> list[str]:
        return self._jieba.lcut(text)

    def tagged(self, text: str) -> tuple[list[str], list[str | None]]:
        words = self._jieba.lcut(text)
        return words, list(map(self.tag, words))

    def dictionary_words(self, run: str) -> list[tuple[int, int]]:
        """(start, end) of every dictionary word of two characters or more in ``run``: jieba's DAG."""
        return [(i, j + 1) for i, ends in sorted(self._jieba.get_DAG(run).items()) for j in ends if j > i]


def _jieba_customized(total: int) -> bool:
    """Whether jieba, already imported here, has a dictionary of its own or
    user words (its total count is not dict.txt's)."""
    jieba = sys.modules.get("jieba")
    dt = getattr(jieba, "dt", None)
    if dt is None:
        return False
    return (dt.dictionary is not None or bool(dt.user_word_tag_tab)
            or (dt.initialized and dt.total != total))


def choose_backend() -> str:
    """The backend this process would use: ``EXTRACTOR_SEGMENTER`` if it says
    ``jieba``, else rjieba when it imports and jieba was not customized."""
    wanted = os.environ.get("EXTRACTOR_SEGMENTER", "").strip().lower()
    if wanted and wanted not in BACKENDS:
        log.warning("EXTRACTOR_SEGMENTER=%s is not one of %s; using the default", wanted, ", ".join(BACKENDS))
    if wanted == "jieba":
        return "jieba"
    try:
        import rjieba  # noqa: F401
    except ImportError:
        return "jieba"
    from . import jieba_dict

    return "jieba" if _jieba_customized(jieba_dict.rjieba_tag_exceptions()[1]) else "rjieba"


class Segmenter:
    """Segmentation behind a lock, loaded on first use (or by :meth:`load`).

    It keeps no tokens: a document's are cached by its
    :class:`~extractor.analysis.Analysis`, so the unit and community
    extractors segment each run once between them."""

    _lock = threading.Lock()

    def __init__(self, backend: str | None = None) -> None:
        if backend is not None and backend not in BACKENDS:
            raise ValueError(f"unknown segmenter {backend!r}: one of {', '.join(BACKENDS)}")
        self._wanted = backend
        self._backend: _Rust | _Python | None = None

    def _load(self) -> _Rust | _Python:
        if self._backend is None:
            with self._lock:
                if self._backend is None:
                    name = self._wanted or choose_backend()
                    self._backend = _Rust() if name == "rjieba" else _Python()
        return self._backend

    def load(self) -> None:
        """Load the dictionaries now rather than on first use."""
        self._load()

    @property
    def backend(self) -> str:
        """``rjieba`` or ``jieba`` (loads the segmenter)."""
        return self._load().name

    def words(self, text: str) -> list[str]:
        """jieba's words of ``text`` (``jieba.lcut``, HMM on)."""
        return self._load().words(text)

    def tokenize(self, body: str, start: int, end: int) -> list[Token]:
        """Tokens of ``body[start:end]`` with offsets into ``body``."""
        tagged = self._load().tagged
        toks: list[Token] = []
        # Real runs between punctuation are short; an endless one (adversarial
        # input) is cut into chunks, since jieba's cost grows faster than its length.
        for cs in range(start, end, CHUNK):
            ws, tags = tagged(body[cs:min(cs + CHUNK, end)])
            bounds = list(accumulate(map(len, ws), initial=cs))
            # Built by C loops (map, zip, accumulate): a Python loop making
            # the tuples one by one cost more than segmenting.
            toks.extend(map(_tuple_new, repeat(Token), zip(bounds, bounds[1:], ws, tags)))
        return toks

    def tag(self, word: str) -> str | None:
        """jieba's dictionary tag of ``word``, None when it is not a word of it."""
        return self._load().tag(word)

    def dictionary_words(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every word of jieba's dictionary of two characters
        or more inside the runs of Chinese characters of ``text``, overlapping
        ones included (jieba's DAG, what ``cut_all`` lists): the lattice of
        words a character may belong to, which the recognizer reads."""
        dw = self._load().dictionary_words
        out: list[tuple[int, int]] = []
        for m in _HMM_HAN.finditer(text):
            base = m.start()
            out.extend((base + s, base + e) for s, e in dw(m.group()))
        return out

    def is_place(self, word: str, endings: Iterable[str]) -> bool:
        """Whether jieba's dictionary knows ``word`` + an ending (市, 省) as a place:
        a cheap gazetteer test (武汉 -> 武汉市)."""
        tag = self._load().tag
        return tag(word) == "ns" and any(tag(word + e) == "ns" for e in endings)


SEGMENTER = Segmenter()
