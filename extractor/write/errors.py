"""Errors of the output side, each one line for the user and an exit code.

:class:`OutputError` (exit 2): the output folder cannot be used as asked
(in use by another run, a file, not writable, holding results that would be
overwritten, a damaged progress file); nothing was read or written.
:class:`WriteFailed` (exit 3): writing failed mid-run (no space, read-only,
permission, I/O error); the tables are checkpointed, and ``--resume`` after
fixing the cause gives the tables of an uninterrupted run.
"""
from __future__ import annotations

import errno
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class OutputError(Exception):
    """The output folder cannot be used as asked; the message is one line."""

    exit_code = 2


class WriteFailed(OutputError):
    """An ``OSError`` while writing the tables, naming the file and what to do."""

    exit_code = 3

    def __init__(self, path: os.PathLike | str, error: OSError):
        self.path = Path(path)
        self.errno = error.errno
        reason = error.strerror or str(error)
        super().__init__(f"cannot write {self.path}: {reason} — {_remedy(error.errno)} "
                         f"and run the same command with --resume")


def _remedy(code: int | None) -> str:
    """What to fix before resuming, by errno."""
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return "free space"
    if code == errno.EROFS:
        return "make the file system writable"
    if code in (errno.EACCES, errno.EPERM):
        return "allow writing to the folder"
    return "check the disk"


@contextmanager
def writing(path: os.PathLike | str) -> Iterator[None]:
    """Turn an ``OSError`` in the block into :class:`WriteFailed`, naming the
    file the error names (``path`` when it names none, as for a failed write
    into an open file)."""
    try:
        yield
    except WriteFailed:
        raise
    except OSError as e:
        raise WriteFailed(e.filename or path, e) from e
