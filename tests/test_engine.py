"""The local engine: output identical whatever the number of workers, a
progress bar only when asked, a worker's death costs one document."""
from __future__ import annotations

import os
import signal
from concurrent.futures.process import BrokenProcessPool

import pytest

from conftest import SEEDS, seed_paragraph_corpus
import extractor
from extractor.cli import main
from extractor.document import Document
from extractor.engine import local
from extractor.engine import map_documents
from extractor.settings import Settings

TABLES = ("documents", "mentions", "records")


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("batch")
    seed_paragraph_corpus(folder / "paragraphs.jsonl", copies=3)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    return [str(SEEDS), str(folder)]


@pytest.fixture(scope="module")
def one_worker(batch, tmp_path_factory):
    out = tmp_path_factory.mktemp("w1")
    assert main(["extract", *batch, "--out", str(out), "--workers", "1", "--quiet"]) == 0
    return out


@pytest.mark.parametrize("workers", [2, 3])
def test_workers_write_the_same_tables(batch, one_worker, tmp_path, workers, monkeypatch):
    # Small chunks so that many are in flight and out-of-order completion is possible.
    monkeypatch.setattr(local, "CHUNK_DOCS", 3)
    assert main(["extract", *batch, "--out", str(tmp_path), "--workers", str(workers), "--quiet"]) == 0
    for name in TABLES:
        assert (tmp_path / f"{name}.csv").read_bytes() == (one_worker / f"{name}.csv").read_bytes(), name


def test_every_input_has_a_row_in_order(one_worker):
    docs = extractor.read_tables(one_worker).documents
    assert len(docs) == 5 + 3 * 47 + 2
    assert docs.loc[docs.doc_id == "image", "error"].item().startswith("not text")
    assert list(docs.doc_id[:5]) == sorted(p.stem for p in SEEDS.glob("*.txt"))


def test_api_workers_match(batch):
    one = extractor.extract(batch[:1], workers=1)
    two = extractor.extract(batch[:1], workers=2)
    for a, b in zip(one, two):
        assert a.equals(b)


def _die(settings, chunk):
    """A chunk function whose worker dies on one document (as in a crash in
    native code) and behaves normally otherwise."""
    if any(d.doc_id == "poison" for d in chunk):
        os.kill(os.getpid(), signal.SIGKILL)
    return local._process_chunk(settings, chunk)


def test_a_dying_worker_costs_one_document(monkeypatch):
    monkeypatch.setattr(local, "_process_chunk", _die)
    monkeypatch.setattr(local, "CHUNK_DOCS", 2)
    texts = [f"3月{i}日,社区干部{i}名入户排查。" for i in range(1, 9)]
    docs = [Document(doc_id=f"d{i}", source="t", raw=t) for i, t in enumerate(texts)]
    docs.insert(3, Document(doc_id="poison", source="t", raw="毒"))
    results = list(map_documents(docs, Settings(), workers=2))
    assert [r.document["doc_id"] for r in results] == [d.doc_id for d in docs]
    status = {r.document["doc_id"]: (r.document["status"], r.document["error"]) for r in results}
    assert status["poison"] == ("error", "worker process died while processing this document")
    assert all(s == "ok" for k, (s, _) in status.items() if k != "poison")


@pytest.fixture
def pools(monkeypatch):
    """Every pool the engine shuts down during a test, as (wait, manager
    thread, workers) taken just before the shutdown. Whatever a failing
    test leaves running is killed afterwards, so that a regression fails
    the test instead of hanging the suite at exit."""
    from concurrent.futures import process

    seen: list = []
    real = process.ProcessPoolExecutor.shutdown

    def shutdown(self, wait=True, *, cancel_futures=False):
        seen.append((wait, self._executor_manager_thread, self._processes or {}))
        return real(self, wait=wait, cancel_futures=cancel_futures)

    monkeypatch.setattr(process.ProcessPoolExecutor, "shutdown", shutdown)
    yield seen
    for _, _, workers in seen:
        for p in list(workers.values()):
            p.kill()


def _left_running(pools) -> list:
    return [t for _, t, _ in pools if t is not None and t.is_alive()] + \
        [p for _, _, workers in pools for p in list(workers.values()) if p.is_alive()]


def test_a_finished_run_leaves_no_pool_thread_behind(pools):
    """After the last result the pool is shut down and waited for, so that
    nothing is left for concurrent.futures' exit hook to wake while its
    manager thread closes (a traceback after a finished run, Python 3.11)."""
    docs = [Document(doc_id=f"d{i}", source="t", raw=f"3月{i}日,社区干部入户排查。") for i in range(1, 5)]
    assert len(list(map_documents(docs, Settings(), workers=2))) == 4
    assert pools and pools[0][0] is True
    assert not _left_running(pools)


def test_a_broken_pool_leaves_nothing_running(monkeypatch, pools):
    """A worker's death while the parent is still submitting can make the
    broken pool start a worker its manager never ends; the manager then
    waits for it forever, and so does the interpreter at exit (the CLI's
    run is done but the process never returns). Every pool a run discards
    must be finished when the run returns: its workers dead, its manager
    thread joined. The race needs the death and a submit to meet, so the
    poison moves through every position of the input."""
    monkeypatch.setattr(local, "_process_chunk", _die)
    monkeypatch.setattr(local, "CHUNK_DOCS", 2)
    for position in range(8):
        docs = [Document(doc_id=f"d{i}", source="t", raw=f"3月{i}日,社区干部{i}名入户排查。") for i in range(8)]
        docs.insert(position, Document(doc_id="poison", source="t", raw="毒"))
        assert len(list(map_documents(docs, Settings(), workers=2))) == 9
        assert not _left_running(pools), f"poison at {position}"


def test_ending_a_pool_kills_a_worker_its_manager_waits_for():
    # The race above, made certain: a worker that never ends by itself
    # and a manager thread that joins it, as in a broken pool's manager
    # after a late submit. _end must leave neither running.
    import multiprocessing
    import threading
    import time

    worker = multiprocessing.get_context("spawn").Process(target=time.sleep, args=(600,))
    worker.start()
    manager = threading.Thread(target=worker.join)
    manager.start()
    try:
        local._end({worker.pid: worker}, manager)
        assert not worker.is_alive() and not manager.is_alive()
    finally:
        worker.kill()


def test_progress_bar_only_when_asked(batch, tmp_path, capsys):
    from extractor.engine import run_to

    run_to(tmp_path / "a", [batch[0]], progress=True)
    err = capsys.readouterr().err
    assert "5/?" in err or "5doc" in err.replace(" ", "") and "errors" in err
    run_to(tmp_path / "b", [batch[0]], progress=False)
    assert capsys.readouterr().err == ""


def test_cli_summary_line_and_quiet(batch, tmp_path, capsys):
    assert main(["extract", batch[0], "--out", str(tmp_path), "--quiet"]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("5 documents (5 ok, 0 error)")


def test_a_worker_dying_while_chunks_are_still_sent(monkeypatch):
    # The pool can break between two submissions (a worker died on an
    # earlier chunk before the parent finished filling its window): submit
    # itself then raises. That must cost nothing but the dead chunk's re-run.
    real = local._Pool._executor
    calls = {"n": 0}

    class BreaksOnThirdSubmit:
        def __init__(self, executor):
            self.executor = executor

        def submit(self, *args):
            calls["n"] += 1
            if calls["n"] == 3:
                raise BrokenProcessPool("a child process terminated abruptly")
            return self.executor.submit(*args)

        def shutdown(self, **kw):
            self.executor.shutdown(**kw)

    def executor(self):
        return BreaksOnThirdSubmit(real(self))

    monkeypatch.setattr(local._Pool, "_executor", executor)
    monkeypatch.setattr(local, "CHUNK_DOCS", 1)
    docs = [Document(doc_id=f"d{i}", source="t", raw=f"3月{i}日,社区干部{i}名入户排查。") for i in range(1, 7)]
    results = list(map_documents(docs, Settings(), workers=2))
    assert [r.document["doc_id"] for r in results] == [d.doc_id for d in docs]
    assert all(r.document["status"] == "ok" for r in results)
    assert calls["n"] > len(docs)  # the broken submission was made again
