"""Loading and validating the data files under ``rules/``.

Rules are data: YAML and TSV files that a newcomer edits without touching
Python. Everything here fails fast, before any document is read, with the
file and line of the offending entry.
"""
from __future__ import annotations

import hashlib
import io
import marshal
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .rulespec import Frozen, RuleError, RuleFile, line_of

__all__ = ["LStr", "RuleError", "Rules", "default_rules_dir", "line_of", "load_rules"]


class LStr(str):
    """A string scalar that remembers the line it was written on."""

    line: int = 0


# libyaml's parser when PyYAML was built with it (as its wheels are): the
# rules parse about 5x faster, which every worker pays at start-up; the
# constructors, line marks and errors are the same as the pure-Python loader's.
class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


def _construct_str(loader: _LineLoader, node: yaml.Node) -> LStr:
    s = LStr(loader.construct_scalar(node))
    s.line = node.start_mark.line + 1
    return s


_LineLoader.add_constructor("tag:yaml.org,2002:str", _construct_str)


def default_rules_dir() -> Path:
    """``$EXTRACTOR_RULES``, else the rules shipped in the wheel, else the repo's."""
    env = os.environ.get("EXTRACTOR_RULES")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    shipped = here / "_rules"
    return shipped if shipped.is_dir() else here.parent / "rules"


class Rules:
    """Access to one rules folder; every loaded file is cached."""

    def __init__(self, root: os.PathLike | str | None = None):
        self.root = Path(root) if root else default_rules_dir()
        if not self.root.is_dir():
            raise RuleError(self.root, None, "rules folder not found")
        self._cache: dict[str, Any] = {}

    def path(self, name: str) -> Path:
        return self.root / name

    def yaml(self, name: str) -> Any:
        """Parse ``rules/NAME`` (strings carry their line numbers)."""
        if name not in self._cache:
            p = self.path(name)
            if not p.is_file():
                raise RuleError(p, None, "file not found")
            try:
                data = _parsed(p)
            except yaml.MarkedYAMLError as e:
                line = e.problem_mark.line + 1 if e.problem_mark else None
                raise RuleError(p, line, f"malformed YAML: {e.problem}") from None
            except (yaml.YAMLError, UnicodeDecodeError) as e:
                raise RuleError(p, None, f"malformed YAML: {e}") from None
            self._cache[name] = data
        return self._cache[name]

    def load(self, spec: RuleFile) -> Frozen:
        """``rules/NAME`` checked against its declared shape (see
        :mod:`extractor.rulespec`): frozen values, or a RuleError naming the
        file and line of the first unknown key or wrong value."""
        key = f"checked:{spec.name}"
        if key not in self._cache:
            self._cache[key] = spec.check(self.yaml(spec.name), self.path(spec.name))
        return self._cache[key]

    def fail(self, name: str, value: Any, message: str) -> RuleError:
        """An error about ``value`` in ``rules/NAME`` (raise it)."""
        return RuleError(self.path(name), line_of(value), message)


# ---------------------------------------------------------------- parsed files, cached
# Parsing the rules is a quarter of building the pipeline (40 ms of every
# process). The parsed data of a file is kept in one cache file in the
# temporary folder, keyed by the exact bytes of the rules file (SHA-256) and
# by the parser, so any change to a rules file is parsed anew; the strings
# keep their line numbers. At most _PARSED_MAX files' worth is kept (the
# most recently used), so edited and test rules do not pile up.
_PARSED_MAX = 48
_PARSER = repr((yaml.__version__, _LineLoader.__mro__[1].__name__, 1))


def _parsed(p: Path) -> Any:
    """The rules file ``p`` parsed, from the cache when it holds its bytes."""
    raw = p.read_bytes()
    key = hashlib.sha256(raw).hexdigest()
    path = Path(tempfile.gettempdir()) / f"extractor-rules-{hashlib.sha256(_PARSER.encode()).hexdigest()[:12]}.marshal"
    entries = _read_parsed(path)
    if key in entries:
        return _decoded(entries[key])
    # the bytes hashed are the bytes parsed, read as the file was (its name in errors)
    buffer = io.BytesIO(raw)
    buffer.name = str(p)
    with io.TextIOWrapper(buffer, encoding="utf-8") as f:
        data = yaml.load(f, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    try:
        encoded = marshal.dumps(_encoded(data))
    except ValueError:  # a value marshal cannot hold (a date): not cached
        return data
    entries.pop(key, None)
    entries[key] = encoded
    while len(entries) > _PARSED_MAX:
        del entries[next(iter(entries))]
    from .text.jieba_dict import write_cache

    write_cache(path, (_PARSER, entries))
    return data


def _read_parsed(path: Path) -> dict[str, bytes]:
    try:
        with open(path, "rb") as f:
            if os.fstat(f.fileno()).st_uid != os.getuid():  # only a cache this user wrote
                return {}
            data = marshal.loads(f.read())
    except (OSError, ValueError, EOFError, TypeError, AttributeError):
        return {}
    if isinstance(data, tuple) and len(data) == 2 and data[0] == _PARSER and isinstance(data[1], dict):
        return data[1]
    return {}


def _encoded(x: Any) -> Any:
    # a string with its line becomes (text, line): YAML's safe data has no tuples
    if isinstance(x, LStr):
        return (str(x), x.line)
    if isinstance(x, dict):
        return {_encoded(k): _encoded(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_encoded(v) for v in x]
    if x is None or type(x) in (int, float, bool, bytes):
        return x
    raise ValueError(f"not cached: {type(x).__name__}")


def _decoded(blob: bytes) -> Any:
    return _decode(marshal.loads(blob))


def _decode(x: Any) -> Any:
    t = type(x)
    if t is tuple:
        s = LStr(x[0])
        s.line = x[1]
        return s
    if t is dict:
        return {_decode(k): _decode(v) for k, v in x.items()}
    if t is list:
        return [_decode(v) for v in x]
    return x


@lru_cache(maxsize=8)
def load_rules(root: str | None = None) -> Rules:
    """The shared, cached ``Rules`` for a folder (default folder when None)."""
    return Rules(root)
