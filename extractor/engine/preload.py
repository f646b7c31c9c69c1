"""Imported once by the local engine's forkserver, before it forks workers.

The segmenter's dictionaries (rjieba's, held in Rust without threads, and
the tag table; or jieba's in the fallback: all safe to fork) load here
once: every worker starts with them already in memory, shared
copy-on-write, instead of loading its own. Nothing here may start
threads or touch OpenCC (a fork after its first conversion deadlocks).
"""
import gc

import extractor.pipeline  # noqa: F401
from extractor.text.segment import SEGMENTER

SEGMENTER.load()
# Keep the collector from touching (and so copying) these objects in workers.
gc.freeze()
