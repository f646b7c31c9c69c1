"""The case files: every file in tests/cases/ is run by some test, through
conftest.cases, and has the one shape tests/cases/README.md describes; the
loader rejects what does not."""
from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

import conftest
from conftest import CASES_DIR, CaseFileError, cases, load_cases

TESTS = Path(__file__).resolve().parent


def case_calls() -> list[tuple[str, dict, str]]:
    """Every ``cases(...)`` call in the test modules: (name, keyword arguments,
    where). The arguments must be literals, so that this test can read them."""
    calls = []
    for path in sorted(TESTS.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "cases"):
                continue
            where = f"{path.relative_to(TESTS.parent)}:{node.lineno}"
            if path.name == "test_cases.py":
                continue  # this file's own calls use files in tmp_path
            try:
                assert len(node.args) == 1, "one positional argument, the file's name"
                name = ast.literal_eval(node.args[0])
                kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords}
            except (ValueError, AssertionError) as err:
                pytest.fail(f"{where}: cases() needs literal arguments ({err})")
            calls.append((name, kwargs, where))
    return calls


def case_files() -> dict[str, Path]:
    files = {}
    for path in sorted(CASES_DIR.rglob("*")):
        if path.is_dir() or path == CASES_DIR / "README.md":
            continue
        assert path.suffix == ".yaml", f"{path.relative_to(TESTS.parent)}: a case file is *.yaml"
        files[path.relative_to(CASES_DIR).with_suffix("").as_posix()] = path
    return files


def test_every_case_file_is_run_and_has_the_shape():
    calls = case_calls()
    files = case_files()
    assert files, "no case files found"
    called = {name for name, _, _ in calls}
    assert not sorted(set(files) - called), f"case files no test runs: {sorted(set(files) - called)}"
    assert not sorted(called - set(files)), f"cases() names files that do not exist: {sorted(called - set(files))}"
    for name, path in files.items():
        runs = [(kwargs, where) for n, kwargs, where in calls if n == name]
        covered: set[str] = set()
        for kwargs, where in runs:
            having = kwargs.pop("having", None)
            loaded = load_cases(path, **kwargs)  # raises CaseFileError with the file and case
            covered |= {c["id"] for c in loaded if having is None or having in c["expect"]}
        every = {c["id"] for c in loaded}
        assert covered == every, f"{name}: cases no test selects: {sorted(every - covered)}"


def test_case_files_say_where_the_shape_is_described():
    for name, path in case_files().items():
        head = path.read_text(encoding="utf-8").split("\ncases:", 1)[0]
        assert "tests/cases/README.md" in head, f"{name}: the header points to tests/cases/README.md"


# ---- the loader ---------------------------------------------------------------

GOOD = """
cases:
  - id: one
    source: made-up
    text: "市卫健委"
    expect: {values: [市卫健委]}
  - id: two
    text: "金桥社区"
    published: "2020-03-01"
    expect: {values: [], absent: [金桥]}
    xfail: "not found yet"
"""


def write(tmp_path: Path, text: str, name: str = "demo") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_params_carry_the_id_and_a_strict_xfail(tmp_path, monkeypatch):
    write(tmp_path, GOOD)
    monkeypatch.setattr(conftest, "CASES_DIR", tmp_path)
    params = cases("demo", expect=("values", "absent?"))
    assert [p.id for p in params] == ["one", "two"]
    assert not params[0].marks and params[0].values[0]["text"] == "市卫健委"
    (mark,) = params[1].marks
    assert mark.name == "xfail" and mark.kwargs == {"reason": "not found yet", "strict": True}
    assert [p.id for p in cases("demo", expect=("values", "absent?"), having="absent")] == ["two"]


@pytest.mark.parametrize("old, new, message", [
    ("    source: made-up", "    sourse: made-up", "unknown keys ['sourse']"),
    ("{values: [市卫健委]}", "{values: [市卫健委], absnet: [x]}", "unknown expect keys ['absnet']"),
    ("{values: [市卫健委]}", "{absent: [x]}", "missing expect keys ['values']"),
    ("{values: [市卫健委]}", "{}", "non-empty mapping"),
    ("{values: [市卫健委]}", "[市卫健委]", "non-empty mapping"),
    ("  - id: two", "  - id: one", "case 'one': the id is used twice"),
    ("  - id: two", "  - id: ''", "case 2: `id` must be a non-empty string"),
    ('    text: "金桥社区"\n', "", "case 'two': missing keys ['text']"),
    ("    published: \"2020-03-01\"", "    published: 2020-03-01", "`published` must be a string"),
    ('    xfail: "not found yet"', "    xfail: true", "`xfail` must be the reason"),
    ("cases:", "extra: 1\ncases:", "one mapping `cases: [...]`"),
])
def test_loader_rejects_a_bad_case(tmp_path, old, new, message):
    text = textwrap.dedent(GOOD)
    assert old in text
    path = write(tmp_path, text.replace(old, new, 1))
    with pytest.raises(CaseFileError) as err:
        load_cases(path, expect=("values", "absent?"))
    assert str(err.value).startswith(str(path)) or "demo.yaml" in str(err.value)
    assert message in str(err.value)


def test_loader_rejects_a_list_or_empty_file(tmp_path):
    for text in ("- id: a\n  text: x\n  expect: {values: []}\n", "cases: []\n", ""):
        with pytest.raises(CaseFileError, match="one mapping"):
            load_cases(write(tmp_path, text), expect=("values",))
