"""Linking: activity mentions → records with their date, unit, community,
headcount and quantity. (Placeholder until the rule extractors land.)"""
from __future__ import annotations

from .document import Context, Mention, Record
from .ruleset import Rules
from .text.sentences import Span


class Linker:
    def __init__(self, rules: Rules):
        self.rules = rules

    def __call__(self, body: str, ctx: Context, sents: list[Span], mentions: list[Mention]) -> list[Record]:
        return []
