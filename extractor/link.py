"""Linking: activity mentions → records with their arguments.

Each argument (a field with a record column: date, unit, community,
headcount, quantity) is filled by the policy ``rules/linking.yaml``
declares for it: the scopes to look in, in order, and which mention a
scope's span gives (``pick``). The first scope that gives a value wins; an
argument no scope fills stays empty. Scopes:

- ``clause`` / ``sentence``: the mentions of the record's trigger clause /
  evidence sentence, chosen by ``pick`` (``first``; ``subject``: the first
  named before the trigger; ``after_trigger``: the first at or after it,
  else the first);
- ``paragraph_before``: the last mention earlier in the record's paragraph
  (the same event goes on);
- ``paragraph_opening``: the paragraph's first mention of the field when it
  stands within ``paragraph_within`` characters of the paragraph's start
  (the paragraph's subject, the day it narrates);
- ``section``: named in the last header line (a short line with no
  sentence end) that named the field;
- ``article``: the article's main unit or community (fields that have one).
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable
from typing import Any
from dataclasses import dataclass, field

from .analysis import Analysis
from .document import Mention, Record
from .fields import communities, units
from .fields.names.cluster import entities
from .fields.registry import record_fields
from .ruleset import Rules
from .rulespec import Choice, Either, Int, ListOf, MapOf, Number, Regex, RuleFile, Section, Word, Words, opt
from .text.numerals import CN_CHARS, NUMERAL
from .text.patterns import alternation
from .text.sentences import Span

SCOPES = ("clause", "sentence", "paragraph_before", "paragraph_opening", "section", "article")
PICKS = ("first", "subject", "after_trigger", "first_specific")
CONDITIONS = ("title_names", "task_force", "says_generic", "members_of")
FILE = RuleFile("linking.yaml", Section({
    "arguments": MapOf(Section({
        "pick": Choice(*PICKS),
        "scopes": ListOf(Either(Choice(*SCOPES), Section({
            "scope": Choice(*SCOPES), "when": Either(Choice(*CONDITIONS), ListOf(Choice(*CONDITIONS), 1))}))),
        "paragraph_within": opt(Int(0), 0),
    })),
    "header_max_chars": Int(1),
    "title_weight": Int(1),
    "main_unit_min": Int(1),
    "main_community_share": Number(0, 1),
    "task_force_min": Int(1),
    "members": Section({"nouns": MapOf(Word(), min_items=1), "joined_by": Words(), "counted_by": Words(1)}),
    "places": opt(Section({"after": Regex(), "before": Regex()}), None),
    "period_start": opt(Section({"after": Regex(), "before": Regex()}), None),
}))
_SENT_FINAL = re.compile(r"[。!?;]")
# What stands between two names of one list.
_LISTED = frozenset("、和及与") | {"以及"}


@dataclass(frozen=True)
class Policy:
    """Where one argument's value comes from (one entry of ``arguments:``)."""

    pick: str
    scopes: tuple[tuple[str, tuple[str, ...]], ...]  # (scope, conditions of which one must hold)
    paragraph_within: int

    def uses(self, scope: str) -> bool:
        return any(s == scope for s, _ in self.scopes)


@dataclass
class _Paragraph:
    start: int
    end: int
    mentions: list[Mention] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)  # of its mentions, sorted
    opening: dict[str, str] = field(default_factory=dict)  # field -> value of paragraph_opening


class Linker:
    """Fills record arguments from the mentions around each activity."""

    def __init__(self, rules: Rules):
        lex = rules.load(FILE)
        self.header_max = lex.header_max_chars
        self.title_weight = lex.title_weight
        self.community_share = lex.main_community_share
        self.main_unit_min = lex.main_unit_min
        self.task_force = tuple(rules.load(units.FILE).task_force_heads)
        self.task_force_min = lex.task_force_min
        # A community suffix written alone (在社区, 小区居民): the record's text
        # refers to a community without naming it.
        self.generic = re.compile(alternation(rules.load(communities.FILE).suffixes))
        self.members = _Members(dict(lex.members.nouns), frozenset(lex.members.joined_by),
                                re.compile(rf"(?<![\d{CN_CHARS}]){NUMERAL}\s*[多余]?\s*(?:{alternation(lex.members.counted_by)})$"))
        self.fields = record_fields()
        # A unit named as a place (所在, 附近, 从…) acts in no record.
        self.places = _Frame.of(lex.places, 3)
        # A mention that starts a period (从1月6日开始) opens no paragraph.
        self.period_start = _Frame.of(lex.period_start, 2)
        self.policies: dict[str, Policy] = {}
        for f in self.fields:
            entry = lex.arguments.get(f.name)
            if entry is None:
                raise rules.fail(FILE.name, None, f"'arguments' has no policy for the field '{f.name}'")
            scopes = tuple((s, ()) if isinstance(s, str) else
                           (s.scope, (s.when,) if isinstance(s.when, str) else s.when) for s in entry.scopes)
            policy = Policy(entry.pick, scopes, entry.paragraph_within)
            if policy.uses("article") and f.name not in _ARTICLE:
                raise rules.fail(FILE.name, entry.pick, f"'arguments.{f.name}': no article scope for this field")
            self.policies[f.name] = policy

    def _actors(self, body: str, mentions: list[Mention]) -> list[Mention]:
        """The unit mentions that may act: not those named as a place
        (rules/linking.yaml ``places``), nor the ones listed right after
        such a mention (从广东省疾控中心、广东省人民医院选派)."""
        if self.places is None:
            return mentions
        out: list[Mention] = []
        list_end = -1  # where the last mention named as a place (or listed with one) ends
        for m in sorted(mentions, key=lambda m: (m.start, -m.end)):
            if m.start < list_end:  # inside one named as a place
                continue
            listed = list_end >= 0 and body[list_end:m.start] in _LISTED
            if listed or self.places.around(body, m):
                list_end = m.end
            else:
                out.append(m)
        return out

    def link(self, doc: Analysis) -> list[Record]:
        """The document's activity records with arguments filled and ids set."""
        records = doc.activities
        if not records:
            return []
        body, title = doc.body, doc.ctx.title
        # Media named as the article's source or credit never act.
        unit_mentions = self._actors(body, [m for m in doc.by_field("unit") if m.role != units.CREDIT])
        article = {"unit": self._main_unit(body, [m for m in unit_mentions if _spans_wide(m)], title),
                   "community": self._main_community(doc.by_field("community"), title)}
        # A unit named inside a longer one (省政协 in 省政协机关工作组) is not
        # the one acting: only outermost unit mentions take part in linking.
        usable = _outermost(unit_mentions) + [m for m in doc.mentions if m.field != "unit"]
        paragraphs = self._paragraphs(doc, usable)
        forms = entities(doc.mentions)
        sections = self._sections(body, paragraphs, title)
        records.sort(key=lambda r: (r.start, r.trigger_start))
        for n, rec in enumerate(records, 1):
            rec.record_id = n
            pi = _paragraph_of(paragraphs, rec.start)
            para = paragraphs[pi]
            trigger_at = rec.anchor
            # Bisect, not a scan of the paragraph: a text with no line breaks
            # is one paragraph, and scanning it once per record is quadratic.
            spans = {"clause": _clause_of(doc, rec), "sentence": Span(rec.start, rec.end)}
            context = _Context(title, para, sections[pi], article, forms, self.task_force,
                               body[rec.start:rec.end], self.generic, self.members)
            for f in self.fields:
                policy = self.policies[f.name]
                found = self._value(f.name, policy, spans, trigger_at, context)
                values = f.record_values(found) if isinstance(found, Mention) else (found,)
                rec.args.update(zip(f.record_columns, values))
        return records

    def _value(self, name: str, policy: Policy, spans: dict[str, Span], trigger_at: int,
               ctx: "_Context") -> Mention | str:
        """The first scope of ``policy`` that names ``name`` (and whose
        condition holds): a mention from the clause or sentence, a value from
        the wider scopes, or ""."""
        para = ctx.para
        for scope, when in policy.scopes:
            if scope in spans:
                span = spans[scope]
                within = para.mentions[bisect.bisect_left(para.starts, span.start):
                                       bisect.bisect_left(para.starts, span.end)]
                found: Mention | str | None = _PICKS[policy.pick]([m for m in within if m.field == name], trigger_at)
            elif scope == "paragraph_before":
                # the last named earlier in the paragraph (the same event goes on)
                before = para.mentions[:bisect.bisect_left(para.starts, spans["sentence"].start)]
                found = next((m for m in reversed(before) if m.field == name and _spans_wide(m)), None)
            else:
                found = {"paragraph_opening": para.opening, "section": ctx.section,
                         "article": ctx.article}[scope].get(name, "")
            if found and (not when or any(_HOLDS[c](found, ctx) for c in when)):
                return found
        return ""

    def _main_unit(self, body: str, units_: list[Mention], title: str) -> str:
        """The article's default actor: a task force named often enough, else
        the most named unit (a mention in the title weighs more), provided it
        is named twice or once as a subject (opening a clause): a unit named
        once in passing (据国务院通报) is not what the article is about. Only
        outermost mentions count: the parent inside ``X机关工作组`` is not a
        mention of X acting."""
        outer = _outermost(units_)
        forces = Counter(m.value for m in outer if m.value.endswith(self.task_force))
        if forces:
            value, n = forces.most_common(1)[0]
            if n >= self.task_force_min:
                return value
        counts: Counter[str] = Counter()
        for m in outer:
            counts[m.value] += self.title_weight if title and m.text in title else 1
        if not counts:
            return ""
        value, n = counts.most_common(1)[0]
        as_subject = any(m.value == value and _opens_clause(body, m.start) for m in outer)
        return value if n >= self.main_unit_min or as_subject else ""

    def _main_community(self, communities: list[Mention], title: str) -> str:
        counts = Counter(m.value for m in communities)
        if not counts:
            return ""
        for m in communities:
            if title and m.text in title:
                return m.value
        value, n = counts.most_common(1)[0]
        return value if n / sum(counts.values()) >= self.community_share else ""

    def _paragraphs(self, doc: Analysis, mentions: list[Mention]) -> list[_Paragraph]:
        body = doc.body
        paras = [_Paragraph(p.start, p.end) for p in doc.paragraphs] or [_Paragraph(0, len(body))]
        i = 0
        for m in sorted(mentions, key=lambda m: m.start):
            while i + 1 < len(paras) and m.start >= paras[i + 1].start:
                i += 1
            paras[i].mentions.append(m)
        # the policies asked once, not once per paragraph
        opening = [(name, policy) for name, policy in self.policies.items() if policy.uses("paragraph_opening")]
        for p in paras:
            p.starts = [m.start for m in p.mentions]
            text = body[p.start:p.end]
            lead = len(text) - len(text.lstrip())
            for name, policy in opening:
                first = next((m for m in p.mentions if m.field == name and _spans_wide(m)), None)
                if (first is not None and first.start - p.start - lead <= policy.paragraph_within
                        and not (self.period_start and self.period_start.around(body, first))):
                    p.opening[name] = first.value
        return paras

    def _sections(self, body: str, paras: list[_Paragraph], title: str) -> list[dict[str, str]]:
        """The values a header line names, in force at each paragraph. The
        title's lines are not section headers: they name the whole article."""
        named = [f.name for f in self.fields if self.policies[f.name].uses("section")]
        current: dict[str, str] = {}
        out = []
        title_key = "".join(title.split())
        for p in paras:
            text = body[p.start:p.end].strip()
            is_title = bool(text) and "".join(text.split()) in title_key
            if text and not is_title and len(text) <= self.header_max and not _SENT_FINAL.search(text):
                values = {name: [m.value for m in p.mentions if m.field == name and _spans_wide(m)]
                          for name in named}
                if any(values.values()):
                    current = {name: (v[-1] if v else current.get(name, "")) for name, v in values.items()}
            out.append(current)
        return out


def _spans_wide(m: Mention) -> bool:
    """Whether a mention may be an argument beyond its own clause and
    sentence: a medium named in the text (role ``media``) acts only where its
    sentence says so (人民日报发表评论员文章), never as a paragraph's, a
    section's or the article's actor (a title or a dateline line that names
    it says where the story ran: 上了浙江卫视, 2021年1月14日浙江卫视)."""
    return m.role != units.MEDIA


@dataclass(frozen=True)
class _Frame:
    """What stands around a mention that changes its part (rules/linking.yaml
    ``places``, ``period_start``): ``after`` matched at its end, or
    ``before`` ending at its start, within ``window`` characters."""

    after: re.Pattern[str]
    before: re.Pattern[str]
    window: int

    @classmethod
    def of(cls, section: Any, window: int) -> "_Frame | None":
        if section is None:
            return None
        return cls(section.after, re.compile(f"(?:{section.before.pattern})$"), window)

    def around(self, body: str, m: Mention) -> bool:
        return bool(self.after.match(body, m.end) or self.before.search(body, max(0, m.start - self.window), m.start))


@dataclass(frozen=True)
class _Context:
    """What the wider scopes of one record see."""

    title: str
    para: _Paragraph
    section: dict[str, str]
    article: dict[str, str]
    forms: dict[str, list[str]] = field(default_factory=dict)  # canonical value -> forms written
    task_force: tuple[str, ...] = ()
    text: str = ""                       # the record's evidence sentence
    generic: re.Pattern[str] | None = None
    members: "_Members | None" = None


@dataclass(frozen=True)
class _Members:
    """How a sentence refers back to a team through its members (linking.yaml ``members``)."""

    nouns: dict[str, str]         # member noun -> the ending of its team's name
    joined_by: frozenset[str]     # what may stand right before a member noun alone
    counted: re.Pattern[str]      # a count ending right before the noun


def _value_of(found: Mention | str) -> str:
    return found.value if isinstance(found, Mention) else found


def _title_names(found: Mention | str, ctx: _Context) -> bool:
    """The title names the value (by its canonical name or a form written for it)."""
    value = _value_of(found)
    return bool(ctx.title) and (value in ctx.title or any(t in ctx.title for t in ctx.forms.get(value, ())))


def _task_force(found: Mention | str, ctx: _Context) -> bool:
    """The value is a task force (the team an article follows)."""
    return _value_of(found).endswith(ctx.task_force)


def _says_generic(found: Mention | str, ctx: _Context) -> bool:
    """The record's sentence refers to a community without naming it (在社区,
    小区居民): annotation.md's "where the clause says only 社区"."""
    return ctx.generic is not None and bool(ctx.generic.search(ctx.text))


def _members_of(found: Mention | str, ctx: _Context) -> bool:
    """The record's sentence refers back to members of the value's team: of
    its own kind (巡逻队员 for 疫情防控巡逻队) or standing alone (队员们).
    排查队员 are not members of a 医疗队, and counted members (1000多名医疗
    队员) are a group the sentence introduces, not the team named before."""
    members, value, text = ctx.members, _value_of(found), ctx.text
    if members is None:
        return False
    for noun, head in members.nouns.items():
        if not value.endswith(head) or noun not in text:
            continue
        kind = value[:-len(head)][-2:]
        for phrase in ((kind + noun,) if kind else ()) + (noun,):
            at = text.find(phrase)
            while at >= 0:
                before = text[max(0, at - 12):at]
                if not members.counted.search(before) and (
                        phrase != noun or not before or not _is_han(before[-1]) or before[-1] in members.joined_by):
                    return True
                at = text.find(phrase, at + 1)
    return False


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


_HOLDS = {"title_names": _title_names, "task_force": _task_force, "says_generic": _says_generic,
          "members_of": _members_of}


_CLAUSE_START = set(",.。!?;:、\n\"“”'()")


def _opens_clause(body: str, start: int) -> bool:
    before = body[max(0, start - 8):start].rstrip(" \t")
    return not before or before[-1] in _CLAUSE_START


def _outermost(mentions: list[Mention]) -> list[Mention]:
    """Mentions not inside a longer one (mentions sorted by start)."""
    out: list[Mention] = []
    reach = -1
    for m in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if m.end <= reach:
            continue
        out.append(m)
        reach = max(reach, m.end)
    return out


def _paragraph_of(paras: list[_Paragraph], offset: int) -> int:
    return max(bisect.bisect_right(paras, offset, key=lambda p: p.start) - 1, 0)


def _clause_of(doc: Analysis, rec: Record) -> Span:
    at = rec.anchor
    for c in doc.clauses(Span(rec.start, rec.end)):
        if c.start <= at < c.end:
            return c
    return Span(rec.start, rec.end)


def _first(mentions: list[Mention], at: int) -> Mention | None:
    return mentions[0] if mentions else None


def _subject(mentions: list[Mention], at: int) -> Mention | None:
    """The first named before the trigger (the first named acts when several do)."""
    return next((m for m in mentions if m.start < at), None)


def _first_specific(mentions: list[Mention], at: int) -> Mention | None:
    """The first, or the place named right after it inside it (X社区Y小区 →
    Y小区), or the longest that starts with it (a building of the compound:
    缤纷南郡小区8号楼 over 缤纷南郡小区)."""
    if not mentions:
        return None
    first = mentions[0]
    for m in mentions[1:]:
        if m.start != first.start:
            break
        if m.end > first.end:
            first = m
    nxt = next((m for m in mentions if m.start >= first.end), None)
    return nxt if nxt is not None and 0 <= nxt.start - first.end <= 1 else first


def _after_trigger(mentions: list[Mention], at: int) -> Mention | None:
    """The first at or after the trigger (what the work produced), else the first."""
    return next((m for m in mentions if m.start >= at), mentions[0] if mentions else None)


_PICKS: dict[str, Callable[[list[Mention], int], Mention | None]] = {
    "first": _first, "subject": _subject, "after_trigger": _after_trigger, "first_specific": _first_specific}
# Fields with an article-wide value (the ``article`` scope).
_ARTICLE = ("unit", "community")
