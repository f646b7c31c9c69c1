"""Train the shipped pipeline from the repository's data (``extractor train``,
``make model``).

Two spaCy trainings, each with spaCy's own loop (``spacy.cli.train.train``)
from a config file of this package, then one pipeline assembled from both:

- ``ner.cfg``: UNIT / COMMUNITY on corpora/train/ner_cluener.jsonl (CLUENER
  government + organization) and ner_genre.jsonl (weakly labelled genre
  sentences);
- ``textcat.cfg``: the activity types of a clause on
  corpora/train/activities_rules.jsonl with the hand-reviewed labels of
  activities_reviewed.tsv in place of the rules' where a clause was reviewed.

A tenth of each file (every tenth line) is held out as spaCy's dev set,
which picks the best checkpoint; the CLUENER dev split and the project's dev
gold are never seen here. The corpora are in the repository, so training
needs no ../shared.
"""
from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from . import layers  # noqa: F401 - registers extractor.CharNgramEmbed.v1
from .data import REPO_TRAIN, activity_examples, ner_examples

HERE = Path(__file__).resolve().parent
SHIPPED = HERE / "trained"
CONFIGS = {"ner": HERE / "ner.cfg", "textcat": HERE / "textcat.cfg"}
HOLDOUT_EVERY = 10


def train(output: str | None = None, seed: int = 0, *, data: str | Path | None = None,
          limit: int | None = None, max_epochs: int | None = None) -> Path:
    """Train both components and save the assembled pipeline to ``output``
    (default: the shipped ``extractor/model/trained``); returns its path.

    ``data`` is the training-data folder (default corpora/train); ``limit``
    keeps the first N examples of each kind and ``max_epochs`` overrides the
    configs (both for quick checks: the shipped model uses neither).
    """
    import spacy
    from spacy.cli.train import train as spacy_train

    out = Path(output) if output else SHIPPED
    data_dir = Path(data) if data else REPO_TRAIN
    if not data_dir.is_dir():
        raise FileNotFoundError(f"training data folder {data_dir} not found (corpora/train of the repository)")
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="extractor-train-") as tmp:
        work = Path(tmp)
        sizes = {}
        for kind, examples in (("ner", ner_examples(data_dir)), ("textcat", activity_examples(data_dir))):
            rows = list(examples)[:limit] if limit else list(examples)
            sizes[kind] = _write_docbins(kind, rows, work / kind)
            overrides: dict[str, Any] = {
                "paths.train": str(work / kind / "train.spacy"),
                "paths.dev": str(work / kind / "dev.spacy"),
                "system.seed": seed,
            }
            if max_epochs is not None:
                overrides["training.max_epochs"] = max_epochs
            t0 = time.perf_counter()
            spacy_train(CONFIGS[kind], work / kind / "model", overrides=overrides, use_gpu=-1)
            timings[kind] = round(time.perf_counter() - t0, 1)
        nlp = spacy.load(work / "ner" / "model" / "model-best")
        textcat = spacy.load(work / "textcat" / "model" / "model-best")
        nlp.add_pipe("textcat_multilabel", source=textcat)
        nlp.meta["name"] = "extractor_units_activities"
        nlp.meta["version"] = "1.0.0"
        nlp.meta["extractor"] = {
            "seed": seed,
            "train_seconds": timings,
            "examples": sizes,
            "performance": {
                "ner": _scores(work / "ner" / "model" / "model-best"),
                "textcat": _scores(work / "textcat" / "model" / "model-best"),
            },
        }
        if out.exists():
            shutil.rmtree(out)
        nlp.to_disk(out)
    print(f"model saved to {out} (training seconds: {timings})", file=sys.stderr)
    return out


def _write_docbins(kind: str, rows: list[dict[str, Any]], folder: Path) -> dict[str, int]:
    """train.spacy and dev.spacy of one component (every tenth row to dev)."""
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("zh")
    folder.mkdir(parents=True, exist_ok=True)
    bins = {"train": DocBin(), "dev": DocBin()}
    labels = _activity_types() if kind == "textcat" else []
    for i, row in enumerate(rows):
        doc = nlp.make_doc(row["text"])
        if kind == "ner":
            _set_entities(doc, row)
        else:
            doc.cats = {lab: float(lab in row["cats"]) for lab in labels}
        if i % HOLDOUT_EVERY == HOLDOUT_EVERY - 1:
            bins["dev"].add(doc)
        else:
            for _ in range(row.get("repeat", 1)):
                bins["train"].add(doc)
    for name, db in bins.items():
        db.to_disk(folder / f"{name}.spacy")
    return {name: len(db) for name, db in bins.items()}


def _activity_types() -> list[str]:
    """Every slug of the taxonomy, so a type without examples is still a label."""
    from ..fields.activities import load_lexicon
    from ..ruleset import load_rules

    return list(load_lexicon(load_rules()).slugs)


def _set_entities(doc: Any, row: dict[str, Any]) -> None:
    """Entities of one row; ``missing`` spans stay unannotated. Spans that do
    not fall on token boundaries are dropped (none do with character tokens)."""
    ents = [doc.char_span(s, e, label=lab) for s, e, lab in row["spans"]]
    missing = [doc.char_span(s, e) for s, e in row.get("missing", [])]
    ents = [sp for sp in ents if sp is not None]
    missing = [sp for sp in missing if sp is not None
               and all(sp.end <= x.start or sp.start >= x.end for x in ents)]
    doc.set_ents(ents, missing=missing, default="outside")


def _scores(model_dir: Path) -> dict[str, Any]:
    meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    perf = meta.get("performance", {})
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in perf.items()
            if not k.endswith("_loss") and k not in ("token_acc",)}
