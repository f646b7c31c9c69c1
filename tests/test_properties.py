"""Properties of the per-document function over random and mutated text.

Over random Unicode (lone surrogates, controls and markup included) and over
seed paragraphs mutated (characters inserted, deleted, duplicated, sentences
swapped, punctuation, digits, HTML and impossible dates injected):

- no exception and no internal error: ``ok``, or ``error`` with a one-line reason;
- ``body[start:end] == text`` for every mention, ``== sentence`` for every record;
- every date value is ISO 8601 / EDTF as the spec allows (:func:`valid_date`);
- headcounts and quantities are non-negative numbers or ranges;
- processing the same document twice gives identical rows.
"""
from __future__ import annotations

import calendar
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO, SEEDS
from extractor.document import Document
from extractor.pipeline import Pipeline
from extractor.read import iter_documents

# EXTRACTOR_HYPOTHESIS_EXAMPLES=5000 for a long hunt; the default keeps `make test` quick.
PROFILE = settings(deadline=None, max_examples=int(os.environ.get("EXTRACTOR_HYPOTHESIS_EXAMPLES", 300)),
                   suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------- validators

_DAY = re.compile(r"(?P<y>\d{4}|\d{3}X|\d{2}XX|\dXXX|XXXX)-(?P<m>\d\d)-(?P<d>\d\d)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _day(value: str) -> tuple[int | None, int, int] | None:
    m = _DAY.fullmatch(value)
    if not m:
        return None
    month, day = int(m["m"]), int(m["d"])
    year = int(m["y"]) if m["y"].isdigit() else None
    if not 1 <= month <= 12:
        return None
    # A masked year may be a leap year: 29 February is possible.
    if not 1 <= day <= calendar.monthrange(year if year is not None else 2000, month)[1]:
        return None
    return year, month, day


def valid_date(value: str) -> bool:
    """ISO 8601 / EDTF as output.md allows: a day (``2020-03-19``), a day of
    unknown year with the year's digits masked (``XXXX-03-05``), or an
    interval of two days (``2020-02-05/2020-02-11``) in order when both years
    are known (an end before its start otherwise rolls into the next year)."""
    parts = value.split("/")
    if len(parts) > 2:
        return False
    days = [_day(p) for p in parts]
    if any(d is None for d in days):
        return False
    if len(days) == 2 and days[0][0] is not None and days[1][0] is not None:
        return days[0] <= days[1]
    return True


def valid_number(value: str) -> bool:
    """A non-negative number or an increasing range of two (``3-4``)."""
    parts = value.split("-")
    if len(parts) > 2 or not all(_NUMBER.fullmatch(p) for p in parts):
        return False
    return len(parts) == 1 or float(parts[0]) <= float(parts[1])


@pytest.mark.parametrize("value,ok", [
    ("2020-03-19", True), ("XXXX-03-05", True), ("XXXX-02-29", True), ("2020-02-29", True),
    ("2020-02-05/2020-02-11", True), ("XXXX-12-30/XXXX-01-02", True), ("20XX-03-05", True),
    ("2019-02-29", False), ("2020-02-30", False), ("XXXX-02-30", False), ("2020-13-01", False),
    ("2020-00-10", False), ("2020-3-5", False), ("20200305", False), ("2020-03-05/", False),
    ("2020-03-05/2020-03-01", False), ("2020-03-05/2020-03-06/2020-03-07", False), ("xxxx-03-05", False),
    ("X020-03-05", False), ("", False), ("2020-03-05T10:00", False),
])
def test_date_validator(value, ok):
    assert valid_date(value) is ok


@pytest.mark.parametrize("value,ok", [
    ("25600", True), ("0.5", True), ("3-4", True), ("0", True),
    ("-3", False), ("4-3", False), ("3-4-5", False), ("1E+20", False), ("", False), ("三", False),
])
def test_number_validator(value, ok):
    assert valid_number(value) is ok


# ---------------------------------------------------------------- the property

@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(REPO / "rules")


def check_document(pipeline: Pipeline, text: str, published: str | None = None, doc_id: str = "x") -> None:
    meta = {"published": published} if published else {}
    (doc,) = iter_documents([Document(doc_id=doc_id, source="t", raw=text, meta=dict(meta))])
    res = pipeline.process(doc)
    row = res.document
    assert row["status"] in ("ok", "error")
    assert "internal error" not in row["error"], row["error"]
    if row["status"] == "error":
        assert row["error"] and "\n" not in row["error"] and not res.mentions and not res.records
    body = doc.body
    for m in res.mentions:
        assert body[m["start"]:m["end"]] == m["text"], m
        if m["field"] == "date":
            assert valid_date(m["value"]), m
        elif m["field"] in ("headcount", "quantity"):
            assert valid_number(m["value"]), m
    for r in res.records:
        assert body[r["start"]:r["end"]] == r["sentence"], r
        assert not r["date"] or valid_date(r["date"]), r
        for key in ("headcount", "quantity"):
            assert not r[key] or valid_number(str(r[key])), r
    for cells in (row, *res.mentions, *res.records):   # every table is written as UTF-8
        for value in cells.values():
            if isinstance(value, str):
                value.encode("utf-8")
    (again,) = iter_documents([Document(doc_id=doc_id, source="t", raw=text, meta=dict(meta))])
    again = pipeline.process(again)
    assert (again.document, again.mentions, again.records) == (row, res.mentions, res.records)


# Characters the extractors care about, to make random text meet the rules.
DOMAIN = list("0123456789０１２３一二两三四五六七八九十百千万亿零〇年月日号名人户个位余多约至到—-~、,，。；;:：!！?？()（）“”《》 \n\t\u3000"
              "社区村小区街道办事处工作组志愿者党员干部上门测体温消杀排查卡口值守物资配送")
# Characters that are not text at all: lone surrogates, controls, marks.
HOSTILE = ["\ud800", "\udcff", "\x00", "\x07", "\x1b", "\x85", "\r", "\ufeff", "\u200b", "\u2028", "\ufffd", "\U0001f600"]
CHARS = st.one_of(st.characters(exclude_categories=()), st.sampled_from(DOMAIN), st.sampled_from(HOSTILE))
# Words and forms the rules react to, so random text meets the extractors.
WORDS = ["2020年", "3月1日", "2月5日至11日", "2020-03-23", "次日", "上周六", "当天", "报到当天", "第二天",
         "21名", "逾3500名", "党员干部", "志愿者", "居民", "3至4人", "2万余户次", "$20万", "30%", "一个多月",
         "幸福社区", "金域华府小区", "市委编办", "工作组", "八里岔社区、高埠社区等", "入户排查", "测体温",
         "卡口值守", "消杀", "配送物资", "核酸检测", "没有", "不", "第3轮", "<p>", "</p>", "<br>", "**", "[链接](",
         "首页 | 新闻 | ", "版权所有", "时间:2020-03-23", "——", "“", "”", "13月45日", "2月30日"]
# Lists joined, not st.text: text() drops surrogates from a mixed alphabet.
# (a length drawn first: lists alone are mostly short).
TEXT = st.integers(0, 300).flatmap(
    lambda n: st.lists(st.one_of(CHARS, st.sampled_from(WORDS)), min_size=n, max_size=n)).map("".join)


@PROFILE
@given(text=TEXT, published=st.one_of(st.none(), st.dates().map(str), st.text(max_size=12)),
       doc_id=st.lists(CHARS, min_size=1, max_size=12).map("".join))
def test_random_text(pipeline, text, published, doc_id):
    check_document(pipeline, text, published, doc_id)


# ---------------------------------------------------------------- mutated seeds

PARAGRAPHS = [p.strip() for f in sorted(SEEDS.glob("*.txt"))
              for p in f.read_text(encoding="utf-8").split("\n") if len(p.strip()) > 30]
INJECTIONS = ["<p>", "</div>", "<script>alert(1)</script>", "&amp;", "&#x4e00;", "<br/>", "\x00", "\ud800",
              "１２３", "2020年", "13月45日", "2月30日", "99999999999999999999名", "一" * 50, "。", "!", "\n",
              "\n\n", "\u3000", "=", "——", "至", "、", "3-", "-4名", "第", "$", "%", "\u200b", "\r"]


def _insert(draw, text: str) -> str:
    i = draw(st.integers(0, len(text)))
    piece = draw(st.one_of(st.sampled_from(DOMAIN), st.characters(exclude_categories=()),
                           st.sampled_from(INJECTIONS), st.integers(0, 10**9).map(str)))
    return text[:i] + piece + text[i:]


def _delete(draw, text: str) -> str:
    i = draw(st.integers(0, len(text)))
    return text[:i] + text[i + draw(st.integers(1, 8)):]


def _duplicate(draw, text: str) -> str:
    i = draw(st.integers(0, len(text)))
    j = draw(st.integers(i, min(len(text), i + 40)))
    return text[:j] + text[i:j] + text[j:]


def _swap_sentences(draw, text: str) -> str:
    parts = re.split(r"(?<=[。！？;；])", text)
    if len(parts) < 2:
        return text
    i, j = draw(st.integers(0, len(parts) - 1)), draw(st.integers(0, len(parts) - 1))
    parts[i], parts[j] = parts[j], parts[i]
    return "".join(parts)


MUTATIONS = [_insert, _delete, _duplicate, _swap_sentences]


@st.composite
def mutated_paragraphs(draw) -> str:
    paragraphs = draw(st.lists(st.sampled_from(PARAGRAPHS), min_size=1, max_size=3))
    text = "\n".join(paragraphs)
    for _ in range(draw(st.integers(1, 8))):
        text = draw(st.sampled_from(MUTATIONS))(draw, text)
    return text


@PROFILE
@given(text=mutated_paragraphs(), published=st.sampled_from([None, "2020-03-23", "2021-01-05", "2020-02-29"]))
def test_mutated_seed_paragraphs(pipeline, text, published):
    check_document(pipeline, text, published)


def test_the_seeds_themselves(pipeline):
    """The unmutated seeds satisfy the same properties (and have dates)."""
    for path in sorted(SEEDS.glob("*.txt")):
        check_document(pipeline, path.read_text(encoding="utf-8"))
