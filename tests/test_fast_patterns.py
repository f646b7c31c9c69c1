"""Faster forms of the same patterns change no match.

* The first-character guard (extractor.text.patterns.first_char_guard): a
  guarded pattern finds exactly the matches of the original, checked on
  every pattern the pipeline compiles (as the regex-safety test finds
  them), over the seeds and adversarial texts built from each pattern.
* The boilerplate line tests (anchored patterns tried at the line's start,
  the others behind a guard) say what one alternation of all said.
* The words a pattern requires (extractor.text.patterns.required_words):
  every match of every pattern the pipeline compiles holds them, so a
  text without them is skipped without losing a match.
* A scan near the required words (extractor.text.patterns.NearWordScan)
  finds exactly the matches of ``finditer``, for every pattern the
  pipeline compiles where it applies.
* The Chinese runs holding a suffix (extractor.fields.names.segment.runs_with)
  from one scan of the body are the runs each searched on its own, for the
  suffix patterns of the extractors and for patterns made of characters
  (extractor.text.patterns.made_of); any other pattern is searched per run."""
from __future__ import annotations

import re

import pytest

from conftest import SEEDS
from extractor.read import iter_documents
from extractor.text.patterns import NearWordScan, first_char_guard, made_of, may_match, required_words, starts_anchored
from regex_adversary import adversarial_inputs, collect_patterns


def _matches(pattern: re.Pattern[str], text: str) -> list:
    return [(m.span(), m.lastgroup, m.groups()) for m in pattern.finditer(text)]


@pytest.fixture(scope="module")
def collected():
    return collect_patterns().all()


@pytest.fixture(scope="module")
def seed_texts():
    from extractor.normalize import Normalizer
    from extractor.ruleset import Rules

    normalize = Normalizer(Rules())
    texts = []
    for doc in iter_documents([SEEDS]):
        normalize(doc)
        texts.append(doc.body)
    return texts


def test_guarded_patterns_find_the_same_matches(collected, seed_texts):
    guarded = 0
    for (source, flags), compiled in collected.items():
        own = flags & ~re.UNICODE
        g = first_char_guard(source, own)
        if g == source:
            continue
        guarded += 1
        fast = re.compile(g, own)
        assert fast.groupindex == compiled.groupindex and fast.groups == compiled.groups, source[:80]
        texts = seed_texts + [i.make(2_000) for i in adversarial_inputs(source, own)][:12]
        for text in texts:
            assert _matches(fast, text) == _matches(compiled, text), (source[:80], text[:40])
            for pos in range(0, len(text), 97):  # match at an offset, as the finders call it
                a, b = fast.match(text, pos), compiled.match(text, pos)
                assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups())), (source[:80], pos)
    # the date finder's combined pattern and the activity words at least
    assert guarded >= 2


@pytest.mark.parametrize("source, guard", [
    (r"(?<!\d)(?P<a>\d+)日|(?P<b>昨天|今天)", "[\\d昨今]"),     # lookbehinds consume nothing
    ("(?=(社区|小区))", "[社小]"),                               # a lookahead gives its first character
    (r"(?:第)?(?:[一二]|3)号|(?<=x)y", "[第一二3y]"),            # optional parts add what follows
])
def test_guard_is_the_set_of_first_characters(source, guard):
    assert first_char_guard(source) == f"(?={guard})(?:{source})"


@pytest.mark.parametrize("source, flags", [
    ("社区|小区", 0),             # begins with words: the engine already skips to them
    ("[社小]区", 0),              # begins with a class: the same
    (r"(?:\d+)?日?", 0),          # may match the empty string: no first character
    ("(?<!a)b|(?<!c).", 0),       # any character may begin a match
    ("(?<!a)(?:b|c)", re.I),      # case folded: not bounded here
    (r"(?<!a)[\u4e00-\u9fff]+", 0),  # every Chinese character: the guard would only cost
    ("(?x) (?<!a) b", 0),         # global inline flags must stay first
])
def test_no_guard_where_it_cannot_help_or_be_exact(source, flags):
    assert first_char_guard(source, flags) == source


@pytest.mark.parametrize("source, anchored", [
    (r"^\s*首页", True), (r"\A首页", True), (r"^a|b", False), (r"(?:^a)", True), (r"(^a)", False), ("版权所有", False),
])
def test_starts_anchored(source, anchored):
    assert starts_anchored(re.compile(source)) is anchored
    assert starts_anchored(re.compile(source, re.M)) is False


def test_boilerplate_line_tests_agree_with_one_alternation(seed_texts):
    from extractor.normalize.boilerplate import FILE, _LineTest
    from extractor.ruleset import Rules

    lex = Rules().load(FILE)
    drop = _LineTest(lex.drop_line)
    assert drop.anchored is not None and drop.anywhere is not None  # both kinds are in the rules
    for patterns in (lex.drop_line, lex.cut_from):
        test = _LineTest(patterns)
        whole = re.compile("|".join(f"(?:{p.pattern})" for p in patterns))
        lines = [line for text in seed_texts for line in text.split("\n")]
        for p in patterns:  # lines each pattern was written for, cut and padded
            lines += [i.make(300) for i in adversarial_inputs(p.pattern)][:6]
            lines += ["  首页 > 新闻", "本站版权所有", "上一篇:无", "编辑:张三", "扫一扫 分享", "推荐访问:", " 相关新闻"]
        hits = 0
        for line in lines:
            expected = bool(whole.search(line))
            assert test.search(line) is expected, line[:60]
            hits += expected
        assert hits > 0


def test_every_match_holds_the_words_its_pattern_requires(collected, seed_texts):
    checked = 0
    for (source, flags), compiled in collected.items():
        needs = required_words(compiled)
        if not needs:
            continue
        texts = seed_texts + [i.make(2_000) for i in adversarial_inputs(source, flags & ~re.UNICODE)][:12]
        for text in texts:
            for m in compiled.finditer(text):
                checked += 1
                assert may_match(needs, m.group(0)), (source[:80], m.group(0)[:40], needs)
    assert checked > 1000


@pytest.mark.parametrize("source, needs", [
    ("(?:来源|稿源)\\s*:(?P<name>[a-z]{1,3}?(?:网|日报))", (("来源", "稿源"), (":",), ("网", "日报"))),
    ("(?:a|bc)d+e", (("a", "bc"), ("e",))),
    ("ab?c", (("a",), ("c",))),          # an optional character ends a run
    ("(a|b)x*", (("a", "b"),)),          # a class of plain characters; a repeat requires nothing
    ("(?:ab|ac)", (("a",), ("b", "c"))),  # re factors the common prefix out
    ("x(?:a|b*)y|z", ()),                # a top-level alternation: nothing is required of all
    ("(?i)abc", ()), ("(?i:ab)c", (("c",),)),  # case folded: nothing from it
    ("(?=abc)d", (("d",),)), ("[^ab]c", (("c",),)), ("(?:a|)b", (("b",),)),
])
def test_required_words(source, needs):
    assert required_words(re.compile(source)) == needs
    assert may_match(needs, "".join(words[0] for words in needs) if needs else "")


@pytest.mark.parametrize("source, made", [
    ("中|国", True), ("(?:社区|小区)", True), ("[中国]", True), ("(中)国", True),  # re factors 小区|小组 into 小[区组]
    ("中+", False), ("(?=中)中", False), ("中国|", False), ("^中", False), ("[一-龥]", False),
    (r"中\b", False), ("a|b", False), ("(?i:中)", False), ("中(?!国)", False), ("", False),
])
def test_made_of(source, made):
    from extractor.fields.names.segment import _CJK_CHAR

    assert made_of(re.compile(source), _CJK_CHAR) is made


def test_runs_with_one_scan_is_each_run_searched(seed_texts, rules):
    """One scan of the body finds the runs a search of each run finds."""
    import random

    from extractor.fields.communities import CommunityExtractor
    from extractor.fields.names.segment import _runs_searched, _within_runs, runs_with
    from extractor.fields.units import UnitExtractor

    suffixes = [UnitExtractor(rules).suffix_re, CommunityExtractor(rules).suffix_re]
    assert all(_within_runs(p) for p in suffixes)  # else the fast path is never taken
    rng = random.Random(14)
    pieces = ["社区", "小区", "委员会", "局", "工作组", "，", "1", "a", " ", "\n", "中", "〇", "\u3400", "\uf900", "区"]
    texts = seed_texts + ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    for pattern in [*suffixes, re.compile("区|委员"), re.compile("[区局]区"), re.compile("区(?!委)"), re.compile("区+")]:
        for text in texts:
            assert list(runs_with(text, pattern)) == list(_runs_searched(text, pattern)), (pattern.pattern[:40], text[:40])


def test_near_word_scans_find_the_same_matches(collected, seed_texts):
    scanned = 0
    for (source, flags), compiled in collected.items():
        scan = NearWordScan.build(compiled)
        if scan is None:
            continue
        scanned += 1
        texts = seed_texts + [i.make(2_000) for i in adversarial_inputs(source, flags & ~re.UNICODE)][:12]
        for text in texts:
            assert _matches(scan, text) == _matches(compiled, text), (source[:80], text[:40])
    assert scanned >= 2  # the units' credit frames at least


@pytest.mark.parametrize("source, text", [
    ("(?<![a-z])[a-z]{1,3}?(?:x|yy)(?=!|$)", "abx! ab yy ayy!  axx!ax bbbyy"),  # lazy repeat, lookarounds
    ("(?m)^[a-z]{0,2}x", "ax\nbx cx\nx\n  x"),                                   # ^ after the search's start
    ("xx", "xxxxx"),                                                             # overlapping anchors
])
def test_near_word_scan_cases(source, text):
    pattern = re.compile(source)
    scan = NearWordScan.build(pattern)
    assert scan is not None
    assert _matches(scan, text) == _matches(pattern, text)
    assert NearWordScan.build(re.compile("a+x")) is None and NearWordScan.build(re.compile("[a-z]?")) is None
