"""Activity records: find the words that name epidemic / community work and
turn them into one :class:`~extractor.document.Record` per (evidence
sentence, activity type).

Finding and resolving are split:

* :func:`find_triggers` locates trigger spans in the whole body (longest match
  wins; words that name things rather than work shadow the trigger inside);
* :func:`screen` sets apart the triggers of one sentence that are negated,
  sit inside a document title or a purpose clause, or are part of a name
  (kept in the document's analysis with the reason);
* :func:`group_records` resolves the survivors into records, one per evidence
  span and type (a sentence listing several kinds of work gives one per kind).

Every word and pattern lives in ``rules/activities.yaml``. Linking the date,
unit, community and headcount is another stage's job: those fields stay empty.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from typing import Any, Callable

from extractor.analysis import Analysis, Dropped
from extractor.document import Context, Record
from extractor.ruleset import Rules, line_of, load_rules
from extractor.rulespec import Choice, Int, ListOf, MapOf, Number, Regex, RuleFile, Section, Word, Words, opt
from extractor.text.patterns import alternation, first_char_guard
from extractor.text.sentences import Span, clauses

_SLUG = re.compile(r"[a-z_]+")
FILE = RuleFile("activities.yaml", Section({
    "taxonomy": MapOf(Word(), min_items=1),
    "triggers": MapOf(Section({"words": Words(), "weak": opt(Words(), []),
                               "patterns": opt(ListOf(Regex()), [])})),
    "allow_shared": opt(Words(), []),
    "negation": Section({"window": opt(Int(0), 6), "before": opt(Words(), []), "except": opt(Words(), []),
                         "cancel_before": opt(ListOf(Regex()), [])}),
    "non_work": Section({"ignore": opt(Words(), []), "skip_inside": opt(ListOf(Regex()), []),
                         "name_suffix": opt(Regex(), None), "noun_suffix": opt(Regex(), None),
                         "skip_sentences": opt(ListOf(Regex()), []),
                         "require_any": opt(Words(), []),
                         "topic_bound": opt(Section({"words": Words(1), "topic": Words(1)}), None)}),
    "weak_confidence": opt(Number(0, 1, open_lo=True), 0.6),
    "max_sentence": opt(Int(0), 200),
    "record_per": opt(Choice("sentence", "clause_run"), "sentence"),
    "summary_words": opt(Words(), []),
    "manner_words": opt(Words(), []),
    "manner_window": opt(Int(0, 40), 12),
    "retype": opt(ListOf(Section({"verbs": Words(1), "objects": MapOf(Words(1), min_items=1),
                                  "window": Int(1), "stop": opt(Words(), [])})), []),
}))

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
    noun_suffix: re.Pattern[str] | None
    skip_sentences: list[re.Pattern[str]]
    require_any: re.Pattern[str] | None
    weak_confidence: float
    max_sentence: int
    summary_words: frozenset[str] = frozenset()
    manner_words: frozenset[str] = frozenset()
    manner_window: int = 12
    retype: tuple["Retype", ...] = ()
    record_per: str = "sentence"
    # Generic words (召开, 成立, 印发) that name epidemic or community work
    # only in a sentence that names the topic (non_work.topic_bound).
    topic_bound: frozenset[str] = frozenset()
    topic_re: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Retype:
    """One ``retype:`` entry of activities.yaml (see :func:`retype`)."""

    verbs: frozenset[str]
    objects: tuple[tuple[re.Pattern[str], str], ...]   # object words -> the slug they give
    window: int
    stop: re.Pattern[str] | None


# --------------------------------------------------------------------------
# loading and validating


def load_lexicon(rules: Rules) -> Lexicon:
    """Read and validate ``rules/activities.yaml``; a bad entry raises
    RuleError naming the file and line."""
    lex = rules.load(FILE)
    labels = _taxonomy(rules, lex.taxonomy)
    literal_kind, patterns = _triggers(rules, lex, labels)
    non_work, negation = lex.non_work, lex.negation
    for w in non_work.ignore:
        if w in literal_kind:
            raise rules.fail(FILE.name, w, f"ignored word {w!r} is also a trigger")
        literal_kind[str(w)] = [(None, False)]
    return Lexicon(
        slugs=tuple(str(s) for s in labels),
        labels={str(k): str(v) for k, v in labels.items()},
        literal_re=_literal_regex(literal_kind),
        literal_kind=literal_kind,
        patterns=patterns,
        negation_re=_alternation(negation.before),
        negation_except=_alternation(negation["except"]),
        window=negation.window,
        cancel_before=list(negation.cancel_before),
        skip_inside=list(non_work.skip_inside),
        name_suffix=non_work.name_suffix,
        noun_suffix=non_work.noun_suffix,
        skip_sentences=list(non_work.skip_sentences),
        require_any=_alternation(non_work.require_any),
        weak_confidence=lex.weak_confidence,
        max_sentence=lex.max_sentence,
        summary_words=_trigger_words(rules, lex.summary_words, literal_kind,
                                     "summary word {!r} is not a trigger word"),
        manner_words=_trigger_words(rules, lex.manner_words, literal_kind,
                                    "manner word {!r} is not a weak trigger word", weak_only=True),
        manner_window=lex.manner_window,
        retype=_retype(rules, lex, labels),
        record_per=lex.record_per,
        **_topic_bound(rules, non_work.topic_bound, literal_kind),
    )


def _topic_bound(rules: Rules, section: Any, literal_kind: dict[str, Any]) -> dict[str, Any]:
    """``topic_bound`` and ``topic_re`` of the Lexicon; every bound word must
    be a trigger word (a typo would bind nothing)."""
    if section is None:
        return {}
    bound = _trigger_words(rules, section.words, literal_kind, "topic_bound word {!r} is no trigger word")
    return {"topic_bound": bound, "topic_re": _alternation(section.topic)}


def _retype(rules: Rules, lex: Any, labels: Any) -> tuple[Retype, ...]:
    out = []
    for entry in lex.retype:
        for slug in entry.objects:
            if slug not in labels:
                raise rules.fail(FILE.name, slug, f"retype object slug {slug!r} is not a slug of the taxonomy")
        objects = tuple((re.compile(alternation(words)), str(slug)) for slug, words in entry.objects.items())
        out.append(Retype(frozenset(map(str, entry.verbs)), objects, entry.window, _alternation(entry.stop)))
    return tuple(out)


def _trigger_words(rules: Rules, words: Any, literal_kind: dict[str, Any], problem: str,
                   weak_only: bool = False) -> frozenset[str]:
    """``words`` (a list that qualifies trigger words), each checked to be a
    trigger word, a weak one if ``weak_only``: a typo would qualify nothing.
    ``problem`` is the error, with ``{!r}`` for the word."""
    for w in words:
        if not any(slug and (weak or not weak_only) for slug, weak in literal_kind.get(str(w), [])):
            raise rules.fail(FILE.name, w, problem.format(w))
    return frozenset(map(str, words))


def _taxonomy(rules: Rules, labels: Any) -> Any:
    for slug in labels:
        if not _SLUG.fullmatch(slug):
            raise rules.fail(FILE.name, slug, f"taxonomy slug {slug!r} must be lower_snake_case")
    return labels


def _triggers(rules: Rules, lex: Any, labels: Any) -> tuple[dict[str, list[tuple[str | None, bool]]],
                                                              list[tuple[re.Pattern[str], str]]]:
    """Literal words (with slug and weakness) and patterns of every slug."""
    shared = set(lex.allow_shared)
    first_seen: dict[str, tuple[str, Any]] = {}
    kinds: dict[str, list[tuple[str | None, bool]]] = {}
    patterns: list[tuple[re.Pattern[str], str]] = []
    for slug, entry in lex.triggers.items():
        if slug not in labels:
            raise rules.fail(FILE.name, slug, f"unknown activity slug {slug!r} (not in taxonomy)")
        if not entry.words:
            raise rules.fail(FILE.name, slug, f"'{slug}' has an empty trigger list")
        for weak, items in ((False, entry.words), (True, entry.weak)):
            for w in items:
                seen = first_seen.get(w)
                if seen is not None and (seen[0] == slug or w not in shared):
                    where = f" (line {line_of(seen[1])})" if line_of(seen[1]) else ""
                    raise rules.fail(FILE.name, w,
                                     f"trigger {w!r} of '{slug}' is already a trigger of '{seen[0]}'{where}")
                first_seen[w] = (str(slug), w)
                kinds.setdefault(str(w), []).append((str(slug), weak))
        patterns += [(p, str(slug)) for p in entry.patterns]
    missing = [s for s in labels if s not in lex.triggers]
    if missing:
        raise rules.fail(FILE.name, None, f"taxonomy slug(s) without triggers: {missing}")
    return kinds, patterns


def _alternation(words: tuple[str, ...]) -> re.Pattern[str] | None:
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
    return re.compile(first_char_guard(f"(?=({_trie_pattern(trie)}))"))  # 2.4x faster scan, same matches


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
    # A match that starts inside another trigger or ignored word is not a
    # phrase of its own (赠送口罩: the gift is a donation; 抢购大米: hoarding).
    codes = {slug: i + 1 for i, slug in enumerate(lex.slugs)}
    owner = bytearray(len(body))
    inside = bytearray(len(body))
    for t in chosen:
        if t.slug is not None:
            owner[t.start:t.end] = bytes([codes[t.slug]]) * (t.end - t.start)
        inside[t.start + 1:t.end] = b"\1" * (t.end - t.start - 1)
    phrases = []
    for pat, slug in lex.patterns:
        code = codes[slug]
        for m in pat.finditer(body):
            if m.end() > m.start() and code not in owner[m.start():m.end()] and not inside[m.start()]:
                phrases.append(Trigger(m.start(), m.end(), slug))
    # Phrases compete as words do: one inside a longer phrase of another
    # type is part of it (提供了多批防疫物资|援助: aid, no delivery of its own),
    # and one whose last word is the start of a word of another type is that
    # word's (提供了一批医疗物资|援助: the aid, 物资援助, heads the phrase).
    phrases = _uncontested(phrases, chosen, len(body))
    # A word of another type in a phrase's gap is its object or place
    # (维持采集点排队秩序 keeps order: no testing of its own).
    gap = bytearray(len(body))
    for t in phrases:
        gap[t.start + 1:t.end - 1] = bytes([codes[t.slug]]) * max(0, t.end - t.start - 2)

    def in_a_gap(t: Trigger) -> bool:
        """Wholly inside the gap of a phrase of another type."""
        span = gap[t.start:t.end]
        return all(span) and any(c != codes[t.slug] for c in span)

    chosen = [t for t in chosen if t.slug is None or not in_a_gap(t)]
    return sorted((t for t in chosen + phrases if t.slug is not None), key=lambda t: (t.start, t.end))


def _uncontested(phrases: list[Trigger], words: list[Trigger], size: int) -> list[Trigger]:
    """The phrases not inside a longer phrase of another type, and not
    ending inside a word of another type that starts within them. Linear in
    the phrases: a phrase's rivals start at most the longest phrase's length
    before it, and the words never overlap (:func:`_longest_first`)."""
    if not phrases:
        return phrases  # most documents: no map of the words to build
    word_at = [0] * size
    for i, t in enumerate(words):
        if t.slug is not None:
            word_at[t.start:t.end] = [i + 1] * (t.end - t.start)
    by_start = sorted(phrases, key=lambda t: t.start)
    starts = [t.start for t in by_start]
    longest = max((t.end - t.start for t in phrases), default=0)
    out = []
    for p in phrases:
        w = word_at[p.end - 1]
        if w and words[w - 1].slug != p.slug and p.start < words[w - 1].start and words[w - 1].end > p.end:
            continue
        lo = bisect.bisect_left(starts, p.end - longest)
        hi = bisect.bisect_right(starts, p.start)
        if any(q.slug != p.slug and p.end <= q.end and q.end - q.start > p.end - p.start
               for q in by_start[lo:hi]):
            continue
        out.append(p)
    return out


def retype(body: str, trigs: list[Trigger], lex: Lexicon) -> list[Trigger]:
    """A verb whose object says the kind of work takes the object's type
    (发放倡议书 informs, it delivers nothing): the first object word within
    ``window`` characters after the verb, in its clause and before a
    ``stop`` word (并, 和: another object, another act)."""
    if not lex.retype:
        return trigs
    out = []
    for t in trigs:
        word = body[t.start:t.end]
        for rt in lex.retype:
            if word not in rt.verbs:
                continue
            after = _CLAUSE_BREAK.split(body[t.end:t.end + rt.window], 1)[0]
            if rt.stop is not None:
                cut = rt.stop.search(after)
                after = after[:cut.start()] if cut else after
            hits = [(m.start(), slug) for pat, slug in rt.objects for m in [pat.search(after)] if m]
            if hits:
                t = replace(t, slug=min(hits)[1])
            break
        out.append(t)
    return out


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


def screen(body: str, sent: Span, trigs: list[Trigger], lex: Lexicon) -> tuple[list[Trigger], list[Dropped]]:
    """The triggers of one sentence that name work done, and those dropped
    with the reason: in a line that is no running text, inside a document
    title or purpose clause, before a 'not our duty' cue, part of a body's
    name, or negated; a weak trigger that is the object of another type's
    strong one; and summary words where a sentence names the work they sum
    up."""
    text = body[sent.start:sent.end]
    in_name = (lambda t: bool(lex.name_suffix.match(body, t.end, sent.end))) if lex.name_suffix is not None \
        else (lambda t: False)
    if any(p.search(text) for p in lex.skip_sentences):
        return [], [Dropped(t, sent, "not-running-text", in_name(t)) for t in trigs]
    skipped = bytearray(len(text))
    for p in lex.skip_inside:
        for m in p.finditer(text):
            skipped[m.start():m.end()] = b"\1" * (m.end() - m.start())
    cancel = min((m.start() + sent.start for p in lex.cancel_before for m in p.finditer(text)), default=-1)
    kept: list[Trigger] = []
    dropped: list[Dropped] = []
    # the sentence is searched for its topic only when it holds a bound word
    off_topic = (lex.topic_re is not None and any(body[t.start:t.end] in lex.topic_bound for t in trigs)
                 and not lex.topic_re.search(text))
    for t in trigs:
        named = in_name(t)
        if t.start < cancel:
            dropped.append(Dropped(t, sent, "not-our-duty", named))
        elif skipped[t.start - sent.start]:
            dropped.append(Dropped(t, sent, "inside", named))
        elif named:
            dropped.append(Dropped(t, sent, "name", named))
        elif lex.noun_suffix is not None and lex.noun_suffix.match(body, t.end, sent.end):
            dropped.append(Dropped(t, sent, "noun", named))
        elif _negated(body, sent.start, t, lex):
            dropped.append(Dropped(t, sent, "negated", named))
        elif off_topic and body[t.start:t.end] in lex.topic_bound:
            dropped.append(Dropped(t, sent, "off-topic", named))
        else:
            kept.append(t)
    # A weak trigger right after a strong one of another type is that work's
    # object (捐赠物资, 获赠的物资: a donation, no delivery of its own).
    objects = [t for t in kept if t.weak and any(
        not o.weak and o.slug != t.slug and 0 <= t.start - o.end <= 1 and body[o.end:t.start] in ("", "的")
        for o in kept)]
    # A manner word (入户) before a strong trigger of another type in the
    # same clause is how that work was done (入户为群众做核酸检测采样).
    objects += [t for t in kept if t not in objects and body[t.start:t.end] in lex.manner_words and any(
        not o.weak and o.slug != t.slug and 0 <= o.start - t.end <= lex.manner_window
        and not _CLAUSE_BREAK.search(body, t.end, o.start) for o in kept)]
    if objects:
        dropped += [Dropped(t, sent, "object", False) for t in objects]
        gone_objects = set(objects)
        kept = [t for t in kept if t not in gone_objects]
    # Summary words (志愿服务, 参与防控) sum up the work a sentence names
    # rather than add another kind: they count only where nothing else does.
    if lex.summary_words:
        summary = [t for t in kept if body[t.start:t.end] in lex.summary_words]
        specific = {t.slug for t in kept if body[t.start:t.end] not in lex.summary_words}
        covered = [t for t in summary if specific - {t.slug}]
        if covered:
            dropped += [Dropped(t, sent, "covered", False) for t in covered]
            gone = set(covered)
            kept = [t for t in kept if t not in gone]
    return kept, dropped


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


def long_sentence_parts(sent: Span, max_len: int, clauses_of: Callable[[Span], list[Span]]
                        ) -> tuple[list[Span] | None, list[int] | None]:
    """The clauses of a sentence longer than ``max_len`` and their start
    offsets, as :func:`evidence_span` takes them from a caller with many
    triggers in one sentence; (None, None) for a sentence within the bound,
    whose evidence is the sentence itself."""
    if sent.end - sent.start <= max_len:
        return None, None
    parts = clauses_of(sent)
    return parts, [c.start for c in parts]


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


def group_records(doc: Analysis, sent: Span, trigs: list[Trigger], lex: Lexicon) -> list[Record]:
    """One record per (evidence span, activity type, mention); its trigger is
    the first strong one, else the first weak one (and a lower confidence).
    A mention is the whole sentence, or with ``record_per: clause_run`` each
    run of adjacent clauses naming that type (see :func:`_mentions`)."""
    body = doc.body
    groups: dict[tuple[int, int, str, int], list[Trigger]] = {}
    parts, starts = long_sentence_parts(sent, lex.max_sentence, doc.clauses)
    mention = _mentions(doc, sent, trigs) if lex.record_per == "clause_run" else [0] * len(trigs)
    for t, m in zip(trigs, mention):
        span = evidence_span(body, sent, t, lex.max_sentence, parts, starts)
        groups.setdefault((span.start, span.end, str(t.slug), m), []).append(t)
    out = []
    for (start, end, slug, _), ts in groups.items():
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


def _mentions(doc: Analysis, sent: Span, trigs: list[Trigger]) -> list[int]:
    """Which mention of its type each trigger (in text order) belongs to: a
    type named in clauses 1-2 and again in clause 5 of a sentence is two
    pieces of work (填写台账, 查看健康码 …, 核对信息), a type named in one clause or
    in adjacent ones (入户排查,逐户登记) is one. The id is the run's first clause."""
    starts = [c.start for c in doc.clauses(sent)]
    last: dict[str | None, tuple[int, int]] = {}   # slug -> (its last clause, its run's id)
    out = []
    for t in trigs:
        clause = bisect.bisect_right(starts, t.start) - 1
        prev = last.get(t.slug)
        run = prev[1] if prev is not None and clause - prev[0] <= 1 else clause
        last[t.slug] = (clause, run)
        out.append(run)
    return out


class ActivityExtractor:
    """Finds activity records; built once from :class:`Rules`, called per
    document with the normalized body."""

    def __init__(self, rules: Rules):
        self.lexicon = load_lexicon(rules)
        self.slugs = self.lexicon.slugs

    def __call__(self, body: str, ctx: Context | None = None) -> list[Record]:
        """Records of ``body`` on its own, in text order (the pipeline calls :meth:`extract`)."""
        return self.extract(Analysis(body, ctx or Context()))

    def extract(self, doc: Analysis) -> list[Record]:
        """Records of one document in text order (offsets into its body);
        the triggers kept and dropped are added to ``doc``."""
        lex = self.lexicon
        body = doc.body
        if lex.require_any is not None and not lex.require_any.search(body):
            return []
        trigs = retype(body, find_triggers(body, lex), lex)
        out: list[Record] = []
        k = 0
        for sent in doc.sentences if trigs else []:
            mine = []
            while k < len(trigs) and trigs[k].start < sent.end:
                # A pattern match that crosses a sentence end belongs to none.
                if trigs[k].start >= sent.start and trigs[k].end <= sent.end:
                    mine.append(trigs[k])
                k += 1
            if mine:
                kept, dropped = screen(body, sent, mine, lex)
                doc.triggers += kept
                doc.dropped += dropped
                out += group_records(doc, sent, kept, lex)
        out.sort(key=lambda r: (r.start, r.trigger_start))
        return out


def __getattr__(name: str) -> Any:
    # SLUGS comes from the default rules on first use rather than at import,
    # so importing the module never reads the disk.
    if name == "SLUGS":
        return load_lexicon(load_rules()).slugs
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
