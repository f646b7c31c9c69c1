"""The ways a date is written, one table entry each: its pattern, built from
the named parts of ``rules/dates.yaml``, and its handler, which says what
was written (a month and a day, a range, 次日, 上周六).

Duckling keeps a rule's pattern and its production together; so does
:data:`FORMS`. The combined pattern is the alternation of every form, each
wrapped in a group named after it, so one ``finditer`` pass over a body
finds every candidate and ``match.lastgroup`` names the form that matched.
At a given offset the first form that matches wins: order matters.

To add a form: write its pattern builder and its handler here and add one
:class:`DateForm` to :data:`FORMS` (the parts it needs go to ``parts:`` in
rules/dates.yaml); nothing else changes.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from extractor.text.numerals import CN_CHARS, parse_numeral

if TYPE_CHECKING:
    from .find import DateFinder

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


# What a form's pattern is built from: each part of ``parts:`` as a
# non-capturing group, and each word list as an alternation (see rules.py).
Pieces = Mapping[str, str]
Handler = Callable[["DateFinder", re.Match[str], str], "Candidate | None"]


@dataclass(frozen=True)
class DateForm:
    """One way of writing a date: ``pattern(pieces)`` is its regex (named
    groups prefixed by nothing but unique across forms), ``handle(finder,
    match, body)`` its candidate, or None when the context says it is none."""

    name: str
    pattern: Callable[[Pieces], str]
    handle: Handler


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


# ---------------------------------------------------------------- url
def _url_pattern(p: Pieces) -> str:
    return r"https?://[^\s<>\"'()\[\]]{1,2000}"


def _url(finder: DateFinder, m: re.Match[str], body: str) -> None:
    return None  # dates inside web addresses are not mentions


# ---------------------------------------------------------------- 2020-03-23
def _iso_pattern(p: Pieces) -> str:
    sp, conn, iso_year, sep = p["space"], p["range_connectors"], p["iso_year"], p["iso_separator"]
    tail = (rf"(?:{sp}(?:{p['range_start_suffixes']})?{sp}{p['range_time']}{sp}(?P<iconn>{conn}){sp}"
            rf"(?P<iy2>{iso_year})(?P<isep2>{sep})(?P<im2>\d{{1,2}})(?P=isep2)(?P<id2>\d{{1,2}}))?")
    return (rf"(?<![0-9A-Za-z/.:_\-])(?P<iy>{iso_year})(?P<isep>{sep})(?P<im>\d{{1,2}})(?P=isep)"
            rf"(?P<id>\d{{1,2}}){tail}(?![0-9]|[-/.:][0-9])")


def _iso(finder: DateFinder, m: re.Match[str], body: str) -> Candidate:
    first = YMD(int(m.group("iy")), int(m.group("im")), int(m.group("id")))
    last = None
    if m.group("iconn"):
        last = YMD(int(m.group("iy2")), int(m.group("im2")), int(m.group("id2")))
    return Candidate(EXPLICIT, m.start(), m.end(), first=first, last=last)


# ---------------------------------------------------------------- 2020年3月5日, 3月5日至11日
def _month_day_pattern(p: Pieces) -> str:
    sp, conn, ym, mm = p["space"], p["range_connectors"], p["year_mark"], p["month_mark"]
    year = f"(?:{p['year_arabic']}|{p['year_cn']})"
    month, day = f"(?:{p['month_arabic']}|{p['month_cn']})", f"(?:{p['day_arabic']}|{p['day_cn']})"
    day_suffix = p["day_suffixes"]
    # 7月1至26日: the first day may drop its 日 when a range follows.
    bare_start = rf"(?={sp}(?:{conn}){sp}{day}{sp}(?:{day_suffix}))"
    tail = (rf"(?:{sp}(?:{p['range_start_suffixes']})?{sp}{p['range_time']}{sp}(?P<cconn>{conn}){sp}"
            rf"(?:(?:(?P<ey>{year}){sp}{ym}{sp})?(?P<em>{month}){sp}{mm}{sp})?(?P<ed>{day}){sp}(?:{day_suffix}))?")
    return (rf"(?<![0-9.])(?:(?P<cy>{year}){sp}{ym}{sp}|(?P<cyw>{p['year_words']}){sp})?"
            rf"(?P<cm>{month}){sp}{mm}{sp}(?P<cd>{day}){sp}(?:(?P<cds>{day_suffix})|{bare_start}){tail}")


def _month_day(finder: DateFinder, m: re.Match[str], body: str) -> Candidate | None:
    if finder.not_after_any.ends_at(body, m.start()):
        return None
    year, two = _year(m.group("cy"))
    year_offset = finder.lex.year_words[m.group("cyw")] if m.group("cyw") else None
    first = YMD(year, _num(m.group("cm")), _num(m.group("cd")), two, year_offset)
    last = None
    if m.group("cconn"):
        ey, etwo = _year(m.group("ey"))
        last = YMD(ey, _num(m.group("em")), _num(m.group("ed")), etwo)
    return Candidate(EXPLICIT, m.start(), m.end(), first=first, last=last)


# ---------------------------------------------------------------- 本月14日, 同月9号
def _month_word_pattern(p: Pieces) -> str:
    day = f"(?:{p['day_arabic']}|{p['day_cn']})"
    return rf"(?P<mw>{p['month_words']}){p['space']}(?P<md>{day}){p['space']}(?:{p['day_suffixes']})"


def _month_word(finder: DateFinder, m: re.Match[str], body: str) -> Candidate | None:
    if finder.month_week_not_after.ends_at(body, m.start()):
        return None
    return Candidate(EXPLICIT, m.start(), m.end(), first=YMD(day=_num(m.group("md"))),
                     month_offset=finder.lex.month_words[m.group("mw")])


# ---------------------------------------------------------------- 上周六
def _week_pattern(p: Pieces) -> str:
    return (rf"(?P<ww>{p['week_words']}){p['space']}(?:{p['weekday_infix']})?(?P<wd>{p['weekday_names']})"
            rf"(?!{p['weekday_not_before']})")


def _week(finder: DateFinder, m: re.Match[str], body: str) -> Candidate | None:
    if finder.month_week_not_after.ends_at(body, m.start()):
        return None
    week = (finder.lex.week_words[m.group("ww")], finder.lex.weekday_names[m.group("wd")])
    return Candidate(WEEK, m.start(), m.end(), week=week)


# ---------------------------------------------------------------- 报到当天, 来到社区第2天
def _event_pattern(p: Pieces) -> str:
    return (rf"(?P<ev>{p['event_heads']})(?:{p['event_places']})?{p['event_link']}?"
            rf"(?:(?P<evn>{p['nth_day']})|(?P<evd>{p['event_day_words']}))")


def _event(finder: DateFinder, m: re.Match[str], body: str) -> Candidate:
    if m.group("evn"):
        n = _num("".join(ch for ch in m.group("evn") if ch.isdigit() or ch in CN_CHARS))
        offset = (n - 1) if n else 0  # the event day is day 1
    else:
        offset = finder.lex.relative[m.group("evd")].offset
    return Candidate(EVENT, m.start(), m.end(), offset=offset, anchor="previous", head=m.group("ev"))


# ---------------------------------------------------------------- 今天, 次日
def _relative_pattern(p: Pieces) -> str:
    return rf"(?P<rel>{p['relative_days']})"


def _relative(finder: DateFinder, m: re.Match[str], body: str) -> Candidate | None:
    word = finder.lex.relative[m.group("rel")]
    not_after, not_before = finder.word_context[word.word]
    if not_after.ends_at(body, m.start()) or not_before.starts_at(body, m.end()):
        return None
    if word.anchor == "previous" and finder.relative_not_after.ends_at(body, m.start()):
        return None
    return Candidate(RELATIVE, m.start(), m.end(), offset=word.offset, anchor=word.anchor)


# ---------------------------------------------------------------- 14日
def _day_only_pattern(p: Pieces) -> str:
    return rf"(?<!{p['day_alone_not_after']})(?P<do>\d{{1,2}}){p['space']}(?P<dos>{p['day_suffixes']})"


def _day_only(finder: DateFinder, m: re.Match[str], body: str) -> Candidate | None:
    """14日: kept unless the words around make it a count of days."""
    day = int(m.group("do"))
    if not 1 <= day <= 31:
        return None
    if finder.day_not_after.ends_at(body, m.start()) or finder.day_not_before.starts_at(body, m.end()):
        return None
    # 号 alone is mostly a house or line number: weak unless a part of
    # day or 起 follows; the resolver accepts weak ones only in a list or
    # in brackets (it knows the neighbours).
    weak = m.group("dos") in finder.lex.weak_suffixes and not finder.weak_needs.starts_at(body, m.end())
    return Candidate(DAY, m.start(), m.end(), first=YMD(day=day), weak=weak)


FORMS: tuple[DateForm, ...] = (
    DateForm("url", _url_pattern, _url),
    DateForm("iso", _iso_pattern, _iso),
    DateForm("month_day", _month_day_pattern, _month_day),
    DateForm("month_word", _month_word_pattern, _month_word),
    DateForm("week", _week_pattern, _week),
    DateForm("event", _event_pattern, _event),
    DateForm("relative", _relative_pattern, _relative),
    DateForm("day_only", _day_only_pattern, _day_only),
)
