"""Turn Chinese field reports on epidemic community work into tables.

>>> import extractor
>>> tables = extractor.extract("corpora/seeds")
>>> tables.records.head()
"""
from __future__ import annotations

from typing import Any

from .settings import Settings

# The API (and pandas behind it) loads on first use: worker processes and
# the CLI's batch path import submodules of this package and need neither.
_API = ("Summary", "Tables", "extract", "extract_to", "read_tables")


def __getattr__(name: str) -> Any:
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Settings", "Summary", "Tables", "extract", "extract_to", "read_tables"]
__version__ = "0.1.0"
