"""Shared fixtures. Tests that need ../shared (gold, external corpora) skip
with a clear message when it is absent: a user's clone has no ../shared."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("EXTRACTOR_SHARED", REPO.parent / "shared"))
SEEDS = REPO / "corpora" / "seeds"


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
