"""Resolving a found number span into an :class:`Amount`: its value (exact,
with multipliers and ranges applied), its qualifier and its measure word.

The finder (``find``) hands over a regex match of the combined pattern
built in ``rules``; what it counts is decided by the forms of ``forms``,
the numeral's value here. It returns
``None`` when the span, on a closer look, counts nothing (an article ``一``, a
phone-like ``0712``, an inverted range).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from extractor.fields.numbers.forms import HEADS, TAIL_GROUPS, measure_of
from extractor.fields.numbers.rules import BARE_UNITS, NumberRules
from extractor.text.numerals import DIGITS, number_text, parse_number

# Two adjacent single digits read as a range (`五六个`, `三四十`, `十五六`):
# an optional head ending in a unit, the two digits, and the units after them.
_DIGIT = "一二两三四五六七八九"
_ADJACENT = re.compile(rf"^(?P<head>.*[十百千万亿])?(?P<a>[{_DIGIT}])(?P<b>[{_DIGIT}])(?P<units>[十百千万亿]*)$")
# Starts only where a run of units starts (a search would otherwise rescan
# a long run from each of its characters).
_TRAILING_UNITS = re.compile(r"(?<![十百千万亿拾佰仟])[十百千万亿拾佰仟]+$")
_BARE_BIG = set("百千万亿佰仟")
# Named groups of the finder that make up the number, and those after it.
_NUMBER_GROUPS = ("num", "num2", "inf", "big")
_AFTER_GROUPS = TAIL_GROUPS + ("post",)
_END_GROUPS = _NUMBER_GROUPS + _AFTER_GROUPS
_START_GROUPS = (*(f.group for f in HEADS), "num")


@dataclass
class Amount:
    """A resolved number: ``low``–``high`` (``high`` is None for one value)."""

    low: Decimal
    high: Decimal | None
    qualifier: str
    measure: str          # as reported (`元` for every currency, `%`)
    word: str             # the measure word as written (`名`, `港元`, "")
    kind: str             # count | money | percent
    start: int            # span start (qualifier, currency or number)
    end: int              # span end (measure, coins or after-qualifier)
    num_start: int        # where the digits start

    @property
    def value(self) -> str:
        """``'25600'``, ``'0.5'`` or a range ``'3-4'``."""
        if self.high is None:
            return number_text(self.low)
        return f"{number_text(self.low)}-{number_text(self.high)}"


def _single(text: str, nr: NumberRules, money: bool = False) -> tuple[Decimal, Decimal | None, str] | None:
    """One numeral as written → (low, high, qualifier); None if it counts nothing.

    A lone ``一`` is an article before a classifier but a real one before a
    currency (``一元``, ``壹元整``): ``money`` says which.
    """
    s = "".join(text.split())
    if not s:
        return None
    qual = ""
    if s[0] in "数几":
        # 数百, 几十万: at least the unit that follows.
        s, qual = s[1:], "more_than"
        if not s or s[0] not in BARE_UNITS:
            return None
        s = "一" + s
    if s.endswith("几"):
        s, qual = s[:-1], "more_than"          # 十几, 二十几
        if not s or not s[-1] in BARE_UNITS:
            return None
    if "几" in s or (s in nr.article_numerals and not (money and s not in "零〇○")):
        return None
    if nr.reject_leading_zero and re.match(r"0\d", s):
        return None
    m = _ADJACENT.match(s)
    if m:
        a, b = DIGITS[m.group("a")], DIGITS[m.group("b")]
        # 五六个, 三四十, 十五六 (consecutive digits); 三五个, 三五百 (loose, no head).
        if b > a and (b == a + 1 or not m.group("head")):
            head, units = m.group("head") or "", m.group("units")
            try:
                return (parse_number(head + m.group("a") + units),
                        parse_number(head + m.group("b") + units), qual)
            except ValueError:
                return None
    if len(s) > 1 and all(c in DIGITS for c in s):
        return None                             # 二〇二〇, 一一: a year or code, not a count
    try:
        return parse_number(s), None, qual
    except ValueError:
        return None


def _range(first: str, second: str, sep: str, nr: NumberRules) -> tuple[Decimal, Decimal, str] | None:
    """``3至4``, ``5万-6万``, ``两到三万`` (the units of the far end reach back)."""
    first, second = "".join(first.split()), "".join(second.split())
    if sep == "、" and not _consecutive_digits(first, second):
        return None      # 、 makes a range only in 五、六万; elsewhere it lists
    a, b = _single(first, nr), _single(second, nr)
    if not a or not b or a[1] is not None or b[1] is not None:
        return None
    low, high = a[0], b[0]
    low = _scale_low_end(low, high, second)
    if not (0 < low < high) or high > low * nr.max_range_ratio:
        return None
    return low, high, a[2] or b[2]


def _scale_low_end(low: Decimal, high: Decimal, second: str) -> Decimal:
    """`两到三万` is 2万-3万, `十八至三十万` 18万-30万, `一百二十到一百五十万`
    120万-150万: the low end takes the largest tail of the high end's units
    that keeps it below the high end."""
    units = _TRAILING_UNITS.search(second)
    best = low
    if units:
        run = units.group()
        for i in range(len(run) - 1, -1, -1):     # 万, 十万 ...: shortest tail first
            try:
                scaled = low * parse_number(run[i:])
            except ValueError:
                continue
            if best < scaled < high:
                best = scaled
    return best


def _consecutive_digits(first: str, second: str) -> bool:
    """五、六万: two single Chinese digits, the second one more than the first."""
    return (len(first) == 1 and first in _DIGIT and second[:1] in _DIGIT
            and DIGITS[second[0]] == DIGITS[first] + 1
            and (len(second) == 1 or second[1] in BARE_UNITS))


def _coins(m: re.Match[str]) -> Decimal:
    extra = Decimal(0)
    for group, scale in (("jd", Decimal("0.1")), ("fd", Decimal("0.01"))):
        if m.group(group):
            extra += parse_number(m.group(group)) * scale
    return extra


def _prefix_qualifier(m: re.Match[str], body: str, nr: NumberRules) -> str:
    """The before-qualifier, unless it belongs to another word (`附近`, `通过5`)."""
    pre = m.group("pre")
    if not pre:
        return ""
    if pre in nr.bare_only and "".join(m.group("num").split())[:1] not in BARE_UNITS:
        return ""
    s = m.start("pre")
    for word in nr.not_after_words:
        k = word.find(pre)
        if k >= 0 and body.startswith(word, s - k) and s - k >= 0 and word != pre:
            return ""
    return nr.qualifier_of.get(pre, "")


def _numbers(m: re.Match[str], nr: NumberRules) -> tuple[Decimal, Decimal | None, str] | None:
    """Low end, high end (or None) and the qualifier written in the numeral."""
    num = m.group("num")
    if m.group("sep"):
        value = _range(num, m.group("num2"), m.group("sep"), nr)
    else:
        value = _single(num, nr, money=bool(m.group("money") or m.group("cur")))
    if value is None:
        return None
    low, high, qual = value
    if m.group("big"):                        # 100多万: the multiplier after 多
        mult = parse_number(m.group("big"))
        low, high = low * mult, (high * mult if high is not None else None)
    inside = m.group("inf")
    return low, high, (nr.inside_qualifier.get(inside, "") if inside else "") or qual


def resolve(m: re.Match[str], body: str, nr: NumberRules) -> Amount | None:
    """Turn a finder match into an Amount (None when it counts nothing)."""
    measure = measure_of(m, nr)
    numbers = _numbers(m, nr) if measure else None
    if numbers is None:
        return None
    kind, reported, word = measure
    if kind != "money" and nr.financial.intersection(m.group("num") + (m.group("num2") or "")):
        return None     # 大陆人, 食肆: financial numerals count only money
    low, high, qual = numbers
    pre_qual = _prefix_qualifier(m, body, nr)
    if "".join(m.group("num").split())[:1] in _BARE_BIG and not (pre_qual or m.group("pct")):
        return None     # 万家, 千家: a bare 百/千/万 counts only after 近, 上, 逾 ...
    post = m.group("post")
    qual = qual or pre_qual or (nr.after_qualifier.get(post, "") if post else "") or "exact"
    if kind == "money" and m.group("money"):
        low += _coins(m)
    # start() and end() are -1 exactly for a group that took no part in the
    # match; num always does.
    start = m.start("pre") if pre_qual else min([s for s in map(m.start, _START_GROUPS) if s >= 0])
    end = max(map(m.end, _NUMBER_GROUPS if m.group("pct") else _END_GROUPS))
    return Amount(low=low, high=high, qualifier=qual, measure=reported, word=word, kind=kind,
                  start=start, end=end, num_start=m.start("num"))
