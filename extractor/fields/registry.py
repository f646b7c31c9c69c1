"""Which field extractors run, in order. Add a new field's class here."""
from __future__ import annotations

from typing import Callable

from ..document import Context, Mention
from ..ruleset import Rules

FieldExtractor = Callable[[str, Context], list[Mention]]


def field_extractors(rules: Rules) -> list[FieldExtractor]:
    """One instance of every field extractor, built (and validated) from ``rules``."""
    from .communities import CommunityExtractor
    from .dates import DateExtractor
    from .numbers import NumberExtractor
    from .units import UnitExtractor

    return [DateExtractor(rules), NumberExtractor(rules), UnitExtractor(rules), CommunityExtractor(rules)]
