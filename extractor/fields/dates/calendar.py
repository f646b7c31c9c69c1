"""Calendar arithmetic for dates whose year may be unknown.

A :class:`Day` with ``year=None`` is written ``XXXX-MM-DD`` (EDTF unspecified
digits). Arithmetic on such a day is done in a leap year, so ``2月29日`` stays
valid and the day after ``2月28日`` may be ``02-29`` — the corpus is about
2020, a leap year, and nothing better is known without a year.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_LEAP = 2020  # stands in for an unknown year in arithmetic
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})")


@dataclass(frozen=True)
class Day:
    """A calendar day; ``year`` is None when it is not known."""

    year: int | None
    month: int
    day: int

    def iso(self) -> str:
        """``2020-03-05``, or ``XXXX-03-05`` without a year."""
        y = f"{self.year:04d}" if self.year is not None else "XXXX"
        return f"{y}-{self.month:02d}-{self.day:02d}"

    def as_date(self) -> dt.date:
        """The day as a :class:`datetime.date` (in a leap year when unknown)."""
        return dt.date(self.year if self.year is not None else _LEAP, self.month, self.day)


def valid(year: int | None, month: int | None, day: int | None) -> bool:
    """Is this a real calendar day? (2月29日 is valid when the year is unknown.)"""
    if month is None or day is None or not 1 <= month <= 12 or day < 1:
        return False
    if year is not None and not 1 <= year <= 9999:
        return False
    return day <= days_in_month(year, month)


def days_in_month(year: int | None, month: int) -> int:
    """Length of a month; February has 29 days when the year is unknown."""
    if month == 2:
        return 29 if year is None or calendar.isleap(year) else 28
    return _MONTH_DAYS[month - 1]


def parse_iso(text: str) -> Day | None:
    """The day of an ISO date string (``2020-03-23`` or ``2020-03-23T…``), else None."""
    m = _ISO.match(text or "")
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    return Day(y, mo, d) if valid(y, mo, d) else None


def shift(day: Day, days: int) -> Day | None:
    """``day`` moved by ``days``; an unknown year stays unknown (None past year 9999)."""
    try:
        moved = day.as_date() + dt.timedelta(days=days)
    except OverflowError:
        return None
    return Day(moved.year if day.year is not None else None, moved.month, moved.day)


def add_months(year: int | None, month: int, months: int) -> tuple[int | None, int]:
    """(year, month) moved by ``months``; an unknown year stays unknown."""
    index = month - 1 + months
    year_shift, new_month = divmod(index, 12)
    return (year + year_shift if year is not None else None), new_month + 1


def nearest_year(month: int, day: int, ref: Day) -> int | None:
    """The year that puts month/day nearest to ``ref`` (ties go to the earlier day).

    None when ``ref`` has no year, or no nearby year has that day (2月29日).
    """
    if ref.year is None:
        return None
    best: tuple[int, int] | None = None
    for year in (ref.year - 1, ref.year, ref.year + 1):
        if valid(year, month, day):
            gap = abs((dt.date(year, month, day) - ref.as_date()).days)
            if best is None or gap < best[0]:
                best = (gap, year)
    return best[1] if best else None


def full_year(two_digits: int, ref_year: int | None) -> int:
    """A century-less year (20年, 零七年) in the century that puts it nearest to the reference."""
    if ref_year is None:
        return 2000 + two_digits if two_digits <= 50 else 1900 + two_digits
    return min((c + two_digits for c in (1900, 2000, 2100)), key=lambda y: (abs(y - ref_year), y))


def nearest_month(day: int, ref: Day) -> Day | None:
    """The day ``day`` in the month before, of, or after ``ref`` that is nearest to it.

    A day written alone (15日) after 3月1日 is 3月15日; 2日 after 3月28日 is 4月2日.
    Ties go to the same month. An unknown year stays unknown.
    """
    base = ref.year if ref.year is not None else _LEAP
    ref_date = dt.date(base, ref.month, ref.day)
    best: tuple[int, int, Day] | None = None
    for rank, months in enumerate((0, -1, 1)):
        year, month = add_months(base, ref.month, months)
        assert year is not None
        if not valid(year, month, day):
            continue
        gap = abs((dt.date(year, month, day) - ref_date).days)
        if best is None or (gap, rank) < best[:2]:
            best = (gap, rank, Day(year if ref.year is not None else None, month, day))
    return best[2] if best else None


def monday_of(day: Day) -> Day | None:
    """The Monday of ``day``'s week (weeks start on Monday, as in China)."""
    return shift(day, -(day.as_date().isoweekday() - 1))
