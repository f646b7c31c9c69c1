"""Loading and validating the data files under ``rules/``.

Rules are data: YAML and TSV files that a newcomer edits without touching
Python. Everything here fails fast, before any document is read, with the
file and line of the offending entry.
"""
from __future__ import annotations

import os
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
                with open(p, encoding="utf-8") as f:
                    data = yaml.load(f, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
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


@lru_cache(maxsize=8)
def load_rules(root: str | None = None) -> Rules:
    """The shared, cached ``Rules`` for a folder (default folder when None)."""
    return Rules(root)
