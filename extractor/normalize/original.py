"""The text as written, for spans of a normalized body (traditional and mixed
documents: their ``text_original``, ``sentence_original``, ``title_original``).

Normalization changes a traditional text in three ways, and each is mapped:

* width folding (NFKC) is applied character by character here, so every
  folded character knows the input character it came from (``……`` becomes
  ``......``: six characters from two);
* OpenCC conversion keeps the length (``hk2s`` converts one character to one
  character; measured on 840 Hong Kong articles, 2.7 M characters, without an
  exception), so a position in the converted text is the same position in
  the folded one; a document where it does not hold gets no originals;
* the later steps (Markdown, boilerplate lines, the dateline stamp, blank
  lines, a title put in front) keep or drop whole lines and, within a line,
  drop or add a few characters: the body is aligned to the converted text
  line by line, and changed lines character by character.
"""
from __future__ import annotations

import re
from array import array
from difflib import SequenceMatcher
from typing import Callable

UNKNOWN = -1


def fold_with_origin(text: str, fold: Callable[[str], str]) -> tuple[str, array] | None:
    """``fold(text)`` computed character by character, with the index in
    ``text`` of each folded character; None when that does not give
    ``fold(text)`` (a combining sequence composed across characters)."""
    # Most characters fold to themselves: only the others are visited.
    changed = {c: f for c in set(text) for f in (fold(c),) if f != c}
    if "\r" in changed:
        changed["\r\n"] = "\n"  # one line break, the \n's (folded below as at i + 1)
    if not changed:
        return (text, array("l", range(len(text)))) if fold(text) == text else None
    pattern = re.compile("|".join(re.escape(c) for c in sorted(changed, key=len, reverse=True)))
    out: list[str] = []
    origin = array("l")
    at = 0
    for m in pattern.finditer(text):
        out.append(text[at:m.start()])
        origin.extend(range(at, m.start()))
        f = changed[m.group()]
        out.append(f)
        origin.extend([m.end() - 1] * len(f))
        at = m.end()
    out.append(text[at:])
    origin.extend(range(at, len(text)))
    folded = "".join(out)
    return (folded, origin) if folded == fold(text) else None


def align(body: str, source: str) -> array:
    """For each character of ``body``, the index of the same character in
    ``source``, or UNKNOWN for one that ``source`` does not have there.

    Lines with text are matched first (blank lines are no anchors: the
    clean-up adds and drops them); lines edited in place, then characters.
    A line break is left UNKNOWN (it is a line break either way)."""
    out = array("l", [UNKNOWN]) * len(body)
    b_lines, s_lines = _text_lines(body), _text_lines(source)
    lines = SequenceMatcher(None, [t for _, t in s_lines], [t for _, t in b_lines], autojunk=len(s_lines) > 2000)
    for op, s0, s1, b0, b1 in lines.get_opcodes():
        if op == "equal":
            for (ss, text), (bs, _) in zip(s_lines[s0:s1], b_lines[b0:b1]):
                out[bs:bs + len(text)] = array("l", range(ss, ss + len(text)))
        elif op == "replace" and b1 - b0 == s1 - s0:  # lines edited in place
            for (ss, s_text), (bs, b_text) in zip(s_lines[s0:s1], b_lines[b0:b1]):
                _align_chars(source, ss, len(s_text), body, bs, len(b_text), out)
        elif op == "replace":
            ss, bs = s_lines[s0][0], b_lines[b0][0]
            (s_last, s_text), (b_last, b_text) = s_lines[s1 - 1], b_lines[b1 - 1]
            s_end, b_end = s_last + len(s_text), b_last + len(b_text)
            _align_chars(source, ss, s_end - ss, body, bs, b_end - bs, out)
    return out


def _text_lines(text: str) -> list[tuple[int, str]]:
    """(start, line) of the lines of ``text`` that are not blank."""
    out, at = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((at, line))
        at += len(line) + 1
    return out


def _align_chars(source: str, s_at: int, s_len: int, body: str, b_at: int, b_len: int, out: array) -> None:
    """Map ``body[b_at:b_at+b_len]`` into ``source[s_at:s_at+s_len]``: the
    common head and tail directly, what differs between them by difflib."""
    s_text, b_text = source[s_at:s_at + s_len], body[b_at:b_at + b_len]
    head = 0
    while head < min(s_len, b_len) and s_text[head] == b_text[head]:
        head += 1
    tail = 0
    while tail < min(s_len, b_len) - head and s_text[s_len - 1 - tail] == b_text[b_len - 1 - tail]:
        tail += 1
    out[b_at:b_at + head] = array("l", range(s_at, s_at + head))
    out[b_at + b_len - tail:b_at + b_len] = array("l", range(s_at + s_len - tail, s_at + s_len))
    s_mid, b_mid = s_text[head:s_len - tail], b_text[head:b_len - tail]
    if not (s_mid and b_mid):
        return
    picked = _subsequence(s_mid, b_mid)
    if picked is not None:  # only deleted: Markdown markup, a stamp
        for b_i, s_i in enumerate(picked):
            out[b_at + head + b_i] = s_at + head + s_i
        return
    for s_i, b_i, n in SequenceMatcher(None, s_mid, b_mid, autojunk=False).get_matching_blocks():
        out[b_at + head + b_i:b_at + head + b_i + n] = array("l", range(s_at + head + s_i, s_at + head + s_i + n))


def _subsequence(source: str, kept: str) -> list[int] | None:
    """Where each character of ``kept`` is in ``source`` when ``kept`` is
    ``source`` with characters deleted (leftmost match), else None."""
    picked, at = [], 0
    for c in kept:
        at = source.find(c, at)
        if at < 0:
            return None
        picked.append(at)
        at += 1
    return picked


class Originals:
    """Spans of a normalized body as the input wrote them: ``to_source``
    maps body positions into the converted text (whose positions are the
    folded text's), ``folded_origin`` folded positions into ``raw``."""

    def __init__(self, raw: str, body: str, to_source: array, folded_origin: array):
        self.raw, self.body, self.to_source, self.folded_origin = raw, body, to_source, folded_origin

    def text(self, start: int, end: int) -> str:
        """``body[start:end]`` as written in the input (each character the
        input's; one the input does not have there, such as a space the
        normalizer put in, as it is in the body)."""
        out: list[str] = []
        last = UNKNOWN
        for i in range(max(start, 0), min(end, len(self.body))):
            at = self.to_source[i]
            pos = self.folded_origin[at] if at != UNKNOWN else UNKNOWN
            if pos == UNKNOWN:
                out.append(self.body[i])
            elif pos != last:  # one input character folded into several
                out.append(self.raw[pos])
            last = pos
        return "".join(out)

    def find(self, line: str) -> str:
        """The original of the first occurrence of ``line`` in the body, or ""."""
        at = self.body.find(line) if line else -1
        return self.text(at, at + len(line)) if at >= 0 else ""


def originals(raw: str, folded: str, folded_origin: array, converted: str, body: str) -> Originals | None:
    """The originals of ``body``, which normalization made from ``converted``
    (``folded`` converted to simplified) and ``folded`` from ``raw``; None
    when conversion changed the length (no exact map)."""
    if len(converted) != len(folded):
        return None
    return Originals(raw, body, align(body, converted), folded_origin)
