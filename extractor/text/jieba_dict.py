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

With rjieba (:mod:`extractor.text.segment`) only the tag table is needed:
:func:`load_tags` reads it from dict.txt without importing jieba (whose
import alone costs most of a second), through a cache of its own.
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
        _write(path, (jieba.dt.FREQ, jieba.dt.total, tags))
    return jieba, tags


@lru_cache(maxsize=4)
def load_tags(cache_dir: str | None = None) -> tuple[dict[str, str], int]:
    """jieba's word → tag table and the total count of its dictionary
    (dict.txt, read the way ``jieba.posseg`` and ``jieba.gen_pfdict`` read
    it: a word listed twice keeps its last tag and counts twice).

    ``cache_dir`` defaults to the temporary folder, where jieba keeps its own
    cache."""
    dict_file = dictionary_file()
    st = dict_file.stat()
    key = f"py{sys.version_info[0]}{sys.version_info[1]}-{st.st_size}-{st.st_mtime_ns}"
    path = Path(cache_dir or tempfile.gettempdir()) / f"extractor-jieba-tags-{key}.marshal"
    cached = _read_tags(path)
    if cached is not None:
        return cached
    tags: dict[str, str] = {}
    total = 0
    with open(dict_file, "rb") as f:
        for line in f:
            line = line.strip().decode("utf-8")
            if line:
                word, freq, tag = line.split(" ")
                tags[word] = tag
                total += int(freq)
    _write(path, (tags, total))
    return tags, total


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


def _read_tags(path: Path) -> tuple[dict[str, str], int] | None:
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


def _write(path: Path, data: tuple) -> None:
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
