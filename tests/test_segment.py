"""The segmenter (extractor/text/segment.py): rjieba gives jieba's words and
tags, each known difference of jieba-rs handled, and jieba is the fallback.
The same comparison on every line of two whole corpora: test_segment_corpus.py."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import REPO
from extractor.text import jieba_dict
from extractor.text.segment import Segmenter

rjieba = pytest.importorskip("rjieba")


@pytest.fixture(scope="module")
def rust() -> Segmenter:
    s = Segmenter("rjieba")
    s.load()
    return s


@pytest.fixture(scope="module")
def python() -> Segmenter:
    s = Segmenter("jieba")
    s.load()
    return s


def _python(code: str, **env: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True, capture_output=True,
                         text=True, env={**os.environ, **env})
    return out.stdout.strip()


# Where raw jieba-rs and jieba disagree (found on xwlb-2020 and hkcnews-2020),
# by the difference each one shows.
DIFFERENCES = {
    # 1. characters jieba does not count as Chinese (CJK extension B, A, compatibility)
    "outside jieba's range": ["去唔到𠮶个位,系性格问题", "我系𠮶啲比较钟意", "......𠮶", "中㐀㐁国", "这是\u9fd6\u9fd7字"],
    # 2. letters and digits in an unknown stretch (jieba-rs's HMM keeps them whole)
    "letters and digits": ["1-11日", "美国空军有4架E-11A飞机", "PBS-950U型和PBS-955", "www.gfbzb.gov.cn",
                           "T-34坦克等二战经典装备", "P-3C", "737-800", "1-11.5", "a+b#c&d_e%f-g.h"],
}
# Blocks with letters and digits that take every branch of the HMM step:
# dictionary words with letters (B超, T恤), runs of single characters that
# are a dictionary word (kept apart), Chinese stretches the HMM cuts.
MIXED = ["做B超和T恤", "3D打印技术", "2020年1月23日武汉封城", "第1-3号楼居民", "Covid-19疫情防控工作组",
         "100%覆盖", "C++和c#", "AT&T公司", "核酸检测3.5万人次", "Ａ栋5楼", "x光片abc测试"]
PLAIN = ["各级干部下沉社区开展核酸检测", "武汉市江汉区民意街道办事处", "金域华府小区", "", " ", "\r\n\t",
         "「我冇去到而家啲后生咁勇」", "，。、；：？！", "〇"]


@pytest.mark.parametrize("text", [t for ts in DIFFERENCES.values() for t in ts] + MIXED + PLAIN)
def test_words_and_tags_are_jiebas(rust, python, text):
    assert rust.tokenize(text, 0, len(text)) == python.tokenize(text, 0, len(text))


@pytest.mark.parametrize("kind", DIFFERENCES)
def test_each_difference_is_real(python, kind):
    # Without the handling, jieba-rs gives other words on these texts: the
    # cases above test something (if a jieba-rs release fixes a difference,
    # its handling here can go).
    assert any(rjieba.cut(t) != python.words(t) for t in DIFFERENCES[kind])


@pytest.mark.parametrize("text", [t for ts in DIFFERENCES.values() for t in ts] + MIXED + PLAIN)
def test_dictionary_lattice_is_jiebas_dag(rust, python, text):
    assert rust.dictionary_words(text) == python.dictionary_words(text)


@pytest.mark.parametrize("text, expected", [
    # every dictionary word, overlapping ones included, offsets into the text
    ("中国疾控中心", {"中国", "疾控中心", "中心"}),
    ("他在武汉市", {"武汉", "武汉市"}),
    ("A栋中国人", {"中国", "国人"}),   # only runs of Chinese characters, offsets into the whole text
    ("", set()),
])
def test_dictionary_lattice_lists_every_word(rust, text, expected):
    spans = rust.dictionary_words(text)
    assert {text[s:e] for s, e in spans} == expected
    assert all(e - s >= 2 for s, e in spans) and spans == sorted(spans)


def test_dictionary_lattice_survives_a_listing_out_of_order(rust):
    backend = rust._load()
    real = backend._cut_all
    try:
        backend._cut_all = lambda run: list(reversed(real(run)))  # not jieba-rs's order: redone by lookups
        assert rust.dictionary_words("中国疾控中心") == [(0, 2), (2, 6), (4, 6)]
    finally:
        backend._cut_all = real


def test_offsets_follow_the_body(rust):
    body = "前文。武汉市江汉区民意街道办事处1-11日组织"
    toks = rust.tokenize(body, 3, len(body))
    assert toks[0].start == 3 and toks[-1].end == len(body)
    assert all(body[t.start:t.end] == t.word for t in toks)
    assert all(a.end == b.start for a, b in zip(toks, toks[1:]))


def test_long_runs_are_cut_into_chunks_as_before(rust, python):
    text = "社区工作者" * 300  # 1,500 characters: four chunks of at most 400
    assert rust.tokenize(text, 0, len(text)) == python.tokenize(text, 0, len(text))
    assert any(t.start == 400 for t in rust.tokenize(text, 0, len(text)))


# ------------------------------------------------------------ the dictionary
def test_tag_table_is_jieba_posseg_table():
    # load_tags reads dict.txt without importing jieba; it must be the table
    # jieba.posseg builds, and the total jieba counts.
    own = _python("import hashlib, json, jieba, jieba.posseg; jieba.setLogLevel(60); jieba.initialize();"
                  "t = jieba.posseg.dt.word_tag_tab;"
                  "print(json.dumps([hashlib.sha256(repr(sorted(t.items())).encode()).hexdigest(), jieba.dt.total]))")
    tags, total = jieba_dict.load_tags()
    import hashlib

    assert json.loads(own) == [hashlib.sha256(repr(sorted(tags.items())).encode()).hexdigest(), total]


def test_every_dictionary_word_has_jiebas_tag(rust):
    # rjieba's own tags, and the cached exceptions for the words it segments apart
    tags, _ = jieba_dict.load_tags()
    assert {w: t for w, t in tags.items() if rust.tag(w) != t} == {}
    assert rust.tag("不是一个词语") is None and rust.tag("") is None


def test_tag_exceptions_are_cached_and_rebuilt_when_garbled(tmp_path):
    first = jieba_dict.rjieba_tag_exceptions(str(tmp_path))
    (cache,) = tmp_path.glob("extractor-rjieba-tags-*.marshal")
    assert 5_000 < len(first[0]) < 20_000 and first[1] == 60101967
    cache.write_bytes(b"\x00garbled")
    jieba_dict.rjieba_tag_exceptions.cache_clear()
    assert jieba_dict.rjieba_tag_exceptions(str(tmp_path)) == first


def test_dictionary_has_what_the_mixed_block_path_assumes():
    tags, _ = jieba_dict.load_tags()
    # no word of letters and digits only (jieba-rs's joined single letters
    # are taken apart again), every word known to jieba-rs
    assert not [w for w in tags if len(w) > 1 and w.isascii() and w.isalnum()]
    assert all(rjieba.has_word(w) for w in tags)
    # no word of count 0 (has_word stands for jieba's FREQ.get, which is 0 for a prefix)
    lines = jieba_dict.dictionary_file().read_text(encoding="utf-8").splitlines()
    assert not [line for line in lines if line.split(" ")[1] == "0"]


_TOTAL_PROBE = """
# The total count jieba-rs divides by, found with a crafted tie: new words x
# (count a), y (count 2), xy (count 1) make the route split xy exactly when
# a > total + 3.
import rjieba
from extractor.text.segment import Segmenter
Segmenter("rjieba").load()
X, Y = "丄", "丅"
lo, hi = 10**7, 10**9
while lo < hi:
    mid = (lo + hi) // 2
    rjieba.add_word(X, mid, "x"); rjieba.add_word(Y, 2, "x"); rjieba.add_word(X + Y, 1, "x")
    if rjieba.cut(X + Y, False) == [X, Y]:
        hi = mid
    else:
        lo = mid + 1
# the probe words themselves now count lo + 3
print(lo - 4)
"""


def test_rjieba_divides_by_jiebas_total():
    # dict.txt lists B超 twice: jieba counts it twice, jieba-rs once, unless
    # the segmenter adds the difference.
    assert int(_python(_TOTAL_PROBE)) == jieba_dict.load_tags()[1] == 60101967


# ------------------------------------------------------------ which backend
def test_rule_path_never_imports_jieba():
    # jieba's import alone costs most of a second in every process.
    code = ("import sys; from extractor.pipeline import Pipeline; from extractor.document import Document;"
            "from extractor.text.segment import SEGMENTER;"
            "r = Pipeline(method='rule').process(Document(doc_id='a', source='-', raw=open('corpora/seeds/'"
            " + sorted(__import__('os').listdir('corpora/seeds'))[0]).read()));"
            "print(SEGMENTER.backend, len(r.mentions) > 0, 'jieba' in sys.modules)")
    assert _python(code) == "rjieba True False"


def test_environment_can_ask_for_jieba():
    code = "from extractor.text.segment import SEGMENTER; print(SEGMENTER.backend)"
    assert _python(code, EXTRACTOR_SEGMENTER="jieba") == "jieba"
    assert _python(code, EXTRACTOR_SEGMENTER="rjieba") == "rjieba"


def test_a_customized_jieba_is_used_so_its_words_count():
    # A user who gave jieba words of their own before extracting keeps them.
    code = ("import jieba; jieba.setLogLevel(60); jieba.add_word('金域华府', 1000, 'ns');"
            "from extractor.text.segment import SEGMENTER;"
            "print(SEGMENTER.backend, SEGMENTER.words('金域华府小区'))")
    assert _python(code) == "jieba ['金域华府', '小区']"
    plain = "import jieba; from extractor.text.segment import SEGMENTER; print(SEGMENTER.backend)"
    assert _python(plain) == "rjieba"  # imported but not customized


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="unknown segmenter"):
        Segmenter("thulac")
