"""The evaluator: its small functions (tests/cases/eval/functions.yaml),
hand-counted synthetic cases (tests/cases/eval/synthetic.yaml) and agreement
with the reference scorer ../shared/tools/score.py, on the same synthetic cases
and on perturbed copies of the dev gold turned into tables."""
from __future__ import annotations

import csv
import json
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, strategies as st

from conftest import cases
from conftest import shared_path
from extractor import schema
from extractor.evaluate import (
    PRF, SCORED_FIELDS, Scores, canon_number, errors, evaluate, format_table,
    normalize, to_markdown, unguard,
)

SYNTHETIC = cases("eval/synthetic", expect=("counts", "missing", "errors?"), inputs=("gold", "predictions?"))
CASES = {p.id: p.values[0] for p in SYNTHETIC}
PAD = re.compile(r"\{pad:(\d+)\}")
TYPES = ["screening", "temperature_check", "checkpoint_duty", "patrol", "supply_delivery",
         "disinfection", "testing", "publicity", "care_service", "donation", "coordination",
         "other"]


# ---- writing tables and gold the way the project does --------------------

def guard(cell: str) -> str:
    """The writer's formula guard, as output.md and the evaluator assume it."""
    return "'" + cell if re.match(r"'*[=+\-@\t\r]", cell) else cell


def write_tables(outdir: Path, tables: dict[str, list[dict[str, Any]]]) -> Path:
    outdir.mkdir(parents=True, exist_ok=True)
    for name, columns in schema.TABLES.items():
        with (outdir / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(columns)
            for row in tables.get(name, []):
                cells = ["" if row.get(c) is None else str(row[c]) for c in columns]
                w.writerow([guard(PAD.sub(lambda m: "好" * int(m[1]), c)) for c in cells])
    return outdir


def write_gold(golddir: Path, docs: list[dict[str, Any]]) -> Path:
    golddir.mkdir(parents=True, exist_ok=True)
    keys = ("dates", "units", "communities", "headcounts", "quantities", "records")
    for doc in docs:
        full = {"title": None, "published": None, **{k: [] for k in keys}, **doc}
        (golddir / f"{doc['doc_id']}.json").write_text(json.dumps(full, ensure_ascii=False), "utf-8")
    return golddir


def materialize(case: dict[str, Any], tmp_path: Path) -> tuple[Path, Path]:
    return (write_tables(tmp_path / "out", case.get("predictions") or {}),
            write_gold(tmp_path / "gold", case["gold"]))


# ---- the reference scorer -------------------------------------------------

LINE = re.compile(r"^(\w+)\s+P=([\d.]+) R=([\d.]+) F1=([\d.]+)\s+\(tp=(\d+) fp=(\d+) fn=(\d+)\)$")


def reference(outdir: Path, golddir: Path) -> tuple[dict[str, tuple[int, ...]], dict, list[str]]:
    """Run score.py: per field (tp, fp, fn, F1 as printed), its JSON summary,
    and the documents it reports missing."""
    script = shared_path("tools", "score.py")
    proc = subprocess.run([sys.executable, str(script), str(outdir), str(golddir), "--json"],
                          capture_output=True, text=True, check=True)
    lines = proc.stdout.strip().splitlines()
    counts = {m[1]: (int(m[5]), int(m[6]), int(m[7]), m[4])
              for m in map(LINE.match, lines) if m}
    missing = next((ln.split(":", 1)[1].split() for ln in lines
                    if ln.startswith("missing documents:")), [])
    return counts, json.loads(lines[-1]), missing


def assert_agrees(outdir: Path, golddir: Path) -> Scores:
    ours = evaluate(outdir, golddir)
    counts, summary, missing = reference(outdir, golddir)
    assert set(counts) == set(SCORED_FIELDS), "could not parse score.py's output"
    for field in SCORED_FIELDS:
        s = ours[field]
        assert (s.tp, s.fp, s.fn, f"{s.f1:.3f}") == counts[field], field
        assert round(s.f1, 3) == summary[field], field
    assert ours.missing_docs == missing
    assert summary["missing_docs"] == len(ours.missing_docs)
    return ours


# ---- small functions ------------------------------------------------------

def test_function_cases_check_one_function() -> None:
    for p in cases("eval/functions", expect=("unguard?", "normalize?", "canon_number?"),
                   inputs=("text?", "value?")):
        case = p.values[0]
        assert len(case["expect"]) == 1, case["id"]
        assert set(case) & {"text", "value"} == {"value" if "canon_number" in case["expect"] else "text"}, case["id"]


@pytest.mark.parametrize("case", cases("eval/functions", expect=("unguard?", "normalize?", "canon_number?"),
                                       inputs=("text?", "value?"),
                                       having="unguard"))
def test_unguard(case: dict) -> None:
    assert unguard(case["text"]) == case["expect"]["unguard"]


@given(st.text(alphabet="'=+-@\t\rab社", max_size=8))
def test_guard_round_trip(text: str) -> None:
    assert unguard(guard(text)) == text


@pytest.mark.parametrize("case", cases("eval/functions", expect=("unguard?", "normalize?", "canon_number?"),
                                       inputs=("text?", "value?"),
                                       having="normalize"))
def test_normalize(case: dict) -> None:
    assert normalize(case["text"]) == case["expect"]["normalize"]


@pytest.mark.parametrize("case", cases("eval/functions", expect=("unguard?", "normalize?", "canon_number?"),
                                       inputs=("text?", "value?"),
                                       having="canon_number"))
def test_canon_number(case: dict) -> None:
    assert canon_number(case["value"]) == case["expect"]["canon_number"]


def test_prf_properties() -> None:
    s = PRF(tp=2, fp=2, fn=6)
    assert (s.p, s.r) == (0.5, 0.25)
    assert s.f1 == pytest.approx(1 / 3)
    assert (PRF().p, PRF().r, PRF().f1) == (0.0, 0.0, 0.0)


# ---- hand-counted synthetic cases -----------------------------------------

def expected_counts(case: dict[str, Any]) -> dict[str, list[int]]:
    counts = case["expect"]["counts"]
    assert set(counts) <= set(SCORED_FIELDS), sorted(set(counts) - set(SCORED_FIELDS))
    return {k: counts.get(k, [0, 0, 0]) for k in SCORED_FIELDS}


@pytest.mark.parametrize("case", SYNTHETIC)
def test_synthetic_counts(case: dict, tmp_path: Path) -> None:
    scores = evaluate(*materialize(case, tmp_path))
    assert list(scores) == list(SCORED_FIELDS)
    got = {k: [s.tp, s.fp, s.fn] for k, s in scores.items()}
    assert got == expected_counts(case)
    assert scores.missing_docs == case["expect"]["missing"]


@pytest.mark.parametrize("case", [p for p in SYNTHETIC if p.values[0]["expect"].get("errors")])
def test_synthetic_errors(case: dict, tmp_path: Path) -> None:
    outdir, golddir = materialize(case, tmp_path)
    for field, expected in case["expect"]["errors"].items():
        got = [[e["doc_id"], e["verdict"], e["value"]] for e in errors(outdir, golddir, field)]
        assert sorted(got) == sorted(expected), field
        # errors are exactly the fp and fn that evaluate counts
        s = evaluate(outdir, golddir)[field]
        assert len(got) == s.fp + s.fn


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_reads_what_the_project_writer_writes(fmt: str, tmp_path: Path) -> None:
    """The project's TableWriter (guard included) in each format scores the same."""
    from extractor.write.tables import TableWriter

    case = CASES["all_fields"]
    pad = lambda v: PAD.sub(lambda m: "好" * int(m[1]), v) if isinstance(v, str) else v
    tables = {name: [{k: pad(v) for k, v in row.items()} for row in case["predictions"].get(name, [])]
              for name in schema.TABLES}
    with TableWriter(tmp_path / "out", fmt) as w:
        w.write(tables["documents"], tables["mentions"], tables["records"])
    scores = evaluate(tmp_path / "out", write_gold(tmp_path / "gold", case["gold"]))
    assert {k: [s.tp, s.fp, s.fn] for k, s in scores.items()} == expected_counts(case)


def test_errors_rejects_unknown_field(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="record_unit"):
        errors(*materialize(CASES["titles"], tmp_path), "unit")


def test_tables_render(tmp_path: Path) -> None:
    scores = evaluate(*materialize(CASES["all_fields"], tmp_path))
    table = format_table(scores).splitlines()
    assert table[0].split() == ["field", "P", "R", "F1", "tp", "fp", "fn"]
    assert table[1].split() == ["dates", "0.500", "0.250", "0.333", "1", "1", "3"]
    assert table[-1] == "missing documents: c"
    md = to_markdown(scores).splitlines()
    assert md[0] == "| field | P | R | F1 | tp | fp | fn |"
    assert "| title | 1.000 | 0.667 | 0.800 | 2 | 0 | 1 |" in md
    assert md[-1] == "Missing documents: `c`"
    assert scores.as_dict()["units"] == {"p": 0.5, "r": 0.5, "f1": 0.5, "tp": 2, "fp": 2, "fn": 2}


# ---- agreement with the reference scorer ----------------------------------

@pytest.mark.parametrize("case", SYNTHETIC)
def test_synthetic_agrees_with_reference(case: dict, tmp_path: Path) -> None:
    assert_agrees(*materialize(case, tmp_path))


def gold_to_tables(golds: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Prediction tables that say exactly what the gold says (every name form)."""
    docs, mentions, records = [], [], []
    for g in golds:
        d = g["doc_id"]
        docs.append({"doc_id": d, "title": g.get("title") or "", "published": g.get("published") or ""})
        for x in g.get("dates", []):
            mentions.append({"doc_id": d, "field": "date", "text": x["text"], "value": x["value"],
                             "role": "relative" if x.get("relative") else ""})
        for field, key in (("unit", "units"), ("community", "communities")):
            for e in g.get(key, []):
                for form in [e["name"], *e.get("aliases", [])]:
                    mentions.append({"doc_id": d, "field": field, "text": form, "value": form})
        for x in g.get("headcounts", []):
            mentions.append({"doc_id": d, "field": "headcount", "value": x["value"],
                             "role": x.get("role", "")})
        for x in g.get("quantities", []):
            mentions.append({"doc_id": d, "field": "quantity", "value": x["value"],
                             "measure": x.get("measure", "")})
        for i, r in enumerate(g.get("records", [])):
            records.append({"doc_id": d, "record_id": i, "activity_type": r["activity_type"],
                            "sentence": r["evidence"],
                            **{a: r.get(a) for a in ("date", "unit", "community", "headcount")}})
    return {"documents": docs, "mentions": mentions, "records": records}


def _alter(field: str, value: str, rng: random.Random, forms: list[str]) -> str:
    """A plausible wrong (or differently spelled) value for a field."""
    if not value:
        return rng.choice(forms) if forms and rng.random() < 0.5 else ""
    if field == "date":
        return value[:-2] + f"{rng.randint(1, 28):02d}"
    if field in ("unit", "community"):
        return rng.choice([value + "办", value[1:], " ".join(value), rng.choice(forms or [value])])
    if field in ("headcount", "quantity"):
        return rng.choice([str(int(value) + 1) if value.isdigit() else "7", value + ".0", "3-4"])
    return value


def perturb(tables: dict[str, list[dict[str, Any]]], seed: int) -> dict[str, list[dict[str, Any]]]:
    """Deterministically drop, alter, duplicate, reorder and add rows."""
    rng = random.Random(seed)
    import opencc

    s2t = opencc.OpenCC("s2t").convert
    forms: dict[str, list[str]] = {}
    for m in tables["mentions"]:
        forms.setdefault(m["field"], []).append(str(m["value"]))
    docs = []
    for doc in tables["documents"]:
        r = rng.random()
        if r < 0.1:
            continue  # missing document
        doc = dict(doc)
        title = doc["title"]
        doc["title"] = (title[-rng.randint(2, 10):] if r < 0.3 else "" if r < 0.4
                        else "=" + title if r < 0.5 else s2t(title) if r < 0.6 else title)
        r = rng.random()
        doc["published"] = ("" if r < 0.2 else "2020-03-01" if r < 0.35
                            else doc["published"] + "T10:00" if r < 0.5 and doc["published"]
                            else doc["published"])
        docs.append(doc)
    mentions = []
    for m in tables["mentions"]:
        r = rng.random()
        if r < 0.15:
            continue
        m = {k: "" if v is None else str(v) for k, v in m.items()}
        if r < 0.35:
            m["value"] = _alter(m["field"], m["value"], rng, forms.get(m["field"], []))
        elif r < 0.4 and m["field"] == "quantity":
            m["measure"] = rng.choice(["个", "名", ""])
        elif r < 0.45:
            m["value"] = s2t(m["value"])
        mentions.append(m)
        if rng.random() < 0.05:  # the same value found in another document
            mentions.append({**m, "doc_id": rng.choice(tables["documents"])["doc_id"]})
    records = []
    for rec in tables["records"]:
        r = rng.random()
        if r < 0.15:
            continue
        rec = {k: "" if v is None else str(v) for k, v in rec.items()}
        s = rec["sentence"]
        rec["sentence"] = ("在社区里," + s + ",效果很好。" if r < 0.35 else "很" * 300 + s if r < 0.4
                           else s[1:] if r < 0.5 else s2t(s) if r < 0.55 else s)
        if rng.random() < 0.15:
            rec["activity_type"] = rng.choice(TYPES)
        for arg in ("date", "unit", "community", "headcount"):
            if rng.random() < 0.3:
                rec[arg] = _alter(arg, rec[arg], rng, forms.get(arg, []))
        records.append(rec)
        if rng.random() < 0.1:
            records.append(dict(rec))
    if seed % 2:  # reordering changes which sentence a greedy match takes
        rng.shuffle(records)
    return {"documents": docs, "mentions": mentions, "records": records}


def test_dev_gold_as_predictions_is_perfect(tmp_path: Path) -> None:
    golddir = shared_path("gold", "dev")
    golds = [json.loads(p.read_text("utf-8")) for p in sorted(golddir.glob("*.json"))]
    scores = assert_agrees(write_tables(tmp_path / "out", gold_to_tables(golds)), golddir)
    assert all(s.fp == 0 and s.fn == 0 for s in scores.values())
    assert scores["records"].tp == sum(len(g["records"]) for g in golds)
    assert scores.missing_docs == []


@pytest.mark.parametrize("seed", range(12))
def test_perturbed_dev_gold_agrees_with_reference(seed: int, tmp_path: Path) -> None:
    golddir = shared_path("gold", "dev")
    golds = [json.loads(p.read_text("utf-8")) for p in sorted(golddir.glob("*.json"))]
    tables = perturb(gold_to_tables(golds), seed)
    scores = assert_agrees(write_tables(tmp_path / "out", tables), golddir)
    # the perturbation must actually cost something, or the test proves little
    assert any(s.fp or s.fn for s in scores.values())
