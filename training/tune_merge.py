"""Choose the hybrid's merge thresholds (rules/model.yaml) on the even half of
dev-wide, and report the choice on the odd half.

Run by a developer with ../shared beside the clone, after `make model`:

    .venv/bin/python training/tune_merge.py [--model DIR] [--write]

The model's predictions do not depend on the thresholds, so they are
computed once per document and reused (the recognizer and classifier are
memoized on the body); each setting then runs the rules, the merge and the
linker on the dev-wide pages (the process's one pipeline, its policy
replaced) and is scored with ``extractor.evaluate``.
The thresholds are chosen one after the other (``STEPS``): the units' add
threshold and ``min_chars`` by the sum of the even half's F1 on units and
record_unit, the communities' by communities + record_community, the
rule-unit corrections' (re-bounding, then rejecting: merge.py) by units +
record_unit again, then the activities' by records + record_unit +
record_community. A step leaves its
most cautious point (the highest thresholds) only for one that gains at
least ``MIN_GAIN`` of summed F1 on the even half: less is a mention or two
of 16 pages, noise that a threshold should not be bought with (an
activities threshold of 0.95 gained 0.004 on the even half and lost 0.010
of records on the seeds). Among the points past that bar the best wins,
ties to the more cautious. Only the even half's scores choose; the odd half's are
printed for the chosen and the current settings, never used. ``--write``
puts the chosen values into rules/model.yaml.

``--sweep`` also prints, for every point of the rule-unit corrections'
steps (``SWEEPS``: re-bounding and rejecting rule units) with the chosen
values elsewhere, units and record_unit on both halves, UNIT F1 on the
labelled test sentences and on CLUENER dev (benchmarks/methods.py's
measures): what the README's model section reports of them. The odd half
is printed, never used.
"""
from __future__ import annotations

import argparse
import itertools
import re
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import extractor  # noqa: E402
from extractor.evaluate import evaluate_halves  # noqa: E402
from extractor.model.policy import Policy, load_policy  # noqa: E402
from extractor.model.runtime import ModelExtractor  # noqa: E402
from extractor.pipeline import pipeline_for  # noqa: E402
from extractor.ruleset import Rules  # noqa: E402
from extractor.settings import Settings  # noqa: E402

THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)
# Summed even-half F1 a less cautious point must gain over the most cautious one.
MIN_GAIN = 0.01
REJECT_THRESHOLDS = (0.9, 0.95, 0.99, 0.999, 1.0)
SWEEPS = (("unit_replace_threshold", (*THRESHOLDS, 1.0)), ("unit_reject_threshold", REJECT_THRESHOLDS))
# One step after the other: (section, grid, the fields whose even-half F1 it maximizes).
STEPS = (
    ("spans", {"unit_add_threshold": THRESHOLDS, "min_chars": (2, 3, 4)}, ("units", "record_unit")),
    ("spans", {"community_add_threshold": THRESHOLDS}, ("communities", "record_community")),
    # Rule units the model re-bounds or rejects (1: none), after the adds.
    ("spans", {"unit_replace_threshold": (*THRESHOLDS, 1.0)}, ("units", "record_unit")),
    ("spans", {"unit_reject_threshold": REJECT_THRESHOLDS}, ("units", "record_unit")),
    ("activities", {"add_threshold": (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0)},
     ("records", "record_unit", "record_community")),
)


def memoize_model() -> None:
    """Make ModelExtractor.read and .classify remember their answer per body
    (read with the characters' outside probabilities, which only rejecting needs)."""
    for name, kwargs in (("read", {"outside": True}), ("classify", {})):
        real = getattr(ModelExtractor, name)
        memo: dict[str, Any] = {}

        def cached(self: ModelExtractor, doc: Any, *_: Any, _real: Any = real, _memo: dict = memo,
                   _kwargs: dict = kwargs) -> Any:
            if doc.body not in _memo:
                _memo[doc.body] = _real(self, doc, **_kwargs)
            return _memo[doc.body]

        setattr(ModelExtractor, name, cached)


def set_value(text: str, section: str, key: str, value: Any) -> str:
    """``text`` of model.yaml with ``section.key`` set to ``value`` (the line
    is rewritten in place, comments kept)."""
    block = re.search(rf"(?ms)^{section}:\n(.*?)(?=^\S|\Z)", text)
    if block is None:
        raise ValueError(f"model.yaml has no section {section}")
    body = re.sub(rf"(?m)^(\s+{key}:)\s*\S+", rf"\g<1> {value}", block.group(1), count=1)
    return text[:block.start(1)] + body + text[block.end(1):]


def score(values: dict[tuple[str, str], Any], inputs: Path, gold: Path,
          model: str | None) -> dict[str, dict[str, float]]:
    """Half → field → F1 of the hybrid with ``values`` in place of
    rules/model.yaml's (set on the process's cached pipeline)."""
    settings = Settings(method="hybrid", model=model)
    mx = pipeline_for(settings).model
    policy = load_policy(Rules(REPO / "rules"))
    spans = {k: v for (s, k), v in values.items() if s == "spans"}
    acts = {k: v for (s, k), v in values.items() if s == "activities"}
    mx.policy = Policy(spans=replace(policy.spans, **spans), activities=replace(policy.activities, **acts))
    with tempfile.TemporaryDirectory() as out:
        extractor.extract_to(out, [inputs], settings=settings)
        halves = evaluate_halves(out, gold)
    return {h: {f: s[f].f1 for f in s} for h, s in halves.items()}


def best(grid: dict[str, tuple], section: str, fields: tuple[str, ...], fixed: dict, run: Any) -> tuple[dict, dict]:
    """The grid point with the highest sum of ``fields`` on the even half
    (ties: the later point, i.e. the higher thresholds), unless it gains less
    than ``MIN_GAIN`` over the most cautious point (the last), and every result."""
    results = {}
    for point in itertools.product(*grid.values()):
        values = {**fixed, **{(section, k): v for k, v in zip(grid, point)}}
        s = run(values)
        results[point] = s
        print(f"  {section} {dict(zip(grid, point))}: even " + " ".join(f"{f} {s['even'][f]:.3f}" for f in fields),
              file=sys.stderr)
    return {(section, k): v for k, v in zip(grid, choose(results, fields))}, results


def choose(results: dict[tuple, dict], fields: tuple[str, ...]) -> tuple:
    """The chosen point of one step's ``results`` (point → half → field → F1)."""
    def total(p: tuple) -> float:
        return round(sum(results[p]["even"][f] for f in fields), 6)

    cautious = max(results)  # the highest thresholds
    top = max(results, key=lambda p: (total(p), p))
    return top if total(top) >= total(cautious) + MIN_GAIN else cautious


def sweep(chosen: dict, run: Any, shared: Path, model: str | None) -> None:
    """Print :data:`SWEEPS`' table (see the module docstring)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("methods", REPO / "benchmarks" / "methods.py")
    methods = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(methods)
    rules = Rules(REPO / "rules")
    mx = pipeline_for(Settings(method="hybrid", model=model)).model
    seeds = (REPO / "corpora" / "seeds", shared / "gold" / "dev")
    print("\n| hybrid with | units even | record_unit even | units odd | record_unit odd | units seeds "
          "| record_unit seeds | test sentences unit F1 | CLUENER dev UNIT F1 |\n| --- |" + " ---: |" * 8)
    for key, grid in SWEEPS:
        for v in grid:
            values = {**chosen, ("spans", key): v}
            s = run(values)  # sets mx.policy to ``values``
            s["seeds"] = score(values, *seeds, model)["all"]
            sent = methods.sentences(rules, mx)
            test = f"{sent['hybrid']['unit'][2]:.3f} (rule {sent['rule']['unit'][2]:.3f})" if sent else "-"
            clu = methods.cluener(shared, rules, mx)
            print(f"| {key} = {v} | " + " | ".join(f"{s[h][f]:.3f}" for h in ("even", "odd", "seeds")
                                                  for f in ("units", "record_unit"))
                  + f" | {test} | {clu['hybrid'][0][2]:.3f} (rule {clu['rule'][0][2]:.3f}) |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="tune rules/model.yaml on dev-wide's even half")
    ap.add_argument("--shared", default=str(REPO.parent / "shared"))
    ap.add_argument("--model", default=None)
    ap.add_argument("--write", action="store_true", help="write the chosen values into rules/model.yaml")
    ap.add_argument("--sweep", action="store_true", help="print the rule-unit corrections' sweep (docstring)")
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    inputs, gold = shared / "corpus" / "dev-wide" / "input.jsonl", shared / "gold" / "dev-wide"
    if not gold.is_dir():
        print(f"needs {gold} and {inputs} (the project's ../shared)", file=sys.stderr)
        return 1
    memoize_model()
    with tempfile.TemporaryDirectory() as tmp:

        def run(values: dict) -> dict:
            return score(values, inputs, gold, args.model)

        current = run({})
        chosen: dict = {}
        for section, grid, fields in STEPS:
            step, _ = best(grid, section, fields, chosen, run)
            chosen.update(step)
        if args.sweep:
            sweep(chosen, run, shared, args.model)
        final = run(chosen)
        rule_dir = Path(tmp) / "rule"
        extractor.extract_to(rule_dir, [inputs], settings=Settings(method="rule"))
        rule = {h: {f: s[f].f1 for f in s} for h, s in evaluate_halves(rule_dir, gold).items()}
    print("chosen: " + ", ".join(f"{s}.{k} = {v}" for (s, k), v in chosen.items()))
    fields = ("units", "communities", "records", "record_unit", "record_community")
    print("\n| field | rule even | hybrid before even | hybrid chosen even | rule odd | hybrid before odd | hybrid chosen odd |")
    print("| --- |" + " ---: |" * 6)
    for f in fields:
        print(f"| {f} | " + " | ".join(f"{x[h][f]:.3f}" for h in ("even", "odd") for x in (rule, current, final)) + " |")
    if args.write:
        path = REPO / "rules" / "model.yaml"
        text = path.read_text(encoding="utf-8")
        for (section, key), v in chosen.items():
            text = set_value(text, section, key, v)
        path.write_text(text, encoding="utf-8")
        print(f"written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
