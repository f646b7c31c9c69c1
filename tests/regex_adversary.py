"""Finding every regular expression the pipeline compiles, building
adversarial inputs for one from its parse tree, and timing its growth from
10,000 to 100,000 characters. Used by tests/test_regex_safety.py (read its
docstring for the method and the tolerances)."""
from __future__ import annotations

import functools
import gc
import importlib
import pkgutil
import random
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pytest

from conftest import REPO, SEEDS
import extractor
from extractor.limits import DocumentTooSlow, deadline
from extractor.pipeline import Pipeline
from extractor.read import iter_documents

try:  # Python >= 3.11
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse  # type: ignore[no-redef]

# 10x input, at most 30x time. Linear work grows 10x and quadratic 100x;
# 30 sits near their geometric mean (31.6), an equal factor from both. At 15
# a linear pattern that matches empty at every position (12x when idle) read
# 15x on a loaded CI machine and failed; every shape in SUPERLINEAR grows
# past the hard limit, far beyond 30x.
RATIO = 30
FLOOR = 0.05          # seconds: a pattern faster than this on 100k characters passes
SLOW_10K = 0.25       # seconds: slower than this on 10k characters fails at once
SCREEN = 0.015        # seconds: a screened input faster than this on 10k characters passes
HARD_LIMIT = 1.0      # seconds: a single run is interrupted after this (and fails)
SHORT, LONG = 10_000, 100_000
END = "\x01"

DIGITS = "0123456789"
CN_NUMERALS = "一二三四五六七八九十百千万亿两零〇"
PUNCT = " 、|,:;。-—()[]<>“”\t"


# ---------------------------------------------------------------- enumeration

@dataclass
class Collected:
    recorded: dict    # (pattern, flags) -> compiled, as the project asked re for them
    held: dict        # compiled patterns reachable from the pipeline object
    modules: dict     # compiled patterns at module level in extractor.*

    def all(self) -> dict:
        return {**self.modules, **self.held, **self.recorded}


def _walk_patterns(obj: object, out: dict, seen: set[int], depth: int = 0) -> None:
    """Compiled str patterns reachable from ``obj`` through the project's
    objects' attributes and containers."""
    if depth > 8 or id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, re.Pattern):
        if isinstance(obj.pattern, str):
            out.setdefault((obj.pattern, obj.flags), obj)
        return
    if isinstance(obj, dict):
        items = [*obj.keys(), *obj.values()]
    elif isinstance(obj, (list, tuple, set, frozenset)):
        items = list(obj)
    elif type(obj).__module__.startswith("extractor") and hasattr(obj, "__dict__"):
        items = list(vars(obj).values())
    else:
        return
    for item in items:
        if not isinstance(item, (str, int, float, bytes)):
            _walk_patterns(item, out, seen, depth + 1)


_PACKAGE = str(Path(extractor.__file__).resolve().parent)
_RE_PACKAGE = str(Path(re.__file__).resolve().parent)


@functools.lru_cache(maxsize=None)
def _origin(filename: str) -> str:
    path = str(Path(filename).resolve())
    return "re" if path.startswith(_RE_PACKAGE) else "extractor" if path.startswith(_PACKAGE) else "other"


def _called_from_extractor() -> bool:
    """True when the code asking ``re`` for a pattern is the project's (not
    a library's: spaCy and importlib compile their own on the way)."""
    frame = sys._getframe(2)
    while frame is not None and _origin(frame.f_code.co_filename) == "re":
        frame = frame.f_back
    return frame is not None and _origin(frame.f_code.co_filename) == "extractor"


# Module-level patterns that the code only ever matches at one position of
# a short string, so searching a long text with them says nothing (name:
# where it is used). Patterns built from rules/ are never exempt.
ANCHORED_ONLY = {
    ("extractor.write.guard", "_NEEDS_GUARD"): "guard(): .match at the start of one CSV cell",
    ("extractor.write.guard", "_GUARDED"): "unguard(): .match at the start of one CSV cell",
}


# The packages whose code reads input text (not the report's SVG, not the
# evaluator's gold files): their module-level patterns are collected, all of
# them imported first so the set does not depend on what else was imported.
INPUT_PACKAGES = ("extractor.read", "extractor.normalize", "extractor.fields", "extractor.text",
                  "extractor.link", "extractor.pipeline", "extractor.write", "extractor.model")


def _input_modules() -> list[str]:
    names = []
    for package in INPUT_PACKAGES:
        try:
            module = importlib.import_module(package)
        except ImportError:  # an optional part (the model's spaCy) is not installed
            continue
        names.append(package)
        for info in pkgutil.walk_packages(getattr(module, "__path__", []), package + "."):
            try:
                importlib.import_module(info.name)
            except ImportError:
                continue
            names.append(info.name)
    return names


def collect_patterns() -> Collected:
    """Every compiled pattern building a pipeline and running it involves."""
    recorded: dict = {}
    real = re._compile  # type: ignore[attr-defined]

    def recording(pattern, flags):  # noqa: ANN001 - re's own signature
        compiled = real(pattern, flags)
        if isinstance(compiled.pattern, str) and _called_from_extractor():
            recorded.setdefault((compiled.pattern, compiled.flags), compiled)
        return compiled

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(re, "_compile", recording)
        pipeline = Pipeline(REPO / "rules")
        for doc in iter_documents([SEEDS]):
            pipeline.process(doc)
    held: dict = {}
    _walk_patterns(pipeline, held, set())
    modules: dict = {}
    for name in _input_modules():
        for attr, value in vars(sys.modules[name]).items():
            if (isinstance(value, re.Pattern) and isinstance(value.pattern, str)
                    and (name, attr) not in ANCHORED_ONLY):
                modules.setdefault((value.pattern, value.flags), value)
    return Collected(recorded, held, modules)


# ---------------------------------------------------------------- inputs

@dataclass
class Literals:
    """What a pattern is written with, read from its parse tree."""

    words: list[str]      # runs of literal characters, longest first
    alphabet: list[str]   # every character it names, in literals or classes
    in_classes: list[str]  # characters named in its classes [...]
    excluded: list[str]   # characters of its negated classes [^...]
    # No repetition but ? and no back-reference: a fixed amount of work at
    # each position whatever the text, so linear by construction.
    fixed_work: bool


def literals(pattern: str, flags: int = 0) -> Literals:
    """The literal fragments and characters of a pattern."""
    words: list[str] = []
    chars: set[str] = set()
    in_classes: set[str] = set()
    excluded: set[str] = set()
    repeats = False

    def walk(seq) -> None:  # noqa: ANN001 - sre parse tree
        nonlocal repeats
        run: list[str] = []
        for op, av in seq:
            name = str(op)
            if name == "LITERAL":
                run.append(chr(av))
                chars.add(chr(av))
                continue
            if run:
                words.append("".join(run))
                run = []
            if name == "IN":
                negated = any(str(iop) == "NEGATE" for iop, _ in av)
                for iop, iav in av:
                    if str(iop) == "LITERAL":
                        in_classes.add(chr(iav))
                        if negated:
                            excluded.add(chr(iav))
                    elif str(iop) == "RANGE":
                        in_classes.update((chr(iav[0]), chr(iav[1])))
                    elif str(iop) == "CATEGORY":
                        in_classes.update(("1", " "))
            elif name == "BRANCH":
                for branch in av[1]:
                    walk(branch)
            elif name == "SUBPATTERN":
                walk(av[-1])
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                repeats = repeats or av[1] > 1
                walk(av[2])
            elif name in ("GROUPREF", "GROUPREF_EXISTS"):
                repeats = True
            elif name in ("ASSERT", "ASSERT_NOT", "ATOMIC_GROUP"):
                walk(av[1] if name != "ATOMIC_GROUP" else av)
            if name == "GROUPREF_EXISTS":
                walk(av[1])
                if av[2]:
                    walk(av[2])
        if run:
            words.append("".join(run))

    walk(sre_parse.parse(pattern, flags & ~re.UNICODE))
    return Literals(sorted(set(words), key=lambda w: (-len(w), w)), sorted(chars | in_classes),
                    sorted(in_classes), sorted(excluded), not repeats)


def _cycle(unit: str, n: int) -> str:
    return (unit * (n // max(len(unit), 1) + 1))[:n] if unit else ""


@dataclass
class Input:
    """An adversarial input family for one pattern."""

    name: str
    make: Callable[[int], str]  # n -> a text of n characters
    # Screened: timed on the short text first, and checked for growth only
    # when that is not fast (a quadratic run of 10,000 characters takes
    # tens of milliseconds at least), so that every character a pattern
    # names can be tried.
    screened: bool = False


def adversarial_inputs(pattern: str, flags: int = 0) -> Iterator[Input]:
    """Inputs for one pattern: runs of each character it names, digits,
    numerals, its fragments repeated and joined, a fragment followed by a
    long run, and a random mixture. Each text ends with :data:`END` and a
    character the pattern's negated classes exclude (if it has any), so a
    pattern that could match up to the end of the text has to fail there
    and backtrack."""
    lit = literals(pattern, flags)
    end = END + "".join(lit.excluded[:1])
    inputs = list(_inputs(lit))
    if lit.fixed_work:
        # Linear by construction: timed on a few inputs only (one run of a
        # character, its fragments, the mixture), to keep the suite fast.
        inputs = inputs[:1] + [i for i in inputs if i.name in ("fragments", "mixture")]
    for i in inputs:
        yield Input(i.name, lambda n, make=i.make: make(n - len(end)) + end, i.screened)


def _inputs(lit: Literals) -> Iterator[Input]:
    words, alphabet, in_classes = lit.words, lit.alphabet, lit.in_classes
    common = [" ", "1", "一", "|", "、", "["]
    for ch in common:
        yield Input(f"{ch!r}*n", lambda n, ch=ch: ch * n)
    yield Input("digits", lambda n: _cycle(DIGITS, n))
    yield Input("chinese numerals", lambda n: _cycle(CN_NUMERALS, n))
    if words:
        yield Input("fragments", lambda n: _cycle("".join(words), n))
        for sep in ("、", " | "):
            yield Input(f"fragments joined by {sep!r}", lambda n, sep=sep: _cycle(sep.join(words) + sep, n))
        for w in words[:2]:
            yield Input(f"{w[:20]!r} repeated", lambda n, w=w: _cycle(w, n))
            yield Input(f"{w[:20]!r} + digits repeated", lambda n, w=w: _cycle(w + "1234567", n))
            # A fragment then a long run: what a pattern anchored at ^ or
            # at a word sees when it must give back a repetition it can
            # split more than one way.
            for c in (" ", "1"):
                yield Input(f"{w[:20]!r} then {c!r}*n", lambda n, w=w, c=c: (w + c * n)[:n])
    pool = words + alphabet + list(DIGITS) + list(CN_NUMERALS) + list(PUNCT)
    yield Input("mixture", lambda n: "".join(random.Random(n).choices(pool, k=n))[:n])
    for ch in alphabet:
        if ch not in common:
            yield Input(f"{ch!r}*n", lambda n, ch=ch: ch * n, screened=True)
    for w in words[:2] or [""]:
        for c in in_classes:
            if c not in " 1":
                yield Input(f"{w[:20]!r} then {c!r}*n", lambda n, w=w, c=c: (w + c * n)[:n], screened=True)


# ---------------------------------------------------------------- timing

def _run(p: re.Pattern[str], s: str) -> float:
    start = time.thread_time()
    with deadline(HARD_LIMIT):
        p.subn("", s)
    return time.thread_time() - start


def _per_copy(p: re.Pattern[str], copies: list[str]) -> float:
    # Ten distinct short strings touch as much memory as one long one: a
    # single short string stays in the CPU cache and makes growth look
    # faster than linear when it is not.
    return sum(_run(p, s) for s in copies) / len(copies)


def growth_problem(p: re.Pattern[str], make: Callable[[int], str], screened: bool = False) -> str | None:
    """Why ``p`` is not linear on the inputs ``make`` builds, or None."""
    base = make(SHORT)
    try:
        first = _run(p, base)
        if first > SLOW_10K:
            return f"{first:.2f} s on {SHORT} characters"
        if screened and first <= SCREEN:
            return None
        copies = [base[:-1] + base[-1] for _ in range(LONG // SHORT)]
        long_ = make(LONG)
        t_long = _run(p, long_)
        t_short = float("inf")
        for attempt in range(3):
            if t_long <= FLOOR:
                return None
            if attempt:
                gc.collect()
                t_long = min(t_long, _run(p, long_))
            t_short = min(t_short, _per_copy(p, copies))
            if t_long <= RATIO * t_short:
                return None
    except DocumentTooSlow:
        return f"over {HARD_LIMIT:g} s on one input"
    return f"{t_short * 1000:.1f} ms on {SHORT}, {t_long * 1000:.1f} ms on {LONG} ({t_long / t_short:.0f}x)"
