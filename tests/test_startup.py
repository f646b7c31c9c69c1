"""Start-up costs paid by every process (the CLI, each worker): what is
loaded, how, and that the fast paths give the same thing as the slow ones."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import REPO, SEEDS
from extractor.text import jieba_dict


def _python(code: str, *args: str) -> str:
    out = subprocess.run([sys.executable, "-c", code, *args], cwd=REPO, check=True,
                         capture_output=True, text=True)
    return out.stdout.strip()


# ------------------------------------------------------------ imports
@pytest.mark.parametrize("module", ["extractor", "extractor.cli", "extractor.engine.preload",
                                    "extractor.engine.local", "extractor.write"])
def test_batch_path_does_not_import_pandas(module):
    # pandas costs 0.35 s per process; the workers and the CLI's writing
    # path never use it, only the API's frames and reading tables back do.
    loaded = _python(f"import sys, {module}; print('pandas' in sys.modules)")
    assert loaded == "False"


def test_a_rule_run_loads_no_module_it_does_not_use(tmp_path):
    # importlib.metadata (--version only: 50 ms), charset-normalizer
    # (non-UTF-8 input only: 20 ms), lxml and html (HTML input only: 30 ms),
    # multiprocessing (workers only: 20 ms) and threadpoolctl (the model
    # only: 7 ms) are imported where they are needed.
    one = tmp_path / "one.txt"
    one.write_text("2月15日，社区工作者5人上门排查。", encoding="utf-8")
    loaded = _python("import sys; from extractor.cli import main; "
                     "main(['extract', sys.argv[1], '--out', sys.argv[2], '--method', 'rule', '--quiet', '--workers', '1']); "
                     "print(sorted(m for m in ('importlib.metadata', 'charset_normalizer', 'pandas', 'lxml', 'html', "
                     "'multiprocessing', 'threadpoolctl') if m in sys.modules))",
                     str(one), str(tmp_path / "out"))
    assert loaded.splitlines()[-1] == "[]"
    assert (tmp_path / "out" / "records.csv").read_text(encoding="utf-8").count("\n") == 2


def test_package_api_still_at_top_level():
    import extractor

    assert callable(extractor.extract) and callable(extractor.read_tables)
    assert extractor.Summary.__name__ == "Summary"
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        extractor.nothing  # noqa: B018


# ------------------------------------------------------------ jieba's dictionaries
_REPORT = """
def digest(d):
    h = hashlib.sha256()
    for k in sorted(d):
        h.update(f"{k}\\t{d[k]}\\n".encode())
    return h.hexdigest()
print(json.dumps({"freq": digest(jieba.dt.FREQ), "n": len(jieba.dt.FREQ), "total": jieba.dt.total,
                  "tags": digest(tags), "cut": jieba.lcut("各级干部下沉社区开展核酸检测")}))
"""
# Ours, with the cache folder given as argv[1].
_DUMP = """
import hashlib, json, sys
from extractor.text import jieba_dict
jieba, tags = jieba_dict.load(sys.argv[1])
""" + _REPORT
# jieba's own loading, for reference.
_JIEBA_OWN = """
import hashlib, json
import jieba, jieba.posseg
jieba.setLogLevel(60)
jieba.initialize()
tags = jieba.posseg.dt.word_tag_tab
""" + _REPORT


def test_cached_dictionaries_equal_jiebas_own(tmp_path):
    own = json.loads(_python(_JIEBA_OWN))
    first = json.loads(_python(_DUMP, str(tmp_path)))  # no cache yet: jieba's loading, cache written
    assert len(list(tmp_path.glob("extractor-jieba-*.marshal"))) == 1
    second = json.loads(_python(_DUMP, str(tmp_path)))  # from the cache
    assert first == own
    assert second == own


def test_a_corrupt_cache_is_rebuilt(tmp_path):
    json.loads(_python(_DUMP, str(tmp_path)))
    (cache,) = tmp_path.glob("extractor-jieba-*.marshal")
    cache.write_bytes(b"\x00not marshal")
    again = json.loads(_python(_DUMP, str(tmp_path)))
    assert again == json.loads(_python(_JIEBA_OWN))
    assert jieba_dict._read(cache) is not None


@pytest.mark.parametrize("payload", [b"", b"\xff" * 10, b"N"])
def test_unreadable_cache_reads_as_none(tmp_path, payload):
    bad = tmp_path / "bad.marshal"
    bad.write_bytes(payload)
    assert jieba_dict._read(bad) is None


def test_a_cache_of_the_wrong_shape_reads_as_none(tmp_path):
    import marshal

    bad = tmp_path / "shape.marshal"
    bad.write_bytes(marshal.dumps(({"a": 1}, 1)))
    assert jieba_dict._read(bad) is None


def test_an_unwritable_cache_folder_costs_only_speed(tmp_path):
    missing = tmp_path / "does" / "not" / "exist"
    out = json.loads(_python(_DUMP, str(missing)))
    assert out["n"] > 100_000 and not missing.exists()


def test_a_custom_dictionary_gets_no_cache(tmp_path):
    import jieba

    tok = jieba.Tokenizer(str(tmp_path / "user.dict"))
    saved = jieba.dt
    try:
        jieba.dt = tok
        assert jieba_dict._cache_path(jieba, tmp_path) is None
    finally:
        jieba.dt = saved


# ------------------------------------------------------------ model runtime
def test_model_multiplies_with_numpy_not_blis():
    # BLIS is ~3.5x slower than numpy's OpenBLAS on the project's machine;
    # every layer, including those spaCy builds outside an ops context.
    pytest.importorskip("spacy")
    from extractor.pipeline import pipeline_for
    from extractor.settings import Settings

    nlp = pipeline_for(Settings(method="hybrid")).model.nlp
    layers = [n for _, c in nlp.pipeline for n in c.model.walk()]
    assert layers
    assert [n.name for n in layers if getattr(n.ops, "use_blis", False)] == []


def test_one_blas_thread_while_processing():
    from threadpoolctl import threadpool_info

    import numpy  # noqa: F401 - loads the BLAS library the limit applies to
    from extractor.engine.local import _one_blas_thread

    def blas_threads() -> set[int]:
        return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}

    before = blas_threads()
    with _one_blas_thread():
        assert blas_threads() == {1}
    assert blas_threads() == before


def test_a_worker_keeps_one_blas_thread():
    # What each worker of the local engine runs first (with the model, so
    # numpy's BLAS is loaded when the limit is set).
    code = ("from threadpoolctl import threadpool_info\n"
            "from extractor.engine.local import _ready\n"
            "from extractor.settings import Settings\n"
            "_ready(Settings(method='hybrid'))\n"
            "print(sorted({i['num_threads'] for i in threadpool_info() if i['user_api'] == 'blas'}))")
    assert _python(code) == "[1]"


def test_the_parent_of_workers_loads_no_model(tmp_path):
    # With workers, only they build pipelines: the parent reads and writes,
    # and spaCy (with the model, ~100 MB) stays out of it.
    code = ("import sys\n"
            "from extractor.engine import run_to\n"
            "from extractor.settings import Settings\n"
            "s = run_to(sys.argv[1], [sys.argv[2]], Settings(method='hybrid'), workers=2)\n"
            "print(s.documents, s.errors, s.records > 0, 'spacy' in sys.modules, 'jieba' in sys.modules)")
    seed = next(SEEDS.glob("*.txt"))
    assert _python(code, str(tmp_path / "out"), str(seed)) == "1 0 True False False"


# ------------------------------------------------------------ script detection
_SCRIPT_SETS = """
import sys, tempfile
tempfile.tempdir = sys.argv[1]
from extractor.normalize import script
print(script.detect_script(sys.argv[2]), "".join(sorted(script._traditional_only())) == open(sys.argv[3]).read(),
      "opencc_pyo3" in sys.modules)
"""


def _expected_and_cache(tmp_path, chars) -> tuple:
    """A file holding ``chars`` as this process computed them, to compare
    with what a child process reads, and an empty cache folder for it."""
    expected = tmp_path / "expected.txt"
    expected.write_text("".join(sorted(chars)), encoding="utf-8")
    cache = tmp_path / "cache"
    cache.mkdir()
    return expected, cache


@pytest.mark.parametrize("corrupt", [False, True])
def test_script_detection_with_the_cached_set_loads_no_converter(tmp_path, corrupt):
    pytest.importorskip("opencc_pyo3")
    from extractor.normalize import script

    expected, cache = _expected_and_cache(tmp_path, script._traditional_only())
    args = (str(cache), "社区志愿者上门排查，发放口罩。", str(expected))
    first = _python(_SCRIPT_SETS, *args)  # computes the set and writes the cache
    (cached,) = cache.glob("extractor-script-*.marshal")
    if corrupt:
        cached.write_bytes(b"\x00garbage")
    again = _python(_SCRIPT_SETS, *args)
    assert first == "simplified True True"
    # a sound cache: no converter loaded for simplified text; a corrupt one is recomputed
    assert again == ("simplified True True" if corrupt else "simplified True False")
    assert _python(_SCRIPT_SETS, str(cache), "社區志願者上門排查，發放口罩。", str(expected)).startswith("traditional True")


_SIMPLIFIED_SET = """
import sys, tempfile
tempfile.tempdir = sys.argv[1]
from extractor.normalize import convert, script
print(script.detect_script(sys.argv[2]), "".join(sorted(script._simplified_only())) == open(sys.argv[3]).read(),
      convert.to_traditional.cache_info().currsize)
"""


def test_script_detection_caches_the_simplified_only_set(tmp_path):
    """A traditional text needs the simplified-only set: the second process
    reads it from the cache and never builds the s2t converter."""
    pytest.importorskip("opencc_pyo3")
    from extractor.normalize import script

    expected, cache = _expected_and_cache(tmp_path, script._simplified_only())
    args = (str(cache), "社區志願者上門排查，發放口罩。", str(expected))
    assert _python(_SIMPLIFIED_SET, *args) == "traditional True 1"  # computed, cached
    assert len(list(cache.glob("extractor-script-*s2t*.marshal"))) == 1
    assert _python(_SIMPLIFIED_SET, *args) == "traditional True 0"  # read back: no s2t converter


# ------------------------------------------------------------ compiled patterns
# A process that builds the rule pipeline and processes the seeds, its
# temporary folder (the cache's) given as argv[1]: prints how many patterns
# building compiled with re's own compiler, and a digest of its rows.
_BUILD = """
import hashlib, json, sys, tempfile
tempfile.tempdir = sys.argv[1]
from extractor.text import regex_cache
compiled = []
original = regex_cache._original
def counting(p, flags=0):
    compiled.append(p)
    return original(p, flags)
regex_cache._original = counting
from extractor.pipeline import Pipeline
from extractor.read import iter_documents
p = Pipeline(method="rule")
n_compiled = len(compiled)
rows = [p.process(d) for d in iter_documents([sys.argv[2]])]
digest = hashlib.sha256(json.dumps([(r.document, r.mentions, r.records) for r in rows], default=str,
                                   ensure_ascii=False).encode()).hexdigest()
print(n_compiled, digest)
"""


def _cache_file(folder):
    (path,) = folder.glob("extractor-regex-*.marshal")
    return path


@pytest.mark.parametrize("corrupt", [False, True])
def test_a_second_process_compiles_no_pattern_and_gets_the_same_rows(tmp_path, corrupt):
    first = _python(_BUILD, str(tmp_path), str(SEEDS)).split()
    assert int(first[0]) > 200  # no cache yet: every pattern compiled by re
    if corrupt:
        _cache_file(tmp_path).write_bytes(b"\x00garbage")
    again = _python(_BUILD, str(tmp_path), str(SEEDS)).split()
    assert again[1] == first[1]
    assert int(again[0]) == (int(first[0]) if corrupt else 0)
    assert int(_python(_BUILD, str(tmp_path), str(SEEDS)).split()[0]) == 0  # a corrupt cache was rebuilt


def test_every_cached_pattern_equals_the_one_re_compiles(tmp_path):
    # Pattern == compares the flags, the pattern text and the engine's code word for word.
    import marshal
    import re

    from extractor.text import regex_cache

    _python(_BUILD, str(tmp_path), str(SEEDS))
    key, entries = marshal.loads(_cache_file(tmp_path).read_bytes())
    assert key == regex_cache._build_key() and len(entries) > 200
    for (source, flags), parts in entries.items():
        fresh = regex_cache._original(source, flags)
        made = regex_cache._make(source, parts)
        assert (made, made.groups, made.groupindex) == (fresh, fresh.groups, fresh.groupindex), source
    assert regex_cache._read(tmp_path / "none.marshal") == {}
    foreign = tmp_path / "foreign.marshal"
    foreign.write_bytes(marshal.dumps(("another python", entries)))
    assert regex_cache._read(foreign) == {}  # another build's code is never used
    if os.getuid() == 0:  # nor a cache another user wrote
        os.chown(_cache_file(tmp_path), 12345, 12345)
        assert regex_cache._read(_cache_file(tmp_path)) == {}


def test_the_cache_keeps_a_pattern_only_if_it_made_the_same_one(tmp_path, monkeypatch):
    import re

    from extractor.text import regex_cache

    wrong = regex_cache._parts("b+", 0)  # another pattern's code, as a broken compiler step would give
    monkeypatch.setattr(regex_cache, "_parts", lambda p, flags: wrong)
    with regex_cache.cached_compiles(tmp_path):
        pattern = re.compile("a+extractor-test-only")
    assert pattern.match("aaextractor-test-only")  # re's own pattern, always
    assert not list(tmp_path.glob("extractor-regex-*.marshal"))  # nothing kept, nothing written
    monkeypatch.undo()
    re.purge()
    with regex_cache.cached_compiles(tmp_path):
        re.compile("a+extractor-test-only")
        re.compile(b"(?L)a+extractor-test-only")  # its code depends on the locale: never cached
    (_, entries) = __import__("marshal").loads(_cache_file(tmp_path).read_bytes())
    assert list(entries) == [("a+extractor-test-only", 0)]
    assert re._compiler.compile is regex_cache._original  # re's compiler put back


# ------------------------------------------------------------ parsed rules
def _lines(x):
    """Parsed YAML with every string's type and line spelled out (== would ignore them)."""
    if isinstance(x, dict):
        return [(_lines(k), _lines(v)) for k, v in x.items()]
    if isinstance(x, list):
        return [_lines(v) for v in x]
    return (type(x).__name__, x, getattr(x, "line", None))


def test_cached_rules_equal_a_fresh_parse(tmp_path, monkeypatch):
    import tempfile

    import yaml

    from extractor import ruleset

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    files = sorted(ruleset.default_rules_dir().glob("*.yaml"))
    assert len(files) >= 10
    for path in files:
        with open(path, encoding="utf-8") as f:
            fresh = yaml.load(f, Loader=ruleset._LineLoader)  # noqa: S506 - SafeLoader subclass
        first, cached = ruleset._parsed(path), ruleset._parsed(path)  # parsed and written, then read
        assert _lines(first) == _lines(cached) == _lines(fresh), path.name
    (cache,) = tmp_path.glob("extractor-rules-*.marshal")
    assert len(ruleset._read_parsed(cache)) == len(files)


def test_a_changed_rules_file_is_parsed_again(tmp_path, monkeypatch):
    import shutil
    import tempfile

    from extractor.pipeline import Pipeline
    from extractor.ruleset import RuleError, Rules, _read_parsed, default_rules_dir

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules)
    Pipeline(rules=str(rules), method="rule")  # every file parsed and cached
    units = rules / "units.yaml"
    original = units.read_text(encoding="utf-8")
    n_lines = original.count("\n")
    units.write_text(original + "extra_key_for_the_test: 1\n", encoding="utf-8")
    assert Rules(rules).yaml("units.yaml")["extra_key_for_the_test"] == 1
    with pytest.raises(RuleError, match=f"units.yaml:{n_lines + 1}: 'extra_key_for_the_test' is an unknown key"):
        Pipeline(rules=str(rules), method="rule")
    units.write_text(original, encoding="utf-8")
    assert "extra_key_for_the_test" not in Rules(rules).yaml("units.yaml")
    (cache,) = tmp_path.glob("extractor-rules-*.marshal")
    if os.getuid() == 0:  # a cache another user wrote is not read
        os.chown(cache, 12345, 12345)
        assert _read_parsed(cache) == {}
