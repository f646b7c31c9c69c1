"""The human-labelled genre data in corpora/train/ (issue 13): shape and
integrity (valid slugs, spans inside their text, one test split of the
doubly-labelled items), and the agreement script on a toy file."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.fields.activities import load_lexicon
from extractor.ruleset import Rules

REPO = Path(__file__).resolve().parent.parent
TRAIN = REPO / "corpora" / "train"


def _rows(name: str) -> list[dict]:
    return [json.loads(line) for line in open(TRAIN / name, encoding="utf-8")]


def test_clauses_have_valid_types_and_unique_ids():
    slugs = set(load_lexicon(Rules(REPO / "rules")).slugs)
    rows = _rows("labelled_clauses.jsonl")
    assert len(rows) >= 3000
    assert len({r["id"] for r in rows}) == len(rows)
    assert all(set(r["cats"]) <= slugs and r["split"] in ("train", "test") for r in rows)


def test_sentence_spans_lie_inside_their_text_and_do_not_overlap():
    rows = _rows("labelled_sentences.jsonl")
    assert len(rows) >= 1500
    for r in rows:
        ends = -1
        for s, e, label in r["spans"]:
            assert 0 <= s < e <= len(r["text"]) and label in ("UNIT", "COMMUNITY"), r
            assert s >= ends, r
            ends = e


def test_the_doubly_labelled_items_are_the_test_split():
    twice = {r["id"] for r in _rows("labelled_agreement.jsonl")}
    test = {r["id"] for name in ("labelled_clauses.jsonl", "labelled_sentences.jsonl")
            for r in _rows(name) if r["split"] == "test"}
    assert len(twice) == 200 and test == twice


@pytest.mark.parametrize("a,b,label,f1", [
    (["testing"], ["testing"], "testing", 1.0),
    (["testing"], [], "testing", 0.0),
    ([], [], "(none)", 1.0),
    (["testing"], ["testing", "screening"], "screening", 0.0),
])
def test_clause_agreement(a, b, label, f1):
    import sys
    sys.path.insert(0, str(REPO / "training"))
    from agreement import clause_agreement
    got = {lab: f for lab, _, f, _ in clause_agreement([{"a": a, "b": b}])}
    assert got[label] == pytest.approx(f1)
