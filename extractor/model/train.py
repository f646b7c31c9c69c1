"""Train the shipped model from the repository's data (``extractor train``,
``make model``).

Two trainings, then one folder:

- the recognizer (extractor/model/crf.py): a character CRF for UNIT /
  COMMUNITY (and CLUENER's COMPANY) on corpora/train/ner_cluener.jsonl
  (CLUENER government + organization), ner_genre.jsonl (genre sentences
  labelled by the rules) and, when present, the train split of the
  hand-labelled labelled_sentences.jsonl; features of features.py, with LAC
  tags when ``USE_LAC`` (lac.py). Saved in ``trained/recognizer/``.
- the clause classifier: spaCy's ``textcat_multilabel`` (config
  textcat.cfg, spaCy's own loop) on activities_rules.jsonl with the
  hand-reviewed labels of activities_reviewed.tsv in place of the rules'
  where a clause was reviewed, plus the train split of labelled_clauses.jsonl
  when present. A tenth of its rows (every tenth line) is spaCy's dev set,
  which picks the best checkpoint.

The CLUENER dev split, the held-out test splits and the project's dev gold
are never seen here. Both trainings are deterministic (L-BFGS; spaCy with
``system.seed``), so the same data and seed give the same model. The
corpora are in the repository, so training needs no ../shared.
"""
from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from . import RECOGNIZER
from .data import REPO_TRAIN, activity_examples, ner_examples

HERE = Path(__file__).resolve().parent
SHIPPED = HERE / "trained"
TEXTCAT_CONFIG = HERE / "textcat.cfg"
HOLDOUT_EVERY = 10
# Whether the recognizer sees LAC's tags (chosen by benchmarks/methods.py:
# see the README's model section for the figures behind it).
USE_LAC = False
# The CRF's L1 / L2 penalties and L-BFGS iterations.
CRF_PARAMS = {"c1": 0.05, "c2": 0.01, "max_iterations": 100}


def train(output: str | None = None, seed: int = 0, *, data: str | Path | None = None,
          limit: int | None = None, max_epochs: int | None = None, lac: bool = USE_LAC) -> Path:
    """Train both parts and save the model to ``output`` (default: the
    shipped ``extractor/model/trained``); returns its path.

    ``data`` is the training-data folder (default corpora/train); ``limit``
    keeps the first N examples of each kind and ``max_epochs`` overrides the
    classifier's epochs and caps the CRF's iterations at 10 per epoch (both for
    quick checks: the shipped model uses neither); ``lac`` gives the
    recognizer LAC features.
    """
    import spacy
    from spacy.cli.train import train as spacy_train

    from . import crf
    from ..ruleset import load_rules
    from .features import Lexicons

    out = Path(output) if output else SHIPPED
    data_dir = Path(data) if data else REPO_TRAIN
    if not data_dir.is_dir():
        raise FileNotFoundError(f"training data folder {data_dir} not found (corpora/train of the repository)")
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="extractor-train-") as tmp:
        work = Path(tmp)
        rows = list(activity_examples(data_dir))
        rows = rows[:limit] if limit else rows
        sizes: dict[str, Any] = {"textcat": _write_docbins(rows, work / "textcat")}
        overrides: dict[str, Any] = {
            "paths.train": str(work / "textcat" / "train.spacy"),
            "paths.dev": str(work / "textcat" / "dev.spacy"),
            "system.seed": seed,
        }
        if max_epochs is not None:
            overrides["training.max_epochs"] = max_epochs
        t0 = time.perf_counter()
        spacy_train(TEXTCAT_CONFIG, work / "textcat" / "model", overrides=overrides, use_gpu=-1)
        timings["textcat"] = round(time.perf_counter() - t0, 1)

        ner_rows = list(ner_examples(data_dir))
        ner_rows = ner_rows[:limit] if limit else ner_rows
        params = dict(CRF_PARAMS)
        if max_epochs is not None:
            params["max_iterations"] = min(params["max_iterations"], 10 * max_epochs)
        tagger = None
        if lac:
            from .lac import Lac

            tagger = Lac()
        t0 = time.perf_counter()
        rec_meta = crf.train(ner_rows, work / RECOGNIZER, Lexicons.from_rules(load_rules()), lac=tagger, **params)
        timings["recognizer"] = round(time.perf_counter() - t0, 1)
        sizes["recognizer"] = rec_meta["sentences"]

        nlp = spacy.load(work / "textcat" / "model" / "model-best")
        nlp.meta["name"] = "extractor_units_activities"
        nlp.meta["version"] = "2.0.0"
        nlp.meta["extractor"] = {
            "seed": seed,
            "train_seconds": timings,
            "examples": sizes,
            "recognizer": {"lac": lac, **params},
            "performance": {"textcat": _scores(work / "textcat" / "model" / "model-best")},
        }
        if out.exists():
            shutil.rmtree(out)
        nlp.to_disk(out)
        shutil.copytree(work / RECOGNIZER, out / RECOGNIZER)
    print(f"model saved to {out} (training seconds: {timings})", file=sys.stderr)
    return out


def _write_docbins(rows: list[dict[str, Any]], folder: Path) -> dict[str, int]:
    """train.spacy and dev.spacy of the classifier (every tenth row to dev)."""
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("zh")
    folder.mkdir(parents=True, exist_ok=True)
    bins = {"train": DocBin(), "dev": DocBin()}
    labels = _activity_types()
    for i, row in enumerate(rows):
        doc = nlp.make_doc(row["text"])
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


def _scores(model_dir: Path) -> dict[str, Any]:
    meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    perf = meta.get("performance", {})
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in perf.items()
            if not k.endswith("_loss") and k not in ("token_acc",)}
