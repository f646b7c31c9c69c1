"""The floor of the job: traditional→simplified conversion (OpenCC, the
pipeline's own converter) plus jieba segmentation of the same texts, on one
core — the least any pipeline of this shape has to do. Both benchmarks
divide their times by it.

usage: python benchmarks/floor.py TEXTS.json   (prints the seconds)
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from extractor.normalize.convert import to_simplified  # noqa: E402


def floor_seconds(texts: list[str]) -> float:
    """Seconds to convert and segment ``texts`` here, jieba's start-up excluded."""
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    t = time.perf_counter()
    for text in texts:
        jieba.lcut(to_simplified(text))
    return time.perf_counter() - t


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        print(floor_seconds(json.load(f)))
