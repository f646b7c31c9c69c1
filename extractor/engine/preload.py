"""Imported once by the local engine's forkserver, before it forks workers.

jieba's dictionaries (pure Python, safe to fork) load here once: every
worker starts with them already in memory, shared copy-on-write, instead of
spending a second and ~180 MB each to load its own. Nothing here may start
threads or touch OpenCC (a fork after its first conversion deadlocks).
"""
import gc

import extractor.pipeline  # noqa: F401
from extractor.fields.names.segment import SEGMENTER

SEGMENTER.load()
# Keep the collector from touching (and so copying) these objects in workers.
gc.freeze()
