"""Reading the model's training data in corpora/train/ (see its PROVENANCE.md).

The files are written once by training/derive.py from ../shared; the hand
review of activity labels lives in its own TSV (activities_reviewed.tsv), so
re-deriving the rule labels never loses it.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Iterator

REPO_TRAIN = Path(__file__).resolve().parents[2] / "corpora" / "train"
NER_FILES = ("ner_cluener.jsonl", "ner_genre.jsonl")
ACTIVITY_FILE = "activities_rules.jsonl"
REVIEWED_FILE = "activities_reviewed.tsv"
# How many times a hand-reviewed clause is repeated in the training split.
REVIEWED_REPEAT = 3


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """One object a line; blank lines skipped."""
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as e:
                    raise ValueError(f"{path}:{n}: not JSON: {e}") from None


def read_cluener(path: Path) -> Iterator[dict[str, Any]]:
    """The objects of a CLUENER2020 file (concatenated pretty-printed JSON)."""
    text = path.read_text(encoding="utf-8")
    dec = json.JSONDecoder()
    pos = 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            return
        obj, pos = dec.raw_decode(text, pos)
        yield obj


def ner_examples(folder: Path = REPO_TRAIN) -> Iterator[dict[str, Any]]:
    """Rows ``{"text", "spans": [[start, end, label]], "missing": [[start, end]]}``
    of every NER file, interleaved so that any prefix mixes both sources."""
    streams = [read_jsonl(folder / name) for name in NER_FILES]
    while streams:
        for s in list(streams):
            row = next(s, None)
            if row is None:
                streams.remove(s)
            else:
                yield row


def read_reviewed(folder: Path = REPO_TRAIN) -> dict[str, dict[str, Any]]:
    """Clause id → ``{"cats", "rule_cats", "split", "text"}`` of the hand-reviewed sample."""
    path = folder / REVIEWED_FILE
    out: dict[str, dict[str, Any]] = {}
    if not path.exists():
        return out
    with open(path, encoding="utf-8", newline="") as f:
        rows = (line for line in f if line.strip() and not line.startswith("#"))
        for n, row in enumerate(csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE), 1):
            if not row.get("id") or row.get("cats") is None or row.get("split") not in ("train", "test"):
                raise ValueError(f"{path}: data row {n} needs id, cats and split (train or test)")
            out[row["id"]] = {"cats": _split(row["cats"]), "rule_cats": _split(row.get("rule_cats") or ""),
                              "split": row["split"], "text": row.get("text", "")}
    return out


def _split(cell: str) -> list[str]:
    return sorted(c.strip() for c in cell.split(",") if c.strip())


def activity_examples(folder: Path = REPO_TRAIN) -> Iterator[dict[str, Any]]:
    """Training rows ``{"text", "cats": [slug...], "repeat": n}``: the rule
    labels of each clause, replaced by the hand-reviewed ones where reviewed.
    Reviewed clauses of the ``test`` split are left out (they are the clean
    test set); those of ``train`` are repeated ``REVIEWED_REPEAT`` times in
    the training split, so that the few hand labels weigh against the many
    rule labels."""
    reviewed = read_reviewed(folder)
    for row in read_jsonl(folder / ACTIVITY_FILE):
        rev = reviewed.get(row["id"])
        if rev is None:
            yield {"text": row["text"], "cats": row["cats"], "repeat": 1}
        elif rev["split"] == "train":
            yield {"text": row["text"], "cats": rev["cats"], "repeat": REVIEWED_REPEAT}


def reviewed_test(folder: Path = REPO_TRAIN) -> list[dict[str, Any]]:
    """The held-out hand-reviewed clauses: ``{"text", "cats", "rule_cats"}``."""
    return [r for r in read_reviewed(folder).values() if r["split"] == "test"]
