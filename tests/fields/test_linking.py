"""Linking: each record gets the arguments of its clause, sentence or context."""
from __future__ import annotations

import pytest
import yaml

from conftest import REPO
from extractor.document import Document
from extractor.pipeline import Pipeline

CASES = yaml.safe_load((REPO / "tests" / "cases" / "linking.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pipeline():
    return Pipeline(REPO / "rules")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_linking(pipeline, case):
    doc = Document(doc_id="t", source="test", raw=case["text"], meta={"published": case["published"]})
    res = pipeline.process(doc)
    by_type = {r["activity_type"]: r for r in res.records}
    for want in case["records"]:
        got = by_type.get(want["activity_type"])
        assert got is not None, (want["activity_type"], sorted(by_type))
        for key, value in want.items():
            assert str(got[key]) == str(value), (want["activity_type"], key, got[key])
