"""Shared fixtures. Tests that need ../shared (gold, external corpora) skip
with a clear message when it is absent: a user's clone has no ../shared."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

# The default method is rule; a site may make it hybrid (EXTRACTOR_METHOD).
# Tests that are not about the method run the rules whatever the site's
# setting, as do the CLI processes they start; the
# model's own tests, the dev-gold test and the notebooks name their methods.
os.environ.setdefault("EXTRACTOR_METHOD", "rule")

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("EXTRACTOR_SHARED", REPO.parent / "shared"))
SEEDS = REPO / "corpora" / "seeds"
SEED_000 = (SEEDS / "000_9c8a19c707cef022.txt").read_text(encoding="utf-8")
SEED_004 = (SEEDS / "004_346b2b7aa930d446.txt").read_text(encoding="utf-8")  # traditional script


def encodable(text: str, encoding: str) -> str:
    """``text`` without the characters ``encoding`` cannot write."""
    return text.encode(encoding, errors="ignore").decode(encoding)


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test saying what is missing."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"needs {p} (the project's ../shared folder); absent in this clone")
    return p


@pytest.fixture(scope="session")
def rules():
    from extractor.ruleset import Rules

    return Rules(REPO / "rules")


@pytest.fixture
def shared():
    return shared_path


def broken_rules(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """A copy of rules/ in ``tmp_path`` whose ``name`` has ``old`` replaced by
    ``new`` (the first occurrence, which must exist); returns the folder."""
    import shutil

    root = tmp_path / "rules"
    shutil.copytree(REPO / "rules", root)
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


def seed_paragraph_corpus(path: Path, copies: int = 1) -> Path:
    """A JSONL batch made of the seeds' paragraphs, three to a document and
    ``copies`` times over (ids differ): many small real documents, for the
    engine tests, with no need of ../shared."""
    import json

    paras = [p.strip() for f in sorted(SEEDS.glob("*.txt"))
             for p in f.read_text(encoding="utf-8").split("\n") if len(p.strip()) > 20]
    with open(path, "w", encoding="utf-8") as out:
        n = 0
        for c in range(copies):
            for i in range(0, len(paras), 3):
                n += 1
                text = "\n".join(paras[i:i + 3])
                out.write(json.dumps({"id": f"d{n:05d}", "text": text, "published": "2020-02-1" + str(c % 10)},
                                     ensure_ascii=False) + "\n")
    return path


# --------------------------------------------------------------------------
# test cases: one shape for every file in tests/cases/ (see its README.md)

CASES_DIR = REPO / "tests" / "cases"
SKELETON = ("id", "expect", "xfail", "source")


class CaseFileError(ValueError):
    """A case file that does not have the shape tests/cases/README.md describes."""


def _keys(spec) -> tuple[set[str], set[str]]:
    """``("text", "published?")`` -> (all keys, required keys)."""
    names = {k.rstrip("?") for k in spec}
    return names, {k for k in spec if not k.endswith("?")}


def load_cases(path: Path, *, expect, inputs=("text", "published?")) -> list[dict]:
    """The cases of one file, checked: the file is ``{cases: [...]}``; each case
    has a unique ``id``, a non-empty ``expect`` mapping whose keys are among
    ``expect`` (``"key?"`` = optional), its inputs among ``inputs``, and
    optionally ``xfail`` (the reason) and ``source``. Anything else fails."""
    import yaml

    where = path.relative_to(REPO) if path.is_relative_to(REPO) else path
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or set(data) != {"cases"} or not isinstance(data["cases"], list) \
            or not data["cases"]:
        raise CaseFileError(f"{where}: the file must be one mapping `cases: [...]` (a non-empty list)")
    in_all, in_needed = _keys(inputs)
    ex_all, ex_needed = _keys(expect)
    seen: set[str] = set()
    for n, case in enumerate(data["cases"]):
        at = f"{where}: case {n + 1}"
        if not isinstance(case, dict):
            raise CaseFileError(f"{at}: a case is a mapping, not {type(case).__name__}")
        cid = case.get("id")
        if not isinstance(cid, str) or not cid.strip():
            raise CaseFileError(f"{at}: `id` must be a non-empty string")
        at = f"{where}: case {cid!r}"
        if cid in seen:
            raise CaseFileError(f"{at}: the id is used twice")
        seen.add(cid)
        unknown = set(case) - in_all - set(SKELETON)
        if unknown:
            raise CaseFileError(f"{at}: unknown keys {sorted(unknown)} (allowed: {sorted(in_all | set(SKELETON))})")
        missing = (in_needed | {"expect"}) - set(case)
        if missing:
            raise CaseFileError(f"{at}: missing keys {sorted(missing)}")
        for key in ("text", "published", "source"):
            if key in case and not isinstance(case[key], str):
                raise CaseFileError(f"{at}: `{key}` must be a string (quote it)")
        if "xfail" in case and (not isinstance(case["xfail"], str) or not case["xfail"].strip()):
            raise CaseFileError(f"{at}: `xfail` must be the reason, a non-empty string")
        exp = case["expect"]
        if not isinstance(exp, dict) or not exp:
            raise CaseFileError(f"{at}: `expect` must be a non-empty mapping of the keys checked")
        unknown = set(exp) - ex_all
        if unknown:
            raise CaseFileError(f"{at}: unknown expect keys {sorted(unknown)} (allowed: {sorted(ex_all)})")
        missing = ex_needed - set(exp)
        if missing:
            raise CaseFileError(f"{at}: missing expect keys {sorted(missing)}")
    return data["cases"]


def cases(name: str, *, expect, inputs=("text", "published?"), having: str | None = None) -> list:
    """tests/cases/<name>.yaml as pytest params, one per case: the argument is
    the case (a dict), the test id its ``id``, and a case with ``xfail: reason``
    is marked xfail(strict=True). ``expect`` and ``inputs`` name the keys the
    test reads (``"key?"`` = optional; any other key in a case fails loudly).
    ``having``: only the cases whose ``expect`` has that key.

    Call it with literal arguments: tests/test_cases.py reads the calls to
    check that every case file is run by some test."""
    out = []
    for case in load_cases(CASES_DIR / f"{name}.yaml", expect=expect, inputs=inputs):
        if having is not None and having not in case["expect"]:
            continue
        marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if "xfail" in case else []
        out.append(pytest.param(case, id=case["id"], marks=marks))
    return out
