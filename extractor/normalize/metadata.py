"""Title and publication date found in the text of a page."""
from __future__ import annotations

import datetime as dt
import re

from ..ruleset import Rules
from ..rulespec import Int, ListOf, Regex, RuleFile, Section

FILE = RuleFile("metadata.yaml", Section({
    "published_line": ListOf(Regex(groups=frozenset("ymd"))), "published_search_lines": Int(1),
    "title_max_chars": Int(1), "title_search_lines": Int(1), "subtitle_start": Regex(),
    "not_title": ListOf(Regex()),
}))


class Metadata:
    """Finders for the publication-date line and the title."""

    def __init__(self, rules: Rules):
        lex = rules.load(FILE)
        self.published = lex.published_line
        self.published_lines = lex.published_search_lines
        self.title_max = lex.title_max_chars
        self.title_lines = lex.title_search_lines
        self.subtitle = lex.subtitle_start
        self.not_title = lex.not_title

    def find_published(self, text: str) -> tuple[str, str]:
        """(ISO date, text without that line); ("", text) when none is found."""
        lines = text.split("\n")
        seen = 0
        for i, line in enumerate(lines):
            if not line.strip():
                continue
            seen += 1
            if seen > self.published_lines:
                break
            for p in self.published:
                m = p.search(line)
                if m:
                    iso = _iso(m.group("y"), m.group("m"), m.group("d"))
                    if iso:
                        return iso, "\n".join(lines[:i] + lines[i + 1:])
        return "", text

    def find_title(self, text: str) -> str:
        """The article's title from the head of the body, or ""."""
        lines = [line.strip() for line in text.split("\n") if line.strip()]
        for i, line in enumerate(lines[: self.title_lines]):
            if len(line) > self.title_max or any(p.search(line) for p in self.not_title):
                continue
            if self.subtitle.match(line):
                continue
            title = line
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            if nxt and self.subtitle.match(nxt) and len(nxt) <= self.title_max:
                title = f"{title}{nxt}"
            return title
        return ""


def _iso(y: str, m: str, d: str) -> str:
    try:
        return dt.date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return ""


def iso_date(value: object) -> str:
    """An input's ``published`` metadata as an ISO date, or "" when unusable."""
    s = str(value or "").strip()
    m = re.match(r"^((?:19|20)\d\d)[-/.年](\d{1,2})[-/.月](\d{1,2})", s)
    return _iso(*m.groups()) if m else ""
