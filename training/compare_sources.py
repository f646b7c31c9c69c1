"""Which data the model learns from, chosen by measurement (issue 13).

Trains, from corpora/train/ and the same seed as ``make model``:

- two recognizers: the hand-labelled sentences alone, and the hand-labelled
  sentences (x ``HAND_REPEAT``) with CLUENER train;
- three clause classifiers: labelled_clauses.jsonl alone, with the
  hand-reviewed clauses of activities_reviewed.tsv, and the latter without
  the rules' triggers as hints (hints.py);

and scores each on what may choose: dev-wide's even half (``--method model``:
units, communities and record_unit for a recognizer, records for a
classifier) and, for a recognizer, CLUENER dev (UNIT exact spans); for a
classifier also spaCy's figures on its own dev rows (every tenth training
row, which picked its checkpoint: macro F1 over all types, micro F1). The
held-out test splits of the hand-labelled files are never looked at, nor is
the odd half. Needs ../shared.

    .venv/bin/python training/compare_sources.py [--keep DIR]

``--keep DIR`` leaves the assembled models (one folder per pair) in DIR.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from extractor.model import RECOGNIZER  # noqa: E402
from extractor.model.data import activity_examples, ner_examples, read_cluener  # noqa: E402
from extractor.model.train import CRF_PARAMS, USE_WORDS, train_classifier, train_recognizer  # noqa: E402

RECOGNIZERS = {"hand": {"cluener": False}, "hand+cluener": {"cluener": True}}
# name → (activity_examples arguments, whether the rules' triggers are hints)
CLASSIFIERS = {"labelled": ({"reviewed": False}, True), "labelled+reviewed": ({"reviewed": True}, True),
               "labelled+reviewed, no hints": ({"reviewed": True}, False)}


def build_recognizer(name: str, folder: str) -> tuple[str, float]:
    """Train recognizer ``name`` into ``folder``; (name, seconds)."""
    t = time.perf_counter()
    train_recognizer(list(ner_examples(**RECOGNIZERS[name])), Path(folder), words=USE_WORDS, **CRF_PARAMS)
    return name, time.perf_counter() - t


def build_classifier(name: str, folder: str) -> tuple[str, float]:
    """Train classifier ``name`` into ``folder``/model/model-best; (name, seconds)."""
    t = time.perf_counter()
    data, hints = CLASSIFIERS[name]
    train_classifier(list(activity_examples(**data)), Path(folder), hints=hints)
    return name, time.perf_counter() - t


def assemble(classifier: Path, recognizer: Path, out: Path) -> Path:
    """A model folder of the shipped shape from one classifier and one recognizer."""
    shutil.copytree(classifier, out)
    shutil.copytree(recognizer, out / RECOGNIZER)
    return out


def even_scores(model: Path, shared: Path) -> dict[str, float]:
    """Field → F1 of ``--method model`` on dev-wide's even half."""
    import extractor
    from extractor.evaluate import evaluate_halves
    from extractor.settings import Settings

    with tempfile.TemporaryDirectory() as out:
        extractor.extract_to(out, [shared / "corpus" / "dev-wide" / "input.jsonl"],
                             settings=Settings(method="model", model=str(model)), workers=1)
        even = evaluate_halves(out, shared / "gold" / "dev-wide")["even"]
    return {f: s.f1 for f, s in even.items()}


def cluener_f1(recognizer: Path, shared: Path) -> float:
    """UNIT F1 (government + organization, exact spans, score ≥ 0.5) on CLUENER dev."""
    from extractor.model.crf import Recognizer

    rec = Recognizer(recognizer)
    tp = fp = fn = 0
    for obj in read_cluener(shared / "corpus" / "external" / "cluener" / "dev.json"):
        gold = {(s, e + 1) for kind, ents in (obj.get("label") or {}).items()
                if kind in ("government", "organization") for offsets in ents.values() for s, e in offsets}
        pred = {(s.start, s.end) for s in rec.predict(obj["text"]) if s.label == "UNIT" and s.score >= 0.5}
        tp, fp, fn = tp + len(pred & gold), fp + len(pred - gold), fn + len(gold - pred)
    p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return 2 * p * r / (p + r) if p + r else 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="compare the model's training sources on dev-wide's even half")
    ap.add_argument("--shared", default=str(REPO.parent / "shared"))
    ap.add_argument("--keep", default=None, help="leave the assembled models in this folder")
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    if not (shared / "gold" / "dev-wide").is_dir():
        print(f"needs {shared}/gold/dev-wide and corpus/ (the project's ../shared)", file=sys.stderr)
        return 1
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="compare-sources-"))
    work.mkdir(parents=True, exist_ok=True)
    seconds: dict[str, float] = {}
    # Two processes (the machine's two cores): CLUENER's recognizer is the long one.
    with ProcessPoolExecutor(2) as pool:
        jobs = [pool.submit(build_recognizer, "hand+cluener", str(work / "rec-hand+cluener"))]
        jobs += [pool.submit(build_recognizer, "hand", str(work / "rec-hand"))]
        jobs += [pool.submit(build_classifier, n, str(work / f"cls-{n}")) for n in CLASSIFIERS]
        for j in jobs:
            name, s = j.result()
            seconds[name] = s
    rows: list[tuple[str, str, dict[str, Any], float | None]] = []
    for rec in RECOGNIZERS:
        for cls in CLASSIFIERS:
            model = assemble(work / f"cls-{cls}" / "model" / "model-best", work / f"rec-{rec}",
                             work / f"model-{rec}-{cls}")
            rows.append((rec, cls, even_scores(model, shared), None))
    clu = {rec: cluener_f1(work / f"rec-{rec}", shared) for rec in RECOGNIZERS}
    print("| recognizer | classifier | units | communities | records | record_unit | record_community | CLUENER UNIT |")
    print("| --- | --- |" + " ---: |" * 6)
    for rec, cls, s, _ in rows:
        print(f"| {rec} | {cls} | " + " | ".join(f"{s[f]:.3f}" for f in
              ("units", "communities", "records", "record_unit", "record_community")) + f" | {clu[rec]:.3f} |")
    print("\ntraining seconds: " + ", ".join(f"{k} {v:.0f}" for k, v in seconds.items()))
    print("\n| classifier | dev rows macro F1 | dev rows micro F1 |\n| --- | ---: | ---: |")
    for cls in CLASSIFIERS:
        perf = json.loads((work / f"cls-{cls}" / "model" / "model-best" / "meta.json").read_text())["performance"]
        print(f"| {cls} | {perf['cats_macro_f']:.3f} | {perf['cats_micro_f']:.3f} |")
    print(f"\nmodels in {work}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
