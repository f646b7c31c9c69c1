"""Derive the model's training data in corpora/train/ from ../shared/corpus/external.

Run once by a developer who has ../shared beside the clone (a user's clone
has none: it trains from the files this script wrote, which are committed):

    .venv/bin/python training/derive.py [--shared ../shared] [--seed 0]

It writes, each line one JSON object:

- ``ner_cluener.jsonl``: CLUENER2020 train sentences; ``government`` and
  ``organization`` spans become UNIT, ``company`` spans are left unannotated
  (missing, neither UNIT nor outside: the project counts enterprises as units,
  CLUENER's UNIT label does not), communities found by the rules become
  COMMUNITY where they overlap no CLUENER span but an address.
- ``ner_genre.jsonl``: sentences of xwlb-2020, hkcnews-2020 and dxy-news (normalized by
  the project's Normalizer, so Hong Kong text is simplified) with the rule
  extractors' unit and community spans (outermost ones) as weak labels.
- ``activities_rules.jsonl``: clauses of xwlb-2020, hkcnews-2020 and
  dxy-news labelled with the activity types whose rule triggers survive the
  rules' non-work filters in that clause. Hand corrections are kept apart in
  ``activities_corrections.tsv`` and applied at training time.

Never reads the dev gold or the seed articles.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Iterator

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from extractor.document import Document, Mention  # noqa: E402
from extractor.analysis import Analysis  # noqa: E402
from extractor.fields.activities import ActivityExtractor  # noqa: E402
from extractor.fields.communities import CommunityExtractor  # noqa: E402
from extractor.fields.units import UnitExtractor  # noqa: E402
from extractor.model.data import read_cluener, read_reviewed  # noqa: E402
from extractor.normalize import Normalizer  # noqa: E402
from extractor.read import iter_documents  # noqa: E402
from extractor.ruleset import Rules  # noqa: E402
from extractor.text.sentences import sentences  # noqa: E402

OUT = REPO / "corpora" / "train"
# Sentences longer than this are rare in CLUENER and mostly lists in the genre.
MAX_SENT = 160
MIN_SENT = 8
GENRE_WITH_ENTS = 7000
GENRE_WITHOUT = 2500
ACT_POSITIVE = 9000
ACT_NEGATIVE = 9000
# CLUENER kinds that are UNIT (the mapping; scored as one label).
UNIT_KINDS = ("government", "organization")


def cluener_spans(obj: dict[str, Any]) -> list[tuple[int, int, str]]:
    """(start, end, CLUENER kind) with exclusive ends."""
    out = []
    for kind, ents in (obj.get("label") or {}).items():
        for offsets in ents.values():
            for s, e in offsets:
                out.append((s, e + 1, kind))
    return sorted(out)


def outermost(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Non-overlapping spans, longer first then leftmost."""
    taken: list[tuple[int, int, str]] = []
    for s, e, lab in sorted(spans, key=lambda t: (t[0] - t[1], t[0])):
        if all(e <= a or s >= b for a, b, _ in taken):
            taken.append((s, e, lab))
    return sorted(taken)


def rule_spans(body: str, units: UnitExtractor, comms: CommunityExtractor) -> list[tuple[int, int, str]]:
    ms: list[Mention] = units(body, None) + comms(body, None)
    return outermost([(m.start, m.end, "UNIT" if m.field == "unit" else "COMMUNITY") for m in ms])


def derive_cluener(shared: Path, rules: Rules) -> list[dict[str, Any]]:
    comms = CommunityExtractor(rules)
    out = []
    for obj in read_cluener(shared / "corpus/external/cluener/train.json"):
        text = obj["text"]
        spans = cluener_spans(obj)
        units = [[s, e, "UNIT"] for s, e, kind in spans if kind in UNIT_KINDS]
        missing = [[s, e] for s, e, kind in spans if kind == "company"]
        # a community inside an address is one (北京市朝阳区天通苑); inside any other span it is not
        taken = [(s, e) for s, e, kind in spans if kind != "address"]
        extra = [[m.start, m.end, "COMMUNITY"] for m in comms(text, None)
                 if all(m.end <= a or m.start >= b for a, b in taken)]
        extra = [list(t) for t in outermost([tuple(x) for x in extra])]
        out.append({"text": text, "spans": sorted(units + extra), "missing": missing, "source": "cluener-train"})
    return out


def genre_documents(shared: Path, rules: Rules, names: tuple[str, ...]) -> Iterator[tuple[str, Document]]:
    """Normalized documents of the genre corpora (traditional → simplified)."""
    norm = Normalizer(rules)
    files = {"xwlb": "xwlb-2020/stories.jsonl", "hkcnews": "hkcnews-2020/articles.jsonl"}
    for name in names:
        if name == "dxy":
            yield from _dxy(shared, norm)
            continue
        for doc in iter_documents([shared / "corpus/external" / files[name]]):
            try:
                norm(doc)
            except Exception:  # noqa: BLE001 - skip a document the normalizer refuses
                continue
            if doc.status == "ok" and doc.body.strip():
                yield name, doc


def _dxy(shared: Path, norm: Normalizer) -> Iterator[tuple[str, Document]]:
    seen = set()
    with open(shared / "corpus/external/dxy-news/DXYNews.csv", encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            text = (row.get("summary") or "").strip()
            if not text or text in seen:
                continue
            seen.add(text)
            doc = Document(doc_id=row.get("_id", ""), source="dxy", raw=text)
            norm(doc)
            if doc.body.strip():
                yield "dxy", doc


def derive_genre(shared: Path, rules: Rules, rng: random.Random) -> list[dict[str, Any]]:
    units, comms = UnitExtractor(rules), CommunityExtractor(rules)
    with_ents, without = [], []
    seen: set[str] = set()
    for name, doc in genre_documents(shared, rules, ("xwlb", "hkcnews", "dxy")):
        body = doc.body
        spans = rule_spans(body, units, comms)
        for sent in sentences(body):
            text = body[sent.start:sent.end]
            if not MIN_SENT <= len(text) <= MAX_SENT or text in seen:
                continue
            seen.add(text)
            mine = [[s - sent.start, e - sent.start, lab] for s, e, lab in spans
                    if s >= sent.start and e <= sent.end]
            ex = {"text": text, "spans": mine, "missing": [], "source": name}
            (with_ents if mine else without).append(ex)
    # Communities are rare in national and Hong Kong news: keep every
    # sentence that names one, then fill up with unit sentences.
    rng.shuffle(with_ents)
    rng.shuffle(without)
    comm = [ex for ex in with_ents if any(s[2] == "COMMUNITY" for s in ex["spans"])]
    rest = [ex for ex in with_ents if not any(s[2] == "COMMUNITY" for s in ex["spans"])]
    return comm + rest[:max(0, GENRE_WITH_ENTS - len(comm))] + without[:GENRE_WITHOUT]


def clause_labels(body: str, acts: ActivityExtractor) -> Iterator[tuple[str, str, list[str]]]:
    """(clause, sentence, activity types whose triggers survive in the clause)."""
    lex = acts.lexicon
    if lex.require_any is not None and not lex.require_any.search(body):
        return
    doc = Analysis(body)
    acts.extract(doc)  # the triggers its filters keep land in doc.triggers
    for sent in doc.sentences:
        kept = [t for t in doc.triggers if t.start >= sent.start and t.end <= sent.end]
        for c in doc.clauses(sent):
            labels = sorted({str(t.slug) for t in kept if c.start <= t.start < c.end})
            yield body[c.start:c.end], body[sent.start:sent.end], labels


def derive_activities(shared: Path, rules: Rules, rng: random.Random) -> list[dict[str, Any]]:
    acts = ActivityExtractor(rules)
    pos, neg = [], []
    seen: set[str] = set()
    for name, doc in genre_documents(shared, rules, ("xwlb", "hkcnews", "dxy")):
        for clause, sent, labels in clause_labels(doc.body, acts):
            if not 4 <= len(clause) <= 120 or clause in seen:
                continue
            seen.add(clause)
            ex = {"id": clause_id(clause), "text": clause, "cats": labels, "source": name}
            (pos if labels else neg).append(ex)
    rng.shuffle(pos)
    rng.shuffle(neg)
    # Hand-reviewed clauses stay in, whatever the sampling draws this time.
    reviewed = set(read_reviewed(OUT))
    chosen = pos[:ACT_POSITIVE] + neg[:ACT_NEGATIVE]
    have = {ex["id"] for ex in chosen}
    chosen += [ex for ex in pos[ACT_POSITIVE:] + neg[ACT_NEGATIVE:] if ex["id"] in reviewed and ex["id"] not in have]
    lost = reviewed - {ex["id"] for ex in chosen}
    if lost:
        print(f"warning: {len(lost)} reviewed clauses are no longer produced (rules or normalizer changed)",
              file=sys.stderr)
    return chosen


def clause_id(text: str) -> str:
    """A stable id of a clause text (corrections refer to it)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{path.relative_to(REPO)}: {len(rows)} lines, {path.stat().st_size / 1e6:.2f} MB")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=str(REPO.parent / "shared"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", choices=["ner", "activities"], default=None)
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    rules = Rules(REPO / "rules")
    OUT.mkdir(parents=True, exist_ok=True)
    if args.only in (None, "ner"):
        write_jsonl(OUT / "ner_cluener.jsonl", derive_cluener(shared, rules))
        genre = derive_genre(shared, rules, random.Random(args.seed))
        write_jsonl(OUT / "ner_genre.jsonl", genre)
        print(Counter(s[2] for ex in genre for s in ex["spans"]))
    if args.only in (None, "activities"):
        rows = derive_activities(shared, rules, random.Random(args.seed))
        write_jsonl(OUT / "activities_rules.jsonl", rows)
        print(Counter(c for r in rows for c in r["cats"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
