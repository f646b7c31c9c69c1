"""Per-document limits: a document too long or too slow becomes an error row
with its reason, and the next document is processed normally."""
from __future__ import annotations

import re
import signal
import threading
import time

import pytest

import extractor
from conftest import REPO
from extractor.cli import main
from extractor.document import Document
from extractor.fields.dates import DateExtractor
from extractor.limits import DocumentTooSlow, deadline
from extractor.pipeline import Pipeline, pipeline_for
from extractor.settings import Settings

TEXT = "2月5日,社区志愿者上门测体温。"
SLOW_MARK = "慢慢"


@pytest.fixture
def slow_dates(monkeypatch):
    """Date extraction hangs on a body holding SLOW_MARK (as a pathological
    document would), and works as usual on any other."""
    real = DateExtractor.extract

    def extract(self, doc):
        if SLOW_MARK in doc.body:
            time.sleep(30)
        return real(self, doc)

    monkeypatch.setattr(DateExtractor, "extract", extract)


# ---------------------------------------------------------------- size

@pytest.mark.parametrize("text,limit,status,reason", [
    (TEXT, 100, "ok", ""),
    (TEXT * 10, 100, "error", "document too long: 160 characters (limit 100; --max-chars)"),
    # Plain text is refused before it is normalized (HTML gets 10x room for markup).
    (TEXT * 100, 100, "error", "document too long: 1600 characters (limit 100; --max-chars)"),
    # Markup does not count: the limit is on the text it carries.
    ("<div>" * 30 + TEXT + "</div>" * 30, 100, "ok", ""),
])
def test_size_limit(text, limit, status, reason):
    pipeline = pipeline_for(Settings(rules=str(REPO / "rules"), max_chars=limit))
    row = pipeline.process(Document(doc_id="d", source="t", raw=text)).document
    assert (row["status"], row["error"].startswith(reason)) == (status, True), row["error"]
    if status == "error":
        assert row["n_chars"] == row["n_mentions"] == row["n_records"] == 0


# ---------------------------------------------------------------- time

def test_slow_document_is_an_error_row_and_the_next_one_runs(slow_dates):
    pipeline = Pipeline(REPO / "rules", settings=Settings(max_seconds=0.5))
    start = time.perf_counter()
    slow = pipeline.process(Document(doc_id="slow", source="t", raw=f"{SLOW_MARK}。{TEXT}"))
    assert time.perf_counter() - start < 5
    assert slow.document["status"] == "error"
    assert slow.document["error"] == "took longer than 0.5 s (limit: --max-seconds)"
    assert slow.mentions == slow.records == []
    after = pipeline.process(Document(doc_id="after", source="t", raw=TEXT))
    assert after.document["status"] == "ok"
    assert [m["value"] for m in after.mentions if m["field"] == "date"] == ["XXXX-02-05"]
    # No timer is left behind to fire into later work.
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0


def test_cli_limits(tmp_path, slow_dates):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-slow.txt").write_text(f"{SLOW_MARK}。{TEXT}", encoding="utf-8")
    (folder / "b-long.txt").write_text(TEXT * 50, encoding="utf-8")
    (folder / "c-fine.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    # One worker: the monkeypatched extractor lives in this process.
    assert main(["extract", str(folder), "--out", str(out), "--workers", "1", "--quiet",
                 "--max-seconds", "0.5", "--max-chars", "500"]) == 0
    docs = extractor.read_tables(out).documents.set_index("doc_id")
    assert docs.loc["a-slow", "error"] == "took longer than 0.5 s (limit: --max-seconds)"
    assert docs.loc["b-long", "error"].startswith("document too long: 800 characters (limit 500; --max-chars)")
    assert docs.loc["c-fine", "status"] == "ok" and docs.loc["c-fine", "n_mentions"] > 0


def test_defaults_are_generous():
    s = Settings()
    assert s.max_chars >= 1_000_000 and s.max_seconds >= 60


# ---------------------------------------------------------------- the timer

def test_deadline_interrupts_a_runaway_regular_expression():
    start = time.perf_counter()
    with pytest.raises(DocumentTooSlow):
        with deadline(0.2):
            re.match(r"(a|a)*b", "a" * 40)      # 2**40 steps if left alone
    assert time.perf_counter() - start < 2


def test_deadline_does_not_fire_after_its_block():
    with deadline(0.1):
        pass
    time.sleep(0.2)  # an armed timer would raise here


def test_deadlines_nest():
    start = time.perf_counter()
    with pytest.raises(DocumentTooSlow, match="0.3 s"):
        with deadline(0.3):
            with deadline(10):
                time.sleep(0.05)
            time.sleep(5)       # the outer deadline still fires
    assert time.perf_counter() - start < 2


def test_deadline_is_a_no_op_off_the_main_thread():
    """Signals reach only the main thread: elsewhere the size limit is what
    bounds a document, and the block must not fail."""
    outcome: list[str] = []

    def work() -> None:
        with deadline(0.01):
            time.sleep(0.1)
        outcome.append("done")

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert outcome == ["done"]
