"""Model-based extractors trained in this repository.

- the recognizer: UNIT and COMMUNITY spans, a character CRF
  (extractor/model/crf.py, features.py; LAC tags as features when trained
  with them, extractor/model/lac.py), in ``trained/recognizer/``;
- ``textcat_multilabel``: the activity types of a clause, a spaCy pipeline
  in ``trained/``.

Trained by ``make model`` / ``extractor train`` (extractor/model/train.py,
config textcat.cfg, data in corpora/train/) and shipped in
``extractor/model/trained/``. ``--method model`` uses the model's spans and
clause labels (dates, headcounts and quantities stay the rules': the model
does not predict them); ``--method hybrid`` merges them with the rules by the
policy of :mod:`extractor.model.merge` and the thresholds of rules/model.yaml.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the runtime imports spaCy: only when a model is loaded
    from ..ruleset import Rules
    from .runtime import ModelExtractor

SHIPPED = Path(__file__).resolve().parent / "trained"
RECOGNIZER = "recognizer"


def load_model(path: str | None, rules: "Rules") -> "ModelExtractor":
    """The trained pipeline at ``path`` (None: the shipped one), wrapped for
    the Pipeline hook. A missing model raises FileNotFoundError."""
    where = Path(path) if path else SHIPPED
    if not (where / "config.cfg").is_file() or not (where / RECOGNIZER).is_dir():
        hint = "run `make model` (or `extractor train`) to train it" if path is None else "give a folder written by `extractor train`"
        raise FileNotFoundError(f"no trained model in {where}: {hint}")
    import spacy
    from thinc.api import NumpyOps

    from .crf import Recognizer
    from .runtime import ModelExtractor

    nlp = spacy.load(where)
    # Matrix products through numpy's OpenBLAS, not thinc's default BLIS
    # (on the project's machine, AMD EPYC, BLIS is about 3x slower on one
    # thread). Every layer, since some (textcat's bag of words) are built
    # outside any ops context spaCy.load honours.
    ops = NumpyOps(use_blis=False)
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is not None:
            for node in model.walk():
                node.ops = ops
    return ModelExtractor(nlp, Recognizer(where / RECOGNIZER), rules, where)
