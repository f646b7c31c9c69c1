"""Command line: thin; parses arguments and calls the API.

Exit codes: 0 when the batch ran (even if some documents are error rows);
1 when no input document could be read; 2 for wrong arguments or broken
rules (nothing was read).
"""
from __future__ import annotations

import argparse
import sys

from .ruleset import RuleError
from .write import FORMATS


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="extractor", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="extract the three tables from articles")
    ex.add_argument("inputs", nargs="+", metavar="INPUT",
                    help="files (.txt .md .html .jsonl .csv), folders, or - for standard input")
    ex.add_argument("--out", "-o", required=True, help="output folder")
    ex.add_argument("--format", choices=FORMATS, default="csv")
    ex.add_argument("--rules", default=None, help="rules folder (default: the bundled rules/)")
    ex.add_argument("--method", choices=["rule"], default="rule")
    ev = sub.add_parser("eval", help="score output tables against gold annotations")
    ev.add_argument("outdir")
    ev.add_argument("--gold", required=True, help="folder of gold JSON files")
    ev.add_argument("--markdown", action="store_true", help="print a Markdown table")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "extract":
            return _extract(args)
        return _eval(args)
    except RuleError as e:
        print(f"extractor: broken rules: {e}", file=sys.stderr)
        return 2


def _extract(args: argparse.Namespace) -> int:
    from .api import extract_to

    summary = extract_to(args.out, args.inputs, fmt=args.format, rules=args.rules, method=args.method)
    print(f"{summary.line()} -> {args.out}", file=sys.stderr)
    if summary.documents == 0 or summary.errors == summary.documents:
        return 1
    return 0


def _eval(args: argparse.Namespace) -> int:
    from .evaluate import evaluate, format_table, to_markdown

    scores = evaluate(args.outdir, args.gold)
    print(to_markdown(scores) if args.markdown else format_table(scores))
    return 0
