"""What makes a number a count, one table entry each: a currency or
``百分之`` before the numeral, a money word, a measure word or a percent sign
after it. Each :class:`NumberForm` keeps its pattern (built from the word
lists of ``rules/numbers.yaml``) and its handler, which says what the span
counts, together; the combined finder pattern and the dispatch in
:mod:`.resolve` are both generated from :data:`FORMS`.

The numeral itself (digits, Chinese numerals, ranges, 余/多, 万/亿) and the
qualifiers around it are shared by every form and built in :mod:`.rules`.

To add a form: write its pattern builder and handler here and add one
:class:`NumberForm` to :data:`FORMS` (its words go to rules/numbers.yaml);
nothing else changes.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .rules import NumberRules

# Before the numeral or after it.
HEAD = "head"
TAIL = "tail"

# The alternations a form's pattern is built from (``pieces`` in rules._finder).
Pieces = Mapping[str, str]
# (kind, measure as reported, measure as written), or None: not this form's count.
Measure = tuple[str, str, str]
Handler = Callable[[re.Match[str], "NumberRules"], "Measure | None"]


@dataclass(frozen=True)
class NumberForm:
    """One way a written number becomes a count.

    ``groups`` are every group of its pattern, the first naming the form's
    span (the span's end is the last of them that matched);
    ``pattern(pieces)`` is its regex, ``measure(match, rules)`` what it
    counts, or None when another form decides.
    """

    name: str
    slot: str
    pattern: Callable[[Pieces], str]
    measure: Handler
    groups: tuple[str, ...]

    @property
    def group(self) -> str:
        """The group that names the form's span in the combined pattern."""
        return self.groups[0]


def _money_pattern(p: Pieces) -> str:
    coin = p["coin"]
    return (rf"(?P<money>{p['money_suffixes']})"
            rf"(?:[ ]?(?P<jiao>(?P<jd>{coin}){p['jiao']}))?"
            rf"(?:[ ]?零?(?P<fen>(?P<fd>{coin}){p['fen']}))?"
            rf"(?P<tail>{p['money_tails']})?")


def _money(m: re.Match[str], nr: NumberRules) -> Measure | None:
    return "money", nr.money_measure, m.group("money")


def _currency(m: re.Match[str], nr: NumberRules) -> Measure | None:
    # 港币300 is money, 港币300万元 too (the suffix decides first), but
    # 美元3个 and 美元5% count the measure / percent.
    if m.group("measure") or m.group("sign"):
        return None
    return "money", nr.money_measure, m.group("cur")


def _percent_prefix(m: re.Match[str], nr: NumberRules) -> Measure | None:
    # 百分之三十: whatever follows is another word.
    return "percent", nr.percent_measure, m.group("pct")


def _sign(m: re.Match[str], nr: NumberRules) -> Measure | None:
    return "percent", nr.percent_measure, m.group("sign")


def _count(m: re.Match[str], nr: NumberRules) -> Measure | None:
    word = m.group("measure")
    return "count", nr.measure_as.get(word, word), word


# In the order the handlers decide (the first one that says something wins);
# the pattern keeps heads and tails in this order too.
FORMS: tuple[NumberForm, ...] = (
    NumberForm("money", TAIL, _money_pattern, _money, ("money", "jiao", "jd", "fen", "fd", "tail")),
    NumberForm("currency", HEAD, lambda p: rf"(?P<cur>{p['currency_prefixes']})", _currency, ("cur",)),
    NumberForm("percent_prefix", HEAD, lambda p: rf"(?P<pct>{p['percent_prefixes']})", _percent_prefix, ("pct",)),
    NumberForm("count", TAIL, lambda p: rf"(?P<measure>{p['measures']})(?P<alt>\([^()\s]{{1,4}}\))?",
               _count, ("measure", "alt")),
    NumberForm("percent_sign", TAIL, lambda p: rf"(?P<sign>{p['percent_signs']})", _sign, ("sign",)),
)
HEADS = tuple(f for f in FORMS if f.slot == HEAD)
TAILS = tuple(f for f in FORMS if f.slot == TAIL)
# Groups after the numeral that belong to the span (all tails).
TAIL_GROUPS = tuple(g for f in TAILS for g in f.groups)


def measure_of(m: re.Match[str], nr: NumberRules) -> Measure | None:
    """What the match counts, by the first form that decides; None for a bare number."""
    for form in FORMS:
        if m.group(form.group) is not None:
            found = form.measure(m, nr)
            if found is not None:
                return found
    return None


# Every form's group, read in one call (a tuple when there are several).
_FORM_GROUPS = tuple(f.group for f in FORMS)


def counts_something(m: re.Match[str]) -> bool:
    """True when some form matched (a bare numeral alone counts nothing)."""
    if len(_FORM_GROUPS) == 1:
        return bool(m.group(_FORM_GROUPS[0]))
    return any(m.group(*_FORM_GROUPS))
