"""The per-document analysis: a document's sentences, paragraphs, clauses and
jieba tokens are computed once, whichever stages read them (counted here on
the whole pipeline, rules and hybrid), and the stages add what they find."""
from __future__ import annotations

from collections import Counter

import pytest

from conftest import REPO, SEED_000
import extractor.analysis as analysis_module
import extractor.text.sentences as text_sentences
from extractor.analysis import Analysis
from extractor.document import Document
from extractor.fields.names.segment import SEGMENTER
from extractor.pipeline import Pipeline
from extractor.settings import Settings

TEXT = ("市财政局抗疫工作队侧记\n\n3月2日,市财政局抗疫工作队来到阳光社区。队员们挨家挨户上门排查,"
        "还为独居老人送菜上门,没有做核酸检测的居民由社区安排。\n工作队在小区卡口值守,核验健康码。")
# One sentence longer than the evidence bound (200 characters): a record's
# evidence is then the clauses around its trigger, read from the analysis.
LONG = "4月5日疫情防控期间," + "队员们挨家挨户上门排查," * 20 + "大家都很辛苦。"


@pytest.fixture
def counted(monkeypatch) -> Counter:
    """Calls of the functions that split or segment a body, by what they
    split: every caller reaches them, whatever it imported."""
    calls: Counter = Counter()
    real_split, real_tokenize = text_sentences._split, SEGMENTER.tokenize
    kinds = {text_sentences._SENT_END: "sentences", text_sentences._CLAUSE_END: "clauses"}

    def split(body, pattern, start, end):
        calls[kinds[pattern], body, start, end] += 1
        return real_split(body, pattern, start, end)

    def tokenize(body, start, end):
        calls["tokens", body, start, end] += 1
        return real_tokenize(body, start, end)

    monkeypatch.setattr(text_sentences, "_split", split)
    monkeypatch.setattr(SEGMENTER, "tokenize", tokenize)
    return calls


def _once(calls: Counter) -> None:
    twice = {k[:1] + k[2:]: n for k, n in calls.items() if n > 1}
    assert not twice, twice


@pytest.mark.parametrize("method", ["rule", "hybrid", "model"])
def test_structure_is_computed_once_per_document(counted, method):
    pipeline = Pipeline(settings=Settings(rules=str(REPO / "rules"), method=method))
    with_records = 0
    for i, text in enumerate([TEXT, SEED_000, LONG]):
        counted.clear()
        res = pipeline.process(Document(doc_id=f"d{i}", source="t", raw=text))
        assert res.mentions
        # the rules find records in each text; the model alone where its
        # classifier is sure enough (not necessarily in every one)
        assert res.records or method == "model"
        with_records += bool(res.records)
        kinds = Counter(k[0] for k in counted)
        assert kinds["sentences"] == 1, kinds
        assert kinds["tokens"] > 0 and kinds["clauses"] > 0
        _once(counted)
    assert with_records > 0


def test_paragraphs_are_read_from_one_place(monkeypatch):
    """The dates resolver and the linker take paragraphs from the analysis
    (today each defined its own): one computation per document."""
    calls = Counter()
    real = Analysis.paragraphs.func

    def paragraphs(self):
        calls[self.body] += 1
        return real(self)

    monkeypatch.setattr(Analysis, "paragraphs", analysis_module.cached_property(paragraphs))
    Analysis.paragraphs.__set_name__(Analysis, "paragraphs")
    pipeline = Pipeline(settings=Settings(rules=str(REPO / "rules"), method="rule"))
    pipeline.process(Document(doc_id="d", source="t", raw=TEXT))
    assert list(calls.values()) == [1]


def test_stages_add_to_the_analysis():
    pipeline = Pipeline(settings=Settings(rules=str(REPO / "rules"), method="rule"))
    doc = Document(doc_id="d", source="t", raw=TEXT)
    pipeline.normalize(doc)
    analysis = pipeline.analyse(doc)
    assert {m.field for m in analysis.mentions} >= {"date", "unit", "community"}
    assert analysis.activities and analysis.triggers
    # 没有做核酸检测: dropped by the negation filter, kept with its reason
    assert [(analysis.body[d.trigger.start:d.trigger.end], d.reason) for d in analysis.dropped] == [
        ("核酸检测", "negated")]
    assert all(m.sentence >= 0 for m in analysis.mentions)


@pytest.mark.parametrize("body,paragraphs", [
    ("", []),
    ("a\n\n  b c\n   \n\td", ["a", "  b c", "\td"]),
    ("一行", ["一行"]),
])
def test_paragraphs_are_lines_with_text(body, paragraphs):
    a = Analysis(body)
    assert [body[p.start:p.end] for p in a.paragraphs] == paragraphs
    for i, p in enumerate(a.paragraphs):
        assert a.paragraph_index(p.start) == a.paragraph_index(p.end - 1) == i


@pytest.mark.parametrize("text,clauses", [
    ("志愿者共3,000人,分两班值守。", ["志愿者共3,000人,", "分两班值守。"]),
    ("早上7:30开始,用1:49漂白水消毒。", ["早上7:30开始,", "用1:49漂白水消毒。"]),
    ("通知:今天,全员核酸。", ["通知:", "今天,", "全员核酸。"]),
    ("第1,2号楼封控。", ["第1,2号楼封控。"]),
])
def test_commas_and_colons_between_digits_do_not_end_a_clause(text, clauses):
    # a clause break there would split one number and the record runs with it
    got = [text[c.start:c.end] for c in text_sentences.clauses(text, text_sentences.Span(0, len(text)))]
    assert got == clauses
