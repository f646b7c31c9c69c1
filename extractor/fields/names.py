"""What organization and community names share: finding a name's left edge,
and grouping the forms of one entity within a document.

A name here is ``modifier + head``: the head is the suffix that made us look
(``局``, ``工作组``, ``社区``), the modifier is what a leftward scan over jieba
tokens collected before a boundary stopped it.  Both extractors use:

* :class:`Segmenter` — jieba, initialised once and quietly, tokenizing only the
  runs of Chinese characters that contain a suffix (cached per body so the
  unit and community extractors share the work);
* :class:`LeftBoundary` — the lexicon that stops a name (rules/units.yaml,
  ``left_boundary``) and :meth:`LeftBoundary.scan`;
* :func:`cluster` — canonical name + aliases within one document.
"""
from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from extractor.document import Mention
from extractor.ruleset import Rules

# Names are made of Chinese characters; anything else (punctuation, digits,
# spaces, Latin) ends a run and so bounds every name.
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff〇]+")


CHUNK = 400  # longest stretch handed to jieba at once


@dataclass(frozen=True)
class Token:
    start: int  # offsets into the body
    end: int
    word: str
    tag: str | None  # jieba dictionary tag, None for out-of-vocabulary words


class Segmenter:
    """jieba behind a lock, initialised on first use with its logging silenced.

    ``run_tokens`` caches the tokens of the runs of the last body it saw, so
    the second extractor called on the same body pays nothing."""

    _lock = threading.Lock()

    def __init__(self) -> None:
        self._jieba = None
        self._tags: dict[str, str] = {}
        self._local = threading.local()  # per thread: the last body and its tokens

    def _load(self):
        if self._jieba is None:
            with self._lock:
                if self._jieba is None:
                    from extractor.text import jieba_dict

                    self._jieba, self._tags = jieba_dict.load()
        return self._jieba

    def load(self) -> None:
        """Load jieba's dictionaries now rather than on first use."""
        self._load()

    def run_tokens(self, body: str, start: int, end: int) -> list[Token]:
        """Tokens of ``body[start:end]`` with offsets into ``body``."""
        jieba = self._load()
        local = self._local
        if getattr(local, "body", None) is not body:
            local.body, local.cache = body, {}
        key = (start, end)
        toks = local.cache.get(key)
        if toks is None:
            toks = []
            # Real runs between punctuation are short; an endless one (adversarial
            # input) is cut into chunks, since jieba's cost grows faster than its length.
            for cs in range(start, end, CHUNK):
                ce = min(cs + CHUNK, end)
                toks.extend(Token(cs + s, cs + e, w, self._tags.get(w))
                            for w, s, e in jieba.tokenize(body[cs:ce]))
            local.cache[key] = toks
        return toks

    def tag(self, word: str) -> str | None:
        self._load()
        return self._tags.get(word)

    def is_place(self, word: str, endings: Iterable[str]) -> bool:
        """Whether jieba's dictionary knows ``word`` + an ending (市, 省) as a place:
        a cheap gazetteer test (武汉 -> 武汉市)."""
        self._load()
        return self._tags.get(word) == "ns" and any(self._tags.get(word + e) == "ns" for e in endings)


SEGMENTER = Segmenter()


def runs_with(body: str, hit: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    """Spans of the Chinese-character runs of ``body`` in which ``hit`` occurs."""
    for m in CJK_RUN.finditer(body):
        if hit.search(body, m.start(), m.end()):
            yield m.start(), m.end()


def token_index(tokens: list[Token], pos: int) -> int:
    """Index of the token covering offset ``pos`` (tokens are contiguous)."""
    return max(bisect.bisect_right(tokens, pos, key=lambda t: t.start) - 1, 0)


@dataclass
class LeftBoundary:
    """Where a name stops growing leftwards (rules/units.yaml ``left_boundary``)."""

    words: frozenset[str]
    tags: frozenset[str]
    stop_chars: frozenset[str]
    determiners: frozenset[str]
    quantifier: re.Pattern[str]
    max_len: int

    @classmethod
    def load(cls, rules: Rules, name: str = "units.yaml") -> LeftBoundary:
        sec = rules.section(name, "left_boundary", dict)
        lists = ("tags", "words", "stop_chars", "determiners")
        for key in lists + ("quantifier", "max_len"):
            if key not in sec:
                raise rules.fail(name, None, f"left_boundary lacks '{key}'")
        for key in lists:
            if not isinstance(sec[key], list) or not all(isinstance(w, str) and w for w in sec[key]):
                raise rules.fail(name, None, f"left_boundary.{key} must be a list of non-empty strings")
        for ch in sec["stop_chars"]:
            if len(ch) != 1:
                raise rules.fail(name, ch, f"left_boundary.stop_chars entry {ch!r} must be one character")
        max_len = sec["max_len"]
        if not isinstance(max_len, int) or not 2 <= max_len <= 100:
            raise rules.fail(name, None, "left_boundary.max_len must be an integer in 2..100")
        return cls(frozenset(sec["words"]), frozenset(sec["tags"]), frozenset(sec["stop_chars"]),
                   frozenset(sec["determiners"]), rules.pattern(name, sec["quantifier"]), max_len)

    def extended(self, rules: Rules, name: str, key: str) -> LeftBoundary:
        """This boundary plus the ``tags``/``words``/``stop_chars`` listed
        under ``key`` in rules/NAME (a field's own additions)."""
        sec = rules.section(name, key, dict)
        add: dict[str, frozenset[str]] = {}
        for k in ("tags", "words", "stop_chars"):
            items = sec.get(k, [])
            if not isinstance(items, list) or not all(isinstance(w, str) and w for w in items):
                raise rules.fail(name, None, f"{key}.{k} must be a list of non-empty strings")
            if k == "stop_chars" and any(len(w) != 1 for w in items):
                raise rules.fail(name, next(w for w in items if len(w) != 1), f"{key}.stop_chars entries must be one character")
            add[k] = frozenset(items)
        return LeftBoundary(self.words | add["words"], self.tags | add["tags"],
                            self.stop_chars | add["stop_chars"], self.determiners,
                            self.quantifier, self.max_len)

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
        if w in self.words or w in self.determiners:
            return None
        if len(w) == 1:
            return None if w in self.stop_chars else tok.start
        if tok.tag is None:  # unknown word: jieba may have glued a particle to a name
            for i in range(min(upto, tok.end) - tok.start - 1, -1, -1):
                if w[i] in self.stop_chars:
                    return tok.start + i + 1
            return tok.start
        return None if tok.tag in self.tags else tok.start

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
        if start > tok.start:
            return max(start, floor), tok.word[start - tok.start - 1]
        start = max(start, floor)
        for k in range(j - 1, -1, -1):
            tok = tokens[k]
            if tok.end <= floor:
                return start, None
            at = self.cut(tok, tok.end, keep, ignore_tag=tokens[k + 1].word in glue)
            if at is None:
                return start, tok.word
            if end - max(at, floor) > self.max_len:
                return start, None
            if at > tok.start:
                return max(at, floor), tok.word[at - tok.start - 1]
            start = max(at, floor)
        return start, None


def load_words(rules: Rules, name: str, key: str) -> frozenset[str]:
    return frozenset(rules.words(name, key))


def only_made_of(text: str, words: frozenset[str]) -> bool:
    """Whether ``text`` is a concatenation of ``words`` (empty text: False)."""
    if not text:
        return False
    ok = [True] + [False] * len(text)
    for i in range(len(text)):
        if ok[i]:
            for w in words:
                if text.startswith(w, i):
                    ok[i + len(w)] = True
    return ok[len(text)]


# ---------------------------------------------------------------- clustering

@dataclass
class Form:
    """One written form of a name in a document, with its occurrences."""

    text: str
    head: str
    mod: str
    kind: str  # "named", "weak" (alias only), "bare" (head alone), "abbrev" (bare but a name)
    spans: list[tuple[int, int]] = field(default_factory=list)


# Alias search compares forms pairwise within a head; beyond this many forms of
# one head (only in adversarial input) it is skipped to keep time linear.
MAX_GROUP = 300


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[ra] = rb


@dataclass
class ClusterRules:
    """How forms of one document are grouped (see :func:`cluster`)."""

    alias_heads: frozenset[str] = frozenset()  # bare heads that alias a unique named one
    extensions: tuple[str, ...] = ()  # X and X+ext are one entity
    # parents whose working groups are one entity, unless two middles name
    # different places: conflict(middle1, middle2) -> True when they do
    group_heads: frozenset[str] = frozenset()
    conflict: Callable[[str, str], bool] = lambda a, b: False


def cluster(forms: dict[str, Form], cr: ClusterRules) -> dict[str, str]:
    """Map each kept form's text to its entity's canonical name.

    * X and X + extension (金桥社区党支部 / 金桥社区党支部委员会) are one;
    * task forces of one parent are one (区卫健委工作组 / 区卫健委援助花园社区工作组)
      unless their middles name different places (驻A社区… / 驻B社区…);
    * a shorter form whose modifier is part of a longer form's modifier with
      the same head is its alias when that longer entity is unique
      (市委编办 / 孝感市委编办, 纪委 / 市纪委, 保供专班 / 市委编办物资保供专班);
    * a suffix-less form equal to another form's modifier is its alias (金域华府 / 金域华府小区);
    * a bare head in ``alias_heads`` (工作组) or a weak form (社区党委) is kept only as
      the alias of a unique entity; otherwise it is dropped (absent from the map).
    Canonical: a full (not alias-only) form, the most frequent, then the longest.
    """
    uf = _UnionFind()
    named = [f for f in forms.values() if f.kind in ("named", "abbrev")]
    for f in named:
        uf.find(f.text)
        for ext in cr.extensions:
            if f.text + ext in forms and forms[f.text + ext].kind == "named":
                uf.union(f.text, f.text + ext)
    _group_by_parent(named, cr, uf)
    kept = {f.text for f in named} | _attach_short_forms(forms, named, cr, uf)
    members: dict[str, list[Form]] = {}
    for t in kept:
        members.setdefault(uf.find(t), []).append(forms[t])
    out: dict[str, str] = {}
    for group in members.values():
        best = max(group, key=lambda f: (f.kind == "named", f.kind == "abbrev", len(f.spans),
                                         len(f.text), -min(s for s, _ in f.spans)))
        for f in group:
            out[f.text] = best.text
    return out


def _attach_short_forms(forms: dict[str, Form], named: list[Form], cr: ClusterRules,
                        uf: _UnionFind) -> set[str]:
    """Union every shorter form with the unique longer entity it abbreviates;
    return the alias-only forms (bare heads, weak forms) that found one."""
    by_head: dict[str, list[Form]] = {}
    for g in named:
        by_head.setdefault(g.head, []).append(g)
    by_mod = {g.mod: [h for h in named if h.mod == g.mod] for g in named} if len(named) <= MAX_GROUP else {}
    attached: set[str] = set()
    for f in sorted(forms.values(), key=lambda f: -len(f.text)):  # longest first
        if f.kind == "bare" and f.head not in cr.alias_heads:
            continue
        pool = by_head.get(f.head, []) if f.head else by_mod.get(f.mod, [])
        if len(pool) > MAX_GROUP:  # a pathological document: no aliasing rather than quadratic time
            continue
        roots = {uf.find(g.text) for g in pool
                 if g.text != f.text and len(g.text) > len(f.text) and _abbreviates(f, g)}
        if len(roots) == 1:
            uf.union(f.text, next(iter(roots)))
            attached.add(f.text)
    return attached


def _abbreviates(short: Form, long: Form) -> bool:
    if not short.head:
        return short.mod == long.mod
    return short.head == long.head and short.mod in long.mod


def _group_by_parent(named: list[Form], cr: ClusterRules, uf: _UnionFind) -> None:
    texts = {f.text for f in named}
    groups: dict[tuple[str, str], list[tuple[Form, str]]] = {}
    for f in named:
        if f.head not in cr.group_heads:
            continue
        parent = next((f.mod[:n] for n in range(len(f.mod), 1, -1) if f.mod[:n] in texts), None)
        if parent:
            groups.setdefault((parent, f.head), []).append((f, f.mod[len(parent):]))
    for members in groups.values():
        members = members[:MAX_GROUP]
        for i, (f, mid) in enumerate(members):
            for g, mid2 in members[i + 1:]:
                if not cr.conflict(mid, mid2):
                    uf.union(f.text, g.text)


def mentions_from(forms: dict[str, Form], canon: dict[str, str], body: str, fld: str) -> list[Mention]:
    """One mention per occurrence of every kept form, value = canonical name."""
    out = []
    for f in forms.values():
        value = canon.get(f.text)
        if value is None:
            continue
        for s, e in f.spans:
            out.append(Mention(field=fld, text=body[s:e], value=value, start=s, end=e))
    out.sort(key=lambda m: (m.start, m.end))
    return out


def entities(mentions: Iterable[Mention]) -> dict[str, list[str]]:
    """Canonical name → the distinct forms written for it (canonical first)."""
    out: dict[str, list[str]] = {}
    for m in mentions:
        forms = out.setdefault(m.value, [m.value])
        if m.text not in forms:
            forms.append(m.text)
    return out
