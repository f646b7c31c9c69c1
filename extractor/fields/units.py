"""Organizations ("units"): government departments, party organs and
branches, institutions, enterprises, media, named task forces.

Finder: every organization suffix of rules/units.yaml that ends a jieba token
(``局``, ``党支部``, ``工作组`` …) is a head; the name grows left over tokens until
a boundary (names.boundary.LeftBoundary).  A head inside a longer name is also its
parent's name (市应急管理局 in 市应急管理局政治部) unless ``prefix_only`` says it is
just an abbreviation prefix (市委 in 市委编办).

Resolver: forms are classified (named, abbreviation, weak alias-only, bare
head, generic) and grouped per document into entities (names.cluster.cluster); every
occurrence becomes a Mention whose value is its entity's canonical name.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from extractor.analysis import Analysis
from extractor.document import Context, Mention
from extractor.fields.names.boundary import LeftBoundary
from extractor.fields.names.cluster import ClusterRules, Form, cluster, entities, mentions_from
from extractor.fields.names.segment import SEGMENTER, Token, runs_with, token_index
from extractor.ruleset import Rules
from extractor.rulespec import Int, ListOf, Regex, RuleFile, Section, Words, opt
from extractor.text.patterns import NearWordScan, alternation, may_match, only_made_of, required_words

FILE = RuleFile("units.yaml", Section({
    "suffixes": Words(1), "single_suffixes": Words(1, chars=1), "not_org_words": Words(),
    "not_org_stem": Regex(), "single_right_stop": Words(), "not_org_tags": Words(), "right_stop": Words(),
    "inner_conjunctions": Words(), "conjunction_left_tags": Words(), "conjunction_right_tags": Words(),
    "conjunction_max_gap": Int(0), "name_internal": Words(), "task_force_heads": Words(1),
    "alias_heads": Words(), "abbreviations": Words(), "weak_modifiers": Words(), "proper_heads": Words(),
    "proper_tags": Words(), "proper_chars": Words(chars=1), "single_word_generic_heads": Words(),
    "single_word_generic_tags": Words(), "adverb_tags": Words(), "generic_names": Words(),
    "generic_modifiers": Words(), "kind_modifiers": opt(Words(), []), "department_heads": opt(Words(1), []),
    "prefix_only": ListOf(Regex()), "distinct_places": Regex(),
    "preposition_tags": Words(), "verb_tags": Words(), "extensions": Words(),
    "quoted_name_max": Int(0, 20), "other_team_heads": Words(1), "single_not_after": Words(chars=1),
    "head_titles": Words(1), "head_title_deputy": opt(Words(1), []),
    "unparented_team_verbs": opt(Words(1), []), "team_endings": opt(Words(chars=1), []),
    "sub_units": opt(Section({"suffixes": Words(1), "stem_min": Int(1), "stem_max": Int(1),
                              "not_in_stem": Words(1), "not_followed_by": opt(Words(1), [])}), None),
    "media_heads": Words(1), "credits": ListOf(Regex(groups=frozenset({"name"}))),
    "inner_phrases": opt(Words(), []),
    "media_suffixes": opt(Words(), []),
    "media_frames": opt(ListOf(Regex(groups=frozenset({"name"}))), []),
    "place_lists": opt(ListOf(Regex()), []),
    "sessions": opt(Section({"bodies": Words(1), "after": Regex()}), None),
    "part_of_name": opt(Section({"heads": Words(1), "before": Regex()}), None),
    "count_tail": opt(Regex(), None),
}))
# The role of a unit named as an article's source or credit (never an actor).
CREDIT = "credit"
# The role of a medium named in the text (浙江卫视, 扬州日报): it acts only
# where its own clause or sentence names it (extractor/link.py).
MEDIA = "media"


@dataclass
class Candidate:
    start: int
    end: int
    head: str
    head_start: int
    stopper: str | None  # the token that stopped the leftward scan
    quantified: bool  # a numeral + classifier stands just before it (17支扫楼队)
    proper: bool = True  # its modifier has a proper part (see proper_heads)
    inner: bool = False  # strictly inside a longer candidate


class _Frames:
    """Patterns that name a medium in a group ``name`` (and maybe ``name2``),
    with the role their units get."""

    def __init__(self, patterns: list[re.Pattern[str]], role: str):
        self.patterns = patterns
        self.role = role
        # the words a frame cannot lack (讯|消息, 记者|通讯员, 报道…): most bodies lack those of most frames
        self.needs = [required_words(p) for p in patterns]
        # each frame searched only near the words it requires (讯|消息), where it can be exact
        self.scans = [NearWordScan.build(p) or p for p in patterns]


class UnitExtractor:
    """Organization mentions of one document, value = canonical entity name."""

    field = "unit"

    def __init__(self, rules: Rules):
        lex = rules.load(FILE)
        w = lambda key: frozenset(lex[key])
        self.boundary = LeftBoundary.load(rules)
        multi, single = w("suffixes"), w("single_suffixes")
        self.single = single
        self.abbreviations = w("abbreviations")
        self.suffix_re = re.compile(alternation(multi | single | self.abbreviations))
        self.multi_re = re.compile(alternation(multi))
        self.not_org_words = w("not_org_words")
        self.not_org_end = re.compile(f"(?:{alternation(self.not_org_words)})$")
        self.not_org_tags = w("not_org_tags")
        self.not_org_stem = lex.not_org_stem
        self.right_stop = re.compile(alternation(lex.right_stop))
        # what stands right before a name listed among places (31个省(区、市)和|新疆生产建设兵团)
        self.place_lists = [re.compile(f"(?:{p.pattern})$") for p in lex.place_lists]
        # a congress named by its session names the meeting (十三届全国人大三次会议)
        self.session_of = re.compile(f"(?:{alternation(lex.sessions.bodies)})$") if lex.sessions else None
        self.session_after = lex.sessions.after if lex.sessions else None
        self.count_tail = lex.count_tail
        part = lex.part_of_name
        self.part_heads = frozenset(part.heads) if part else frozenset()
        self.part_before = part.before if part else None
        self.inner_phrases = tuple(lex.inner_phrases)
        self.media_end = re.compile(f"(?:{alternation(lex.media_suffixes)})$") if lex.media_suffixes else None
        self.single_right_stop = re.compile(alternation(lex.single_right_stop))
        self.proper_heads = w("proper_heads")
        self.proper_tags = w("proper_tags")
        self.proper_chars = "".join(lex.proper_chars)
        self.adverb_tags = w("adverb_tags")
        self.one_word_generic = w("single_word_generic_heads")
        self.one_word_tags = w("single_word_generic_tags")
        self.conj = w("inner_conjunctions")
        self.conj_left = w("conjunction_left_tags")
        self.conj_right = w("conjunction_right_tags")
        self.conj_gap = lex.conjunction_max_gap
        self.org_end = re.compile(f"(?:{alternation(multi | single | self.abbreviations)})$")
        self.counted = re.compile(f"(?:{self.boundary.quantifier.pattern})\\s*$")
        self.internal = w("name_internal")
        self.team_end = re.compile(f"(?:{alternation(w('task_force_heads') | w('other_team_heads'))})$")
        self.single_not_after = "".join(lex.single_not_after)
        self.head_titles = w("head_titles")
        self.deputy = tuple(lex.head_title_deputy)
        self.unparented = tuple(lex.unparented_team_verbs)
        self.team_endings = tuple(lex.team_endings)
        self.alias_heads = w("task_force_heads") | w("alias_heads")
        self.weak_mods = w("weak_modifiers")
        self.generic_names = w("generic_names")
        # kinds of business are generic modifiers, but before a department's head
        self.kind_mods = w("kind_modifiers")
        self.generic_mods = w("generic_modifiers") | self.kind_mods
        self.department_heads = w("department_heads")
        self.prefix_only = lex.prefix_only
        self.extensions = lex.extensions
        # places named in a task force's middle (驻A社区 vs 驻B社区) keep two forces apart
        self._place = lex.distinct_places
        self.prep_tags = w("preposition_tags")
        self.verb_tags = w("verb_tags")
        self.cluster_rules = ClusterRules(alias_heads=self.alias_heads, extensions=self.extensions,
                                          group_heads=self.alias_heads, conflict=self._conflict)
        # a quoted proper name right before a name («“老巷管家”志愿服务队») is part of it
        self.quoted_span = lex.quoted_name_max + 2
        self.quoted = re.compile(f"“[\u4e00-\u9fff]{{1,{lex.quoted_name_max}}}”$") if lex.quoted_name_max else None
        sub = lex.sub_units
        self.sub_unit = None if sub is None else re.compile(
            f"(?:(?!{alternation(sub.not_in_stem)})[\u4e00-\u9fff]){{{sub.stem_min},{sub.stem_max}}}"
            f"(?:{alternation(sub.suffixes)})"
            + (f"(?!{alternation(sub.not_followed_by)})" if sub.not_followed_by else ""))
        media = f"(?:{alternation(lex.media_heads)})"
        frames = lambda patterns: [re.compile(p.pattern.replace("{media}", media), re.M) for p in patterns]
        self.credits = _Frames(frames(lex.credits), CREDIT)
        self.media_frames = _Frames(frames(lex.media_frames), MEDIA)

    # ------------------------------------------------------------ public
    def __call__(self, body: str, ctx: Context | None = None) -> list[Mention]:
        """Unit mentions of ``body`` on its own (the pipeline calls :meth:`extract`)."""
        return self.extract(Analysis(body, ctx or Context()))

    def extract(self, doc: Analysis) -> list[Mention]:
        """Unit mentions of one document, in text order."""
        runs = list(runs_with(doc.body, self.suffix_re))
        cands = self.find(doc, runs)
        forms = self.resolve(doc.body, cands)
        canon = cluster(forms, self.cluster_rules)
        found = mentions_from(forms, canon, doc.body, self.field)
        found += self._sub_units(doc, found, runs)
        if self.media_end is not None:
            for m in found:
                if self.media_end.search(m.text):
                    m.role = MEDIA
        # a medium named in the text (《大公报》, 据人民网报道) acts in its own
        # sentence only; one named as the article's source or credit never acts
        found += self._framed(doc.body, found, self.media_frames)
        return sorted(found + self._framed(doc.body, found, self.credits), key=lambda m: (m.start, m.end))

    def _sub_units(self, doc: Analysis, found: list[Mention], runs: list[tuple[int, int]]) -> list[Mention]:
        """A sub-unit written right after its parent (城管局市政所, 卫健委疾控科):
        the whole is a unit of its own (annotation.md: a working group of a
        unit is its own entry), and the sub-unit's name written alone later
        (市政所) is a form of it. The sub-unit must end a jieba word, so
        所在地 or 站台 are no sub-units."""
        if self.sub_unit is None:
            return []
        body = doc.body
        taken = bytearray(len(body) + 1)
        for m in found:
            taken[m.start:m.end] = b"\1" * (m.end - m.start)
        out: list[Mention] = []
        names: dict[str, str] = {}
        for m in found:
            sub = self.sub_unit.match(body, m.end)
            if sub is None or any(taken[m.end:sub.end()]) or not _ends_word(doc, runs, m.end, sub.end()):
                continue
            value = m.value + sub.group()
            taken[m.start:sub.end()] = b"\1" * (sub.end() - m.start)
            out.append(Mention(field=self.field, text=body[m.start:sub.end()], value=value,
                               start=m.start, end=sub.end()))
            names.setdefault(sub.group(), value)
        for name, value in names.items():
            for hit in re.finditer(re.escape(name), body):
                s, e = hit.span()
                if not any(taken[s:e]):
                    taken[s:e] = b"\1" * (e - s)
                    out.append(Mention(field=self.field, text=name, value=value, start=s, end=e))
        return out


    def _framed(self, body: str, found: list[Mention], frames: _Frames) -> list[Mention]:
        """Media named in a frame (a source or credit frame: 来源:X网, X讯,
        X记者; a paper's title: 《X报》), as units with the frames' role: a
        unit already found on that span takes the role, and a name found
        elsewhere keeps its canonical value."""
        at = {(m.start, m.end): m for m in found}
        taken = bytearray(len(body) + 1)
        for m in found:
            taken[m.start:m.end] = b"\1" * (m.end - m.start)
        canon = {m.text: m.value for m in found}
        out: list[Mention] = []
        for pattern, needs, scan in zip(frames.patterns, frames.needs, frames.scans):
            if not may_match(needs, body):
                continue
            for m in scan.finditer(body):
                for group in ("name", "name2"):
                    if group not in pattern.groupindex or m.group(group) is None:
                        continue
                    s, e = m.span(group)
                    if (s, e) in at:
                        at[s, e].role = frames.role
                    if any(taken[s:e]) or body[s:e] in self.generic_names:
                        continue
                    taken[s:e] = b"\1" * (e - s)
                    text = body[s:e]
                    out.append(Mention(field=self.field, text=text, value=canon.get(text, text), start=s, end=e,
                                       role=frames.role))
        return out

    @staticmethod
    def entities(mentions: list[Mention]) -> dict[str, list[str]]:
        """Canonical name → every form written for it in the document."""
        return entities(m for m in mentions if m.field == "unit")

    # ------------------------------------------------------------ finder
    def find(self, doc: Analysis, runs: list[tuple[int, int]]) -> list[Candidate]:
        """Every organization-shaped span, parents included, before any
        filtering, in ``runs`` (the suffix-bearing runs of Chinese characters)."""
        body = doc.body
        out: list[Candidate] = []
        for rs, re_ in runs:
            toks = doc.tokens(rs, re_)
            ends = {t.end: i for i, t in enumerate(toks)}
            quants = self.boundary.quantifier_ends(body, max(0, rs - 12), re_)
            named_ends: dict[int, int] = {}  # end -> start of the names found in the run
            pos = rs
            while (m := self.suffix_re.search(body, pos, re_)) is not None:
                c = self._candidate(body, toks, ends, quants, m, rs, named_ends)
                # The longest suffix at a position wins the alternation, but it
                # may end inside a word (卫生健康委|员会): then the search goes
                # on from the next character, so the suffix that ends the word
                # (委员会) is still found.
                pos = m.end() if c or m.end() in ends else m.start() + 1
                if c and any(p.search(body, max(0, c.start - 20), c.start) for p in self.place_lists):
                    c = None  # listed among places: a region here, not a body
                if c and self._a_session(body, c):
                    c = None
                if c:
                    named_ends[c.end] = c.start
                    if c.start == rs and c.stopper is None and self.quoted is not None:
                        q = self.quoted.search(body, max(0, rs - self.quoted_span), rs)
                        if q:
                            c.start = q.start()
                    out.append(c)
        _mark_inner(out)
        return out

    def _a_session(self, body: str, c: Candidate) -> bool:
        """Whether candidate ``c`` is a congress named by its session (units.yaml ``sessions``)."""
        return (self.session_of is not None and self.session_after is not None
                and bool(self.session_of.search(body, c.start, c.end)) and bool(self.session_after.match(body, c.end)))

    def _candidate(self, body: str, toks: list[Token], ends: dict[int, int], quants: list[int],
                   m: re.Match[str], run_start: int, named_ends: dict[int, int] | None = None) -> Candidate | None:
        e = m.end()
        i = ends.get(e)
        if len(m.group()) == 2 and m.group() in self.abbreviations and not self._begins_word(toks, m):
            return None
        if i is None:
            i = self._split_head(toks, m)
        if i is None or not self._head_ok(toks[i], m.group(), e):
            return None
        if self.right_stop.match(body, e):
            return None
        if m.group() in self.single and ((self.single_right_stop.match(body, e) and not self._minister(toks, m))
                                         or m.start() and body[m.start() - 1] in self.single_not_after):
            return None
        j = token_index(toks, m.start())
        k = bisect.bisect_right(quants, m.start())
        floor = max(quants[k - 1], run_start) if k else run_start
        start, stopper = self.boundary.scan(toks, j, m.start(), e, floor, self.internal, self.single)
        # a conjunction right after another name found in the run joins two
        # organizations (中央广播电视总台与国资委), not two nouns of one name
        while stopper in self.conj and not _ends_in_word_before(toks, start, named_ends or {}):
            c = self._joined(toks, start, m.start())
            if c is None:
                break
            start, stopper = self.boundary.scan(toks, c, toks[c].start, e, floor, self.internal, self.single)
        # a phrase that names a thing inside names holds a stop character
        # (新型冠状病毒感染的肺炎疫情防控指挥部): the name goes on before it
        while stopper is not None and (inner := self._inner_phrase(body, start, floor)) is not None:
            start, stopper = self.boundary.scan(toks, token_index(toks, inner), inner, e, floor,
                                                self.internal, self.single)
        start = self._after_team_subject(toks, start, m.start())
        start = self._drop_leading_verb(toks, start, stopper, m.start())
        if m.group() in self.abbreviations:
            start = self._named_modifier(toks, start, m.start())
        # A name found right before this suffix is this one's stem when the
        # scan stopped inside it (扬州市精神文明建设指导委员会|办公室: 指导
        # stops names, not the one its own suffix ends); a name that stands
        # alone after another one is not its part (公民党|立法会议员).
        inner = named_ends.get(m.start()) if named_ends else None
        if inner is not None and inner < start < m.start():
            start = inner
        tail = self.count_tail.match(body, start, m.start()) if self.count_tail is not None else None
        if tail is not None:
            start = tail.end()  # 300名|武昌方舱医院: the classifier is the count's, never the head's (3所)
        quantified = (floor > run_start and start == floor) or self._counted(body, start)
        c = Candidate(start, e, m.group(), m.start(), stopper, quantified)
        if c.head in self.one_word_generic and start < m.start():
            # one common word before the head (培训|中心), or the whole name one
            # common word of jieba's dictionary (新闻频道)
            t = toks[token_index(toks, start)]
            c.proper = not (t.start == start and t.end in (m.start(), e) and t.tag in self.one_word_tags)
        if c.head in self.proper_heads and start < m.start():
            c.proper = self._proper(body, toks, start, m.start())
        return c

    def _minister(self, toks: list[Token], m: re.Match[str]) -> bool:
        """Whether a one-character suffix and the title after it are the end
        of one word that holds two characters or more before the suffix
        (外交部长, 卫生署长): the word names the head of that body, which
        is named (聂|局长 names a person only, 小组长 a post, 副大队长 a deputy)."""
        t = toks[token_index(toks, m.start())]
        return (m.start() - t.start >= 2 and not t.word.startswith(self.deputy)
                and body_rest(t, m.end()) in self.head_titles)

    @staticmethod
    def _begins_word(toks: list[Token], m: re.Match[str]) -> bool:
        """Whether a two-character name that stands alone (港大, 中大) begins
        a word or lies inside the word that holds its end (市纪委, 人大|代表
        of 人大代表): never the end of one word and the start of the next
        (香港|大部分, 其中|大部分); two characters are too common a string
        to trust across a word's edge."""
        holder = toks[token_index(toks, m.end() - 1)]
        return holder.start <= m.start() or toks[token_index(toks, m.start())].start == m.start()

    def _inner_phrase(self, body: str, start: int, floor: int) -> int | None:
        """The start of an ``inner_phrases`` entry that a name starting at
        ``start`` cuts through (its stop character stopped the scan), or None."""
        for ph in self.inner_phrases:
            at = body.rfind(ph, max(floor, start - len(ph) + 1), start + len(ph))
            if at >= floor and at < start < at + len(ph):
                return at
        return None

    def _after_team_subject(self, toks: list[Token], start: int, head_start: int) -> int:
        """志愿服务队|对口支援|指挥部: a team named before a name-internal verb
        (a verb by its tag: 临时 of 工作组临时党支部 is none) is the verb's
        subject; the name starts after the verb."""
        team = False
        i = token_index(toks, start)
        while i < len(toks) and toks[i].end <= head_start:
            t = toks[i]
            if team and t.word in self.internal and t.tag in self.verb_tags:
                start = t.end
            elif self.team_end.search(t.word):
                team = True
            i += 1
        return start

    def _drop_leading_verb(self, toks: list[Token], start: int, stopper: str | None, head_start: int) -> int:
        """坚决|贯彻党中央 (after an adverb), 为|保障工作组成员 (after a preposition):
        the name's first word is a verb, no part of it."""
        if not stopper or start >= head_start:
            return start
        first = toks[token_index(toks, start)]
        tag = SEGMENTER.tag(stopper)
        # a proper noun is the name's own first word whatever stands before
        # it (仅次于|金银潭医院: 金银 is no verb)
        verb_first = first.tag not in self.proper_tags and (
            (len(stopper) > 1 and tag in self.adverb_tags)
            or (tag in self.prep_tags and first.tag in self.verb_tags))
        return first.end if verb_first and first.end <= head_start else start

    def _named_modifier(self, toks: list[Token], start: int, head_start: int) -> int:
        """A name that stands alone (国务院, 党中央, 特区政府) keeps on its left
        only words that can name something: places and organizations, an
        administrative character, nouns and unknown words of two or more
        characters (香港特区政府, 市纪委, 全国人大, 新冠|肺炎疫情联防联控机制);
        the first other word and all before it are no part of it
        (经|国务院, 宣传|党中央, 整个|特区政府). An unknown word right before
        the name is none of it either: there jieba glues a verb, a time or a
        particle to a character of its own (王称|港府, 今早|立法会, 同场|医管局)."""
        head = token_index(toks, head_start)
        i = head - 1
        while i >= 0 and toks[i].start >= start:
            t = toks[i]
            if not (t.tag in self.proper_tags or t.word in self.proper_chars
                    or (len(t.word) > 1 and (t.tag in ("n", "nt", "nz") or t.tag is None and i < head - 1))):
                return t.end
            i -= 1
        return start

    def _proper(self, body: str, toks: list[Token], start: int, head_start: int) -> bool:
        """Whether the modifier ``body[start:head_start]`` names something (not 邮轮 of 邮轮公司)."""
        if any(ch in self.proper_chars for ch in body[start:head_start]):
            return True
        if self.multi_re.search(body, start, head_start):
            return True  # an organization's own canteen, company… (机关食堂)
        i = token_index(toks, start)
        while i < len(toks) and toks[i].start < head_start:
            t = toks[i]
            if t.tag is None or t.tag in self.proper_tags:
                return True
            if t.tag == "n" and t.word not in self.generic_mods:
                return True  # 同济医院: jieba files many names as plain nouns
            i += 1
        return False

    def _split_head(self, toks: list[Token], m: re.Match[str]) -> int | None:
        """A multi-character suffix that jieba glued to the next word (小组|会议)
        or particle (卫生健康委|和), or a one-character one glued to its head's
        title (房屋局|局长): the token holding it, when what follows the suffix
        is a word itself or a character that stops names."""
        k = token_index(toks, m.end() - 1)
        rest = toks[k].word[m.end() - toks[k].start:]
        word = len(rest) >= 2 and SEGMENTER.tag(rest) is not None
        if len(m.group()) < 2:
            # a one-character suffix only before its own head's title (局|局长,
            # 署|署长, 外交部|长) or a member's (中央政治局|常委)
            return k if (word and (rest[0] == m.group() or rest in self.head_titles)) or self._minister(toks, m) else None
        return k if word or rest in self.boundary.stop_chars else None

    def _joined(self, toks: list[Token], start: int, head_start: int) -> int | None:
        """Index of the noun before a conjunction that is inside the name
        (住房|和|城乡建设部), or None when the conjunction ends the name."""
        if start == 0 or not 0 < head_start - start <= self.conj_gap:
            return None  # 单位和|指挥部: nothing of the name's own right of the conjunction
        k = token_index(toks, start - 1)
        if k < 1 or toks[k].end != start or toks[k].word not in self.conj:
            return None
        left, right = toks[k - 1], toks[token_index(toks, start)]
        if (left.tag not in self.conj_left or len(left.word) < 2 or self.org_end.search(left.word)
                or left.word in self.weak_mods or self.boundary.cut(left, left.end) is None):
            return None
        return k - 1 if right.tag in self.conj_right else None

    def _counted(self, body: str, start: int) -> bool:
        """A numeral + classifier just before ``start``, across spaces and line breaks."""
        return bool(self.counted.search(body, max(0, start - 16), start))

    def _head_ok(self, tok: Token, head: str, end: int) -> bool:
        """Whether the token holding the suffix that ends at ``end`` can end a
        name there: only the token's part up to the suffix counts (中央政治局|常委
        is one word, and 常委 is a person)."""
        if tok.word == head:
            # the whole word is a listed suffix or name (国新办, though 新办 is no organization)
            return True
        if self.not_org_end.search(tok.word, 0, end - tok.start):
            return False
        return not (head in self.single and tok.tag in self.not_org_tags)

    # ------------------------------------------------------------ resolver
    def resolve(self, body: str, cands: list[Candidate]) -> dict[str, Form]:
        """Classify candidates into forms; generic and quantified ones are dropped."""
        forms: dict[str, Form] = {}
        poisoned: set[str] = set()
        seen: set[tuple[int, int]] = set()
        for c in cands:
            text = body[c.start:c.end]
            kind = None if self._part_of_name(body, c) else self.kind(text, c)
            if c.quantified:
                poisoned.add(text)
            if kind is None:
                continue
            f = forms.setdefault(text, Form(text, c.head, text[: len(text) - len(c.head)], kind))
            if (c.start, c.end) not in seen:
                seen.add((c.start, c.end))
                f.spans.append((c.start, c.end))
        for t in poisoned:
            forms.pop(t, None)
        return forms

    def _part_of_name(self, body: str, c: Candidate) -> bool:
        """Whether inner candidate ``c`` only names the longer body it stands in
        (units.yaml ``part_of_name``: 武汉大学 in 武汉大学中南医院)."""
        return (c.inner and c.head in self.part_heads and self.part_before is not None
                and self.part_before.match(body, c.end) is not None)

    def kind(self, text: str, c: Candidate) -> str | None:
        """``named``, ``abbrev``, ``weak``, ``bare`` — or None when not a unit."""
        mod = text[: len(text) - len(c.head)]
        if c.stopper in self.boundary.determiners or c.quantified:
            return None
        if text in self.generic_names or not c.proper:
            return None
        if c.inner and any(p.search(text) for p in self.prefix_only):
            return None
        if not mod:
            if c.head in self.alias_heads:
                return "bare"
            return "abbrev" if c.head in self.abbreviations else None
        if c.head in self.single and self.not_org_stem.match(mod):
            return None
        if self.unparented and mod.startswith(self.unparented) and c.head.endswith(self.team_endings):
            return None  # 援鄂医疗队, 支援武汉医疗队: a team named without its parent
        if only_made_of(mod, self.generic_mods) and not (c.head in self.department_heads and mod in self.kind_mods):
            return None
        if only_made_of(mod, self.weak_mods):
            return "weak"
        return "named"

    def _conflict(self, mid1: str, mid2: str) -> bool:
        p1 = set(self._place.findall(mid1))
        p2 = set(self._place.findall(mid2))
        return bool(p1 and p2 and p1 != p2)


def body_rest(tok: Token, at: int) -> str:
    """What of the token's word follows offset ``at``."""
    return tok.word[at - tok.start:]


def _ends_in_word_before(toks: list[Token], start: int, named_ends: dict[int, int]) -> bool:
    """Whether a name found in the run ends in the word before the
    conjunction that precedes ``start`` (中央广播电视总台|与; 中心小学|教师|和,
    where jieba glued the name to the word after it)."""
    k = token_index(toks, start - 1)
    if k < 1:
        return start - 1 in named_ends
    left = toks[k - 1]
    return any(left.start < end <= left.end for end in named_ends)


def _ends_word(doc: Analysis, runs: list[tuple[int, int]], start: int, end: int) -> bool:
    """``start`` and ``end`` are word boundaries in the jieba tokens of the
    run that holds them (the run ``find`` segmented: nothing is cut again)."""
    i = bisect.bisect_right(runs, (start, len(doc.body) + 1)) - 1
    if i < 0 or not runs[i][0] <= start < end <= runs[i][1]:
        return False
    toks = doc.tokens(*runs[i])
    return any(t.start == start for t in toks) and any(t.end == end for t in toks)


def _mark_inner(cands: list[Candidate]) -> None:
    """Flag candidates lying strictly inside a longer one (parents in a chain)."""
    order = sorted(cands, key=lambda c: c.start)
    best = -1  # the furthest end among candidates starting at or before this one
    i = 0
    while i < len(order):
        j = i
        while j < len(order) and order[j].start == order[i].start:
            best = max(best, order[j].end)
            j += 1
        for c in order[i:j]:
            c.inner = best > c.end
        i = j
