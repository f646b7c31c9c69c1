"""Traditional-script originals (issue 16, friction 8): for traditional and
mixed documents, ``text_original`` (mentions), ``sentence_original``
(records) and ``title_original`` (documents) give the text as the input
wrote it, mapped through width folding, conversion and clean-up."""
from __future__ import annotations

import json
from itertools import islice

import pandas as pd
import pytest

from conftest import SEED_004, shared_path
import extractor
from extractor.document import Document
from extractor.normalize import Normalizer, fold_width, simplify
from extractor.normalize.original import UNKNOWN, align, fold_with_origin
from extractor.settings import Settings

# Made up: a Hong Kong page with navigation, a ——subtitle, a dateline, full-width
# digits and punctuation, Markdown bold, an ellipsis and CRLF line breaks.
HK = ("首頁 > 新聞\r\n義工上門派發防疫物資\r\n——東區婦女會關愛長者\r\n發佈時間：2020-03-06\r\n\r\n"
      "**本報訊**　３月５日，東區婦女會30名義工到大圍村探訪長者……並派發口罩及搓手液。\r\n\r\n\r\n\r\n"
      "衞生署派員到大圍村巡查，為居民測量體溫。")
SIMPLIFIED = "社区防控见闻\n3月5日,20名党员在青石社区值守卡口。"


@pytest.fixture(scope="module")
def normalizer(rules):
    return Normalizer(rules)


@pytest.fixture(scope="module")
def tables():
    return extractor.extract_texts([HK, SIMPLIFIED], settings=Settings(method="rule"))


def _empty(value) -> bool:
    return value is None or bool(pd.isna(value)) or value == ""


@pytest.mark.parametrize("text", ["a\r\nb\rc", "……１２，：", "社區\x00幹部\u200b", "㈠ ㎡", "", "純中文"])
def test_fold_with_origin_is_fold_width_with_a_map(text):
    folded, origin = fold_with_origin(text, fold_width)
    assert folded == fold_width(text) and len(origin) == len(folded)
    assert list(origin) == sorted(origin)
    for i, pos in enumerate(origin):
        assert folded[i] in fold_width(text[pos]), (i, pos)


@pytest.mark.parametrize("text", ["ｶﾞ", "e\u0301"])
def test_characters_composed_across_give_no_map(normalizer, text):
    # NFKC composes these pairs into one character: no character-wise map, so
    # the document keeps no originals rather than wrong ones.
    assert fold_with_origin(text, fold_width) is None
    doc = normalizer(Document(doc_id="x", source="t", raw=f"社區幹部上門測體溫，{text}。"))
    assert doc.script == "traditional" and doc.originals is None and doc.title_original == ""


def test_align_follows_deleted_lines_markup_and_an_inserted_title():
    source = "导航 首页\n**本报讯** 第一段。   \n\n\n\n第二段:2020-03-06 来源:某报"
    body = "标题\n\n本报讯 第一段。\n\n第二段:来源:某报"
    to = align(body, source)
    for i, pos in enumerate(to):
        assert pos == UNKNOWN or source[pos] == body[i], (i, body[i])
    assert [to[i] for i in range(2)] == [UNKNOWN, UNKNOWN]  # 标题 is not in the source
    start = body.index("本报讯")
    assert source[to[start]:to[start] + 3] == "本报讯"
    assert to[body.index("第二段")] == source.index("第二段")
    assert to[body.index("来源")] == source.index("来源")


def test_normalizer_keeps_the_original_of_every_line(normalizer):
    doc = normalizer(Document(doc_id="hk", source="t", raw=HK))
    assert doc.script == "traditional" and doc.published == "2020-03-06"
    assert doc.title == "义工上门派发防疫物资——东区妇女会关爱长者"
    assert doc.title_original == "義工上門派發防疫物資——東區婦女會關愛長者"
    for line in filter(None, doc.body.split("\n")):
        at = doc.body.index(line)
        assert simplify(doc.originals.text(at, at + len(line))) == line
    at = doc.body.index("3月5日")
    assert doc.originals.text(at, at + 4) == "３月５日"
    at = doc.body.index("长者......并")
    assert doc.originals.text(at, at + 9) == "長者……並"


def test_tables_carry_the_originals(tables):
    docs = tables.documents.set_index("doc_id")
    assert docs.loc["text-1", "title_original"] == "義工上門派發防疫物資——東區婦女會關愛長者"
    assert _empty(docs.loc["text-2", "title_original"])
    m = tables.mentions
    rows = m[m["doc_id"] == "text-1"]
    hk = dict(zip(rows["text"], rows["text_original"]))
    assert hk["3月5日"] == "３月５日"
    assert hk["大围村"] == "大圍村"
    assert m.loc[m["doc_id"] == "text-2", "text_original"].map(_empty).all()
    r = tables.records
    hk_rec = r[r["doc_id"] == "text-1"]
    assert len(hk_rec) and "測量體溫" in set(hk_rec["sentence_original"].str.slice(-5, -1))
    for row in hk_rec.itertuples():
        assert simplify(row.sentence_original) == row.sentence
    assert r.loc[r["doc_id"] == "text-2", "sentence_original"].map(_empty).all()


def test_traditional_seed_originals_convert_back():
    t = extractor.extract_texts([SEED_004], settings=Settings(method="rule"))
    assert t.documents.loc[0, "script"] == "traditional"
    assert t.documents.loc[0, "title_original"] == "下沉就是要沉進“小事”裡"
    assert len(t.mentions) > 30
    for row in t.mentions.itertuples():
        assert simplify(row.text_original) == row.text, row


def test_hong_kong_news_originals_convert_back(normalizer):
    path = shared_path("corpus", "external", "hkcnews-2020", "articles.jsonl")
    with path.open(encoding="utf-8") as f:
        for line in islice(f, 150):
            doc = normalizer(Document(doc_id="hk", source="t", raw=json.loads(line)["text"]))
            assert doc.originals is not None
            for text in filter(None, doc.body.split("\n")):
                at = doc.body.index(text)
                assert simplify(doc.originals.text(at, at + len(text))) == text
