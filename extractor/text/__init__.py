"""Text utilities shared by every extractor: sentences, numerals and word segmentation."""
