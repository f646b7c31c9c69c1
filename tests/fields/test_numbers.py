"""NumberExtractor: cases from tests/cases/numbers.yaml, the JioNLP money
vectors and cn2an money / transform vectors that fall within our scope,
mention invariants on the external corpora, broken rules files, and speed on
adversarial input."""
from __future__ import annotations

import json
import re
import time
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from conftest import cases
from conftest import shared_path, broken_rules
from extractor.document import Context, Mention
from extractor.fields.numbers import NumberExtractor
from extractor.ruleset import RuleError, Rules

CASES = cases("numbers", expect=("mentions",), inputs=("text",))
CN2AN_CASES = cases("numbers_cn2an", expect=("mentions",), inputs=("text",))
VALUE = re.compile(r"^-?\d+(?:\.\d+)?(?:--?\d+(?:\.\d+)?)?$")
QUALIFIERS = {"exact", "more_than", "less_than", "approx"}
KEYS = ("field", "value", "measure", "qualifier", "role", "text")


@pytest.fixture(scope="module")
def extract(rules):
    return NumberExtractor(rules)


def check_invariants(body: str, mentions: list[Mention]) -> None:
    for m in mentions:
        assert body[m.start:m.end] == m.text
        assert m.field in ("headcount", "quantity")
        assert m.source == "rule" and m.sentence == -1
        assert VALUE.match(m.value), m.value
        assert m.qualifier in QUALIFIERS
        assert m.measure
        assert (m.role != "") == (m.field == "headcount")
        assert 0 < m.confidence <= 1
    starts = [m.start for m in mentions]
    assert starts == sorted(starts)
    for a, b in zip(mentions, mentions[1:]):
        assert a.end <= b.start, (a, b)


# --------------------------------------------------------------------------
# our cases


def check_mentions(mentions: list[Mention], expected: list[dict]) -> None:
    """Every mention, in text order, has the attributes its expected mention lists."""
    got = [{k: getattr(m, k) for k in KEYS} for m in mentions]
    assert len(got) == len(expected), got
    for g, e in zip(got, expected):
        assert {k: g[k] for k in e} == {k: str(v) for k, v in e.items()}, g


@pytest.mark.parametrize("case", CASES)
def test_case(extract, case):
    body = unicodedata.normalize("NFKC", case["text"])
    mentions = extract(body, Context())
    check_invariants(body, mentions)
    check_mentions(mentions, case["expect"]["mentions"])


def test_cases_cover_every_form():
    """The case file keeps negatives, both fields, ranges and every qualifier."""
    file = [c.values[0] for c in CASES]
    expects = [e for c in file for e in c["expect"]["mentions"]]
    assert sum(1 for c in file if not c["expect"]["mentions"]) >= 10
    assert {e["field"] for e in expects} == {"headcount", "quantity"}
    assert any("-" in str(e["value"]) for e in expects)
    assert {e.get("qualifier") for e in expects} >= QUALIFIERS
    assert any(e.get("measure") == "元" for e in expects)
    assert {c["source"] for c in file} >= {"guideline", "xwlb", "hkcnews", "dxy"}


# --------------------------------------------------------------------------
# external test vectors


# JioNLP's money parser / extractor vectors (../shared/corpus/external/jionlp-tests)
# are all checked except the strings matching one of these patterns. Each
# reason is a form this extractor deliberately does not read as money.
JIONLP_OUT_OF_SCOPE = [
    (r"\d\s*[kKwW]", "k / w shorthand for thousand / ten thousand (chat style, not news)"),
    (r"^[^元圆块币蚊铢镑$¥]*$", "no currency word or sign: a bare number is not money in running text"),
    (r"个亿", "colloquial 两个亿 (a classifier inside the numeral)"),
    (r"块(?!钱)", "块 without 钱 is also the counter for pieces (一块牌子); 块/毛/角 sums not read"),
    (r"元--", "currency repeated on both ends of a range: read as two amounts"),
    (r"^[一二三四五六七八九]到[一二三四五六七八九][百千]亿",
     "ambiguous low end: JioNLP reads 八到九百亿 as 8亿-900亿, we read 800亿-900亿"),
    (r"含[)）]-", "an inclusion mark (含) between the ends of a range"),
]


def _jio_scope(text: str) -> str:
    """Why a JioNLP money string is out of scope, or "" when it is in."""
    for pattern, reason in JIONLP_OUT_OF_SCOPE:
        if re.search(pattern, text):
            return reason
    return ""


def _jio_cases():
    path = shared_path("corpus", "external", "jionlp-tests", "test_money_parser.json")
    rows = json.loads(path.read_text(encoding="utf-8"))["tables"]["money_string_list"][0]
    return rows


def _simplified(text: str) -> str:
    """What the pipeline hands an extractor: NFKC, then simplified script."""
    import opencc

    return opencc.OpenCC("t2s").convert(unicodedata.normalize("NFKC", text))


def test_jionlp_money_parser(extract):
    """JioNLP's money parser vectors: the amount, whatever the currency, as 元.

    A JioNLP range [a, b] for `3000多` / `十几` / `几十万` is our lower end with
    qualifier more_than; a true range (`1万-5万元`) is our range value.
    """
    checked = 0
    for text, want in _jio_cases():
        if _jio_scope(text):
            continue
        body = _simplified(text)
        money = [m for m in extract(body, Context()) if m.measure == "元"]
        assert len(money) == 1, (text, money)
        m = money[0]
        nums = want["num"] if isinstance(want["num"], list) else [want["num"]]
        if len(nums) == 1:     # JioNLP reports to the cent
            assert Decimal(m.value).quantize(Decimal("0.01")) == Decimal(nums[0]), (text, m)
        elif "-" in m.value:
            lo, hi = m.value.split("-")
            assert (Decimal(lo), Decimal(hi)) == (Decimal(nums[0]), Decimal(nums[1])), (text, m)
        else:
            assert m.qualifier == "more_than" and Decimal(m.value) == Decimal(nums[0]), (text, m)
        checked += 1
    assert checked >= 35


def test_jionlp_filter_is_narrow():
    """Most vectors are in scope; every exclusion names its reason."""
    rows = _jio_cases()
    out = [t for t, _ in rows if _jio_scope(t)]
    assert len(out) <= len(rows) // 3
    assert all(reason.strip() for _, reason in JIONLP_OUT_OF_SCOPE)


def test_jionlp_money_extractor(extract):
    """JioNLP's money extractor vectors: the same amounts found in running text."""
    path = shared_path("corpus", "external", "jionlp-tests", "test_money_extractor.json")
    rows = json.loads(path.read_text(encoding="utf-8"))["tables"]["money_string_list"][0]
    for text, want in rows:
        if _jio_scope(text):
            continue
        body = _simplified(text)
        got = [m.text for m in extract(body, Context()) if m.measure == "元"]
        assert got == [_simplified(w["text"]) for w in want], text


CN2AN_MONEY = re.compile(r"[元圆角分]")


def _cn2an_money():
    path = shared_path("corpus", "external", "cn2an-tests", "cn2an_test.json")
    tables = json.loads(path.read_text(encoding="utf-8"))["tables"]
    for key in ("strict_data_dict", "normal_data_dict"):
        for text, value in tables[key][0].items():
            if CN2AN_MONEY.search(text):
                yield text, value


def _an2cn_money():
    """an2cn's cheque column (`壹佰万元整`), where it is exact: positive amounts
    to the cent with a 元 (its `零元整` for 0.0005 drops digits; negative sums
    and coins alone, `壹角`, are not read)."""
    path = shared_path("corpus", "external", "cn2an-tests", "an2cn_test.json")
    for value, forms in json.loads(path.read_text(encoding="utf-8"))["tables"]["input_data"][0].items():
        amount = Decimal(value)
        if amount > 0 and amount == amount.quantize(Decimal("0.01")) and "元" in forms[2]:
            yield forms[2], value


def test_cn2an_money_strings(extract):
    """cn2an's money forms (`壹拾壹元壹角壹分`) resolve to the amount in 元."""
    n = 0
    for text, value in [*_cn2an_money(), *_an2cn_money()]:
        mentions = extract(text, Context())
        assert [(m.measure, Decimal(m.value)) for m in mentions] == \
            [("元", Decimal(str(value)))], (text, mentions)
        n += 1
    assert n >= 20


@pytest.mark.parametrize("case", CN2AN_CASES)
def test_cn2an_case(extract, case):
    """cn2an's sentence vectors (tests/cases/numbers_cn2an.yaml): the counted
    amount in each in-scope sentence."""
    body = _simplified(case["text"])
    mentions = extract(body, Context())
    check_invariants(body, mentions)
    check_mentions(mentions, case["expect"]["mentions"])


def test_cn2an_transform_sentences():
    """Every sentence of numbers_cn2an.yaml is one of cn2an's transform vectors."""
    path = shared_path("corpus", "external", "cn2an-tests", "transform_test.json")
    tables = json.loads(path.read_text(encoding="utf-8"))["tables"]
    pairs = {**tables["strict_data_dict"][0], **tables["smart_data_dict"][0]}
    texts = [c.values[0]["text"] for c in CN2AN_CASES]
    assert len(texts) == len(set(texts))
    assert set(texts) <= set(pairs) | set(pairs.values())


# --------------------------------------------------------------------------
# invariants over real text


def _corpus_bodies(limit: int):
    import opencc

    cc = opencc.OpenCC("t2s")
    for name in (("xwlb-2020", "stories.jsonl"), ("hkcnews-2020", "articles.jsonl")):
        path = shared_path("corpus", "external", *name)
        with open(path, encoding="utf-8") as f:
            for i, line in enumerate(f):
                if i >= limit:
                    break
                yield cc.convert(unicodedata.normalize("NFKC", json.loads(line)["text"]))


def test_invariants_on_corpora(extract):
    n = 0
    for body in _corpus_bodies(150):
        mentions = extract(body, Context())
        check_invariants(body, mentions)
        n += len(mentions)
    assert n > 500


# --------------------------------------------------------------------------
# rules files


def _broken_rules(tmp_path, name: str, old: str, new: str) -> Rules:
    return Rules(broken_rules(tmp_path, name, old, new))


@pytest.mark.parametrize("name,old,new,message", [
    ("numbers.yaml", "  people: [名, 位, 个, 人]", "  people: [名, 位, 个, 人, 7]", "numbers.yaml:"),
    ("numbers.yaml", "ordinal_before_patterns: ['届", "ordinal_before_patterns: ['(届", "invalid pattern"),
    ("numbers.yaml", "max_range_ratio: 100", "max_range_ratio: many", "max_range_ratio"),
    ("numbers.yaml", "    more_than: [逾,", "    most: [逾,", "most' is an unknown key"),
    ("people.yaml", "served: [居民,", "served: [党员, 居民,", "both as"),
    ("people.yaml", "people_measures: [名, 位, 个, 人]", "people_measures: [名, 位, 个, 人, 尊]",
     "not a measure"),
    ("people.yaml", "collectives: [群体]", "collectives: [群体, 团伙]", "is not a listed noun"),
])
def test_bad_rules_fail_with_file_and_line(tmp_path, name, old, new, message):
    with pytest.raises(RuleError) as err:
        NumberExtractor(_broken_rules(tmp_path, name, old, new))
    assert name in str(err.value) and message in str(err.value)


def test_bad_entry_names_its_line(tmp_path):
    rules = _broken_rules(tmp_path, "numbers.yaml", "  people: [名, 位, 个, 人]", "  people: [名, 位, 个, 人, 7]")
    with pytest.raises(RuleError) as err:
        NumberExtractor(rules)
    assert err.value.line is not None


# --------------------------------------------------------------------------
# speed and robustness on adversarial input


ADVERSARIAL = {
    "one-repeated": "一" * 100_000,
    "digits-then-measure": "9" * 100_000 + "名",
    "wan-repeated": "万" * 100_000 + "人",
    "ranges": "3至" * 50_000 + "名",
    "thousands": "1," * 50_000 + "000名",
    "spaced-digits": "1 " * 50_000 + "名",
    "numerals-mixed": "十一" * 50_000 + "个",
    "percent": "%" * 100_000,
    "url": "http://" + "a" * 100_000,
    "letters": "a" * 100_000,
    "modifier": "3名" + "的" * 100_000 + "党员",
    "spaces": "3" + " " * 100_000 + "名",
    "qualifiers": "近" * 100_000 + "百名",
    "dollars": "$" * 100_000 + "5",
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_adversarial_input_is_fast(extract, name):
    body = ADVERSARIAL[name]
    t = time.perf_counter()
    mentions = extract(body, Context())
    assert time.perf_counter() - t < 2.0
    check_invariants(body, mentions)


def test_huge_number_is_kept_or_skipped(extract):
    # More people than live on Earth count nobody (people.yaml: max_people_count);
    # a digit run longer than max_arabic_digits is no number at all.
    body = "99999999999999999999名志愿者," + "9" * 400 + "元,99999999999999999999元"
    mentions = extract(body, Context())
    check_invariants(body, mentions)
    assert [(m.field, m.value) for m in mentions] == [("quantity", "99999999999999999999")]
    assert all("inf" not in m.value and "e" not in m.value.lower() for m in mentions)


ALPHABET = "一二两三十百千万亿零0123456789.,-至到、 %$元名位个人户次余多约近逾第的党员居民\n:"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=80))
def test_random_text_never_breaks_invariants(extract, text):
    check_invariants(text, extract(text, Context()))


# --------------------------------------------------------------------------
# number forms (extractor/fields/numbers/forms.py): one invented case per form,
# the form whose group matched and what its handler says the span counts

FORM_CASES = [
    ("money", "捐款3000元", "money", "元"),
    ("currency", "筹得港币300", "money", "港币"),
    ("percent_prefix", "覆盖率达百分之九十", "percent", "百分之"),
    ("count", "发放口罩500个", "count", "个"),
    ("percent_sign", "接种率达95%", "percent", "%"),
]


@pytest.mark.parametrize("form,text,kind,word", FORM_CASES, ids=[c[0] for c in FORM_CASES])
def test_each_number_form_decides_its_span(rules, form, text, kind, word):
    from extractor.fields.numbers.forms import FORMS, measure_of
    from extractor.fields.numbers.rules import load_number_rules
    nr = load_number_rules(rules)
    m = next(mm for mm in nr.finder.finditer(text) if mm.group("num"))
    matched = [f.name for f in FORMS if m.group(f.group) is not None]
    assert form in matched
    got = measure_of(m, nr)
    assert got is not None and got[0] == kind and got[2] == word


def test_every_number_form_has_a_case():
    from extractor.fields.numbers.forms import FORMS
    assert {c[0] for c in FORM_CASES} == {f.name for f in FORMS}


def test_every_word_that_begins_a_number_begins_a_match(rules):
    """The finder's first-character guard tries only positions whose
    character can begin a match: a qualifier or head word it missed would
    lose its numbers."""
    from extractor.fields.numbers.rules import load_number_rules
    nr = load_number_rules(rules)
    data = rules.yaml("numbers.yaml")
    starters = [w for words in data["qualifiers"]["before"].values() for w in words]
    starters += [w for words in data["qualifiers"].get("before_bare", {}).values() for w in words]
    starters += list(data["money"]["prefixes"]) + list(data["percent"]["prefixes"]) + [" "]
    missed = [w for w in starters
              if not ((m := nr.finder.match(w + "三百个")) and m.group("num"))]
    # and every way the numeral itself begins
    from extractor.fields.numbers.rules import CN_CHARS
    missed += [n for n in ["7", "٣", "数百", "几"] + list(CN_CHARS)
               if not ((m := nr.finder.match(n + "个")) and m.group("num"))]
    assert not missed

