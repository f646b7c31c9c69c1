"""Writers and the project's reader: the formula guard round trip, formats."""
from __future__ import annotations

import csv

import pytest

from conftest import cases
from extractor.write import TableWriter, guard, read_tables, unguard
from extractor.write.tables import STATE_FILE

GUARD_CASES = cases("guard", expect=("guarded",), inputs=("text",))
HOSTILE = [c.values[0]["text"] for c in GUARD_CASES]


@pytest.mark.parametrize("case", GUARD_CASES)
def test_guard_round_trip(case):
    cell = case["text"]
    assert guard(cell) == case["expect"]["guarded"]
    assert unguard(guard(cell)) == cell
    if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        assert guard(cell).startswith("'")


def _doc(doc_id, title):
    return {"doc_id": doc_id, "source": "s", "title": title, "published": "", "script": "simplified",
            "n_chars": 3, "n_mentions": 1, "n_records": 0, "status": "ok", "error": ""}


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet", "xlsx"])
def test_tables_round_trip(tmp_path, fmt):
    docs = [_doc(f"d{i}", cell) for i, cell in enumerate(HOSTILE)]
    mention = {"doc_id": "d0", "field": "quantity", "text": "=2+3名", "value": "5", "measure": "名",
               "qualifier": "exact", "role": "", "start": 0, "end": 4, "sentence": 0, "source": "rule",
               "confidence": 0.5}
    with TableWriter(tmp_path, fmt) as w:
        w.write(docs, [mention], [])
    t = read_tables(tmp_path)
    # An empty cell is unknown: pd.NA, the same in every format.
    assert t["documents"]["title"].fillna("").tolist() == HOSTILE
    assert t["documents"]["title"].isna().tolist() == [cell == "" for cell in HOSTILE]
    assert t["mentions"].loc[0, "text"] == "=2+3名"
    assert int(t["mentions"].loc[0, "end"]) == 4
    assert float(t["mentions"].loc[0, "confidence"]) == 0.5
    assert len(t["records"]) == 0


def test_csv_cells_are_guarded_on_disk(tmp_path):
    with TableWriter(tmp_path, "csv") as w:
        w.write([_doc("d", "=cmd|' /C calc'!A0")], [], [])
    with open(tmp_path / "documents.csv", encoding="utf-8", newline="") as f:
        row = next(csv.DictReader(f))
    assert row["title"] == "'=cmd|' /C calc'!A0"


def test_interrupted_write_leaves_no_table(tmp_path):
    with pytest.raises(RuntimeError):
        with TableWriter(tmp_path, "csv") as w:
            w.write([_doc("d", "x")], [], [])
            raise RuntimeError("killed")
    # Only hidden partial tables and the resume state remain.
    assert all(p.name.startswith(".") for p in tmp_path.iterdir())
    assert not (tmp_path / "documents.csv").exists()


@pytest.mark.parametrize("every,moves", [(0.0, True), (3600.0, False)])
def test_checkpoints_follow_commit_every(tmp_path, every, moves):
    with TableWriter(tmp_path, "jsonl", commit_every=every) as w:
        state = (tmp_path / STATE_FILE).read_text(encoding="utf-8")
        w.write([_doc("d", "x")], [], [])
        w.maybe_commit()
        assert ((tmp_path / STATE_FILE).read_text(encoding="utf-8") != state) is moves
