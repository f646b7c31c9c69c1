"""Bytes → text. Encoding detection lives here and nowhere else.

UTF-8 (with or without BOM) and UTF-16 with a BOM are decided by their
marks; anything else goes to charset-normalizer, restricted to the encodings
Chinese web archives use, so that GBK and Big5 are not mistaken for
Latin-1 or a Cyrillic code page.
"""
from __future__ import annotations

import codecs
import re


CANDIDATES = ["gb18030", "big5", "utf_16_le", "utf_16_be", "big5hkscs", "utf_8"]
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)
_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF file",
    b"PK\x03\x04": "a ZIP archive (or an Office file)",
    b"\x1f\x8b": "a gzip archive",
}


# A file cut in the middle of a character, or one stray byte in an article,
# should not cost the whole text: UTF-8 with at most this share of its
# non-ASCII bytes invalid is read with U+FFFD in their place. (GBK or Big5
# bytes read as UTF-8 are mostly invalid, so they are never taken for it.)
MAX_INVALID_UTF8 = 0.01
REPLACED_UTF8 = "utf-8 (invalid bytes replaced)"
_ASCII = bytes(range(128))


class DecodeError(ValueError):
    """Bytes that are not text in any known encoding (message is the reason)."""


def decode(data: bytes, html: bool = False) -> tuple[str, str]:
    """(text, encoding name) for the bytes of one document."""
    encoding = _detect(data, html=html, partial=False)
    if encoding == REPLACED_UTF8:
        return data.decode("utf-8", errors="replace"), encoding
    if encoding == "utf-8-sig":
        if _mostly_utf8(data[3:]):
            return data[3:].decode("utf-8", errors="replace"), REPLACED_UTF8
        return _strict(data[3:], "utf-8"), encoding
    return _strict(data, encoding), encoding


def sniff_encoding(head: bytes) -> str:
    """The encoding of a file from its first bytes, for readers that decode
    a large file line by line instead of holding it whole (JSONL, CSV).
    Raises :class:`DecodeError` as :func:`decode` does."""
    return _detect(head, html=False, partial=True)


def _detect(data: bytes, html: bool, partial: bool) -> str:
    """The encoding of ``data``; ``partial`` when it is only the head of a
    file (it may end inside a character)."""
    if not data:
        raise DecodeError("empty")
    for sig, what in _SIGNATURES.items():
        if data.startswith(sig):
            raise DecodeError(f"not text: {what}")
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=not partial)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    utf16 = _utf16_without_bom(data[: len(data) - len(data) % 2] if partial else data)
    if utf16:
        return utf16
    if html:
        m = _META_CHARSET.search(data[:4096])
        if m:
            declared = m.group(1).decode("ascii").lower()
            try:
                data.decode(declared)
                return declared
            except (LookupError, UnicodeDecodeError):
                pass
    if not partial and _mostly_utf8(data):
        return REPLACED_UTF8
    from charset_normalizer import from_bytes  # here: 20 ms of start-up, for the rare non-UTF-8 input

    best = from_bytes(data, cp_isolation=CANDIDATES).best()
    if best is None:
        raise DecodeError("not valid text in any known encoding")
    return best.encoding


_SURROGATE = re.compile("[\ud800-\udfff]")


def writable(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD, so that it can
    be written as UTF-8 (file names that are not UTF-8 decode to surrogates,
    and JSON may escape one)."""
    return _SURROGATE.sub("\ufffd", text)


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 but for a few invalid bytes (see :data:`MAX_INVALID_UTF8`)."""
    non_ascii = len(data) - len(data.translate(None, _ASCII))
    invalid = data.decode("utf-8", errors="replace").count("\ufffd") - data.count("\ufffd".encode())
    return 0 < invalid <= non_ascii * MAX_INVALID_UTF8


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        raise DecodeError(f"invalid {encoding} byte sequence at byte {e.start}") from None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text with no BOM shows NULs at one parity (ASCII, newlines)
    or a CJK-heavy pattern that decodes cleanly; otherwise None."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    n = len(sample) // 2
    # GBK, Big5 and UTF-8 text never holds NUL bytes, so NULs at one parity
    # only (newlines, digits, ASCII punctuation) are a strong UTF-16 sign.
    if odd > n * 0.01 and even == 0:
        return "utf-16-le"
    if even > n * 0.01 and odd == 0:
        return "utf-16-be"
    return None
