"""Loading and validating the data files under ``rules/``.

Rules are data: YAML and TSV files that a newcomer edits without touching
Python. Everything here fails fast, before any document is read, with the
file and line of the offending entry.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import yaml


class RuleError(ValueError):
    """A rules file is malformed; the message names the file and line."""

    def __init__(self, path: os.PathLike | str, line: int | None, message: str):
        self.path, self.line, self.message = str(path), line, message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")

    def __reduce__(self) -> tuple:
        # Raised in a worker process, it crosses to the parent pickled.
        return (type(self), (self.path, self.line, self.message))


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


def line_of(value: Any) -> int | None:
    return getattr(value, "line", None) or None


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
                with open(p, encoding="utf-8") as f:
                    data = yaml.load(f, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
            except yaml.MarkedYAMLError as e:
                line = e.problem_mark.line + 1 if e.problem_mark else None
                raise RuleError(p, line, f"malformed YAML: {e.problem}") from None
            except (yaml.YAMLError, UnicodeDecodeError) as e:
                raise RuleError(p, None, f"malformed YAML: {e}") from None
            self._cache[name] = data
        return self._cache[name]

    def section(self, name: str, key: str, kind: type = list) -> Any:
        """A top-level key of a YAML file, checked to be of ``kind``."""
        data = self.yaml(name)
        if not isinstance(data, dict) or key not in data:
            raise RuleError(self.path(name), None, f"missing top-level key '{key}'")
        value = data[key]
        if not isinstance(value, kind):
            raise RuleError(self.path(name), line_of(key) or _key_line(self.path(name), key),
                            f"'{key}' must be a {kind.__name__}")
        return value

    def words(self, name: str, key: str) -> list[LStr]:
        """A list of non-empty strings (a lexicon)."""
        items = self.section(name, key, list)
        out = []
        for item in items:
            if not isinstance(item, str) or not item.strip():
                raise RuleError(self.path(name), line_of(item) or _key_line(self.path(name), key),
                                f"'{key}' entries must be non-empty strings, got {item!r}")
            out.append(item)
        return out

    def pattern(self, name: str, value: Any, flags: int = 0) -> re.Pattern[str]:
        """Compile one regular expression written in ``rules/NAME``."""
        if not isinstance(value, str) or not value:
            raise RuleError(self.path(name), line_of(value), f"pattern must be a non-empty string, got {value!r}")
        try:
            return re.compile(value, flags)
        except re.error as e:
            raise RuleError(self.path(name), line_of(value), f"invalid pattern {value!r}: {e}") from None

    def patterns(self, name: str, key: str, flags: int = 0) -> list[re.Pattern[str]]:
        return [self.pattern(name, p, flags) for p in self.words(name, key)]

    def tsv(self, name: str, columns: Iterable[str]) -> list[dict[str, str]]:
        """Rows of a TSV file with a header naming at least ``columns``."""
        p = self.path(name)
        if name in self._cache:
            return self._cache[name]
        if not p.is_file():
            raise RuleError(p, None, "file not found")
        rows: list[dict[str, str]] = []
        with open(p, encoding="utf-8") as f:
            header: list[str] | None = None
            for n, line in enumerate(f, 1):
                line = line.rstrip("\n")
                if not line.strip() or line.startswith("#"):
                    continue
                cells = line.split("\t")
                if header is None:
                    header = cells
                    missing = [c for c in columns if c not in header]
                    if missing:
                        raise RuleError(p, n, f"header lacks column(s) {missing}")
                    continue
                if len(cells) != len(header):
                    raise RuleError(p, n, f"expected {len(header)} tab-separated cells, got {len(cells)}")
                row = {k: LStr(v) for k, v in zip(header, cells)}
                for v in row.values():
                    v.line = n
                rows.append(row)
        self._cache[name] = rows
        return rows

    def fail(self, name: str, value: Any, message: str) -> RuleError:
        """An error about ``value`` in ``rules/NAME`` (raise it)."""
        return RuleError(self.path(name), line_of(value), message)


def _key_line(path: Path, key: str) -> int | None:
    try:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if line.startswith(f"{key}:"):
                    return n
    except OSError:
        pass
    return None


@lru_cache(maxsize=8)
def load_rules(root: str | None = None) -> Rules:
    """The shared, cached ``Rules`` for a folder (default folder when None)."""
    return Rules(root)
