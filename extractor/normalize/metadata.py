"""Title and publication date found in the text of a page."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..ruleset import Rules
from ..rulespec import Int, ListOf, Regex, RuleFile, Section

_YMD = frozenset("ymd")
_STAMPED = _YMD | {"stamp"}
_PARTS = ("date", "time", "media")
FILE = RuleFile("metadata.yaml", Section({
    "published_line": ListOf(Regex(groups=_STAMPED)), "published_search_lines": Int(1),
    "published_head_line": ListOf(Regex()), "published_wire": ListOf(Regex(groups=_YMD)),
    "published_parts": Section({"date": Regex(groups=_YMD), "time": Regex(groups=0), "media": Regex()}),
    "title_max_chars": Int(1), "title_search_lines": Int(1), "subtitle_start": Regex(),
    "not_title": ListOf(Regex()),
}))
# A line of running text: the head of a page (navigation, title, dateline)
# ends before the first one.
_SENTENCE_END = re.compile(r"[。!?]")


@dataclass(frozen=True)
class Dateline:
    """What :meth:`Metadata.find_published` found: the ISO date ("" for none),
    the text with the dateline taken out, and what is left of the dateline's
    line (a source name: it stays in the body but is no title)."""

    published: str
    text: str
    rest: str = ""


class Metadata:
    """Finders for the publication-date line and the title."""

    def __init__(self, rules: Rules):
        lex = rules.load(FILE)
        self.published = list(lex.published_line)
        self.published_lines = lex.published_search_lines
        self.head = [_expand(rules, p, lex.published_parts) for p in lex.published_head_line]
        self.wire = lex.published_wire
        self.title_max = lex.title_max_chars
        self.title_lines = lex.title_search_lines
        self.subtitle = lex.subtitle_start
        self.not_title = lex.not_title

    def find_published(self, text: str) -> Dateline:
        """The publication date stated in the first lines of ``text``.

        A dateline (``published_line`` anywhere in the first lines,
        ``published_head_line`` in the head only) loses its ``stamp`` (the
        date and its label or time); a wire dateline (``published_wire``)
        stays as written."""
        lines = text.split("\n")
        seen = 0
        in_head = True
        for i, line in enumerate(lines):
            if not line.strip():
                continue
            seen += 1
            if seen > self.published_lines:
                break
            in_head = in_head and not _SENTENCE_END.search(line)
            for p in self.published + (self.head if in_head else []):
                m, iso = _dated(p, line)
                if iso:
                    rest = f'{line[:m.start("stamp")].rstrip()} {line[m.end("stamp"):].lstrip()}'.strip()
                    return Dateline(iso, "\n".join(lines[:i] + ([rest] if rest else []) + lines[i + 1:]), rest)
            for p in self.wire:
                iso = _dated(p, line)[1]
                if iso:
                    return Dateline(iso, text)
        return Dateline("", text)

    def find_title(self, text: str, not_title: str = "") -> str:
        """The article's title from the head of the body, or "" (never the
        line ``not_title``: what a dateline left of its line)."""
        lines = [line.strip() for line in text.split("\n") if line.strip()]
        for i, line in enumerate(lines[: self.title_lines]):
            if len(line) > self.title_max or line == not_title or any(p.search(line) for p in self.not_title):
                continue
            if self.subtitle.match(line):
                continue
            title = line
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            if nxt and self.subtitle.match(nxt) and len(nxt) <= self.title_max:
                title = f"{title}{nxt}"
            return title
        return ""


def _expand(rules: Rules, pattern: re.Pattern[str], parts: object) -> re.Pattern[str]:
    """A head pattern with its ``{date}``, ``{time}``, ``{media}`` parts in
    place; it must name the groups y, m, d and stamp."""
    source = pattern.pattern
    for name in _PARTS:
        source = source.replace("{%s}" % name, f"(?:{getattr(parts, name).pattern})")
    try:
        compiled = re.compile(source)
    except re.error as e:
        raise rules.fail(FILE.name, pattern.pattern, f"published_head_line: {pattern.pattern!r}: {e}") from None
    if not _STAMPED <= set(compiled.groupindex):
        raise rules.fail(FILE.name, pattern.pattern,
                         f"published_head_line: {pattern.pattern!r} needs {{date}} and a group named stamp")
    return compiled


def _dated(pattern: re.Pattern[str], line: str) -> tuple[re.Match[str] | None, str]:
    """The match of ``pattern`` in ``line`` and its valid ISO date ("" for none)."""
    m = pattern.search(line)
    return m, (_iso(m.group("y"), m.group("m"), m.group("d")) if m else "")


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
