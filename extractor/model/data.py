"""Reading the model's training data in corpora/train/ (see its PROVENANCE.md).

The weakly labelled files are written once by training/derive.py from
../shared; the hand review of activity labels lives in its own TSV
(activities_reviewed.tsv), so re-deriving the rule labels never loses it.
The human-labelled genre data, when present, is two files of one shape each:

- ``labelled_clauses.jsonl``: ``{"id", "text", "cats": [slug...], "split"}``;
- ``labelled_sentences.jsonl``: ``{"id", "text", "spans": [[start, end, "UNIT"|"COMMUNITY"]], "split"}``;

``split`` is ``train`` or ``test``; the ``test`` items (labelled twice) are
the clean held-out set and are never trained on.
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
LABELLED_CLAUSES, LABELLED_SENTENCES = "labelled_clauses.jsonl", "labelled_sentences.jsonl"
# How many times a hand-reviewed or hand-labelled item is repeated in
# training, so that the few hand labels weigh against the many weak ones.
REVIEWED_REPEAT = 3
SPLITS = ("train", "test")


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


def labelled(folder: Path, name: str, split: str) -> list[dict[str, Any]]:
    """The hand-labelled items of ``split`` in ``folder/name`` (none when the
    file is absent); an item without ``text`` or with another split raises ValueError."""
    path = folder / name
    if not path.exists():
        return []
    out = []
    for n, row in enumerate(read_jsonl(path), 1):
        if not isinstance(row.get("text"), str) or row.get("split") not in SPLITS:
            raise ValueError(f"{path}: item {n} needs a text and a split ({' or '.join(SPLITS)})")
        if row["split"] == split:
            out.append(row)
    return out


def ner_examples(folder: Path = REPO_TRAIN) -> Iterator[dict[str, Any]]:
    """Rows ``{"text", "spans": [[start, end, label]], "missing": [[start, end]], "repeat"?}``
    of every NER file, interleaved so that any prefix mixes all sources; the
    hand-labelled sentences of the ``train`` split, when present, come in
    with ``repeat`` = ``REVIEWED_REPEAT``."""
    hand = ({"text": r["text"], "spans": r.get("spans", []), "repeat": REVIEWED_REPEAT}
            for r in labelled(folder, LABELLED_SENTENCES, "train"))
    streams = [hand, *(read_jsonl(folder / name) for name in NER_FILES)]
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
    for row in labelled(folder, LABELLED_CLAUSES, "train"):
        yield {"text": row["text"], "cats": list(row.get("cats", [])), "repeat": REVIEWED_REPEAT}
    for row in read_jsonl(folder / ACTIVITY_FILE):
        rev = reviewed.get(row["id"])
        if rev is None:
            yield {"text": row["text"], "cats": row["cats"], "repeat": 1}
        elif rev["split"] == "train":
            yield {"text": row["text"], "cats": rev["cats"], "repeat": REVIEWED_REPEAT}


def reviewed_test(folder: Path = REPO_TRAIN) -> list[dict[str, Any]]:
    """The held-out hand-reviewed clauses: ``{"text", "cats", "rule_cats"}``."""
    return [r for r in read_reviewed(folder).values() if r["split"] == "test"]


def clean_clauses(folder: Path = REPO_TRAIN) -> tuple[str, list[dict[str, Any]]]:
    """The clean held-out clauses ``{"text", "cats"}`` and where they come
    from: the ``test`` split of labelled_clauses.jsonl when present, else
    that of activities_reviewed.tsv."""
    test = labelled(folder, LABELLED_CLAUSES, "test")
    if test:
        return LABELLED_CLAUSES, [{"text": r["text"], "cats": sorted(r.get("cats", []))} for r in test]
    return REVIEWED_FILE, [{"text": r["text"], "cats": r["cats"]} for r in reviewed_test(folder)]


def clean_sentences(folder: Path = REPO_TRAIN) -> list[dict[str, Any]]:
    """The held-out hand-labelled sentences ``{"text", "spans"}`` (none before they exist)."""
    return [{"text": r["text"], "spans": r.get("spans", [])} for r in labelled(folder, LABELLED_SENTENCES, "test")]
