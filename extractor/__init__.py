"""Turn Chinese field reports on epidemic community work into tables.

>>> import extractor
>>> tables = extractor.extract("corpora/seeds")          # paths
>>> tables = extractor.extract_texts(["2月15日，社区…"])     # strings
>>> tables = extractor.extract_frame(df, text="body")     # a DataFrame
>>> tables.records.head()
"""
from __future__ import annotations

from typing import Any

from .settings import Settings

# The API (and pandas behind it) loads on first use: worker processes and
# the CLI's batch path import submodules of this package and need neither.
_API = ("InputColumns", "Summary", "Tables", "extract", "extract_texts", "extract_frame", "extract_to", "read_tables")


def __getattr__(name: str) -> Any:
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Settings", *_API]
__version__ = "0.1.0"
