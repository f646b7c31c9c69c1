"""The floor of the job: traditional→simplified conversion (OpenCC, the
pipeline's own converter) plus word segmentation of the same texts, on one
core — the least any pipeline of this shape has to do. The benchmarks
divide their times by it.

Two floors, measured on the same texts in the same run:

* ``rjieba`` — the real floor: OpenCC-pyo3 plus ``rjieba`` (jieba-rs, the
  Rust port of jieba: the same dictionary and the same segmentation), the
  fastest libraries available for this job;
* ``jieba`` — OpenCC-pyo3 plus jieba in Python, the floor the benchmarks
  used before (kept as a second line: how far pure-Python segmentation is
  from the real floor).

usage: python benchmarks/floor.py TEXTS.json [rjieba|jieba]   (prints the seconds)
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from extractor.normalize.convert import to_simplified  # noqa: E402

FLOORS = ("rjieba", "jieba")  # the real floor first


def floor_seconds(texts: list[str], segmenter: str = "rjieba") -> float:
    """Seconds to convert and segment ``texts`` here with ``segmenter``
    (``rjieba`` or ``jieba``), loading the segmenter's dictionary excluded."""
    if segmenter == "rjieba":
        import rjieba  # its dictionary loads on import

        cut = rjieba.cut
    elif segmenter == "jieba":
        import jieba

        jieba.setLogLevel(60)
        jieba.initialize()
        cut = jieba.lcut
    else:
        raise ValueError(f"unknown segmenter {segmenter!r}: one of {', '.join(FLOORS)}")
    to_simplified("预热")  # the converter's first call loads its tables
    t = time.perf_counter()
    for text in texts:
        cut(to_simplified(text))
    return time.perf_counter() - t


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        print(floor_seconds(json.load(f), sys.argv[2] if len(sys.argv) > 2 else "rjieba"))
