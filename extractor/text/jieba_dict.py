"""jieba's dictionary, loaded in a third of the time jieba takes.

Every process that segments needs jieba's prefix dictionary and its
word → part-of-speech table. jieba reads its cache with ``marshal.load`` on a
file object (0.6 s on the project's machine) and builds the tag table by
parsing dict.txt when ``jieba.posseg`` is imported (0.2 s): most of a
worker's start-up, paid again by every worker. ``marshal.loads`` on the
file's bytes reads the same data in 0.2 s, so we keep one cache of both
next to jieba's own, keyed by Python, jieba and its dictionary file, and
fall back to jieba's own loading whenever the cache is missing, unreadable
or a custom dictionary is in use. The result is the same dictionaries,
entry for entry (tests/test_startup.py).

With rjieba (:mod:`extractor.text.segment`) jieba's dictionaries are not
loaded at all: rjieba holds the same dictionary, and
:func:`rjieba_tag_exceptions` caches the few tags it cannot give by itself.
"""
from __future__ import annotations

import marshal
import os
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from types import ModuleType


def load(cache_dir: str | os.PathLike | None = None) -> tuple[ModuleType, dict[str, str]]:
    """jieba, initialized and quiet, and its word → tag table.

    ``cache_dir`` defaults to where jieba keeps its own cache."""
    import jieba

    jieba.setLogLevel(60)
    path = _cache_path(jieba, cache_dir)
    cached = _read(path) if path else None
    if cached is not None:
        freq, total, tags = cached
        dt = jieba.dt
        with dt.lock:
            if not dt.initialized:
                dt.FREQ, dt.total = freq, total
                dt.initialized = True
        return jieba, tags
    jieba.initialize()
    import jieba.posseg

    tags = jieba.posseg.dt.word_tag_tab
    if path:
        write_cache(path, (jieba.dt.FREQ, jieba.dt.total, tags))
    return jieba, tags


def load_tags() -> tuple[dict[str, str], int]:
    """jieba's word → tag table and the total count of its dictionary
    (dict.txt, read the way ``jieba.posseg`` and ``jieba.gen_pfdict`` read
    it: a word listed twice keeps its last tag and counts twice), without
    importing jieba."""
    tags: dict[str, str] = {}
    total = 0
    with open(dictionary_file(), "rb") as f:
        for line in f:
            line = line.strip().decode("utf-8")
            if line:
                word, freq, tag = line.split(" ")
                tags[word] = tag
                total += int(freq)
    return tags, total


@lru_cache(maxsize=4)
def rjieba_tag_exceptions(cache_dir: str | None = None) -> tuple[dict[str, str], int]:
    """What rjieba needs besides itself to give jieba's tags: the words of
    dict.txt whose tag ``rjieba.tag(word)`` does not give (it segments them
    apart: 一两条 → 一|两条; about 8,400 of 349,000), with their tags, and
    dict.txt's total count. Every other dictionary word's tag is rjieba's
    own (the same dict.txt, tests/test_segment.py).

    Computed from dict.txt once and cached in ``cache_dir`` (default: the
    temporary folder), keyed by Python, dict.txt and rjieba's build, so a
    process loads 8,400 entries instead of parsing 349,000 lines."""
    import importlib.util

    import rjieba

    dict_file = dictionary_file()
    spec = importlib.util.find_spec("rjieba")
    libs = sorted(Path(spec.origin).parent.glob("rjieba*.so")) + sorted(Path(spec.origin).parent.glob("rjieba*.pyd"))
    stamp = "-".join(f"{p.stat().st_size}-{p.stat().st_mtime_ns}" for p in [dict_file, *libs[:1]])
    key = f"py{sys.version_info[0]}{sys.version_info[1]}-{stamp}"
    path = Path(cache_dir or tempfile.gettempdir()) / f"extractor-rjieba-tags-{key}.marshal"
    cached = _read_pair(path)
    if cached is not None:
        return cached
    tags, total = load_tags()
    tag = rjieba.tag
    exceptions = {w: t for w, t in tags.items() if tag(w, False) != [(w, t)]}
    write_cache(path, (exceptions, total))
    return exceptions, total


def package_folder() -> Path:
    """jieba's package folder, found without importing jieba."""
    import importlib.util

    spec = importlib.util.find_spec("jieba")  # finds the package without running it
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("jieba is not installed (it is a dependency: pip install jieba)")
    return Path(spec.submodule_search_locations[0])


def dictionary_file() -> Path:
    """jieba's dictionary, dict.txt."""
    return package_folder() / "dict.txt"


def _read_pair(path: Path) -> tuple[dict[str, str], int] | None:
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if isinstance(data, tuple) and len(data) == 2 and isinstance(data[0], dict) and isinstance(data[1], int):
        return data
    return None


def _cache_path(jieba: ModuleType, cache_dir: str | os.PathLike | None) -> Path | None:
    if jieba.dt.dictionary is not None:  # a custom dictionary: jieba's own loading
        return None
    dict_file = Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME
    try:
        st = dict_file.stat()
    except OSError:
        return None
    key = f"py{sys.version_info[0]}{sys.version_info[1]}-jieba{jieba.__version__}-{st.st_size}-{st.st_mtime_ns}"
    return Path(cache_dir or jieba.dt.tmp_dir or tempfile.gettempdir()) / f"extractor-jieba-{key}.marshal"


def _read(path: Path) -> tuple[dict[str, int], int, dict[str, str]] | None:
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if (isinstance(data, tuple) and len(data) == 3 and isinstance(data[0], dict)
            and isinstance(data[1], int) and isinstance(data[2], dict)):
        return data
    return None


def write_cache(path: Path, data: object) -> None:
    """``data`` marshalled into the cache file ``path``."""
    # Write-then-rename: a concurrent reader sees the old file or the whole
    # new one; a read-only or full disk only costs the speed-up.
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            marshal.dump(data, f)
        os.replace(tmp, path)
    except OSError:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
