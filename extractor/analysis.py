"""One document as every stage sees it, built once by the pipeline.

Like spaCy's ``Doc``, the :class:`Analysis` holds the document's structure
(sentences, their clauses, paragraphs, jieba tokens of a span) computed
once, on first use, and what the stages find (mentions, activity records,
the triggers kept and dropped with the reason); extractors, the model and
the linker read it and add to it, and nothing splits or segments the body
a second time.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from .document import Context, Mention, Record
from .text.sentences import Span, clauses, sentences

if TYPE_CHECKING:
    from .fields.activities import Trigger
    from .text.segment import Token

# A paragraph is a line with some text on it (blank lines separate nothing
# more than a line break does): one that starts, after blanks, with a
# character that is not white space.
_TEXT_LINE = re.compile(r"[ \t\r\f\v]*\S")


@dataclass(frozen=True)
class Dropped:
    """A trigger the non-work filters dropped: why, and whether it is part
    of a name (保供 of 保供专班), which says nothing against the work."""

    trigger: "Trigger"
    sentence: Span
    reason: str  # not-running-text | inside | not-our-duty | name | noun | negated | off-topic | object | covered
    in_name: bool


@dataclass
class Analysis:
    """The normalized ``body`` of one document, its context, its structure
    and everything found in it so far."""

    body: str
    ctx: Context = field(default_factory=Context)
    mentions: list[Mention] = field(default_factory=list)
    activities: list[Record] = field(default_factory=list)  # before linking
    triggers: list["Trigger"] = field(default_factory=list)  # kept by the filters
    dropped: list[Dropped] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._clauses: dict[tuple[int, int], list[Span]] = {}
        self._tokens: dict[tuple[int, int], list[Token]] = {}

    # ------------------------------------------------------------ structure
    @cached_property
    def sentences(self) -> list[Span]:
        """Non-empty sentences (:func:`extractor.text.sentences.sentences`)."""
        return sentences(self.body)

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [s.start for s in self.sentences]

    def sentence_index(self, offset: int) -> int:
        """Index of the sentence holding ``offset`` (-1 for a body without any)."""
        i = bisect.bisect_right(self._sentence_starts, offset) - 1
        return max(i, 0) if self.sentences else -1

    def clauses(self, sent: Span) -> list[Span]:
        """Comma/colon clauses of ``sent`` (a sentence or any span of the body)."""
        key = (sent.start, sent.end)
        found = self._clauses.get(key)
        if found is None:
            found = self._clauses[key] = clauses(self.body, sent)
        return found

    @cached_property
    def paragraphs(self) -> list[Span]:
        """The lines that hold text, whole (leading spaces included)."""
        out, pos = [], 0
        for line in self.body.split("\n"):
            if _TEXT_LINE.match(line):
                out.append(Span(pos, pos + len(line)))
            pos += len(line) + 1
        return out

    @cached_property
    def _paragraph_starts(self) -> list[int]:
        return [p.start for p in self.paragraphs]

    def paragraph_index(self, offset: int) -> int:
        """Index of the paragraph holding ``offset`` (-1 before the first)."""
        return bisect.bisect_right(self._paragraph_starts, offset) - 1

    def tokens(self, start: int, end: int) -> list["Token"]:
        """jieba tokens of ``body[start:end]`` (offsets into the body),
        segmented once per span and shared by every extractor."""
        key = (start, end)
        found = self._tokens.get(key)
        if found is None:
            from .text.segment import SEGMENTER

            found = self._tokens[key] = SEGMENTER.tokenize(self.body, start, end)
        return found

    # ------------------------------------------------------------ findings
    def by_field(self, name: str) -> list[Mention]:
        """The mentions of one field, in the order they stand in ``mentions``."""
        return [m for m in self.mentions if m.field == name]
