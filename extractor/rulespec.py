"""The shape of each rules file, declared as data and checked in one place.

A consumer declares its file once (:class:`RuleFile`: a name and a
:class:`Section` of keys → kinds, ranges, defaults); :meth:`Rules.load
<extractor.ruleset.Rules.load>` checks the whole parsed file against it at
start-up and hands back frozen values (:class:`Frozen` sections, tuples,
read-only maps, compiled patterns). An unknown key (a misspelling such as
``waek:`` for ``weak:``) or a value of the wrong kind stops start-up with the
file and the line, as dateparser's language-file validation and spaCy's
typed pattern schemas do. Checks that relate entries to each other (a word
listed under two slugs) stay with the consumer, which knows what they mean.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any


class RuleError(ValueError):
    """A rules file is malformed; the message names the file and line."""

    def __init__(self, path: Any, line: int | None, message: str):
        self.path, self.line, self.message = str(path), line, message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")

    def __reduce__(self) -> tuple:
        # Raised in a worker process, it crosses to the parent pickled.
        return (type(self), (self.path, self.line, self.message))


def line_of(value: Any) -> int | None:
    """The line a parsed string was written on (strings carry it), else None."""
    return getattr(value, "line", None) or None


@dataclass(frozen=True)
class Where:
    """Where a value stands: its file, dotted key path and nearest line."""

    path: Path
    key: str
    line: int | None

    def at(self, key: Any, value: Any = None) -> "Where":
        """The place of ``key`` (a mapping key or list index) below this one."""
        line = line_of(key) or line_of(value) or self.line
        name = f"{self.key}[{key}]" if isinstance(key, int) else (f"{self.key}.{key}" if self.key else str(key))
        return Where(self.path, name, line)

    def fail(self, message: str, value: Any = None) -> RuleError:
        return RuleError(self.path, line_of(value) or self.line, f"'{self.key}' {message}")


class Frozen(Mapping[str, Any]):
    """A checked section: read-only, by key or attribute (``lex.window``)."""

    __slots__ = ("_data",)

    def __init__(self, data: dict[str, Any]):
        object.__setattr__(self, "_data", data)

    def __getattr__(self, key: str) -> Any:
        try:
            return self._data[key]
        except KeyError:
            raise AttributeError(key) from None

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError("rules are read-only")

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"Frozen({self._data!r})"


class Spec:
    """One kind of value; ``check`` returns it frozen or raises RuleError."""

    what = "a value"

    def check(self, value: Any, where: Where) -> Any:
        raise NotImplementedError


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class Word(Spec):
    """A non-empty string (``chars=1``: exactly one character)."""

    def __init__(self, chars: int | None = None):
        self.chars = chars
        self.what = "one character" if chars == 1 else "a non-empty string"

    def check(self, value: Any, where: Where) -> str:
        if not isinstance(value, str) or not value.strip() or (self.chars and len(value) != self.chars):
            raise where.fail(f"must be {self.what}, got {value!r}", value)
        return value


class ListOf(Spec):
    """A list of items of one kind, returned as a tuple."""

    def __init__(self, item: Spec, min_items: int = 0):
        self.item, self.min_items = item, min_items
        self.what = f"a list of {'entries' if isinstance(item, (Section, ListOf)) else item.what.removeprefix('a ')}"

    def check(self, value: Any, where: Where) -> tuple:
        if value is None:
            value = []
        if not isinstance(value, list):
            raise where.fail(f"must be {self.what}, got {value!r}", value)
        if len(value) < self.min_items:
            raise where.fail(f"needs at least {self.min_items} entr{'y' if self.min_items == 1 else 'ies'}")
        return tuple(self.item.check(v, where.at(i, v)) for i, v in enumerate(value))


def Words(min_items: int = 0, chars: int | None = None) -> ListOf:
    """A list of non-empty strings (a lexicon)."""
    return ListOf(Word(chars), min_items)


class Regex(Spec):
    """A regular expression, compiled; ``groups``: None for any, 0 for no
    capturing group, a set of names that must all be groups, or ``1+``."""

    what = "a regular expression"

    def __init__(self, groups: int | frozenset[str] | str | None = None, flags: int = 0):
        self.groups, self.flags = groups, flags

    def check(self, value: Any, where: Where) -> re.Pattern[str]:
        if not isinstance(value, str) or not value:
            raise where.fail(f"must be a non-empty pattern, got {value!r}", value)
        try:
            pattern = re.compile(value, self.flags)
        except re.error as e:
            raise RuleError(where.path, line_of(value) or where.line,
                            f"invalid pattern {value!r} ('{where.key}'): {e}") from None
        if self.groups == 0 and pattern.groups:
            raise where.fail("must not have capturing groups; use (?:...)", value)
        if self.groups == "1+" and pattern.groups < 1:
            raise where.fail("needs one capturing group (the text kept)", value)
        if isinstance(self.groups, frozenset) and not self.groups <= set(pattern.groupindex):
            raise where.fail(f"needs the named groups {', '.join(sorted(self.groups))}", value)
        return pattern


class Int(Spec):
    """An integer within ``[lo, hi]`` (either bound optional)."""

    def __init__(self, lo: int | None = None, hi: int | None = None):
        self.lo, self.hi = lo, hi
        bounds = f" in {lo}..{hi}" if lo is not None and hi is not None else (
            f" >= {lo}" if lo is not None else (f" <= {hi}" if hi is not None else ""))
        self.what = f"an integer{bounds}"

    def check(self, value: Any, where: Where) -> int:
        if not _is_int(value) or (self.lo is not None and value < self.lo) or (self.hi is not None and value > self.hi):
            raise where.fail(f"must be {self.what}, got {value!r}", value)
        return value


class Number(Spec):
    """A number within ``[lo, hi]`` (``open_lo``: strictly above ``lo``), as a float."""

    def __init__(self, lo: float, hi: float, open_lo: bool = False):
        self.lo, self.hi, self.open_lo = lo, hi, open_lo
        self.what = f"a number in {'(' if open_lo else '['}{lo:g}, {hi:g}]"

    def check(self, value: Any, where: Where) -> float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not ok or value > self.hi or value < self.lo or (self.open_lo and value == self.lo):
            raise where.fail(f"must be {self.what}, got {value!r}", value)
        return float(value)


class Bool(Spec):
    what = "true or false"

    def check(self, value: Any, where: Where) -> bool:
        if not isinstance(value, bool):
            raise where.fail(f"must be {self.what}, got {value!r}", value)
        return value


class Choice(Spec):
    """One of a few literal values."""

    def __init__(self, *options: Any):
        self.options = options
        self.what = "one of " + ", ".join(map(repr, options))

    def check(self, value: Any, where: Where) -> Any:
        if value not in self.options:
            raise where.fail(f"must be {self.what}, got {value!r}", value)
        return value


class Either(Spec):
    """The first of several kinds that accepts the value."""

    def __init__(self, *kinds: Spec):
        self.kinds = kinds
        self.what = " or ".join(k.what for k in kinds)

    def check(self, value: Any, where: Where) -> Any:
        for kind in self.kinds:
            try:
                return kind.check(value, where)
            except RuleError:
                continue
        raise where.fail(f"must be {self.what}, got {value!r}", value)


class MapOf(Spec):
    """A mapping of words to values of one kind, read-only, order kept."""

    def __init__(self, value: Spec, key: Spec | None = None, min_items: int = 0):
        self.value, self.key, self.min_items = value, key or Word(), min_items
        self.what = "a mapping"

    def check(self, value: Any, where: Where) -> Mapping[str, Any]:
        if value is None and not self.min_items:
            value = {}
        if not isinstance(value, dict):
            raise where.fail(f"must be {self.what}, got {value!r}", value)
        if len(value) < self.min_items:
            raise where.fail("is empty")
        out: dict[str, Any] = {}
        for k, v in value.items():
            here = where.at(k, v)
            out[self.key.check(k, here)] = self.value.check(v, here)
        return MappingProxyType(out)


_REQUIRED = object()


@dataclass(frozen=True)
class Key:
    """A key of a section: its kind and, for an optional key, its default
    (given as raw YAML data: it is checked like a written value)."""

    kind: Spec
    default: Any = _REQUIRED

    @property
    def required(self) -> bool:
        return self.default is _REQUIRED


def opt(kind: Spec, default: Any) -> Key:
    """An optional key with its default."""
    return Key(kind, default)


class Section(Spec):
    """A mapping with known keys: unknown keys are errors (with the nearest
    known one suggested), required keys must be there."""

    what = "a mapping"

    def __init__(self, keys: dict[str, Spec | Key]):
        self.keys = {k: v if isinstance(v, Key) else Key(v) for k, v in keys.items()}

    def check(self, value: Any, where: Where) -> Frozen:
        if value is None:
            value = {}
        if not isinstance(value, dict):
            raise where.fail(f"must be {self.what} with keys {', '.join(self.keys)}, got {value!r}", value)
        for k in value:
            if k not in self.keys:
                near = difflib.get_close_matches(str(k), list(self.keys), n=1)
                hint = f" (did you mean '{near[0]}'?)" if near else f" (known: {', '.join(self.keys)})"
                raise where.at(k).fail(f"is an unknown key{hint}", k)
        out: dict[str, Any] = {}
        for k, key in self.keys.items():
            if k in value:
                out[k] = key.kind.check(value[k], where.at(next(x for x in value if x == k), value[k]))
            elif key.required:
                raise RuleError(where.path, where.line, f"'{where.at(k).key}' is missing")
            else:  # None stands for "not given" and is not checked
                out[k] = None if key.default is None else key.kind.check(key.default, where.at(k))
        return Frozen(out)


@dataclass(frozen=True)
class RuleFile:
    """One rules file and its declared shape (see :meth:`Rules.load
    <extractor.ruleset.Rules.load>`)."""

    name: str
    schema: Section

    def __post_init__(self) -> None:
        FILES[self.name] = self

    def check(self, data: Any, path: Path) -> Frozen:
        """``data`` (this file, parsed) checked against the schema."""
        if not isinstance(data, dict):
            raise RuleError(path, None, "expected a mapping of keys at the top level")
        return self.schema.check(data, Where(path, "", None))


# Every declared rules file by name, filled as its consumer is imported.
FILES: dict[str, RuleFile] = {}
