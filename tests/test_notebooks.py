"""The notebooks run headless, top to bottom, so a broken one fails CI.

They are executed in memory (the committed files, saved with their outputs
for reading on a code host, are not rewritten) and their outputs are not
compared: only that every cell runs, in this virtual environment's kernel.

To refresh the committed outputs after a change:
``.venv/bin/python tests/test_notebooks.py`` (runs and saves both in place).
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import SHARED

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))


def _client(nb):
    return nbclient.NotebookClient(nb, kernel_name="python3", timeout=300,
                                   resources={"metadata": {"path": str(NOTEBOOKS)}})


def test_the_notebooks_are_there():
    assert [p.name for p in PATHS] == ["01-explore.ipynb", "02-evaluate.ipynb"]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_committed_with_outputs(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code), f"{path.name}: run it and save it with its outputs"
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_notebook_runs(path):
    nb = nbformat.read(path, as_version=4)
    # The kernel must be this interpreter (the venv's), not some python3 found elsewhere.
    nb.cells.insert(0, nbformat.v4.new_code_cell(
        f"import sys\nassert sys.prefix == {sys.prefix!r}, f'kernel runs {{sys.executable}}'"))
    _client(nb).execute()  # raises CellExecutionError, naming the cell, when one fails
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if "image/png" in o.get("data", {})]
    # 02 scores against ../shared/gold/dev; without it, it only says so
    if path.stem != "02-evaluate" or (SHARED / "gold" / "dev").is_dir():
        assert images, f"{path.name} drew no chart"


if __name__ == "__main__":
    for p in PATHS:
        book = nbformat.read(p, as_version=4)
        _client(book).execute()
        nbformat.write(book, p)
        print(f"executed and saved {p.relative_to(NOTEBOOKS.parent)}")
