"""rjieba gives jieba's words on two whole corpora, after the pipeline's
normalization (hkcnews is traditional script, converted): every body, whole.
(Tags follow from the words: both backends read the same table,
test_segment.py.) A body segments as its lines do: jieba cuts at every line
break. Needs ../shared; about half a minute, most of it jieba in Python."""
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
            ours, jiebas = rust.words(body), python.words(body)
            if ours != jiebas:
                k = next(i for i, (a, b) in enumerate(zip(ours, jiebas)) if a != b)
                differ.append(f"doc {n}: {'|'.join(ours[max(0, k - 3):k + 3])} vs {'|'.join(jiebas[max(0, k - 3):k + 3])}")
    assert checked > 800
    assert not differ, f"{len(differ)} of {checked} bodies segment differently: {differ[:5]}"
