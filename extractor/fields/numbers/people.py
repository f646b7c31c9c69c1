"""Headcount or quantity: who does a number of people count?

annotation.md: a headcount counts people doing the work (cadres, party
members, team members, volunteers, medical staff, officers); residents,
population and people served or tested are quantities. The decision reads
the people noun after the measure (``21名党员干部``, ``4名行动不便的残疾人``);
for a bare ``N人`` (or a ``N名`` with no noun) it reads the clause around
the number (`rules/people.yaml` lists every word involved).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.fields.numbers.resolve import Amount
from extractor.fields.numbers.rules import NumberRules, PeopleRules

# The noun phrase after a measure ends at punctuation, a line break or a digit.
_PHRASE_STOP = re.compile(r"[,，。；;:：!！?？、()（）“”\"'‘’「」『』《》【】\n\r\t+/|\d]")
_CLAUSE_STOP = re.compile(r"[,，。；;:：!！?？\n\r()（）]")
_SENTENCE_STOP = re.compile(r"[。；;!！?？\n\r]")
_SPACES = re.compile(r"[ \t\r\n]*")
# A list of people nouns joined by 、 stays one role (`党员、干部`).
_JOINERS = "、和及与"


@dataclass
class Decision:
    """The field of an amount and, for a headcount, its role and span."""

    field: str
    role: str = ""
    start: int = -1
    end: int = -1
    confidence: float = 0.9


@dataclass
class _Noun:
    kind: str
    role: str
    end: int          # offset in body where the role text ends
    inline: bool      # on the same line as the number


def _right_noun(body: str, amount: Amount, pr: PeopleRules) -> _Noun | None:
    """The people noun the measure counts (`名` + `市直党员干部`), if any."""
    gap = _SPACES.match(body, amount.end)
    inline = "\n" not in gap.group()
    start = gap.end()
    limit = start + pr.max_modifier + 8
    stop = _PHRASE_STOP.search(body, start, limit)
    window = body[start:stop.start() if stop else limit]
    found = _nouns_in(window, pr)
    head = _head_noun(found)
    if head is None:
        return None
    if head.group() in pr.collectives:
        # 志愿者群体: the group is of the people named right before it
        head = next((n for n in found if n.end() == head.start()), head)
    modifier = window[:head.start()]
    if "的" in modifier and pr.containers.search(modifier[:modifier.index("的")]):
        return _Noun("container", "", 0, inline)   # 3个单位的党员: counts units
    if pr.coordination.search(modifier) or pr.modifier_breaks.search(modifier[modifier.rfind("的") + 1:]):
        return None                                 # the noun belongs to another phrase
    if (pr.team_head is not None and amount.word in pr.team_measures
            and pr.team_head.match(window, head.end())):
        return _Noun("container", "", 0, inline)   # 5个志愿者服务队: counts teams
    kind = pr.kind_of[head.group()]
    if kind == "generic":
        kind = _generic_kind(modifier, pr)
    role_start = start + modifier.rfind("的") + 1
    role_end = start + head.end()
    if role_end < len(body) and body[role_end] in _JOINERS:
        nxt = pr.nouns.match(body, role_end + 1)
        if nxt and pr.kind_of.get(nxt.group()) == pr.kind_of.get(head.group()):
            role_end = nxt.end()    # 党员、干部
    return _Noun(kind, body[role_start:role_end], role_end, inline)


def _head_noun(found: list[re.Match[str]]) -> re.Match[str] | None:
    """The head among the nouns after a measure: the first one, extended to
    an overlapping longer one (`专职工作者` holds 职工) or to a noun right after
    it (`医护人员家属`: the last noun of a compound is its head)."""
    if not found:
        return None
    head = found[0]
    for nxt in found[1:]:
        if nxt.start() < head.end() < nxt.end() or nxt.start() == head.end():
            head = nxt
        elif nxt.start() > head.end():
            break
    return head


def _nouns_in(window: str, pr: PeopleRules) -> list[re.Match[str]]:
    """People nouns at every position of a short window (overlaps kept: the
    window is at most a few dozen characters)."""
    out = []
    for i in range(min(len(window), pr.max_modifier + 1)):
        m = pr.nouns.match(window, i)
        if m and (m.group() not in pr.adjacent_only or i == 0):
            out.append(m)
    for i in range(pr.max_modifier + 1, len(window)):
        m = pr.nouns.match(window, i)
        if m and out and m.start() <= out[-1].end():
            out.append(m)       # a compound may run past the modifier limit
    return out


def _words_of(text: str, pr: PeopleRules) -> list[re.Match[str]]:
    """People nouns of a short text, an overlapped one giving way to the one
    that reaches further (`复工人员` holds 人员, not the 工人 inside it)."""
    out: list[re.Match[str]] = []
    for i in range(len(text)):
        m = pr.nouns.match(text, i)
        if not m or m.group() in pr.adjacent_only:
            continue
        if out and m.start() < out[-1].end():
            if m.end() > out[-1].end():
                out[-1] = m
            continue
        out.append(m)
    return out


def _generic_kind(modifier: str, pr: PeopleRules) -> str:
    """`返乡人员` is served, `社区人员` works; unknown stays generic."""
    if pr.served_hints.search(modifier):
        return "served"
    if pr.worker_hints.search(modifier):
        return "workers"
    return "generic"


def _clause_before(body: str, pos: int, pr: PeopleRules, stop: re.Pattern[str] = _CLAUSE_STOP) -> str:
    lo = max(0, pos - pr.context_chars)
    text = body[lo:pos]
    stops = list(stop.finditer(text))
    return text[stops[-1].end():] if stops else text


def _clause_after(body: str, pos: int, pr: PeopleRules) -> str:
    stop = _CLAUSE_STOP.search(body, pos, pos + pr.context_chars)
    return body[pos:stop.start() if stop else pos + pr.context_chars]


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _nothing_named(body: str, pos: int, pr: PeopleRules) -> bool:
    """After `N名`: punctuation or a verb (`6名有经验的`, `34名“90后”党员`),
    not some noun missing from the lexicon (`8万名闽商` is not for the context)."""
    p = _SPACES.match(body, pos).end()
    if p >= len(body) or not _CJK.match(body, p):
        return True
    return any(body.startswith(w, p) for w in pr.context_after)


def _context_kind(body: str, amount: Amount, pr: PeopleRules) -> tuple[str, str, int]:
    """For a count of people with no noun: (kind, role, span start).

    A people noun right before the number decides (`志愿者共120人`); then
    `N户M人` is population; then the nearest people noun or context word
    before the number in its clause; then the first one after it.
    """
    before = _clause_before(body, amount.start, pr)
    m = pr.left_noun.search(before)
    if m:
        kind = pr.kind_of[m.group("noun")]
        if kind != "generic":
            return kind, m.group("noun"), amount.start - len(before) + m.start()
    if pr.household.search(before):
        return "served", "", amount.start
    # The nearest signal in the sentence so far (`专班由...组成,共12人`).
    before = _clause_before(body, amount.start, pr, _SENTENCE_STOP)
    signals = [(w.end(), _context_word(w.group(), pr), "") for w in pr.context.finditer(before)]
    # A noun counted by its own number (`1名员工、1名食客`) says nothing here.
    signals += [(n.end(), pr.kind_of[n.group()], n.group()) for n in _words_of(before, pr)
                if pr.kind_of[n.group()] != "generic" and before[n.start() - 1:n.start()] not in pr.measures]
    if signals:
        _, kind, noun = max(signals)
        return kind, noun, amount.start
    m2 = pr.context.search(_clause_after(body, amount.end, pr))
    if m2:
        return _context_word(m2.group(), pr), "", amount.start
    return "generic", "", amount.start


def _context_word(word: str, pr: PeopleRules) -> str:
    return "workers" if pr.context_kind[word] == "team" else "served"


def _total_marker_start(body: str, start: int, nr: NumberRules) -> int:
    """`共56人`: a total word right before a headcount belongs to its span."""
    for w in sorted(nr.total_markers, key=len, reverse=True):
        s = start - len(w)
        if s >= 0 and body.startswith(w, s):
            return s
    return start


def decide(body: str, amount: Amount, nr: NumberRules) -> Decision:
    """Headcount or quantity for one amount, with the headcount's role and span."""
    pr = nr.people
    if amount.kind == "count" and pr.kind_of.get(amount.word) == "workers":
        # 41万在职党员: the noun is both the measure and the role
        return Decision("headcount", amount.word, _total_marker_start(body, amount.start, nr), amount.end)
    if amount.kind != "count" or amount.word not in nr.people_measures:
        return Decision("quantity")
    if amount.word == pr.bare_person:
        # 三十多人的志愿者队伍: a people noun after 的 says who the 人 are
        noun = _right_noun(body, amount, pr) if body.startswith("的", amount.end) else None
    else:
        noun = _right_noun(body, amount, pr)
    if noun is not None and noun.kind != "generic":
        if noun.kind != "workers":
            return Decision("quantity")
        end = noun.end if noun.inline else amount.end
        return Decision("headcount", noun.role, _total_marker_start(body, amount.start, nr), end)
    if noun is None and amount.word != pr.bare_person:
        if amount.word not in pr.context_measures or not _nothing_named(body, amount.end, pr):
            return Decision("quantity")
    kind, role, start = _context_kind(body, amount, pr)
    if kind != "workers":
        return Decision("quantity", confidence=0.6)
    if noun is not None:
        role = noun.role
    elif amount.word == pr.bare_person and start == amount.start:
        role = ""       # `110万人`: the role is 人 unless the noun stands right before it
    role = role or amount.word
    if start == amount.start:
        start = _total_marker_start(body, start, nr)
    end = noun.end if noun is not None and noun.inline else amount.end
    return Decision("headcount", role, start, end, confidence=0.6)
