"""Evaluation errors with the sentence each one is about (notebook 02)."""
from __future__ import annotations

import os

import pandas as pd

from ..evaluate import SCORED_FIELDS, judge


def errors_with_sentences(outdir: str | os.PathLike, golddir: str | os.PathLike,
                          field: str) -> pd.DataFrame:
    """The false positives and negatives of ``field`` (as
    :func:`extractor.evaluate.errors` lists them) with a ``sentence`` column.

    For ``records`` the value is the sentence (the predicted one for a fp,
    the gold evidence for a fn). For a record argument (``record_unit``, …)
    it is the predicted sentence of the matched record: :func:`judge` lists
    a matched record's argument judgements right after the record's own.
    Other fields are not tied to one sentence; theirs is empty.
    """
    if field not in SCORED_FIELDS:
        raise ValueError(f"unknown field {field!r}; one of: {', '.join(SCORED_FIELDS)}")
    judgements, _ = judge(outdir, golddir)
    rows = []
    sentence = ""
    for j in judgements:
        if j.field == "records" and j.verdict == "tp":
            sentence = j.value
        if j.field != field or j.verdict == "tp":
            continue
        said = j.value if field == "records" else sentence if field.startswith("record_") else ""
        rows.append({"doc_id": j.doc_id, "verdict": j.verdict, "value": j.value,
                     "detail": j.detail, "sentence": said})
    return pd.DataFrame(rows, columns=["doc_id", "verdict", "value", "detail", "sentence"])
