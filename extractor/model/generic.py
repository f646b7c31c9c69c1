"""Which model spans are no names, by the rules' own lexicons and jieba's
dictionary: the hybrid never adds a span the rules would reject (annotation.md:
a single generic word such as 中心 is no unit, 有关部门 is a generic
collective, places such as 武汉 are neither units nor communities)."""
from __future__ import annotations

from ..fields import communities, units
from ..text.segment import SEGMENTER
from ..ruleset import Rules
from ..text.patterns import only_made_of


class GenericNames:
    """``generic(field, text)``: a bare suffix (工作队, 社区), a name listed
    as generic (市直单位), a suffix after generic modifiers only (有关部门,
    居民小区) — unless the rules take it as a name on its own (纪委) — or
    nothing but place names in jieba's dictionary (阿根廷, 西班牙马德里)."""

    def __init__(self, rules: Rules):
        unit, community = rules.load(units.FILE), rules.load(communities.FILE)
        self._heads = {"unit": frozenset(unit.suffixes) | frozenset(unit.single_suffixes),
                       "community": frozenset(community.suffixes)}
        self._mods = {"unit": frozenset(unit.generic_modifiers), "community": frozenset(community.generic_modifiers)}
        self._names = frozenset(unit.generic_names)
        self._named = frozenset(unit.abbreviations)

    def __call__(self, field: str, text: str) -> bool:
        if text in self._named:
            return False
        if text in self._names:
            return True
        for head in self._heads.get(field, ()):
            if text.endswith(head):
                mod = text[: len(text) - len(head)]
                if not mod or only_made_of(mod, self._mods[field]):
                    return True
        return _only_places(text)


def _only_places(text: str) -> bool:
    tokens = SEGMENTER.tokenize(text, 0, len(text))
    return bool(tokens) and all(t.tag == "ns" for t in tokens)
