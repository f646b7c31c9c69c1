"""The model-based extractors: the shipped pipeline loads and predicts, the
three methods run end to end, the hybrid merge policy holds on its cases
(tests/cases/model_merge.yaml, model_merge_records.yaml, model_generic.yaml),
and training runs on a tiny subset."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import cases
from conftest import REPO, broken_rules
import extractor
from extractor.analysis import Analysis
from extractor.document import Mention, Record
from extractor.fields.activities import ActivityExtractor
from extractor.model import SHIPPED, load_model
from extractor.model.generic import GenericNames
from extractor.model.merge import ClausePrediction, SpanPrediction, merge_mentions, merge_records
from extractor.model.policy import ActivityPolicy, SpanPolicy, load_policy
from extractor.ruleset import RuleError, Rules
from extractor.text.sentences import sentences

# The policy the merge cases are written for (not rules/model.yaml's, which may change).
SPAN_POLICY = SpanPolicy(max_chars=200, batch_size=8, model_threshold=0.5, add_threshold=0.9, min_chars=3)
ACTIVITY_POLICY = ActivityPolicy(batch_size=8, model_threshold=0.5, agree_threshold=0.5, add_threshold=0.9)
# Texts the merge tests take as generic (the real list comes from the rules,
# see tests/cases/model_generic.yaml).
GENERIC_TEXTS = ("工作队", "有关部门")
TEXT = ("2020年2月15日,武汉市江汉区卫健委工作组和芳草社区12名党员志愿者在金域华府小区门口为居民测量体温,"
        "并为独居老人配送蔬菜200余份。\n国家卫生健康委员会今天召开新闻发布会。")
SOURCES = {"rule": {"rule"}, "model": {"rule", "model"}, "hybrid": {"rule", "model", "rule+model"}}


@pytest.fixture(scope="module")
def model(rules):
    return load_model(None, rules)


# ------------------------------------------------------------ the shipped model

def test_shipped_model_predicts_a_unit(model):
    body = "国家卫生健康委员会今天召开新闻发布会。"
    spans = model.spans(Analysis(body))
    units = [body[s.start:s.end] for s in spans if s.label == "UNIT"]
    assert "国家卫生健康委员会" in units, spans
    assert all(0.0 < s.score <= 1.0 for s in spans)


def test_shipped_model_classifies_a_clause(model):
    body = "社区工作人员每天入户为居民测量体温。"
    scores = model.classify(Analysis(body))[0].scores
    assert max(scores, key=scores.get) == "temperature_check", scores


def test_greedy_parse_with_scores_decodes_as_spacy_does(model):
    """Our decoding loop (which keeps the action probabilities) must find
    the same entities as spaCy's own greedy decoder."""
    texts = [TEXT.split("\n")[0], "省政协机关支援户部巷社区疫情防控工作组于2月26日进驻。", "没有实体的一句话。", ""]
    ours = [[(body[s.start:s.end], s.label) for s in model.spans(Analysis(body))] for body in texts]
    theirs = [[(e.text, e.label_) for e in doc.ents] for doc in model.ner.pipe(model.nlp.make_doc(t) for t in texts)]
    assert ours == theirs


def test_rules_veto_where_their_filters_dropped_a_trigger(model):
    body = "我母亲做了CT但没有做核酸检测。社区开展核酸检测。保供专班在做好居民生活需求保障的同时,值守卡口。"
    doc = Analysis(body)
    ActivityExtractor(Rules(REPO / "rules")).extract(doc)
    assert model.vetoed(doc) == {(0, "testing")}  # 保供 of 保供专班 is a name, no veto


def test_missing_model_says_how_to_train(rules, tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match="extractor train"):
        load_model(str(tmp_path / "nothing"), rules)
    monkeypatch.setattr("extractor.model.SHIPPED", tmp_path / "nothing")
    with pytest.raises(FileNotFoundError, match="make model"):
        load_model(None, rules)


def test_shipped_model_is_small():
    size = sum(p.stat().st_size for p in SHIPPED.rglob("*") if p.is_file())
    assert size < 30e6, f"{size / 1e6:.1f} MB"


# ------------------------------------------------------------ end to end

@pytest.mark.parametrize("method", ["rule", "model", "hybrid"])
def test_method_runs_end_to_end(method):
    tables = extractor.extract_texts(TEXT, method=method)
    assert list(tables.documents.status) == ["ok"]
    for table in (tables.mentions, tables.records):
        assert set(table.source) <= SOURCES[method], set(table.source)
        assert table.confidence.between(0.0, 1.0).all()
    fields = set(tables.mentions.field)
    assert {"date", "headcount", "quantity", "unit"} <= fields
    assert len(tables.records) >= 1
    # the model does not predict dates or numbers: those stay the rules'
    assert set(tables.mentions[tables.mentions.field.isin(["date", "headcount", "quantity"])].source) == {"rule"}
    names = tables.mentions[tables.mentions.field.isin(["unit", "community"])]
    if method == "model":
        assert set(names.source) == {"model"}
        assert (names.confidence < 1.0).any()  # a probability, not a constant
    if method == "hybrid":
        assert "rule+model" in set(names.source)


def test_hybrid_keeps_every_rule_mention():
    rule = extractor.extract_texts(TEXT, method="rule").mentions
    hybrid = extractor.extract_texts(TEXT, method="hybrid").mentions
    key = ["field", "start", "end", "value"]
    assert set(map(tuple, rule[key].values)) <= set(map(tuple, hybrid[key].values))


# ------------------------------------------------------------ merge policy

def _at(body: str, text: str, nth: int = 1) -> int:
    pos = -1
    for _ in range(nth):
        pos = body.index(text, pos + 1)
    return pos


def _mention(body: str, m: dict) -> Mention:
    s = _at(body, m["text"], m.get("nth", 1))
    return Mention(field=m["field"], text=m["text"], value=m.get("value", m["text"]), start=s,
                   end=s + len(m["text"]), confidence=m.get("confidence", 1.0))


@pytest.mark.parametrize("case", cases("model_merge", expect=("mentions",),
                                       inputs=("text", "rule_mentions", "model_spans")))
def test_merge_mentions(case):
    body = case["text"]
    rule = [_mention(body, m) for m in case["rule_mentions"]]
    spans = []
    for p in case["model_spans"]:
        s = _at(body, p["text"], p.get("nth", 1))
        spans.append(SpanPrediction(s, s + len(p["text"]), p["label"], p["score"]))
    merged = merge_mentions(body, rule, spans, SPAN_POLICY, lambda field, text: text in GENERIC_TEXTS)
    got = {(m.field, m.start, m.end): m for m in merged}
    assert len(got) == len(merged), "duplicate mentions"
    want = [(e, _mention(body, e)) for e in case["expect"]["mentions"]]
    assert set(got) == {(m.field, m.start, m.end) for _, m in want}
    for e, m in want:
        g = got[(m.field, m.start, m.end)]
        assert (g.source, g.value, g.text) == (e["source"], m.value, body[g.start:g.end])
        if "confidence" in e:
            assert g.confidence == pytest.approx(e["confidence"])


@pytest.mark.parametrize("case", cases("model_generic", expect=("generic",), inputs=("field", "text")))
def test_generic_names_by_the_rules(rules, case):
    assert GenericNames(rules)(case["field"], case["text"]) is case["expect"]["generic"]


def _rule_record(body: str, r: dict) -> Record:
    at = body.index(r["trigger"])
    sent = next(s for s in sentences(body) if s.start <= at < s.end)
    return Record(activity_type=r["type"], trigger=r["trigger"], trigger_start=at, sentence=body[sent.start:sent.end],
                  start=sent.start, end=sent.end, confidence=r.get("confidence", 1.0))


@pytest.mark.parametrize("case", cases("model_merge_records", expect=("records",),
                                       inputs=("text", "rule_records", "clause_scores", "vetoed?")))
def test_merge_records(case):
    body = case["text"]
    scores = case["clause_scores"]
    doc = Analysis(body)
    preds = [ClausePrediction(s, c, dict(scores.get(body[c.start:c.end], {})))
             for s in doc.sentences for c in doc.clauses(s)]
    assert sum(bool(p.scores) for p in preds) == len(scores), "a scored clause is not a clause of the body"
    vetoed = frozenset((s.start, slug) for s in sentences(body) for slug in case.get("vetoed", []))
    merged = merge_records(body, [_rule_record(body, r) for r in case["rule_records"]], preds, ACTIVITY_POLICY,
                           200, vetoed)
    expect = case["expect"]["records"]
    got = sorted((r.activity_type, r.trigger, r.source) for r in merged)
    assert got == sorted((e["type"], e["trigger"], e["source"]) for e in expect)
    for e in expect:
        r = next(r for r in merged if (r.activity_type, r.trigger) == (e["type"], e["trigger"]))
        assert body[r.start:r.end] == r.sentence
        if "confidence" in e:
            assert r.confidence == pytest.approx(e["confidence"])
        if "sentence" in e:
            assert r.sentence == e["sentence"]


# ------------------------------------------------------------ rules/model.yaml

def test_policy_loads_from_the_rules(rules):
    policy = load_policy(rules)
    assert 0 < policy.spans.model_threshold <= policy.spans.add_threshold <= 1


@pytest.mark.parametrize("old,new,message", [
    ("add_threshold: 0.95", "add_threshold: 1.5", "must be a number in \\[0, 1\\]"),
    ("min_chars: 3", "min_chars: x", "must be an integer"),
    ("min_chars: 3", "min_char: 3", "'spans.min_char' is an unknown key"),
])
def test_broken_policy_names_file_and_line(tmp_path, old, new, message):
    root = broken_rules(tmp_path, "model.yaml", old, new)
    with pytest.raises(RuleError, match=message) as err:
        load_policy(Rules(root))
    assert "model.yaml:" in str(err.value)


# ------------------------------------------------------------ training

def test_train_runs_on_a_tiny_subset(tmp_path, rules):
    from extractor.model.train import train

    out = train(output=str(tmp_path / "tiny"), seed=1, limit=30, max_epochs=1)
    tiny = load_model(str(out), rules)
    body = "市卫健委工作组到社区测温。"
    assert isinstance(tiny.spans(Analysis(body)), list)
    assert set(tiny.textcat.labels) == set(load_model(None, rules).textcat.labels)
    assert Path(out, "meta.json").is_file()
