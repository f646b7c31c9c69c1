"""Draw dev-external's articles from the external corpora (needs ../shared).

    .venv/bin/python training/sample_dev_external.py [--seed 11] [--xwlb 36] [--hkcnews 20]

CCTV evening-news stories of xwlb-2020 that name 社区 at least twice and
some community work (志愿/下沉/排查/值守/物资/消毒/检测), at most 2,200
characters, and Hong Kong Citizen News articles of hkcnews-2020 that name
社區/屋邨/邨/義工/街坊 at least three times and masks, handouts, disinfection,
testing or supplies, cut after the paragraph that passes 1,600 characters
(the opening of the page, as dev-wide's excerpts are). Only keywords choose
the articles: no extractor is run, so the set does not lean towards what the
rules find. Writes corpora/dev-external/input.jsonl; the gold is labelled by
hand (corpora/dev-external/PROVENANCE.md).
"""
from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXTERNAL = REPO.parent / "shared" / "corpus" / "external"
OUT = REPO / "corpora" / "dev-external" / "input.jsonl"


def _excerpt(text: str, cap: int = 1600) -> str:
    out = ""
    for para in text.split("\n\n"):
        if len(out) + len(para) > cap and len(out) > 600:
            break
        out += para + "\n\n"
    return out.rstrip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--xwlb", type=int, default=36, help="stories of xwlb-2020 (the first ones stay when it grows)")
    ap.add_argument("--hkcnews", type=int, default=20, help="articles of hkcnews-2020 (likewise)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    read = lambda p: [json.loads(line) for line in open(EXTERNAL / p, encoding="utf-8")]
    stories = [s for s in read("xwlb-2020/stories.jsonl")
               if len(re.findall("社区", s["text"])) >= 2 and len(s["text"]) <= 2200
               and re.search("志愿|下沉|排查|值守|物资|消毒|检测", s["text"])]
    articles = [a for a in read("hkcnews-2020/articles.jsonl")
                if len(re.findall("社區|屋邨|邨|義工|街坊", a["text"])) >= 3
                and re.search("口罩|派發|消毒|檢測|物資", a["text"])]
    rng.shuffle(stories)
    rng.shuffle(articles)
    docs = [dict(id=f"xw-{i:02d}", title=s["title"], text=s["text"], published=s["published"],
                 source=s["source"], origin=f"xwlb-2020:{s['id']}") for i, s in enumerate(stories[:args.xwlb], 1)]
    docs += [dict(id=f"hk-{i:02d}", title=a["title"], text=_excerpt(a["text"]), published=a["published"],
                  source=a["source"], origin=f"hkcnews-2020:{a['id']}") for i, a in enumerate(articles[:args.hkcnews], 1)]
    with open(OUT, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    print(f"{len(docs)} articles -> {OUT}")


if __name__ == "__main__":
    main()
