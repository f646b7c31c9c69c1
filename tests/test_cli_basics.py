"""Small things a new user meets first (issue 16, friction 9): --version,
help texts written for users, and `make run` installing only what running
needs."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from conftest import REPO
from extractor import __version__


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "extractor", *args], capture_output=True, text=True, cwd=REPO)


def test_version():
    proc = _run("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"extractor {__version__}"


@pytest.mark.parametrize("args", [["--help"], ["extract", "--help"]])
def test_help_opens_with_what_it_does(args):
    proc = _run(*args)
    assert proc.returncode == 0
    description = proc.stdout.split("\n\n")[1]
    assert "thin" not in proc.stdout and "calls the API" not in proc.stdout  # the developers' note
    assert "tables" in description
    assert "exit codes: 0" in proc.stdout


def test_extract_help_lists_the_new_options():
    out = _run("extract", "--help").stdout
    for option in ("--text-column", "--id-column", "--published-column", "--title-column",
                   "--keep-columns", "--excel-csv", "xlsx", ".docx", ".pdf"):
        assert option in out, option


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_installs_without_the_test_extras(tmp_path):
    def installs(target: str) -> list[str]:
        proc = subprocess.run(["make", "-n", "-B", target, f"VENV={tmp_path / 'venv'}"], capture_output=True,
                              text=True, cwd=REPO)
        assert proc.returncode == 0, proc.stderr
        return [line for line in proc.stdout.splitlines() if "pip install" in line and "--upgrade pip" not in line]

    assert installs("run") and not any("[test]" in line for line in installs("run"))
    assert any("[test]" in line for line in installs("test"))


@pytest.mark.parametrize("make", [False, True], ids=["missing-folder", "folder-without-tables"])
def test_eval_of_no_tables_is_an_error_not_zeros(tmp_path, make):
    """A folder with no tables once scored all zeros with exit 0."""
    out = tmp_path / "out"
    if make:
        out.mkdir()
    proc = _run("eval", str(out), "--gold", str(REPO / "tests" / "example" / "gold"))
    assert proc.returncode == 2
    assert proc.stderr.startswith("extractor: no tables in") and "Traceback" not in proc.stderr
    assert proc.stdout == ""
