"""Agreement of dev-external's two independent labellings, per field.

    .venv/bin/python training/dev_external_agreement.py

The 8 articles of corpora/dev-external/second/ were labelled a second time,
by another labeller who saw neither the first labelling nor any program's
output. Prints, per field, the F1 of the second labelling (B) against the
gold (A), counted as the scorer counts: units and communities by any form
of an entry, dates by value, headcounts by value, quantities by value and
measure, records by type with one evidence inside the other, arguments on
the matched records (a unit or community agrees when both name one entry).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from extractor.evaluate import PRF, normalize  # noqa: E402

DEV = REPO / "corpora" / "dev-external"
Gold = dict[str, Any]
# how a number or date mention is compared (the scorer's keys)
KEYS: dict[str, Callable[[dict], object]] = {
    "dates": lambda e: e["value"],
    "headcounts": lambda e: str(e["value"]),
    "quantities": lambda e: (str(e["value"]), e["measure"]),
}


def _forms(entry: dict) -> set[str]:
    return {normalize(entry["name"]), *map(normalize, entry["aliases"])}


def _entries(a: Gold, b: Gold, field: str) -> tuple[int, int, int]:
    ea, eb = [_forms(e) for e in a[field]], [_forms(e) for e in b[field]]
    tp = sum(any(x & y for y in eb) for x in ea)
    return tp, len(eb) - sum(any(x & y for x in ea) for y in eb), len(ea) - tp


def _pairs(a: Gold, b: Gold) -> list[tuple[dict, dict]]:
    """Records matched one to one: same type, one evidence inside the other."""
    used: set[int] = set()
    pairs = []
    for ra in a["records"]:
        for i, rb in enumerate(b["records"]):
            x, y = normalize(ra["evidence"]), normalize(rb["evidence"])
            if i not in used and ra["activity_type"] == rb["activity_type"] and (x in y or y in x):
                used.add(i)
                pairs.append((ra, rb))
                break
    return pairs


def _entry_of(g: Gold, field: str, value: str) -> int | None:
    return next((i for i, e in enumerate(g[field]) if normalize(value) in _forms(e)), None)


def _argument(a: Gold, b: Gold, pairs: list[tuple[dict, dict]], arg: str, field: str | None) -> tuple[int, int, int]:
    tp = fp = fn = 0
    for ra, rb in pairs:
        va, vb = ra[arg], rb[arg]
        if va is None and vb is None:
            continue
        if field and va and vb:
            same = any(_entry_of(g, field, va) is not None and _entry_of(g, field, va) == _entry_of(g, field, vb)
                       for g in (a, b))
        else:
            same = str(va) == str(vb)
        if va is not None and vb is not None and same:
            tp += 1
        else:
            fp += vb is not None
            fn += va is not None
    return tp, fp, fn


def agreement() -> dict[str, list[int]]:
    """Field -> [both, only B, only A] over the doubly-labelled articles."""
    totals: dict[str, list[int]] = {}

    def add(field: str, counts: tuple[int, int, int]) -> None:
        c = totals.setdefault(field, [0, 0, 0])
        for k in range(3):
            c[k] += counts[k]

    for second in sorted((DEV / "second").glob("*.json")):
        b = json.loads(second.read_text(encoding="utf-8"))
        a = json.loads((DEV / "gold" / second.name).read_text(encoding="utf-8"))
        for field in ("units", "communities"):
            add(field, _entries(a, b, field))
        for field, key in KEYS.items():
            sa, sb = {key(e) for e in a[field]}, {key(e) for e in b[field]}
            add(field, (len(sa & sb), len(sb - sa), len(sa - sb)))
        pairs = _pairs(a, b)
        add("records", (len(pairs), len(b["records"]) - len(pairs), len(a["records"]) - len(pairs)))
        for arg, field in (("unit", "units"), ("community", "communities"), ("date", None), ("headcount", None)):
            add("record_" + arg, _argument(a, b, pairs, arg, field))
    return totals


def main() -> None:
    for field, (tp, fp, fn) in agreement().items():
        print(f"{field:17s} F1 {PRF(tp, fp, fn).f1:.3f}  both {tp} only-B {fp} only-A {fn}")


if __name__ == "__main__":
    main()
