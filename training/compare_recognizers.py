"""Which features the recognizer reads, chosen by measurement (issue 13).

Trains the CRF recognizer (extractor/model/crf.py) on the data ``make
model`` uses (the hand-labelled sentences and CLUENER train, data.py) with
the shipped parameters, once per feature set:

- ``characters``: characters, their n-grams and the rules' lexicons;
- ``characters + words``: the same and jieba's words with the dictionary's
  lattice (features.py ``word_marks``);

and scores each on CLUENER dev (UNIT = government + organization, exact
spans, score ≥ the model threshold of rules/model.yaml) with its training
and tagging seconds. The two trainings run side by side (one per core).
Needs ../shared (CLUENER dev).

    .venv/bin/python training/compare_recognizers.py
"""
from __future__ import annotations

import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

sys.path.insert(0, str(REPO / "benchmarks"))

from extractor.model.data import ner_examples, read_cluener  # noqa: E402
from extractor.model.train import CRF_PARAMS, train_recognizer  # noqa: E402
from methods import count, gold_units, prf  # noqa: E402  (benchmarks/methods.py: CLUENER scored as there)

SETS = {"characters": False, "characters + words": True}
SHARED = REPO.parent / "shared"


def score(name: str, folder: str) -> tuple[str, float, float, float, float, float]:
    """Train feature set ``name`` into ``folder``; (name, P, R, F1, train s, tag s)."""
    from extractor.model.crf import Recognizer
    from extractor.model.policy import load_policy
    from extractor.ruleset import load_rules

    t0 = time.perf_counter()
    train_recognizer(list(ner_examples()), Path(folder), words=SETS[name], **CRF_PARAMS)
    t_train = time.perf_counter() - t0
    rec = Recognizer(Path(folder))
    th = load_policy(load_rules()).spans.model_threshold
    data = list(read_cluener(SHARED / "corpus" / "external" / "cluener" / "dev.json"))
    counts = [0, 0, 0]
    t0 = time.perf_counter()
    for o in data:
        pred = {(s.start, s.end) for s in rec.predict(o["text"]) if s.label == "UNIT" and s.score >= th}
        count(pred, gold_units(o), counts)
    t_tag = time.perf_counter() - t0
    return (name, *prf(*counts), t_train, t_tag)


def main() -> int:
    if not (SHARED / "corpus" / "external" / "cluener" / "dev.json").exists():
        print(f"needs {SHARED}/corpus/external/cluener/dev.json (../shared): nothing to compare", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="extractor-recognizers-") as tmp, ProcessPoolExecutor(2) as pool:
        jobs = [pool.submit(score, name, str(Path(tmp) / str(i))) for i, name in enumerate(SETS)]
        rows = [j.result() for j in jobs]
    print("| features | P | R | F1 | train s | tag s (CLUENER dev) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, p, r, f, t_train, t_tag in rows:
        print(f"| {name} | {p:.3f} | {r:.3f} | {f:.3f} | {t_train:.0f} | {t_tag:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
