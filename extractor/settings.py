"""One settings object for a run, as dateparser carries one: everything a
worker needs to rebuild the same :class:`~extractor.pipeline.Pipeline`
(it is small and picklable, so engines ship it instead of the pipeline)."""
from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, replace
from typing import Any

METHODS = ("rule", "model", "hybrid")
# rule unless EXTRACTOR_METHOD says otherwise (the way EXTRACTOR_RULES
# points at a rules folder): the hybrid does not beat the rules by the
# margins issue 13 set for making it the default (README, model section);
# the test suite pins `rule` where the method is not under test.
DEFAULT_METHOD = os.environ.get("EXTRACTOR_METHOD") or "rule"
if DEFAULT_METHOD not in METHODS:
    raise ValueError(f"EXTRACTOR_METHOD={DEFAULT_METHOD!r}; choose one of {', '.join(METHODS)}")


@dataclass(frozen=True)
class Settings:
    """How documents are processed (not where they come from or go to).

    - ``rules``: rules folder; None means the bundled ``rules/``.
    - ``method``: ``rule``, ``model`` or ``hybrid`` (see ``extractor/model``).
    - ``model``: trained pipeline folder; None means the shipped one.
    - ``max_chars``: a longer normalized body becomes an error row.
    - ``max_seconds``: a document taking longer becomes an error row
      (enforced where a timer signal can interrupt it: the main thread of a
      process, which is where the local engine's workers run it).
    - ``reference_date``: ``YYYY-MM-DD`` or None. The researcher's statement
      of when a batch was written: a document without a publication date
      takes, for each date written without its year, the year that puts it
      nearest to this day (as the publication date would). It is never taken
      as the publication date itself (今天, 本月 stay unresolved), and the
      documents table records it in ``reference_date`` where it was used.
    - ``with_body``: write the normalized body (what ``start``/``end``
      refer to) in the documents table's ``body`` column.
    """

    rules: str | None = None
    method: str = DEFAULT_METHOD
    model: str | None = None
    max_chars: int = 2_000_000
    max_seconds: float = 120.0
    reference_date: str | None = None
    with_body: bool = False

    def row_options(self) -> dict[str, Any]:
        """The settings that shape the rows a run writes, as a progress file
        records them (a run is resumed only with the same ones)."""
        where = lambda p: None if p is None else os.path.abspath(p)
        return {"method": self.method, "rules": where(self.rules), "model": where(self.model),
                "reference_date": self.reference_date, "with_body": self.with_body}

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"unknown method {self.method!r}; choose one of {', '.join(METHODS)}")
        if self.max_chars <= 0 or self.max_seconds <= 0:
            raise ValueError("max_chars and max_seconds must be positive")
        if self.reference_date is not None:
            object.__setattr__(self, "reference_date", check_date(self.reference_date))
        for name in ("rules", "model"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                object.__setattr__(self, name, os.fspath(value))

    def with_(self, **changes: object) -> "Settings":
        """A copy with some fields changed."""
        return replace(self, **changes)


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def check_date(value: object) -> str:
    """``value`` as a ``YYYY-MM-DD`` string (a ``date`` is accepted); a
    ValueError saying what is expected otherwise."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    try:
        if _ISO_DAY.fullmatch(text):
            return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    raise ValueError(f"reference date {value!r} is not a day written YYYY-MM-DD (e.g. 2020-03-01)")
