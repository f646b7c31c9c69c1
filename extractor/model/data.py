"""Reading the model's training data in corpora/train/ (see its PROVENANCE.md).

The model learns from human labels only, plus CLUENER2020 (another genre,
labelled by people too): the hand-labelled genre data, two files of one
shape each,

- ``labelled_clauses.jsonl``: ``{"id", "text", "cats": [slug...], "split"}``;
- ``labelled_sentences.jsonl``: ``{"id", "text", "spans": [[start, end, "UNIT"|"COMMUNITY"]], "split"}``;

``split`` is ``train`` or ``test``; the ``test`` items (labelled twice and
adjudicated) are the clean held-out set and are never trained on; the ``train``
split of the hand review activities_reviewed.tsv; and ner_cluener.jsonl. The
rule-labelled files training/derive.py wrote (ner_genre.jsonl,
activities_rules.jsonl) stay for reference and are not trained on.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Iterator

REPO_TRAIN = Path(__file__).resolve().parents[2] / "corpora" / "train"
CLUENER_FILE = "ner_cluener.jsonl"
REVIEWED_FILE = "activities_reviewed.tsv"
LABELLED_CLAUSES, LABELLED_SENTENCES = "labelled_clauses.jsonl", "labelled_sentences.jsonl"
# How many times a hand-labelled sentence is repeated in the recognizer's
# training, so that the 1,500 genre sentences weigh against CLUENER's 10,748
# (chosen by training/compare_sources.py).
HAND_REPEAT = 3
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


def ner_examples(folder: Path = REPO_TRAIN, *, cluener: bool = True, hand_repeat: int = HAND_REPEAT,
                exclude: frozenset[str] = frozenset()) -> Iterator[dict[str, Any]]:
    """Rows ``{"text", "spans": [[start, end, label]], "missing"?: [[start, end]], "repeat"?}``
    of the recognizer: the ``train`` split of the hand-labelled
    labelled_sentences.jsonl (each repeated ``hand_repeat`` times, so that the
    few genre labels weigh against CLUENER's many), then, when ``cluener``,
    CLUENER train (ner_cluener.jsonl), interleaved so that any prefix mixes
    both. Items whose id is in ``exclude`` are left out (a development slice).
    The rule-labelled ner_genre.jsonl is not read: it taught the model the
    rules' blind spots."""
    hand = ({"text": r["text"], "spans": r.get("spans", []), "repeat": hand_repeat}
            for r in labelled(folder, LABELLED_SENTENCES, "train") if r.get("id") not in exclude)
    streams = [hand, *((read_jsonl(folder / CLUENER_FILE),) if cluener else ())]
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


def activity_examples(folder: Path = REPO_TRAIN, *, reviewed: bool = True,
                      exclude: frozenset[str] = frozenset()) -> Iterator[dict[str, Any]]:
    """Rows ``{"text", "cats": [slug...], "repeat": 1}`` of the clause
    classifier: the ``train`` split of the hand-labelled labelled_clauses.jsonl
    and, when ``reviewed``, the ``train`` split of the hand-reviewed
    activities_reviewed.tsv (its ``test`` split is never trained on either).
    Items whose id is in ``exclude`` are left out. The rule-labelled
    activities_rules.jsonl is not read: it taught the classifier the
    trigger lexicon's mistakes."""
    for row in labelled(folder, LABELLED_CLAUSES, "train"):
        if row.get("id") not in exclude:
            yield {"text": row["text"], "cats": sorted(row.get("cats", [])), "repeat": 1}
    if reviewed:
        for key, rev in read_reviewed(folder).items():
            if rev["split"] == "train" and key not in exclude:
                yield {"text": rev["text"], "cats": rev["cats"], "repeat": 1}


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
