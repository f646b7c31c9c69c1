"""Spreadsheets (issue 16, friction 7): an xlsx workbook and CSV that Excel
opens as UTF-8, with the formula guard kept and the output faults handled."""
from __future__ import annotations

import json

import pytest

import extractor
from extractor.cli import main
from extractor.schema import TABLES
from extractor.write import TableWriter
from extractor.write.excel import DICTIONARY
from extractor.write.folder import STATE_FILE

TEXT = "2020年3月1日,市委编办组织21名党员干部下沉到八里岔社区,入户测体温。"
HOSTILE = "=HYPERLINK(\"http://x\",\"点我\") 3月2日,3-4名志愿者在阳光社区测体温。"


@pytest.fixture
def inputs(tmp_path):
    path = tmp_path / "in.jsonl"
    rows = [{"id": "a", "text": TEXT}, {"id": "=cmd", "title": "=1+1", "text": HOSTILE}]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_xlsx_workbook(tmp_path, inputs, capsys):
    from openpyxl import load_workbook

    out = tmp_path / "out"
    assert main(["extract", str(inputs), "--out", str(out), "--format", "xlsx", "-q"]) == 0, capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["tables.xlsx"]
    wb = load_workbook(out / "tables.xlsx")
    assert wb.sheetnames == [*TABLES, DICTIONARY]
    for name in TABLES:
        ws = wb[name]
        assert ws.freeze_panes == "A2"
        assert [c.value for c in ws[1]] == TABLES[name]
    # The guard: no cell is a formula; the hostile ones begin with '.
    cells = [c for ws in wb for row in ws.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    docs = wb["documents"]
    assert [c.value for c in docs["A"]][1:] == ["a", "'=cmd"]
    # Numbers are numbers, date bounds dates; the dictionary has every column.
    records = {c.value: i for i, c in enumerate(wb["records"][1])}
    first = [c.value for c in wb["records"][2]]
    assert isinstance(first[records["headcount_min"]], int) and first[records["date_start"]].year == 2020
    described = {(r[0].value, r[1].value) for r in wb[DICTIONARY].iter_rows(min_row=2)}
    assert described == {(name, c) for name, cols in TABLES.items() for c in cols}
    # read back: guard undone, typed as the API
    got, want = extractor.read_tables(out), extractor.extract(inputs)
    assert list(got.documents["doc_id"]) == ["a", "=cmd"] and got.documents.loc[1, "title"] == "=1+1"
    for g, w in zip(got, want):
        assert g.equals(w)


def test_excel_csv_has_a_bom(tmp_path, inputs, capsys):
    out = tmp_path / "out"
    assert main(["extract", str(inputs), "--out", str(out), "--excel-csv", "-q"]) == 0
    for name in TABLES:
        assert (out / f"{name}.csv").read_bytes().startswith(b"\xef\xbb\xbfdoc_id,")
    assert extractor.read_tables(out).documents.loc[0, "doc_id"] == "a"
    import pandas as pd

    assert list(pd.read_csv(out / "documents.csv", encoding="utf-8-sig").columns)[0] == "doc_id"
    # --resume adds to it without a second BOM
    more = tmp_path / "more.txt"
    more.write_text(TEXT, encoding="utf-8")
    assert main(["extract", str(inputs), str(more), "--out", str(out), "--excel-csv", "-q", "--resume"]) == 0
    data = (out / "documents.csv").read_bytes()
    assert data.count(b"\xef\xbb\xbf") == 1
    assert list(extractor.read_tables(out).documents["doc_id"]) == ["a", "=cmd", "more"]
    assert main(["extract", str(inputs), "--out", str(tmp_path / "x"), "--excel-csv", "--format", "xlsx"]) == 2
    assert "--excel-csv applies to --format csv" in capsys.readouterr().err


def test_xlsx_refuses_to_grow_a_finished_workbook(tmp_path, inputs, capsys):
    out = tmp_path / "out"
    assert main(["extract", str(inputs), "--out", str(out), "--format", "xlsx", "-q"]) == 0
    before = (out / "tables.xlsx").read_bytes()
    capsys.readouterr()
    assert main(["extract", str(inputs), "--out", str(out), "--format", "xlsx", "-q", "--resume"]) == 2
    err = capsys.readouterr().err
    assert "--resume cannot add documents to it" in err and "--overwrite" in err
    assert main(["extract", str(inputs), "--out", str(out), "--format", "xlsx", "-q"]) == 2
    assert "--resume" not in capsys.readouterr().err.split(";", 1)[1]  # only --overwrite is offered
    assert (out / "tables.xlsx").read_bytes() == before
    assert main(["extract", str(inputs), "--out", str(out), "--format", "xlsx", "-q", "--overwrite"]) == 0


def _row(doc_id):
    return {"doc_id": doc_id, "source": "s", "title": "=t", "published": "", "script": "simplified",
            "n_chars": 3, "n_mentions": 0, "n_records": 0, "status": "ok", "error": ""}


def test_interrupted_xlsx_run_resumes(tmp_path):
    """Killed before the workbook is built: the CSV partials and the progress
    file stand, --resume continues from them and builds the workbook."""
    with pytest.raises(KeyboardInterrupt):
        with TableWriter(tmp_path, "xlsx") as w:
            w.write([_row("d1")], [], [])
            raise KeyboardInterrupt
    assert not (tmp_path / "tables.xlsx").exists() and (tmp_path / STATE_FILE).exists()
    with TableWriter(tmp_path, "xlsx", resume=True) as w:
        assert w.done == {("s", "d1"): 1}
        w.write([_row("d2")], [], [])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tables.xlsx"]
    docs = extractor.read_tables(tmp_path).documents
    assert list(docs["doc_id"]) == ["d1", "d2"] and list(docs["title"]) == ["=t", "=t"]


def test_killed_after_the_workbook_before_the_progress_file(tmp_path, monkeypatch):
    """The workbook is in place but the progress file still stands: the
    partials are still whole, and --resume rebuilds the workbook from them."""
    from extractor.write import tables

    def killed(self):
        from extractor.write.excel import write_workbook

        write_workbook(self.paths["documents"], self.tmp, self.columns, tmp_path / ".wb.tmp")
        raise SystemExit("killed")

    monkeypatch.setattr(tables.TableWriter, "_finish_workbook", killed)
    with pytest.raises(SystemExit):
        with TableWriter(tmp_path, "xlsx") as w:
            w.write([_row("d1")], [], [])
    monkeypatch.undo()
    assert (tmp_path / "tables.xlsx").exists() and (tmp_path / STATE_FILE).exists()
    with TableWriter(tmp_path, "xlsx", resume=True) as w:
        w.write([_row("d2")], [], [])
    assert list(extractor.read_tables(tmp_path).documents["doc_id"]) == ["d1", "d2"]


def test_long_cells_and_illegal_characters(tmp_path):
    long = "长" * 40_000
    with TableWriter(tmp_path, "xlsx") as w:
        w.write([dict(_row("d"), title=long, error="bad\x01char")], [], [])
    docs = extractor.read_tables(tmp_path).documents
    assert len(docs.loc[0, "title"]) == 32_767 and docs.loc[0, "title"].endswith("…")
    assert docs.loc[0, "error"] == "badchar"


def test_eval_reads_a_workbook(tmp_path, inputs):
    from extractor.evaluate import read_rows

    extractor.extract_to(tmp_path / "x", [inputs], fmt="xlsx")
    extractor.extract_to(tmp_path / "c", [inputs])
    for name in TABLES:
        assert read_rows(tmp_path / "x", name) == read_rows(tmp_path / "c", name) != []
