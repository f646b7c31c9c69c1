"""The fields, one declared entry each: what a new field needs besides its
extractor, its rules file and its test cases.

An entry names the extractor that emits the field's mentions (loaded
lazily, so the tables' schema can be read without jieba), its rules files,
the mention ``field`` value, the record columns it fills and how a mention
fills them, how the evaluator scores it (and whether it is scored as a
record argument) and its colour in the report. The linking policy of a
field with record columns is its entry under ``arguments:`` in
``rules/linking.yaml``. ``extractor.schema``, ``extractor.evaluate``,
``extractor.link`` and ``extractor.report`` all read this list.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..analysis import Analysis
    from ..document import Mention
    from ..ruleset import Rules

# How a field is scored (extractor/evaluate.py): dates by value with relative
# days apart; names by name or alias; values as numbers; values with measure.
SCORERS = ("dates", "names", "value", "value_measure")


def _value(m: "Mention") -> tuple[str, ...]:
    return (m.value,)


@dataclass(frozen=True)
class Field:
    """One extracted field (see the module docstring)."""

    name: str                       # the mentions table's `field` value
    plural: str                     # its key in gold files and in the scores
    extractor: str                  # "module:Class", built once from the rules
    rules_files: tuple[str, ...]
    scorer: str
    color: str
    record_columns: tuple[str, ...] = ()
    record_values: Callable[["Mention"], tuple[str, ...]] = _value
    record_scored: bool = False     # scored as ``record_<name>`` on matched records
    # Its columns are part of the contract (docs/tables.md) and keep their place;
    # a new field's columns come after the contract's.
    contract: bool = False

    def __post_init__(self) -> None:
        if self.scorer not in SCORERS:
            raise ValueError(f"field {self.name}: unknown scorer {self.scorer!r}; one of {SCORERS}")

    def build(self, rules: "Rules") -> Any:
        """The field's extractor, built (and its rules checked) from ``rules``."""
        module, _, cls = self.extractor.partition(":")
        return getattr(importlib.import_module(module), cls)(rules)


FIELDS: list[Field] = [
    Field("date", "dates", "extractor.fields.dates:DateExtractor", ("dates.yaml",), "dates", "#a0d8ef",
          ("date",), record_scored=True, contract=True),
    Field("unit", "units", "extractor.fields.units:UnitExtractor", ("units.yaml", "names.yaml"), "names",
          "#b5e48c", ("unit",), record_scored=True, contract=True),
    Field("community", "communities", "extractor.fields.communities:CommunityExtractor",
          ("communities.yaml", "names.yaml"), "names", "#f4acb7", ("community",), record_scored=True, contract=True),
    Field("headcount", "headcounts", "extractor.fields.numbers:NumberExtractor", ("numbers.yaml", "people.yaml"),
          "value", "#d0b3f0", ("headcount",), record_scored=True, contract=True),
    Field("quantity", "quantities", "extractor.fields.numbers:NumberExtractor", ("numbers.yaml", "people.yaml"),
          "value_measure", "#ffb48f", ("quantity", "measure"), lambda m: (m.value, m.measure), contract=True),
]
_LISTENERS: list[Callable[[], None]] = []


def record_fields() -> list[Field]:
    """The fields that fill record columns, in column order."""
    return [f for f in FIELDS if f.record_columns]


def field_extractors(rules: "Rules") -> list[Callable[["Analysis"], list["Mention"]]]:
    """Each field extractor once (one may emit several fields), built and
    validated from ``rules``: their ``extract(doc)`` methods."""
    built: dict[str, Any] = {}
    for f in FIELDS:
        if f.extractor not in built:
            built[f.extractor] = f.build(rules)
    return list(built.values())


def on_change(listener: Callable[[], None]) -> None:
    """Call ``listener`` whenever the registry changes (the schema follows it)."""
    _LISTENERS.append(listener)


@contextmanager
def registered(field: Field) -> Iterator[Field]:
    """``field`` added to the registry for the duration (a plug-in or a test)."""
    FIELDS.append(field)
    _changed()
    try:
        yield field
    finally:
        FIELDS.remove(field)
        _changed()


def _changed() -> None:
    for listener in _LISTENERS:
        listener()
