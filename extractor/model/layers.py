"""The model's one custom layer: character n-gram hash embeddings.

spaCy's blank Chinese pipeline makes every character a token, so its usual
lexical features (NORM, PREFIX, SUFFIX, SHAPE) all say the same thing. Chinese
NER learns most from the character and its bigrams (市委 | 委书 of 市委书记), so
each token is embedded from the hashes of: itself, its left bigram, its right
bigram and its centred trigram. The ids are computed with numpy from the
ORTH hashes spaCy already holds, so the feature extraction costs next to
nothing. Registered under ``extractor.CharNgramEmbed.v1``; importing this
module (``extractor.model`` does) is what lets a saved pipeline load.
"""
from __future__ import annotations

from typing import Callable

import numpy
from spacy.attrs import ORTH
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import HashEmbed, Maxout, Model, chain, concatenate, list2ragged, ragged2list, with_array
from thinc.types import Floats2d, Ints2d

# Odd 64-bit multipliers: combining two ORTH hashes as a*K1 + b*K2 (mod 2**64)
# gives distinct ids for (a, b) and (b, a); HashEmbed re-hashes them anyway.
_K = (numpy.uint64(0x9E3779B97F4A7C15), numpy.uint64(0xC2B2AE3D27D4EB4F), numpy.uint64(0x165667B19E3779F9))
# The ids of the positions before the first and after the last character.
_EDGE = numpy.uint64(0x27D4EB2F165667C5)
N_FEATURES = 4


def ngram_ids(orth: numpy.ndarray) -> numpy.ndarray:
    """(n, 4) uint64 ids: character, left bigram, right bigram, trigram."""
    n = len(orth)
    x = numpy.asarray(orth, dtype=numpy.uint64)
    left = numpy.empty(n, dtype=numpy.uint64)
    right = numpy.empty(n, dtype=numpy.uint64)
    if n:
        left[0], right[-1] = _EDGE, _EDGE
        left[1:], right[:-1] = x[:-1], x[1:]
    with numpy.errstate(over="ignore"):
        bi_left = left * _K[0] + x * _K[1]
        bi_right = x * _K[0] + right * _K[1]
        tri = left * _K[0] + x * _K[1] + right * _K[2]
    return numpy.stack([x, bi_left, bi_right, tri], axis=1)


def _extract_forward(model: Model, docs: list[Doc], is_train: bool) -> tuple[list[Ints2d], Callable]:
    out = [model.ops.asarray2i(ngram_ids(doc.to_array(ORTH)), dtype="uint64") for doc in docs]
    return out, lambda d_features: []


def ngram_features() -> Model[list[Doc], list[Ints2d]]:
    """Docs → one (tokens, 4) id array each."""
    return Model("char_ngram_features", _extract_forward)


@registry.architectures("extractor.CharNgramEmbed.v1")
def char_ngram_embed(width: int, rows: list[int]) -> Model[list[Doc], list[Floats2d]]:
    """Hash-embed the four n-gram ids (one table each, ``rows[i]`` rows) and
    mix them with a Maxout layer to ``width`` (as spaCy's MultiHashEmbed does)."""
    if len(rows) != N_FEATURES:
        raise ValueError(f"CharNgramEmbed needs {N_FEATURES} row counts (char, left/right bigram, trigram)")
    tables = [HashEmbed(width, r, column=i, seed=7 + i, dropout=0.0) for i, r in enumerate(rows)]
    mix = with_array(Maxout(width, width * len(tables), nP=3, dropout=0.0, normalize=True))
    return chain(ngram_features(), list2ragged(), with_array(concatenate(*tables)), mix, ragged2list())
