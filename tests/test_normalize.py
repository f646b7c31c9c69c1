"""Normalization: boilerplate, title, publication date, script, width."""
from __future__ import annotations

import pytest

from conftest import cases
from conftest import SEEDS
from extractor.document import Document
from extractor.normalize import Normalizer, fold_width
from extractor.normalize.boilerplate import Boilerplate
from extractor.normalize.html import html_to_text
from extractor.normalize.script import detect_script
from extractor.read import iter_documents



@pytest.fixture(scope="module")
def normalizer(rules):
    return Normalizer(rules)


@pytest.fixture(scope="module")
def seeds(normalizer):
    return {d.doc_id[:3]: normalizer(d) for d in iter_documents([SEEDS])}


@pytest.mark.parametrize("case", cases("boilerplate", expect=("dropped",), inputs=("text",)))
def test_boilerplate_line(rules, case):
    text = f"正文第一段。\n{case['text']}\n正文第二段。"
    dropped = case["expect"]["dropped"]
    assert isinstance(dropped, bool)
    assert Boilerplate(rules).clean(text) == ("正文第一段。\n正文第二段。" if dropped else text)


def test_seed_navigation_and_footer_removed(seeds):
    body = seeds["000"].body
    for junk in ("首 页", "站内搜索", "您现在的位置", "最新动态", "版权所有", "ICP备", "Copyright",
                 "电子邮件", "字体", "孝感市机构编制网"):
        assert junk not in body, junk
    assert body.count("高埠社区") > 10
    assert "市委编办主任余小林带着2名工作队员进驻高埠社区" in body
    assert body.rstrip().endswith("余小林说。")
    body2 = seeds["002"].body
    for junk in ("首页 >", "字体大小", ".jpg"):
        assert junk not in body2, junk
    assert "很快,由10名党员组成的工作组组建完毕" in body2
    assert body2.rstrip().endswith("社区居民在展示他给组员拍下的工作照")
    assert body2.count("工作组将团购物资送到行动不便的居民家") == 1


def test_content_farm_preamble_and_tail_removed(seeds):
    body = seeds["003"].body
    assert "小编" not in body and "推荐访问" not in body
    assert body.startswith("社区下沉党员干部助力疫情防控")


@pytest.mark.parametrize("key,title,published", [
    ("000", "下沉到一线 战“疫”在前沿 ——记市委编办驻孝天办事处高埠社区物资保供专班", "2020-03-23"),
    ("002", "致敬英雄 服务群众——省政协机关支援户部巷社区疫情防控工作侧记", "2020-04-02"),
    ("001", "全心织牢疫情防控网——咸宁市公共资源交易中心抗疫工作侧记", ""),
    ("004", "下沉就是要沉进“小事”里", ""),
])
def test_title_and_published(seeds, key, title, published):
    assert seeds[key].title == title
    assert seeds[key].published == published


@pytest.mark.parametrize("case", cases("published", expect=("published", "kept?", "removed?", "title?"),
                                       inputs=("text",)))
def test_published_case(normalizer, case):
    doc = normalizer(Document(doc_id="c", source="t", raw=case["text"]))
    want = case["expect"]
    assert doc.published == want["published"]
    for s in want.get("kept", []):
        assert s in doc.body, s
    for s in want.get("removed", []):
        assert s not in doc.body, s
    if "title" in want:
        assert doc.title == want["title"]


def test_published_line_is_not_left_in_body(seeds):
    assert "2020-03-23" not in seeds["000"].body
    assert "09:55:14" not in seeds["002"].body


def test_traditional_seed_detected_and_converted(seeds):
    doc = seeds["004"]
    assert doc.script == "traditional"
    assert "逾3500名市直党员干部下沉社区" in doc.body
    assert "以来" in doc.body and "以來" not in doc.body
    assert "趁着夜色" in doc.body  # 著 → 着 (the pure-Python OpenCC leaves 著)
    assert all(seeds[k].script == "simplified" for k in ("000", "001", "002", "003"))


@pytest.mark.parametrize("text,script", [
    ("社区干部上门测体温，发放物资。", "simplified"),
    ("社區幹部上門測體溫，發放物資。", "traditional"),
    ("社区干部上门测体温，发放物资。社區幹部上門測體溫，發放物資。", "mixed"),
    ("2020", "simplified"),
    ("衞生署派員到屋邨巡查,爲居民派發口罩。", "traditional"),  # Hong Kong variants
])
def test_detect_script(text, script):
    assert detect_script(text) == script


@pytest.mark.parametrize("raw,folded", [
    ("４ 月 １ 日", "4 月 1 日"),
    ("２１名", "21名"),
    ("时间：2020-03-23", "时间:2020-03-23"),
    ("Ａｂｃ\u3000def", "Abc def"),
    ("a\r\nb\x00c\u200b", "a\nbc"),
])
def test_fold_width(raw, folded):
    assert fold_width(raw) == folded


def test_fold_width_is_nfkc_around_combining_marks():
    """The full-width characters replaced before NFKC (the fast path) give
    NFKC's own result next to combining marks, half-width kana and their
    sound marks, Hangul jamo and other compatibility characters."""
    import random
    import unicodedata

    alphabet = [*map(chr, range(0xFF01, 0xFF5F)), "\u00a0", "\u3000", "\u0301", "\u0308", "\u3099",
                "\u309a", "e", "か", "\uff76", "\uff9e", "\u1100", "\u1161", "\uac00", "\u11a8", "中",
                "\u2026", "Ⅱ", "\u00a8", " ", "\n"]
    rng = random.Random(14)
    for _ in range(20000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
        assert fold_width(s) == unicodedata.normalize("NFKC", s), repr(s)


def test_html_keeps_paragraphs_and_captions_drops_scripts():
    page = ("<html><head><title>标题 - 某网站</title><script>var x='脚本';</script></head><body>"
            "<nav>首页 | 新闻</nav><h1>社区防控纪实</h1><p>第一段,\n 文字。</p><p>第二段<br>换行</p>"
            "<figure><img src='a.jpg' alt='图'><figcaption>志愿者为居民测体温</figcaption></figure>"
            "<style>p{}</style><footer>版权所有</footer></body></html>")
    text, titles = html_to_text(page)
    assert text.split("\n\n") == ["社区防控纪实", "第一段, 文字。", "第二段", "换行", "志愿者为居民测体温"]
    assert titles["h1"] == "社区防控纪实"


def test_html_deeply_nested_does_not_crash():
    page = "<div>" * 10000 + "深处的文字" + "</div>" * 10000
    text, _ = html_to_text(page)
    assert "深处的文字" in text


def test_markdown_fragment_with_figure(normalizer):
    raw = ("# 標題\n\n<figure>\n<img src=\"x.jpg\" alt=\"\">\n<figcaption>義工派發口罩。</figcaption>\n</figure>\n\n"
           "**本報訊** 第一段。\n\n第二段。")
    doc = normalizer(Document(doc_id="m", source="t", raw=raw))
    assert doc.body.split("\n\n") == ["标题", "义工派发口罩。", "本报讯 第一段。", "第二段。"]
    assert doc.script == "traditional"


def test_metadata_wins_over_found(normalizer):
    doc = Document(doc_id="x", source="t", raw="某标题\n时间:2020-03-23\n正文。",
                   meta={"title": "給定標題", "published": "2020-05-01"})
    normalizer(doc)
    assert (doc.title, doc.published) == ("给定标题", "2020-05-01")


def test_metadata_title_opens_the_body_once(normalizer):
    doc = normalizer(Document(doc_id="x", source="t", raw="正文。", meta={"title": "3月5日 社區義工派口罩"}))
    assert doc.body == "3月5日 社区义工派口罩\n\n正文。"
    again = normalizer(Document(doc_id="y", source="t", raw="社区义工派口罩\n正文。", meta={"title": "社区义工派口罩"}))
    assert again.body == "社区义工派口罩\n正文。"


@pytest.mark.parametrize("raw,simplified", [
    ("衞生局", "卫生局"),        # Hong Kong variant that plain t2s keeps
    ("趁著夜色", "趁着夜色"),
    ("以來", "以来"),
    ("社區幹部", "社区干部"),
])
def test_to_simplified(raw, simplified):
    from extractor.normalize.convert import to_simplified

    assert to_simplified(raw) == simplified
