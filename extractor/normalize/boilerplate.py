"""Removing site navigation, widgets and footers, line by line.

The patterns are data (``rules/boilerplate.yaml``); this module only applies
them. It runs on simplified, width-folded text.
"""
from __future__ import annotations

import re
from collections import Counter

from ..ruleset import Rules
from ..rulespec import Int, ListOf, Regex, RuleFile, Section
from ..text.patterns import first_char_guard, starts_anchored

FILE = RuleFile("boilerplate.yaml", Section({
    "drop_line": ListOf(Regex()), "cut_from": ListOf(Regex()), "site_name_max_chars": Int(1),
    "repeated_line_min": Int(2), "repeated_line_max_chars": Int(1), "markdown": ListOf(Regex(groups="1+")),
}))


class Boilerplate:
    """Line filters built once from ``rules/boilerplate.yaml``."""

    def __init__(self, rules: Rules):
        lex = rules.load(FILE)
        self.drop = _LineTest(lex.drop_line)
        self.cut = _LineTest(lex.cut_from)
        self.site_name_max = lex.site_name_max_chars
        self.repeat_min = lex.repeated_line_min
        self.repeat_max_chars = lex.repeated_line_max_chars
        self.markdown = list(lex.markdown)

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


class _LineTest:
    """Whether a line matches any of the rules' patterns, in two scans: the
    patterns anchored at the line's start (^…) are tried there only, the
    others (版权所有 anywhere in a line) behind a first-character guard.
    One alternation of all of them made the engine try every branch at
    every position of every line (20% of normalizing)."""

    def __init__(self, patterns: tuple[re.Pattern[str], ...]):
        # Each pattern was compiled on its own first (rulespec), so an error names its line.
        anchored = [p for p in patterns if starts_anchored(p)]
        anywhere = [p for p in patterns if not starts_anchored(p)]
        self.anchored = re.compile("|".join(f"(?:{p.pattern})" for p in anchored)) if anchored else None
        self.anywhere = (re.compile(first_char_guard("|".join(f"(?:{p.pattern})" for p in anywhere)))
                         if anywhere else None)

    def search(self, line: str) -> bool:
        """Does one of the patterns match somewhere in ``line``?"""
        return bool((self.anchored is not None and self.anchored.match(line))
                    or (self.anywhere is not None and self.anywhere.search(line)))
