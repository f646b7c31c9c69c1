"""Script detection: simplified, traditional or mixed, before conversion."""
from __future__ import annotations

import importlib.util
import marshal
import re
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Callable

from ..text.jieba_dict import write_cache
from .convert import CONFIG, backend_name, chars_to_simplified, to_traditional

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
    if _traditional_re().search(text) is None:
        # No traditional-only character: simplified whatever else it holds,
        # so the s2t converter (the other set) is not even loaded. One scan
        # of a character class, without making a string object per character
        # as set(text) does: a tenth of the time, on most texts the only work.
        return "simplified"
    # Both sets hold Han characters only, so the text's own set of characters
    # (one C pass) intersects them as its Han characters would.
    chars = set(text)
    trad = len(chars & _traditional_only())
    simp = len(chars & _simplified_only())
    if trad + simp < MIN_EVIDENCE:
        return "simplified"
    share = trad / (trad + simp)
    if share >= TRADITIONAL_SHARE:
        return "traditional"
    if share <= 1 - TRADITIONAL_SHARE:
        return "simplified"
    return "mixed"


_BLOCK = "".join(chr(cp) for cp in range(0x4E00, 0xA000))


@lru_cache(maxsize=1)
def _traditional_only() -> frozenset[str]:
    """Han characters OpenCC t2s (hk2s) changes.

    With opencc-pyo3 the set is cached in the temporary folder, keyed by
    Python and the library file, so a process given only simplified text
    never loads OpenCC (0.1 s of its start-up)."""
    def changed_by_t2s() -> frozenset[str]:
        simp = chars_to_simplified(_BLOCK)
        if len(simp) != len(_BLOCK):
            raise RuntimeError("OpenCC changed the length of a single-character conversion")
        return frozenset(c for c, s in zip(_BLOCK, simp) if s != c)

    return _cached_set(CONFIG, changed_by_t2s)


def _cached_set(config: str, compute: Callable[[], frozenset[str]]) -> frozenset[str]:
    """The character set ``compute`` finds with the converter ``config``,
    read from its cache file when there is one, written there when opencc-pyo3
    (the library the file's key names) computed it."""
    path = _cache_path(config)
    if path is not None:
        cached = _read(path)
        if cached is not None:
            return cached
    found = compute()
    if path is not None and found and backend_name() == "opencc-pyo3":
        write_cache(path, "".join(sorted(found)))
    return found


@lru_cache(maxsize=1)
def _traditional_re() -> re.Pattern[str]:
    """A character class of :func:`_traditional_only` (as ranges: 2,300 of
    them, compiled in 3 ms)."""
    ranges: list[list[int]] = []
    for cp in sorted(map(ord, _traditional_only())):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return re.compile("[" + "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
                                    for a, b in ranges) + "]")


def _cache_path(config: str = CONFIG) -> Path | None:
    """The cache file of this opencc-pyo3 build for the set ``config``
    converts (None: not installed)."""
    spec = importlib.util.find_spec("opencc_pyo3")
    if spec is None or not spec.origin:
        return None
    libs = sorted(Path(spec.origin).parent.glob("*.so")) + sorted(Path(spec.origin).parent.glob("*.pyd"))
    if not libs:
        return None
    stamp = "-".join(f"{p.stat().st_size}-{p.stat().st_mtime_ns}" for p in libs)
    key = f"py{sys.version_info[0]}{sys.version_info[1]}-{config}-{stamp}"
    return Path(tempfile.gettempdir()) / f"extractor-script-{key}.marshal"


def _read(path: Path) -> frozenset[str] | None:
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return frozenset(data) if isinstance(data, str) and data else None


@lru_cache(maxsize=1)
def _simplified_only() -> frozenset[str]:
    """Han characters OpenCC s2t changes that are not also traditional-only.

    Cached like :func:`_traditional_only` (its own file, same key): the
    first text with a traditional-only character would otherwise load the
    s2t converter and convert the whole block (0.1 s of every process)."""
    def changed_by_s2t() -> frozenset[str]:
        trad = to_traditional()("\n".join(_BLOCK)).split("\n")
        if len(trad) != len(_BLOCK):
            raise RuntimeError("OpenCC changed the length of a single-character conversion")
        trad_only = _traditional_only()
        return frozenset(c for c, t in zip(_BLOCK, trad) if t != c and c not in trad_only)

    return _cached_set("s2t", changed_by_s2t)
