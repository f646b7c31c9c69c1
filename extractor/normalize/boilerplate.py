"""Removing site navigation, widgets and footers, line by line.

The patterns are data (``rules/boilerplate.yaml``); this module only applies
them. It runs on simplified, width-folded text.
"""
from __future__ import annotations

import re
from collections import Counter

from ..ruleset import Rules

RULES_FILE = "boilerplate.yaml"


class Boilerplate:
    """Line filters built once from ``rules/boilerplate.yaml``."""

    def __init__(self, rules: Rules):
        self.drop = _alternation(rules, rules.words(RULES_FILE, "drop_line"))
        self.cut = _alternation(rules, rules.words(RULES_FILE, "cut_from"))
        self.site_name_max = _int(rules, "site_name_max_chars")
        self.repeat_min = _int(rules, "repeated_line_min")
        self.repeat_max_chars = _int(rules, "repeated_line_max_chars")
        self.markdown = []
        for p in rules.words(RULES_FILE, "markdown"):
            pat = rules.pattern(RULES_FILE, p)
            if pat.groups < 1:
                raise rules.fail(RULES_FILE, p, "a markdown pattern needs one group (the text kept)")
            self.markdown.append(pat)

    def strip_markdown(self, text: str) -> str:
        """Markdown markup replaced by the text it marks up."""
        for pat in self.markdown:
            text = pat.sub(r"\1", text)
        return text

    def clean(self, text: str) -> str:
        """``text`` without boilerplate lines; paragraph structure kept."""
        lines = text.split("\n")
        keep = [not self.drop.search(line) for line in lines]
        self._cut_tail(lines, keep)
        self._drop_site_name(lines, keep)
        self._drop_repeats(lines, keep)
        out = [line for line, k in zip(lines, keep) if k]
        return "\n".join(out)

    def _cut_tail(self, lines: list[str], keep: list[bool]) -> None:
        start = (2 * len(lines)) // 3
        for i in range(start, len(lines)):
            if self.cut.search(lines[i]):
                for j in range(i, len(lines)):
                    keep[j] = False
                return

    def _drop_site_name(self, lines: list[str], keep: list[bool]) -> None:
        """A short line at the head that comes back in the tail is the site's name."""
        idx = [i for i, k in enumerate(keep) if k and lines[i].strip()]
        if len(idx) < 6:
            return
        head, tail = idx[:3], idx[-6:]
        tail_text = {lines[i].strip() for i in tail}
        for i in head:
            s = lines[i].strip()
            if len(s) <= self.site_name_max and s in tail_text:
                for j in idx:
                    if lines[j].strip() == s:
                        keep[j] = False

    def _drop_repeats(self, lines: list[str], keep: list[bool]) -> None:
        counts = Counter(line.strip() for line, k in zip(lines, keep) if k and line.strip())
        seen: set[str] = set()
        for i, line in enumerate(lines):
            s = line.strip()
            if not keep[i] or not s or len(s) > self.repeat_max_chars:
                continue
            if counts[s] >= self.repeat_min:
                if s in seen:
                    keep[i] = False
                seen.add(s)


def _alternation(rules: Rules, patterns: list[str]) -> re.Pattern[str]:
    # Each pattern is checked on its own first so an error names its line.
    for p in patterns:
        rules.pattern(RULES_FILE, p)
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else re.compile(r"(?!)")


def _int(rules: Rules, key: str) -> int:
    return rules.section(RULES_FILE, key, int)
