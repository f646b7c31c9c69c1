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

from extractor.ruleset import Rules
from extractor.rulespec import Bool, Int, ListOf, MapOf, Regex, RuleFile, Section, Word, Words, opt
from extractor.text.patterns import alternation as _alt, first_char_guard

from .forms import HEADS, TAILS

QUALIFIERS = ("more_than", "less_than", "approx")
# Characters of a Chinese numeral (俩 is left out: it is "two people", a word).
CN_CHARS = "零〇○一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟廿卅幺"
BIG_CHARS = "万亿"
CN_DIGITS = "零〇○一二两三四五六七八九壹贰叁肆伍陆柒捌玖"
BARE_UNITS = "十百千万亿拾佰仟"


_QUALIFIED = Section({q: opt(Words(), []) for q in QUALIFIERS})
NUMBERS = RuleFile("numbers.yaml", Section({
    "measures": MapOf(Words(1), min_items=1), "measure_as": MapOf(Word()), "arabic_only": Words(),
    "not_followed_by": MapOf(Words()), "not_preceded_by": MapOf(Words()),
    "money": Section({"suffixes": Words(1), "prefixes": Words(1), "tail_words": Words(1), "jiao": Word(),
                      "fen": Word(), "measure": Word()}),
    "percent": Section({"signs": Words(1), "prefixes": Words(1), "measure": Word()}),
    "qualifiers": Section({"before": _QUALIFIED, "before_bare": _QUALIFIED, "inside": _QUALIFIED,
                           "after": _QUALIFIED, "not_after_words": Words()}),
    "total_markers": Words(), "range_separators": Words(1), "max_range_ratio": Int(1),
    "ordinal_before": Words(), "ordinal_before_except": Words(), "ordinal_before_patterns": ListOf(Regex()),
    "negations": Words(), "skip_patterns": ListOf(Regex()), "idioms": Words(), "article_numerals": Words(),
    "financial_numerals": Word(), "reject_leading_zero": opt(Bool(), True),
    "max_arabic_digits": Int(1), "max_chinese_chars": Int(1),
}))
PEOPLE = RuleFile("people.yaml", Section({
    "people_measures": Words(1), "bare_person_measure": Word(), "workers": Words(1), "served": Words(1),
    "generic": Words(), "generic_adjacent_only": Words(), "served_hints": Words(1), "worker_hints": Words(1),
    "containers": Words(1), "modifier_breaks": Words(1), "coordination": Words(1),
    "max_modifier_chars": Int(1), "context_measures": Words(), "context_after": Words(),
    "left_fillers": Words(1), "team_context": Words(1), "served_context": Words(1),
    "household_measures": Words(1), "context_chars": Int(1), "max_people_count": Int(1),
    "counted_without_measure": opt(Words(), []),
    "team_heads": opt(Words(), []), "team_measures": opt(Words(), []),
    "collectives": opt(Words(), []),
}))


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
    # a people noun right before one of these names a team (志愿者|服务队):
    # counted in team_measures (5个志愿者服务队) the number counts teams
    team_head: re.Pattern[str] | None = None
    team_measures: frozenset[str] = frozenset()
    # nouns of a group that take the kind of a people noun right before them
    # (志愿者群体 are volunteers; 特殊群体 alone are people served)
    collectives: frozenset[str] = frozenset()


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


def _finder(measures: list[str], money: dict, signs: list[str], pct_prefixes: list[str],
            quals: dict[str, dict[str, str]], seps: list[str], max_digits: int, max_cn: int) -> str:
    """The combined pattern: qualifier, the head forms (currency, 百分之), the
    numeral (or range), 余/多, 万/亿, then one tail form (money word with
    coins, measure word, percent sign) and an after-qualifier. The forms'
    patterns come from :data:`.forms.FORMS`."""
    cn = f"[{CN_CHARS}几]"
    arabic = (rf"(?:\d{{1,3}}(?:,\d{{3}}){{1,8}}|\d{{1,{max_digits}}})(?:\.\d{{1,8}})?"
              rf"(?:[ ]?[十百千拾佰仟])?(?:[ ]?[{BIG_CHARS}]){{0,2}}")
    chinese = rf"数?{cn}{{1,{max_cn}}}(?:点[{CN_DIGITS}]{{1,8}})?"
    # A number never starts inside another one, a word of Latin letters, a
    # URL escape, or right after `7:`, `1-`, `3.` (clock times, rooms, decimals).
    first = (rf"(?:(?<![\dA-Za-z_%])(?<!\d[.,:/\-]){arabic}"
             rf"|(?<![{CN_CHARS}数几]){chinese})")
    second = rf"(?:{arabic}|{chinese})"
    pieces = {
        "measures": _alt(measures), "money_suffixes": _alt(money["suffixes"]),
        "money_tails": _alt(money["tail_words"]), "coin": f"[0-9{CN_DIGITS}]",
        "jiao": re.escape(money["jiao"]), "fen": re.escape(money["fen"]),
        "currency_prefixes": _alt(money["prefixes"]), "percent_prefixes": _alt(pct_prefixes),
        "percent_signs": _alt(signs),
    }
    heads = "[ ]?".join(rf"(?:{f.pattern(pieces)})?" for f in HEADS)
    tails = "|".join(f.pattern(pieces) for f in TAILS)
    return (
        rf"(?P<pre>{_alt(list(quals['before']))})?[ ]?"
        rf"{heads}"
        rf"(?P<num>{first})"
        rf"(?:[ ]?(?P<sep>{_alt(seps)})[ ]?(?P<num2>{second}))?"
        rf"[ ]?(?P<inf>{_alt(list(quals['inside']))})?[ ]?(?P<big>[{BIG_CHARS}]{{1,2}})?[ ]?"
        rf"(?:{tails})?"
        rf"(?:[ ]?(?P<post>{_alt(list(quals['after']))}))?"
    )


def load_number_rules(rules: Rules) -> NumberRules:
    """Read and compile ``numbers.yaml`` and ``people.yaml``."""
    data = rules.load(NUMBERS)
    arabic_only = list(data.arabic_only)
    measures = [w for words in data.measures.values() for w in words] + arabic_only
    money = data.money
    people_data = rules.load(PEOPLE)
    # annotation.md: residents counted with no measure word are quantities
    # with the noun as measure (2000多居民), workers so counted are headcounts
    # (41万在职党员): the nouns listed for that count as measure words.
    measures += list(people_data.counted_without_measure)
    measures = sorted(set(measures) - set(money.suffixes))
    percent = data.percent
    q = data.qualifiers
    quals = {k: {w: qual for qual, words in q[k].items() for w in words}
             for k in ("before", "before_bare", "inside", "after")}
    quals["before"] = {**quals["before_bare"], **quals["before"]}
    finder = _finder(measures, money, list(percent.signs), list(percent.prefixes), quals,
                     list(data.range_separators), data.max_arabic_digits, data.max_chinese_chars)
    people = load_people_rules(rules)
    for w in people_data.counted_without_measure:
        if w not in people.kind_of or people.kind_of[w] == "generic":
            raise rules.fail(PEOPLE.name, w, f"counted_without_measure entry {w!r} must be a workers or served noun")
    for w in people_data.people_measures:
        if w not in measures:
            raise rules.fail(PEOPLE.name, w, f"people measure {w!r} is not a measure in {NUMBERS.name}")
    before = {w for words in q.before.values() for w in words}
    return NumberRules(
        # most positions of a text begin no number: the guard spares the
        # engine the whole pattern there (4x faster on the seeds, same matches)
        finder=re.compile(first_char_guard(finder)),
        measure_as=dict(data.measure_as),
        arabic_only=frozenset(arabic_only),
        not_followed={m: re.compile(rf"[ ]?[多半]?(?:{_alt(ws)})")
                      for m, ws in data.not_followed_by.items() if ws},
        not_preceded={m: list(ws) for m, ws in data.not_preceded_by.items()},
        money_measure=money.measure,
        percent_measure=percent.measure,
        qualifier_of=quals["before"],
        bare_only=frozenset(set(quals["before_bare"]) - before),
        inside_qualifier=quals["inside"],
        after_qualifier=quals["after"],
        not_after_words=list(q.not_after_words),
        total_markers=list(data.total_markers),
        max_range_ratio=data.max_range_ratio,
        ordinal_before=list(data.ordinal_before),
        ordinal_except=list(data.ordinal_before_except),
        ordinal_patterns=list(data.ordinal_before_patterns),
        negations=list(data.negations),
        idioms=re.compile(_alt(data.idioms)) if data.idioms else None,
        skip=list(data.skip_patterns),
        article_numerals=frozenset(data.article_numerals),
        financial=frozenset(data.financial_numerals.strip()),
        reject_leading_zero=data.reject_leading_zero,
        people=people,
    )


def load_people_rules(rules: Rules) -> PeopleRules:
    """Read and compile ``people.yaml``."""
    data = rules.load(PEOPLE)
    kind_of: dict[str, str] = {}
    for kind in ("workers", "served", "generic"):
        for w in data[kind]:
            if w in kind_of and kind_of[w] != kind:
                raise rules.fail(PEOPLE.name, w, f"{w!r} is listed both as {kind_of[w]} and {kind}")
            kind_of[w] = kind
    context_kind = {w: "team" for w in data.team_context}
    for w in data.served_context:
        if context_kind.get(w) == "team":
            raise rules.fail(PEOPLE.name, w, f"{w!r} is both team_context and served_context")
        context_kind[w] = "served"
    nouns = _alt(kind_of)
    fillers = _alt(data.left_fillers)
    pr = PeopleRules(
        kind_of=kind_of,
        measures=frozenset(data.people_measures),
        context_measures=frozenset(data.context_measures),
        context_after=list(data.context_after),
        nouns=re.compile(nouns),
        adjacent_only=frozenset(data.generic_adjacent_only),
        bare_person=data.bare_person_measure,
        served_hints=re.compile(_alt(data.served_hints)),
        worker_hints=re.compile(_alt(data.worker_hints)),
        modifier_breaks=re.compile(_alt(data.modifier_breaks)),
        coordination=re.compile(_alt(data.coordination)),
        containers=re.compile(rf"(?:{_alt(data.containers)})$"),
        team_head=re.compile(_alt(data.team_heads)) if data.team_heads else None,
        team_measures=frozenset(data.team_measures),
        collectives=frozenset(data.collectives),
        max_modifier=data.max_modifier_chars,
        # A people noun, then only filler words, up to the end of the text before the number.
        left_noun=re.compile(rf"(?P<noun>{nouns})[ ]?(?:(?:{fillers})[ ]?){{0,3}}$"),
        context=re.compile(_alt(context_kind)),
        context_kind=context_kind,
        household=re.compile(rf"\d[ ]?(?:{_alt(data.household_measures)})[ ,、]?$"),
        context_chars=data.context_chars,
        max_count=data.max_people_count,
    )
    for w in pr.adjacent_only:
        if w not in kind_of:
            raise rules.fail(PEOPLE.name, w, f"generic_adjacent_only entry {w!r} is not a listed noun")
    for w in pr.collectives:
        if w not in kind_of:
            raise rules.fail(PEOPLE.name, w, f"collectives entry {w!r} is not a listed noun")
    return pr
