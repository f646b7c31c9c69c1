"""The shared numeral parser (extractor/text/numerals.py): cn2an's test vectors
(loaded from ../shared at test time), the float API the date extractor
relies on, and a round-trip property over generated Chinese numerals.

Scope: cn2an's "normal" and "smart" modes. Left out, on purpose:
* money forms with 元/圆/角/分/整 — resolved by the number extractor, tested in
  test_numbers.py (test_cn2an_money_strings);
* cn2an's *strict*-mode errors that normal mode reads: digit-by-digit ``一一``
  (normal mode gives 11) and a bare leading ``百`` (``百十一``: we read 百 as 100
  so that 近百, 百余 resolve);
* direct-mode strings are compared as numbers (``零一`` is 1, not ``"01"``).
"""
from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from conftest import shared_path
from extractor.text.numerals import (MAX_NUMBER, number_text, parse_number,
                                     parse_numeral, to_int_or_float)

MONEY = re.compile(r"[元圆角分整]")
STRICT_ONLY_ERRORS = {"一一", "壹壹", "百十一"}


def _tables(name: str) -> dict:
    path = shared_path("corpus", "external", "cn2an-tests", name)
    return json.loads(path.read_text(encoding="utf-8"))["tables"]


def _as_decimal(value) -> Decimal:
    return Decimal(str(value))


def _cn2an_pairs():
    tables = _tables("cn2an_test.json")
    for key in ("strict_data_dict", "normal_data_dict", "smart_data_dict", "direct_data_dict"):
        for text, value in tables[key][0].items():
            if not MONEY.search(text):
                yield key, text, value


def test_cn2an_vectors():
    n = 0
    for key, text, value in _cn2an_pairs():
        assert parse_number(text) == _as_decimal(value), (key, text, value)
        n += 1
    assert n >= 100


def test_an2cn_vectors_read_back():
    """an2cn's outputs (lower-case, upper-case, digit-by-digit) parse back."""
    data = _tables("an2cn_test.json")["input_data"][0]
    n = 0
    for value, forms in data.items():
        low, up, _rmb, direct = forms
        for text in (low, up, direct):
            assert parse_number(text) == Decimal(value), (text, value)
            n += 1
    assert n >= 60


def test_cn2an_errors():
    tables = _tables("cn2an_test.json")
    bad = tables["error_normal_datas"][0] + [t for t in tables["error_strict_datas"][0]
                                              if t not in STRICT_ONLY_ERRORS]
    bad += [t for t in _tables("an2cn_test.json")["error_input_data"][0] if isinstance(t, str)]
    assert len(bad) >= 12
    for text in bad:
        with pytest.raises(ValueError):
            parse_number(text)


# --------------------------------------------------------------------------
# the float API, as the date extractor uses it


@pytest.mark.parametrize("text,value", [
    ("两", 2.0), ("十五", 15.0), ("二十一", 21.0), ("3.4万", 34000.0), ("1,200", 1200.0),
    ("二〇二〇", 2020.0), ("三千零五", 3005.0), ("2 万", 20000.0), ("5百", 500.0),
    ("十", 10.0), ("三十一", 31.0), ("一千零十", 1010.0), ("三万五", 35000.0),
])
def test_parse_numeral_float(text, value):
    got = parse_numeral(text)
    assert isinstance(got, float) and got == value


@pytest.mark.parametrize("text", ["", "abc", "二月", "3.4.5", "9" * 400, "亿" * 40])
def test_parse_numeral_rejects(text):
    with pytest.raises(ValueError):
        parse_numeral(text)


def test_no_float_overflow_on_huge_numerals():
    assert parse_number("9" * 30) < MAX_NUMBER
    with pytest.raises(ValueError):
        parse_number("9" * 31)


@pytest.mark.parametrize("value,text", [
    (Decimal("34000.0"), "34000"), (Decimal("0.50"), "0.5"), (Decimal("3"), "3"),
    (Decimal("99999999999999999999"), "99999999999999999999"), (Decimal("1E+5"), "100000"),
])
def test_number_text(value, text):
    assert number_text(value) == text


def test_to_int_or_float():
    assert to_int_or_float(3.0) == 3 and isinstance(to_int_or_float(3.0), int)
    assert to_int_or_float(2.5) == 2.5


# --------------------------------------------------------------------------
# round trip over generated numerals

_DIGITS = "零一二三四五六七八九"


def _section(n: int) -> str:
    """0 < n < 10000 in everyday Chinese (一千零五, 三百二十)."""
    out, zero = "", False
    for unit, ch in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, unit)
        if d:
            if zero:
                out += "零"
            out += _DIGITS[d] + ch
            zero = False
        elif out:
            zero = True
    return out


def to_chinese(n: int) -> str:
    """0 <= n < 10**12 in everyday Chinese (一亿零五, 十万零一千)."""
    if n == 0:
        return "零"
    out = ""
    for group, unit in ((n // 10 ** 8, "亿"), (n // 10 ** 4 % 10 ** 4, "万"), (n % 10 ** 4, "")):
        if group:
            if out and group < 1000:
                out += "零"
            out += _section(group) + unit
    return out


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10 ** 12 - 1))
def test_round_trip(n):
    assert parse_number(to_chinese(n)) == n
    assert parse_number(f"{n:,}") == n
