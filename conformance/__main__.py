"""Command line of the conformance runner: ``python -m conformance``.

Exit status: 0 when every suite agrees with upstream or deviates only where
``known-deviations.txt`` says so; 1 when a deviation is not listed or a listed
case now agrees; 2 when the corpus, the deviation list or armorsmith itself
cannot be used.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from conformance.corpus import Corpus, CorpusError, build_upstream_layout
from conformance.product import ProductError, SyntaxChecker, load_syntax
from conformance.report import (
    DeviationFileError,
    load_known_deviations,
    reconcile,
    render_json,
    render_text,
)
from conformance.suites import SUITES, Context

KNOWN_DEVIATIONS = Path(__file__).resolve().parent / "known-deviations.txt"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m conformance",
        description="Measure armorsmith against upstream AppArmor's verdicts on the shared corpus.",
    )
    parser.add_argument(
        "--suite", action="append", choices=sorted(SUITES), metavar="NAME",
        help=f"run only this suite (repeatable); one of: {', '.join(SUITES)}",
    )
    parser.add_argument("--verbose", action="store_true", help="also print the reason listed for each known deviation and the cases left for semantic checks")
    parser.add_argument("--json", action="store_true", help="print a machine-readable summary instead of the report")
    parser.add_argument(
        "--deviations", type=Path, default=KNOWN_DEVIATIONS, metavar="FILE",
        help="the known-deviations file (default: conformance/known-deviations.txt)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        corpus = Corpus.locate()
        known = load_known_deviations(args.deviations)
        checker = SyntaxChecker(load_syntax())
    except (CorpusError, DeviationFileError, ProductError) as error:
        print(f"conformance: {error}", file=sys.stderr)
        return 2
    unknown_sections = sorted(set(known) - set(SUITES))
    if unknown_sections:
        print(f"conformance: {args.deviations}: unknown suite section(s): {', '.join(unknown_sections)}", file=sys.stderr)
        return 2

    selected = [SUITES[name] for name in (args.suite or SUITES)]
    with tempfile.TemporaryDirectory(prefix="armorsmith-conformance-") as scratch:
        context = Context(corpus, build_upstream_layout(corpus, Path(scratch)), checker)
        try:
            reports = [reconcile(suite.run(context), known.get(suite.name, {})) for suite in selected]
        except CorpusError as error:
            print(f"conformance: {error}", file=sys.stderr)
            return 2

    if args.json:
        json.dump(render_json(reports, corpus.root), sys.stdout, indent=2)
        print()
    else:
        print(render_text(reports, args.verbose))
    return 0 if all(report.ok for report in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
