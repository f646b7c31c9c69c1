"""`extractor report`: one self-contained HTML page, its charts, tables and
highlights; rendered in headless Chromium where that is installed."""
from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import warnings
from pathlib import Path

import pandas as pd
import pytest
from conftest import SEEDS

import extractor
from extractor.cli import main
from extractor.report import charts, data, write_report
from extractor.report.highlight import MentionIndex, Span, marked_html, record_spans

HOSTILE_TITLE = "<script>alert(1)</script>"
HOSTILE_BODY = ("2月3日，<img src=x onerror=alert(2)>社区防控工作队10名党员入户排查，"
                "为居民配送蔬菜200份。<a href=\"https://evil.example/\">$x$</a>")


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict:
    """The seeds plus one hostile document, extracted and reported once."""
    root = tmp_path_factory.mktemp("report")
    hostile = root / "hostile.jsonl"
    hostile.write_text(json.dumps({"id": "hostile", "title": HOSTILE_TITLE, "published": "2020-02-03",
                                   "text": HOSTILE_BODY}, ensure_ascii=False) + "\n", encoding="utf-8")
    out = root / "out"
    extractor.extract_to(out, [SEEDS, hostile])
    path = write_report(out, root / "report.html")
    return {"out": out, "path": path, "html": path.read_text(encoding="utf-8"),
            "tables": extractor.read_tables(out)}


def _records_body(page: str) -> str:
    table = page[page.index('<table id="records"'):]
    return table[table.index("<tbody>"):table.index("</tbody>")]


def _cells(row: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)


ORIGINAL = re.compile(r'<span class="orig" lang="zh-Hant">(.*?)</span>', re.DOTALL)


def test_report_is_one_file_that_fetches_nothing(run):
    page = run["html"]
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"""\b(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"<(?:link|iframe|object|embed)\b", page, re.IGNORECASE)
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", page, re.IGNORECASE)
    assert page.count("<script") == 1 and "<script>" in page  # ours, inline
    assert "default-src 'none'" in page


def test_hostile_text_is_escaped(run):
    page = run["html"]
    assert HOSTILE_TITLE not in page
    assert html.escape(HOSTILE_TITLE) in page  # the title is shown, as text
    assert "<img src=x" not in page and "<a href" not in page
    assert run["tables"].documents.set_index("doc_id").loc["hostile", "n_records"] > 0


def test_one_row_per_record(run):
    body = _records_body(run["html"])
    assert body.count("<tr") == len(run["tables"].records) > 200


def test_highlighting_keeps_each_sentence_intact(run):
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", _records_body(run["html"]), re.DOTALL)
    shown = [html.unescape(re.sub(r"<[^>]+>", "", ORIGINAL.sub("", _cells(r)[-1]))) for r in rows]
    assert len(shown) == len(run["tables"].records)
    assert shown == list(data.text(run["tables"].records["sentence"]))
    for field in ("activity", "date", "unit", "community", "headcount", "quantity"):
        assert f'<mark class="f-{field}' in run["html"], field


def test_traditional_records_show_their_original(run):
    records = run["tables"].records
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", _records_body(run["html"]), re.DOTALL)
    originals = [ORIGINAL.search(_cells(r)[-1]) for r in rows]
    for (doc_id, original), found in zip(zip(records["doc_id"], records["sentence_original"]), originals):
        traditional = doc_id.startswith("004")
        assert (found is not None) == traditional, doc_id
        if traditional:
            assert html.unescape(found.group(1)) == original


def test_rows_carry_what_the_live_charts_count(run):
    page, records = run["html"], run["tables"].records
    rows = re.findall(r"<tr ([^>]*)>", _records_body(page))
    assert len(rows) == len(records)
    kinds = [html.unescape(re.search(r'data-kind="([^"]*)"', r).group(1)) for r in rows]
    assert kinds == list(records["activity_type"])
    days = [re.search(r'data-day="([^"]*)"', r).group(1) for r in rows]
    assert sum(bool(d) for d in days) == len(data.record_days(records, run["tables"].documents))
    labels = json.loads(html.unescape(re.search(r'<table id="records" data-labels="([^"]*)"', page).group(1)))
    assert labels["supply_delivery"] == "物资保供"


def test_charts_and_summary(run):
    page = run["html"]
    # the headcount chart is matplotlib's; the other three are drawn in the page
    assert len(re.findall(r'<svg class="chart"', page)) == 1
    assert all(f'<figure id="chart-{n}" class="live">' in page
               for n in ("activity_counts", "activity_by_unit", "timeline"))
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page
    assert re.search(r"<text[^>]*>Largest 10 deployments</text>", page)  # labels stay text
    summary = page[page.index("<h2>Documents</h2>"):page.index("<h2>Records</h2>")]
    assert summary.count("<tr>") + summary.count('<tr class') == len(run["tables"].documents) + 1


def test_cli_writes_the_report(run, tmp_path, capsys):
    target = tmp_path / "sub" / "r.html"
    assert main(["report", str(run["out"]), "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == run["html"]  # same input, same page
    assert main(["report", str(tmp_path / "missing"), "-o", str(target)]) == 2
    assert "no such output folder" in capsys.readouterr().err


def test_a_run_without_records_still_reports(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "in" / "short.txt").write_text("你好。", encoding="utf-8")
    extractor.extract_to(tmp_path / "out", [tmp_path / "in"], fmt="jsonl")
    page = write_report(tmp_path / "out", tmp_path / "r.html").read_text(encoding="utf-8")
    assert page.count('<svg class="chart"') == 1 and page.count(">no data<") == 1
    assert _records_body(page).count("<tr") == 0
    assert '<tr class="error">' in page


# ---- highlighting ----

def _mentions(*rows: tuple) -> MentionIndex:
    """Mentions of document ``d`` as (field, start, end, value[, text]); the
    text is BODY[start:end] unless given."""
    return MentionIndex(pd.DataFrame(
        [{"doc_id": "d", "field": r[0], "text": r[4] if len(r) > 4 else BODY[r[1]:r[2]],
          "value": r[3], "start": r[1], "end": r[2]} for r in rows]))


BODY = "前言。2月3日，市委编办驻高埠社区工作队10名党员入户排查。"
SENT_START = BODY.index("2月3日")
RECORD = {"doc_id": "d", "sentence": BODY[SENT_START:], "start": SENT_START, "trigger": "入户排查",
          "activity_type": "screening", "date": "2020-02-03", "unit": "高埠社区工作队",
          "community": "高埠社区", "headcount": "10"}


def _at(word: str) -> tuple[int, int]:
    s = BODY.index(word)
    return s, s + len(word)


@pytest.mark.parametrize("mentions, expected", [
    # the record's own unit beats the longer mention that is not its argument
    ([("unit", *_at("市委编办驻高埠社区工作队"), "市委编办"), ("unit", *_at("高埠社区工作队"), "高埠社区工作队")],
     [("unit", "高埠社区工作队", True), ("activity", "入户排查", True)]),
    # nested community inside the chosen unit is dropped; date and headcount kept
    ([("date", *_at("2月3日"), "2020-02-03"), ("unit", *_at("高埠社区工作队"), "高埠社区工作队"),
      ("community", *_at("高埠社区"), "高埠社区"), ("headcount", *_at("10名党员"), "10")],
     [("date", "2月3日", True), ("unit", "高埠社区工作队", True), ("headcount", "10名党员", True),
      ("activity", "入户排查", True)]),
    # outside the sentence: not shown; in it but not the record's argument: shown pale
    ([("date", 0, 2, "x"), ("unit", *_at("市委编办"), "市委编办")],
     [("unit", "市委编办", False), ("activity", "入户排查", True)]),
    # offsets whose text is not the sentence's (another body): not guessed at
    ([("unit", *_at("市委编办"), "市委编办", "别的单位")], [("activity", "入户排查", True)]),
    # another document's mentions are not this record's
    ([], [("activity", "入户排查", True)]),
], ids=["own-argument-first", "nested-dropped", "outside-or-not-argument", "text-mismatch", "other-doc"])
def test_record_spans(mentions, expected):
    spans = record_spans(RECORD, _mentions(*mentions) if mentions else _mentions(("unit", 0, 2, "x")))
    got = [(s.field, RECORD["sentence"][s.start:s.end], s.argument) for s in spans]
    assert got == expected
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))


def test_marked_html_escapes_and_marks():
    sentence = "<b>x</b>高埠社区"
    out = marked_html(sentence, [Span(8, 12, "community", '"高埠社区"<', True)])
    assert out == ('&lt;b&gt;x&lt;/b&gt;<mark class="f-community" title="community: '
                   '&quot;高埠社区&quot;&lt;">高埠社区</mark>')


# ---- derived tables ----

@pytest.mark.parametrize("value, expected", [("10", 10.0), ("3-4", 3.5), (" 2 ", 2.0), ("多", None)])
def test_number(value, expected):
    assert data.number(value) == expected


def test_record_days_years_and_intervals():
    documents = pd.DataFrame({"doc_id": ["a", "b", "c", "d", "e"],
                              "published": ["2021-05-01", "", "", "2021-01-01", ""]})
    records = pd.DataFrame({"doc_id": ["a", "b", "b", "c", "c", "e", "e"], "activity_type": ["x"] * 7,
                            "date": ["XXXX-03-05", "2022-01-02/2022-01-09", "XXXX-01-10",
                                     "XXXX-07-01", "2020-07", "XXXX-08-08", ""]})
    days = data.record_days(records, documents)
    # a: published year; b and c: the year of their other dates (a month counts for
    # the year, not as a day); e: none of its own, the corpus's most frequent (2021)
    assert [d.strftime("%Y-%m-%d") for d in days["day"]] == [
        "2021-03-05", "2022-01-02", "2022-01-10", "2020-07-01", "2021-08-08"]
    assert list(days["assumed_year"]) == [False, False, False, False, True]


def test_deployments_count_a_sentence_once():
    records = pd.DataFrame({
        "doc_id": ["a", "a", "a", "b"], "record_id": [1, 2, 3, 1],
        "activity_type": ["screening", "patrol", "testing", "testing"], "date": [""] * 4,
        "unit": ["u", "u", "u", "v"], "community": [""] * 4, "headcount": ["10", "10", "", "3-4"],
        "sentence": ["s1", "s1", "s2", "s3"], "start": [0, 0, 5, 0]})
    deps = data.deployments(records)
    assert list(deps["headcount"]) == [10.0, 3.5]
    assert deps.loc[0, "activity_types"] == "screening, patrol"


# ---- fonts ----

def test_chinese_labels_have_glyphs(run, tmp_path):
    if charts.find_cjk_font() is None:
        pytest.skip(charts.INSTALL_HINT)
    fig = charts.activity_counts(run["tables"].records, data.activity_labels())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(tmp_path / "c.png")
    assert not [w for w in caught if "missing from font" in str(w.message)]


def test_report_without_a_cjk_font_says_so_once(run, tmp_path, monkeypatch, capsys):
    """One line about the font, not a warning per missing glyph (matplotlib
    emits one per character it cannot draw)."""
    monkeypatch.setattr(charts, "find_cjk_font", lambda: None)
    monkeypatch.setattr(charts, "_font", [])
    monkeypatch.setitem(charts.matplotlib.rcParams, "font.sans-serif", ["DejaVu Sans"])
    assert main(["report", str(run["out"]), "-o", str(tmp_path / "r.html")]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and err[0].startswith("extractor: note: no CJK font found") and err[1].startswith("report -> ")
    assert "Glyph" not in "".join(err)


def test_missing_font_warns_once(monkeypatch):
    monkeypatch.setattr(charts, "find_cjk_font", lambda: None)
    monkeypatch.setattr(charts, "_font", [])
    with pytest.warns(UserWarning, match="fonts-noto-cjk"):
        assert charts.use_cjk_font() is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        charts.use_cjk_font()


# ---- in a browser ----

CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser"),
                             shutil.which("google-chrome")) if p), None)


def _chromium(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium); "
                    "the report is not rendered in a browser here")
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,2000", *args, url],
        capture_output=True, text=True, timeout=120, check=True)


def test_report_renders_in_chromium(run, tmp_path):
    from PIL import Image

    shot = tmp_path / "report.png"
    _chromium(tmp_path, run["path"].as_uri(), f"--screenshot={shot}")
    with Image.open(shot) as im:
        assert im.size == (1280, 2000)
        colors = im.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colors is not None and len(colors) > 200  # charts and text, not a blank page
    dom = _chromium(tmp_path, run["path"].as_uri(), "--dump-dom").stdout
    assert len(re.findall(r'<svg class="chart"', dom)) == 4
    assert re.search(r"<text[^>]*>物资保供 supply_delivery</text>", dom)  # labels are SVG text
    assert _records_body(dom).count("<tr") == len(run["tables"].records)
    n = len(run["tables"].records)
    assert f'<span id="shown">{n} of {n}</span>' in dom  # our script ran under the page's CSP
    assert f"Records per activity type ({n} records)" in dom
    assert f"download the {n} rows shown (CSV)" in dom


def _row_texts(page: str) -> list[str]:
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", _records_body(page), re.DOTALL)
    return [html.unescape(re.sub(r"<[^>]+>", "", r)) for r in rows]


def test_report_filter_in_chromium(run, tmp_path):
    texts = _row_texts(run["html"])
    expected = sum("测温" in t and "2020" in t for t in texts)
    assert 0 < expected < len(texts)
    dom = _chromium(tmp_path, run["path"].as_uri() + "#q=%E6%B5%8B%E6%B8%A9%202020", "--dump-dom").stdout
    assert f'<span id="shown">{expected} of {len(texts)}</span>' in dom
    assert len(re.findall(r"<tr [^>]*\bhidden\b", _records_body(dom))) == len(texts) - expected
    # the charts follow the filter
    assert f"Records per activity type ({expected} records)" in dom
    assert f"download the {expected} rows shown (CSV)" in dom


def test_report_sorts_in_chromium(run, tmp_path):
    n = len(run["tables"].records)
    dom = _chromium(tmp_path, run["path"].as_uri() + "#sort=-2", "--dump-dom").stdout  # record id, descending
    ids = [int(_cells(r)[1]) for r in re.findall(r"<tr[^>]*>(.*?)</tr>", _records_body(dom), re.DOTALL)]
    assert len(ids) == n and ids == sorted(ids, reverse=True)
    assert 'aria-sort="descending"' in dom and "#▼" in dom
    dom = _chromium(tmp_path, run["path"].as_uri() + "#q=2020&sort=1", "--dump-dom").stdout  # doc_id
    rows = re.findall(r"<tr([^>]*)>(.*?)</tr>", _records_body(dom), re.DOTALL)
    kept = [_cells(r)[0] for attrs, r in rows if not re.search(r"\bhidden\b", attrs)]
    assert kept and kept == sorted(kept)


NODE = shutil.which("node")


def test_csv_export_cells(tmp_path):
    """The export's CSV, by the page's own functions run under node: quoting,
    the formula guard and the BOM; sorting keys put empty cells last."""
    if NODE is None:
        pytest.skip("node is not installed; the page's CSV functions are not run outside a browser here")
    script = Path(charts.__file__).with_name("page.js")
    probe = tmp_path / "probe.js"
    probe.write_text(f"""
var p = require({json.dumps(str(script))});
console.log(JSON.stringify({{
  cells: ["a", "=1+2", "-3", "@x", "say \\"hi\\"", "a,b", "line\\nbreak", "\\t1"].map(p.csvCell),
  text: p.csvText(["h1", "h2"], [p.csvLine(["1", "2"])]),
  numbers: ["10", "", "3-4", "25600 户次"].map(function (t) {{ return p.sortKey(t, true); }}),
  order: ["b", "", "a"].sort(function (x, y) {{ return p.compareKeys(x, y, false); }}),
  weeks: p.timeBins(["2020-01-01", "2020-06-01"]).unit,
  days: p.timeBins(["2020-02-03", "2020-02-05"]).bins
}}));
""", encoding="utf-8")
    got = json.loads(subprocess.run([NODE, str(probe)], capture_output=True, text=True, check=True).stdout)
    assert got["cells"] == ["a", "'=1+2", "'-3", "'@x", '"say ""hi"""', '"a,b"', '"line\nbreak"', "'\t1"]
    assert got["text"] == "\ufeffh1,h2\r\n1,2\r\n"
    assert got["numbers"] == [10, None, 3, 25600]
    assert got["order"] == ["a", "b", ""]
    assert got["weeks"] == "week"
    assert got["days"] == [["2020-02-03", 1], ["2020-02-04", 0], ["2020-02-05", 1]]
