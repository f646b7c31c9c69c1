"""One writer per output folder, and what a run may find there.

A run claims its output folder before it reads anything: an exclusive lock
(``fcntl.flock`` on ``.extractor.lock``; the kernel releases it when the
process ends, however it ends, so a killed run never leaves a stale lock),
then a look at what the folder holds, so that a finished run, an
interrupted one or tables of another format are never overwritten without
``--resume`` or ``--overwrite``, and a damaged progress file is named as
such before any work is done.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
from pathlib import Path
from typing import Any, Iterable

from ..schema import TABLES
from .errors import OutputError

FORMATS = ("csv", "parquet", "jsonl", "xlsx")
STATE_FILE = ".extractor-progress.json"
LOCK_FILE = ".extractor.lock"
# xlsx is one workbook of three sheets; until the run ends its tables grow
# as CSV partials, which checkpoints and --resume treat as CSV's.
WORKBOOK = "tables"


def table_path(folder: Path, name: str, fmt: str) -> Path:
    """Where a finished table lives (for xlsx: the one workbook of all three)."""
    return folder / f"{WORKBOOK if fmt == 'xlsx' else name}.{fmt}"


def partial_path(folder: Path, name: str, fmt: str) -> Path:
    """Where a table grows until the run ends (a folder of pieces for Parquet)."""
    return folder / f".{name}.{fmt}.partial"


def merging_path(folder: Path, name: str, fmt: str) -> Path:
    """Where Parquet pieces are merged (or the xlsx workbook is built)
    before the rename into place."""
    return folder / f".{WORKBOOK if fmt == 'xlsx' else name}.{fmt}.merging"


def finished_tables(folder: Path, fmt: str) -> list[Path]:
    """The finished tables of ``fmt`` in ``folder`` (each file once)."""
    paths = dict.fromkeys(table_path(folder, name, fmt) for name in TABLES)
    return [p for p in paths if p.exists()]


def complete(folder: Path, fmt: str) -> bool:
    """Whether every table of ``fmt`` is finished in ``folder``."""
    return all(table_path(folder, name, fmt).exists() for name in TABLES)


def inputs_record(inputs: Iterable[Any] | None) -> dict[str, Any] | None:
    """What a progress file records of a run's inputs, so that --resume can
    tell a run over other inputs: a digest of their absolute paths, and the
    first few for the message. ``None`` unless ``inputs`` is a list of paths
    (documents or texts from Python cannot be compared)."""
    if not isinstance(inputs, (list, tuple)) or not all(isinstance(i, (str, os.PathLike)) for i in inputs):
        return None
    names = [s if s == "-" else os.path.abspath(s) for s in map(os.fspath, inputs)]
    digest = hashlib.sha256("\0".join(names).encode("utf-8", "surrogatepass")).hexdigest()
    return {"sha256": digest, "count": len(names), "first": names[:3]}


def _described(record: dict[str, Any]) -> str:
    more = record["count"] - len(record["first"])
    return ", ".join(record["first"]) + (f" and {more} more" if more > 0 else "")


class FolderLock:
    """An exclusive ``flock`` on ``folder/.extractor.lock``, holding this
    process's id for the message a second run prints."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.path = folder / LOCK_FILE
        self.fd: int | None = None

    def acquire(self) -> None:
        """Take the lock, or raise :class:`OutputError` naming its holder."""
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.read(fd, 32).decode("ascii", "replace").strip() or "unknown"
                os.close(fd)
                raise OutputError(f"{self.folder} is in use by another extractor run (process {holder}); "
                                  f"wait for it to end, or choose another --out") from None
            # The holder removes the file as it releases (see release): if it
            # did after we opened it, ours is unlinked; lock the one there now.
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        self.fd = fd

    def release(self) -> None:
        """Remove the lock file, then let go of the lock (in that order, so
        that a run waiting on the old file sees it is gone)."""
        if self.fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only folder: the file stays, the lock still goes with the descriptor
        os.close(self.fd)
        self.fd = None


class OutputFolder:
    """An output folder claimed by this run: locked, and checked for what it
    holds. :attr:`state` is the validated checkpoint to resume from (offsets
    per table), or ``None``."""

    def __init__(self, path: Path, fmt: str, resume: bool, overwrite: bool,
                 inputs: dict[str, Any] | None = None, options: dict[str, Any] | None = None):
        self.path, self.fmt = path, fmt
        self.created = _make_folder(path)
        self.lock = FolderLock(path)
        try:
            self.lock.acquire()
            self.state = None if overwrite else _check_contents(path, fmt, resume, inputs, options)
        except OSError as e:
            self.release()
            raise OutputError(f"cannot write to --out {path}: {e.strerror or e}") from e
        except OutputError:
            self.release()
            raise

    def clear(self) -> None:
        """Remove every table, partial table and progress file of any format
        (``--overwrite``); other files are left alone."""
        for fmt in FORMATS:
            for name in TABLES:
                for p in (table_path(self.path, name, fmt), partial_path(self.path, name, fmt),
                          merging_path(self.path, name, fmt)):
                    remove(p)
        remove(self.path / STATE_FILE)
        remove(self.path / (STATE_FILE + ".tmp"))

    def release(self) -> None:
        """Let go of the folder; a folder this run created and left empty goes too."""
        self.lock.release()
        if self.created:
            try:
                self.path.rmdir()
            except OSError:
                pass  # not empty: the run wrote into it
            self.created = False


def remove(p: Path) -> None:
    """Remove a file, or a folder of files (Parquet pieces), if it exists."""
    if p.is_dir():
        for f in p.iterdir():
            f.unlink()
        p.rmdir()
    else:
        p.unlink(missing_ok=True)


def _make_folder(path: Path) -> bool:
    """Create ``path`` if needed; whether this call created it."""
    if path.exists() and not path.is_dir():
        raise OutputError(f"--out {path} is a file, not a folder")
    if path.is_dir():
        return False
    try:
        path.mkdir(parents=True)
    except FileExistsError:
        return False  # created meanwhile: the lock settles who writes
    except OSError as e:
        raise OutputError(f"cannot create --out {path}: {e.strerror or e}") from e
    return True


def _check_contents(folder: Path, fmt: str, resume: bool, inputs: dict[str, Any] | None,
                    options: dict[str, Any] | None = None) -> dict[str, int] | None:
    """Refuse what a run into ``folder`` would overwrite or mix; the
    checkpoint to resume from, if any."""
    state = folder / STATE_FILE
    if state.exists() and not resume:
        raise OutputError(f"{folder} holds an interrupted run; add --resume to continue it, "
                          f"or --overwrite to start again")
    # A progress file of another format is named as such before its tables count as foreign.
    offsets = read_state(folder, fmt, inputs, options) if state.exists() else None
    others = list(dict.fromkeys(
        p.name for other in FORMATS if other != fmt for name in TABLES
        for p in (table_path(folder, name, other), partial_path(folder, name, other)) if p.exists()))
    if others:
        raise OutputError(f"{folder} holds tables in another format ({', '.join(others)}); "
                          f"choose another --out, or add --overwrite to remove them")
    if offsets is not None:
        return offsets
    finished = finished_tables(folder, fmt)
    if finished and not resume:
        remedy = ("add --overwrite to replace them" if fmt == "xlsx" else  # a workbook does not grow
                  "add --resume to add new documents to them, or --overwrite to replace them")
        raise OutputError(f"{folder} already holds the tables of a finished run "
                          f"({', '.join(p.name for p in finished)}); {remedy}")
    if finished and resume and fmt == "xlsx":
        raise OutputError(f"{folder} holds a finished xlsx workbook ({finished[0].name}); --resume cannot "
                          f"add documents to it: add --overwrite to write it again, or use --format csv, "
                          f"parquet or jsonl for tables that grow run after run")
    if finished and not complete(folder, fmt):
        raise OutputError(f"{folder} holds only some of the tables ({', '.join(p.name for p in finished)}) "
                          f"and no progress file; --resume cannot continue it: add --overwrite to start again")
    return None


# The options of a run that shape its rows, as the CLI spells them: a run is
# resumed only with the same ones (rows of two kinds would mix in one table).
OPTION_FLAGS = {"method": "--method", "rules": "--rules", "model": "--model",
                "reference_date": "--reference-date", "with_body": "--with-body",
                "keep": "--keep-columns"}


def _option_differences(recorded: dict[str, Any], given: dict[str, Any]) -> list[str]:
    def said(value: Any) -> str:
        return "off" if value in (None, False, [], "") else "on" if value is True else str(value)
    return [f"{OPTION_FLAGS.get(k, k)} {said(recorded.get(k))} (now {said(given.get(k))})"
            for k in sorted(set(recorded) | set(given)) if recorded.get(k) != given.get(k)]


def read_state(folder: Path, fmt: str, inputs: dict[str, Any] | None = None,
               options: dict[str, Any] | None = None) -> dict[str, int]:
    """The offsets of the progress file in ``folder``, checked against the
    run resuming it (its format, :func:`inputs_record` and the options that
    shape rows, see :data:`OPTION_FLAGS`) and the tables beside it;
    :class:`OutputError` saying what is wrong otherwise."""
    path = folder / STATE_FILE
    state = _parse_state(path)
    if state["format"] != fmt:
        raise OutputError(f"{folder} holds an interrupted run in {state['format']} format, not {fmt}; "
                          f"continue it with --format {state['format']} --resume, "
                          f"or add --overwrite to start again")
    recorded = state.get("inputs")
    if inputs is not None and recorded is not None and recorded["sha256"] != inputs["sha256"]:
        raise OutputError(f"{folder} holds an interrupted run over other inputs ({_described(recorded)}); "
                          f"--resume continues it only with the same inputs: give those, "
                          f"or add --overwrite to start again")
    recorded_options = state.get("options")
    if options is not None and isinstance(recorded_options, dict):
        differ = _option_differences(recorded_options, options)
        if differ:
            raise OutputError(f"{folder} holds an interrupted run made with other options: "
                              f"{'; '.join(differ)}; --resume continues it only with the same options: "
                              f"give those, or add --overwrite to start again")
    offsets = state["offsets"]
    for name in TABLES:
        if fmt != "xlsx" and table_path(folder, name, fmt).exists():
            continue  # renamed into place by an interrupted close: whole
        # (an xlsx workbook is built from the partials, which stay until the
        # progress file is gone: with the progress file, they are the tables)
        partial = partial_path(folder, name, fmt)
        have = _partial_size(partial, fmt)
        if have is None or have < offsets[name]:
            unit = "pieces" if fmt == "parquet" else "bytes"
            found = "missing" if have is None else f"{have} {unit}"
            raise OutputError(f"{path} does not match the tables beside it ({partial.name}: "
                              f"{offsets[name]} {unit} recorded, {found}); --resume cannot continue "
                              f"from it: add --overwrite to start again")
    return offsets


def _parse_state(path: Path) -> dict[str, Any]:
    """The progress file's content if it is one of ours, never a parser's message."""
    damaged = ("; --resume cannot tell how far the tables are whole: "
               "add --overwrite to start again")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise OutputError(f"{path} is damaged (not text){damaged}") from None
    if not text.strip():
        raise OutputError(f"{path} is damaged (empty){damaged}")
    try:
        state = json.loads(text)
    except json.JSONDecodeError:
        raise OutputError(f"{path} is damaged (cut short or garbled){damaged}") from None
    offsets = state.get("offsets") if isinstance(state, dict) else None
    inputs = state.get("inputs") if isinstance(state, dict) else None
    if (not isinstance(state, dict) or state.get("format") not in FORMATS or not isinstance(offsets, dict)
            or any(type(offsets.get(name)) is not int or offsets[name] < 0 for name in TABLES)
            or not (inputs is None or _is_inputs_record(inputs))):
        raise OutputError(f"{path} is not an extractor progress file{damaged}")
    return state


def _is_inputs_record(record: Any) -> bool:
    return (isinstance(record, dict) and isinstance(record.get("sha256"), str)
            and type(record.get("count")) is int and isinstance(record.get("first"), list)
            and all(isinstance(n, str) for n in record["first"]))


def _partial_size(partial: Path, fmt: str) -> int | None:
    """A partial table's extent in checkpoint units (bytes, or Parquet pieces)."""
    if fmt == "parquet":
        if not partial.is_dir():
            return None
        pieces = {p.name for p in partial.glob("*.parquet")}
        n = 0
        while f"{n:08d}.parquet" in pieces:
            n += 1
        return n
    return partial.stat().st_size if partial.is_file() else None
