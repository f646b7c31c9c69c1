"""Where a name stops growing leftwards: the boundary lexicon shared by
units and communities (``rules/names.yaml``) and the scan over tokens."""
from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.ruleset import Rules
from extractor.rulespec import Frozen, Int, Regex, RuleFile, Section, Words, opt

from extractor.text.numerals import CN_CHARS

from .segment import SEGMENTER, Token

FILE = RuleFile("names.yaml", Section({
    "tags": Words(),
    "stop_chars": Words(chars=1),
    "words": Words(),
    "determiners": Words(),
    "quantifier": Regex(),
    "max_len": Int(2, 100),
    "token_stop_chars": opt(Words(chars=1), []),
    "negations": opt(Words(), []),
    "durations": opt(Words(chars=1), []),
    "person_tags": opt(Words(), []),
    "after_person_tags": opt(Words(), []),
}))
# A field's own additions to the shared lexicon (communities.yaml).
EXTRA = Section({"tags": opt(Words(), []), "words": opt(Words(), []), "stop_chars": opt(Words(chars=1), []),
                 "stop_word_starts": opt(Words(chars=1), [])})


@dataclass
class LeftBoundary:
    """Where a name stops growing leftwards (``rules/names.yaml``)."""

    words: frozenset[str]
    tags: frozenset[str]
    stop_chars: frozenset[str]
    determiners: frozenset[str]
    quantifier: re.Pattern[str]
    max_len: int
    # stop a name only as a word of their own, not inside an unknown word
    # (经|疾控中心 stops, 商经局 does not)
    token_stop_chars: frozenset[str] = frozenset()
    # a word that begins with one of these stops a name, whatever its tag
    # (communities only: 最小|行政村, while 最高人民法院 is a unit's name)
    stop_word_starts: frozenset[str] = frozenset()
    # a one-character word of these tags stops a name when a person's name
    # (tags in person_tags) stands before it: a visit's verb (李克强|赴|中国疾控中心),
    # while the single characters of an unknown place name go on (金|银|潭医院)
    person_tags: frozenset[str] = frozenset()
    after_person_tags: frozenset[str] = frozenset()
    # a negation stops a name with the word after it (不|信|政府: 信 is the verb)
    negations: frozenset[str] = frozenset()
    # a numeral word ending in one of these counts time and stops a name (这几天|金银潭医院)
    durations: frozenset[str] = frozenset()

    @classmethod
    def load(cls, rules: Rules) -> LeftBoundary:
        """The shared lexicon, checked."""
        lex = rules.load(FILE)
        return cls(frozenset(lex.words), frozenset(lex.tags), frozenset(lex.stop_chars),
                   frozenset(lex.determiners), lex.quantifier, lex.max_len, frozenset(lex.token_stop_chars),
                   person_tags=frozenset(lex.person_tags), after_person_tags=frozenset(lex.after_person_tags),
                   negations=frozenset(lex.negations), durations=frozenset(lex.durations))

    def extended(self, extra: Frozen) -> LeftBoundary:
        """This boundary plus a field's own ``tags``/``words``/``stop_chars``/
        ``stop_word_starts`` (a section checked against :data:`EXTRA`)."""
        return LeftBoundary(self.words | set(extra.words), self.tags | set(extra.tags),
                            self.stop_chars | set(extra.stop_chars), self.determiners,
                            self.quantifier, self.max_len, self.token_stop_chars,
                            self.stop_word_starts | set(extra.stop_word_starts),
                            self.person_tags, self.after_person_tags, self.negations, self.durations)

    def quantifier_ends(self, body: str, start: int, end: int) -> list[int]:
        """End offsets of numeral + classifier spans in ``body[start:end]``."""
        return [m.end() for m in self.quantifier.finditer(body, start, end)]

    def cut(self, tok: Token, upto: int, keep: frozenset[str] = frozenset(),
            ignore_tag: bool = False) -> int | None:
        """Where a name must start if it takes ``tok`` (up to offset ``upto``):
        ``tok.start`` when the token is part of the name, a later offset when
        a stop character sits inside an unknown word, None when the whole
        token stops the name."""
        w = tok.word
        if w in keep:
            return tok.start
        if w in self.words or w in self.determiners or w in self.negations or w[0] in self.stop_word_starts:
            return None
        if len(w) == 1:
            return None if w in self.stop_chars or w in self.token_stop_chars else tok.start
        if tok.tag is None:  # unknown word: jieba may have glued a particle to a name
            for i in range(min(upto, tok.end) - tok.start - 1, -1, -1):
                if w[i] in self.stop_chars:
                    return tok.start + i + 1
            return tok.start
        if tok.tag in self.tags or (tok.tag == "m" and w[-1] in self.durations and _counts(w)):
            return None
        # jieba's dictionary has compounds of a stop verb and a noun (符合国家,
        # 服从组织, 深入基层): the name starts after the verb. Only a verb's: the
        # role nouns of the list begin names' words (委员|会, 代表|大会)
        for i in range(len(w) - 2, 1, -1):
            if w[:i] in self.words and SEGMENTER.tag(w[:i]) in self.tags:
                return tok.start + i
        return tok.start

    def scan(self, tokens: list[Token], j: int, head_start: int, end: int, floor: int,
             keep: frozenset[str] = frozenset(), glue: frozenset[str] = frozenset()) -> tuple[int, str | None]:
        """Grow a name leftwards from token ``j`` (the one holding its head,
        which starts at ``head_start``).  A token just left of a one-character
        word in ``glue`` is taken whatever its tag (报道组: 报道 is a verb).

        Returns the name's start and the word or character that stopped it
        (None when the run start, a quantifier at ``floor`` or the length
        limit did)."""
        tok = tokens[j]
        start = tok.start
        if tok.start < head_start and tok.tag is None:
            start = self.cut(tok, head_start, keep) or tok.start
        elif tok.start < head_start and tok.tag in self.person_tags:
            # a particle jieba read into a person's name with the head's start (向|世卫组织)
            before = tok.word[:head_start - tok.start]
            if before in self.stop_chars or before in self.words:
                return head_start, before
        if start > tok.start:
            return max(start, floor), tok.word[start - tok.start - 1]
        start = max(start, floor)
        for k in range(j - 1, -1, -1):
            tok = tokens[k]
            if tok.end <= floor:
                return start, None
            at = self.cut(tok, tok.end, keep, ignore_tag=tokens[k + 1].word in glue)
            if at is None or (len(tok.word) == 1 and tok.tag in self.after_person_tags and k
                              and tokens[k - 1].tag in self.person_tags and tok.word not in keep):
                if tok.word in self.negations and tokens[k + 1].end <= head_start:
                    return max(start, tokens[k + 1].end), tokens[k + 1].word
                return start, tok.word
            if end - max(at, floor) > self.max_len:
                return start, None
            if at > tok.start:
                return max(at, floor), tok.word[at - tok.start - 1]
            start = max(at, floor)
        return start, None


_COUNT_START = frozenset(CN_CHARS) | frozenset("几数半多")


def _counts(word: str) -> bool:
    """Whether ``word`` begins with a numeral (几天, 3年; not 少年, which jieba tags m too)."""
    return word[0].isdigit() or word[0] in _COUNT_START
