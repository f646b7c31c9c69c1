"""The xlsx workbook: one sheet per table, a data-dictionary sheet, frozen
header rows; and its reader.

The tables grow as CSV partials during the run (checkpoints and --resume
work as for CSV) and the workbook is built from them when the run ends.
Text cells keep the CSV formula guard (:mod:`extractor.write.guard`): a
cell that would begin with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return begins with an apostrophe, so Excel never runs it, and
:func:`read_workbook` removes it again. Numbers are number cells, the date
bounds date cells.
"""
from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from ..schema import DATE, FLOAT, INT, TABLES, dtype, meaning, typed_frame
from .cells import day, typed_value
from .guard import unguard

if TYPE_CHECKING:
    import pandas as pd

DICTIONARY = "data dictionary"
# Excel's limits: rows per sheet (a longer table goes on in "NAME 2", …) and
# characters per cell (a longer cell is cut, ending in …).
MAX_ROWS = 1_048_576
MAX_CELL = 32_767
_TYPE_NAMES = {INT: "integer", FLOAT: "number", DATE: "date"}


def write_workbook(target: Path, partials: dict[str, Path], columns: dict[str, list[str]],
                   tmp: Path) -> None:
    """Build the workbook from the tables' CSV partials into ``tmp``, then
    rename it to ``target`` (so a kill never leaves half a workbook)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for name, path in partials.items():
        _write_table(wb, name, columns[name], path)
    _write_dictionary(wb, columns)
    with open(tmp, "wb") as f:
        wb.save(f)
    os.replace(tmp, target)


def _write_table(wb, name: str, columns: list[str], partial: Path) -> None:
    sheets = 0
    ws, rows = None, MAX_ROWS
    for row in _partial_rows(partial):
        if rows >= MAX_ROWS:
            sheets += 1
            ws = _sheet(wb, name if sheets == 1 else f"{name} {sheets}", columns)
            rows = 1
        ws.append([_cell(ws, value, name, c) for value, c in zip(row, columns)])
        rows += 1
    if ws is None:
        _sheet(wb, name, columns)


def _partial_rows(partial: Path) -> Iterator[list[str]]:
    with open(partial, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader, None)  # the header
        yield from reader


def _sheet(wb, title: str, columns: list[str]):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    ws = wb.create_sheet(title)
    ws.freeze_panes = "A2"
    header = []
    for c in columns:
        cell = WriteOnlyCell(ws, value=c)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    return ws


def _cell(ws, guarded: str, table: str, column: str):
    """One cell: text as guarded in the partial; numbers and days typed."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    kind = dtype(table, column)
    if kind == DATE:
        value = day(typed_value(guarded, table, column))
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if kind in (INT, FLOAT):
        return typed_value(unguard(guarded), table, column)
    if not guarded:
        return None
    text = ILLEGAL_CHARACTERS_RE.sub("", guarded)
    return text if len(text) <= MAX_CELL else text[:MAX_CELL - 1] + "…"


def _write_dictionary(wb, columns: dict[str, list[str]]) -> None:
    ws = _sheet(wb, DICTIONARY, ["table", "column", "type", "meaning"])
    for name, cols in columns.items():
        for c in cols:
            ws.append([name, c, _TYPE_NAMES.get(dtype(name, c), "text"), meaning(name, c)])


def read_workbook(path: Path) -> dict[str, "pd.DataFrame"]:
    """The three tables of a workbook written by :func:`write_workbook`,
    typed as :func:`extractor.read_tables` returns them (guard undone)."""
    import pandas as pd
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        out = {}
        for name in TABLES:
            titles = [t for t in wb.sheetnames if t == name or t.startswith(f"{name} ")]
            if not titles:
                raise FileNotFoundError(f"no {name} sheet in {path}")
            rows: list[tuple] = []
            header: list[str] = []
            for title in titles:
                sheet = wb[title].iter_rows(values_only=True)
                header = [str(c) for c in next(sheet, ())]
                # Trailing empty cells may be left out of a row: pad it.
                rows.extend(tuple(r) + (None,) * (len(header) - len(r)) for r in sheet)
            df = pd.DataFrame(rows, columns=header, dtype=object)
            text = [c for c in header if dtype(name, c) not in (INT, FLOAT, DATE)]
            for c in text:
                df[c] = df[c].map(lambda v: unguard(v) if isinstance(v, str) else v)
            out[name] = typed_frame(df, name, columns=header)
        return out
    finally:
        wb.close()
