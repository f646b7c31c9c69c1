"""Score the pipeline's tables against gold annotation files.

The definitions are those of ``docs/annotation.md`` ("Scoring"), which the
project's independent reference scorer (``../shared/tools/score.py``) also
implements, so both give the same counts. Per document, as sets: dates by
value (days marked ``relative`` in the gold scored apart, and predicting one
is no false positive for ``dates``); units and communities by name or alias
(a form counts for the first gold entry that has it; a second form of an entry
already matched is neither right nor wrong); headcounts by value; quantities
by (value, measure). ``published`` on its first ten characters; ``title``
equal or, from six characters on, one containing the other. Records match
one-to-one, greedily in gold order, when the predicted sentence (at most 300
characters once normalized) contains the gold evidence and the activity type
is the same; the arguments of matched records are then scored one by one.
Texts are compared after NFKC, whitespace removal, traditional-to-simplified
conversion and folding 著 into 着 (converters disagree on it).

Every count comes from a list of :class:`Judgement` (one tp, fp or fn with
the value it is about), so :func:`evaluate` and :func:`errors` agree by
construction.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal, TypeVar

from extractor.fields import registry
from extractor.fields.registry import Field
from extractor.normalize.convert import to_simplified
from extractor.write.guard import unguard
from extractor.write.folder import table_path
from extractor.write.tables import FORMATS, read_table

__all__ = [
    "SCORED_FIELDS", "PRF", "Scores", "Judgement", "evaluate", "errors", "format_table",
    "to_markdown", "judge", "tally", "normalize", "canon_number", "unguard", "evaluate_halves", "half_of",
]

# The scored fields, in report order: each registered field (dates with
# their relative days), records, each field scored as a record argument,
# then the document's metadata. Follows the field registry.
SCORED_FIELDS: list[str] = []


def _derive() -> None:
    out: list[str] = []
    for f in registry.FIELDS:
        out += [f.plural, f"{f.plural}_relative"] if f.scorer == "dates" else [f.plural]
    out += ["records", *(f"record_{f.name}" for f in _record_args()), "published", "title"]
    SCORED_FIELDS[:] = out


def _record_args() -> list[Field]:
    return [f for f in registry.FIELDS if f.record_scored]


_derive()
registry.on_change(_derive)
# A record's evidence is one sentence: a longer span is a paragraph and cannot match.
MAX_SENTENCE_CHARS = 300
# Shorter titles than this must be equal: containment of a few characters means nothing.
MIN_TITLE_CONTAINMENT = 6

Row = dict[str, str]
Gold = dict[str, Any]
Verdict = Literal["tp", "fp", "fn"]
T = TypeVar("T")

_SPACE = re.compile(r"\s+")
_INTEGER = re.compile(r"-?\d+(?:\.0+)?")
_DECIMAL = re.compile(r"\d+(?:\.\d+)?")


# ---- Normalization ----

def normalize(text: str | None) -> str:
    """Fold a text for comparison: NFKC, no whitespace, simplified, 著→着."""
    folded = _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))
    return to_simplified(folded).replace("著", "着")


def canon_number(value: object) -> str:
    """One spelling per number: ``21``, ``21.0`` and `` 21 `` are ``"21"``.

    Decimals lose trailing zeros (``3.50`` → ``3.5``); anything else (a range
    ``3-4``) is kept as written, without surrounding whitespace.
    """
    text = str(value).strip()
    if _INTEGER.fullmatch(text):
        return str(int(text.split(".")[0]))
    if _DECIMAL.fullmatch(text):
        return str(float(text))
    return text


def _present(value: object) -> bool:
    """A gold argument is given unless it is null or empty (0 is a value)."""
    return value is not None and value != ""


# ---- Reading ----

def read_rows(outdir: Path, name: str) -> list[Row]:
    """Rows of one output table, whatever format it was written in (the
    project's own reader, so the CSV guard is undone), every cell a string
    stripped of surrounding whitespace; a missing table reads as empty."""
    found = next(((p, fmt) for fmt in FORMATS if (p := table_path(outdir, name, fmt)).exists()), None)
    if found is None:
        return []
    frame = read_table(found[0], name, fmt=found[1]).astype("string").fillna("")
    return [{c: str(v).strip() for c, v in row.items()} for row in frame.to_dict("records")]


@dataclass
class Predictions:
    """The three output tables of one run, grouped by document."""

    documents: dict[str, Row]
    mentions: dict[str, dict[str, list[Row]]]
    records: dict[str, list[Row]]


def load_predictions(outdir: str | Path) -> Predictions:
    """Read the documents, mentions and records tables from ``outdir``."""
    out = Path(outdir)
    documents = {r["doc_id"]: r for r in read_rows(out, "documents")}
    mentions: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for row in read_rows(out, "mentions"):
        mentions[row["doc_id"]][row["field"]].append(row)
    records: dict[str, list[Row]] = defaultdict(list)
    for row in read_rows(out, "records"):
        records[row["doc_id"]].append(row)
    return Predictions(documents, mentions, records)


def load_gold(golddir: str | Path) -> list[Gold]:
    """Every ``*.json`` gold file of ``golddir``, in file name order."""
    paths = sorted((p for p in Path(golddir).iterdir() if p.name.endswith(".json")),
                   key=lambda p: p.name)
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths]


# ---- Judging, one function per field family ----

@dataclass(frozen=True)
class Judgement:
    """One true positive, false positive or false negative of one field.

    ``value`` is the predicted value for tp/fp and the gold value for fn;
    ``detail`` says more where useful (the activity type of a record, the
    gold entry a name matched, the wrong prediction a fn stands against).
    """

    field: str
    verdict: Verdict
    value: str
    detail: str = ""
    doc_id: str = ""


def _score_sets(field: str, predicted: set[T], gold: set[T],
                show: Callable[[T], str] = str) -> list[Judgement]:
    """Plain set comparison: the shape of headcounts and quantities."""
    out = [Judgement(field, "tp" if v in gold else "fp", show(v))
           for v in sorted(predicted, key=show)]
    out += [Judgement(field, "fn", show(v)) for v in sorted(gold - predicted, key=show)]
    return out


def score_dates(rows: list[Row], gold: Gold, field: str = "dates") -> list[Judgement]:
    """Dates by value; relative gold days scored apart as ``<field>_relative``."""
    rel = f"{field}_relative"
    predicted = {r["value"] for r in rows if r["value"]}
    days = gold.get(field) or []
    explicit = {str(d["value"]) for d in days if not d.get("relative")}
    relative = {str(d["value"]) for d in days if d.get("relative")} - explicit
    out: list[Judgement] = []
    for value in sorted(predicted):
        if value in explicit:
            out.append(Judgement(field, "tp", value))
        elif value in relative:
            out.append(Judgement(rel, "tp", value))
        else:
            out.append(Judgement(field, "fp", value))
    out += [Judgement(field, "fn", v) for v in sorted(explicit - predicted)]
    out += [Judgement(rel, "fn", v) for v in sorted(relative - predicted)]
    return out


def entry_forms(entries: Iterable[Mapping[str, Any]]) -> list[set[str]]:
    """The normalized name and aliases of each gold unit or community."""
    return [{normalize(e["name"])} | {normalize(a) for a in e.get("aliases") or []}
            for e in entries]


def score_names(field: str, rows: list[Row], entries: list[Mapping[str, Any]]) -> list[Judgement]:
    """Units or communities: a predicted form matches the first entry that has it."""
    forms = entry_forms(entries)
    matched: set[int] = set()
    out: list[Judgement] = []
    for value in sorted({normalize(r["value"]) for r in rows if r["value"]}):
        hit = next((i for i, f in enumerate(forms) if value in f), None)
        if hit is None:
            out.append(Judgement(field, "fp", value))
        elif hit not in matched:
            matched.add(hit)
            out.append(Judgement(field, "tp", value, entries[hit]["name"]))
        # else: a second form of an entry already matched is neither right nor wrong
    out += [Judgement(field, "fn", e["name"]) for i, e in enumerate(entries) if i not in matched]
    return out


def score_values(rows: list[Row], gold: Gold, field: str = "headcounts") -> list[Judgement]:
    """Headcounts (or any field scored so) by value, as numbers."""
    predicted = {canon_number(r["value"]) for r in rows if r["value"]}
    expected = {canon_number(h["value"]) for h in gold.get(field) or []}
    return _score_sets(field, predicted, expected)


def score_quantities(rows: list[Row], gold: Gold, field: str = "quantities") -> list[Judgement]:
    """Quantities by (value, measure)."""
    predicted = {(canon_number(r["value"]), normalize(r["measure"])) for r in rows if r["value"]}
    expected = {(canon_number(q["value"]), normalize(q.get("measure")))
                for q in gold.get(field) or []}
    return _score_sets(field, predicted, expected, show=lambda q: f"{q[0]} {q[1]}")


def _score_names(rows: list[Row], gold: Gold, field: str) -> list[Judgement]:
    return score_names(field, rows, gold.get(field) or [])


# A field's scorer by its registry kind: (rows of its mentions, gold, field) → judgements.
SCORERS: dict[str, Callable[[list[Row], Gold, str], list[Judgement]]] = {
    "dates": score_dates, "names": _score_names, "value": score_values, "value_measure": score_quantities}


def score_published(doc: Row | None, gold: Gold) -> list[Judgement]:
    """The publication date, on its first ten characters (time of day ignored)."""
    predicted = doc["published"] if doc else ""
    expected = gold.get("published")
    if expected:
        if predicted[:10] == expected:
            return [Judgement("published", "tp", predicted)]
        return [Judgement("published", "fn", str(expected), predicted)]
    return [Judgement("published", "fp", predicted)] if predicted else []


def score_title(doc: Row | None, gold: Gold) -> list[Judgement]:
    """The title: equal, or one containing the other when long enough."""
    if not gold.get("title"):
        return []
    raw = doc["title"] if doc else ""
    predicted, expected = normalize(raw), normalize(gold["title"])
    if predicted and (predicted == expected or (len(predicted) >= MIN_TITLE_CONTAINMENT and (
            predicted in expected or expected in predicted))):
        return [Judgement("title", "tp", raw)]
    out = [Judgement("title", "fp", raw)] if predicted else []
    return out + [Judgement("title", "fn", gold["title"], raw)]


def _argument_pair(arg: Field, predicted: str, expected: object,
                   forms: list[set[str]]) -> tuple[str, str | None]:
    """(prediction, gold or None) of one record argument, both canonical."""
    if arg.scorer == "names":
        want = normalize(str(expected)) if expected else None
        got = normalize(predicted) if predicted else ""
        # any form of the same gold entry is the same answer
        if want is not None and got and any(want in f and got in f for f in forms):
            got = want
        return got, want
    if arg.scorer in ("value", "value_measure"):
        return (canon_number(predicted) if predicted else "",
                canon_number(expected) if _present(expected) else None)
    return predicted, str(expected) if _present(expected) else None


def score_arguments(pred: Row, gold_record: Mapping[str, Any],
                    forms: Mapping[str, list[set[str]]]) -> list[Judgement]:
    """The arguments of one matched record; a wrong value is both fp and fn."""
    out: list[Judgement] = []
    for arg in _record_args():
        field = "record_" + arg.name
        got, want = _argument_pair(arg, pred.get(arg.record_columns[0], ""), gold_record.get(arg.name),
                                   forms.get(arg.name, []))
        if want is not None and got == want:
            out.append(Judgement(field, "tp", got))
            continue
        if got:
            out.append(Judgement(field, "fp", got, want or ""))
        if want is not None:
            out.append(Judgement(field, "fn", want, got))
    return out


def _matchable(sentence: str) -> str:
    """The normalized sentence, or nothing when it is too long to be evidence."""
    folded = normalize(sentence)
    return folded if len(folded) <= MAX_SENTENCE_CHARS else ""


def score_records(rows: list[Row], gold: Gold) -> list[Judgement]:
    """Records matched one-to-one (greedy, gold order) on evidence + type."""
    sentences = [_matchable(r["sentence"]) for r in rows]
    forms = {f.name: entry_forms(gold.get(f.plural) or []) for f in registry.FIELDS if f.scorer == "names"}
    used: set[int] = set()
    out: list[Judgement] = []
    for record in gold.get("records") or []:
        evidence, kind = normalize(record["evidence"]), record["activity_type"]
        hit = next((i for i, row in enumerate(rows) if i not in used
                    and row["activity_type"] == kind and evidence and evidence in sentences[i]),
                   None)
        if hit is None:
            out.append(Judgement("records", "fn", record["evidence"], kind))
            continue
        used.add(hit)
        out.append(Judgement("records", "tp", rows[hit]["sentence"], kind))
        out += score_arguments(rows[hit], record, forms)
    out += [Judgement("records", "fp", row["sentence"], row["activity_type"])
            for i, row in enumerate(rows) if i not in used]
    return out


def judge_document(pred: Predictions, gold: Gold) -> list[Judgement]:
    """Every judgement of one gold document, tagged with its doc_id."""
    doc_id = gold["doc_id"]
    mentions = pred.mentions.get(doc_id, {})
    doc = pred.documents.get(doc_id)
    out: list[Judgement] = []
    for f in registry.FIELDS:
        out += SCORERS[f.scorer](mentions.get(f.name, []), gold, f.plural)
    out += score_records(pred.records.get(doc_id, []), gold)
    out += score_published(doc, gold)
    out += score_title(doc, gold)
    return [replace(j, doc_id=doc_id) for j in out]


def judge(outdir: str | Path, golddir: str | Path) -> tuple[list[Judgement], list[str]]:
    """All judgements of a run against a gold folder, and the gold documents
    that have no row in the documents table."""
    pred = load_predictions(outdir)
    judgements: list[Judgement] = []
    missing: list[str] = []
    for gold in load_gold(golddir):
        if gold["doc_id"] not in pred.documents:
            missing.append(gold["doc_id"])
        judgements += judge_document(pred, gold)
    return judgements, missing


# ---- Scores ----

@dataclass(frozen=True)
class PRF:
    """Counts of one field, micro-averaged over documents."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def p(self) -> float:
        """Precision (0 when nothing was predicted)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def r(self) -> float:
        """Recall (0 when there was nothing to find)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall (0 when both are 0)."""
        return 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0


@dataclass(frozen=True)
class Scores(Mapping[str, PRF]):
    """Field → :class:`PRF`, in :data:`SCORED_FIELDS` order, plus the gold
    documents absent from the run's documents table."""

    fields: dict[str, PRF]
    missing_docs: list[str]

    def __getitem__(self, field: str) -> PRF:
        return self.fields[field]

    def __iter__(self) -> Iterator[str]:
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: counts and rounded P/R/F1 per field, and missing docs."""
        out: dict[str, Any] = {
            k: {"p": round(s.p, 4), "r": round(s.r, 4), "f1": round(s.f1, 4),
                "tp": s.tp, "fp": s.fp, "fn": s.fn} for k, s in self.items()}
        out["missing_docs"] = list(self.missing_docs)
        return out


def tally(judgements: Iterable[Judgement], missing_docs: Sequence[str] = ()) -> Scores:
    """Count judgements into :class:`Scores`."""
    counts = Counter((j.field, j.verdict) for j in judgements)
    fields = {k: PRF(counts[k, "tp"], counts[k, "fp"], counts[k, "fn"]) for k in SCORED_FIELDS}
    return Scores(fields, list(missing_docs))


def evaluate(outdir: str | Path, golddir: str | Path) -> Scores:
    """Score the tables in ``outdir`` against the gold JSON files in ``golddir``."""
    judgements, missing = judge(outdir, golddir)
    return tally(judgements, missing)


_LAST_NUMBER = re.compile(r"(\d+)\D*$")


def half_of(doc_id: str) -> str:
    """``even`` or ``odd`` by the last number in a document id (pg-004 → even),
    ``none`` without one: the split that keeps one half unseen while rules
    are developed on the other."""
    m = _LAST_NUMBER.search(doc_id)
    return "none" if m is None else ("odd" if int(m.group(1)) % 2 else "even")


def evaluate_halves(outdir: str | Path, golddir: str | Path) -> dict[str, Scores]:
    """Scores on all of ``golddir`` and on its even and odd halves (:func:`half_of`)."""
    judgements, missing = judge(outdir, golddir)
    out = {"all": tally(judgements, missing)}
    for half in ("even", "odd"):
        out[half] = tally([j for j in judgements if half_of(j.doc_id) == half],
                          [d for d in missing if half_of(d) == half])
    return out


def errors(outdir: str | Path, golddir: str | Path, field: str) -> list[dict[str, str]]:
    """False positives and false negatives of one scored field, as dicts with
    ``doc_id``, ``field``, ``verdict`` (fp/fn), ``value`` and ``detail``."""
    if field not in SCORED_FIELDS:
        raise ValueError(f"unknown field {field!r}; one of: {', '.join(SCORED_FIELDS)}")
    judgements, _ = judge(outdir, golddir)
    return [{"doc_id": j.doc_id, "field": j.field, "verdict": j.verdict,
             "value": j.value, "detail": j.detail}
            for j in judgements if j.field == field and j.verdict != "tp"]


def _rows(scores: Scores) -> list[list[str]]:
    return [[k, f"{s.p:.3f}", f"{s.r:.3f}", f"{s.f1:.3f}", str(s.tp), str(s.fp), str(s.fn)]
            for k, s in scores.items()]


_HEADER = ["field", "P", "R", "F1", "tp", "fp", "fn"]


def format_table(scores: Scores) -> str:
    """A plain text table, one line per field, then the missing documents."""
    rows = [_HEADER, *_rows(scores)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(_HEADER))]
    lines = ["  ".join([r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:])])
             for r in rows]
    if scores.missing_docs:
        lines.append("missing documents: " + " ".join(scores.missing_docs))
    return "\n".join(lines)


def to_markdown(scores: Scores) -> str:
    """The same table in Markdown, for the README."""
    lines = ["| " + " | ".join(_HEADER) + " |", "| --- |" + " ---: |" * (len(_HEADER) - 1)]
    lines += ["| " + " | ".join(r) + " |" for r in _rows(scores)]
    if scores.missing_docs:
        lines += ["", "Missing documents: " + ", ".join(f"`{d}`" for d in scores.missing_docs)]
    return "\n".join(lines)
