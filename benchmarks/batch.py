"""The whole batch job (read → process → write), as a user runs it.

usage: python benchmarks/batch.py [--methods rule,hybrid] [--workers 1,2] [--repeat 3] [--quick] [--xwlb-only]

For each corpus, method and worker count, runs ``extractor extract`` in a
child process and reports documents/s, MB/s, wall time as a ratio to the
floor of the job, and peak memory: the largest process's RSS, and the
tree's PSS (parent, forkserver and workers; shared pages counted once, so
the sum is the memory the job really holds). The floor is traditional→simplified
conversion (OpenCC, Rust) plus segmentation of the same texts on one core,
the least any pipeline of this shape has to do (benchmarks/floor.py): the
real floor segments with rjieba (jieba in Rust) and every "x floor" ratio is
against it; the floor with jieba in Python is printed as a second line.

Corpora: the xwlb-2020 stories in ../shared (3,715 stories, 6 MB), the
seeds repeated to about 5 MB, and the same 4x larger (20 MB) to show that
memory stays flat as the corpus grows.
A benchmark, not a test: run it by hand and put the figures in the README.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from floor import FLOORS  # noqa: E402  (benchmarks/floor.py)

REPO = Path(__file__).resolve().parent.parent
XWLB = REPO.parent / "shared" / "corpus" / "external" / "xwlb-2020" / "stories.jsonl"


def seeds_jsonl(path: Path, megabytes: float) -> Path:
    """The seeds repeated (distinct ids) to about ``megabytes`` of UTF-8."""
    files = sorted((REPO / "corpora" / "seeds").glob("*.txt"))
    texts = [(f.stem, f.read_text(encoding="utf-8")) for f in files]
    size, n = 0, 0
    with open(path, "w", encoding="utf-8") as out:
        while size < megabytes * 1e6:
            for stem, text in texts:
                n += 1
                out.write(json.dumps({"id": f"{stem}-{n}", "text": text}, ensure_ascii=False) + "\n")
                size += len(text.encode("utf-8"))
    return path


def corpus_texts(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f if line.strip()]


def floor_seconds(texts: list[str], segmenter: str) -> float:
    """The floor (benchmarks/floor.py) of ``texts`` with ``segmenter``, in a
    process of its own like the jobs it is compared with."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8", delete=False) as f:
        json.dump(texts, f, ensure_ascii=False)
    try:
        out = subprocess.run([sys.executable, str(Path(__file__).with_name("floor.py")), f.name, segmenter],
                             cwd=REPO, check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(f.name)
    return float(out.strip().splitlines()[-1])


def run_job(corpus: Path, method: str, workers: int) -> tuple[float, float, float, str]:
    """(wall seconds, peak RSS of the largest process MB, peak PSS summed over the tree MB, summary).

    RSS is sampled every 0.1 s; PSS, which costs a read of each process's
    smaps (about a millisecond), every 0.5 s, so the sampling itself takes
    well under 1% of a core from the job it measures."""
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, "-m", "extractor", "extract", str(corpus), "--out", out, "--quiet",
               "--method", method, "--workers", str(workers)]
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        root = psutil.Process(proc.pid)
        largest = total = 0.0
        tick = 0
        while proc.poll() is None:
            try:
                procs = [root, *root.children(recursive=True)]
                largest = max(largest, max(p.memory_info().rss for p in procs) / 2**20)
                if tick % 5 == 0:
                    total = max(total, sum(p.memory_full_info().pss for p in procs) / 2**20)
            except psutil.Error:
                pass  # a process ended between listing and reading it
            tick += 1
            time.sleep(0.1)
        wall = time.perf_counter() - t
        err = proc.stderr.read().strip()
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed: {err}")
        return wall, largest, total, err.splitlines()[-1] if err else ""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--methods", default="rule,hybrid")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs per configuration, worker counts interleaved; the median wall time is reported")
    ap.add_argument("--quick", action="store_true", help="the 5 MB corpora only, no 4x corpus")
    ap.add_argument("--xwlb-only", action="store_true", help="only the xwlb-2020 corpus (needs ../shared)")
    args = ap.parse_args()
    methods = args.methods.split(",")
    workers = [int(w) for w in args.workers.split(",")]
    print(f"# batch benchmark, {date.today()}, {platform.node()}: {os.cpu_count()} cores, "
          f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}, "
          f"median of {args.repeat} runs\n")
    print("| corpus | method | workers | docs | MB | wall s | docs/s | MB/s | x floor | vs 1 worker "
          "| peak MB (largest RSS / tree PSS) |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        corpora = []
        if XWLB.exists():
            corpora.append(("xwlb-2020", XWLB))
        else:
            print(f"(skipped {XWLB}: not found)")
        if not args.xwlb_only:
            corpora.append(("seeds ~5 MB", seeds_jsonl(Path(tmp) / "seeds5.jsonl", 5)))
        if not args.quick and not args.xwlb_only:
            corpora.append(("seeds ~20 MB (4x)", seeds_jsonl(Path(tmp) / "seeds20.jsonl", 20)))
        one = Path(tmp) / "one.jsonl"
        one.write_text(json.dumps({"id": "one", "text": "2月15日，社区工作者5人上门排查。"}, ensure_ascii=False) + "\n",
                       encoding="utf-8")
        for method in methods:  # start-up: the whole job on one short document
            walls = [run_job(one, method, 1)[0] for _ in range(args.repeat)]
            print(f"| one document (start-up) | {method} | 1 | 1 | 0.0 | {statistics.median(walls):.2f} | | | | | |",
                  flush=True)
        for name, path in corpora:
            texts = corpus_texts(path)
            mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
            floors = {seg: statistics.median(floor_seconds(texts, seg) for _ in range(args.repeat))
                      for seg in FLOORS}
            floor = floors[FLOORS[0]]  # the real floor: every ratio is against it
            for seg, secs in floors.items():
                print(f"| {name} | floor (OpenCC + {seg}) | 1 | {len(texts)} | {mb:.1f} | {secs:.2f} | "
                      f"{len(texts) / secs:.0f} | {mb / secs:.2f} | {secs / floor:.1f} | | |", flush=True)
            for method in methods:
                if "4x" in name and method != "rule":
                    continue  # the 4x corpus shows memory flatness and amortized start-up
                runs: dict[int, list[tuple[float, float, float]]] = {w: [] for w in workers}
                try:
                    for _ in range(args.repeat):
                        for w in workers:  # interleaved, so drift in the machine's speed hits all alike
                            runs[w].append(run_job(path, method, w)[:3])
                except RuntimeError as e:
                    print(f"| {name} | {method} | | failed: {str(e)[-120:]} |")
                    continue
                one = statistics.median(r[0] for r in runs[workers[0]])
                for w in workers:
                    wall = statistics.median(r[0] for r in runs[w])
                    largest = max(r[1] for r in runs[w])
                    total = max(r[2] for r in runs[w])
                    print(f"| {name} | {method} | {w} | {len(texts)} | {mb:.1f} | {wall:.1f} | "
                          f"{len(texts) / wall:.0f} | {mb / wall:.2f} | {wall / floor:.1f} | "
                          f"{one / wall:.2f}x | {largest:.0f} / {total:.0f} |", flush=True)


if __name__ == "__main__":
    main()
