"""Numeric and calendar readings of the text values in the tables.

The spec keeps ``headcount``/``quantity`` as text (``3-4`` for a range) and
dates as EDTF text (``XXXX-03-05`` when the year is unknown); this module
gives their bounds, so a table can carry ``headcount_min``/``headcount_max``
and ``date_start``/``date_end`` beside them. Pure Python: it runs in the
workers, on the write path, where pandas is not loaded.
"""
from __future__ import annotations

import calendar
import re
from decimal import Decimal, InvalidOperation

_RANGE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*-\s*(-?\d+(?:\.\d+)?)\s*$")
# EDTF dates the extractor writes: a day, a month or a year; ``XXXX`` for
# an unknown year. Anything else (``..``, seasons, ``2020-XX``) has no bound.
_EDTF = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def number_bounds(value: str | None) -> tuple[Decimal | None, Decimal | None]:
    """``(low, high)`` of ``12`` (12, 12) or ``3-4`` (3, 4); ``(None, None)``
    for an empty or unreadable value."""
    if not value:
        return None, None
    text = str(value).strip()
    m = _RANGE.match(text)
    try:
        if m:
            return Decimal(m.group(1)), Decimal(m.group(2))
        number = Decimal(text)
    except InvalidOperation:
        return None, None
    return (number, number) if number.is_finite() else (None, None)


def date_bounds(value: str | None) -> tuple[str | None, str | None]:
    """The first and last ISO day an EDTF value covers (``2020-02`` →
    2020-02-01, 2020-02-29; ``a/b`` → a's first day, b's last), or None
    for a side whose year is unknown or that names no calendar time."""
    if not value:
        return None, None
    parts = str(value).strip().split("/")
    if len(parts) > 2:
        return None, None
    return _day(parts[0], first=True), _day(parts[-1], first=False)


def _day(edtf: str, first: bool) -> str | None:
    m = _EDTF.match(edtf.strip())
    if not m:
        return None
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else (1 if first else 12)
    if not 1 <= month <= 12:
        return None
    last = calendar.monthrange(year, month)[1]
    day = int(m.group(3)) if m.group(3) else (1 if first else last)
    if not 1 <= day <= last:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"
