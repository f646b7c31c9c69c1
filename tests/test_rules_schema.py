"""Every rules file has a declared shape, checked in one place at start-up
(extractor/rulespec.py): a misspelled key, an unknown key and a value of the
wrong kind each stop the command line with exit 2, one line, naming the
file and the line — for every file in rules/, broken each of the three ways."""
from __future__ import annotations

import re

import pytest
import yaml

from conftest import REPO, SEEDS, broken_rules
from extractor.cli import main
from extractor.rulespec import FILES, Frozen, Int, ListOf, RuleError, Section, Where, Words, opt

ALL_FILES = sorted(p.name for p in (REPO / "rules").glob("*.yaml"))
# Read only by --method model|hybrid: the run must load the model to reach it.
MODEL_ONLY = {"model.yaml"}


def _top_keys(name: str) -> list[tuple[str, int, object]]:
    """(key, line, value) of the top-level keys of a rules file."""
    text = (REPO / "rules" / name).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    lines = {m.group(1): text[:m.start()].count("\n") + 1 for m in re.finditer(r"^([a-z_]+):", text, re.M)}
    return [(k, lines[k], v) for k, v in data.items()]


def _misspelled(key: str) -> str:
    """The key with two letters swapped (weak → waek), as a typo makes it."""
    i = next(i for i in range(len(key) - 1) if key[i] != key[i + 1] and "_" not in key[i:i + 2])
    return key[:i] + key[i + 1] + key[i] + key[i + 2:]


def _breakages(name: str) -> list[tuple[str, str, str, int, str]]:
    """(kind, old, new, line named, message) for one rules file."""
    keys = _top_keys(name)
    key, line, _ = keys[0]
    text = (REPO / "rules" / name).read_text(encoding="utf-8")
    # The first top-level key holding a list, a mapping or a number gets a value of another kind.
    wkey, wline, wvalue = next((k, n, v) for k, n, v in keys if isinstance(v, (list, dict, int, float)))
    wrong = "'not a list or number'" if isinstance(wvalue, (list, int, float)) else "[1, 2]"
    block = re.search(rf"^{wkey}:.*(?:\n(?:[ #].*|))*", text, re.M).group()
    return [
        ("misspelled", f"\n{key}:", f"\n{_misspelled(key)}:", line, "did you mean"),
        ("unknown", text[-40:], text[-40:] + "zz_unknown_key: 1\n", 0, "unknown key"),
        ("wrong-type", block, f"{wkey}: {wrong}\n", wline, "must be"),
    ]


CASES = [(name, *b) for name in ALL_FILES for b in _breakages(name)]


@pytest.mark.parametrize("name,kind,old,new,line,message", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_every_file_broken_three_ways_stops_start_up(tmp_path, capsys, name, kind, old, new, line, message):
    root = broken_rules(tmp_path, name, old, new)
    if kind == "unknown":
        text = (root / name).read_text(encoding="utf-8")
        line = text[:text.index("zz_unknown_key")].count("\n") + 1
    out = tmp_path / "out"
    method = ["--method", "model"] if name in MODEL_ONLY else ["--method", "rule"]
    code = main(["extract", str(SEEDS), "--out", str(out), "--rules", str(root), "--quiet", "--workers", "1", *method])
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"{root / name}:{line}:" in err, err
    assert message in err and err.count("\n") == 1, err
    assert not out.exists()


@pytest.mark.parametrize("name,old,new,message", [
    # a nested typo: the weak triggers of a slug would be silently gone
    ("activities.yaml", "    weak: [登记,", "    waek: [登记,", "'triggers.screening.waek' is an unknown key (did you mean 'weak'?)"),
    # an extra key beside a known one is refused, not ignored
    ("linking.yaml", "task_force_min: 3", "task_force_min: 3\ntask_force_minimum: 5",
     "'task_force_minimum' is an unknown key"),
    ("dates.yaml", "{word: 次日, offset: 1, from: previous}", "{word: 次日, ofset: 1, from: previous}",
     "ofset' is an unknown key (did you mean 'offset'?)"),
    ("names.yaml", "max_len: 30", "max_len: 300", "'max_len' must be an integer in 2..100"),
    ("units.yaml", "task_force_heads: [工作组,", "task_force_heads: [7, 工作组,", "must be a non-empty string"),
])
def test_nested_keys_are_checked_too(tmp_path, capsys, name, old, new, message):
    root = broken_rules(tmp_path, name, old, new)
    text = (root / name).read_text(encoding="utf-8")
    marker = new.split("\n")[-1]
    line = text[:text.index(marker)].count("\n") + 1
    assert main(["extract", str(SEEDS), "--out", str(tmp_path / "o"), "--rules", str(root), "--quiet",
                 "--workers", "1", "--method", "rule"]) == 2
    err = capsys.readouterr().err
    assert message in err and f"{name}:{line}:" in err, err


def test_every_rules_file_has_a_declared_shape():
    import extractor.pipeline  # noqa: F401 - imports every consumer of rules/
    import extractor.model.policy  # noqa: F401

    assert set(ALL_FILES) <= set(FILES), sorted(set(ALL_FILES) - set(FILES))


# ---- the checker itself, on plain data ----

SPEC = Section({"n": Int(0, 9), "words": Words(1), "inner": Section({"xs": opt(ListOf(Int()), [])})})


@pytest.mark.parametrize("data,message", [
    ({"n": 3, "words": ["a"], "inner": {"xs": [1]}}, None),
    ({"n": 3, "words": ["a"], "inner": {}}, None),
    ({"n": 10, "words": ["a"], "inner": {}}, "'n' must be an integer in 0..9"),
    ({"n": True, "words": ["a"], "inner": {}}, "'n' must be an integer"),
    ({"n": 1, "words": [], "inner": {}}, "'words' needs at least 1 entry"),
    ({"n": 1, "words": [""], "inner": {}}, "'words[0]' must be a non-empty string"),
    ({"n": 1, "words": ["a"]}, "'inner' is missing"),
    ({"n": 1, "words": ["a"], "inner": {"x": 1}}, "'inner.x' is an unknown key (did you mean 'xs'?)"),
    ({"n": 1, "words": ["a"], "inner": {"xs": ["1"]}}, "'inner.xs[0]' must be an integer"),
])
def test_section_checks(data, message):
    where = Where(REPO / "x.yaml", "", None)
    if message is None:
        checked = SPEC.check(data, where)
        assert isinstance(checked, Frozen) and checked.inner.xs == tuple(data["inner"].get("xs", []))
        with pytest.raises(AttributeError):
            checked.n = 4  # type: ignore[misc]
    else:
        with pytest.raises(RuleError, match=re.escape(message)):
            SPEC.check(data, where)
