"""ActivityExtractor: cases from tests/cases/activities.yaml, record
invariants, the rules file's integrity, broken rules files, speed, and the
records score on the seeds against ../shared gold."""
from __future__ import annotations

import json
import re
import time
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from conftest import cases
from conftest import REPO, SEEDS, shared_path, broken_rules
from extractor.document import Context
from extractor.fields.activities import ActivityExtractor
from extractor.ruleset import RuleError, Rules

CASES = cases("activities", expect=("types", "triggers?", "counts?"), inputs=("text",))
RULES_PATH = REPO / "rules" / "activities.yaml"

try:
    import opencc

    _t2s = opencc.OpenCC("t2s").convert
except ImportError:  # pragma: no cover - the venv has it
    _t2s = None


def normalize(text: str) -> str:
    """The body as the pipeline hands it to extractors: NFKC, simplified."""
    text = unicodedata.normalize("NFKC", text)
    return _t2s(text) if _t2s else text


@pytest.fixture(scope="module")
def extractor(rules):
    return ActivityExtractor(rules)


def check_invariants(body: str, records, max_len: int) -> None:
    keys = set()
    for r in records:
        assert body[r.start:r.end] == r.sentence
        assert r.start <= r.trigger_start < r.trigger_start + len(r.trigger) <= r.end
        assert body[r.trigger_start:r.trigger_start + len(r.trigger)] == r.trigger
        assert 0 < len(r.sentence) <= max(max_len, len(r.trigger))
        assert r.source == "rule" and 0 < r.confidence <= 1
        assert not any(r.args.values())
        key = (r.start, r.end, r.activity_type, r.trigger_start)
        assert key not in keys, f"two records for {key}"
        keys.add(key)


# --------------------------------------------------------------------------
# cases


@pytest.mark.parametrize("case", CASES)
def test_case(extractor, case):
    body = normalize(case["text"])
    records = extractor(body, Context())
    expect = case["expect"]
    assert {r.activity_type for r in records} == set(expect["types"]), [
        (r.activity_type, r.trigger) for r in records]
    for slug, trigger in (expect.get("triggers") or {}).items():
        assert trigger in {r.trigger for r in records if r.activity_type == slug}
    for slug, n in (expect.get("counts") or {}).items():
        assert sum(r.activity_type == slug for r in records) == n, slug
    check_invariants(body, records, extractor.lexicon.max_sentence)


def test_cases_use_known_slugs(extractor):
    for case in (c.values[0] for c in CASES):
        expect = case["expect"]
        assert set(expect["types"]) | set(expect.get("triggers") or {}) <= set(extractor.slugs), case["id"]


def test_weak_trigger_has_lower_confidence(extractor):
    records = extractor("疫情期间,居民到社区登记。", Context())
    assert [(r.activity_type, r.confidence < 1) for r in records] == [("screening", True)]


def test_one_record_per_sentence_and_type(extractor):
    body = "疫情期间,组员们到超市上货,然后运回社区分发点,按类目分发给社区居民。"
    records = extractor(body, Context())
    assert [(r.activity_type, r.trigger) for r in records] == [("supply_delivery", "上货")]


def test_long_sentence_falls_back_to_clauses(extractor):
    filler = ",".join(["居民们在家中耐心等待着好消息的到来"] * 12)
    body = f"疫情期间{filler},社区组织志愿者开展消杀,{filler},工作人员上门测温。"
    records = extractor(body, Context())
    max_len = extractor.lexicon.max_sentence
    assert len(body) > max_len
    assert {r.activity_type for r in records} == {"disinfection", "temperature_check"}
    check_invariants(body, records, max_len)


def test_seed_records_are_consistent(extractor):
    for path in sorted(SEEDS.glob("*.txt")):
        body = normalize(path.read_text(encoding="utf-8"))
        records = extractor(body, Context())
        assert records, path.name
        check_invariants(body, records, extractor.lexicon.max_sentence)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="疫情入户测温排查值守消杀送到居民家未没有不是职责《》为了,。;、\n .jpg|", max_size=300))
def test_invariants_on_any_text(extractor, text):
    check_invariants(text, extractor(text, Context()), extractor.lexicon.max_sentence)


@pytest.mark.parametrize("corpus", ["xwlb-2020/stories.jsonl", "hkcnews-2020/articles.jsonl"])
def test_external_corpora_invariants(extractor, corpus):
    path = shared_path("corpus", "external", *corpus.split("/"))
    with open(path, encoding="utf-8") as f:
        texts = [normalize(json.loads(line)["text"]) for _, line in zip(range(150), f)]
    found = 0
    for body in texts:
        records = extractor(body, Context())
        check_invariants(body, records, extractor.lexicon.max_sentence)
        found += len(records)
    assert found > 0


def test_fast_on_adversarial_input(extractor):
    # Trigger prefixes, pattern heads without their tails and no sentence end:
    # what makes a careless regex backtrack.
    chunk = "送买跑提供发放分发下沉询问分成守好核验维持请大家向解释入户测体温值守《为了"
    body = "疫情" + chunk * (100_000 // len(chunk))
    started = time.perf_counter()
    extractor(body, Context())
    assert time.perf_counter() - started < 5


# --------------------------------------------------------------------------
# the rules file


def _annotation_slugs() -> list[str]:
    md = shared_path("spec", "annotation.md").read_text(encoding="utf-8")
    table = md.split("## Activity taxonomy", 1)[1]
    return re.findall(r"^\| `([a-z_]+)` \|", table, flags=re.M)


def test_rules_taxonomy_matches_annotation_guideline():
    data = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    slugs = _annotation_slugs()
    assert len(slugs) >= 12
    assert list(data["taxonomy"]) == slugs
    assert set(data["triggers"]) == set(slugs)


def test_rules_triggers_are_sane():
    data = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    shared = set(data.get("allow_shared") or [])
    owner: dict[str, str] = {}
    for slug, entry in data["triggers"].items():
        assert data["taxonomy"][slug].strip(), slug
        assert entry["words"], f"{slug}: empty trigger list"
        for w in entry["words"] + (entry.get("weak") or []):
            assert isinstance(w, str) and w.strip() and w == w.strip(), (slug, w)
            assert w not in owner or w in shared, f"{w!r} under {owner.get(w)} and {slug}"
            owner[w] = slug
        for p in entry.get("patterns") or []:
            re.compile(p)
            assert ".*" not in p and ".+" not in p, f"unbounded pattern {p!r}"
    for w in data["non_work"]["ignore"]:
        assert w not in owner, f"ignored word {w!r} is a trigger of {owner[w]}"


def test_slugs_exposed(extractor):
    from extractor.fields.activities import SLUGS

    data = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    assert tuple(SLUGS) == tuple(data["taxonomy"]) == extractor.slugs


# --------------------------------------------------------------------------
# broken rules files stop start-up with file and line


def _break(tmp_path: Path, old: str, new: str) -> tuple[Rules, str]:
    """A copy of rules/ whose activities.yaml has ``old`` replaced by ``new``."""
    root = broken_rules(tmp_path, "activities.yaml", old, new)
    return Rules(root), (root / "activities.yaml").read_text(encoding="utf-8")


# name: (old text, broken text, marker of the line the error must name, message)
BROKEN = {
    "unknown-slug": ("triggers:\n", "triggers:\n  quarantine:\n    words: [集中观察]\n",
                     "  quarantine:", "unknown activity slug"),
    "invalid-pattern": ("'维持[^,。;]{0,6}秩序'", "'维持[^,。;{0,6}秩序'", "'维持[^,。;{0,6}秩序'",
                        "invalid pattern"),
    # reported where the second occurrence (disinfection's) stands
    "duplicate-across-slugs": ("    words: [巡逻,", "    words: [消杀, 巡逻,", "    words: [消杀, 消毒,",
                               "already a trigger of 'patrol'"),
    "empty-trigger-list": ("  donation:\n    words: [", "  donation:\n    words: []\n    weak: [",
                           "  donation:\n    words: []", "empty trigger list"),
    "empty-word": ("    words: [巡逻,", "    words: ['', 巡逻,", "words: ['', 巡逻,", "non-empty"),
    "ignored-word-is-trigger": ("  ignore: [消毒液,", "  ignore: [消杀, 消毒液,", "  ignore: [消杀,",
                                "also a trigger"),
    # a bound word that is no trigger (a typo) would bind nothing
    "topic-bound-non-trigger": ("  topic_bound:\n    words: [招募,", "  topic_bound:\n    words: [招幕, 招募,",
                                "    words: [招幕,",
                                "is no trigger word"),
    # a manner word must be a weak trigger: a strong one names work of its own
    "manner-word-not-weak": ("manner_words: [入户,", "manner_words: [排查, 入户,", "manner_words: [排查,",
                             "is not a weak trigger word"),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_broken_rules_name_file_and_line(tmp_path, name):
    old, new, marker, message = BROKEN[name]
    rules, text = _break(tmp_path, old, new)
    line = text[:text.index(marker)].count("\n") + 1
    with pytest.raises(RuleError) as err:
        ActivityExtractor(rules)
    assert message in str(err.value)
    assert f"{rules.root / 'activities.yaml'}:{line}:" in str(err.value)


# --------------------------------------------------------------------------
# records against the seed gold (annotation.md scoring)


def _norm(s: str) -> str:
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or ""))
    return (_t2s(s) if _t2s else s).replace("著", "着")


def test_seed_records_f1(extractor):
    gold_dir = shared_path("gold", "dev")
    tp = fp = fn = 0
    for path in sorted(SEEDS.glob("*.txt")):
        gold = json.loads((gold_dir / f"{path.stem}.json").read_text(encoding="utf-8"))["records"]
        body = normalize(path.read_text(encoding="utf-8"))
        preds = [(_norm(r.sentence), r.activity_type) for r in extractor(body, Context())]
        preds = [(s if len(s) <= 300 else "", t) for s, t in preds]
        used: set[int] = set()
        for g in gold:
            ev = _norm(g["evidence"])
            hit = next((i for i, (s, t) in enumerate(preds)
                        if i not in used and t == g["activity_type"] and ev and ev in s), None)
            if hit is not None:
                used.add(hit)
        tp += len(used)
        fp += len(preds) - len(used)
        fn += len(gold) - len(used)
    p, r = tp / (tp + fp), tp / (tp + fn)
    f1 = 2 * p * r / (p + r)
    assert f1 >= 0.70, f"records P={p:.3f} R={r:.3f} F1={f1:.3f}"
