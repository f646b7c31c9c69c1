"""Regular expressions and tests built from lexicons (the word lists in ``rules/``)."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable, Iterator

try:  # Python 3.11+: re's parser, compiler and opcodes (first_char_guard, required_words)
    import re._compiler as _rc
    import re._constants as _sc
    import re._parser as _sp
except ImportError:  # pragma: no cover - Python 3.10 has the same code under older names
    import sre_compile as _rc  # type: ignore[no-redef]
    import sre_constants as _sc  # type: ignore[no-redef]
    import sre_parse as _sp  # type: ignore[no-redef]


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


# ---------------------------------------------------------------- first-character guard
# Python's regex engine tries a pattern at every position of a text. For a
# big alternation whose branches begin with groups and lookbehinds, it
# enters branch after branch before failing at most positions; a lookahead
# of the characters a match can begin with fails there in one test. The
# set is computed from the parsed pattern, never written by hand, and is a
# superset of the true first characters (anything the walk cannot bound
# gives no guard), so the guard changes no match.
_CATEGORIES = {
    _sc.CATEGORY_DIGIT: r"\d", _sc.CATEGORY_NOT_DIGIT: r"\D", _sc.CATEGORY_SPACE: r"\s",
    _sc.CATEGORY_NOT_SPACE: r"\S", _sc.CATEGORY_WORD: r"\w", _sc.CATEGORY_NOT_WORD: r"\W",
}
# A range wider than this (all Chinese characters) passes nearly every
# position of a Chinese text: such a guard costs more than it spares.
_WIDEST_RANGE = 256
_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")
_ZERO_WIDTH = {_sc.AT, _sc.ASSERT, _sc.ASSERT_NOT}
_REPEATS = {_sc.MAX_REPEAT, _sc.MIN_REPEAT, getattr(_sc, "POSSESSIVE_REPEAT", _sc.MAX_REPEAT)}


class _Unbounded(Exception):
    """The first character of a match cannot be bounded by a class."""


def _first(items: Iterable[tuple]) -> tuple[list[str], bool]:
    """(class items, open): a match of the sequence ``items`` begins with a
    character of the class, unless ``open`` (it may then begin anywhere,
    even at the end of the text: an empty match)."""
    out: list[str] = []
    for op, av in items:
        if op is _sc.ASSERT and av[0] == 1:  # a lookahead: its first character is the match's
            chars, empty = _first(av[1])
            if not empty:
                return out + chars, False
            continue
        if op is _sc.LITERAL:
            return out + [_class_char(av)], False
        if op is _sc.IN:
            for kind, arg in av:
                if kind is _sc.LITERAL:
                    out.append(_class_char(arg))
                elif kind is _sc.RANGE and arg[1] - arg[0] < _WIDEST_RANGE:
                    out.append(f"{_class_char(arg[0])}-{_class_char(arg[1])}")
                elif kind is _sc.CATEGORY and arg in _CATEGORIES:
                    out.append(_CATEGORIES[arg])
                else:  # NEGATE, case-folded ranges, …
                    raise _Unbounded
            return out, False
        if op in _ZERO_WIDTH:
            continue  # consumes nothing: the next item gives the first character
        if op is _sc.SUBPATTERN:
            _group, add_flags, _del_flags, sub = av
            if add_flags & _sc.SRE_FLAG_IGNORECASE:
                raise _Unbounded
            chars, empty = _first(sub)
        elif op is getattr(_sc, "ATOMIC_GROUP", None):
            chars, empty = _first(av)
        elif op is _sc.BRANCH:
            chars, empty = [], False
            for branch in av[1]:
                c, e = _first(branch)
                chars += c
                empty = empty or e
        elif op in _REPEATS:
            low, _high, sub = av
            chars, empty = _first(sub)
            empty = empty or low == 0
        else:  # ANY, NOT_LITERAL, group references, …
            raise _Unbounded
        out += chars
        if not empty:
            return out, False
    return out, True


def _class_char(code: int) -> str:
    c = chr(code)
    return "\\" + c if c in "\\]^-[" else c


def first_char_guard(source: str, flags: int = 0) -> str:
    """``source`` preceded by a lookahead of the characters its matches can
    begin with (the same matches, found faster where most positions begin
    none); ``source`` unchanged when that set cannot be bounded or is
    unselective, the pattern can match the empty string or ignores case, or
    the engine already skips to a literal prefix or first character by
    itself (a pattern beginning with a word or a class: a guard would only
    slow it)."""
    if flags & re.IGNORECASE or _GLOBAL_FLAGS.match(source):
        return source  # global inline flags ((?x)…) must stay first: left alone
    try:
        parsed = _sp.parse(source, flags)
        if _engine_skips(parsed, flags):
            return source
        chars, empty = _first(parsed)
    except _Unbounded:
        return source
    if empty or not chars:
        return source
    return f"(?=[{''.join(dict.fromkeys(chars))}])(?:{source})"


def _engine_skips(parsed: Any, flags: int) -> bool:
    """Whether the engine finds this pattern's candidate positions itself
    (a literal prefix, or a first-character set, in its compiled info)."""
    try:
        prefix = _rc._get_literal_prefix(parsed, flags)[0]
        return bool(prefix) or _rc._get_charset_prefix(parsed, flags) is not None
    except Exception:  # noqa: BLE001 - private helpers of re: when they change, no guard
        return True


def starts_anchored(pattern: re.Pattern[str]) -> bool:
    """Whether ``pattern`` can match only at the start of the text (its
    first item is ``^`` or ``\\A``, outside any alternation, not MULTILINE)."""
    if pattern.flags & re.MULTILINE:
        return False
    items = _sp.parse(pattern.pattern, pattern.flags).data
    return bool(items) and items[0][0] is _sc.AT and items[0][1] in (_sc.AT_BEGINNING, _sc.AT_BEGINNING_STRING)


# ---------------------------------------------------------------- required words
def required_words(pattern: re.Pattern[str]) -> tuple[tuple[str, ...], ...]:
    """Words every match of ``pattern`` contains: one of each tuple. A text
    that lacks all the words of one tuple holds no match, which ``in``
    (a C-level scan) tells faster than the engine trying every position.

    Read from the parse tree: the runs of plain characters, the
    alternations of plain words (``(?:讯|消息)``) and the classes of plain
    characters in the pattern's top-level sequence and in its groups;
    nothing optional, repeated, inside an alternation of anything else or
    inside a lookaround counts, and a pattern that ignores case requires
    nothing."""
    if pattern.flags & re.IGNORECASE:
        return ()
    out: list[tuple[str, ...]] = []
    _needs(_sp.parse(pattern.pattern, pattern.flags).data, out)
    return tuple(out)


def _needs(items: Iterable[tuple], out: list[tuple[str, ...]]) -> None:
    run: list[str] = []
    for op, av in items:
        if op is _sc.LITERAL:
            run.append(chr(av))
            continue
        if run:
            out.append(("".join(run),))
            run = []
        if op is _sc.BRANCH:
            words = [_plain(branch) for branch in av[1]]
            if all(words):
                out.append(tuple(words))  # type: ignore[arg-type]
        elif op is _sc.IN and av and all(kind is _sc.LITERAL for kind, _ in av):
            out.append(tuple(chr(c) for _, c in av))
        elif op is _sc.SUBPATTERN and not av[1] & _sc.SRE_FLAG_IGNORECASE:
            _needs(av[3], out)
    if run:
        out.append(("".join(run),))


def _plain(items: Any) -> str | None:
    """The word a sequence of plain characters spells (None: it is not one)."""
    if not items or any(op is not _sc.LITERAL for op, _ in items):
        return None
    return "".join(chr(av) for _, av in items)


def may_match(needs: tuple[tuple[str, ...], ...], text: str) -> bool:
    """Whether ``text`` holds one word of each tuple of :func:`required_words`."""
    # Plain loops: two nested generators cost more than the scans they drive.
    for words in needs:
        for w in words:
            if w in text:
                break
        else:
            return False
    return True


def made_of(pattern: re.Pattern[str], char: re.Pattern[str]) -> bool:
    """Whether every match of ``pattern`` is a non-empty string of characters
    ``char`` matches one at a time, found whatever stands around it: the
    pattern is only characters, classes of characters, alternations and
    groups (no repeat, anchor, lookaround, back-reference or flag).
    A search of such a pattern in a span of the text finds what a search of
    the whole text finds there."""
    if pattern.flags & ~re.UNICODE:
        return False
    parsed = _sp.parse(pattern.pattern, pattern.flags)
    return parsed.getwidth()[0] > 0 and _chars_only(parsed.data, char)


def _chars_only(items: Iterable[tuple], char: re.Pattern[str]) -> bool:
    for op, av in items:
        if op is _sc.LITERAL:
            ok = char.fullmatch(chr(av)) is not None
        elif op is _sc.IN:
            ok = all(kind is _sc.LITERAL and char.fullmatch(chr(arg)) for kind, arg in av)
        elif op is _sc.BRANCH:
            ok = all(_chars_only(branch, char) for branch in av[1])
        elif op is _sc.SUBPATTERN:
            ok = not av[1] and not av[2] and _chars_only(av[3], char)
        else:
            ok = False
        if not ok:
            return False
    return True


# ---------------------------------------------------------------- scans near a required word
class NearWordScan:
    """``pattern.finditer`` from searches started just before the words every
    match requires: one scan for the words (a literal alternation the
    engine skips through), and the pattern tried only from ``width - 1``
    characters before each of them. The same matches, in the same order.

    Why exact: every match holds one of ``anchors`` (a tuple of
    :func:`required_words`) and is at most ``width`` characters long, so a
    match that starts at or after ``pos`` starts after ``q - width``, where
    ``q`` is the first anchor at or after ``pos``: no match starts before
    that, and a search from there finds the leftmost one, as ``finditer``
    would (a search from an offset sees the text before it, as lookbehinds
    and ``^`` need). :meth:`build` returns None where this does not hold
    (no required word, a match that may be empty or unbounded)."""

    def __init__(self, pattern: re.Pattern[str], anchors: tuple[str, ...], width: int):
        self.pattern = pattern
        self.anchor = re.compile(alternation(anchors))
        self.width = width

    @classmethod
    def build(cls, pattern: re.Pattern[str]) -> "NearWordScan | None":
        """The scan for ``pattern``, or None when it cannot be exact."""
        needs = required_words(pattern)
        if not needs:
            return None
        low, high = _sp.parse(pattern.pattern, pattern.flags).getwidth()
        if low == 0 or high >= _sc.MAXREPEAT:
            return None
        return cls(pattern, min(needs, key=len), high)  # the fewest words: usually the rarest

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """The matches of ``pattern.finditer(text)``."""
        pos, search, anchor, back = 0, self.pattern.search, self.anchor.search, self.width - 1
        while (w := anchor(text, pos)) is not None:
            m = search(text, max(pos, w.start() - back))
            if m is None:
                return
            yield m
            pos = m.end()
