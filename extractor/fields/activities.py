"""Activity records: find the words that name epidemic / community work and
turn them into one :class:`~extractor.document.Record` per (evidence
sentence, activity type).

Finding and resolving are split:

* :func:`find_triggers` locates trigger spans in the whole body (longest match
  wins; words that name things rather than work shadow the trigger inside);
* :func:`drop_non_work` removes the triggers of one sentence that are negated,
  sit inside a document title or a purpose clause, or are part of a name;
* :func:`group_records` resolves the survivors into records, one per evidence
  span and type (a sentence listing several kinds of work gives one per kind).

Every word and pattern lives in ``rules/activities.yaml``. Linking the date,
unit, community and headcount is another stage's job: those fields stay empty.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from extractor.document import Context, Record
from extractor.ruleset import Rules, line_of, load_rules
from extractor.text.patterns import alternation
from extractor.text.sentences import Span, clauses, sentences

RULES_FILE = "activities.yaml"

# Where a clause ends when looking back from a trigger for a negation cue.
_CLAUSE_BREAK = re.compile(r"[,，:：;；。！？!?、\n]")


@dataclass(frozen=True)
class Trigger:
    """One trigger occurrence; ``slug`` is None for a shadowing non-work word."""

    start: int
    end: int
    slug: str | None
    weak: bool = False


@dataclass
class Lexicon:
    """Everything read from ``rules/activities.yaml``, compiled once."""

    slugs: tuple[str, ...]
    labels: dict[str, str]
    literal_re: re.Pattern[str]
    # word -> [(slug or None for an ignored word, weak)]; several slugs only
    # for words listed under allow_shared.
    literal_kind: dict[str, list[tuple[str | None, bool]]]
    patterns: list[tuple[re.Pattern[str], str]]
    negation_re: re.Pattern[str] | None
    negation_except: re.Pattern[str] | None
    window: int
    cancel_before: list[re.Pattern[str]]
    skip_inside: list[re.Pattern[str]]
    name_suffix: re.Pattern[str] | None
    skip_sentences: list[re.Pattern[str]]
    require_any: re.Pattern[str] | None
    weak_confidence: float
    max_sentence: int


# --------------------------------------------------------------------------
# loading and validating


def load_lexicon(rules: Rules) -> Lexicon:
    """Read and validate ``rules/activities.yaml``; a bad entry raises
    RuleError naming the file and line."""
    labels = _taxonomy(rules)
    literal_kind, patterns = _triggers(rules, labels)
    non_work = rules.section(RULES_FILE, "non_work", dict)
    for w in _word_list(rules, non_work, "ignore", "non_work"):
        if w in literal_kind:
            raise rules.fail(RULES_FILE, w, f"ignored word {w!r} is also a trigger")
        literal_kind[str(w)] = [(None, False)]
    negation = rules.section(RULES_FILE, "negation", dict)
    top = rules.yaml(RULES_FILE)
    suffix = non_work.get("name_suffix")
    return Lexicon(
        slugs=tuple(str(s) for s in labels),
        labels={str(k): str(v) for k, v in labels.items()},
        literal_re=_literal_regex(literal_kind),
        literal_kind=literal_kind,
        patterns=patterns,
        negation_re=_alternation(_word_list(rules, negation, "before", "negation")),
        negation_except=_alternation(_word_list(rules, negation, "except", "negation")),
        window=_int(rules, negation, "window", 6),
        cancel_before=_patterns(rules, negation, "cancel_before", "negation"),
        skip_inside=_patterns(rules, non_work, "skip_inside", "non_work"),
        name_suffix=rules.pattern(RULES_FILE, suffix) if suffix else None,
        skip_sentences=_patterns(rules, non_work, "skip_sentences", "non_work"),
        require_any=_alternation(_word_list(rules, non_work, "require_any", "non_work")),
        weak_confidence=_float(rules, top, "weak_confidence", 0.6),
        max_sentence=_int(rules, top, "max_sentence", 200),
    )


def _taxonomy(rules: Rules) -> dict[str, str]:
    labels = rules.section(RULES_FILE, "taxonomy", dict)
    if not labels:
        raise rules.fail(RULES_FILE, None, "'taxonomy' is empty")
    for slug, label in labels.items():
        if not isinstance(slug, str) or not re.fullmatch(r"[a-z_]+", slug):
            raise rules.fail(RULES_FILE, slug, f"taxonomy slug {slug!r} must be lower_snake_case")
        if not isinstance(label, str) or not label.strip():
            raise rules.fail(RULES_FILE, slug, f"taxonomy slug {slug!r} needs a Chinese label")
    return labels


def _triggers(rules: Rules, labels: dict[str, str]) -> tuple[dict[str, list[tuple[str | None, bool]]],
                                                              list[tuple[re.Pattern[str], str]]]:
    """Literal words (with slug and weakness) and patterns of every slug."""
    data = rules.yaml(RULES_FILE)
    shared = set(rules.words(RULES_FILE, "allow_shared")) if data.get("allow_shared") else set()
    first_seen: dict[str, tuple[str, Any]] = {}
    kinds: dict[str, list[tuple[str | None, bool]]] = {}
    patterns: list[tuple[re.Pattern[str], str]] = []
    triggers = rules.section(RULES_FILE, "triggers", dict)
    for slug, entry in triggers.items():
        if slug not in labels:
            raise rules.fail(RULES_FILE, slug, f"unknown activity slug {slug!r} (not in taxonomy)")
        if not isinstance(entry, dict):
            raise rules.fail(RULES_FILE, slug, f"'{slug}' must map to words / weak / patterns")
        words = _word_list(rules, entry, "words", slug)
        if not words:
            raise rules.fail(RULES_FILE, slug, f"'{slug}' has an empty trigger list")
        for weak, items in ((False, words), (True, _word_list(rules, entry, "weak", slug))):
            for w in items:
                seen = first_seen.get(w)
                if seen is not None and (seen[0] == slug or w not in shared):
                    where = f" (line {line_of(seen[1])})" if line_of(seen[1]) else ""
                    raise rules.fail(RULES_FILE, w,
                                     f"trigger {w!r} of '{slug}' is already a trigger of '{seen[0]}'{where}")
                first_seen[w] = (str(slug), w)
                kinds.setdefault(str(w), []).append((str(slug), weak))
        patterns += [(p, str(slug)) for p in _patterns(rules, entry, "patterns", slug)]
    missing = [s for s in labels if s not in triggers]
    if missing:
        raise rules.fail(RULES_FILE, None, f"taxonomy slug(s) without triggers: {missing}")
    return kinds, patterns


def _word_list(rules: Rules, entry: dict[str, Any], key: str, owner: Any) -> list[Any]:
    """The non-empty strings under ``entry[key]`` (a missing key is empty)."""
    items = entry.get(key) or []
    if not isinstance(items, list):
        raise rules.fail(RULES_FILE, owner, f"'{owner}.{key}' must be a list")
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise rules.fail(RULES_FILE, item if line_of(item) else owner,
                             f"'{owner}.{key}' entries must be non-empty strings, got {item!r}")
    return list(items)


def _patterns(rules: Rules, entry: dict[str, Any], key: str, owner: Any) -> list[re.Pattern[str]]:
    return [rules.pattern(RULES_FILE, p) for p in _word_list(rules, entry, key, owner)]


def _int(rules: Rules, entry: dict[str, Any], key: str, default: int) -> int:
    value = entry.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise rules.fail(RULES_FILE, value, f"'{key}' must be a non-negative integer, got {value!r}")
    return value


def _float(rules: Rules, entry: dict[str, Any], key: str, default: float) -> float:
    value = entry.get(key, default)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 < value <= 1:
        raise rules.fail(RULES_FILE, value, f"'{key}' must be a number in (0, 1], got {value!r}")
    return float(value)


def _alternation(words: list[str]) -> re.Pattern[str] | None:
    """One regex matching any of ``words`` (longest first), or None."""
    if not words:
        return None
    return re.compile(alternation(words))


def _literal_regex(words: dict[str, Any]) -> re.Pattern[str]:
    """A lookahead over a trie of ``words``: at every offset it reports the
    longest word starting there, so overlapping starts are all seen."""
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    return re.compile(f"(?=({_trie_pattern(trie)}))")


def _trie_pattern(node: dict[str, Any]) -> str:
    # One branch per next character keeps the alternation cheap; a word end
    # makes the continuation optional, and the greedy ? tries it first.
    branches = [re.escape(ch) + _trie_pattern(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


# --------------------------------------------------------------------------
# finding


def find_triggers(body: str, lex: Lexicon) -> list[Trigger]:
    """Trigger spans of ``body`` in text order: literal words (longest match
    wins, ignored words shadow what they contain) plus pattern matches."""
    candidates = []
    for m in lex.literal_re.finditer(body):
        word = m.group(1)
        if word:
            candidates += [Trigger(m.start(), m.start() + len(word), slug, weak)
                           for slug, weak in lex.literal_kind[word]]
    chosen = _longest_first(candidates)
    # Where a literal of the same slug already spoke, a pattern match adds
    # nothing; elsewhere it adds a trigger (its gap may hold any word, even an
    # ignored one: 买体温计 is buying, though 体温计 alone is no work).
    codes = {slug: i + 1 for i, slug in enumerate(lex.slugs)}
    owner = bytearray(len(body))
    for t in chosen:
        if t.slug is not None:
            owner[t.start:t.end] = bytes([codes[t.slug]]) * (t.end - t.start)
    for pat, slug in lex.patterns:
        code = codes[slug]
        for m in pat.finditer(body):
            if m.end() > m.start() and code not in owner[m.start():m.end()]:
                chosen.append(Trigger(m.start(), m.end(), slug))
    return sorted((t for t in chosen if t.slug is not None), key=lambda t: (t.start, t.end))


def _longest_first(cands: list[Trigger]) -> list[Trigger]:
    """A non-overlapping subset, longer spans first, then leftmost; the
    triggers of one shared word (same span) stay together."""
    out: list[Trigger] = []
    used = bytearray(max((t.end for t in cands), default=0))
    last: tuple[int, int] | None = None
    for t in sorted(cands, key=lambda t: (t.start - t.end, t.start)):
        if (t.start, t.end) == last:
            out.append(t)
        elif not any(used[t.start:t.end]):
            used[t.start:t.end] = b"\1" * (t.end - t.start)
            out.append(t)
            last = (t.start, t.end)
    return out


# --------------------------------------------------------------------------
# filtering


def drop_non_work(body: str, sent: Span, trigs: list[Trigger], lex: Lexicon) -> list[Trigger]:
    """The triggers of one sentence that name work done: not negated, not in
    a document title or purpose clause, not part of a body's name, not before
    a 'not our duty' cue, and not in a line that is no running text."""
    text = body[sent.start:sent.end]
    if any(p.search(text) for p in lex.skip_sentences):
        return []
    skipped = bytearray(len(text))
    for p in lex.skip_inside:
        for m in p.finditer(text):
            skipped[m.start():m.end()] = b"\1" * (m.end() - m.start())
    cancel = min((m.start() + sent.start for p in lex.cancel_before for m in p.finditer(text)), default=-1)
    out = []
    for t in trigs:
        if t.start < cancel or skipped[t.start - sent.start]:
            continue
        if lex.name_suffix is not None and lex.name_suffix.match(body, t.end, sent.end):
            continue
        if not _negated(body, sent.start, t, lex):
            out.append(t)
    return out


def _negated(body: str, floor: int, t: Trigger, lex: Lexicon) -> bool:
    """A negation cue in the few characters before ``t``, same clause."""
    if lex.negation_re is None or lex.window == 0:
        return False
    before = body[max(floor, t.start - lex.window):t.start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    if breaks:
        before = before[breaks[-1].end():]
    if lex.negation_except is not None:
        before = lex.negation_except.sub("\0", before)
    return bool(lex.negation_re.search(before))


# --------------------------------------------------------------------------
# resolving


def evidence_span(body: str, sent: Span, t: Trigger, max_len: int,
                  parts: list[Span] | None = None, starts: list[int] | None = None) -> Span:
    """The sentence; or, when it is longer than ``max_len``, the run of its
    clauses around the trigger that fits in ``max_len``. ``parts`` (the
    sentence's clauses) and ``starts`` (their start offsets) are computed when
    not given; a caller with many triggers in one sentence passes them."""
    if sent.end - sent.start <= max_len:
        return sent
    if parts is None or starts is None:
        parts = clauses(body, sent)
        starts = [c.start for c in parts]
    i = bisect.bisect_right(starts, t.start) - 1
    if i < 0 or t.start >= parts[i].end:
        return _window(body, sent, t, max_len)
    lo = hi = i
    grew = True
    while grew:
        grew = False
        if lo > 0 and parts[hi].end - parts[lo - 1].start <= max_len:
            lo, grew = lo - 1, True
        if hi + 1 < len(parts) and parts[hi + 1].end - parts[lo].start <= max_len:
            hi, grew = hi + 1, True
    if parts[hi].end - parts[lo].start > max_len:  # one clause alone is too long
        return _window(body, parts[i], t, max_len)
    return Span(parts[lo].start, parts[hi].end)


def _window(body: str, outer: Span, t: Trigger, max_len: int) -> Span:
    """At most ``max_len`` characters of ``outer`` centred on the trigger."""
    start = max(outer.start, min(t.start - max_len // 2, outer.end - max_len))
    end = min(outer.end, start + max_len)
    return Span(start, max(end, t.end))


def group_records(body: str, sent: Span, trigs: list[Trigger], lex: Lexicon) -> list[Record]:
    """One record per (evidence span, activity type); its trigger is the
    first strong one, else the first weak one (and a lower confidence)."""
    groups: dict[tuple[int, int, str], list[Trigger]] = {}
    parts = clauses(body, sent) if sent.end - sent.start > lex.max_sentence else None
    starts = [c.start for c in parts] if parts else None
    for t in trigs:
        span = evidence_span(body, sent, t, lex.max_sentence, parts, starts)
        groups.setdefault((span.start, span.end, str(t.slug)), []).append(t)
    out = []
    for (start, end, slug), ts in groups.items():
        strong = [t for t in ts if not t.weak]
        head = (strong or ts)[0]
        out.append(Record(
            activity_type=slug,
            trigger=body[head.start:head.end],
            trigger_start=head.start,
            sentence=body[start:end],
            start=start,
            end=end,
            source="rule",
            confidence=1.0 if strong else lex.weak_confidence,
        ))
    return out


class ActivityExtractor:
    """Finds activity records; built once from :class:`Rules`, called per
    document with the normalized body."""

    def __init__(self, rules: Rules):
        self.lexicon = load_lexicon(rules)
        self.slugs = self.lexicon.slugs

    def __call__(self, body: str, ctx: Context) -> list[Record]:
        """Records of ``body`` in text order; offsets are into ``body``."""
        lex = self.lexicon
        if lex.require_any is not None and not lex.require_any.search(body):
            return []
        trigs = find_triggers(body, lex)
        out: list[Record] = []
        k = 0
        for sent in sentences(body) if trigs else []:
            mine = []
            while k < len(trigs) and trigs[k].start < sent.end:
                # A pattern match that crosses a sentence end belongs to none.
                if trigs[k].start >= sent.start and trigs[k].end <= sent.end:
                    mine.append(trigs[k])
                k += 1
            if mine:
                out += group_records(body, sent, drop_non_work(body, sent, mine, lex), lex)
        out.sort(key=lambda r: (r.start, r.trigger_start))
        return out


def __getattr__(name: str) -> Any:
    # SLUGS comes from the default rules on first use rather than at import,
    # so importing the module never reads the disk.
    if name == "SLUGS":
        return load_lexicon(load_rules()).slugs
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
