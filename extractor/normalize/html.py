"""HTML → text with paragraph breaks, using lxml (a real parser)."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml import etree

# lxml and the html module (its entity table) are imported where HTML is
# read: 30 ms of every start-up otherwise, for inputs that are mostly plain.

# Elements whose content is never article text.
DROP = {"script", "style", "noscript", "nav", "footer", "form", "iframe", "select",
        "button", "template", "svg", "head", "textarea", "object", "embed", "aside"}
# Elements that end a paragraph (a line break before and after).
BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
         "table", "section", "article", "figure", "figcaption", "blockquote", "pre",
         "dd", "dt", "dl", "header", "main", "hr", "center", "title"}
_LOOKS_HTML = re.compile(r"<(html|body|p|div|br|figure|figcaption|span|table|article|a|img)\b[^>]*>",
                         re.I)
_FULL_PAGE = re.compile(r"<(html|body|head)\b|<!doctype", re.I)
_WS = re.compile(r"[ \t\r\f\v]+")
_BLANKS = re.compile(r"\n[ \t]*(\n[ \t]*)+")


def looks_like_html(text: str) -> bool:
    """True when ``text`` carries HTML markup (a page or inline blocks)."""
    return bool(_LOOKS_HTML.search(text[:200_000]))


def html_to_text(markup: str) -> tuple[str, dict[str, str]]:
    """Text of an HTML page or fragment, one paragraph per line, and the
    title candidates found in its markup (``h1``, ``og:title``, ``title``).

    In a full page, white space inside text nodes is layout and is folded;
    in a fragment embedded in plain or Markdown text (as in news archives),
    line breaks in the text are paragraph breaks and are kept.
    """
    from lxml import etree, html as lxml_html

    full_page = bool(_FULL_PAGE.search(markup[:5000]))
    try:
        root = lxml_html.document_fromstring(markup) if full_page else lxml_html.fragment_fromstring(
            markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return markup, {}
    titles = _titles(root)
    parts: list[str] = []
    skip_depth = 0
    # iterwalk is iterative: deeply nested pages cannot exhaust the stack.
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if event == "start":
            if skip_depth or tag in DROP or not isinstance(el.tag, str):
                skip_depth += 1
                continue
            if tag in BLOCK:
                parts.append("\n")
            if el.text:
                parts.append(_fold(el.text, full_page))
        else:
            if skip_depth:
                skip_depth -= 1
                if skip_depth == 0 and el.tail:
                    parts.append(_fold(el.tail, full_page))
                continue
            if tag in BLOCK:
                parts.append("\n")
            if el.tail:
                parts.append(_fold(el.tail, full_page))
    text = _BLANKS.sub("\n\n", "".join(parts)).strip("\n")
    # libxml2 caps nesting depth and silently drops what lies deeper; when
    # the tree lost most of the text, strip tags with a regex instead.
    rough = _strip_tags(markup)
    if len(root.text_content()) < 0.5 * len(rough):
        return rough, titles
    return text, titles


# A tag holds no "<" (so a long run of "<" is not rescanned to its end from
# each one); script and style blocks are cut by _drop_blocks, in one pass.
_TAG = re.compile(r"<[^<>]*>")
_RAW_BLOCK = re.compile(r"<(script|style)\b", re.I)
_RAW_END = {tag: re.compile(rf"</{tag}", re.I) for tag in ("script", "style")}


def _strip_tags(markup: str) -> str:
    """Text of markup by deleting tags (a fallback for trees libxml2 truncates)."""
    import html as html_lib

    text = _TAG.sub("\n", _drop_blocks(markup))
    text = html_lib.unescape(text)
    text = "\n".join(line.strip(" \t") for line in text.split("\n"))
    return _BLANKS.sub("\n\n", text).strip()


def _drop_blocks(markup: str) -> str:
    """``markup`` without ``<script>``/``<style>`` blocks; an unclosed one
    runs to the end, as in a browser. Linear: each search starts where the
    last one ended."""
    out: list[str] = []
    pos = 0
    while True:
        m = _RAW_BLOCK.search(markup, pos)
        if m is None:
            out.append(markup[pos:])
            return "\n".join(out)
        out.append(markup[pos:m.start()])
        close = _RAW_END[m.group(1).lower()].search(markup, m.end())
        if close is None:
            return "\n".join(out)
        end = markup.find(">", close.end())
        pos = len(markup) if end < 0 else end + 1


def _fold(s: str, full_page: bool) -> str:
    return _WS.sub(" ", s.replace("\n", " ")) if full_page else s


def _titles(root: etree._Element) -> dict[str, str]:
    from lxml import etree

    out: dict[str, str] = {}
    for key, path in (("h1", "//h1"), ("og", "//meta[@property='og:title']/@content"),
                      ("title", "//title")):
        try:
            found = root.xpath(path)
        except etree.XPathError:
            continue
        if found:
            v = found[0] if isinstance(found[0], str) else found[0].text_content()
            v = " ".join(str(v).split())
            if v:
                out[key] = v
    return out
