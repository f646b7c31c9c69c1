"""Inputs a researcher has (issue 16, frictions 3 and 4): CSV and JSONL
with their own column names, Word and PDF files, and a run that says on
the terminal what went wrong and what it skipped."""
from __future__ import annotations

import json

import pytest

import extractor
from extractor.cli import main
from extractor.read import iter_documents
from extractor.read.office import NO_TEXT_LAYER
from extractor.read.tables import InputColumns
from extractor.schema import DOCUMENTS
from office_files import pdf_bytes, write_docx

TEXT = "2020年3月1日,市委编办组织21名党员干部下沉到八里岔社区,入户测体温。"


def _csv(path, text=TEXT):
    # The first data row's text spans three physical lines.
    path.write_text("url,body,day,region\n"
                    f"u1,\"第一行\n第二行\n{text}\",2021-03-01,湖北\n"
                    f"u2,\"{text}\",,江苏\n", encoding="utf-8")
    return path


def test_csv_source_is_the_data_row(tmp_path):
    docs = list(iter_documents([_csv(tmp_path / "in.csv")],
                               InputColumns(text="body", id="url")))
    assert [d.source.rsplit(":", 1)[1] for d in docs] == ["1", "2"]  # not the physical lines 4 and 5
    assert [d.doc_id for d in docs] == ["u1", "u2"]


def test_cli_names_the_columns_and_keeps_some(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["extract", str(_csv(tmp_path / "in.csv")), "--out", str(out), "-q",
                 "--text-column", "body", "--id-column", "url", "--published-column", "day",
                 "--keep-columns", "region,url"])
    assert code == 0, capsys.readouterr().err
    docs = extractor.read_tables(out).documents
    assert list(docs.columns) == DOCUMENTS + ["region", "url"]
    assert list(docs["region"]) == ["湖北", "江苏"] and list(docs["doc_id"]) == ["u1", "u2"]
    assert docs.loc[0, "published"] == "2021-03-01"
    assert list(docs["source"].str.rsplit(":", n=1).str[1]) == ["1", "2"]
    # resuming with other kept columns would mix two headers in one file
    code = main(["extract", str(tmp_path / "in.csv"), "--out", str(out), "-q", "--resume",
                 "--text-column", "body", "--keep-columns", "region"])
    assert code == 2 and "--keep-columns" in capsys.readouterr().err


def test_jsonl_columns_and_kept_values(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"key": 7, "content": TEXT, "tags": ["a", "b"], "status": "x"}, ensure_ascii=False)
                    + "\n", encoding="utf-8")
    columns = InputColumns(text="content", id="key", keep=("tags", "status"))
    t = extractor.extract(path, columns=columns)
    doc = t.documents.iloc[0]
    assert doc["doc_id"] == "7" and doc["status"] == "ok"
    assert doc["tags"] == '["a", "b"]' and doc["input_status"] == "x"


def test_csv_without_the_text_column_says_which_option(tmp_path):
    (doc,) = iter_documents([_csv(tmp_path / "in.csv")])
    assert doc.status == "error" and "'text'" in doc.error and "--text-column" in doc.error


def test_docx_and_pdf_are_read(tmp_path):
    write_docx(tmp_path / "note.docx", ["通报", TEXT], table=[["单位", "人数"], ["八里岔社区", "21名"]])
    (tmp_path / "page.pdf").write_bytes(pdf_bytes(["2020年3月1日,市委编办组织21名党员干部", "下沉到八里岔社区,入户测体温。"]))
    (tmp_path / "scan.pdf").write_bytes(pdf_bytes([]))
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\nnot really")
    t = extractor.extract(tmp_path)
    docs = t.documents.set_index("doc_id")
    assert docs.loc["note", "status"] == "ok" and docs.loc["page", "status"] == "ok"
    assert docs.loc["scan", "error"] == NO_TEXT_LAYER
    assert docs.loc["broken", "error"].startswith("not a readable PDF file")
    for doc_id in ("note", "page"):
        kinds = set(t.records.loc[t.records["doc_id"] == doc_id, "activity_type"])
        assert "temperature_check" in kinds, doc_id
        dates = t.mentions.loc[(t.mentions["doc_id"] == doc_id) & (t.mentions["field"] == "date"), "value"]
        assert "2020-03-01" in set(dates), doc_id


def test_summary_names_reasons_and_skipped_types(tmp_path, capsys):
    """Friction 4: the reason was only in documents.csv; .docx and .pdf
    folders gave `0 documents` and no word of why."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ok.txt").write_text(TEXT, encoding="utf-8")
    (folder / "scan.pdf").write_bytes(pdf_bytes([]))
    for n in range(3):
        (folder / f"e{n}.txt").write_bytes(b"")
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (folder / "sheet.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (folder / "b.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (folder / ".hidden").write_bytes(b"x")
    code = main(["extract", str(folder), str(tmp_path / "vilage.txt"), "--out", str(tmp_path / "out"), "-q"])
    err = capsys.readouterr().err
    assert code == 0
    lines = err.splitlines()
    assert lines[0].startswith("6 documents (1 ok, 5 error)")
    assert lines[1].startswith("  error ×3: empty (first: ")
    assert any(f"error ×1: {NO_TEXT_LAYER}" in line and "scan.pdf" in line for line in lines)
    assert any("error ×1: input not found" in line and "vilage.txt" in line for line in lines)
    assert "skipped 3 files of a type not read (2 .xls, 1 .doc)" in err and ".hidden" not in err


def test_summary_keeps_to_five_reasons(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(7):
        (folder / f"d{n}.txt").write_text("x" * (10 + n), encoding="utf-8")
    code = main(["extract", str(folder), "--out", str(tmp_path / "out"), "-q", "--max-chars", "5"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("  error ×1: document too long") == 5
    assert "and 2 more error rows of 2 other reasons" in err


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_only_office_files_are_no_longer_nothing(tmp_path, capsys, kind):
    folder = tmp_path / "in"
    folder.mkdir()
    if kind == "docx":
        write_docx(folder / "a.docx", [TEXT])
    else:
        (folder / "a.pdf").write_bytes(pdf_bytes([TEXT]))
    assert main(["extract", str(folder), "--out", str(tmp_path / "out"), "-q"]) == 0
    assert capsys.readouterr().err.startswith("1 documents (1 ok, 0 error)")
