"""Throughput of the pipeline, against the floor of the job.

usage: python benchmarks/throughput.py [--corpus PATH.jsonl] [--limit N]

Measures documents/s and MB/s of the per-document function (read,
normalize, extract, link; no writing) on a JSONL corpus (default: the
xwlb-2020 stories in ../shared) and on the bundled seeds repeated, and
the floors: OpenCC conversion plus rjieba (the real floor: the ratio is
against it) or jieba segmentation of the same text.
A benchmark, not a test: run it by hand and put the figures in the README.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from extractor.document import Document  # noqa: E402
from extractor.normalize.convert import backend_name  # noqa: E402
from extractor.pipeline import Pipeline  # noqa: E402
from floor import FLOORS, floor_seconds  # noqa: E402  (benchmarks/floor.py)


def load(path: Path, limit: int) -> list[Document]:
    docs = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f):
            if n >= limit:
                break
            item = json.loads(line)
            docs.append(Document(doc_id=item["id"], source=str(path), raw=item["text"],
                                 meta={k: item[k] for k in ("title", "published") if item.get(k)}))
    return docs


def seeds(repeat: int) -> list[Document]:
    files = sorted((REPO / "corpora" / "seeds").glob("*.txt"))
    return [Document(doc_id=f"{f.stem}-{i}", source=str(f), raw=f.read_text(encoding="utf-8"))
            for i in range(repeat) for f in files]


def measure(name: str, docs: list[Document], pipeline: Pipeline) -> None:
    texts = [d.raw for d in docs]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    floors = {seg: floor_seconds(texts, seg) for seg in FLOORS}
    floor = floors[FLOORS[0]]
    t = time.perf_counter()
    for d in docs:
        pipeline.process(d)
    spent = time.perf_counter() - t
    print(f"{name:28s} {len(docs):6d} docs {mb:6.2f} MB  pipeline {spent:7.2f} s "
          f"({len(docs) / spent:7.1f} docs/s, {mb / spent:5.2f} MB/s)  "
          + "  ".join(f"floor {seg} {secs:6.2f} s" for seg, secs in floors.items())
          + f"  ratio {spent / floor:5.1f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(REPO.parent / "shared/corpus/external/xwlb-2020/stories.jsonl"))
    ap.add_argument("--limit", type=int, default=10**9)
    ap.add_argument("--seed-repeat", type=int, default=120)
    args = ap.parse_args()
    t = time.perf_counter()
    pipeline = Pipeline()
    print(f"start-up (rules, jieba, converter): {time.perf_counter() - t:.2f} s; OpenCC backend {backend_name()}")
    corpus = Path(args.corpus)
    if corpus.exists():
        measure(corpus.parent.name, load(corpus, args.limit), pipeline)
    else:
        print(f"skipped {corpus}: not found")
    measure(f"seeds x{args.seed_repeat}", seeds(args.seed_repeat), pipeline)
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
