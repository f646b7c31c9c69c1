"""Faults on the output side (issue 15): one writer per folder, a full or
read-only disk, Ctrl-C and SIGTERM, a damaged progress file, results that
would be overwritten or mixed. Each is one line and an exit code, never a
traceback, and where work was done `--resume` then gives the tables of an
uninterrupted run."""
from __future__ import annotations

import builtins
import errno
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, SEED_000, seed_paragraph_corpus
from test_resume import _assert_same, _committed_documents, _start
import extractor
from extractor import engine
from extractor.cli import main
from extractor.write import folder as folder_module
from extractor.write import excel, tables
from extractor.write.folder import LOCK_FILE, STATE_FILE

TABLES = ("documents", "mentions", "records")
FORMATS = ("csv", "jsonl", "parquet", "xlsx")
# In-process runs checkpoint often, so that a fault mid-run lands after
# several checkpoints and --resume has partial tables to cut back.
OFTEN = ("--checkpoint-every", "0.01")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    # 188 small documents: about 0.4 s in one process.
    return seed_paragraph_corpus(tmp_path_factory.mktemp("corpus") / "batch.jsonl", copies=4)


@pytest.fixture(scope="module")
def references(corpus, tmp_path_factory) -> dict[str, Path]:
    """An uninterrupted run of ``corpus`` in each format."""
    out = {}
    for fmt in FORMATS:
        out[fmt] = tmp_path_factory.mktemp(f"reference-{fmt}")
        assert main(["extract", str(corpus), "--out", str(out[fmt]), "--format", fmt, "--workers", "1",
                     "--quiet"]) == 0
    return out


def _extract(corpus: Path, out: Path, *extra: str) -> int:
    return main(["extract", str(corpus), "--out", str(out), "--workers", "1", "--quiet", *OFTEN, *extra])


def _one_line(capsys) -> str:
    """The one line the last command printed on standard error."""
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1 and err.startswith("extractor: "), err
    return err.strip()


# ---------------------------------------------------------------- a simulated disk
class _LimitedFile(io.FileIO):
    """A file on a :class:`FullDisk`: writes what fits, then fails."""

    disk: "FullDisk"

    def write(self, b) -> int:
        room = self.disk.room
        if len(b) <= room:
            self.disk.room -= len(b)
            return super().write(b)
        if room > 0:  # a short write, as a real disk gives before ENOSPC
            self.disk.room = 0
            return super().write(bytes(memoryview(b)[:room]))
        raise OSError(self.disk.error, os.strerror(self.disk.error))


class FullDisk:
    """Stands in for ``open`` in the writer's module: files opened for
    writing (whose names contain ``only``) share ``room`` bytes, after which
    a write fails with ``error`` (ENOSPC by default: a full disk; EROFS, a
    file system gone read-only; EACCES; EIO)."""

    def __init__(self, room: int, error: int = errno.ENOSPC, only: str = ""):
        self.room, self.error, self.only = room, error, only

    def open(self, file, mode="r", buffering=-1, encoding=None, errors=None, newline=None):
        if not any(c in mode for c in "wa+") or self.only not in Path(file).name:
            return builtins.open(file, mode, buffering, encoding=encoding, errors=errors, newline=newline)
        raw = type("File", (_LimitedFile,), {"disk": self})(file, mode.replace("b", "").replace("t", ""))
        buffered = io.BufferedRandom(raw) if "+" in mode else io.BufferedWriter(raw)
        if "b" in mode:
            return buffered
        return io.TextIOWrapper(buffered, encoding=encoding, errors=errors, newline=newline)


def _reference_bytes(reference: Path) -> int:
    return sum(p.stat().st_size for p in reference.iterdir())


REMEDY = {errno.ENOSPC: "No space left on device — free space",
          errno.EROFS: "Read-only file system — make the file system writable",
          errno.EACCES: "Permission denied — allow writing to the folder",
          errno.EIO: "Input/output error — check the disk"}


def _assert_write_failed(capsys, out: Path, error: int = errno.ENOSPC) -> None:
    line = _one_line(capsys)
    assert line.startswith(f"extractor: cannot write {out}/"), line
    assert line.endswith(f": {REMEDY[error]} and run the same command with --resume"), line


# (format, point): at the first write, mid-run, and during the final
# renames (for Parquet also while merging its pieces, which needs as much
# space again as the table; for xlsx while the workbook is saved).
DISK_FULL = ([(fmt, point) for fmt in FORMATS for point in ("start", "middle", "rename")]
             + [("parquet", "merge"), ("xlsx", "merge")])


@pytest.mark.parametrize("fmt,point", DISK_FULL)
def test_disk_full_then_resume_equals_uninterrupted(corpus, references, tmp_path, monkeypatch, capsys,
                                                     fmt, point):
    out = tmp_path / "out"
    real_replace = os.replace
    if point == "rename":
        def replace(src, dst):
            if Path(dst).name in (f"mentions.{fmt}", "tables.xlsx"):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(src))
            real_replace(src, dst)
        monkeypatch.setattr(os, "replace", replace)
    else:
        room = {"start": 0, "middle": _reference_bytes(references[fmt]) * 2 // 5, "merge": 0}[point]
        disk = FullDisk(room, only=".merging" if point == "merge" else "")
        monkeypatch.setattr(tables, "open", disk.open, raising=False)
        monkeypatch.setattr(excel, "open", disk.open, raising=False)  # the workbook is saved there
    assert _extract(corpus, out, "--format", fmt) == 3
    _assert_write_failed(capsys, out)
    if point == "middle":  # checkpoints were made before the disk filled
        assert 0 < _committed_documents(out) < len(extractor.read_tables(references[fmt]).documents)
    if point != "rename":
        assert not any(folder_module.table_path(out, name, fmt).exists() for name in TABLES)
    monkeypatch.undo()  # space freed
    assert _extract(corpus, out, "--format", fmt, "--resume") == 0
    _assert_same(out, references[fmt], fmt)
    assert not (out / LOCK_FILE).exists()


@pytest.mark.parametrize("error", [errno.EROFS, errno.EACCES, errno.EIO])
def test_other_write_errors_name_their_remedy(corpus, references, tmp_path, monkeypatch, capsys, error):
    out = tmp_path / "out"
    monkeypatch.setattr(tables, "open", FullDisk(_reference_bytes(references["csv"]) // 2, error).open,
                        raising=False)
    assert _extract(corpus, out) == 3
    _assert_write_failed(capsys, out, error)
    monkeypatch.undo()
    assert _extract(corpus, out, "--resume") == 0
    _assert_same(out, references["csv"], "csv")


@pytest.fixture
def small_tmpfs(tmp_path):
    """A real 300 kB tmpfs (root only), and a function that remounts it
    with other options ("size=20m", "ro")."""
    mount = tmp_path / "tmpfs"
    mount.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("a real tmpfs needs root; the simulated full disk covers the same paths")
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")

    def remount(options: str) -> None:
        subprocess.run(["mount", "-o", f"remount,{options}", str(mount)], check=True)

    try:
        yield mount, remount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_real_full_tmpfs_then_resume(corpus, references, small_tmpfs):
    mount, remount = small_tmpfs
    out = mount / "out"
    cmd = [sys.executable, "-m", "extractor", "extract", str(corpus), "--out", str(out), "--workers", "1",
           "--quiet", *OFTEN]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 3, proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "No space left on device — free space and run the same command with --resume" in proc.stderr
    remount("size=20m")
    proc = subprocess.run([*cmd, "--resume"], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    _assert_same(out, references["csv"], "csv")


# ---------------------------------------------------------------- one writer per folder
def test_a_second_run_into_the_same_folder_is_refused(tmp_path, capsys):
    """The first run holds the folder while it waits for its standard
    input; the second is refused at once, naming the folder and the first
    run's process; the first then writes what a run on its own writes."""
    out = tmp_path / "out"
    first = subprocess.Popen([sys.executable, "-m", "extractor", "extract", "-", "--out", str(out),
                              "--workers", "1", "--quiet"], cwd=REPO, stdin=subprocess.PIPE,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not (out / STATE_FILE).exists():  # tables open, lock held, reading stdin
            assert first.poll() is None, first.stderr.read().decode()
            assert time.monotonic() < deadline, "the first run never opened its tables"
            time.sleep(0.02)
        with pytest.MonkeyPatch.context() as m:  # refused before any worker starts
            m.setattr(engine, "open_engine", lambda *a, **k: pytest.fail("workers started"))
            assert main(["extract", "-", "--out", str(out), "--workers", "2", "--quiet"]) == 2
        line = _one_line(capsys)
        assert line == (f"extractor: {out} is in use by another extractor run (process {first.pid}); "
                        f"wait for it to end, or choose another --out")
    finally:
        _, err = first.communicate(SEED_000.encode("utf-8"), timeout=60)
    assert first.returncode == 0, err.decode()
    single = tmp_path / "single"
    proc = subprocess.run([sys.executable, "-m", "extractor", "extract", "-", "--out", str(single), "--quiet"],
                          input=SEED_000.encode("utf-8"), capture_output=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    _assert_same(out, single, "csv")
    assert not (out / LOCK_FILE).exists()


def test_lock_file_of_a_killed_run_does_not_block(corpus, references, tmp_path):
    # The kernel drops a dead process's flock: the file it leaves is no lock.
    out = tmp_path / "out"
    out.mkdir()
    (out / LOCK_FILE).write_text("999999\n", encoding="ascii")
    assert _extract(corpus, out) == 0
    _assert_same(out, references["csv"], "csv")
    assert not (out / LOCK_FILE).exists()


# ---------------------------------------------------------------- Ctrl-C and SIGTERM
@pytest.fixture(scope="module")
def long_corpus(tmp_path_factory) -> tuple[Path, Path]:
    """A batch long enough that a signal lands mid-run (some seconds of
    work), and its uninterrupted tables."""
    corpus = seed_paragraph_corpus(tmp_path_factory.mktemp("long") / "batch.jsonl", copies=16)
    reference = tmp_path_factory.mktemp("long-reference")
    assert main(["extract", str(corpus), "--out", str(reference), "--workers", "2", "--quiet"]) == 0
    return corpus, reference


def _processes_in_group(pgid: int) -> list[int]:
    """Live (not zombie) processes of process group ``pgid``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            found.append(int(stat.parent.name))
    return found


# SIGINT as a terminal sends it (to the whole process group, workers
# included); SIGTERM as `kill PID` does (to the main process only).
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("workers", ["1", "2"])
def test_signal_stops_at_a_checkpoint_then_resume(long_corpus, tmp_path, signum, workers):
    corpus, reference = long_corpus
    out = tmp_path / "out"
    proc = _start(corpus, out, "--workers", workers)
    deadline = time.monotonic() + 120
    while _committed_documents(out) == 0:
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline, "the run never checkpointed"
        time.sleep(0.02)
    if signum == signal.SIGINT:
        os.killpg(proc.pid, signum)
    else:
        os.kill(proc.pid, signum)
    _, err = proc.communicate(timeout=60)
    err = err.decode()
    assert proc.returncode == 128 + signum, err
    assert "Traceback" not in err and err.count("\n") == 1, err
    name = signal.Signals(signum).name
    assert err.startswith(f"extractor: stopped by {name}: "), err
    written = int(err.split(": ", 2)[2].split(" documents")[0])
    assert written == _committed_documents(out) > 0  # the last checkpoint holds every document written
    command = err.strip().split("to continue, run: ")[1]
    assert command.startswith("extractor extract ") and command.endswith(" --resume")
    # The workers are gone with the run.
    deadline = time.monotonic() + 30
    while _processes_in_group(proc.pid):
        assert time.monotonic() < deadline, f"left running: {_processes_in_group(proc.pid)}"
        time.sleep(0.05)
    assert not (out / LOCK_FILE).exists()
    assert main(["extract", str(corpus), "--out", str(out), "--workers", workers, "--quiet", "--resume"]) == 0
    _assert_same(out, reference, "csv")


# ---------------------------------------------------------------- the progress file
def _interrupted_run(corpus: Path, out: Path, monkeypatch, capsys, *extra: str) -> None:
    """``out`` as a run stopped mid-way by a full disk leaves it."""
    with monkeypatch.context() as m:
        m.setattr(tables, "open", FullDisk(100_000).open, raising=False)
        assert _extract(corpus, out, *extra) == 3
    capsys.readouterr()


DAMAGED = {
    "empty": (b"", "is damaged (empty)"),
    "truncated": (b'{"format": "csv", "offsets": {"documents": 12', "is damaged (cut short or garbled)"),
    "not text": (b"\xff\xfe\x00garbage", "is damaged (not text)"),
    "foreign json": (b'{"version": 3, "files": []}', "is not an extractor progress file"),
    "a list": (b"[1, 2, 3]", "is not an extractor progress file"),
    "bad offsets": (b'{"format": "csv", "offsets": {"documents": "12", "mentions": 0, "records": 0}}',
                    "is not an extractor progress file"),
}


@pytest.mark.parametrize("case", DAMAGED, ids=list(DAMAGED))
def test_damaged_progress_file(corpus, references, tmp_path, monkeypatch, capsys, case):
    content, message = DAMAGED[case]
    out = tmp_path / "out"
    _interrupted_run(corpus, out, monkeypatch, capsys)
    (out / STATE_FILE).write_bytes(content)
    assert _extract(corpus, out, "--resume") == 2
    line = _one_line(capsys)
    assert line == (f"extractor: {out / STATE_FILE} {message}; --resume cannot tell how far the tables "
                    f"are whole: add --overwrite to start again")
    assert _extract(corpus, out, "--overwrite") == 0
    _assert_same(out, references["csv"], "csv")


def test_progress_file_of_other_tables(corpus, tmp_path, monkeypatch, capsys):
    # Valid, ours, but recording more than the partial tables hold
    # (copied from another folder, or its tables replaced).
    out = tmp_path / "out"
    _interrupted_run(corpus, out, monkeypatch, capsys)
    state = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
    state["offsets"]["records"] += 10_000
    (out / STATE_FILE).write_text(json.dumps(state), encoding="utf-8")
    assert _extract(corpus, out, "--resume") == 2
    line = _one_line(capsys)
    assert f"{out / STATE_FILE} does not match the tables beside it (.records.csv.partial: " in line
    assert line.endswith("--resume cannot continue from it: add --overwrite to start again")


def test_progress_file_of_another_format(corpus, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    _interrupted_run(corpus, out, monkeypatch, capsys)
    assert _extract(corpus, out, "--resume", "--format", "parquet") == 2
    assert _one_line(capsys) == (f"extractor: {out} holds an interrupted run in csv format, not parquet; "
                                 f"continue it with --format csv --resume, or add --overwrite to start again")


def test_progress_file_of_other_inputs(corpus, references, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    _interrupted_run(corpus, out, monkeypatch, capsys)
    other = tmp_path / "other.txt"
    other.write_text(SEED_000, encoding="utf-8")
    assert _extract(other, out, "--resume") == 2
    assert _one_line(capsys) == (f"extractor: {out} holds an interrupted run over other inputs ({corpus}); "
                                 f"--resume continues it only with the same inputs: give those, "
                                 f"or add --overwrite to start again")
    assert _extract(corpus, out, "--resume") == 0
    _assert_same(out, references["csv"], "csv")


@pytest.mark.parametrize("first,then,said", [
    (("--reference-date", "2020-06-01"), (), "--reference-date 2020-06-01 (now off)"),
    ((), ("--with-body",), "--with-body off (now on)"),
    (("--method", "rule"), ("--method", "hybrid"), "--method rule (now hybrid)"),
], ids=["reference-date", "with-body", "method"])
def test_progress_file_of_other_options(corpus, tmp_path, monkeypatch, capsys, first, then, said):
    # Rows made with another reference date, body column or method would
    # mix with these in one table.
    out = tmp_path / "out"
    _interrupted_run(corpus, out, monkeypatch, capsys, *first)
    assert _extract(corpus, out, "--resume", *then) == 2
    assert _one_line(capsys) == (f"extractor: {out} holds an interrupted run made with other options: "
                                 f"{said}; --resume continues it only with the same options: give those, "
                                 f"or add --overwrite to start again")
    assert _extract(corpus, out, "--resume", *first) == 0


def test_interrupted_run_is_not_restarted_silently(corpus, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    _interrupted_run(corpus, out, monkeypatch, capsys)
    before = sorted((p.name, p.stat().st_size) for p in out.iterdir())
    assert _extract(corpus, out) == 2
    assert _one_line(capsys) == (f"extractor: {out} holds an interrupted run; add --resume to continue it, "
                                 f"or --overwrite to start again")
    assert sorted((p.name, p.stat().st_size) for p in out.iterdir()) == before


# ---------------------------------------------------------------- existing results
def test_finished_run_is_not_overwritten_silently(corpus, references, tmp_path, capsys):
    out = tmp_path / "out"
    shutil.copytree(references["csv"], out)
    extra = tmp_path / "extra.txt"
    extra.write_text("3月5日,社区干部12名开展入户排查。", encoding="utf-8")
    assert main(["extract", str(extra), "--out", str(out), "--quiet"]) == 2
    assert _one_line(capsys) == (f"extractor: {out} already holds the tables of a finished run (documents.csv, "
                                 f"mentions.csv, records.csv); add --resume to add new documents to them, "
                                 f"or --overwrite to replace them")
    _assert_same(out, references["csv"], "csv")  # untouched
    assert main(["extract", str(extra), "--out", str(out), "--quiet", "--overwrite"]) == 0
    assert list(extractor.read_tables(out).documents.doc_id) == ["extra"]


def test_resume_and_overwrite_exclude_each_other(corpus, tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        main(["extract", str(corpus), "--out", str(tmp_path), "--resume", "--overwrite"])
    assert e.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_tables_of_another_format_are_refused_or_removed(corpus, references, tmp_path, capsys):
    out = tmp_path / "out"
    shutil.copytree(references["csv"], out)
    assert _extract(corpus, out, "--format", "parquet") == 2
    assert _one_line(capsys) == (f"extractor: {out} holds tables in another format (documents.csv, "
                                 f"mentions.csv, records.csv); choose another --out, or add --overwrite "
                                 f"to remove them")
    assert _extract(corpus, out, "--format", "parquet", "--overwrite") == 0
    assert not list(out.glob("*.csv"))
    _assert_same(out, references["parquet"], "parquet")


def test_read_tables_refuses_two_formats(references, tmp_path, capsys):
    out = tmp_path / "out"
    shutil.copytree(references["csv"], out)
    shutil.copy(references["jsonl"] / "documents.jsonl", out)
    with pytest.raises(ValueError) as e:
        extractor.read_tables(out)
    assert str(e.value) == (f"{out} holds tables in 2 formats (documents.csv, mentions.csv, records.csv; "
                            f"documents.jsonl); remove those of one format, or write the run again with "
                            f"--overwrite")
    assert main(["report", str(out), "-o", str(tmp_path / "r.html")]) == 2
    assert "holds tables in 2 formats" in _one_line(capsys)


# ---------------------------------------------------------------- a bad --out
def test_out_is_a_file(corpus, tmp_path, capsys):
    out = tmp_path / "file.txt"
    out.write_text("not a folder", encoding="utf-8")
    assert _extract(corpus, out) == 2
    assert _one_line(capsys) == f"extractor: --out {out} is a file, not a folder"
    assert out.read_text(encoding="utf-8") == "not a folder"


@pytest.mark.parametrize("error", [errno.EROFS, errno.EACCES])
def test_out_that_cannot_be_written(corpus, tmp_path, monkeypatch, capsys, error):
    """A read-only or forbidden folder, simulated (root writes anyway): the
    run stops before it starts, with exit 2."""
    out = tmp_path / "out"
    out.mkdir()
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if Path(path).parent == out:
            raise OSError(error, os.strerror(error), str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(folder_module.os, "open", refuse)
    assert _extract(corpus, out) == 2
    assert _one_line(capsys) == f"extractor: cannot write to --out {out}: {os.strerror(error)}"
    assert list(out.iterdir()) == []


def test_out_really_not_writable(corpus, tmp_path, capsys, request):
    """The same with a real folder: a read-only tmpfs as root (for whom
    permissions do not stop writes), a folder without write permission
    otherwise."""
    if os.geteuid() == 0:
        out, remount = request.getfixturevalue("small_tmpfs")
        remount("ro")
        reason = "Read-only file system"
    else:
        out = tmp_path / "out"
        out.mkdir()
        out.chmod(0o555)
        reason = "Permission denied"
    assert _extract(corpus, out) == 2
    assert _one_line(capsys) == f"extractor: cannot write to --out {out}: {reason}"


def test_a_signal_waits_for_the_document_being_written():
    """A signal stops the run at once, except inside a deferred block (the
    writer writing one document's rows, or checkpointing), where it raises
    when the block ends; the checkpoint that follows holds whole documents.
    Signals after the first are ignored while the run winds down."""
    from extractor.engine.stop import Interrupted, StopSignals

    before = signal.getsignal(signal.SIGTERM)
    steps = []
    with StopSignals():
        with pytest.raises(Interrupted) as e:
            os.kill(os.getpid(), signal.SIGINT)
            steps.append("after the signal")
        assert steps == [] and e.value.exit_code == 130
        os.kill(os.getpid(), signal.SIGINT)  # winding down: ignored
    with StopSignals() as stop:
        with pytest.raises(Interrupted) as e:
            with stop.deferred():
                os.kill(os.getpid(), signal.SIGTERM)
                steps.append("rest of the block")
            steps.append("after the block")
        assert steps == ["rest of the block"] and e.value.exit_code == 143
    assert signal.getsignal(signal.SIGTERM) is before


def test_report_onto_a_folder_is_one_line(corpus, tmp_path, capsys):
    """Outside `extract`, an OSError (here: the report's path is a folder) is one line, exit 3."""
    out = tmp_path / "out"
    assert main(["extract", str(corpus), "--out", str(out), "--quiet", "--workers", "1"]) == 0
    capsys.readouterr()
    assert main(["report", str(out), "-o", str(tmp_path)]) == 3
    err = capsys.readouterr().err
    assert err.startswith("extractor: cannot use ") and err.count("\n") == 1, err
