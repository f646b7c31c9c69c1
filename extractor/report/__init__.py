"""``extractor report``: one self-contained HTML page of charts, a
per-document summary and a searchable, sortable, exportable table of records
with their evidence highlighted. The page's script draws the activity and
timeline charts from the rows its filter keeps (the same counts as
:mod:`extractor.report.charts`, which ``notebooks/01-explore.ipynb`` shows);
the headcount chart is matplotlib's."""
from __future__ import annotations

import os
from pathlib import Path

from ..api import read_tables
from ..ruleset import Rules
from .data import activity_labels
from .page import render

__all__ = ["render", "write_report"]


def write_report(outdir: str | os.PathLike, path: str | os.PathLike = "report.html",
                 rules: str | os.PathLike | Rules | None = None, max_rows: int = 20_000) -> Path:
    """Read the tables a run wrote into ``outdir`` and write the report to
    ``path`` (its folder is created). ``rules`` gives the activity labels
    (default: the bundled rules); at most ``max_rows`` records are listed.
    Returns the path written."""
    out = Path(outdir)
    if not out.is_dir():
        raise FileNotFoundError(f"no such output folder: {out}")
    tables = read_tables(out)
    labels = activity_labels(rules if isinstance(rules, Rules) else (os.fspath(rules) if rules else None))
    page = render(tables.documents, tables.mentions, tables.records,
                  title=f"Extraction report: {out.resolve().name}", labels=labels, max_rows=max_rows)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".partial")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(target)
    return target
