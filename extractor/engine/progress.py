"""A progress bar on standard error (tqdm): documents, documents/s, errors."""
from __future__ import annotations

import sys
from typing import Any


class Progress:
    """Counts documents and errors; draws a bar only when ``enabled``
    (the CLI enables it when standard error is a terminal and not --quiet)."""

    def __init__(self, enabled: bool, total: int | None = None):
        self.errors = 0
        self.bar: Any = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True,
                            mininterval=0.5, smoothing=0.1)
            self.bar.set_postfix_str("0 errors", refresh=False)

    def update(self, error: bool) -> None:
        if error:
            self.errors += 1
        if self.bar is not None:
            self.bar.update(1)
            if error:
                self.bar.set_postfix_str(f"{self.errors} errors", refresh=False)

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()
