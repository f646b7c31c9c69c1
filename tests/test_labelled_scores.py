"""The rules scored on the hand-labelled genre data of corpora/train/, held to
the figures they reached: a rule that fits the dev sets but hurts on the
1,600 labelled sentences or the 3,200 labelled clauses fails here.

Both sets were labelled by reading, by other labellers than the dev sets'
(corpora/train/PROVENANCE.md), so they check a change against people who
never saw it. Sentences run alone (no ../shared needed); clauses are judged
in their source documents, which only ../shared holds.
"""
from __future__ import annotations

import json
import sys

import pytest

from conftest import REPO, shared_path
from extractor.analysis import Analysis
from extractor.fields.communities import CommunityExtractor
from extractor.fields.units import UnitExtractor
from extractor.model.merge import FIELD_OF
from extractor.ruleset import load_rules

sys.path.insert(0, str(REPO / "benchmarks"))
import methods  # noqa: E402  (benchmarks/methods.py: the scoring the README's tables use)

TRAIN = REPO / "corpora" / "train"
# F1 of the rules, 2026-12-04 (late session): outermost rule spans against the labelled spans, exact
# boundaries; the activity types of a clause against its labels, micro-averaged over types.
SENTENCE_FIGURES = {("train", "unit"): 0.842, ("test", "unit"): 0.793}
# The clauses' figures fell on 2026-12-04 (night) from 0.530 / 0.563: these labels type directives (要加大…宣传教育)
# as work, issue 12's convention and the rules since then do not (corpora/train/PROVENANCE.md).
CLAUSE_FIGURES = {"train": 0.524, "test": 0.522}


@pytest.fixture(scope="module")
def sentence_counts() -> dict[tuple[str, str], list[int]]:
    rules = load_rules()
    extractors = (UnitExtractor(rules), CommunityExtractor(rules))
    counts: dict[tuple[str, str], list[int]] = {}
    for line in (TRAIN / "labelled_sentences.jsonl").open(encoding="utf-8"):
        item = json.loads(line)
        doc = Analysis(item["text"])
        found = [m for x in extractors for m in x.extract(doc)]
        for field in ("unit", "community"):
            gold = {(s, e) for s, e, label in item["spans"] if FIELD_OF.get(label) == field}
            pred = methods.outermost(found, field)
            methods.count(pred, gold, counts.setdefault((item["split"], field), [0, 0, 0]))
    return counts


@pytest.mark.parametrize("split,field", sorted(SENTENCE_FIGURES))
def test_units_of_the_labelled_sentences_fall_no_lower(sentence_counts, split, field):
    got = methods.prf(*sentence_counts[split, field])[2]
    assert got >= SENTENCE_FIGURES[split, field] - 0.02, (split, field, round(got, 3), sentence_counts[split, field])


@pytest.fixture(scope="module")
def clause_counts() -> dict[str, list[int]]:
    shared = shared_path("corpus", "external").parent.parent
    rows = [json.loads(line) for line in (TRAIN / "labelled_clauses.jsonl").open(encoding="utf-8")]
    predicted = methods.rule_in_documents(shared, load_rules(), [r["text"] for r in rows])
    if predicted is None:
        pytest.skip("the labelled clauses' source documents are not in ../shared/corpus/external")
    counts: dict[str, list[int]] = {}
    for row, pred in zip(rows, predicted):
        methods.count(pred, set(row["cats"]), counts.setdefault(row["split"], [0, 0, 0]))
    return counts


@pytest.mark.parametrize("split", sorted(CLAUSE_FIGURES))
def test_activity_types_of_the_labelled_clauses_fall_no_lower(clause_counts, split):
    got = methods.prf(*clause_counts[split])[2]
    assert got >= CLAUSE_FIGURES[split] - 0.02, (split, round(got, 3), clause_counts[split])
