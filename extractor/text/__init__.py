"""Text utilities shared by every extractor: sentences and numerals."""
