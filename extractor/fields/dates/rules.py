"""``rules/dates.yaml``: its declared shape, and the one combined date pattern.

Everything the date extractor knows about words and forms is read here,
once, and checked (a malformed entry stops start-up with the file and line).
The combined pattern is the alternation of :data:`~.forms.FORMS`, built from
the rule parts, so one ``finditer`` pass over a body finds every candidate.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.ruleset import Rules
from extractor.rulespec import (Bool, Choice, Either, Int, ListOf, MapOf, Regex, RuleFile, Section, Word,
                                Words, opt)
from extractor.text.patterns import alternation, first_char_guard

from .forms import FORMS

_PART_NAMES = ("year_arabic", "year_cn", "month_arabic", "month_cn", "day_arabic", "day_cn",
               "space", "year_mark", "month_mark", "event_link", "day_alone_not_after",
               "iso_year", "iso_separator", "range_time")
_NO_GROUPS = Regex(groups=0)

FILE = RuleFile("dates.yaml", Section({
    "parts": Section({name: _NO_GROUPS for name in _PART_NAMES}),
    "range_connectors": Words(1), "range_start_suffixes": Words(), "day_suffixes": Words(1),
    "not_after_any": Words(), "dateline_end": Regex(),
    "year_words": MapOf(Int()), "month_words": MapOf(Either(Int(), Choice("previous"))),
    "week_words": MapOf(Int()), "weekday_names": MapOf(Int(1, 7)),
    "weekday_infix": Words(), "weekday_not_before": Words(), "month_week_not_after": Words(),
    "relative_days": ListOf(Section({
        "word": Word(), "offset": Int(), "from": Choice("published", "previous"),
        "not_after": opt(Words(), []), "not_before": opt(Words(), []),
    })),
    "relative_not_after": Words(), "relative_break_words": Words(),
    "event_days": Section({"heads": Words(1), "places": Words(), "days": Words(), "nth_day": _NO_GROUPS}),
    "day_only": Section({"not_after": Words(), "not_before": Words(), "weak_suffixes": Words(),
                         "weak_suffix_needs": Words(), "list_joiners": Words()}),
    "same_day_marks": Words(), "quotes": ListOf(Words(2, chars=1)), "quote_date_gap": Int(0),
    "year_from_text": Bool(),
}))


@dataclass(frozen=True)
class RelativeWord:
    """A relative-day word (今天, 次日): offset in days and what it counts from."""

    word: str
    offset: int
    anchor: str  # "published" or "previous"
    not_after: tuple[str, ...] = ()
    not_before: tuple[str, ...] = ()


@dataclass
class DateLexicon:
    """The compiled content of ``rules/dates.yaml``."""

    pattern: re.Pattern[str]
    relative: dict[str, RelativeWord]
    year_words: dict[str, int]
    month_words: dict[str, int | str]
    week_words: dict[str, int]
    weekday_names: dict[str, int]
    relative_not_after: tuple[str, ...]
    relative_break_words: tuple[str, ...]
    not_after_any: tuple[str, ...]
    dateline_end: re.Pattern[str]
    month_week_not_after: tuple[str, ...]
    day_not_after: tuple[str, ...]
    day_not_before: tuple[str, ...]
    weak_suffixes: tuple[str, ...]
    weak_suffix_needs: tuple[str, ...]
    list_joiners: tuple[str, ...]
    same_day_marks: tuple[str, ...]
    quotes: list[tuple[str, str]]
    quote_date_gap: int
    year_from_text: bool


def _relative_words(rules: Rules, entries: tuple) -> dict[str, RelativeWord]:
    out: dict[str, RelativeWord] = {}
    for entry in entries:
        if entry.word in out:
            raise rules.fail(FILE.name, entry.word, f"relative_days: {entry.word!r} listed twice")
        out[entry.word] = RelativeWord(entry.word, entry.offset, entry["from"], entry.not_after, entry.not_before)
    return out


def load_lexicon(rules: Rules) -> DateLexicon:
    """Read and check ``rules/dates.yaml`` and compile the combined pattern."""
    lex = rules.load(FILE)
    relative = _relative_words(rules, lex.relative_days)
    events = lex.event_days
    for w in events.days:
        if w not in relative:
            raise rules.fail(FILE.name, w, f"event_days: days: {w!r} is not in relative_days")
    pieces = {name: f"(?:{pattern.pattern})" for name, pattern in lex.parts.items()}
    pieces.update(
        range_connectors=alternation(lex.range_connectors), range_start_suffixes=alternation(lex.range_start_suffixes),
        day_suffixes=alternation(lex.day_suffixes), year_words=alternation(lex.year_words),
        month_words=alternation(lex.month_words), week_words=alternation(lex.week_words),
        weekday_names=alternation(lex.weekday_names), weekday_infix=alternation(lex.weekday_infix),
        weekday_not_before=alternation(lex.weekday_not_before), event_heads=alternation(events.heads),
        event_places=alternation(events.places), event_day_words=alternation(events.days), nth_day=events.nth_day.pattern,
        relative_days=alternation(relative))
    source = "|".join(f"(?P<{form.name}>{form.pattern(pieces)})" for form in FORMS)
    try:
        pattern = re.compile(first_char_guard(source))  # 7x faster scan, same matches
    except re.error as e:  # parts that compile alone can still break the whole
        raise rules.fail(FILE.name, None, f"the date parts do not combine into a valid pattern: {e}") from None
    day_only = lex.day_only
    return DateLexicon(
        pattern=pattern, relative=relative, year_words=dict(lex.year_words), month_words=dict(lex.month_words),
        week_words=dict(lex.week_words), weekday_names=dict(lex.weekday_names),
        relative_not_after=lex.relative_not_after, relative_break_words=lex.relative_break_words,
        not_after_any=lex.not_after_any, dateline_end=lex.dateline_end, month_week_not_after=lex.month_week_not_after,
        day_not_after=day_only.not_after, day_not_before=day_only.not_before,
        weak_suffixes=day_only.weak_suffixes, weak_suffix_needs=day_only.weak_suffix_needs,
        list_joiners=day_only.list_joiners, same_day_marks=lex.same_day_marks,
        quotes=[(str(o), str(c)) for o, c in lex.quotes], quote_date_gap=lex.quote_date_gap,
        year_from_text=lex.year_from_text)
