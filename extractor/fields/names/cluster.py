"""Grouping the written forms of one entity within a document: canonical
name + aliases (:func:`cluster`), and the mentions they become."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from extractor.document import Mention

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
