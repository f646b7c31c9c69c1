"""The whole pipeline on the seeds, scored against the dev gold (needs ../shared).

Two checks: our evaluator agrees with the reference scorer on the real
output, and the figures stay at or above the issue's targets. The targets
are a floor against regressions, not a goal to tune to: the blind set is
scored the same way on articles we never see.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import REPO, SEEDS, shared_path
import extractor
from extractor.evaluate import evaluate, normalize

TARGETS = {"dates": 0.95, "units": 0.85, "communities": 0.90, "headcounts": 0.90, "quantities": 0.85,
           "records": 0.70, "record_date": 0.80, "record_unit": 0.70, "published": 1.0, "title": 0.80}


@pytest.fixture(scope="module")
def outdir(tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds-out")
    extractor.extract_to(out, [SEEDS])
    return out


def test_scores_agree_with_reference_scorer(outdir):
    gold = shared_path("gold", "dev")
    scorer = shared_path("tools", "score.py")
    proc = subprocess.run([sys.executable, str(scorer), str(outdir), str(gold), "--json"],
                          capture_output=True, text=True, check=True)
    reference = json.loads(proc.stdout.strip().splitlines()[-1])
    ours = evaluate(outdir, gold)
    for field, prf in ours.items():
        assert round(prf.f1, 3) == reference[field], field


@pytest.mark.parametrize("field,target", sorted(TARGETS.items()))
def test_dev_gold_targets(outdir, field, target):
    scores = evaluate(outdir, shared_path("gold", "dev"))
    assert scores[field].f1 >= target, (field, scores[field])


@pytest.fixture(scope="module")
def hybrid_outdir(tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds-hybrid")
    extractor.extract_to(out, [SEEDS], method="hybrid")
    return out


def test_hybrid_loses_nothing_to_the_rules(outdir, hybrid_outdir):
    """Issue 4's merge targets: records not below rule-only, no field more
    than 0.01 below it."""
    gold = shared_path("gold", "dev")
    rule, hybrid = evaluate(outdir, gold), evaluate(hybrid_outdir, gold)
    assert hybrid["records"].f1 >= rule["records"].f1
    for field in rule:
        assert hybrid[field].f1 >= rule[field].f1 - 0.01, (field, rule[field], hybrid[field])


# F1 of the rule method (the suite's) on 2026-12-04 (communities: the late session), after the linking policy
# of issue 12, the topic-bound activity words and the units' and communities' boundaries (closing notes): a change that loses more than 0.02 on any
# field of the seeds' gold or of dev-wide fails here.
FIGURES = {
    "dev": {"dates": 1.000, "units": 0.980, "communities": 1.000, "headcounts": 1.000, "quantities": 1.000,
            "records": 0.811, "record_date": 0.909, "record_unit": 0.868, "record_community": 0.858, "record_headcount": 0.857},
    "dev-wide": {"dates": 0.935, "units": 0.824, "communities": 0.907, "headcounts": 0.929, "quantities": 0.916,
                 "records": 0.676, "record_date": 0.909, "record_unit": 0.677, "record_community": 0.701, "record_headcount": 0.716},
}


@pytest.fixture(scope="module")
def dev_wide_outdir(tmp_path_factory):
    out = tmp_path_factory.mktemp("dev-wide-out")
    extractor.extract_to(out, [shared_path("corpus", "dev-wide", "input.jsonl")], method="rule")
    return out


@pytest.mark.parametrize("gold,field", [(g, f) for g, fs in FIGURES.items() for f in fs])
def test_no_field_falls_below_the_recorded_figures(request, gold, field):
    run = request.getfixturevalue("outdir" if gold == "dev" else "dev_wide_outdir")
    got = evaluate(run, shared_path("gold", gold))[field].f1
    assert got >= FIGURES[gold][field] - 0.02, (gold, field, round(got, 3))


# dev-external (corpora/dev-external/, its PROVENANCE.md): TV-news stories and Hong Kong news with the
# project's own gold, in the repository, so this runs on every clone. F1 of the rule method, 2026-12-04.
DEV_EXTERNAL = REPO / "corpora" / "dev-external"
EXTERNAL_FIGURES = {"dates": 0.943, "units": 0.817, "communities": 0.815, "headcounts": 0.840, "quantities": 0.901,
                    "records": 0.527, "record_date": 0.725, "record_unit": 0.463, "record_community": 0.500,
                    "record_headcount": 0.750}


@pytest.fixture(scope="module")
def dev_external_scores(tmp_path_factory):
    out = tmp_path_factory.mktemp("dev-external-out")
    extractor.extract_to(out, [DEV_EXTERNAL / "input.jsonl"], method="rule")
    return evaluate(out, DEV_EXTERNAL / "gold")


@pytest.mark.parametrize("field", sorted(EXTERNAL_FIGURES))
def test_dev_external_falls_no_field_below_the_recorded_figures(dev_external_scores, field):
    got = dev_external_scores[field].f1
    assert got >= EXTERNAL_FIGURES[field] - 0.02, (field, round(got, 3))


def test_every_dev_external_article_has_its_gold():
    ids = [json.loads(line)["id"] for line in (DEV_EXTERNAL / "input.jsonl").open(encoding="utf-8")]
    assert sorted(ids) == sorted(p.stem for p in (DEV_EXTERNAL / "gold").glob("*.json"))
    for p in (DEV_EXTERNAL / "second").glob("*.json"):
        assert (DEV_EXTERNAL / "gold" / p.name).exists(), p.name


def _dev_external_gold() -> list[tuple[str, dict, str]]:
    texts = {}
    for line in (DEV_EXTERNAL / "input.jsonl").open(encoding="utf-8"):
        d = json.loads(line)
        texts[d["id"]] = normalize(d["title"] + d["text"])
    return [(p.name, json.loads(p.read_text(encoding="utf-8")), texts[p.stem])
            for folder in ("gold", "second") for p in sorted((DEV_EXTERNAL / folder).glob("*.json"))]


DEV_EXTERNAL_GOLD = _dev_external_gold()


@pytest.mark.parametrize("name,gold,text", DEV_EXTERNAL_GOLD, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(DEV_EXTERNAL_GOLD)])
def test_dev_external_gold_is_consistent(name, gold, text):
    """Every value written in a gold file stands in its article, and every
    record argument is one of the file's entries (the labellers' check)."""
    forms = {f: {normalize(x) for e in gold[f] for x in (e["name"], *e["aliases"])} for f in ("units", "communities")}
    for f in ("units", "communities"):
        assert not [x for x in forms[f] if x not in text], (name, f)
    for f in ("headcounts", "quantities"):
        assert all(normalize(e["text"]) in text for e in gold[f]), (name, f)
    dates = {e["value"] for e in gold["dates"]}
    headcounts = {str(e["value"]) for e in gold["headcounts"]}
    for r in gold["records"]:
        assert normalize(r["evidence"]) in text, (name, r["evidence"])
        assert r["unit"] is None or normalize(r["unit"]) in forms["units"], (name, r["unit"])
        assert r["community"] is None or normalize(r["community"]) in forms["communities"], (name, r["community"])
        assert r["date"] is None or r["date"] in dates, (name, r["date"])
        assert r["headcount"] is None or str(r["headcount"]) in headcounts, (name, r["headcount"])
