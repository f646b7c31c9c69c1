"""Loading ``rules/dates.yaml`` and assembling the one combined date pattern.

Everything the date extractor knows about words and forms is read here, once,
and checked: a malformed entry raises :class:`~extractor.ruleset.RuleError`
naming the file and line. The combined pattern is built from the rule parts
so that one ``finditer`` pass over a body finds every candidate.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from extractor.ruleset import Rules

RULES_FILE = "dates.yaml"

_PART_NAMES = ("year_arabic", "year_cn", "month_arabic", "month_cn", "day_arabic", "day_cn",
               "space", "year_mark", "month_mark", "event_link", "day_alone_not_after",
               "iso_year", "iso_separator", "range_time")
_ANCHORS = ("published", "previous")


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


def _alt(words: list[str]) -> str:
    """A regex alternation of literal words, longest first (so 大前天 beats 前天)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _part(rules: Rules, parts: dict[str, Any], name: str) -> str:
    value = parts.get(name)
    if value is None:
        raise rules.fail(RULES_FILE, None, f"parts: missing '{name}'")
    compiled = rules.pattern(RULES_FILE, value)
    if compiled.groups:
        raise rules.fail(RULES_FILE, value, f"parts: '{name}' must not have capturing groups; use (?:...)")
    return f"(?:{value})"


def _word_map(rules: Rules, key: str, allow: tuple[str, ...] = ()) -> dict[str, Any]:
    raw = rules.section(RULES_FILE, key, dict)
    out: dict[str, Any] = {}
    for word, value in raw.items():
        if not isinstance(word, str) or not word.strip():
            raise rules.fail(RULES_FILE, word, f"'{key}': keys must be non-empty words, got {word!r}")
        if not (isinstance(value, int) and not isinstance(value, bool)) and value not in allow:
            raise rules.fail(RULES_FILE, word, f"'{key}': value of {word!r} must be an integer"
                             + (f" or one of {list(allow)}" if allow else ""))
        out[str(word)] = value
    return out


def _strings(rules: Rules, entry: Any, key: str, where: Any) -> tuple[str, ...]:
    items = entry.get(key, []) if isinstance(entry, dict) else []
    if not isinstance(items, list) or not all(isinstance(x, str) and x for x in items):
        raise rules.fail(RULES_FILE, where, f"'{key}' must be a list of non-empty strings")
    return tuple(items)


def _relative_words(rules: Rules) -> dict[str, RelativeWord]:
    out: dict[str, RelativeWord] = {}
    for entry in rules.section(RULES_FILE, "relative_days", list):
        word = entry.get("word") if isinstance(entry, dict) else None
        if not isinstance(word, str) or not word:
            raise rules.fail(RULES_FILE, word or entry, f"relative_days: each entry needs a 'word', got {entry!r}")
        offset, anchor = entry.get("offset"), entry.get("from")
        if not isinstance(offset, int) or isinstance(offset, bool):
            raise rules.fail(RULES_FILE, word, f"relative_days: {word!r} needs an integer 'offset'")
        if anchor not in _ANCHORS:
            raise rules.fail(RULES_FILE, word, f"relative_days: {word!r}: 'from' must be one of {list(_ANCHORS)}")
        if word in out:
            raise rules.fail(RULES_FILE, word, f"relative_days: {word!r} listed twice")
        out[str(word)] = RelativeWord(str(word), offset, str(anchor),
                                      _strings(rules, entry, "not_after", word),
                                      _strings(rules, entry, "not_before", word))
    return out


def _quotes(rules: Rules) -> list[tuple[str, str]]:
    pairs = []
    for pair in rules.section(RULES_FILE, "quotes", list):
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(q, str) and len(q) == 1 for q in pair)):
            raise rules.fail(RULES_FILE, pair[0] if isinstance(pair, list) and pair else pair,
                             "quotes: each entry is [opening, closing], one character each")
        pairs.append((str(pair[0]), str(pair[1])))
    return pairs


def _scalar(rules: Rules, key: str, kind: type) -> Any:
    data = rules.yaml(RULES_FILE)
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise rules.fail(RULES_FILE, None, f"'{key}' must be a {kind.__name__}")
    return value


def load_lexicon(rules: Rules) -> DateLexicon:
    """Read and check ``rules/dates.yaml`` and compile the combined pattern."""
    parts = rules.section(RULES_FILE, "parts", dict)
    p = {name: _part(rules, parts, name) for name in _PART_NAMES}
    relative = _relative_words(rules)
    year_words = _word_map(rules, "year_words")
    month_words = _word_map(rules, "month_words", allow=("previous",))
    week_words = _word_map(rules, "week_words")
    weekday_names = _word_map(rules, "weekday_names")
    for name, n in weekday_names.items():
        if not 1 <= n <= 7:
            raise rules.fail(RULES_FILE, name, f"weekday_names: {name!r} must be 1 (Monday) to 7 (Sunday)")
    events = rules.section(RULES_FILE, "event_days", dict)
    heads = _strings(rules, events, "heads", "event_days")
    places = _strings(rules, events, "places", "event_days")
    event_days = _strings(rules, events, "days", "event_days")
    for w in event_days:
        if w not in relative:
            raise rules.fail(RULES_FILE, w, f"event_days: days: {w!r} is not in relative_days")
    nth = rules.pattern(RULES_FILE, events.get("nth_day"))
    if nth.groups:
        raise rules.fail(RULES_FILE, events.get("nth_day"), "event_days: nth_day must not have capturing groups")
    day_only = rules.section(RULES_FILE, "day_only", dict)

    pattern = _combined_pattern(
        rules, p,
        conn=_alt(rules.words(RULES_FILE, "range_connectors")),
        start_suffix=_alt(rules.words(RULES_FILE, "range_start_suffixes")),
        day_suffix=_alt(rules.words(RULES_FILE, "day_suffixes")),
        year_words=_alt(list(year_words)), month_words=_alt(list(month_words)),
        week_words=_alt(list(week_words)), weekdays=_alt(list(weekday_names)),
        weekday_infix=_alt(rules.words(RULES_FILE, "weekday_infix")),
        weekday_not_before=_alt(rules.words(RULES_FILE, "weekday_not_before")),
        heads=_alt(list(heads)), places=_alt(list(places)), event_days=_alt(list(event_days)),
        nth=nth.pattern, relative=_alt(list(relative)))
    return DateLexicon(
        pattern=pattern, relative=relative, year_words=year_words, month_words=month_words,
        week_words=week_words, weekday_names=weekday_names,
        relative_not_after=tuple(rules.words(RULES_FILE, "relative_not_after")),
        relative_break_words=tuple(rules.words(RULES_FILE, "relative_break_words")),
        not_after_any=tuple(rules.words(RULES_FILE, "not_after_any")),
        month_week_not_after=tuple(rules.words(RULES_FILE, "month_week_not_after")),
        day_not_after=_strings(rules, day_only, "not_after", "day_only"),
        day_not_before=_strings(rules, day_only, "not_before", "day_only"),
        weak_suffixes=_strings(rules, day_only, "weak_suffixes", "day_only"),
        weak_suffix_needs=_strings(rules, day_only, "weak_suffix_needs", "day_only"),
        list_joiners=_strings(rules, day_only, "list_joiners", "day_only"),
        same_day_marks=tuple(rules.words(RULES_FILE, "same_day_marks")),
        quotes=_quotes(rules), quote_date_gap=_scalar(rules, "quote_date_gap", int),
        year_from_text=_scalar(rules, "year_from_text", bool))


def _combined_pattern(rules: Rules, p: dict[str, str], *, conn: str, start_suffix: str,
                      day_suffix: str, year_words: str, month_words: str, week_words: str,
                      weekdays: str, weekday_infix: str, weekday_not_before: str, heads: str, places: str, event_days: str, nth: str,
                      relative: str) -> re.Pattern[str]:
    """One alternation; at a given offset the first branch that matches wins.

    Named groups tell the finder which branch matched (see dates_find).
    Every repetition is bounded, so the pattern is linear in the body length.
    """
    sp, year = p["space"], f"(?:{p['year_arabic']}|{p['year_cn']})"
    month, day = f"(?:{p['month_arabic']}|{p['month_cn']})", f"(?:{p['day_arabic']}|{p['day_cn']})"
    sep, iso_year, ym, mm = p["iso_separator"], p["iso_year"], p["year_mark"], p["month_mark"]
    iso_tail = (rf"(?:{sp}(?:{start_suffix})?{sp}{p['range_time']}{sp}(?P<iconn>{conn}){sp}"
                rf"(?P<iy2>{iso_year})(?P<isep2>{sep})(?P<im2>\d{{1,2}})(?P=isep2)(?P<id2>\d{{1,2}}))?")
    iso = (rf"(?<![0-9A-Za-z/.:_\-])(?P<iy>{iso_year})(?P<isep>{sep})(?P<im>\d{{1,2}})(?P=isep)"
           rf"(?P<id>\d{{1,2}}){iso_tail}(?![0-9]|[-/.:][0-9])")
    # 7月1至26日: the first day may drop its 日 when a range follows.
    bare_start = rf"(?={sp}(?:{conn}){sp}{day}{sp}(?:{day_suffix}))"
    cn_tail = (rf"(?:{sp}(?:{start_suffix})?{sp}{p['range_time']}{sp}(?P<cconn>{conn}){sp}"
               rf"(?:(?:(?P<ey>{year}){sp}{ym}{sp})?(?P<em>{month}){sp}{mm}{sp})?(?P<ed>{day}){sp}(?:{day_suffix}))?")
    cn = (rf"(?<![0-9.])(?:(?P<cy>{year}){sp}{ym}{sp}|(?P<cyw>{year_words}){sp})?"
          rf"(?P<cm>{month}){sp}{mm}{sp}(?P<cd>{day}){sp}(?:(?P<cds>{day_suffix})|{bare_start}){cn_tail}")
    month_word = rf"(?P<mw>{month_words}){sp}(?P<md>{day}){sp}(?:{day_suffix})"
    week = rf"(?P<ww>{week_words}){sp}(?:{weekday_infix})?(?P<wd>{weekdays})(?!{weekday_not_before})"
    event = rf"(?P<ev>{heads})(?:{places})?{p['event_link']}?(?:(?P<evn>{nth})|(?P<evd>{event_days}))"
    rel = rf"(?P<rel>{relative})"
    day_only = rf"(?<!{p['day_alone_not_after']})(?P<do>\d{{1,2}}){sp}(?P<dos>{day_suffix})"
    url = r"(?P<url>https?://[^\s<>\"'()\[\]]{1,2000})"
    source = "|".join([url, iso, cn, month_word, week, event, rel, day_only])
    try:
        return re.compile(source)
    except re.error as e:  # a part that compiles alone can still break the whole
        raise rules.fail(RULES_FILE, None, f"the date parts do not combine into a valid pattern: {e}") from None


