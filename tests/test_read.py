"""Readers: every input kind and encoding gives a document (ok or error)."""
from __future__ import annotations

import json

import pytest

from conftest import SEED_000, SEED_004, encodable
from extractor.read import iter_documents
from extractor.read.decode import DecodeError, decode


@pytest.mark.parametrize("text,encoding", [
    (SEED_000, "utf-8"),
    (SEED_000, "utf-8-sig"),
    (SEED_000, "utf-16"),        # with BOM
    (SEED_000, "utf-16-le"),     # no BOM
    (SEED_000, "gbk"),
    (SEED_000, "gb18030"),
    (SEED_004, "big5"),
])
def test_encodings_detected(tmp_path, text, encoding):
    text = encodable(text, encoding)
    path = tmp_path / f"doc_{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    (doc,) = iter_documents([path])
    assert doc.status == "ok", doc.error
    assert doc.raw.lstrip("\ufeff") == text


@pytest.mark.parametrize("data,reason", [
    (b"", "empty"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG"),
    (bytes([0x81, 0x30, 0xff, 0xfe, 0x00]) * 3 + bytes(range(128, 256)) * 20, "encoding"),
])
def test_not_text(data, reason):
    with pytest.raises(DecodeError, match=reason):
        decode(data)


def test_folder_walk_and_error_rows(tmp_path):
    (tmp_path / "a.txt").write_text("社区防控。", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.html").write_text("<p>社区</p>", encoding="utf-8")
    (tmp_path / "c.png.txt").write_bytes(b"\x89PNG\r\n\x1a\n0000")
    (tmp_path / "ignored.bin").write_bytes(b"xx")
    docs = list(iter_documents([tmp_path, tmp_path / "missing.txt"]))
    assert [(d.doc_id, d.status) for d in docs] == [
        ("a", "ok"), ("c.png", "error"), ("b", "ok"), ("missing", "error")]
    assert docs[2].is_html


def test_jsonl_malformed_line_does_not_stop_the_rest(tmp_path):
    p = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": "n1", "text": "第一篇", "title": "甲", "published": "2020-02-01"}, ensure_ascii=False),
             "{not json",
             "",
             json.dumps({"id": "n3", "title": "no text"}),
             json.dumps(["a list"]),
             json.dumps({"id": "n5", "text": "第五篇\ud800"})]
    p.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    docs = list(iter_documents([p]))
    assert [(d.doc_id, d.status) for d in docs] == [
        ("n1", "ok"), ("in-2", "error"), ("n3", "error"), ("in-5", "error"), ("n5", "ok")]
    assert docs[0].meta == {"title": "甲", "published": "2020-02-01"}
    assert docs[0].source.endswith("in.jsonl:1")
    assert "malformed JSON" in docs[1].error


def test_csv_reader_and_missing_text_column(tmp_path):
    ok = tmp_path / "ok.csv"
    ok.write_text("id,text,published\nr1,\"第一篇,有逗号\n换行\",2020-03-01\nr2,第二篇,\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("id,body\nr1,x\n", encoding="utf-8")
    docs = list(iter_documents([ok, bad]))
    assert [(d.doc_id, d.status) for d in docs] == [("r1", "ok"), ("r2", "ok"), ("bad", "error")]
    assert docs[0].raw == "第一篇,有逗号\n换行"
    assert "no 'text' column" in docs[2].error


def test_gbk_html_with_meta_charset(tmp_path):
    page = '<html><head><meta charset="gbk"><title>标题</title></head><body><p>社区防控工作</p></body></html>'
    p = tmp_path / "page.html"
    p.write_bytes(page.encode("gbk"))
    (doc,) = iter_documents([p])
    assert doc.status == "ok" and "社区防控工作" in doc.raw
