"""UnitExtractor: cases from tests/cases/units.yaml, the seeds scored as the
guideline scores units, mention invariants on the external corpora, CLUENER
dev as an outside yardstick, broken rules files, and speed on adversarial input."""
from __future__ import annotations

import json
import time
import unicodedata

import pytest
from conftest import SEEDS, cases, shared_path, broken_rules

from extractor.document import Context, Mention
from extractor.fields.units import UnitExtractor
from extractor.model.data import read_cluener
from extractor.ruleset import RuleError, Rules


@pytest.fixture(scope="module")
def extract(rules):
    return UnitExtractor(rules)


def check_invariants(body: str, mentions: list[Mention], field: str = "unit") -> None:
    for m in mentions:
        assert body[m.start:m.end] == m.text
        assert m.field == field and m.value and m.source == "rule" and m.sentence == -1
    assert [(m.start, m.end) for m in mentions] == sorted((m.start, m.end) for m in mentions)


def check_case(mentions: list[Mention], expect: dict) -> None:
    values = {m.value for m in mentions}
    assert values == set(expect["values"]), f"got {sorted(values)}"
    by_text: dict[str, set[str]] = {}
    for m in mentions:
        by_text.setdefault(m.text, set()).add(m.value)
    for group in expect.get("groups", []):
        missing = [f for f in group if f not in by_text]
        assert not missing, f"forms not found: {missing}"
        shared = set.union(*(by_text[f] for f in group))
        assert len(shared) == 1, f"{group} carry {shared}"
    for word in expect.get("absent", []):
        assert word not in values and word not in by_text, word
    roles = {m.value: m.role for m in mentions}
    for value, role in expect.get("roles", {}).items():
        assert roles.get(value) == role, f"{value}: role {roles.get(value)!r}"


@pytest.mark.parametrize("case", cases("units", expect=("values", "groups?", "absent?", "roles?"), inputs=("text",)))
def test_case(extract, case):
    body = unicodedata.normalize("NFKC", case["text"])
    mentions = extract(body, Context())
    check_invariants(body, mentions)
    check_case(mentions, case["expect"])


def test_entities_groups_forms(extract):
    body = "孝感市委编办组织干部下沉社区。市委编办主任带队。"
    ents = extract.entities(extract(body, Context()))
    assert ents == {"孝感市委编办": ["孝感市委编办", "市委编办"]}


def test_one_mention_per_occurrence(extract):
    body = "市人社局派员值守。市人社局干部入户。"
    mentions = extract(body, Context())
    assert [(m.start, m.text) for m in mentions] == [(0, "市人社局"), (9, "市人社局")]


# --------------------------------------------------------------------------
# the seeds, scored as annotation.md scores units (any alias of an entry matches)

def seed_bodies():
    import opencc

    cc = opencc.OpenCC("t2s")
    for path in sorted(SEEDS.glob("*.txt")):
        yield path.stem, cc.convert(unicodedata.normalize("NFKC", path.read_text(encoding="utf-8")))


def match_names(pred: set[str], gold: list[dict]) -> tuple[int, int, int]:
    """The reference scorer's rule: a prediction matching an entry's name or
    alias counts once; a second form of a matched entry is neither right nor wrong."""
    keys = [{g["name"], *g.get("aliases", [])} for g in gold]
    used: set[int] = set()
    tp = fp = 0
    for p in pred:
        hit = next((i for i, k in enumerate(keys) if p in k), None)
        if hit is None:
            fp += 1
        elif hit not in used:
            used.add(hit)
            tp += 1
    return tp, fp, len(keys) - len(used)


def seed_f1(extractor, key: str) -> float:
    gold_dir = shared_path("gold", "dev")
    tp = fp = fn = 0
    for doc_id, body in seed_bodies():
        gold = json.loads((gold_dir / f"{doc_id}.json").read_text(encoding="utf-8"))
        mentions = extractor(body, Context())
        check_invariants(body, mentions, extractor.field)
        a, b, c = match_names({m.value for m in mentions}, gold[key])
        tp, fp, fn = tp + a, fp + b, fn + c
    p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    print(f"{key}: P={p:.3f} R={r:.3f} F1={f1:.3f} (tp={tp} fp={fp} fn={fn})")
    return f1


def test_seed_f1(extract):
    assert seed_f1(extract, "units") >= 0.85


# --------------------------------------------------------------------------
# external corpora

def test_cluener_dev(extract):
    """CLUENER's government + organization spans as one UNIT label, exact spans.
    Its organizations are mostly sports teams and bare acronyms, outside this
    genre, so the figure is a yardstick (printed) with a floor on government recall."""
    path = shared_path("corpus", "external", "cluener", "dev.json")
    tp = fp = fn = gov = gov_hit = 0
    for rec in read_cluener(path):
        labels = rec.get("label", {})
        gold = {(s, e + 1) for lab in ("government", "organization")
                for spans in labels.get(lab, {}).values() for s, e in spans}
        govs = {(s, e + 1) for spans in labels.get("government", {}).values() for s, e in spans}
        mentions = extract(rec["text"], Context())
        check_invariants(rec["text"], mentions)
        pred = {(m.start, m.end) for m in mentions}
        tp, fp, fn = tp + len(pred & gold), fp + len(pred - gold), fn + len(gold - pred)
        gov, gov_hit = gov + len(govs), gov_hit + len(pred & govs)
    p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    print(f"CLUENER dev units: P={p:.3f} R={r:.3f} government recall={gov_hit / gov:.3f}")
    assert gov_hit / gov >= 0.40


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
                check_invariants(body, extract(body, Context()))


# --------------------------------------------------------------------------
# rules files and speed

def _broken(tmp_path, old: str, new: str) -> Rules:
    return Rules(broken_rules(tmp_path, "units.yaml", old, new))


@pytest.mark.parametrize("old,new,where", [
    ("single_suffixes:\n  - 局", "single_suffixes:\n  - 局长", "units.yaml:"),
    ("not_org_stem: '", "not_org_stem: '(", "units.yaml:"),
    ("suffixes:\n  # party", "suffixes: 3\nx:\n  # party", "units.yaml"),
])
def test_bad_rules_fail_with_file_and_line(tmp_path, old, new, where):
    with pytest.raises(RuleError) as err:
        UnitExtractor(_broken(tmp_path, old, new))
    assert where in str(err.value)


@pytest.mark.parametrize("text", [
    "局" * 100_000,
    "市委组织部市委编办" * 11_000,
    "一个局" * 33_000,
    "、".join("甲乙丙丁" for _ in range(25_000)),
])
def test_adversarial_input_is_fast(extract, text):
    extract("热身", Context())
    t = time.perf_counter()
    mentions = extract(text, Context())
    assert time.perf_counter() - t < 15
    check_invariants(text, mentions)
