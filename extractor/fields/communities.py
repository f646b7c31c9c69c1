"""Communities: named residential communities and compounds (社区, 小区, 村,
住宅楼, Hong Kong 邨/苑/花园 …).

Finder: a suffix of rules/communities.yaml ending a jieba token is a head; the
name grows left over tokens until a boundary (names.boundary.LeftBoundary, shared with
units), then loses everything up to the last administrative word, so
``包保社区咸安区南昌路社区`` gives ``南昌路社区`` and ``武汉芳草社区汉荣苑小区``
gives ``芳草社区`` and ``汉荣苑小区``.  The items of an enumeration closed by
``等…小区`` (or whose last item is a community) are communities too.

Resolver: generic names (老旧小区, 该社区, 80个社区) are dropped; forms are
grouped per document (金域华府 = 金域华府小区) by names.cluster.cluster.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from extractor.analysis import Analysis
from extractor.document import Context, Mention
from extractor.fields import units
from extractor.fields.names.boundary import EXTRA, LeftBoundary
from extractor.fields.names.cluster import MAX_GROUP, ClusterRules, Form, cluster, entities, mentions_from
from extractor.fields.names.segment import SEGMENTER, Token, runs_with, token_index
from extractor.ruleset import Rules
from extractor.rulespec import Int, Regex, RuleFile, Section, Words
from extractor.text.patterns import alternation, only_made_of

FILE = RuleFile("communities.yaml", Section({
    "left_boundary_extra": EXTRA, "place_prefixes": Words(), "place_test_suffixes": Words(),
    "suffixes": Words(1), "min_stem": Int(1), "short_form_min": Int(1), "not_community_words": Words(),
    "right_stop": Words(), "admin_suffixes": Words(), "generic_modifiers": Words(), "list_heads": Words(1),
    "list_closer": Regex(), "list_separators": Words(1), "max_item_len": Int(2, 30),
    "buildings": Section({"number": Regex(0), "heads": Words(1), "counted_heads": Words(), "not_before": Words()}),
    "fused_after": Words(), "admin_chars": Words(chars=1), "date_marks": Words(chars=1),
    "governing_tags": Words(1), "admin_tags": Words(), "admin_long_tags": Words(), "admin_long_min": Int(2),
}))
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{_CJK}]")


@dataclass
class Found:
    start: int
    end: int
    head: str  # "" for an enumeration item without a community suffix
    generic: bool = False
    counted: bool = False


class CommunityExtractor:
    """Community mentions of one document, value = canonical community name."""

    field = "community"

    def __init__(self, rules: Rules):
        lex = rules.load(FILE)
        unit_lex = rules.load(units.FILE)
        w = lambda key: frozenset(lex[key])
        self.boundary = LeftBoundary.load(rules).extended(lex.left_boundary_extra)
        self.suffixes = w("suffixes")
        self.suffix_re = re.compile(alternation(self.suffixes))
        self.min_stem = lex.min_stem
        self.not_words = re.compile(f"(?:{alternation(lex.not_community_words)})$")
        self.admin = w("admin_suffixes")
        self.admin_end = re.compile(f"(?:{alternation(self.admin)})$")
        self.generic_mods = w("generic_modifiers")
        self.place_endings = lex.place_test_suffixes
        self.right_stop = re.compile(alternation(lex.right_stop))
        self.short_min = lex.short_form_min
        self.fused_after = frozenset(lex.fused_after)
        self.admin_chars = frozenset(lex.admin_chars)
        self.governing_tags = frozenset(lex.governing_tags)
        self.admin_tags = frozenset(lex.admin_tags)
        self.admin_long_tags = frozenset(lex.admin_long_tags)
        self.admin_long_min = lex.admin_long_min
        self.date_marks = frozenset(lex.date_marks)
        self.adverb_tags = frozenset(unit_lex.adverb_tags)
        self.place_prefix = re.compile(alternation(lex.place_prefixes))
        unit_suffixes = frozenset(unit_lex.suffixes) | frozenset(unit_lex.single_suffixes)
        self.unit_end = re.compile(f"(?:{alternation(unit_suffixes)})$")
        self.counted = re.compile(f"(?:{self.boundary.quantifier.pattern})\\s*$")
        self.sep_re = re.compile(alternation(lex.list_separators))
        item = f"[{_CJK}]{{1,{lex.max_item_len}}}"
        # an enumeration: items separated by 、 (matched once, left to right: no re-scanning)
        self.enum_re = re.compile(f"(?:{item}(?:{self.sep_re.pattern}))+{item}")
        # what closes a list of communities: 等(十余个)小区
        self.etc_re = re.compile(f"{lex.list_closer.pattern}(?:{alternation(lex.list_heads)})")
        b = lex.buildings
        stop = f"(?!{alternation(b.not_before)})" if b.not_before else ""
        counted = f"|(?:{alternation(b.counted_heads)}){stop}" if b.counted_heads else ""
        # an ordinal (第8座) is never a count; a bare number before a counted head may be
        self.building_re = re.compile(f"第(?:{b.number.pattern})(?:{alternation([*b.heads, *b.counted_heads])})"
                                      f"|(?:{b.number.pattern})(?:(?:{alternation(b.heads)}){counted})")

    # ------------------------------------------------------------ public
    def __call__(self, body: str, ctx: Context | None = None) -> list[Mention]:
        """Community mentions of ``body`` on its own (the pipeline calls :meth:`extract`)."""
        return self.extract(Analysis(body, ctx or Context()))

    def extract(self, doc: Analysis) -> list[Mention]:
        """Community mentions of one document, in text order."""
        body = doc.body
        found = self.find(doc)
        forms = self.resolve(body, found)
        self._short_forms(body, forms)
        # buildings group among themselves: 缤纷南郡8号楼 is a form of
        # 缤纷南郡小区8号楼, never of the compound 缤纷南郡小区
        buildings = self._buildings(body, forms)
        canon = cluster(forms, ClusterRules()) | cluster(buildings, ClusterRules())
        return mentions_from(forms | buildings, canon, body, self.field)

    def _short_forms(self, body: str, forms: dict[str, Form]) -> None:
        """Occurrences of a named community without its suffix (金域华府 for
        金域华府小区) are forms of it, when that name has at least
        ``short_form_min`` characters and the occurrence stands on its own."""
        starts, reach = _reach(sorted(sp for f in forms.values() for sp in f.spans))
        mods = {f.mod for f in forms.values() if f.head and len(f.mod) >= self.short_min}
        if not mods or len(mods) > MAX_GROUP:
            return
        for m in re.finditer(alternation(mods), body):
            s, e = m.span()
            k = bisect.bisect_right(starts, s)
            if (k and reach[k - 1] > s) or self.suffix_re.match(body, e):
                continue  # inside a name already found, or the suffix follows
            if s and _CJK_CHAR.match(body[s - 1]) and body[s - 1] not in self.boundary.stop_chars:
                continue  # inside a longer word
            form = forms.setdefault(m.group(), Form(m.group(), "", m.group(), "named"))
            form.spans.append((s, e))

    def _buildings(self, body: str, forms: dict[str, Form]) -> dict[str, Form]:
        """The buildings of named compounds (缤纷南郡小区8号楼, 丽晶花园6座),
        communities of their own beside the compound; a building's number
        alone later (8号楼) is a form of it when one compound has that building."""
        numbers: set[str] = set()
        out: dict[str, Form] = {}
        for f in forms.values():
            for s, e in f.spans:
                b = self.building_re.match(body, e)
                if b is None:
                    continue
                text = body[s:b.end()]
                # 葵盛西邨第8座 and 葵盛西邨8座 are one building
                form = out.setdefault(text, Form(text, b.group().lstrip("第"), f.text, "named"))
                if (s, b.end()) not in form.spans:
                    form.spans.append((s, b.end()))
                numbers.add(b.group())
        if not numbers:
            return out
        taken = sorted(sp for fs in (forms, out) for f in fs.values() for sp in f.spans)
        starts, reach = _reach(taken)
        for m in self.building_re.finditer(body):
            if m.group() not in numbers:
                continue
            s, e = m.span()
            k = bisect.bisect_right(starts, s)
            if (k and reach[k - 1] > s) or (s and body[s - 1].isalnum() and not _CJK_CHAR.match(body[s - 1])):
                continue  # inside a name already found, or part of a longer number (B8号楼)
            form = out.setdefault(m.group(), Form(m.group(), m.group().lstrip("第"), "", "weak"))
            form.spans.append((s, e))
        return out

    @staticmethod
    def entities(mentions: list[Mention]) -> dict[str, list[str]]:
        """Canonical name → every form written for it in the document."""
        return entities(m for m in mentions if m.field == "community")

    # ------------------------------------------------------------ finder
    def find(self, doc: Analysis) -> list[Found]:
        """Suffix-headed names, then enumeration items, in body order."""
        body = doc.body
        out: list[Found] = []
        for rs, re_ in runs_with(body, self.suffix_re):
            toks = doc.tokens(rs, re_)
            ends = {t.end: i for i, t in enumerate(toks)}
            quants = self.boundary.quantifier_ends(body, max(0, rs - 12), re_)
            for m in self.suffix_re.finditer(body, rs, re_):
                k = bisect.bisect_right(quants, m.start())
                floor = max(quants[k - 1], rs) if k else rs
                f = self._named(body, toks, ends, m, floor)
                if f:
                    out.append(f)
        named = {(f.start, f.end) for f in out if not f.generic}
        out.extend(f for f in self._listed(doc, named) if (f.start, f.end) not in named)
        out.sort(key=lambda f: (f.start, f.end))
        return out

    def _named(self, body: str, toks: list[Token], ends: dict[int, int],
               m: re.Match[str], floor: int) -> Found | None:
        e, head = m.end(), m.group()
        i = ends.get(e)
        if i is None:
            # jieba glued a locative to the suffix (小区|内 read as 小|区内)
            i = token_index(toks, e - 1)
            if not (toks[i].start < e < toks[i].end and toks[i].word[e - toks[i].start:] in self.fused_after):
                return None
        tok = toks[i]
        if len(tok.word) > len(head) and self.not_words.search(tok.word):
            return None
        nxt = self.suffix_re.match(body, e)
        if nxt and (nxt.end() in ends or nxt.end() == toks[-1].end):
            # 新康苑 of 新康苑小区: the longer name is the community; a word
            # that only begins with a suffix (胜利村|村民) is no longer name
            return None
        if self.right_stop.match(body, e):
            return None
        j = token_index(toks, m.start())
        start, stopper = self.boundary.scan(toks, j, m.start(), e, floor)
        if start < m.start() and body[start] in self.boundary.stop_chars and toks[j].start == start:
            start, stopper = start + 1, body[start]  # jieba's own 进社区
        counted = start == floor and floor > toks[0].start
        if stopper and len(stopper) > 1 and SEGMENTER.tag(stopper) in self.adverb_tags and start < m.start():
            start = toks[token_index(toks, start)].end  # 积极|投身社区: the verb goes too
        if (stopper and len(stopper) == 2 and stopper[0] in self.admin_chars and start < m.start()
                and body[start - 2:start] == stopper):
            # jieba read a place's last character with the name's first as a
            # word (木子店|镇长|岭关村, 区长|安社区): the name has that character
            start -= 1
        start = self._trim(body, toks, j, start, m.start())
        start = self._residue(body, start, m.start())
        start = self._stopped_short(body, toks, start, m.start(), stopper)
        mod = body[start:m.start()]
        f = Found(start, e, head)
        f.counted = counted or bool(self.counted.search(body, max(0, start - 16), start))
        f.generic = (f.counted or stopper in self.boundary.determiners or len(mod) < self.min_stem
                     or only_made_of(mod, self.generic_mods) or bool(self.not_words.search(body[start:e]))
                     or self._placeish(body[start:e], mod))
        return f

    def _admin_tagged(self, tok: Token) -> bool:
        """Whether jieba's tag lets a word ending in an administrative suffix
        be an administrative level (rules/communities.yaml ``admin_tags``)."""
        return (tok.tag is None or tok.tag in self.admin_tags
                or (tok.tag in self.admin_long_tags and len(tok.word) >= self.admin_long_min))

    def _stopped_short(self, body: str, toks: list[Token], start: int, head_start: int, stopper: str) -> int:
        """Take back a one-character stop that leaves a stem too short to be a
        name (在|同福|社区: no community is called 福社区, so 同 is the name's,
        not the preposition): only when it begins a word jieba does not know
        and a word of ``governing_tags`` (a preposition) or a mark stands
        before it (rules/communities.yaml)."""
        if not stopper or len(stopper) != 1 or start == 0 or body[start - 1] != stopper:
            return start
        if head_start - start >= self.min_stem or head_start - start + 1 < self.min_stem:
            return start
        k = token_index(toks, start - 1)
        if toks[k].start != start - 1 or toks[k].tag is not None or k == 0:
            return start
        before = toks[k - 1]
        if before.tag in self.governing_tags or not _CJK_CHAR.match(before.word[-1]):
            return start - 1
        return start

    def _residue(self, body: str, start: int, head_start: int) -> int:
        """Drop a character jieba glued to the front of a name from the word
        before it: the 日 of a date (1月29日|益昌村), the 镇 of a place
        (太子镇|益昌村), when a stem of ``min_stem`` characters remains."""
        if start == 0 or head_start - start - 1 < self.min_stem:
            return start
        ch, before = body[start], body[start - 1]
        if (ch in self.date_marks and before.isdigit()) or (ch in self.admin_chars and _CJK_CHAR.match(before)):
            return start + 1
        return start

    def _placeish(self, name: str, mod: str) -> bool:
        """中关村 (a dictionary place), 美国社区 / 武汉社区 (a country's or a city's communities)."""
        if SEGMENTER.tag(name) == "ns":
            return True
        return SEGMENTER.tag(mod) == "ns" and (mod[-1] in "国洲" or SEGMENTER.is_place(mod, self.place_endings))

    def _trim(self, body: str, toks: list[Token], j: int, start: int, head_start: int) -> int:
        """Cut administrative prefixes (咸安区, 北郊街道, another 社区) and a
        leading place name (武汉百步亭社区) off a community name."""
        k = token_index(toks, start)
        for t in range(j - 1, k - 1, -1):
            tok = toks[t]
            if tok.start < start:
                break
            if tok.word in self.admin or (len(tok.word) > 1 and self.admin_end.search(tok.word)
                                          and self._admin_tagged(tok)):
                start = tok.end
                break
            # a place's level glued to the name's first characters (丹江|镇脚|猛村)
            if (t > k and tok.tag is None and tok.word[0] in self.admin_chars and toks[t - 1].tag == "ns"
                    and head_start - tok.start - 1 >= self.min_stem):
                start = tok.start + 1
                break
        head_tok = toks[j]
        if head_start - head_tok.start >= 2 and head_tok.tag in (None, "ns", "nr", "nz"):
            start = max(start, head_tok.start)  # jieba knows the whole estate name (彩峰苑)
        p = self.place_prefix.match(body, start, head_start)
        if p and head_start - p.end() >= self.min_stem:
            return p.end()
        k = token_index(toks, start)
        while k < j and toks[k].start == start and SEGMENTER.is_place(toks[k].word, self.place_endings):
            rest = toks[k].end
            if head_start - rest < 2 or only_made_of(
                    toks[k + 1].word if k + 1 < j else "", self.generic_mods | self.suffixes):
                break
            start, k = rest, k + 1
        return start

    def _listed(self, doc: Analysis, named: set[tuple[int, int]]) -> list[Found]:
        """Items of enumerations of communities: all of them when the list is
        closed by 等…小区 (明珠华府、金域华府、能源小区等十余个小区), or when its last
        item and another one are communities (A小区、B、C小区)."""
        body = doc.body
        out: list[Found] = []
        named_at = {s: e for s, e in named}
        named_ends = {e for _, e in named}
        for m in self.enum_re.finditer(body):
            spans = _items(m, self.sep_re)
            ls, le = spans[-1]
            cut = body.find("等", ls, le)
            if cut > ls and self.etc_re.match(body, cut):
                spans[-1] = (ls, cut)
            elif self.etc_re.match(body, le):
                pass  # 能源小区……等十余个小区
            elif ls in named_at and any(e in named_ends for _, e in spans[:-1]):
                spans[-1] = (ls, named_at[ls])
            else:
                continue
            for idx, (s, e) in enumerate(spans):
                start = self._item_start(doc, s, e) if idx == 0 else s
                f = self._item(doc, start, e)
                if f:
                    out.append(f)
        return out

    def _item_start(self, doc: Analysis, s: int, e: int) -> int:
        toks = doc.tokens(s, e)
        start, _ = self.boundary.scan(toks, len(toks) - 1, toks[-1].start, e, s)
        return start if toks[-1].tag != "ns" or start < toks[-1].start else toks[-1].start

    def _item(self, doc: Analysis, s: int, e: int) -> Found | None:
        text = doc.body[s:e]
        if len(text) < 2:
            return None
        if self.unit_end.search(text) or self.admin_end.search(text):
            return None
        if only_made_of(text, self.generic_mods):
            return None
        toks = doc.tokens(s, e)
        if any(len(t.word) > 1 and t.tag in self.boundary.tags or t.word in self.boundary.stop_chars
               or t.word in self.boundary.words for t in toks):
            return None  # a clause (不管配送), not a name
        if len(toks) == 1 and toks[0].tag in ("ns", "nr", "v", "vn", "n") and len(text) <= 3:
            return None  # a place, a person or a plain word, not an estate name
        head = next((x for x in sorted(self.suffixes, key=len, reverse=True) if text.endswith(x)), "")
        return Found(s, e, head if len(text) > len(head) else "")

    # ------------------------------------------------------------ resolver
    def resolve(self, body: str, found: list[Found]) -> dict[str, Form]:
        """Keep named communities; a form ever seen counted (80个社区) is dropped."""
        forms: dict[str, Form] = {}
        poisoned = {body[f.start:f.end] for f in found if f.counted}
        for f in found:
            text = body[f.start:f.end]
            if f.generic or text in poisoned:
                continue
            form = forms.setdefault(text, Form(text, f.head, text[: len(text) - len(f.head)], "named"))
            form.spans.append((f.start, f.end))
        return forms


def _reach(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """The starts of sorted ``spans``, and reach[i]: the furthest end among the first i+1."""
    reach, far = [], 0
    for _, e in spans:
        far = max(far, e)
        reach.append(far)
    return [s for s, _ in spans], reach


def _items(m: re.Match[str], sep: re.Pattern[str]) -> list[tuple[int, int]]:
    """Body spans of the items of an enumeration match (split at its separators)."""
    out, pos = [], m.start()
    for d in sep.finditer(m.group()):
        out.append((pos, m.start() + d.start()))
        pos = m.start() + d.end()
    out.append((pos, m.end()))
    return out
