"""Writers of the three tables (CSV with the formula guard, Parquet, JSONL)
and the reader of the project's own tables. Kept apart from extraction."""
from .errors import OutputError, WriteFailed
from .guard import guard, unguard
from .tables import FORMATS, TableWriter, read_tables

__all__ = ["guard", "unguard", "FORMATS", "OutputError", "TableWriter", "WriteFailed", "read_tables"]
