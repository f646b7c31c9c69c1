"""Calendar-day mentions → ISO 8601 / EDTF values.

What counts as a date is ``docs/annotation.md`` ("dates"); the words
and forms live in ``rules/dates.yaml``. The work is split in two:

* :class:`~extractor.fields.dates.find.DateFinder` runs one combined pattern
  (the forms of :mod:`~extractor.fields.dates.forms`, each a pattern and a
  handler) over the body and says what was written (``2月5日至11日``, ``14日``,
  ``次日``, ``上周六``), dropping durations and words inside other words;
* :class:`~extractor.fields.dates.resolve.Resolver` decides the day: the year
  nearest to the publication date (``XXXX`` when there is none), the month of
  a day written alone, the day a relative word hangs on.

Usage::

    extract = DateExtractor(rules)
    mentions = extract(body, Context(published="2020-03-23"))

Each mention has ``field="date"``, ``text == body[start:end]``, ``value`` an
ISO date (``2020-03-19``), an EDTF date with unknown year (``XXXX-03-05``)
or an interval (``2020-02-05/2020-02-11``), and ``role="relative"`` for a day
stated relative to another one (次日, 今天, 报到当天), else ``""``.
"""
from __future__ import annotations

from extractor.analysis import Analysis
from extractor.document import Context, Mention
from extractor.fields.dates.calendar import parse_iso
from extractor.fields.dates.find import DateFinder
from extractor.fields.dates.resolve import Resolver
from extractor.fields.dates.rules import load_lexicon
from extractor.ruleset import Rules, load_rules

FIELD = "date"
RELATIVE_ROLE = "relative"


class DateExtractor:
    """Finds and resolves the calendar-day mentions of a body.

    Built once from :class:`~extractor.ruleset.Rules` (a bad
    ``rules/dates.yaml`` fails here, naming file and line); call it per document.
    """

    def __init__(self, rules: Rules | None = None):
        self.lexicon = load_lexicon(rules or load_rules())
        self.finder = DateFinder(self.lexicon)

    def __call__(self, body: str, ctx: Context | None = None) -> list[Mention]:
        """Date mentions of ``body`` on its own; ``ctx.published`` sets the year."""
        return self.extract(Analysis(body, ctx or Context()))

    def extract(self, doc: Analysis) -> list[Mention]:
        """Date mentions of one document in text order."""
        body = doc.body
        published = parse_iso(doc.ctx.published)
        reference = parse_iso(doc.ctx.reference_date) if published is None else None
        candidates = self.finder.find(body)
        resolved = Resolver(self.lexicon, doc, published, reference).resolve(candidates)
        return [
            Mention(field=FIELD, text=body[r.cand.start:r.cand.end], value=r.value,
                    start=r.cand.start, end=r.cand.end,
                    role=RELATIVE_ROLE if r.relative else "")
            for r in resolved
        ]
