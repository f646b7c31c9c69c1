"""--reference-date (Settings.reference_date): the researcher's statement of
when a batch was written gives a year to the dates of documents without a
publication date, and is recorded where it was used (issue 16, friction 5)."""
from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from conftest import REPO
import extractor
from extractor.settings import Settings

NO_DATE = "12月30日,社区召开动员会;1月5日起,20名志愿者值守卡口。"
DATED = "某社区防控纪实\n发布时间:2021-06-01\n3月5日,20名志愿者值守卡口。"


def _empty(value) -> bool:
    # "" today; pd.NA once the tables are typed (issue 16, part A)
    return value is None or bool(pd.isna(value)) or value == ""


def _dates(tables, doc_id):
    m = tables.mentions
    return list(m.loc[(m["doc_id"] == doc_id) & (m["field"] == "date"), "value"])


def test_without_reference_the_year_stays_unknown():
    t = extractor.extract_texts([NO_DATE], settings=Settings(method="rule"))
    assert _dates(t, "text-1") == ["XXXX-12-30", "XXXX-01-05"]
    assert _empty(t.documents.loc[0, "reference_date"])


def test_reference_gives_the_nearest_year_and_is_recorded():
    t = extractor.extract_texts([NO_DATE, DATED], settings=Settings(method="rule", reference_date="2020-01-10"))
    assert _dates(t, "text-1") == ["2019-12-30", "2020-01-05"]
    assert _dates(t, "text-2") == ["2021-03-05"]  # its own publication date wins
    docs = t.documents.set_index("doc_id")
    assert docs.loc["text-1", "reference_date"] == "2020-01-10"
    assert _empty(docs.loc["text-1", "published"])
    assert docs.loc["text-2", "published"] == "2021-06-01"
    assert _empty(docs.loc["text-2", "reference_date"])


@pytest.mark.parametrize("value", ["2020-13-01", "2020/01/10", "next year", "2020-02-30"])
def test_settings_refuse_a_bad_reference_date(value):
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        Settings(reference_date=value)


def test_cli_reference_date(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(NO_DATE, encoding="utf-8")
    out = tmp_path / "out"
    run = [sys.executable, "-m", "extractor", "extract", str(src), "--out", str(out), "--method", "rule"]
    proc = subprocess.run([*run, "--reference-date", "2020-01-10"], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    t = extractor.read_tables(out)
    assert _dates(t, "a") == ["2019-12-30", "2020-01-05"]
    assert t.documents.loc[0, "reference_date"] == "2020-01-10"
    bad = subprocess.run([*run, "--overwrite", "--reference-date", "10.1.2020"], capture_output=True, text=True,
                         cwd=REPO)
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == [
        "extractor: reference date '10.1.2020' is not a day written YYYY-MM-DD (e.g. 2020-03-01)"]


@pytest.mark.parametrize("call", ["extract", "extract_texts", "extract_frame", "extract_to"])
def test_every_api_function_takes_reference_date(tmp_path, call):
    path = tmp_path / "a.txt"
    path.write_text(NO_DATE, encoding="utf-8")
    kw = {"method": "rule", "reference_date": "2020-01-10"}
    if call == "extract":
        t = extractor.extract(path, **kw)
    elif call == "extract_texts":
        t = extractor.extract_texts(NO_DATE, **kw)
    elif call == "extract_frame":
        t = extractor.extract_frame(pd.DataFrame({"text": [NO_DATE]}), **kw)
    else:
        extractor.extract_to(tmp_path / "out", [path], **kw)
        t = extractor.read_tables(tmp_path / "out")
    assert list(t.documents["reference_date"]) == ["2020-01-10"]
    assert "2019-12-30" in _dates(t, t.documents["doc_id"].iloc[0])
