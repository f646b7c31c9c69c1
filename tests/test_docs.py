"""The documentation in docs/ cannot drift from the code: every column the
tables have is described in docs/tables.md, its activity taxonomy is the one
of rules/activities.yaml, the README points to docs/ (not to a folder a
user's clone does not have), and the tiny gold example of docs/annotation.md
runs through ``extractor eval``. ``python tests/test_docs.py`` rewrites the
taxonomy table from the rules."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from extractor.schema import TABLES

TABLES_MD = REPO / "docs" / "tables.md"
ANNOTATION_MD = REPO / "docs" / "annotation.md"
EXAMPLE = REPO / "tests" / "example"
BEGIN, END = "<!-- taxonomy: generated from rules/activities.yaml -->", "<!-- /taxonomy -->"
N_EXAMPLES = 8


def taxonomy_table() -> str:
    """The taxonomy as docs/tables.md shows it: slug, Chinese label, the
    first trigger words of the type (sure words, then weak ones)."""
    rules = yaml.safe_load((REPO / "rules" / "activities.yaml").read_text(encoding="utf-8"))
    rows = ["| slug | 中文 | example triggers |", "| --- | --- | --- |"]
    for slug, label in rules["taxonomy"].items():
        triggers = rules["triggers"].get(slug, {})
        words = [*triggers.get("words", []), *triggers.get("weak", [])][:N_EXAMPLES]
        rows.append(f"| `{slug}` | {label} | {', '.join(words)} |")
    return "\n".join(rows)


def _with_taxonomy(text: str) -> str:
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{taxonomy_table()}\n{END}{tail}"


def _section(text: str, title: str) -> str:
    return text.split(f"## {title}", 1)[1].split("\n## ", 1)[0]


def test_taxonomy_table_is_the_rules():
    text = TABLES_MD.read_text(encoding="utf-8")
    assert BEGIN in text and END in text
    assert text == _with_taxonomy(text), "docs/tables.md: taxonomy out of date; run python tests/test_docs.py"


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_column_is_described(table):
    section = _section(TABLES_MD.read_text(encoding="utf-8"), f"{table} —")
    described = set()
    for row in re.findall(r"^\| ([^|]+) \|", section, re.M):
        described |= set(re.findall(r"`([a-z_]+)`", row))
    missing = [c for c in TABLES[table] if c not in described]
    assert not missing, f"docs/tables.md ({table}) does not describe {missing}"


def test_readme_points_to_docs_not_to_shared_spec():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "shared/spec" not in readme
    assert "docs/tables.md" in readme and "docs/annotation.md" in readme
    for doc in (TABLES_MD, ANNOTATION_MD):
        assert "shared/spec" not in doc.read_text(encoding="utf-8"), doc.name


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "extractor", *args], capture_output=True, text=True, cwd=REPO)


def _gold_sizes() -> dict[str, int]:
    """Per field, the gold items a scorer counts (tp + fn), by hand from the
    guideline's rules: dates and headcounts by value, quantities by (value,
    measure), units and communities by entry, records one each; a relative
    date equal to an explicit one counts as explicit."""
    sizes = dict.fromkeys(["dates", "dates_relative", "units", "communities", "headcounts", "quantities",
                           "records", "published", "title"], 0)
    for path in sorted((EXAMPLE / "gold").glob("*.json")):
        g = json.loads(path.read_text(encoding="utf-8"))
        explicit = {d["value"] for d in g["dates"] if not d["relative"]}
        sizes["dates"] += len(explicit)
        sizes["dates_relative"] += len({d["value"] for d in g["dates"] if d["relative"]} - explicit)
        sizes["units"] += len(g["units"])
        sizes["communities"] += len(g["communities"])
        sizes["headcounts"] += len({str(h["value"]) for h in g["headcounts"]})
        sizes["quantities"] += len({(str(q["value"]), q["measure"]) for q in g["quantities"]})
        sizes["records"] += len(g["records"])
        sizes["published"] += g["published"] is not None
        sizes["title"] += bool(g["title"])
    return sizes


def test_the_example_gold_runs_through_eval(tmp_path):
    """docs/annotation.md's example: two invented articles and their gold,
    scored with the commands the document gives."""
    out = tmp_path / "example"
    got = _cli("extract", str(EXAMPLE / "input"), "--out", str(out), "--method", "rule", "--quiet")
    assert got.returncode == 0, got.stderr
    scored = _cli("eval", str(out), "--gold", str(EXAMPLE / "gold"))
    assert scored.returncode == 0, scored.stderr
    rows = {line.split()[0]: line.split()[1:] for line in scored.stdout.strip().splitlines()[1:]}
    for field, n in _gold_sizes().items():
        p, r, f1, tp, fp, fn = rows[field]
        assert int(tp) + int(fn) == n, (field, rows[field])
    assert _gold_sizes()["records"] == 8 and _gold_sizes()["dates"] == 3
    text = ANNOTATION_MD.read_text(encoding="utf-8")
    assert "extractor eval out/example --gold tests/example/gold" in text


def test_make_eval_explains_what_it_needs_without_shared(tmp_path):
    venv = Path(sys.prefix)
    if shutil.which("make") is None or not (venv / ".installed").exists():
        pytest.skip("needs make and a virtual environment made by `make install`")
    got = subprocess.run(["make", "-s", "eval", f"SHARED={tmp_path / 'absent'}", f"VENV={venv}"],
                         capture_output=True, text=True, cwd=REPO)
    assert got.returncode == 2
    assert "docs/annotation.md" in got.stdout and "--gold tests/example/gold" in got.stdout
    assert "No such file" not in got.stdout + got.stderr


def test_with_body_writes_the_body_offsets_point_into(tmp_path):
    out = tmp_path / "out"
    got = _cli("extract", str(EXAMPLE / "input"), "--out", str(out), "--method", "rule", "--quiet", "--with-body")
    assert got.returncode == 0, got.stderr
    import extractor

    t = extractor.read_tables(out)
    body = t.documents.set_index("doc_id")["body"]
    assert "義" not in body["ex-002"] and "义工" in body["ex-002"]  # the simplified body
    assert len(t.mentions) and len(t.records)
    for m in t.mentions.itertuples():
        assert body[m.doc_id][int(m.start):int(m.end)] == m.text
    for r in t.records.itertuples():
        assert body[r.doc_id][int(r.start):int(r.end)] == r.sentence
    plain = tmp_path / "plain"
    assert _cli("extract", str(EXAMPLE / "input"), "--out", str(plain), "--method", "rule", "--quiet").returncode == 0
    assert (extractor.read_tables(plain).documents["body"].fillna("") == "").all()


if __name__ == "__main__":
    TABLES_MD.write_text(_with_taxonomy(TABLES_MD.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"rewrote the taxonomy table of {TABLES_MD}")
