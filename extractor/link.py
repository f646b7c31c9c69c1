"""Linking: activity mentions → records with their arguments.

Each record takes its date, unit, community, headcount and quantity from
its clause, else its sentence, else from its context when that is plainly
the same event (see ``rules/linking.yaml``):

- unit: the subject named before the trigger in the clause or sentence;
  else the paragraph's subject; else the unit named by the section header;
  else the article's main unit.
- community: named in the clause or sentence; else the section's; else the
  article's main community when it dominates.
- date: in the clause, else the sentence; else the date the paragraph opens with.
- headcount and quantity: in the clause, else the sentence.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .document import Context, Mention, Record
from .ruleset import Rules
from .text.sentences import Span, clauses

RULES_FILE = "linking.yaml"
_SENT_FINAL = re.compile(r"[。!?;]")


@dataclass
class _Section:
    """What the text so far says about who acts where."""

    unit: str = ""
    community: str = ""


@dataclass
class _Paragraph:
    start: int
    end: int
    subject: str = ""
    date: str = ""
    mentions: list[Mention] = field(default_factory=list)


class Linker:
    """Fills record arguments from the mentions around each activity."""

    def __init__(self, rules: Rules):
        self.header_max = rules.section(RULES_FILE, "header_max_chars", int)
        self.subject_within = rules.section(RULES_FILE, "paragraph_subject_within", int)
        self.date_within = rules.section(RULES_FILE, "paragraph_date_within", int)
        self.title_weight = rules.section(RULES_FILE, "title_weight", int)
        share = rules.section(RULES_FILE, "main_community_share", (int, float))
        self.community_share = float(share)
        self.main_unit_min = rules.section(RULES_FILE, "main_unit_min", int)
        self.task_force = tuple(rules.words(RULES_FILE, "task_force_suffixes"))
        self.task_force_min = rules.section(RULES_FILE, "task_force_min", int)

    def __call__(self, body: str, ctx: Context, records: list[Record], mentions: list[Mention]) -> list[Record]:
        """``records`` (from the activity extractor) with arguments filled and ids set."""
        if not records:
            return []
        by_field: dict[str, list[Mention]] = defaultdict(list)
        for m in mentions:
            by_field[m.field].append(m)
        main_unit = self._main_unit(body, by_field["unit"], ctx.title)
        main_community = self._main_community(by_field["community"], ctx.title)
        # A unit named inside a longer one (省政协 in 省政协机关工作组) is not
        # the one acting: only outermost unit mentions take part in linking.
        usable = _outermost(by_field["unit"]) + [m for m in mentions if m.field != "unit"]
        paragraphs = self._paragraphs(body, usable)
        sections = self._sections(body, paragraphs, main_unit, main_community, ctx.title)
        records.sort(key=lambda r: (r.start, r.trigger_start))
        starts: dict[int, list[int]] = {}  # paragraph -> its mentions' starts (sorted)
        for n, rec in enumerate(records, 1):
            rec.record_id = n
            pi = _paragraph_of(paragraphs, rec.start)
            para, section = paragraphs[pi], sections[pi]
            clause = _clause_of(body, rec)
            # Bisect, not a scan of the paragraph: a text with no line breaks
            # is one paragraph, and scanning it once per record is quadratic.
            if pi not in starts:
                starts[pi] = [m.start for m in para.mentions]
            at = starts[pi]
            in_clause = para.mentions[bisect.bisect_left(at, clause.start):bisect.bisect_left(at, clause.end)]
            in_sent = para.mentions[bisect.bisect_left(at, rec.start):bisect.bisect_left(at, rec.end)]
            trigger_at = rec.trigger_start if rec.trigger_start >= 0 else rec.start
            rec.unit = (_subject(in_clause, trigger_at) or _subject(in_sent, trigger_at)
                        or para.subject or section.unit)
            rec.community = (_first(in_clause, "community") or _first(in_sent, "community")
                             or section.community)
            rec.date = _first(in_clause, "date") or _first(in_sent, "date") or para.date
            rec.headcount = _first(in_clause, "headcount") or _first(in_sent, "headcount")
            q = _after(in_clause, "quantity", trigger_at) or _after(in_sent, "quantity", trigger_at)
            if q:
                rec.quantity, rec.measure = q.value, q.measure
        return records

    def _main_unit(self, body: str, units: list[Mention], title: str) -> str:
        """The article's default actor: a task force named often enough, else
        the most named unit (a mention in the title weighs more), provided it
        is named twice or once as a subject (opening a clause): a unit named
        once in passing (据国务院通报) is not what the article is about. Only
        outermost mentions count: the parent inside ``X机关工作组`` is not a
        mention of X acting."""
        outer = _outermost(units)
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

    def _paragraphs(self, body: str, mentions: list[Mention]) -> list[_Paragraph]:
        paras: list[_Paragraph] = []
        pos = 0
        for line in body.split("\n"):
            paras.append(_Paragraph(pos, pos + len(line)))
            pos += len(line) + 1
        i = 0
        for m in sorted(mentions, key=lambda m: m.start):
            while i + 1 < len(paras) and m.start >= paras[i + 1].start:
                i += 1
            paras[i].mentions.append(m)
        for p in paras:
            lead = len(body[p.start:p.end]) - len(body[p.start:p.end].lstrip())
            for m in p.mentions:
                if m.field == "unit" and not p.subject and m.start - p.start - lead <= self.subject_within:
                    p.subject = m.value
                if m.field == "date" and not p.date and m.start - p.start - lead <= self.date_within:
                    p.date = m.value
        return paras

    def _sections(self, body: str, paras: list[_Paragraph], unit: str, community: str,
                  title: str) -> list[_Section]:
        """The acting unit and community in force at each paragraph. The
        title's lines are not section headers: they name the whole article."""
        current = _Section(unit, community)
        out = []
        title_key = "".join(title.split())
        for p in paras:
            text = body[p.start:p.end].strip()
            is_title = bool(text) and "".join(text.split()) in title_key
            if text and not is_title and len(text) <= self.header_max and not _SENT_FINAL.search(text):
                units = [m.value for m in p.mentions if m.field == "unit"]
                comms = [m.value for m in p.mentions if m.field == "community"]
                if units or comms:
                    current = _Section(units[-1] if units else current.unit,
                                       comms[-1] if comms else current.community)
            out.append(current)
        return out


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


def _clause_of(body: str, rec: Record) -> Span:
    at = rec.trigger_start if rec.trigger_start >= 0 else rec.start
    for c in clauses(body, Span(rec.start, rec.end)):
        if c.start <= at < c.end:
            return c
    return Span(rec.start, rec.end)


def _subject(mentions: list[Mention], before: int) -> str:
    """The first unit named before the trigger (the first named acts when several do)."""
    for m in mentions:
        if m.field == "unit" and m.start < before:
            return m.value
    return ""


def _first(mentions: list[Mention], field_name: str) -> str:
    for m in mentions:
        if m.field == field_name:
            return m.value
    return ""


def _after(mentions: list[Mention], field_name: str, at: int) -> Mention | None:
    found = [m for m in mentions if m.field == field_name]
    for m in found:
        if m.start >= at:
            return m
    return found[0] if found else None
