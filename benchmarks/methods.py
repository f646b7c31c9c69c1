"""Rule, model and hybrid side by side, with each method's time: the README's
tables of methods.

usage: python benchmarks/methods.py [--shared ../shared] [--model DIR] [--only PART,...]

Prints Markdown tables, in one run:

1. ``seeds``: F1 per field on the five seeds (../shared/gold/dev) for
   ``--method rule|model|hybrid``, and each job's time (``extract_to`` on
   one worker: reading, processing, writing; the start-up — jieba's
   dictionaries, the model — is paid before the clock starts);
2. ``dev-wide``: the same on the 32 dev-wide pages, for all of them and
   the even and odd halves (``extractor eval OUT --halves``): the merge
   thresholds are chosen on the even half, the odd half is the honest estimate;
3. ``cluener``: UNIT precision / recall / F1 on the CLUENER2020 dev split,
   government + organization as one label, exact character spans: the
   rules' outermost unit mentions, the recognizer's UNIT spans on every
   sentence, and the hybrid merge of both; time of each;
4. ``clauses``: activity types of the clean held-out clauses
   (corpora/train/labelled_clauses.jsonl split ``test`` when present, else
   activities_reviewed.tsv's): the rules on each clause alone, the
   classifier, and the hybrid (the rules' types plus the classifier's at
   the hybrid's add threshold where the rules give none), macro and micro F1;
   and the rules on each clause in its source document (the document's topic
   gate and sentence-level filters apply, as in the pipeline; its seconds
   include normalizing the three corpora);
5. ``sentences``: UNIT / COMMUNITY spans of the clean held-out sentences
   (labelled_sentences.jsonl split ``test``), when present.

Needs ../shared (gold, dev-wide, CLUENER); never writes into the repository.
"""
from __future__ import annotations

import argparse
import bisect
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Iterable

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import extractor  # noqa: E402
from extractor.analysis import Analysis  # noqa: E402
from extractor.document import Mention  # noqa: E402
from extractor.evaluate import evaluate, evaluate_halves  # noqa: E402
from extractor.fields.activities import ActivityExtractor  # noqa: E402
from extractor.fields.communities import CommunityExtractor  # noqa: E402
from extractor.fields.units import UnitExtractor  # noqa: E402
from extractor.model import load_model  # noqa: E402
from extractor.model.data import clean_clauses, clean_sentences, read_cluener  # noqa: E402
from extractor.model.merge import FIELD_OF, merge_mentions  # noqa: E402
from extractor.ruleset import Rules  # noqa: E402
from extractor.settings import Settings  # noqa: E402

METHODS = ("rule", "model", "hybrid")
FIELDS = ("dates", "units", "communities", "headcounts", "quantities", "records",
          "record_date", "record_unit", "record_community", "record_headcount")
UNIT_KINDS = ("government", "organization")
PARTS = ("seeds", "dev-wide", "cluener", "clauses", "sentences")
PRF = tuple[float, float, float]


def prf(tp: int, fp: int, fn: int) -> PRF:
    """Precision, recall and F1 of counts."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def count(pred: set, gold: set, c: list[int]) -> None:
    """Add the true positives, false positives and misses of one item to ``c``."""
    c[0] += len(pred & gold)
    c[1] += len(pred - gold)
    c[2] += len(gold - pred)


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


# ------------------------------------------------------------ the gold folders

def gold_scores(inputs: list[Path], gold: Path, model: str | None,
                halves: bool) -> tuple[dict[str, dict[str, dict[str, float]]], dict[str, float]]:
    """(part → field → method → F1, method → seconds) of the whole job on
    ``inputs`` scored against ``gold``; parts ``all`` (and ``even``, ``odd``)."""
    scores: dict[str, dict[str, dict[str, float]]] = {}
    seconds = {}
    for method in METHODS:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(method=method, model=model)
            extractor.extract_texts("2月15日,社区开展排查。", settings=settings)  # start-up (jieba, model) untimed
            _, seconds[method] = timed(lambda: extractor.extract_to(tmp, inputs, settings=settings, workers=1))
            parts = evaluate_halves(tmp, gold) if halves else {"all": evaluate(tmp, gold)}
        for part, s in parts.items():
            for f in FIELDS:
                scores.setdefault(part, {}).setdefault(f, {})[method] = s[f].f1
    return scores, seconds


def print_gold(title: str, scores: dict[str, dict[str, dict[str, float]]], seconds: dict[str, float]) -> None:
    parts = list(scores)
    print(f"### {title} (F1)\n")
    head = " | ".join(f"{m} {p}" if len(parts) > 1 else m for p in parts for m in METHODS)
    print(f"| field | {head} |\n| --- |" + " ---: |" * (len(parts) * len(METHODS)))
    for f in FIELDS:
        print(f"| {f} | " + " | ".join(f"{scores[p][f][m]:.3f}" for p in parts for m in METHODS) + " |")
    print("\nseconds (one worker, after start-up): " + ", ".join(f"{m} {seconds[m]:.1f}" for m in METHODS) + "\n")


# ------------------------------------------------------------ CLUENER

def gold_units(obj: dict[str, Any]) -> set[tuple[int, int]]:
    return {(s, e + 1) for kind, ents in (obj.get("label") or {}).items() if kind in UNIT_KINDS
            for offsets in ents.values() for s, e in offsets}


def outermost(mentions: Iterable[Mention], field: str = "unit") -> set[tuple[int, int]]:
    """The spans of ``field`` mentions not inside another one."""
    spans = sorted({(m.start, m.end) for m in mentions if m.field == field}, key=lambda t: (t[0], -t[1]))
    out, reach = set(), -1
    for s, e in spans:
        if e > reach:
            out.add((s, e))
            reach = max(reach, e)
    return out


def cluener(shared: Path, rules: Rules, mx: Any) -> dict[str, tuple[PRF, float]]:
    """Method → ((P, R, F1), seconds) of UNIT spans on the CLUENER dev split."""
    data = list(read_cluener(shared / "corpus" / "external" / "cluener" / "dev.json"))
    units, comms = UnitExtractor(rules), CommunityExtractor(rules)
    th = mx.policy.spans.model_threshold
    rule, t_rule = timed(lambda: [units.extract(Analysis(o["text"])) + comms.extract(Analysis(o["text"]))
                                  for o in data])
    model, t_model = timed(lambda: [mx.recognizer.predict(o["text"]) for o in data])
    gated, t_gated = timed(lambda: [mx.read(Analysis(o["text"])) for o in data])
    hybrid, t_merge = timed(lambda: [merge_mentions(o["text"], r, g.spans, mx.policy.spans, mx.generic, g.outside)
                                     for o, r, g in zip(data, rule, gated)])
    counts = {m: [0, 0, 0] for m in METHODS}
    for o, r, sp, h in zip(data, rule, model, hybrid):
        gold = gold_units(o)
        count(outermost(r), gold, counts["rule"])
        count({(s.start, s.end) for s in sp if s.label == "UNIT" and s.score >= th}, gold, counts["model"])
        count(outermost(h), gold, counts["hybrid"])
    times = {"rule": t_rule, "model": t_model, "hybrid": t_rule + t_gated + t_merge}
    return {m: (prf(*counts[m]), times[m]) for m in METHODS}


# ------------------------------------------------------------ clean clauses and sentences

def rule_in_documents(shared: Path, rules: Rules, texts: list[str]) -> list[set[str]] | None:
    """The rules' types of each clause as the pipeline finds them: in its
    source document (xwlb-2020, hkcnews-2020, dxy-news in ``shared``,
    normalized as training/derive.py drew them), so that the document's topic
    gate and every sentence-level filter apply; a clause's types are those of
    the kept triggers inside it. None when a clause is found in no document."""
    sys.path.insert(0, str(REPO / "training"))
    from derive import genre_documents  # noqa: E402  (training/derive.py)

    bodies = [d.body for _, d in genre_documents(shared, rules, ("xwlb", "hkcnews", "dxy"))]
    starts, pos = [], 0
    for b in bodies:
        starts.append(pos)
        pos += len(b) + 1
    joined = "\x00".join(bodies)
    acts = ActivityExtractor(rules)
    read: dict[int, Analysis] = {}
    out = []
    for text in texts:
        at = joined.find(text)
        if at < 0:
            return None
        k = bisect.bisect_right(starts, at) - 1
        if k not in read:
            read[k] = Analysis(bodies[k])
            acts.extract(read[k])
        lo = at - starts[k]
        out.append({str(t.slug) for t in read[k].triggers if lo <= t.start < lo + len(text)})
    return out


def clauses(rules: Rules, mx: Any, shared: Path) -> tuple[str, int, dict[str, tuple[float, PRF, float]]]:
    """(source file, clauses, method → (macro F1, micro (P, R, F1), seconds))
    of activity types on the clean held-out clauses: each method on the clause
    alone, and the rules on the clause in its source document."""
    source, test = clean_clauses()
    acts = ActivityExtractor(rules)
    # Each clause on its own: the topic gate is the document's, and these
    # clauses were drawn from documents that pass it.
    acts.lexicon = replace(acts.lexicon, require_any=None)
    th, add = mx.policy.activities.model_threshold, mx.policy.activities.add_threshold
    rule, t_rule = timed(lambda: [{r.activity_type for r in acts(x["text"])} for x in test])
    cats, t_model = timed(lambda: mx.clause_scores([x["text"] for x in test]))
    preds = {"rule": rule, "model": [{k for k, v in c.items() if v >= th} for c in cats],
             "hybrid": [r | {k for k, v in c.items() if v >= add} for r, c in zip(rule, cats)]}
    in_docs, t_docs = timed(lambda: rule_in_documents(shared, rules, [x["text"] for x in test]))
    if in_docs is not None:
        preds["rule, in its document"] = in_docs
    slugs = sorted({s for x in test for s in x["cats"]} | set(mx.textcat.labels))
    out = {}
    for m, pred in preds.items():
        per = {s: [0, 0, 0] for s in slugs}
        micro = [0, 0, 0]
        for x, p in zip(test, pred):
            gold = set(x["cats"])
            count(p, gold, micro)
            for s in slugs:
                count(p & {s}, gold & {s}, per[s])
        present = [s for s in slugs if per[s][0] + per[s][2]]  # types the test set has
        macro = sum(prf(*per[s])[2] for s in present) / len(present) if present else 0.0
        out[m] = (macro, prf(*micro), {"rule": t_rule, "model": t_model, "hybrid": t_rule + t_model,
                                       "rule, in its document": t_docs}[m])
    return source, len(test), out


def sentences(rules: Rules, mx: Any) -> dict[str, dict[str, PRF]] | None:
    """Method → field → (P, R, F1) of exact spans on the clean held-out sentences."""
    test = clean_sentences()
    if not test:
        return None
    units, comms = UnitExtractor(rules), CommunityExtractor(rules)
    th = mx.policy.spans.model_threshold
    counts = {m: {f: [0, 0, 0] for f in ("unit", "community")} for m in METHODS}
    for x in test:
        text = x["text"]
        rule = units.extract(Analysis(text)) + comms.extract(Analysis(text))
        spans = mx.recognizer.predict(text)
        model = [Mention(field=FIELD_OF[s.label], text=text[s.start:s.end], value="", start=s.start, end=s.end)
                 for s in spans if s.score >= th]
        reading = mx.read(Analysis(text))
        hybrid = merge_mentions(text, rule, reading.spans, mx.policy.spans, mx.generic, reading.outside)
        for f in ("unit", "community"):
            gold = {(s, e) for s, e, label in x["spans"] if FIELD_OF.get(label) == f}
            for m, pred in (("rule", rule), ("model", model), ("hybrid", hybrid)):
                count(outermost(pred, f), gold, counts[m][f])
    return {m: {f: prf(*c) for f, c in per.items()} for m, per in counts.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="rule vs model vs hybrid")
    ap.add_argument("--shared", default=str(REPO.parent / "shared"))
    ap.add_argument("--model", default=None, help="trained model folder (default: the shipped one)")
    ap.add_argument("--only", default=",".join(PARTS), help=f"comma-separated parts of {', '.join(PARTS)}")
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    parts = set(args.only.split(","))
    if not (shared / "gold" / "dev").is_dir():
        print(f"needs {shared}/gold/dev, gold/dev-wide and corpus/ (the project's ../shared)", file=sys.stderr)
        return 1
    rules = Rules(REPO / "rules")
    if "seeds" in parts:
        print_gold("Seeds (../shared/gold/dev)",
                   *gold_scores([REPO / "corpora" / "seeds"], shared / "gold" / "dev", args.model, halves=False))
    if "dev-wide" in parts:
        print_gold("dev-wide (all / even / odd)",
                   *gold_scores([shared / "corpus" / "dev-wide" / "input.jsonl"], shared / "gold" / "dev-wide",
                                args.model, halves=True))
    mx = load_model(args.model, rules)
    if "cluener" in parts:
        print("### CLUENER2020 dev, UNIT = government + organization (exact spans)\n")
        print("| method | P | R | F1 | seconds |\n| --- | ---: | ---: | ---: | ---: |")
        for m, ((p, r, f), t) in cluener(shared, rules, mx).items():
            print(f"| {m} | {p:.3f} | {r:.3f} | {f:.3f} | {t:.1f} |")
        print()
    if "clauses" in parts:
        source, n, res = clauses(rules, mx, shared)
        print(f"### Activity types of the {n} clean held-out clauses ({source}, split test)\n")
        print("| method | macro F1 | micro P | micro R | micro F1 | seconds |\n| --- | ---: | ---: | ---: | ---: | ---: |")
        for m, (macro, (p, r, f), t) in res.items():
            print(f"| {m} | {macro:.3f} | {p:.3f} | {r:.3f} | {f:.3f} | {t:.2f} |")
        print()
    if "sentences" in parts:
        res = sentences(rules, mx)
        if res is None:
            print("(no clean held-out sentences yet: corpora/train/labelled_sentences.jsonl is absent)\n")
        else:
            print("### UNIT / COMMUNITY spans of the clean held-out sentences (labelled_sentences.jsonl, test)\n")
            print("| method | unit P | unit R | unit F1 | community P | community R | community F1 |")
            print("| --- |" + " ---: |" * 6)
            for m, per in res.items():
                print(f"| {m} | " + " | ".join(f"{v:.3f}" for f in ("unit", "community") for v in per[f]) + " |")
            print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
