"""Start-up costs paid by every process (the CLI, each worker): what is
loaded, how, and that the fast paths give the same thing as the slow ones."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


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


def test_package_api_still_at_top_level():
    import extractor

    assert callable(extractor.extract) and callable(extractor.read_tables)
    assert extractor.Summary.__name__ == "Summary"
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        extractor.nothing  # noqa: B018
