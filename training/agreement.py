"""Agreement of the two independent labellings of the doubly-labelled items
in corpora/train/labelled_agreement.jsonl, per label (issue 13).

    .venv/bin/python training/agreement.py [--markdown]

Clauses: per activity type, the F1 of labeller B's against labeller A's
decisions (the same as B's against A's by symmetry of F1), and Cohen's kappa
of the yes/no decision; "no activity" counts as a label too. Sentences: per
span label (UNIT, COMMUNITY), the F1 of B's exact spans against A's.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FILE = REPO / "corpora" / "train" / "labelled_agreement.jsonl"


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else (1.0 if not (fp or fn) else 0.0)


def _kappa(pairs: list[tuple[bool, bool]]) -> float:
    n = len(pairs)
    if not n:
        return float("nan")
    po = sum(a == b for a, b in pairs) / n
    pa, pb = sum(a for a, _ in pairs) / n, sum(b for _, b in pairs) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    return 1.0 if pe == 1 else (po - pe) / (1 - pe)


def clause_agreement(rows: list[dict]) -> list[tuple[str, int, float, float]]:
    """(label, items either labeller gave it, F1, kappa) per label."""
    labels = sorted({c for r in rows for c in r["a"] + r["b"]}) + ["(none)"]
    out = []
    for lab in labels:
        if lab == "(none)":
            pairs = [(not r["a"], not r["b"]) for r in rows]
        else:
            pairs = [(lab in r["a"], lab in r["b"]) for r in rows]
        tp = sum(a and b for a, b in pairs)
        fp = sum(b and not a for a, b in pairs)
        fn = sum(a and not b for a, b in pairs)
        out.append((lab, tp + fp + fn, _f1(tp, fp, fn), _kappa(pairs)))
    return out


def span_agreement(rows: list[dict]) -> list[tuple[str, int, float]]:
    """(label, spans either labeller marked, F1) per span label."""
    out = []
    for lab in ("UNIT", "COMMUNITY"):
        tp = fp = fn = 0
        for r in rows:
            a = {tuple(s) for s in r["a"] if s[2] == lab}
            b = {tuple(s) for s in r["b"] if s[2] == lab}
            tp, fp, fn = tp + len(a & b), fp + len(b - a), fn + len(a - b)
        out.append((lab, tp + fp + fn, _f1(tp, fp, fn)))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--file", default=str(FILE))
    args = ap.parse_args(argv)
    try:
        rows = [json.loads(line) for line in open(args.file, encoding="utf-8") if line.strip()]
    except OSError as e:
        print(f"agreement: cannot read {args.file}: {e.strerror}", file=sys.stderr)
        return 3
    clauses = [r for r in rows if r["kind"] == "clause"]
    sents = [r for r in rows if r["kind"] == "sentence"]
    print(f"| clauses ({len(clauses)}): label | items | F1 | kappa |\n| --- | ---: | ---: | ---: |")
    for lab, n, f1, k in clause_agreement(clauses):
        print(f"| {lab} | {n} | {f1:.3f} | {k:.3f} |")
    print(f"\n| sentences ({len(sents)}): label | spans | F1 |\n| --- | ---: | ---: |")
    for lab, n, f1 in span_agreement(sents):
        print(f"| {lab} | {n} | {f1:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
