"""Chinese and Arabic numerals to numbers.

Shared by the date and number extractors so that ``二月十五日`` and
``十五名`` resolve the same way. Only the characters listed here are
numerals; callers find the span, this module resolves it.
"""
from __future__ import annotations

import re
from decimal import Decimal, localcontext
from functools import lru_cache

DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "幺": 1, "二": 2, "贰": 2, "两": 2, "兩": 2, "俩": 2,
          "三": 3, "叁": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6,
          "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}

CN_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(BIG_UNITS)
# A numeral as it stands in text: Arabic (with decimals, thousands commas or
# spaces between digits) and/or Chinese numerals, optionally followed by 万/亿.
NUMERAL = rf"(?:\d+(?:[.,]\d+)*(?:\s?[{''.join(BIG_UNITS)}])*|[{CN_CHARS}]+)"


def parse_numeral(text: str) -> float:
    """Resolve a numeral (``两``, ``十五``, ``3.4万``, ``1,200``, ``二〇二〇``).

    Raises ``ValueError`` for text that is not a numeral. A float view of
    :func:`parse_number`, kept for callers that want a plain number.
    """
    return float(parse_number(text))


def to_int_or_float(value: float) -> int | float:
    """``3.0`` → ``3``; keeps real fractions."""
    return int(value) if float(value).is_integer() else value


# --- exact parsing ---------------------------------------------------------
# Numbers are resolved exactly (Decimal) so that 3.4万 is 34000, not
# 34000.000000000004, and sixteen-digit amounts keep every digit. Inputs are
# capped so that adversarial text cannot build a number that overflows a
# float or takes long to convert.
MAX_NUMERAL_CHARS = 64
MAX_NUMBER = Decimal(10) ** 30
# Shorthands for tens that stand for two characters.
_TENS_SHORTHAND = {"廿": "二十", "卅": "三十", "卌": "四十"}
_TOKEN = re.compile(r"(\d+(?:\.\d+)?)|(.)", re.S)
_NEGATIVE = "负-"
_POINT = "点"


# A pure function of its text (the Decimal context is its own, prec 80, and
# nothing in the package changes the thread's), asked about the same few
# hundred numerals (一, 两, 3, 10万) all through a batch: remembered. A text
# that raises is not remembered and raises again. Decimals are immutable.
@lru_cache(maxsize=8192)
def parse_number(text: str) -> Decimal:
    """Resolve a numeral exactly.

    Handles Arabic (``1,200``, ``3.4万``, ``1万600``), Chinese in everyday
    (``两千六``, ``三万五``, ``十万零一``), financial (``壹佰贰拾``) and
    digit-by-digit (``二〇二〇``) forms, decimals with ``点`` and a leading
    ``负``. Raises ``ValueError`` for anything else, and for numerals longer
    than ``MAX_NUMERAL_CHARS`` or larger than ``MAX_NUMBER``.
    """
    s = "".join(text.split()).replace(",", "")
    if len(s) > MAX_NUMERAL_CHARS:
        raise ValueError("numeral too long")
    for short, full in _TENS_SHORTHAND.items():
        s = s.replace(short, full)
    negative = bool(s) and s[0] in _NEGATIVE
    if negative:
        s = s[1:]
    if not s:
        raise ValueError(f"not a numeral: {text!r}")
    with localcontext() as ctx:
        ctx.prec = 80
        if _POINT in s:
            whole, frac = s.split(_POINT, 1)
            value = _parse_integer_part(whole) + _fraction(frac)
        else:
            value = _parse_integer_part(s)
        if value >= MAX_NUMBER:
            raise ValueError("numeral too large")
        return -value if negative else value


def _fraction(digits: str) -> Decimal:
    """``四三二一`` or ``4321`` after a decimal point → Decimal('0.4321')."""
    if not digits:
        raise ValueError("empty fraction")
    out = []
    for ch in digits:
        if ch.isdigit() and ch.isascii():
            out.append(ch)
        elif ch in DIGITS:
            out.append(str(DIGITS[ch]))
        else:
            raise ValueError(f"not a fraction digit: {ch!r}")
    return Decimal("0." + "".join(out))


def _tokens(s: str) -> list[tuple[str, Decimal | str]]:
    """Split into ('num', value) / ('cn', digit) / ('small'|'big', unit) tokens."""
    out: list[tuple[str, Decimal | str]] = []
    for m in _TOKEN.finditer(s):
        if m.group(1):
            out.append(("num", Decimal(m.group(1))))
        elif m.group(2) in DIGITS:
            out.append(("cn", Decimal(DIGITS[m.group(2)])))
        elif m.group(2) in SMALL_UNITS:
            out.append(("small", Decimal(SMALL_UNITS[m.group(2)])))
        elif m.group(2) in BIG_UNITS:
            out.append(("big", Decimal(BIG_UNITS[m.group(2)])))
        else:
            raise ValueError(f"not a numeral character: {m.group(2)!r}")
    return out


def _parse_integer_part(s: str) -> Decimal:
    if not s:
        raise ValueError("empty numeral")
    toks = _tokens(s)
    if len(toks) > 1 and all(kind == "cn" for kind, _ in toks):
        # 二〇二〇, 一七二零: digits read one by one.
        return Decimal("".join(str(int(v)) for _, v in toks))
    return _positional(toks)


def _positional(toks: list[tuple[str, Decimal | str]]) -> Decimal:
    """Chinese positional reading; Arabic runs count as digits (``1万600``)."""
    total = Decimal(0)   # everything already multiplied by 亿
    wan = Decimal(0)     # the part multiplied by 万 within the current 亿 group
    sec = Decimal(0)     # the section below 万
    digit: Decimal | None = None
    digit_kind = ""
    zero_seen = False    # a 零 makes what follows literal (十万零一)
    last_small = Decimal("Infinity")
    last_unit: Decimal | None = None
    for kind, val in toks:
        if kind in ("num", "cn"):
            if digit is not None and not (digit == 0 and digit_kind == "cn"):
                raise ValueError("two numbers in a row")
            if kind == "cn" and val == 0:
                zero_seen = True
            digit, digit_kind = val, kind
        elif kind == "small":
            if val >= last_small:
                raise ValueError("units out of order")
            mult = 1 if digit is None or (digit == 0 and digit_kind == "cn") else digit
            sec += mult * val
            digit, last_small, last_unit, zero_seen = None, val, val, False
        else:  # 万 or 亿
            part = sec + (digit or 0)
            if val == BIG_UNITS["亿"]:
                group = total + wan + part
                total = (group if group else Decimal(1)) * val
                wan = Decimal(0)
            else:
                if not part and not wan and not total:
                    part = Decimal(1)  # a bare 万 is ten thousand
                wan = (wan + part) * val
            sec, digit, last_small, last_unit, zero_seen = Decimal(0), None, Decimal("Infinity"), val, False
    if digit is not None:
        if (digit_kind == "cn" and not zero_seen and last_unit is not None
                and last_unit >= 100):
            # 三万五 = 35000, 两千六 = 2600: a trailing digit takes the next unit down.
            digit *= last_unit / 10
        sec += digit
    return total + wan + sec


def number_text(value: Decimal) -> str:
    """``Decimal('34000.0')`` → ``'34000'``; ``Decimal('0.50')`` → ``'0.5'``."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")
