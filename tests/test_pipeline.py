"""End to end: inputs → three tables, through the API and the CLI."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from conftest import REPO, SEEDS
import extractor
from extractor.pipeline import Pipeline
from extractor.read import iter_documents
from extractor.ruleset import RuleError
from extractor.schema import DOCUMENTS, MENTIONS, RECORDS


@pytest.fixture(scope="module")
def pipeline():
    return Pipeline(REPO / "rules")


@pytest.fixture(scope="module")
def seed_results(pipeline):
    docs = list(iter_documents([SEEDS]))
    return docs, [pipeline.process(d) for d in docs]


def test_offsets_invariant_on_seeds(seed_results):
    docs, results = seed_results
    for doc, res in zip(docs, results):
        assert res.document["status"] == "ok"
        assert res.mentions, doc.doc_id
        for m in res.mentions:
            assert doc.body[m["start"]:m["end"]] == m["text"], m
        for r in res.records:
            assert doc.body[r["start"]:r["end"]] == r["sentence"], r
            assert len(r["sentence"]) <= 300


def test_every_input_gets_a_documents_row(tmp_path):
    (tmp_path / "good.txt").write_text("2月15日,社区志愿者上门测体温。", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("   \n\t\n", encoding="utf-8")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (tmp_path / "nav.html").write_text("<nav>首页 | 新闻</nav>", encoding="utf-8")
    t = extractor.extract([tmp_path])
    rows = dict(zip(t.documents["doc_id"], zip(t.documents["status"], t.documents["error"].fillna("none"))))
    assert rows == {
        "blank": ("error", "empty"),
        "empty": ("error", "empty"),
        "good": ("ok", "none"),
        "image": ("error", "not text: a PNG image"),
        "nav": ("error", "no text left after removing markup and boilerplate"),
    }
    assert list(t.documents.columns) == DOCUMENTS
    assert list(t.mentions.columns) == MENTIONS
    assert list(t.records.columns) == RECORDS


def test_api_takes_text(pipeline):
    t = extractor.extract_texts("2020年3月1日,市委编办组织21名党员干部下沉到八里岔社区,入户测体温。")
    assert t.documents.loc[0, "status"] == "ok"
    assert set(t.mentions["field"]) >= {"date", "headcount"}
    assert "temperature_check" in set(t.records["activity_type"])


def test_cli_writes_tables_and_reads_back(tmp_path):
    out = tmp_path / "out"
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text(json.dumps({"id": "j1", "text": "=cmd 2月5日志愿者为居民配送物资。", "published": "2020-02-07"},
                                ensure_ascii=False) + "\n{broken\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "extractor", "extract", str(SEEDS), str(jsonl), "--out", str(out)],
                          capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    assert "7 documents (6 ok, 1 error)" in proc.stderr
    t = extractor.read_tables(out)
    assert len(t.documents) == 7
    j1 = t.documents.set_index("doc_id").loc["j1"]
    assert j1["published"] == "2020-02-07" and j1["source"].endswith("in.jsonl:1")
    assert "2020-02-05" in set(t.mentions.loc[t.mentions["doc_id"] == "j1", "value"])
    assert sorted(p.name for p in out.iterdir()) == ["documents.csv", "mentions.csv", "records.csv"]


def test_cli_stdin(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "extractor", "extract", "-", "--out", str(tmp_path)],
                          input="3月5日,志愿者在小区卡口值守。".encode(), capture_output=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    assert extractor.read_tables(tmp_path).documents.loc[0, "doc_id"] == "stdin"


@pytest.mark.parametrize("args,code", [
    (["extract", "nothing-here.txt", "--out", "{tmp}"], 1),
    (["extract", "--out", "{tmp}"], 2),
    (["extract", "x.txt", "--out", "{tmp}", "--format", "xls"], 2),
])
def test_cli_exit_codes(tmp_path, args, code):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    proc = subprocess.run([sys.executable, "-m", "extractor", *args], capture_output=True, cwd=REPO)
    assert proc.returncode == code


@pytest.mark.parametrize("filename,breakage,message", [
    ("boilerplate.yaml", "drop_line:\n  - '[unclosed'\n", "invalid pattern"),
    ("metadata.yaml", "published_line: [\n", "malformed YAML"),
    ("activities.yaml", None, None),
])
def test_broken_rules_fail_fast_with_file_and_line(tmp_path, filename, breakage, message):
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    path = rules / filename
    if breakage is None:  # an unknown activity slug under triggers:
        text = path.read_text(encoding="utf-8")
        at = text.index("\ntriggers:")
        slug = text[at:].split("\n")[2].strip().rstrip(":")
        path.write_text(text[:at] + text[at:].replace(f"  {slug}:", "  no_such_slug:", 1), encoding="utf-8")
        message = "no_such_slug"
    else:
        original = path.read_text(encoding="utf-8")
        key = breakage.split(":")[0]
        lines = [ln for ln in original.split("\n")]
        # Replace the key's block by the broken one, keeping the rest of the file.
        start = next(i for i, ln in enumerate(lines) if ln.startswith(f"{key}:"))
        end = next((i for i in range(start + 1, len(lines)) if lines[i] and not lines[i].startswith((" ", "#"))),
                   len(lines))
        path.write_text("\n".join(lines[:start]) + "\n" + breakage + "\n".join(lines[end:]), encoding="utf-8")
    with pytest.raises(RuleError, match=message) as e:
        Pipeline(rules)
    assert filename in str(e.value)
    assert f"{filename}:" in str(e.value)  # file:line
    proc = subprocess.run([sys.executable, "-m", "extractor", "extract", str(SEEDS), "--out", str(tmp_path / "o"),
                           "--rules", str(rules)], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 2 and "broken rules" in proc.stderr
    assert not (tmp_path / "o" / "documents.csv").exists()


def test_mention_row_holds_every_field_in_column_order():
    # Mention.row is built by hand (no dataclasses.asdict on the hot path):
    # a field added to Mention without a column, or a column dropped from
    # the row, must show here rather than as an empty column.
    import dataclasses

    from extractor.document import Mention

    m = Mention(field="headcount", text="5人", value="5", start=3, end=5, measure="人", qualifier="exact",
                role="社区工作者", sentence=2, source="rule+model", confidence=0.600000000001)
    row = m.row("d1")
    assert list(row) == [c for c in MENTIONS if c != "text_original"]
    assert row == {**dataclasses.asdict(m), "doc_id": "d1", "confidence": 0.6}
