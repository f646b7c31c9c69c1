"""Compiled regular expressions kept from one process to the next.

Every process compiles about 330 patterns (the rules' and the extractors')
before its first document: 0.15 s of a 0.6 s start-up, most of it in re's
compiler, which is written in Python and slow on the big character classes
of Chinese text. What the compiler produces, the regular-expression engine's
code (a list of integers), depends only on the pattern, its flags and the
Python build. :func:`cached_compiles` keeps it in a file in the temporary
folder, keyed by the Python build, and hands it straight to the engine
(``_sre.compile``, the last step of ``re.compile``) when the same pattern is
compiled again: the pattern objects are the same, code word for code word
(``==`` on patterns compares their code), and cost a few microseconds each.

An entry is written only after the pattern made from it compared equal to
the one re compiled (and had the same groups), so a cache can make no
pattern that re would not. A missing, unreadable, corrupt or foreign
cache, or one another user wrote, costs only the speed-up; re.LOCALE patterns (their code depends on
the locale) and re.DEBUG ones (compiling prints) are never cached.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import re
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

try:  # Python 3.11+; 3.10's compiler is the same code under older names
    import re._compiler as _compiler
    import re._parser as _parser
except ImportError:  # pragma: no cover - Python 3.10
    import sre_compile as _compiler  # type: ignore[no-redef]
    import sre_parse as _parser  # type: ignore[no-redef]

try:
    import _sre
except ImportError:  # pragma: no cover - not CPython: no cache
    _sre = None  # type: ignore[assignment]

__all__ = ["cached_compiles", "cache_path"]

# More entries than this (patterns of many rule versions) and the cache is
# rewritten with those of the last process only.
MAX_ENTRIES = 4096
_NOT_CACHED = re.LOCALE | re.DEBUG

_original = _compiler.compile
_lock = threading.RLock()
_depth = 0
_entries: dict[tuple[Any, int], tuple] = {}
_used: set[tuple[Any, int]] = set()
_added = False
_path: Path | None = None


def _build_key() -> str:
    """What the engine's code depends on besides the pattern: the Python build."""
    parts = (sys.version, sys.implementation.cache_tag, getattr(_sre, "MAGIC", None),
             getattr(_sre, "CODESIZE", None), sys.maxunicode)
    return repr(parts)


def cache_path(cache_dir: str | Path | None = None) -> Path:
    """The cache file of this Python build in ``cache_dir`` (default: the temporary folder)."""
    digest = hashlib.sha256(_build_key().encode()).hexdigest()[:16]
    return Path(cache_dir or tempfile.gettempdir()) / f"extractor-regex-{digest}.marshal"


def _parts(p: Any, flags: int) -> tuple | None:
    """What ``re.compile(p, flags)`` hands the engine (re's own compile,
    step for step), or None when such a pattern is not cached."""
    tree = _parser.parse(p, flags)
    final = int(flags | tree.state.flags)
    if final & _NOT_CACHED:
        return None
    groupindex = {str(k): int(v) for k, v in tree.state.groupdict.items()}
    indexgroup: list[str | None] = [None] * tree.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    code = [int(c) for c in _compiler._code(tree, flags)]
    return (final, code, tree.state.groups - 1, groupindex, tuple(indexgroup))


def _make(p: Any, parts: tuple) -> re.Pattern:
    final, code, groups, groupindex, indexgroup = parts
    return _sre.compile(p, final, code, groups, dict(groupindex), indexgroup)


def _compile(p: Any, flags: int = 0) -> Any:
    """re's compile, through the cache (installed by :func:`cached_compiles`)."""
    if not isinstance(p, (str, bytes)) or flags & _NOT_CACHED:
        return _original(p, flags)
    # a str subclass (the rules' strings carry their line) is keyed by its text
    key = (str(p) if isinstance(p, str) else bytes(p), int(flags))
    with _lock:
        parts = _entries.get(key)
        if parts is not None:
            try:
                pattern = _make(p, parts)
            except Exception:  # noqa: BLE001 - a corrupt entry: compile it again
                del _entries[key]
            else:
                _used.add(key)
                return pattern
    pattern = _original(p, flags)
    try:
        parts = _parts(p, flags)
        same = parts is not None and (made := _make(p, parts)) == pattern and made.groups == pattern.groups \
            and made.groupindex == pattern.groupindex
    except Exception:  # noqa: BLE001 - re's private helpers changed: compile, don't cache
        same = False
    if same:
        global _added
        with _lock:
            _entries[key] = parts
            _used.add(key)
            _added = True
    return pattern


def _read(path: Path) -> dict[tuple[Any, int], tuple]:
    try:
        with open(path, "rb") as f:
            if os.fstat(f.fileno()).st_uid != os.getuid():  # only a cache this user wrote
                return {}
            data = marshal.loads(f.read())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    if isinstance(data, tuple) and len(data) == 2 and data[0] == _build_key() and isinstance(data[1], dict):
        return data[1]
    return {}


@contextmanager
def cached_compiles(cache_dir: str | Path | None = None) -> Iterator[None]:
    """Within this block, every ``re.compile`` (the project's and the
    libraries' it imports) goes through the cache; on leaving it, the
    patterns compiled for the first time are added to the cache file. Blocks
    may nest and run in several threads: the cache is read on entering the
    outermost one and written on leaving it."""
    global _depth, _path, _added
    if _sre is None or not hasattr(_compiler, "_code"):
        yield
        return
    with _lock:
        if _depth == 0:
            _path = cache_path(cache_dir)
            _entries.clear()
            _entries.update(_read(_path))
            _used.clear()
            _added = False
            _compiler.compile = _compile
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                _compiler.compile = _original
                if _added and _path is not None:
                    keep = _entries if len(_entries) <= MAX_ENTRIES else {k: _entries[k] for k in _used}
                    _write(_path, keep)
                _entries.clear()
                _used.clear()


def _write(path: Path, entries: dict) -> None:
    from .jieba_dict import write_cache

    write_cache(path, (_build_key(), entries))
