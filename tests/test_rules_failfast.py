"""Broken rules fail fast: start-up stops with the file and the line, before
any document is read (command line: exit code 2, nothing written).

tests/fields/ test each extractor's own checks on a Rules object and
tests/test_pipeline.py three breakages through a subprocess; here every
rules file is broken through the command line in-process, with the exact
line asserted and document reading watched.
"""
from __future__ import annotations

import re

import pytest

import extractor
import extractor.read
from conftest import REPO, SEEDS, broken_rules
from extractor.cli import main
from extractor.pipeline import Pipeline
from extractor.ruleset import RuleError

# Read only by --method model|hybrid (after the trained model is loaded): the
# model's loader validates it (tests/test_model.py).
MODEL_ONLY = {"model.yaml"}
RULE_FILES = sorted(p.name for p in (REPO / "rules").glob("*.yaml") if p.name not in MODEL_ONLY)


def _second_key(name: str) -> str:
    """The second top-level key line of a rules file, with the line break
    before it (a place to break the file)."""
    text = (REPO / "rules" / name).read_text(encoding="utf-8")
    keys = re.findall(r"^[a-z_]+:.*$", text, re.M)
    return "\n" + (keys[1] if len(keys) > 1 else keys[0])


# (file, text to replace, its replacement, marker on the line to be named, message)
BROKEN = [
    *[(name, _second_key(name), "\nbad: a: b" + _second_key(name), "bad: a: b", "malformed YAML")
      for name in RULE_FILES],
    ("boilerplate.yaml", r"'^\s*站内搜索\s*$'", r"'^\s*站内搜索(\s*$'", "站内搜索(", "invalid pattern"),
    ("metadata.yaml", r"subtitle_start: '^\s*(——|--|—)'", r"subtitle_start: '^\s*(——|--|—'",
     "subtitle_start:", "invalid pattern"),
    ("numbers.yaml", r"""  - 'www\.[^\s)\]」>"]{1,2000}'""", r"""  - 'www\.[^\s)\]」>"{1,2000}'""", "www",
     "invalid pattern"),
    ("dates.yaml", "event_link: '的'", "event_link: '的{3,1}'", "event_link:", "invalid pattern"),
    ("communities.yaml", "list_closer: '(?:", "list_closer: '(?P<x>(?:", "list_closer:", "invalid pattern"),
    ("activities.yaml", "'维持[^,。;]{0,6}秩序'", "'维持[^,。;{0,6}秩序'", "维持[^,。;{0,6}", "invalid pattern"),
    ("activities.yaml", "triggers:\n", "triggers:\n  quarantine:\n    words: [集中观察]\n", "  quarantine:",
     "unknown activity slug"),
]
IDS = [f"{name}-{message.replace(' ', '-')}" for name, _, _, _, message in BROKEN]


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The ids of documents read from the inputs (watched at the reader)."""
    seen: list[str] = []
    real = extractor.read.iter_documents

    def watched(*args, **kwargs):
        for doc in real(*args, **kwargs):
            seen.append(doc.doc_id)
            yield doc

    monkeypatch.setattr(extractor.read, "iter_documents", watched)
    return seen


# With several workers the pipeline is built in a worker, not in the parent
# (which then never loads a model it does not use): the same one-line error,
# before any document is read, and nothing written.
CLI_CASES = [(1, *case) for case in BROKEN] + [(2, *BROKEN[0]), (2, *BROKEN[-1])]
CLI_IDS = [f"{i}-workers-1" for i in IDS] + [f"{IDS[0]}-workers-2", f"{IDS[-1]}-workers-2"]


@pytest.mark.parametrize("workers,name,old,new,marker,message", CLI_CASES, ids=CLI_IDS)
def test_broken_rules_stop_the_cli_before_reading(tmp_path, capsys, reads, workers, name, old, new, marker, message):
    root = broken_rules(tmp_path, name, old, new)
    text = (root / name).read_text(encoding="utf-8")
    line = text[:text.index(marker)].count("\n") + 1
    out = tmp_path / "out"
    code = main(["extract", str(SEEDS), "--out", str(out), "--rules", str(root), "--workers", str(workers), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{root / name}:{line}:" in err, err
    assert message in err and err.count("\n") == 1      # one line, no traceback
    assert reads == []
    assert not out.exists()


def test_the_same_errors_reach_the_api(tmp_path, reads):
    root = broken_rules(tmp_path, "boilerplate.yaml", r"'^\s*站内搜索\s*$'", r"'^\s*站内搜索(\s*$'")
    with pytest.raises(RuleError, match=r"boilerplate\.yaml:\d+: invalid pattern"):
        extractor.extract([SEEDS], rules=root)
    assert reads == []


@pytest.mark.parametrize("breakage,message", [
    ("missing-folder", "rules folder not found"),
    ("missing-file", "people.yaml: file not found"),
])
def test_missing_rules(tmp_path, capsys, breakage, message):
    root = broken_rules(tmp_path, "people.yaml", "workers:", "workers:")
    if breakage == "missing-folder":
        root = tmp_path / "nowhere"
    else:
        (root / "people.yaml").unlink()
    assert main(["extract", str(SEEDS), "--out", str(tmp_path / "out"), "--rules", str(root), "--quiet"]) == 2
    assert message in capsys.readouterr().err


def test_every_rules_file_is_validated_at_start_up():
    """A rules file the rule pipeline does not load at start-up could only
    fail in the middle of a batch (or never): each is read when it is built."""
    pipeline = Pipeline(REPO / "rules")
    loaded = set(pipeline.rules._cache)
    assert loaded >= set(RULE_FILES), sorted(set(RULE_FILES) - loaded)
    assert set(RULE_FILES) | MODEL_ONLY == {p.name for p in (REPO / "rules").glob("*.yaml")}


def test_the_api_with_workers_raises_the_rules_error(tmp_path):
    # Not one "worker died" error row per document, as when the pipeline was
    # built in the pool's initializer.
    root = broken_rules(tmp_path, "boilerplate.yaml", r"'^\s*站内搜索\s*$'", r"'^\s*站内搜索(\s*$'")
    with pytest.raises(RuleError, match=r"boilerplate\.yaml:\d+: invalid pattern"):
        extractor.extract([SEEDS], rules=root, workers=2)


def test_rule_errors_cross_process_boundaries():
    import pickle

    e = RuleError("rules/x.yaml", 3, "malformed YAML")
    back = pickle.loads(pickle.dumps(e))
    assert (type(back), str(back), back.path, back.line) == (RuleError, str(e), e.path, 3)
