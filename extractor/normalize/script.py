"""Script detection: simplified, traditional or mixed, before conversion."""
from __future__ import annotations

from functools import lru_cache

from .convert import chars_to_simplified, to_traditional

# A text whose script-specific characters are at least this share traditional
# is "traditional"; at most (1 - share) is "simplified"; between is "mixed".
# Short repeated simplified captions inside a traditional page (a common
# layout) stay below the mixed threshold.
TRADITIONAL_SHARE = 0.85
MIN_EVIDENCE = 3


def detect_script(text: str) -> str:
    """``simplified``, ``traditional`` or ``mixed`` for a text.

    Counted over distinct Han characters: traditional-only ones (OpenCC t2s
    changes them) against simplified-only ones (s2t changes them and they
    are not also a traditional character).
    """
    trad_only, simp_only = _script_sets()
    # Both sets hold Han characters only, so the text's own set of characters
    # (one C pass) intersects them as its Han characters would.
    chars = set(text)
    trad = len(chars & trad_only)
    simp = len(chars & simp_only)
    if trad + simp < MIN_EVIDENCE or trad == 0:
        return "simplified"
    share = trad / (trad + simp)
    if share >= TRADITIONAL_SHARE:
        return "traditional"
    if share <= 1 - TRADITIONAL_SHARE:
        return "simplified"
    return "mixed"


@lru_cache(maxsize=1)
def _script_sets() -> tuple[frozenset[str], frozenset[str]]:
    block = "".join(chr(cp) for cp in range(0x4E00, 0xA000))
    simp = chars_to_simplified(block)
    trad = to_traditional()("\n".join(block)).split("\n")
    if len(simp) != len(block) or len(trad) != len(block):
        raise RuntimeError("OpenCC changed the length of a single-character conversion")
    trad_only = {c for c, s in zip(block, simp) if s != c}
    simp_only = {c for c, t in zip(block, trad) if t != c and c not in trad_only}
    return frozenset(trad_only), frozenset(simp_only)
