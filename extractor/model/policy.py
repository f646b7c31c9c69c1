"""The thresholds of rules/model.yaml, read and validated once."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..ruleset import Rules, line_of

RULES_FILE = "model.yaml"


@dataclass(frozen=True)
class SpanPolicy:
    """How UNIT / COMMUNITY spans are predicted and merged."""

    max_chars: int = 200
    batch_size: int = 64
    model_threshold: float = 0.5
    add_threshold: float = 0.95
    min_chars: int = 3


@dataclass(frozen=True)
class ActivityPolicy:
    """How clause labels are predicted and merged."""

    batch_size: int = 256
    model_threshold: float = 0.5
    agree_threshold: float = 0.5
    add_threshold: float = 0.95


@dataclass(frozen=True)
class Policy:
    spans: SpanPolicy
    activities: ActivityPolicy


_INTS = {"max_chars": 20, "batch_size": 1, "min_chars": 1}


def load_policy(rules: Rules) -> Policy:
    """``rules/model.yaml`` as a :class:`Policy`; a missing key, an unknown
    key or a value out of range raises RuleError with the file and line."""
    return Policy(spans=SpanPolicy(**_section(rules, "spans", SpanPolicy)),
                  activities=ActivityPolicy(**_section(rules, "activities", ActivityPolicy)))


def _section(rules: Rules, name: str, kind: type) -> dict[str, Any]:
    data = rules.section(RULES_FILE, name, dict)
    fields = kind.__dataclass_fields__
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key not in fields:
            raise rules.fail(RULES_FILE, key, f"unknown key '{name}.{key}' (known: {', '.join(fields)})")
        out[str(key)] = _checked(rules, name, key, value)
    missing = [k for k in fields if k not in out]
    if missing:
        raise rules.fail(RULES_FILE, None, f"'{name}' lacks {', '.join(missing)}")
    return out


def _checked(rules: Rules, section: str, key: Any, value: Any) -> Any:
    where = key if line_of(key) else None
    if key in _INTS:
        if not isinstance(value, int) or isinstance(value, bool) or value < _INTS[key]:
            raise rules.fail(RULES_FILE, where, f"'{section}.{key}' must be an integer >= {_INTS[key]}, got {value!r}")
        return value
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 1:
        raise rules.fail(RULES_FILE, where, f"'{section}.{key}' must be a number in [0, 1], got {value!r}")
    return float(value)
