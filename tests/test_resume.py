"""--resume: a run killed at any moment, then resumed, writes the same
tables as one uninterrupted run; finished tables appear only when whole."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, seed_paragraph_corpus
import extractor
from extractor.cli import main
from extractor.write.tables import STATE_FILE

TABLES = ("documents", "mentions", "records")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    # About 1 MB, 1,100 documents: nearly two seconds of work for two
    # workers here after a second of start-up, so a kill lands mid-run.
    return seed_paragraph_corpus(tmp_path_factory.mktemp("corpus") / "batch.jsonl", copies=24)


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reference")
    assert main(["extract", str(corpus), "--out", str(out), "--workers", "2", "--quiet"]) == 0
    return out


# Checkpoints every 50 ms, so that a kill point given as a share of the
# rows lands mid-run however fast the machine is (the run takes a
# few seconds here, its results arriving in some twenty chunks).
FAST_CHECKPOINTS = ("--checkpoint-every", "0.05")


def _start(corpus: Path, out: Path, *extra: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "extractor", "extract", str(corpus), "--out", str(out), "--quiet",
           *FAST_CHECKPOINTS, *extra]
    # A session of its own, so the kill takes the worker processes too.
    return subprocess.Popen(cmd, cwd=REPO, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _committed_documents(out: Path) -> int:
    """Rows of the documents table the last checkpoint vouches for."""
    try:
        state = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
        fmt, offset = state["format"], int(state["offsets"]["documents"])
        partial = out / f".documents.{fmt}.partial"
        if fmt == "parquet":  # the offset counts pieces
            import pyarrow.parquet as pq

            return sum(pq.read_metadata(partial / f"{i:08d}.parquet").num_rows for i in range(offset))
        with open(partial, "rb") as f:
            return f.read(offset).count(b"\n") - (fmt in ("csv", "xlsx"))  # the header is not a row
    except (OSError, ValueError):
        return 0


def _kill_when(proc: subprocess.Popen, ready, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, f"finished before the kill: {proc.stderr.read().decode()}"
        assert time.monotonic() < deadline, "run never reached the kill point"
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _assert_same(out: Path, reference: Path, fmt: str) -> None:
    got, want = extractor.read_tables(out), extractor.read_tables(reference)
    for name, a, b in zip(TABLES, got, want):
        assert a.equals(b), name
    if fmt == "csv":
        for name in TABLES:
            assert (out / f"{name}.csv").read_bytes() == (reference / f"{name}.csv").read_bytes()
    assert not (out / STATE_FILE).exists()
    assert not [p for p in out.iterdir() if p.name.endswith(".partial")]


# (format, workers, when to kill): right at start (nothing committed), after
# the first checkpoint with rows, and once a third of the rows are in.
CASES = [
    ("csv", "1", "start"),
    ("csv", "2", "committed"),
    ("jsonl", "2", "later"),
    ("parquet", "2", "later"),
    ("xlsx", "2", "later"),  # the tables grow as CSV partials until the workbook is built
]


@pytest.mark.parametrize("fmt,workers,when", CASES)
def test_killed_then_resumed_equals_uninterrupted(corpus, reference, tmp_path, fmt, workers, when):
    out = tmp_path / "out"
    proc = _start(corpus, out, "--format", fmt, "--workers", workers)
    if when == "start":
        _kill_when(proc, lambda: (out / STATE_FILE).exists())
    elif when == "committed":
        _kill_when(proc, lambda: _committed_documents(out) > 0)
    else:
        third = len(extractor.read_tables(reference).documents) // 3
        _kill_when(proc, lambda: _committed_documents(out) >= third)
    # Killed: no table under its finished name.
    assert not any((out / f"{name}.{fmt}").exists() for name in TABLES)
    assert main(["extract", str(corpus), "--out", str(out), "--format", fmt,
                 "--workers", workers, "--quiet", "--resume"]) == 0
    _assert_same(out, reference, fmt)


def test_killed_twice(tmp_path):
    # Larger than the module's corpus: two kills, each after a new
    # checkpoint, must both land before the run ends.
    corpus = seed_paragraph_corpus(tmp_path / "big.jsonl", copies=45)
    reference = tmp_path / "reference"
    assert main(["extract", str(corpus), "--out", str(reference), "--workers", "2", "--quiet"]) == 0
    out = tmp_path / "out"
    for _ in range(2):
        before = _committed_documents(out)
        proc = _start(corpus, out, "--resume", "--workers", "2")
        _kill_when(proc, lambda: _committed_documents(out) > before)
    assert main(["extract", str(corpus), "--out", str(out), "--resume", "--quiet"]) == 0
    _assert_same(out, reference, "csv")


def test_resume_of_a_finished_run_adds_only_new_documents(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    extra = tmp_path / "more.txt"
    extra.write_text("3月5日,社区干部12名开展入户排查。", encoding="utf-8")
    assert main(["extract", str(corpus), "--out", str(out), "--quiet"]) == 0
    before = extractor.read_tables(out).documents
    assert main(["extract", str(corpus), str(extra), "--out", str(out), "--quiet", "--resume"]) == 0
    assert f"resumed: {len(before)} already written" in capsys.readouterr().err
    after = extractor.read_tables(out).documents
    assert len(after) == len(before) + 1 and after.doc_id.iloc[-1] == "more"
    assert after.iloc[:-1].equals(before)


def test_killed_while_renaming_tables(corpus, tmp_path):
    """A kill between the renames at the end leaves some tables finished,
    some partial; --resume puts them back together."""
    out = tmp_path / "out"
    assert main(["extract", str(corpus), "--out", str(out), "--quiet"]) == 0
    reference = {name: (out / f"{name}.csv").read_bytes() for name in TABLES}
    state = {"format": "csv", "offsets": {name: len(reference[name]) for name in TABLES}}
    (out / STATE_FILE).write_text(json.dumps(state), encoding="utf-8")
    os.replace(out / "records.csv", out / ".records.csv.partial")
    assert main(["extract", str(corpus), "--out", str(out), "--quiet", "--resume"]) == 0
    for name in TABLES:
        assert (out / f"{name}.csv").read_bytes() == reference[name]


def test_resume_refuses_another_format(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["extract", str(corpus), "--out", str(out), "--quiet", "--format", "jsonl"]) == 0
    assert main(["extract", str(corpus), "--out", str(out), "--quiet", "--resume"]) == 2
    assert "another format" in capsys.readouterr().err
