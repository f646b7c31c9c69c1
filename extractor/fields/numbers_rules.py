"""Loading ``rules/numbers.yaml`` and ``rules/people.yaml`` for the number
extractor: every list is validated (a bad entry raises a ``RuleError`` naming
its file and line) and every pattern is compiled once, here.

The finder is one combined regular expression. Every repetition in it is
bounded, and a numeral may not start right after a digit or numeral
character (lookbehind), so a 100,000-character run of ``一`` or of digits is
tried from one position only and costs linear time.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from extractor.ruleset import LStr, RuleError, Rules, line_of

NUMBERS = "numbers.yaml"
PEOPLE = "people.yaml"

QUALIFIERS = ("more_than", "less_than", "approx")
# Characters of a Chinese numeral (俩 is left out: it is "two people", a word).
CN_CHARS = "零〇○一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟廿卅幺"
BIG_CHARS = "万亿"
CN_DIGITS = "零〇○一二两三四五六七八九壹贰叁肆伍陆柒捌玖"
BARE_UNITS = "十百千万亿拾佰仟"


def _alt(words: list[str]) -> str:
    """A regex alternation of literal words, longest first."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


@dataclass
class PeopleRules:
    """The people-noun lexicon of ``rules/people.yaml``."""

    kind_of: dict[str, str]                 # noun -> workers | served | generic
    measures: frozenset[str]                # measure words that may count people
    context_measures: frozenset[str]        # ... decided by context when no noun follows
    context_after: list[str]                # words after `N名` that name nobody
    nouns: re.Pattern[str]
    adjacent_only: frozenset[str]
    bare_person: str
    served_hints: re.Pattern[str]
    worker_hints: re.Pattern[str]
    modifier_breaks: re.Pattern[str]
    coordination: re.Pattern[str]
    containers: re.Pattern[str]
    max_modifier: int
    left_noun: re.Pattern[str]
    context: re.Pattern[str]
    context_kind: dict[str, str]            # word -> team | served
    household: re.Pattern[str]
    context_chars: int
    max_count: int                          # more people than this counts nobody


@dataclass
class NumberRules:
    """Every list and pattern the number extractor uses, loaded once."""

    finder: re.Pattern[str]
    measure_as: dict[str, str]
    arabic_only: frozenset[str]
    not_followed: dict[str, re.Pattern[str]]
    not_preceded: dict[str, list[str]]
    money_measure: str
    percent_measure: str
    qualifier_of: dict[str, str]            # before-qualifier word -> qualifier
    bare_only: frozenset[str]               # before-words valid only before a bare unit
    inside_qualifier: dict[str, str]
    after_qualifier: dict[str, str]
    not_after_words: list[str]
    total_markers: list[str]
    max_range_ratio: int
    ordinal_before: list[str]
    ordinal_except: list[str]
    ordinal_patterns: list[re.Pattern[str]]
    negations: list[str]
    idioms: re.Pattern[str] | None
    skip: list[re.Pattern[str]]
    article_numerals: frozenset[str]
    financial: frozenset[str]
    reject_leading_zero: bool
    people: PeopleRules

    @property
    def people_measures(self) -> frozenset[str]:
        return self.people.measures


def _words(rules: Rules, name: str, data: dict, key: str) -> list[LStr]:
    """A list of non-empty strings under ``data[key]`` (data is a nested mapping)."""
    items = data.get(key) if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise rules.fail(name, key if isinstance(key, LStr) else None,
                         f"'{key}' must be a list of words")
    for item in items:
        if not isinstance(item, str) or not item.strip():
            # Only strings carry their line; a number or null points at its list.
            raise RuleError(rules.path(name), line_of(item) or line_of(key),
                            f"'{key}' entries must be non-empty strings, got {item!r}")
    return items


def _mapping(rules: Rules, name: str, data: Any, key: str) -> dict:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, dict):
        raise rules.fail(name, None, f"'{key}' must be a mapping")
    return value


def _qualifier_map(rules: Rules, name: str, block: dict, key: str) -> dict[str, str]:
    """``{more_than: [逾, ...], ...}`` → ``{'逾': 'more_than', ...}``."""
    out: dict[str, str] = {}
    for qual, words in _mapping(rules, name, block, key).items():
        if qual not in QUALIFIERS:
            raise rules.fail(name, qual, f"unknown qualifier {qual!r}; use one of {QUALIFIERS}")
        for w in _words(rules, name, {qual: words}, qual):
            out[w] = qual
    return out


def _int(rules: Rules, name: str, data: dict, key: str) -> int:
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise rules.fail(name, None, f"'{key}' must be a positive integer")
    return value


def _word_map(rules: Rules, data: dict, key: str) -> dict[str, list[LStr]]:
    """``{measure: [word, ...]}`` sections such as ``not_followed_by``."""
    out = {}
    for m, words in _mapping(rules, NUMBERS, data, key).items():
        if not isinstance(words, list):
            raise rules.fail(NUMBERS, m, f"{key}.{m} must be a list")
        out[str(m)] = list(_words(rules, NUMBERS, {m: words}, m))
    return out


def _finder(measures: list[str], money: dict, signs: list[str], pct_prefixes: list[str],
            quals: dict[str, dict[str, str]], seps: list[str], max_digits: int, max_cn: int) -> str:
    """The combined pattern: qualifier, currency, numeral (or range), 余/多,
    万/亿, then a money word with coins, a measure word or a percent sign."""
    cn = f"[{CN_CHARS}几]"
    coin = f"[0-9{CN_DIGITS}]"
    arabic = (rf"(?:\d{{1,3}}(?:,\d{{3}}){{1,8}}|\d{{1,{max_digits}}})(?:\.\d{{1,8}})?"
              rf"(?:[ ]?[十百千拾佰仟])?(?:[ ]?[{BIG_CHARS}]){{0,2}}")
    chinese = rf"数?{cn}{{1,{max_cn}}}(?:点[{CN_DIGITS}]{{1,8}})?"
    # A number never starts inside another one, a word of Latin letters, a
    # URL escape, or right after `7:`, `1-`, `3.` (clock times, rooms, decimals).
    first = (rf"(?:(?<![\dA-Za-z_%])(?<!\d[.,:/\-]){arabic}"
             rf"|(?<![{CN_CHARS}数几]){chinese})")
    second = rf"(?:{arabic}|{chinese})"
    return (
        rf"(?P<pre>{_alt(list(quals['before']))})?[ ]?"
        rf"(?P<cur>{_alt(money['prefixes'])})?[ ]?"
        rf"(?P<pct>{_alt(pct_prefixes)})?"
        rf"(?P<num>{first})"
        rf"(?:[ ]?(?P<sep>{_alt(seps)})[ ]?(?P<num2>{second}))?"
        rf"[ ]?(?P<inf>{_alt(list(quals['inside']))})?[ ]?(?P<big>[{BIG_CHARS}]{{1,2}})?[ ]?"
        rf"(?:(?P<money>{_alt(money['suffixes'])})"
        rf"(?:[ ]?(?P<jiao>(?P<jd>{coin}){re.escape(money['jiao'])}))?"
        rf"(?:[ ]?零?(?P<fen>(?P<fd>{coin}){re.escape(money['fen'])}))?"
        rf"(?P<tail>{_alt(money['tail_words'])})?"
        rf"|(?P<measure>{_alt(measures)})(?P<alt>\([^()\s]{{1,4}}\))?"
        rf"|(?P<sign>{_alt(signs)}))?"
        rf"(?:[ ]?(?P<post>{_alt(list(quals['after']))}))?"
    )


def _chars(rules: Rules, data: dict, key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise rules.fail(NUMBERS, None, f"'{key}' must be a string of characters")
    return value.strip()


def _money(rules: Rules, data: dict) -> dict[str, Any]:
    money = _mapping(rules, NUMBERS, data, "money")
    out: dict[str, Any] = {k: _words(rules, NUMBERS, money, k) for k in ("suffixes", "prefixes", "tail_words")}
    for k in ("jiao", "fen", "measure"):
        if not isinstance(money.get(k), str) or not money[k]:
            raise rules.fail(NUMBERS, None, f"money.{k} must be a word")
        out[k] = str(money[k])
    return out


def load_number_rules(rules: Rules) -> NumberRules:
    """Read and compile ``numbers.yaml`` and ``people.yaml``."""
    data = rules.yaml(NUMBERS)
    if not isinstance(data, dict):
        raise rules.fail(NUMBERS, None, "expected a mapping at the top level")
    groups = _mapping(rules, NUMBERS, data, "measures")
    arabic_only = _words(rules, NUMBERS, data, "arabic_only")
    measures = [w for g in groups for w in _words(rules, NUMBERS, groups, g)] + arabic_only
    money = _money(rules, data)
    measures = sorted(set(measures) - set(money["suffixes"]))
    percent = _mapping(rules, NUMBERS, data, "percent")
    if not isinstance(percent.get("measure"), str):
        raise rules.fail(NUMBERS, None, "percent.measure must be a word")
    q = _mapping(rules, NUMBERS, data, "qualifiers")
    quals = {k: _qualifier_map(rules, NUMBERS, q, k) for k in ("before", "before_bare", "inside", "after")}
    quals["before"] = {**quals["before_bare"], **quals["before"]}
    finder = _finder(measures, money, _words(rules, NUMBERS, percent, "signs"),
                     _words(rules, NUMBERS, percent, "prefixes"), quals,
                     _words(rules, NUMBERS, data, "range_separators"),
                     _int(rules, NUMBERS, data, "max_arabic_digits"),
                     _int(rules, NUMBERS, data, "max_chinese_chars"))
    idioms = _words(rules, NUMBERS, data, "idioms")
    people = load_people_rules(rules)
    for w in _words(rules, PEOPLE, rules.yaml(PEOPLE), "people_measures"):
        if w not in measures:
            raise rules.fail(PEOPLE, w, f"people measure {w!r} is not a measure in {NUMBERS}")
    measure_as = _mapping(rules, NUMBERS, data, "measure_as")
    return NumberRules(
        finder=re.compile(finder),
        measure_as={str(k): str(v) for k, v in measure_as.items()},
        arabic_only=frozenset(arabic_only),
        not_followed={m: re.compile(rf"[ ]?[多半]?(?:{_alt(ws)})")
                      for m, ws in _word_map(rules, data, "not_followed_by").items() if ws},
        not_preceded=_word_map(rules, data, "not_preceded_by"),
        money_measure=money["measure"],
        percent_measure=str(percent["measure"]),
        qualifier_of=quals["before"],
        bare_only=frozenset(set(quals["before_bare"]) - set(_qualifier_map(rules, NUMBERS, q, "before"))),
        inside_qualifier=quals["inside"],
        after_qualifier=quals["after"],
        not_after_words=_words(rules, NUMBERS, q, "not_after_words"),
        total_markers=_words(rules, NUMBERS, data, "total_markers"),
        max_range_ratio=_int(rules, NUMBERS, data, "max_range_ratio"),
        ordinal_before=_words(rules, NUMBERS, data, "ordinal_before"),
        ordinal_except=_words(rules, NUMBERS, data, "ordinal_before_except"),
        ordinal_patterns=[rules.pattern(NUMBERS, p)
                          for p in _words(rules, NUMBERS, data, "ordinal_before_patterns")],
        negations=_words(rules, NUMBERS, data, "negations"),
        idioms=re.compile(_alt(idioms)) if idioms else None,
        skip=[rules.pattern(NUMBERS, p) for p in _words(rules, NUMBERS, data, "skip_patterns")],
        article_numerals=frozenset(_words(rules, NUMBERS, data, "article_numerals")),
        financial=frozenset(_chars(rules, data, "financial_numerals")),
        reject_leading_zero=bool(data.get("reject_leading_zero", True)),
        people=people,
    )


def load_people_rules(rules: Rules) -> PeopleRules:
    """Read and compile ``people.yaml``."""
    data = rules.yaml(PEOPLE)
    if not isinstance(data, dict):
        raise rules.fail(PEOPLE, None, "expected a mapping at the top level")
    kind_of: dict[str, str] = {}
    for kind in ("workers", "served", "generic"):
        for w in _words(rules, PEOPLE, data, kind):
            if w in kind_of and kind_of[w] != kind:
                raise rules.fail(PEOPLE, w, f"{w!r} is listed both as {kind_of[w]} and {kind}")
            kind_of[w] = kind
    context_kind = {w: "team" for w in _words(rules, PEOPLE, data, "team_context")}
    for w in _words(rules, PEOPLE, data, "served_context"):
        if context_kind.get(w) == "team":
            raise rules.fail(PEOPLE, w, f"{w!r} is both team_context and served_context")
        context_kind[w] = "served"
    bare = data.get("bare_person_measure")
    if not isinstance(bare, str) or not bare:
        raise rules.fail(PEOPLE, None, "'bare_person_measure' must be a word")
    nouns = _alt(list(kind_of))
    fillers = _alt(_words(rules, PEOPLE, data, "left_fillers"))
    pr = PeopleRules(
        kind_of=kind_of,
        measures=frozenset(_words(rules, PEOPLE, data, "people_measures")),
        context_measures=frozenset(_words(rules, PEOPLE, data, "context_measures")),
        context_after=_words(rules, PEOPLE, data, "context_after"),
        nouns=re.compile(nouns),
        adjacent_only=frozenset(_words(rules, PEOPLE, data, "generic_adjacent_only")),
        bare_person=bare,
        served_hints=re.compile(_alt(_words(rules, PEOPLE, data, "served_hints"))),
        worker_hints=re.compile(_alt(_words(rules, PEOPLE, data, "worker_hints"))),
        modifier_breaks=re.compile(_alt(_words(rules, PEOPLE, data, "modifier_breaks"))),
        coordination=re.compile(_alt(_words(rules, PEOPLE, data, "coordination"))),
        containers=re.compile(rf"(?:{_alt(_words(rules, PEOPLE, data, 'containers'))})$"),
        max_modifier=_int(rules, PEOPLE, data, "max_modifier_chars"),
        # A people noun, then only filler words, up to the end of the text before the number.
        left_noun=re.compile(rf"(?P<noun>{nouns})[ ]?(?:(?:{fillers})[ ]?){{0,3}}$"),
        context=re.compile(_alt(list(context_kind))),
        context_kind=context_kind,
        household=re.compile(
            rf"\d[ ]?(?:{_alt(_words(rules, PEOPLE, data, 'household_measures'))})[ ,、]?$"),
        context_chars=_int(rules, PEOPLE, data, "context_chars"),
        max_count=_int(rules, PEOPLE, data, "max_people_count"),
    )
    for w in pr.adjacent_only:
        if w not in kind_of:
            raise rules.fail(PEOPLE, w, f"generic_adjacent_only entry {w!r} is not a listed noun")
    return pr
