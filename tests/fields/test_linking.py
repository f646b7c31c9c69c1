"""Linking: each record gets the arguments of its clause, sentence or context."""
from __future__ import annotations

import pytest

from conftest import cases
from conftest import REPO
from extractor.document import Document
from extractor.pipeline import Pipeline

CASES = cases("linking", expect=("record_args",), inputs=("text", "published", "title?"))


@pytest.fixture(scope="module")
def pipeline():
    return Pipeline(REPO / "rules")


@pytest.mark.parametrize("case", CASES)
def test_linking(pipeline, case):
    doc = Document(doc_id="t", source="test", raw=case["text"],
                   meta={"published": case["published"], "title": case.get("title", "")})
    res = pipeline.process(doc)
    by_type = {r["activity_type"]: r for r in res.records}
    for activity_type, args in case["expect"]["record_args"].items():
        got = by_type.get(activity_type)
        assert got is not None, (activity_type, sorted(by_type))
        assert str(got["activity_type"]) == activity_type
        for key, value in args.items():
            assert str(got[key]) == str(value), (activity_type, key, got[key])
