"""Spreadsheet formula-injection guard for CSV cells.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return gets a leading apostrophe, so a spreadsheet shows it as text. A cell
that already begins with apostrophes before such a character gets one more,
so that :func:`unguard` (which removes exactly one) round-trips every string.
"""
from __future__ import annotations

import re

_NEEDS_GUARD = re.compile(r"'*[=+\-@\t\r]")
# First characters that can need a guard: a cheap test before the regex,
# since the writer asks for every cell of every row.
_MAY_NEED = frozenset("'=+-@\t\r")
_GUARDED = re.compile(r"'+[=+\-@\t\r]")


def guard(cell: str) -> str:
    """The cell as written to CSV."""
    if not cell or cell[0] not in _MAY_NEED:
        return cell
    return "'" + cell if _NEEDS_GUARD.match(cell) else cell


def unguard(cell: str) -> str:
    """The original text of a guarded cell."""
    return cell[1:] if _GUARDED.match(cell) else cell
