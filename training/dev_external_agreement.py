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
import glob, json, os, re, sys, unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.chdir(REPO / "corpora" / "dev-external")
from extractor.normalize.convert import to_simplified
def norm(s): return to_simplified(re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or "")))
tot = {}
def add(f, tp, fp, fn):
    c = tot.setdefault(f, [0, 0, 0]); c[0] += tp; c[1] += fp; c[2] += fn
for p in sorted(glob.glob("second/*.json")):
    b = json.load(open(p)); a = json.load(open("gold/" + os.path.basename(p)))
    for f in ("units", "communities"):
        ea = [{norm(e["name"]), *map(norm, e["aliases"])} for e in a[f]]
        eb = [{norm(e["name"]), *map(norm, e["aliases"])} for e in b[f]]
        tp = sum(any(x & y for y in eb) for x in ea)
        add(f, tp, len(eb) - sum(any(x & y for x in ea) for y in eb), len(ea) - tp)
    for f, key in (("dates", lambda e: e["value"]), ("headcounts", lambda e: str(e["value"])),
                   ("quantities", lambda e: (str(e["value"]), e["measure"]))):
        sa = {key(e) for e in a[f]}; sb = {key(e) for e in b[f]}
        add(f, len(sa & sb), len(sb - sa), len(sa - sb))
    used = set(); pairs = []
    for ra in a["records"]:
        for i, rb in enumerate(b["records"]):
            if i in used or ra["activity_type"] != rb["activity_type"]: continue
            x, y = norm(ra["evidence"]), norm(rb["evidence"])
            if x in y or y in x:
                used.add(i); pairs.append((ra, rb)); break
    add("records", len(pairs), len(b["records"]) - len(pairs), len(a["records"]) - len(pairs))
    forms = lambda g, f: {norm(x): i for i, e in enumerate(g[f]) for x in [e["name"], *e["aliases"]]}
    for arg, f in (("unit", "units"), ("community", "communities"), ("date", None), ("headcount", None)):
        tp = fp = fn = 0
        for ra, rb in pairs:
            va, vb = ra[arg], rb[arg]
            if f and va and vb:
                same = forms(a, f).get(norm(va), "a") == forms(a, f).get(norm(vb), "b") or forms(b, f).get(norm(va), "a") == forms(b, f).get(norm(vb), "b")
            else:
                same = str(va) == str(vb)
            if va is None and vb is None: continue
            if va is not None and vb is not None and same: tp += 1
            else: fp += vb is not None; fn += va is not None
        add("record_" + arg, tp, fp, fn)
for f, (tp, fp, fn) in tot.items():
    print(f"{f:17s} F1 {2*tp/(2*tp+fp+fn) if tp else 0:.3f}  both {tp} only-B {fp} only-A {fn}")
