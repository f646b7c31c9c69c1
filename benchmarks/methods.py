"""Rule, model and hybrid side by side: the README's table of methods.

usage: python benchmarks/methods.py [--shared ../shared] [--model DIR] [--speed N]

Prints Markdown tables:

1. dev-gold F1 per field for ``--method rule|model|hybrid`` (the seeds run
   through ``extractor.extract_to`` into a temporary folder, scored by
   ``extractor.evaluate`` against ../shared/gold/dev);
2. UNIT precision / recall / F1 on the CLUENER2020 dev split, government +
   organization as one label, exact character spans: the rules' outermost
   unit mentions, the model's UNIT spans, and the hybrid merge of both;
3. activity types of the held-out hand-reviewed clauses
   (corpora/train/activities_reviewed.tsv, split ``test``): rule labels vs
   the clause classifier;
4. with ``--speed N``: documents/s of rule and hybrid on the first N
   xwlb-2020 stories (the per-document function, one process).

Needs ../shared (gold, CLUENER, xwlb); never writes into the repository.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import extractor  # noqa: E402
from extractor.analysis import Analysis  # noqa: E402
from extractor.document import Document, Mention  # noqa: E402
from extractor.evaluate import evaluate  # noqa: E402
from extractor.fields.communities import CommunityExtractor  # noqa: E402
from extractor.fields.units import UnitExtractor  # noqa: E402
from extractor.model import load_model  # noqa: E402
from extractor.model.data import read_cluener, reviewed_test  # noqa: E402
from extractor.model.merge import merge_mentions  # noqa: E402
from extractor.pipeline import Pipeline  # noqa: E402
from extractor.ruleset import Rules  # noqa: E402
from extractor.settings import Settings  # noqa: E402

METHODS = ("rule", "model", "hybrid")
FIELDS = ("dates", "dates_relative", "units", "communities", "headcounts", "quantities", "records",
          "record_date", "record_unit", "record_community", "record_headcount")
UNIT_KINDS = ("government", "organization")


def dev_gold(shared: Path, model: str | None) -> dict[str, dict[str, float]]:
    """Field → method → F1 on the dev gold."""
    out: dict[str, dict[str, float]] = {f: {} for f in FIELDS}
    for method in METHODS:
        with tempfile.TemporaryDirectory() as tmp:
            extractor.extract_to(tmp, [REPO / "corpora" / "seeds"], settings=Settings(method=method, model=model))
            scores = evaluate(tmp, shared / "gold" / "dev")
        for f in FIELDS:
            out[f][method] = scores[f].f1
    return out


def gold_units(obj: dict[str, Any]) -> set[tuple[int, int]]:
    return {(s, e + 1) for kind, ents in (obj.get("label") or {}).items() if kind in UNIT_KINDS
            for offsets in ents.values() for s, e in offsets}


def outermost(mentions: list[Mention]) -> set[tuple[int, int]]:
    spans = sorted({(m.start, m.end) for m in mentions if m.field == "unit"}, key=lambda t: (t[0], -t[1]))
    out, reach = set(), -1
    for s, e in spans:
        if e > reach:
            out.add((s, e))
            reach = max(reach, e)
    return out


def cluener(shared: Path, rules: Rules, model: str | None) -> dict[str, tuple[float, float, float]]:
    """Method → (P, R, F1) of UNIT spans on the CLUENER dev split."""
    data = list(read_cluener(shared / "corpus" / "external" / "cluener" / "dev.json"))
    units, comms = UnitExtractor(rules), CommunityExtractor(rules)
    mx = load_model(model, rules)
    counts = {m: [0, 0, 0] for m in METHODS}
    for obj in data:
        text = obj["text"]
        gold = gold_units(obj)
        doc = Analysis(text)
        rule = units.extract(doc) + comms.extract(doc)
        spans = mx.spans(doc)
        pred = {
            "rule": outermost(rule),
            "model": {(s.start, s.end) for s in spans
                      if s.label == "UNIT" and s.score >= mx.policy.spans.model_threshold},
            "hybrid": outermost(merge_mentions(text, rule, spans, mx.policy.spans, mx.generic)),
        }
        for m, p in pred.items():
            c = counts[m]
            c[0] += len(p & gold)
            c[1] += len(p - gold)
            c[2] += len(gold - p)
    return {m: _prf(*c) for m, c in counts.items()}


def activities(rules: Rules, model: str | None) -> dict[str, tuple[float, float, float]]:
    """Rules vs classifier on the held-out hand-reviewed clauses (micro P/R/F1 over types)."""
    mx = load_model(model, rules)
    test = reviewed_test()
    th = mx.policy.activities.model_threshold
    docs = list(mx.textcat.pipe(mx.nlp.make_doc(r["text"]) for r in test))
    counts = {"rule": [0, 0, 0], "model": [0, 0, 0]}
    for r, doc in zip(test, docs):
        gold = set(r["cats"])
        for m, pred in (("rule", set(r["rule_cats"])), ("model", {k for k, v in doc.cats.items() if v >= th})):
            counts[m][0] += len(pred & gold)
            counts[m][1] += len(pred - gold)
            counts[m][2] += len(gold - pred)
    return {m: _prf(*c) for m, c in counts.items()} | {"n": (len(test), sum(len(r["cats"]) for r in test), 0)}


def speed(shared: Path, model: str | None, limit: int) -> dict[str, float]:
    """Method → documents/s on the first ``limit`` xwlb-2020 stories."""
    path = shared / "corpus" / "external" / "xwlb-2020" / "stories.jsonl"
    items = [json.loads(line) for _, line in zip(range(limit), open(path, encoding="utf-8"))]
    out = {}
    for method in ("rule", "hybrid"):
        pipe = Pipeline(settings=Settings(method=method, model=model))
        docs = [Document(doc_id=i["id"], source="xwlb", raw=i["text"]) for i in items]
        t = time.perf_counter()
        for d in docs:
            pipe.process(d)
        out[method] = len(docs) / (time.perf_counter() - t)
    return out


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="rule vs model vs hybrid")
    ap.add_argument("--shared", default=str(REPO.parent / "shared"))
    ap.add_argument("--model", default=None, help="trained model folder (default: the shipped one)")
    ap.add_argument("--speed", type=int, default=0, metavar="N", help="also time rule and hybrid on N xwlb stories")
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    if not (shared / "gold" / "dev").is_dir():
        print(f"needs {shared}/gold/dev and corpus/external (the project's ../shared)", file=sys.stderr)
        return 1
    rules = Rules(REPO / "rules")
    print("### Dev gold (F1, the five seeds)\n")
    print("| field | rule | model | hybrid |\n| --- | ---: | ---: | ---: |")
    for f, row in dev_gold(shared, args.model).items():
        print(f"| {f} | " + " | ".join(f"{row[m]:.3f}" for m in METHODS) + " |")
    print("\n### CLUENER2020 dev, UNIT = government + organization (exact spans)\n")
    print("| method | P | R | F1 |\n| --- | ---: | ---: | ---: |")
    for m, (p, r, f) in cluener(shared, rules, args.model).items():
        print(f"| {m} | {p:.3f} | {r:.3f} | {f:.3f} |")
    acts = activities(rules, args.model)
    n, labels, _ = acts.pop("n")
    print(f"\n### Activity types of {n} held-out hand-reviewed clauses ({labels} labels)\n")
    print("| method | P | R | F1 |\n| --- | ---: | ---: | ---: |")
    for m, (p, r, f) in acts.items():
        print(f"| {m} | {p:.3f} | {r:.3f} | {f:.3f} |")
    if args.speed:
        print(f"\n### Speed, first {args.speed} xwlb-2020 stories, one process\n")
        print("| method | docs/s |\n| --- | ---: |")
        for m, v in speed(shared, args.model, args.speed).items():
            print(f"| {m} | {v:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
