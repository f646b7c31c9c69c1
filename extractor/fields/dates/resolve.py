"""Resolving date candidates to ISO / EDTF values.

The finder says what was written; this module decides which day it is:

* the year of a yearless date is the one nearest to the publication date,
  else unknown (``XXXX``) — annotation.md never lets us invent a year;
* a day written alone (14日) takes the month nearest to the publication
  date (unless that puts it in the future and the last date named nearby
  puts it in the past), else the month nearest to the last date named;
* relative days hang on a day: 今天-words on the publication date (inside
  quoted speech on the date attached to the quote), 当天-words on the last
  date named in the same or previous paragraph, 报到当天 on the day of the
  earlier 报到.

Explicit dates are settled first, in text order; relative ones after, in
text order, so that a relative day may hang on one resolved before it.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property

from extractor.analysis import Analysis
from extractor.fields.dates.calendar import (Day, add_months, full_year, monday_of, nearest_month,
                                              nearest_year, shift, valid)
from extractor.fields.dates.forms import DAY, EVENT, EXPLICIT, RELATIVE, WEEK, YMD, Candidate
from extractor.fields.dates.rules import DateLexicon


@dataclass
class Resolved:
    """A candidate with its value; ``first`` is the day other dates may hang on."""

    cand: Candidate
    value: str
    first: Day
    relative: bool


class Layout:
    """Paragraphs and quotations of one document, for looking up where an offset is."""

    def __init__(self, doc: Analysis, quotes: list[tuple[str, str]]):
        self._paragraph = doc.paragraph_index
        body = doc.body
        spans: list[tuple[int, int]] = []
        for opening, closing in quotes:
            o, c = re.escape(opening), re.escape(closing)
            # The class excludes the opening mark, so each scan stops at the next
            # quotation: linear in the body, whatever the input.
            for m in re.finditer(rf"{o}[^{o}{c}\n]{{0,1000}}{c}", body):
                spans.append((m.start(), m.end()))
        spans.sort()
        self._quote_starts = [s for s, _ in spans]
        self._quotes = spans

    def paragraph(self, offset: int) -> int:
        """Index of the (non-empty) line holding ``offset``."""
        return self._paragraph(offset)

    def quote(self, offset: int) -> tuple[int, int] | None:
        """The quotation (start, end) that holds ``offset``, if any."""
        i = bisect.bisect_right(self._quote_starts, offset) - 1
        # A few steps back: the last quotation opened may be a closed inner one
        # (“……「……」……今天……”).
        for j in range(i, max(i - 3, -1), -1):
            if self._quotes[j][0] < offset < self._quotes[j][1]:
                return self._quotes[j]
        return None


class Resolver:
    """Resolves the candidates of one body (build one per document)."""

    def __init__(self, lex: DateLexicon, doc: Analysis, published: Day | None, reference: Day | None = None):
        # ``reference``: the researcher's reference date (--reference-date);
        # it gives a year to dates without one, nothing else (not a day to
        # count 今天 or 本月 from: it is not the publication date).
        self.lex, self.body, self.published, self.reference = lex, doc.body, published, reference
        self._doc = doc
        self._explicit: list[Resolved] = []       # explicit and day-only, text order
        self._explicit_starts: list[int] = []
        self._anchors: list[Resolved] = []        # explicit + relative resolved so far
        self._anchor_starts: list[int] = []
        self._event_cache: dict[str, tuple[int, Day] | None] = {}
        self._with_year: Resolved | None = None

    @cached_property
    def layout(self) -> Layout:
        """The document's paragraphs and quotations, built when a relative
        date first asks (most documents name none: no quotation scans)."""
        return Layout(self._doc, self.lex.quotes)

    # -- driver ------------------------------------------------------------
    def resolve(self, cands: list[Candidate]) -> list[Resolved]:
        """Values for the candidates that can be resolved, in text order."""
        for cand in cands:  # text order, so these lists only ever grow at the end
            if cand.kind in (EXPLICIT, DAY):
                r = self._explicit_day(cand) if cand.kind == EXPLICIT else self._day_only(cand)
                if r is not None:
                    self._explicit.append(r)
                    self._explicit_starts.append(cand.start)
                    if cand.first is not None and cand.first.year is not None:
                        self._with_year = r  # the last date written with its year
        relative: list[Resolved] = []
        j = 0
        for cand in cands:
            if cand.kind not in (RELATIVE, EVENT, WEEK):
                continue
            while j < len(self._explicit) and self._explicit_starts[j] < cand.start:
                self._add_anchor(self._explicit[j])
                j += 1
            if self._names_same_day(cand):
                continue
            r = self._relative(cand)
            if r is not None:
                relative.append(r)
                self._add_anchor(r)
        return sorted(self._explicit + relative, key=lambda r: r.cand.start)

    def _add_anchor(self, r: Resolved) -> None:
        self._anchors.append(r)
        self._anchor_starts.append(r.cand.start)

    # -- looking up anchors --------------------------------------------------
    def _last_before(self, offset: int, explicit_only: bool = True, near: bool = False) -> Resolved | None:
        """The last date named before ``offset`` (``near``: in this or the previous paragraph)."""
        items, starts = (self._explicit, self._explicit_starts) if explicit_only else (self._anchors, self._anchor_starts)
        i = bisect.bisect_left(starts, offset) - 1
        while i >= 0 and items[i].cand.end > offset:
            i -= 1
        if i < 0:
            return None
        if near and self.layout.paragraph(items[i].cand.start) < self.layout.paragraph(offset) - 1:
            return None
        return items[i]

    def _first_after(self, offset: int, gap: int) -> Resolved | None:
        """A date that starts within ``gap`` characters after ``offset``."""
        i = bisect.bisect_left(self._explicit_starts, offset)
        if i < len(self._explicit) and self._explicit[i].cand.start - offset <= gap:
            return self._explicit[i]
        return None

    def _year_ref(self, offset: int) -> Day | None:
        """What a yearless date's year is taken from: the publication date, else
        the researcher's reference date, else (only when rules say so) the last
        date before written with its year."""
        if self.published is not None:
            return self.published
        if self.reference is not None:
            return self.reference
        if self.lex.year_from_text and self._with_year is not None:
            return self._with_year.first
        return None

    # -- explicit dates ------------------------------------------------------
    def _year_of(self, ymd: YMD, offset: int) -> int | None:
        ref = self._year_ref(offset)
        if ymd.year is not None:
            return full_year(ymd.year, ref.year if ref else None) if ymd.two_digit_year else ymd.year
        if ymd.year_offset is not None:
            return self.published.year + ymd.year_offset if self.published else None
        if ref is None or ymd.month is None or ymd.day is None:
            return None
        return nearest_year(ymd.month, ymd.day, ref)

    def _explicit_day(self, cand: Candidate) -> Resolved | None:
        ymd = cand.first
        assert ymd is not None
        if cand.month_offset is not None:
            first = self._month_word_day(cand)
            return Resolved(cand, first.iso(), first, False) if first else None
        year = self._year_of(ymd, cand.start)
        if not valid(year, ymd.month, ymd.day):
            return None
        first = Day(year, ymd.month, ymd.day)  # type: ignore[arg-type]
        if cand.last is None:
            return Resolved(cand, first.iso(), first, False)
        last = self._range_end(first, cand.last, cand.start)
        if last is None:
            return None
        value = first.iso() if last == first else f"{first.iso()}/{last.iso()}"
        return Resolved(cand, value, first, False)

    def _range_end(self, first: Day, ymd: YMD, offset: int) -> Day | None:
        """The end of a range: one year for both ends; an end before its start rolls over."""
        month, day = ymd.month or first.month, ymd.day
        if ymd.year is not None:
            ref = self._year_ref(offset)
            year = full_year(ymd.year, ref.year if ref else None) if ymd.two_digit_year else ymd.year
        else:
            year = first.year
            if (month, day) < (first.month, first.day):
                if ymd.month is None:  # 3月28日至2日: the 2nd of the next month
                    year, month = add_months(year, month, 1)
                elif year is not None:  # 12月30日至1月5日: into the next year
                    year += 1
        return Day(year, month, day) if valid(year, month, day) else None  # type: ignore[arg-type]

    def _month_word_day(self, cand: Candidate) -> Day | None:
        """本月14日 (publication month), 同月9号 (month of the last date named)."""
        day = cand.first.day if cand.first else None
        if cand.month_offset == "previous":
            prev = self._last_before(cand.start, near=True)
            if prev is None:
                return None
            year, month = prev.first.year, prev.first.month
        elif self.published is not None and isinstance(cand.month_offset, int):
            year, month = add_months(self.published.year, self.published.month, cand.month_offset)
        else:
            return None
        return Day(year, month, day) if valid(year, month, day) else None  # type: ignore[arg-type]

    def _day_only(self, cand: Candidate) -> Resolved | None:
        """14日: a day of the month nearest to the date it follows."""
        day = cand.first.day if cand.first else None
        assert day is not None
        listed = self._listed_after(cand)
        bracketed = self._bracketed(cand)
        if cand.weak and not (listed or bracketed):
            return None
        if listed is not None:
            got = nearest_month(day, listed.first)  # 3月3日、5日: the list's month
        else:
            got = self._day_month(day, cand.start)
        if got is None:
            return None
        ref = self._year_ref(cand.start) if got.year is None else None
        if ref is not None:
            got = Day(nearest_year(got.month, got.day, ref), got.month, got.day)
        return Resolved(cand, got.iso(), got, False)

    def _day_month(self, day: int, offset: int) -> Day | None:
        """The month of a day written alone.

        With a publication date, the month nearest to it — news tells of days
        around its date, and a date named earlier in the text is as often a
        deadline or a past event as the month in force. Only when that month
        would put the day after publication while the last date named nearby
        puts it before, the text wins (3月1日……15日起, published 4月2日).
        Without a publication date, the last date named (nearby, else anywhere).
        """
        near = self._last_before(offset, near=True)
        by_text = nearest_month(day, near.first) if near else None
        if self.published is not None:
            by_date = nearest_month(day, self.published)
            if (by_text is not None and by_date is not None and by_text.year is not None
                    and by_text.as_date() <= self.published.as_date() < by_date.as_date()):
                return by_text
            return by_date
        if by_text is not None:
            return by_text
        far = self._last_before(offset)
        return nearest_month(day, far.first) if far else None

    def _listed_after(self, cand: Candidate) -> Resolved | None:
        """The date this day number is listed after (3月3日、5日), if any."""
        prev = self._last_before(cand.start)
        if prev is None:
            return None
        between = self.body[prev.cand.end:cand.start].strip()
        if between in self.lex.list_joiners and cand.start - prev.cand.end <= 3:
            return prev
        return None

    def _bracketed(self, cand: Candidate) -> bool:
        marks = self.lex.same_day_marks
        before = self.body[max(0, cand.start - 2):cand.start].strip()[-1:]
        after = self.body[cand.end:cand.end + 2].strip()[:1]
        return bool(before and after and before in marks and after in marks and before != after)

    # -- relative days ---------------------------------------------------------
    def _names_same_day(self, cand: Candidate) -> bool:
        """今天(2月9日), 9月14日(下周一), 4月1日当天: the date is the mention.

        A date in brackets restates the word's day, and a word in brackets
        restates the date's; a date right before a same-day word (当天) is
        that day. 3月5日前一天 is another day and stays.
        """
        marks = "".join(self.lex.same_day_marks) + " \t"
        prev = self._last_before(cand.start)
        if prev is not None and cand.start - prev.cand.end <= 3:
            between = self.body[prev.cand.end:cand.start]
            if not between.strip(marks) and (between.strip() or (cand.offset == 0 and cand.kind != WEEK)):
                return True
        nxt = self._first_after(cand.end, 3)
        return nxt is not None and not self.body[cand.end:nxt.cand.start].strip(marks)

    def _relative(self, cand: Candidate) -> Resolved | None:
        if cand.kind == WEEK:
            monday = monday_of(self.published) if self.published else None
            if monday is None or cand.week is None:
                return None
            week, weekday = cand.week
            day = shift(monday, 7 * week + weekday - 1)
        else:
            if cand.kind == EVENT:
                anchor = self._event_day(cand)
            elif cand.anchor == "published":
                anchor = self._speech_day(cand)
            else:
                anchor = self._previous_day(cand)
            day = shift(anchor, cand.offset) if anchor is not None else None
        return Resolved(cand, day.iso(), day, True) if day is not None else None

    def _speech_day(self, cand: Candidate) -> Day | None:
        """今天-words: the day of speaking."""
        quote = self.layout.quote(cand.start)
        if quote is not None:
            # ”4月2日上午,刘大妈说: the date attached to the quote is when it was said.
            after = self._first_after(quote[1], self.lex.quote_date_gap)
            if after is not None:
                return after.first
            before = self._last_before(cand.start)
            if before is not None and self.layout.paragraph(before.cand.start) == self.layout.paragraph(cand.start):
                return before.first
        if self.published is not None:
            return self.published
        before = self._last_before(cand.start)
        return before.first if before else None

    def _previous_day(self, cand: Candidate) -> Day | None:
        """当天-words: the last day named in this or the previous paragraph."""
        prev = self._last_before(cand.start, explicit_only=False, near=True)
        if prev is None:
            return None
        between = self.body[prev.cand.end:cand.start]
        if any(w in between for w in self.lex.relative_break_words):
            return None  # 第一天……第二天: counts from a day not named
        return prev.first

    def _event_day(self, cand: Candidate) -> Day | None:
        """报到当天: the date in force at the first earlier mention of 报到."""
        if cand.head not in self._event_cache:
            self._event_cache[cand.head] = self._first_dated(cand.head)
        found = self._event_cache[cand.head]
        if found is not None and found[0] < cand.start:
            return found[1]
        return self._previous_day(cand)

    def _first_dated(self, head: str) -> tuple[int, Day] | None:
        """The first mention of ``head`` with a date before it in its paragraph.

        Computed once per head word (explicit dates are all known by now), so
        a body full of 报到 costs one scan, not one per mention.
        """
        pos = self.body.find(head)
        while pos != -1:
            prev = self._last_before(pos)
            if prev is not None and self.layout.paragraph(prev.cand.start) == self.layout.paragraph(pos):
                return pos, prev.first
            pos = self.body.find(head, pos + len(head))
        return None
