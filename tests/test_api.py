"""The researcher's Python API (issue 16, frictions 1-3): paths, texts and
DataFrames each have their function; the tables are typed, unknown is NA."""
from __future__ import annotations

import pandas as pd
import pytest

import extractor
from conftest import SEEDS
from extractor.schema import DATE, DOCUMENTS, FLOAT, INT, MENTIONS, RECORDS, TABLES, dtype

TEXTS = ["2020年3月1日,市委编办组织21名党员干部下沉到八里岔社区,入户测体温。",
         "3月2日,3-4名志愿者在阳光社区为居民配送物资500份。"]


@pytest.fixture(scope="module")
def tables():
    return extractor.extract_texts(TEXTS, ids=["a", "b"])


# Friction 1: a mistyped path was a document, a DataFrame five documents.
@pytest.mark.parametrize("given,error,says", [
    ("corpora/seedz", FileNotFoundError, "corpora/seedz"),
    (["corpora/seeds", "corpora/seedz"], FileNotFoundError, "corpora/seedz"),
    (TEXTS[0], FileNotFoundError, "extract_texts"),
    (pd.DataFrame({"text": TEXTS}), TypeError, "extract_frame"),
    ([pd.DataFrame({"text": TEXTS})], TypeError, "extract_frame"),
    ([3], TypeError, "extract_texts"),
])
def test_extract_takes_paths_only(given, error, says):
    with pytest.raises(error, match=says):
        extractor.extract(given)


def test_extract_to_takes_paths_only(tmp_path):
    with pytest.raises(FileNotFoundError, match="seedz"):
        extractor.extract_to(tmp_path / "out", ["corpora/seedz"])
    assert not (tmp_path / "out").exists()


def test_extract_texts(tables):
    docs = tables.documents
    assert list(docs["doc_id"]) == ["a", "b"] and set(docs["source"]) == {"<text>"}
    assert list(docs["status"]) == ["ok", "ok"]
    assert "temperature_check" in set(tables.records["activity_type"])


def test_extract_texts_published_wins_and_counts_must_match():
    t = extractor.extract_texts(TEXTS[1:], published="2021-06-01")
    assert t.documents.loc[0, "published"] == "2021-06-01"
    with pytest.raises(ValueError, match="one per text"):
        extractor.extract_texts(TEXTS, ids=["only-one"])
    with pytest.raises(TypeError, match="extract_frame"):
        extractor.extract_texts(pd.DataFrame({"text": TEXTS}))


# Friction 2: numbers came back as text, unknown as "".
def test_tables_are_typed(tables):
    for name, frame in zip(TABLES, tables):
        assert [str(frame[c].dtype) for c in frame.columns] == [dtype(name, c) for c in TABLES[name]], name
    for name, frame in zip(TABLES, tables):
        for c in frame.columns:
            if dtype(name, c) == "string":
                assert not (frame[c] == "").any(), (name, c)  # unknown is NA, never ""


def test_bounds_of_ranges_and_dates(tables):
    r = tables.records
    a, b = r[r["doc_id"] == "a"].iloc[0], r[r["doc_id"] == "b"].iloc[0]
    assert (a["headcount"], a["headcount_min"], a["headcount_max"]) == ("21", 21, 21)
    assert (b["headcount"], b["headcount_min"], b["headcount_max"]) == ("3-4", 3, 4)
    assert b["quantity"] == "500" and b["quantity_min"] == b["quantity_max"] == 500.0
    assert a["date"] == "2020-03-01" and a["date_start"] == a["date_end"] == pd.Timestamp("2020-03-01")
    assert b["date"] == "XXXX-03-02" and pd.isna(b["date_start"])  # the year is unknown: no day
    # what failed before: arithmetic on the numbers, counting the unknown
    assert tables.records["headcount_max"].astype(float).sum() > 0
    assert tables.records["quantity"].isna().sum() == (tables.records["quantity_min"].isna()).sum() > 0


def test_spec_columns_first_new_ones_after():
    spec = {"documents": DOCUMENTS, "mentions": MENTIONS,
            "records": ["doc_id", "record_id", "activity_type", "trigger", "date", "unit", "community",
                        "headcount", "quantity", "measure", "sentence", "start", "end", "source", "confidence"]}
    for name, cols in spec.items():
        assert TABLES[name][:len(cols)] == cols
    assert RECORDS[15:21] == ["headcount_min", "headcount_max", "quantity_min", "quantity_max",
                              "date_start", "date_end"]
    assert {dtype("records", c) for c in RECORDS[15:19]} == {INT, FLOAT}
    assert dtype("records", "date_start") == DATE


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet", "xlsx"])
def test_read_tables_gives_the_api_frames(tmp_path, fmt):
    inputs = tmp_path / "in.jsonl"
    pd.DataFrame({"id": ["a", "b"], "text": TEXTS}).to_json(inputs, orient="records", lines=True, force_ascii=False)
    extractor.extract_to(tmp_path / "out", [inputs], fmt=fmt)
    got = extractor.read_tables(tmp_path / "out")
    want = extractor.extract(inputs)
    for name, g, w in zip(TABLES, got, want):
        pd.testing.assert_frame_equal(g, w, obj=f"{fmt} {name}")


def test_plain_read_csv_sees_numbers_and_empty_cells(tmp_path):
    """What an outside script gets from the CSV with pandas' defaults."""
    inputs = tmp_path / "in.jsonl"
    pd.DataFrame({"id": ["a", "b"], "text": TEXTS}).to_json(inputs, orient="records", lines=True, force_ascii=False)
    extractor.extract_to(tmp_path / "out", [inputs])
    records = pd.read_csv(tmp_path / "out" / "records.csv")
    assert pd.api.types.is_numeric_dtype(records["headcount_min"])
    assert records["quantity_max"].dtype == float and records["quantity_max"].isna().any()
    assert records["date_start"].dropna().str.fullmatch(r"\d{4}-\d\d-\d\d").all()
    assert records["start"].dtype == int
    docs = pd.read_csv(tmp_path / "out" / "documents.csv")
    assert docs["error"].isna().all() and docs["n_chars"].dtype == int


# Friction 3: a DataFrame with its own columns.
def test_extract_frame_passes_columns_and_index_through():
    df = pd.DataFrame({"body": TEXTS, "key": ["k1", "k2"], "day": pd.to_datetime(["2021-03-01", None]),
                       "region": ["湖北", "江苏"], "status": ["draft", "final"]}, index=[10, 20])
    t = extractor.extract_frame(df, text="body", id="key", published="day")
    docs = t.documents
    assert list(docs.index) == [10, 20]
    assert list(docs.columns) == DOCUMENTS + ["region", "input_status"]
    assert list(docs["doc_id"]) == ["k1", "k2"] and list(docs["region"]) == ["湖北", "江苏"]
    assert list(docs["input_status"]) == ["draft", "final"] and list(docs["status"]) == ["ok", "ok"]
    assert docs.loc[10, "published"] == "2021-03-01"
    assert set(t.records["doc_id"]) == {"k1", "k2"}
    joined = df.join(docs[["n_records"]])
    assert (joined["n_records"] > 0).all()


def test_extract_frame_index_as_id_and_keep():
    df = pd.DataFrame({"text": TEXTS, "a": [1, 2], "b": ["x", "y"]}, index=["p", "q"])
    t = extractor.extract_frame(df, keep=["b"])
    assert list(t.documents["doc_id"]) == ["p", "q"]
    assert list(t.documents.columns) == DOCUMENTS + ["b"]


@pytest.mark.parametrize("kwargs,error", [({"text": "body"}, KeyError), ({"keep": ["nope"]}, KeyError)])
def test_extract_frame_names_missing_columns(kwargs, error):
    with pytest.raises(error, match="body|nope"):
        extractor.extract_frame(pd.DataFrame({"text": TEXTS}), **kwargs)
    with pytest.raises(TypeError, match="extract_texts"):
        extractor.extract_frame(TEXTS)


def test_readme_dataframe_lines_run():
    """The README's five DataFrame lines, as written there."""
    readme = (SEEDS.parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("```python\n# a DataFrame in, typed DataFrames out\n", 1)[1].split("```", 1)[0]
    assert len(block.strip().splitlines()) == 5
    exec(compile(block.replace("articles.csv", str(_articles_csv())), "README", "exec"), {})


def _articles_csv():
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / "articles.csv"
    pd.DataFrame({"body": TEXTS, "url": ["u1", "u2"], "date": ["2020-03-01", "2020-03-02"]}).to_csv(path, index=False)
    return path
