"""Shared fixtures. Tests that need ../shared (gold, external corpora) skip
with a clear message when it is absent: a user's clone has no ../shared."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

# The default method is hybrid (14x slower than the rules). Tests that are not
# about the method run the rules, as do the CLI processes they start; the
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
