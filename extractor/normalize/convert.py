"""Traditional → simplified conversion with OpenCC.

Backend choice (measured on this project's 2-core machine, see README):
``opencc-pyo3`` (Rust) converts about 50–100 MB/s and turns 著 into 着 in
趁著/跟著, where ``opencc-python-reimplemented`` (the declared, pure-Python
package) does about 1–1.6 MB/s and leaves 著. We use pyo3 when it is
installed and fall back to the declared package, which keeps working.

The configuration is ``hk2s``: Hong Kong variant characters first (衞 → 卫,
which plain ``t2s`` leaves alone), then OpenCC's traditional → simplified;
for mainland and Taiwan traditional text it gives what ``t2s`` gives.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable

CONFIG = "hk2s"


@lru_cache(maxsize=1)
def _backend() -> tuple[str, Callable[[str], str]]:
    try:
        import opencc_pyo3

        cc = opencc_pyo3.OpenCC(CONFIG)
        return "opencc-pyo3", cc.convert
    except Exception:  # noqa: BLE001 - any failure means: use the declared package
        import opencc

        return "opencc-python-reimplemented", opencc.OpenCC(CONFIG).convert


def backend_name() -> str:
    """Which OpenCC backend converts text in this environment."""
    return _backend()[0]


def to_simplified(text: str) -> str:
    """Convert traditional script to simplified (OpenCC ``hk2s``)."""
    return _backend()[1](text) if text else text


def chars_to_simplified(chars: str) -> str:
    """Each character's own simplified form, with no phrase context (one
    converter call for the lot: script detection asks about many)."""
    return to_simplified("\n".join(chars)).replace("\n", "") if chars else ""


@lru_cache(maxsize=1)
def to_traditional() -> Callable[[str], str]:
    """OpenCC ``s2t`` with the same backend choice."""
    if backend_name() == "opencc-pyo3":
        import opencc_pyo3

        return opencc_pyo3.OpenCC("s2t").convert
    import opencc

    return opencc.OpenCC("s2t").convert
