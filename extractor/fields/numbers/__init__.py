"""Headcounts and quantities (annotation.md, "headcounts" and "quantities").

A number with a measure word is a *quantity* (``25600户次``, ``200余公斤``,
``$20万`` → 200000 元, ``30%``) unless it counts people doing the work, when it
is a *headcount* (``逾3500名市直党员干部``, ``17位同志``, ``共56人``) with the
people noun as ``role``. Dates, clock times, durations, ordinals, ages,
phone numbers and the article ``一`` count nothing.

The work is split Recognizers-Text style:

* ``find``    finds candidate spans with one combined pattern and
                      drops the ones that are not counts;
* ``resolve`` resolves a span into a value, qualifier and measure;
* ``people``  decides headcount vs quantity from the people noun or
                      the clause;
* ``rules``   loads ``rules/numbers.yaml`` and ``rules/people.yaml``.
"""
from __future__ import annotations

from extractor.analysis import Analysis
from extractor.document import Context, Mention
from extractor.fields.numbers.find import find_amounts
from extractor.fields.numbers.people import decide
from extractor.fields.numbers.resolve import Amount
from extractor.fields.numbers.rules import NumberRules, load_number_rules
from extractor.ruleset import Rules

__all__ = ["NumberExtractor"]


class NumberExtractor:
    """Built once from :class:`Rules`; called per document body."""

    def __init__(self, rules: Rules):
        self.rules: NumberRules = load_number_rules(rules)

    def __call__(self, body: str, ctx: Context | None = None) -> list[Mention]:
        """Headcount and quantity mentions of ``body`` on its own, in text order.

        ``body`` is the normalized (simplified, NFKC) text; offsets index it.
        ``ctx`` is accepted for the common extractor interface and not needed.
        """
        return self.extract(Analysis(body, ctx or Context()))

    def extract(self, doc: Analysis) -> list[Mention]:
        """Headcount and quantity mentions of one document, in text order, disjoint."""
        out: list[Mention] = []
        for a in find_amounts(doc.body, self.rules):
            m = self._mention(doc.body, a)
            # a headcount's role may reach over the next number (0名三党员:
            # the role 三党员 holds the count 三党员): the earlier one keeps it
            if not out or m.start >= out[-1].end:
                out.append(m)
        return out

    def _mention(self, body: str, amount: Amount) -> Mention:
        d = decide(body, amount, self.rules)
        if d.field == "headcount":
            start, end = d.start, d.end
        else:
            start, end = amount.start, amount.end
        return Mention(field=d.field, text=body[start:end], value=amount.value,
                       start=start, end=end, measure=amount.measure,
                       qualifier=amount.qualifier, role=d.role, confidence=d.confidence)
