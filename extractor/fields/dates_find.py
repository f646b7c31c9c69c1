"""Finding date spans: one pass of the combined pattern, then context checks.

The finder says *what was written* (a month and a day, a range, 次日, 上周六);
it never decides a year or an anchor — that is :mod:`dates_resolve`'s job.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.fields.dates_rules import DateLexicon
from extractor.text.numerals import CN_CHARS, parse_numeral
from extractor.text.patterns import alternation

# Kinds of candidate, in the order the resolver settles them.
EXPLICIT = "explicit"   # a month and a day written (with or without a year), or a digit date
DAY = "day"             # a day number alone (14日): month from context
WEEK = "week"           # 上周六: weekday in a week relative to publication
EVENT = "event"         # 报到当天, 来到社区第2天: day of an earlier event
RELATIVE = "relative"   # 今天, 次日, 当天


@dataclass
class YMD:
    """A written calendar day; ``None`` parts are not written."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    two_digit_year: bool = False   # 20年 / 零七年: century from the reference date
    year_offset: int | None = None  # 今年 0, 去年 -1 (from the publication year)


@dataclass
class Candidate:
    """One span the pattern found, with what the text says about the day."""

    kind: str
    start: int
    end: int
    first: YMD | None = None
    last: YMD | None = None          # end of a range
    month_offset: int | str | None = None  # 本月 0, 上月 -1, 同月 "previous"
    week: tuple[int, int] | None = None     # (week offset, ISO weekday)
    offset: int = 0                  # days after the anchor (relative kinds)
    anchor: str = ""                 # "published" / "previous" (relative kinds)
    head: str = ""                   # event word (EVENT)
    weak: bool = False               # DAY with a weak suffix (47号): a date only in a list or brackets


def _num(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(parse_numeral(text))
    except ValueError:
        return None


def _year(text: str | None) -> tuple[int | None, bool]:
    """``2020`` → (2020, False); ``20`` / ``零七`` → (20, True) for a century-less year."""
    if not text:
        return None, False
    digits = "".join(text.split())
    value = _num(digits)
    return value, value is not None and len(digits) == 2


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
    """Candidates of one body, in text order (see :meth:`find`)."""

    def __init__(self, lex: DateLexicon):
        self.lex = lex
        self._not_after_any = WordSet(lex.not_after_any)
        self._month_week_not_after = WordSet(lex.month_week_not_after)
        self._relative_not_after = WordSet(lex.relative_not_after)
        self._day_not_after = WordSet(lex.day_not_after)
        self._day_not_before = WordSet(lex.day_not_before)
        self._weak_needs = WordSet(lex.weak_suffix_needs)
        self._word_context = {w: (WordSet(r.not_after), WordSet(r.not_before)) for w, r in lex.relative.items()}

    def find(self, body: str) -> list[Candidate]:
        """Every candidate date span of ``body`` that survives the context checks."""
        out: list[Candidate] = []
        for m in self.lex.pattern.finditer(body):
            if m.group("url"):
                continue  # dates inside web addresses are not mentions
            cand = self._candidate(m, body)
            if cand is not None:
                out.append(cand)
        return out

    # -- one match -------------------------------------------------------
    def _candidate(self, m: re.Match[str], body: str) -> Candidate | None:
        if m.group("iy"):
            return self._iso(m)
        if m.group("cm"):
            if self._not_after_any.ends_at(body, m.start()):
                return None
            return self._month_day(m)
        if (m.group("mw") or m.group("ww")) and self._month_week_not_after.ends_at(body, m.start()):
            return None
        if m.group("mw"):
            offset = self.lex.month_words[m.group("mw")]
            return Candidate(EXPLICIT, m.start(), m.end(), first=YMD(day=_num(m.group("md"))),
                             month_offset=offset)
        if m.group("ww"):
            week = (self.lex.week_words[m.group("ww")], self.lex.weekday_names[m.group("wd")])
            return Candidate(WEEK, m.start(), m.end(), week=week)
        if m.group("ev"):
            return self._event(m)
        if m.group("rel"):
            return self._relative(m, body)
        if m.group("do"):
            return self._day_only(m, body)
        return None

    def _iso(self, m: re.Match[str]) -> Candidate:
        first = YMD(int(m.group("iy")), int(m.group("im")), int(m.group("id")))
        last = None
        if m.group("iconn"):
            last = YMD(int(m.group("iy2")), int(m.group("im2")), int(m.group("id2")))
        return Candidate(EXPLICIT, m.start(), m.end(), first=first, last=last)

    def _month_day(self, m: re.Match[str]) -> Candidate:
        year, two = _year(m.group("cy"))
        year_offset = self.lex.year_words[m.group("cyw")] if m.group("cyw") else None
        first = YMD(year, _num(m.group("cm")), _num(m.group("cd")), two, year_offset)
        last = None
        if m.group("cconn"):
            ey, etwo = _year(m.group("ey"))
            last = YMD(ey, _num(m.group("em")), _num(m.group("ed")), etwo)
        return Candidate(EXPLICIT, m.start(), m.end(), first=first, last=last)

    def _event(self, m: re.Match[str]) -> Candidate:
        if m.group("evn"):
            n = _num("".join(ch for ch in m.group("evn") if ch.isdigit() or ch in CN_CHARS))
            offset = (n - 1) if n else 0  # the event day is day 1
        else:
            offset = self.lex.relative[m.group("evd")].offset
        return Candidate(EVENT, m.start(), m.end(), offset=offset, anchor="previous", head=m.group("ev"))

    def _relative(self, m: re.Match[str], body: str) -> Candidate | None:
        word = self.lex.relative[m.group("rel")]
        not_after, not_before = self._word_context[word.word]
        if not_after.ends_at(body, m.start()) or not_before.starts_at(body, m.end()):
            return None
        if word.anchor == "previous" and self._relative_not_after.ends_at(body, m.start()):
            return None
        return Candidate(RELATIVE, m.start(), m.end(), offset=word.offset, anchor=word.anchor)

    def _day_only(self, m: re.Match[str], body: str) -> Candidate | None:
        """14日: kept unless the words around make it a count of days."""
        day = int(m.group("do"))
        if not 1 <= day <= 31:
            return None
        if self._day_not_after.ends_at(body, m.start()) or self._day_not_before.starts_at(body, m.end()):
            return None
        # 号 alone is mostly a house or line number: weak unless a part of
        # day or 起 follows; the resolver accepts weak ones only in a list or
        # in brackets (it knows the neighbours).
        weak = m.group("dos") in self.lex.weak_suffixes and not self._weak_needs.starts_at(body, m.end())
        return Candidate(DAY, m.start(), m.end(), first=YMD(day=day), weak=weak)
