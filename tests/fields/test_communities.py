"""CommunityExtractor: cases from tests/cases/communities.yaml, the seeds
scored as the guideline scores communities, mention invariants on the
external corpora, broken rules files, and speed on adversarial input."""
from __future__ import annotations

import json
import time
import unicodedata

import pytest
from conftest import cases, shared_path, broken_rules
from test_units import check_case, check_invariants, seed_f1

from extractor.document import Context
from extractor.fields.communities import CommunityExtractor
from extractor.ruleset import RuleError, Rules

@pytest.fixture(scope="module")
def extract(rules):
    return CommunityExtractor(rules)


@pytest.mark.parametrize("case", cases("communities", expect=("values", "groups?", "absent?"), inputs=("text",)))
def test_case(extract, case):
    body = unicodedata.normalize("NFKC", case["text"])
    mentions = extract(body, Context())
    check_invariants(body, mentions, "community")
    check_case(mentions, case["expect"])


def test_entities_groups_forms(extract):
    body = "金域华府小区的居民说,金域华府已经封闭管理。"
    assert extract.entities(extract(body, Context())) == {"金域华府小区": ["金域华府小区", "金域华府"]}


def test_seed_f1(extract):
    assert seed_f1(extract, "communities") >= 0.90


def test_invariants_on_external_news(extract):
    import opencc

    cc = opencc.OpenCC("t2s")
    for name in ("xwlb-2020/stories.jsonl", "hkcnews-2020/articles.jsonl"):
        path = shared_path("corpus", "external", *name.split("/"))
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f):
                if n >= 150:
                    break
                body = cc.convert(unicodedata.normalize("NFKC", json.loads(line)["text"]))
                check_invariants(body, extract(body, Context()), "community")


def _broken(tmp_path, old: str, new: str) -> Rules:
    return Rules(broken_rules(tmp_path, "communities.yaml", old, new))


@pytest.mark.parametrize("old,new,where", [
    ("stop_chars: [", "stop_chars: [停止, ", "communities.yaml:"),
    ("min_stem: 2", "min_stem: two", "communities.yaml"),
    ("max_item_len: 10", "max_item_len: 99", "communities.yaml"),
    ("suffixes:\n  - 社区", "suffixes:\n  - ''", "communities.yaml:"),
])
def test_bad_rules_fail_with_file_and_line(tmp_path, old, new, where):
    with pytest.raises(RuleError) as err:
        CommunityExtractor(_broken(tmp_path, old, new))
    assert where in str(err.value)


@pytest.mark.parametrize("text", [
    "社区" * 50_000,
    "啊、" * 50_000,
    "明珠华府、" * 20_000 + "等小区",
    "金域华府小区" + "金域华府," * 15_000,
    "在八里岔社区金域华府小区" * 8_000,
])
def test_adversarial_input_is_fast(extract, text):
    extract("热身", Context())
    t = time.perf_counter()
    mentions = extract(text, Context())
    assert time.perf_counter() - t < 15
    check_invariants(text, mentions, "community")
