"""Train the shipped model from the repository's data (``extractor train``,
``make model``).

Two trainings, then one folder:

- the recognizer (extractor/model/crf.py): a character CRF for UNIT /
  COMMUNITY (and CLUENER's COMPANY) on the train split of the hand-labelled
  corpora/train/labelled_sentences.jsonl (repeated ``HAND_REPEAT`` times)
  and, when ``USE_CLUENER``, ner_cluener.jsonl (CLUENER government +
  organization); features of features.py, with LAC tags when ``USE_LAC``
  (lac.py) and jieba's words when ``USE_WORDS``. Saved in ``trained/recognizer/``.
- the clause classifier: spaCy's ``textcat_multilabel`` (config
  textcat.cfg, spaCy's own loop) on the train split of the hand-labelled
  labelled_clauses.jsonl and, when ``USE_REVIEWED``, that of the hand review
  activities_reviewed.tsv, each clause followed by markers of the rules'
  triggers it holds when ``USE_HINTS`` (hints.py, word lists saved in
  ``trained/hints.json``). A tenth of its rows (every tenth) is spaCy's dev
  set, which picks the best checkpoint.

No rule-labelled data is trained on (data.py). The CLUENER dev split, the held-out test splits and the project's dev gold
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
from .data import HAND_REPEAT, REPO_TRAIN, activity_examples, ner_examples
from .hints import FILE as HINTS_FILE

HERE = Path(__file__).resolve().parent
SHIPPED = HERE / "trained"
TEXTCAT_CONFIG = HERE / "textcat.cfg"
HOLDOUT_EVERY = 10
# Whether the recognizer sees LAC's tags (chosen by benchmarks/methods.py:
# see the README's model section for the figures behind it).
USE_LAC = False
# Whether the recognizer sees jieba's words and the dictionary's lattice
# (features.py; chosen on CLUENER dev, see the README's model section).
USE_WORDS = True
# What the model learns from (chosen by training/compare_sources.py on
# dev-wide's even half; see the README's model section):
# CLUENER train beside the hand-labelled sentences, the hand-reviewed
# clauses of activities_reviewed.tsv beside labelled_clauses.jsonl.
USE_CLUENER = True
USE_REVIEWED = True
# Whether the classifier sees the rules' triggers as markers (hints.py).
USE_HINTS = True
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

    out = Path(output) if output else SHIPPED
    data_dir = Path(data) if data else REPO_TRAIN
    if not data_dir.is_dir():
        raise FileNotFoundError(f"training data folder {data_dir} not found (corpora/train of the repository)")
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="extractor-train-") as tmp:
        work = Path(tmp)
        rows = list(activity_examples(data_dir, reviewed=USE_REVIEWED))
        rows = rows[:limit] if limit else rows
        t0 = time.perf_counter()
        best, sizes = train_classifier(rows, work / "textcat", seed, max_epochs)
        timings["textcat"] = round(time.perf_counter() - t0, 1)

        ner_rows = list(ner_examples(data_dir, cluener=USE_CLUENER))
        ner_rows = ner_rows[:limit] if limit else ner_rows
        params = dict(CRF_PARAMS)
        if max_epochs is not None:
            params["max_iterations"] = min(params["max_iterations"], 10 * max_epochs)
        t0 = time.perf_counter()
        rec_meta = train_recognizer(ner_rows, work / RECOGNIZER, lac=lac, words=USE_WORDS, **params)
        timings["recognizer"] = round(time.perf_counter() - t0, 1)

        nlp = spacy.load(best)
        nlp.meta["name"] = "extractor_units_activities"
        nlp.meta["version"] = "3.0.0"
        nlp.meta["extractor"] = {
            "seed": seed,
            "train_seconds": timings,
            "examples": {"textcat": sizes, "recognizer": rec_meta["sentences"]},
            "data": {"cluener": USE_CLUENER, "hand_repeat": HAND_REPEAT, "reviewed_clauses": USE_REVIEWED,
                     "trigger_hints": USE_HINTS},
            "recognizer": {"lac": lac, "words": USE_WORDS, **params},
            "performance": {"textcat": _scores(best)},
        }
        if out.exists():
            shutil.rmtree(out)
        nlp.to_disk(out)
        if (best / HINTS_FILE).exists():
            shutil.copy(best / HINTS_FILE, out / HINTS_FILE)
        shutil.copytree(work / RECOGNIZER, out / RECOGNIZER)
    print(f"model saved to {out} (training seconds: {timings})", file=sys.stderr)
    return out


def train_classifier(rows: list[dict[str, Any]], work: Path, seed: int = 0,
                     max_epochs: int | None = None, hints: bool = USE_HINTS) -> tuple[Path, dict[str, int]]:
    """Train the clause classifier on ``rows`` (``{"text", "cats", "repeat"?}``)
    in ``work`` with spaCy's loop (textcat.cfg); every tenth row is its dev
    set, which picks the best checkpoint. With ``hints``, each clause is
    followed by the markers of the rules' triggers it holds (hints.py), and
    the word lists are saved in the model folder. Returns (the model-best
    folder, the number of train and dev docs)."""
    from spacy.cli.train import train as spacy_train

    from ..ruleset import load_rules
    from .hints import Hinter, TriggerHints

    lists = TriggerHints.from_rules(load_rules()) if hints else None
    sizes = _write_docbins(rows, work, Hinter(lists) if lists else None)
    overrides: dict[str, Any] = {"paths.train": str(work / "train.spacy"), "paths.dev": str(work / "dev.spacy"),
                                 "system.seed": seed}
    if max_epochs is not None:
        overrides["training.max_epochs"] = max_epochs
    spacy_train(TEXTCAT_CONFIG, work / "model", overrides=overrides, use_gpu=-1)
    best = work / "model" / "model-best"
    if lists is not None:
        lists.save(best)
    return best, sizes


def train_recognizer(rows: list[dict[str, Any]], folder: Path, *, lac: bool = False, words: bool = False,
                     **params: Any) -> dict[str, Any]:
    """Train the CRF recognizer on ``rows`` into ``folder`` with the rules'
    lexicons (and LAC tags when ``lac``, word features when ``words``);
    returns crf.py's figures."""
    from ..ruleset import load_rules
    from . import crf
    from .features import Lexicons

    tagger = None
    if lac:
        from .lac import Lac

        tagger = Lac()
    return crf.train(rows, folder, Lexicons.from_rules(load_rules()), lac=tagger, words=words, **params)


def _write_docbins(rows: list[dict[str, Any]], folder: Path, hinter: Any = None) -> dict[str, int]:
    """train.spacy and dev.spacy of the classifier (every tenth row to dev);
    ``hinter`` (hints.Hinter) adds the trigger markers to each text."""
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("zh")
    folder.mkdir(parents=True, exist_ok=True)
    bins = {"train": DocBin(), "dev": DocBin()}
    labels = _activity_types()
    for i, row in enumerate(rows):
        doc = nlp.make_doc(hinter(row["text"]) if hinter else row["text"])
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
