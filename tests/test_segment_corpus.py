"""rjieba gives jieba's words and tags on two whole corpora, after the
pipeline's normalization (hkcnews is traditional script, converted): every
body, in the segmenter's chunks of 400 characters. Needs ../shared; about
half a minute, most of it jieba in Python."""
from __future__ import annotations

import json

import pytest

from conftest import shared_path
from extractor.document import Document
from extractor.pipeline import Pipeline
from extractor.text.segment import Segmenter

pytest.importorskip("rjieba")

CORPORA = ["xwlb-2020/stories.jsonl", "hkcnews-2020/articles.jsonl"]


@pytest.fixture(scope="module")
def segmenters() -> tuple[Segmenter, Segmenter]:
    rust, python = Segmenter("rjieba"), Segmenter("jieba")
    rust.load()
    python.load()
    return rust, python


@pytest.mark.parametrize("corpus", CORPORA)
def test_every_body_segments_as_jieba(corpus, segmenters):
    path = shared_path("corpus", "external", *corpus.split("/"))
    rust, python = segmenters
    normalize = Pipeline(method="rule").normalize
    checked, differ = 0, []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f):
            item = json.loads(line)
            body = normalize(Document(doc_id=str(n), source=str(path), raw=item["text"])).body
            checked += 1
            ours, jiebas = rust.tokenize(body, 0, len(body)), python.tokenize(body, 0, len(body))
            if ours != jiebas:
                k = next((i for i, (a, b) in enumerate(zip(ours, jiebas)) if a != b), min(len(ours), len(jiebas)))
                differ.append(f"doc {n}: {ours[max(0, k - 2):k + 2]} vs {jiebas[max(0, k - 2):k + 2]}")
    assert checked > 800
    assert not differ, f"{len(differ)} of {checked} bodies segment differently: {differ[:5]}"
