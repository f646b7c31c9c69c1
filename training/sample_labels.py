"""Draw the clauses and sentences that people label by hand (corpora/train/labelled_*.jsonl).

Run once by a developer with ../shared beside the clone:

    .venv/bin/python training/sample_labels.py --out DIR [--seed 7]

It writes ``DIR/clauses.jsonl`` and ``DIR/sentences.jsonl``: items to label,
each with an ``id``, the ``text`` and its ``context`` (the sentence around a
clause, the sentences around a sentence), and ``stratum``, the reason it was
drawn. The rules only choose *which* items are drawn, so that their misses
are well represented (issue 13); the labels come from reading, and the
labeller never sees what the rules said.

Strata of clauses (documents that pass the activity topic gate):
- ``rule_silent_cue``: the rules find no activity, but the clause has an
  action-like cue (a verb-like character pattern common in the genre);
- ``rule_labelled``: the rules find an activity;
- ``random``: any clause.
Strata of sentences:
- ``untagged_org_like``: an organization- or community-like suffix outside
  every rule mention;
- ``rule_tagged``: the rules tag a unit or community;
- ``random``: any sentence.
Never reads the dev gold, dev-wide or the seed articles.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "training"))

from derive import clause_id, genre_documents, rule_spans  # noqa: E402
from extractor.analysis import Analysis  # noqa: E402
from extractor.fields.activities import ActivityExtractor  # noqa: E402
from extractor.fields.communities import CommunityExtractor  # noqa: E402
from extractor.fields.units import UnitExtractor  # noqa: E402
from extractor.ruleset import Rules  # noqa: E402
from extractor.text.sentences import sentences  # noqa: E402

# Sampling cues only (which items a person reads), not labels.
ORG_LIKE = re.compile(r"[局委办厅处科所站队院部会组署馆社]|中心|公司|集团|医院|学校|大学|街道|社区|小区|村|支部|协会|专班")
ACTION_CUE = re.compile(r"[送发查测守护巡消扫派组织开展落实服务帮助捐买运值]")
CLAUSES = {"rule_silent_cue": 1500, "rule_labelled": 1000, "random": 700}
SENTENCES = {"untagged_org_like": 800, "rule_tagged": 500, "random": 300}


def _drawn(pools: dict[str, list[dict]], sizes: dict[str, int], rng: random.Random) -> list[dict]:
    out: list[dict] = []
    seen: set[str] = set()
    for name, size in sizes.items():
        pool = [x for x in pools[name] if x["id"] not in seen]
        rng.shuffle(pool)
        for x in pool[:size]:
            seen.add(x["id"])
            out.append(dict(x, stratum=name))
    rng.shuffle(out)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=str(REPO.parent / "shared"))
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    rules = Rules(REPO / "rules")
    acts, units, comms = ActivityExtractor(rules), UnitExtractor(rules), CommunityExtractor(rules)
    cl = {k: [] for k in CLAUSES}
    se = {k: [] for k in SENTENCES}
    seen: set[str] = set()
    for name, doc in genre_documents(Path(args.shared), rules, ("xwlb", "hkcnews", "dxy")):
        body = doc.body
        spans = rule_spans(body, units, comms)
        gated = acts.lexicon.require_any is None or acts.lexicon.require_any.search(body)
        an = Analysis(body)
        if gated:
            acts.extract(an)
        sents = an.sentences
        for i, sent in enumerate(sents):
            stext = body[sent.start:sent.end]
            if 8 <= len(stext) <= 160 and stext not in seen:
                seen.add(stext)
                ctx = "".join(body[s.start:s.end] for s in sents[max(0, i - 1):i + 2])
                item = {"id": clause_id(stext), "text": stext, "context": ctx, "source": name}
                inside = [(s, e) for s, e, _ in spans if s >= sent.start and e <= sent.end]
                free = [m for m in ORG_LIKE.finditer(stext)
                        if not any(s <= sent.start + m.start() < e for s, e in inside)]
                if free:
                    se["untagged_org_like"].append(item)
                if inside:
                    se["rule_tagged"].append(item)
                se["random"].append(item)
            if not gated:
                continue
            kept = [t for t in an.triggers if t.start >= sent.start and t.end <= sent.end]
            for c in an.clauses(sent):
                ctext = body[c.start:c.end]
                if not 4 <= len(ctext) <= 120 or ctext in seen:
                    continue
                seen.add(ctext)
                item = {"id": clause_id(ctext), "text": ctext, "context": stext, "source": name}
                if any(c.start <= t.start < c.end for t in kept):
                    cl["rule_labelled"].append(item)
                elif ACTION_CUE.search(ctext):
                    cl["rule_silent_cue"].append(item)
                cl["random"].append(item)
    rng = random.Random(args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for fname, rows in (("clauses.jsonl", _drawn(cl, CLAUSES, rng)), ("sentences.jsonl", _drawn(se, SENTENCES, rng))):
        with open(out / fname, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"{out / fname}: {len(rows)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
