"""Turn Chinese field reports on epidemic community work into tables.

>>> import extractor
>>> tables = extractor.extract("corpora/seeds")
>>> tables.records.head()
"""
from .api import Tables, extract, extract_to, read_tables

__all__ = ["Tables", "extract", "extract_to", "read_tables"]
__version__ = "0.1.0"
