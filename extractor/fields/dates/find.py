"""Finding date spans: one pass of the combined pattern, then each form's
handler (:mod:`.forms`) with the context checks it needs.

The finder says *what was written* (a month and a day, a range, 次日, 上周六);
it never decides a year or an anchor — that is :mod:`.resolve`'s job.
"""
from __future__ import annotations

import re

from extractor.text.patterns import alternation

from .forms import FORMS, Candidate
from .rules import DateLexicon

_HANDLERS = {form.name: form.handle for form in FORMS}


class WordSet:
    """Literal words tested right before or right after an offset (one regex each)."""

    def __init__(self, words: tuple[str, ...]):
        alt = alternation(words) or r"(?!)"
        self._longest = max((len(w) for w in words), default=0) + 1
        self._before = re.compile(rf"(?:{alt}) ?\Z")  # one space may follow the word
        self._after = re.compile(alt)

    def ends_at(self, body: str, pos: int) -> bool:
        """Does one of the words end at ``pos`` (one space allowed between)?"""
        return self._before.search(body, max(0, pos - self._longest), pos) is not None

    def starts_at(self, body: str, pos: int) -> bool:
        """Does one of the words start at ``pos``?"""
        return self._after.match(body, pos) is not None


class DateFinder:
    """Candidates of one body, in text order (see :meth:`find`); the word
    sets are what the forms' handlers test the context with."""

    def __init__(self, lex: DateLexicon):
        self.lex = lex
        self.not_after_any = WordSet(lex.not_after_any)
        self.month_week_not_after = WordSet(lex.month_week_not_after)
        self.relative_not_after = WordSet(lex.relative_not_after)
        self.day_not_after = WordSet(lex.day_not_after)
        self.day_not_before = WordSet(lex.day_not_before)
        self.weak_needs = WordSet(lex.weak_suffix_needs)
        self.word_context = {w: (WordSet(r.not_after), WordSet(r.not_before)) for w, r in lex.relative.items()}

    def find(self, body: str) -> list[Candidate]:
        """Every candidate date span of ``body`` that survives the context checks."""
        out: list[Candidate] = []
        for m in self.lex.pattern.finditer(body):
            cand = _HANDLERS[m.lastgroup](self, m, body)  # type: ignore[index]
            if cand is not None and not self.lex.dateline_end.match(body, cand.end):
                out.append(cand)
        return out
