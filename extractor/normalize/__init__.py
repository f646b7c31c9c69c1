"""Normalization: raw decoded text → the body every offset refers to.

Steps, in order: HTML to text; script detection (before conversion);
width folding (NFKC) and control-character clean-up; traditional →
simplified; Markdown markup; boilerplate lines; publication date line;
title. Each step lives in its own module; this one only sequences them.
"""
from __future__ import annotations

import re
import unicodedata

from ..document import Document
from ..ruleset import Rules
from .boilerplate import Boilerplate
from .convert import to_simplified
from .html import html_to_text, looks_like_html
from .metadata import Metadata, iso_date
from .original import fold_with_origin, originals
from .script import detect_script

# C0/C1 controls (but tab and newline), zero-width marks, lone surrogates:
# never text, and a lone surrogate cannot even be written as UTF-8.
_JUNK = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff\ud800-\udfff]")
# Starts only where a run of blanks starts: else a long run with no line
# break after it is rescanned from each of its characters (quadratic).
_TRAILING_WS = re.compile(r"(?<![ \t])[ \t]+\n")
_MANY_BLANKS = re.compile(r"\n{3,}")
# The compatibility characters news text is full of: full-width ASCII
# (，：（）；！？), the no-break and the ideographic space. Each is replaced
# by its NFKD (one ASCII character) before NFKC: NFKC(s) is computed from
# NFKD(s), the per-character decompositions concatenated (then reordered),
# so replacing a character by its own decomposition never changes NFKC.
# What is left is then most often NFKC already, which unicodedata sees in one
# quick check and returns as is, instead of decomposing and recomposing the
# whole text (0.28 s of xwlb-2020's 6 MB); any other character still takes
# the full path.
_COMMON_COMPAT = {c: unicodedata.normalize("NFKD", c)
                  for c in (*map(chr, range(0xFF01, 0xFF5F)), "\u00a0", "\u3000")}
_COMMON_COMPAT_RE = re.compile("[\uff01-\uff5e\u00a0\u3000]")


def fold_width(text: str) -> str:
    """NFKC (full-width digits, letters and punctuation to half-width) plus
    line-ending and control-character clean-up."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _JUNK.sub("", text)
    for c in set(_COMMON_COMPAT_RE.findall(text)):
        text = text.replace(c, _COMMON_COMPAT[c])
    return unicodedata.normalize("NFKC", text)


def simplify(text: str) -> str:
    """Width folding then traditional → simplified: what titles and any
    short text go through to be comparable with the body."""
    return to_simplified(fold_width(text))


class Normalizer:
    """Built once from the rules; called once per document."""

    def __init__(self, rules: Rules):
        self.boilerplate = Boilerplate(rules)
        self.metadata = Metadata(rules)

    def __call__(self, doc: Document) -> Document:
        text = doc.raw
        html_titles: dict[str, str] = {}
        if doc.is_html or looks_like_html(text):
            text, html_titles = html_to_text(text)
        doc.script = detect_script(text)
        written = text
        folded = fold_with_origin(written, fold_width) if doc.script != "simplified" else None
        text = folded[0] if folded else fold_width(text)
        if doc.script != "simplified":
            text = to_simplified(text)
        converted = text
        text = self.boilerplate.strip_markdown(text)
        text = self.boilerplate.clean(text)
        dateline = self.metadata.find_published(text)
        text = dateline.text
        doc.published = iso_date(doc.meta.get("published")) or dateline.published
        # Most bodies have neither: a C-level ``in`` tells it faster than the scans.
        if " \n" in text or "\t\n" in text:
            text = _TRAILING_WS.sub("\n", text)
        if "\n\n\n" in text:
            text = _MANY_BLANKS.sub("\n\n", text)
        text = text.strip()
        doc.title, title_written = self._title(doc, text, html_titles, dateline.rest)
        # The guideline counts mentions in the title too: a title given as
        # metadata (JSONL/CSV) that the text does not repeat opens the body.
        head = "".join(text[:300].split())
        if doc.title and "".join(doc.title.split()) not in head:
            text = f"{doc.title}\n\n{text}"
        doc.body = text
        if folded:
            # Traditional and mixed documents keep the text as written.
            doc.originals = originals(written, folded[0], folded[1], converted, text)
            doc.title_original = self._title_original(doc, title_written)
        return doc

    @staticmethod
    def _title_original(doc: Document, written: str | None) -> str:
        """The title as written: the given or the page's one, else its line
        (or its two lines: a title and its ——subtitle) in the body."""
        if written is not None or not doc.title:
            return " ".join((written or "").split())
        if doc.originals is None:
            return ""
        whole = doc.originals.find(doc.title)
        if whole:
            return whole
        for line in doc.body.split("\n")[:50]:
            head = line.strip()
            if head and doc.title.startswith(head) and doc.title != head:
                rest = doc.originals.find(doc.title[len(head):])
                return doc.originals.find(head) + rest if rest else ""
        return ""

    def _title(self, doc: Document, body: str, html_titles: dict[str, str], not_title: str) -> tuple[str, str | None]:
        """The title, and the text it was made from when that is not the
        body's (metadata, the page's <h1>, og:title or <title>), else None."""
        given = str(doc.meta.get("title") or "").strip()
        if given:
            return " ".join(simplify(given).split()), given
        if "h1" in html_titles:
            return simplify(html_titles["h1"]), html_titles["h1"]
        found = self.metadata.find_title(body, not_title)
        if found:
            return found, None
        for key in ("og", "title"):
            if key in html_titles:
                return simplify(html_titles[key]), html_titles[key]
        return "", None
