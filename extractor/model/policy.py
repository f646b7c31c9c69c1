"""The thresholds of rules/model.yaml, read and validated once."""
from __future__ import annotations

from dataclasses import dataclass

from ..ruleset import Rules
from ..rulespec import Bool, Int, Number, RuleFile, Section


@dataclass(frozen=True)
class SpanPolicy:
    """How UNIT / COMMUNITY spans are predicted and merged."""

    max_chars: int = 200
    candidates_only: bool = True
    model_threshold: float = 0.5
    unit_add_threshold: float = 0.95
    community_add_threshold: float = 0.95
    min_chars: int = 3
    # 1 turns each off (see merge.py: rebound / reject).
    unit_replace_threshold: float = 1.0
    unit_reject_threshold: float = 1.0

    def add_threshold(self, field: str) -> float:
        """The score from which the hybrid adds a span of ``field`` the rules missed."""
        return self.community_add_threshold if field == "community" else self.unit_add_threshold


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


_SPANS = Section({"max_chars": Int(20), "candidates_only": Bool(), "model_threshold": Number(0, 1),
                  "unit_add_threshold": Number(0, 1), "community_add_threshold": Number(0, 1),
                  "min_chars": Int(1), "unit_replace_threshold": Number(0, 1),
                  "unit_reject_threshold": Number(0, 1)})
_ACTIVITIES = Section({"batch_size": Int(1), "model_threshold": Number(0, 1), "agree_threshold": Number(0, 1),
                       "add_threshold": Number(0, 1)})
FILE = RuleFile("model.yaml", Section({"spans": _SPANS, "activities": _ACTIVITIES}))


def load_policy(rules: Rules) -> Policy:
    """``rules/model.yaml`` as a :class:`Policy`; a missing key, an unknown
    key or a value out of range raises RuleError with the file and line."""
    lex = rules.load(FILE)
    return Policy(spans=SpanPolicy(**lex.spans), activities=ActivityPolicy(**lex.activities))
