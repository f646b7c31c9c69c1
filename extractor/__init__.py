"""Turn Chinese field reports on epidemic community work into tables.

>>> import extractor
>>> tables = extractor.extract("corpora/seeds")
>>> tables.records.head()
"""
from .api import Summary, Tables, extract, extract_to, read_tables
from .settings import Settings

__all__ = ["Settings", "Summary", "Tables", "extract", "extract_to", "read_tables"]
__version__ = "0.1.0"
