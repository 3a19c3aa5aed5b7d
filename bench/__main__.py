"""Command line of the benchmarks: ``python -m bench``.

Prints each benchmark's table: armorsmith's figures beside the reference
tools', and its goals. Exit status 0 when every benchmark ran (a missed goal
is reported, not an error), 2 when the corpus or armorsmith cannot be found.
"""

from __future__ import annotations

import argparse
import sys

from bench.base import Benchmark, Settings
from conformance.corpus import Corpus, CorpusError


def load_benchmarks() -> dict[str, Benchmark]:
    """The benchmarks by name, in the order they run.

    They are imported here rather than at the top because they import
    armorsmith, and a missing armorsmith should be a message, not a traceback.
    """
    from bench.incremental_parse import IncrementalParse
    from bench.lint import LintThroughput
    from bench.logs import LogThroughput
    from bench.lsp import LspLatency
    from bench.parse_throughput import ParseThroughput

    return {b.name: b for b in (ParseThroughput(), IncrementalParse(), LintThroughput(), LspLatency(), LogThroughput())}


def main(argv: list[str] | None = None) -> int:
    try:
        benchmarks = load_benchmarks()
    except ImportError as error:
        print(f"bench: cannot import armorsmith ({error}); run `make` to build .venv, then use .venv/bin/python", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--bench", action="append", choices=sorted(benchmarks), metavar="NAME",
                        help=f"run only this benchmark (repeatable); one of: {', '.join(benchmarks)}")
    parser.add_argument("--runs", type=int, default=5, help="runs of each full-parse timing; the best counts (default 5)")
    parser.add_argument("--edits", type=int, default=50, help="one-token edits timed for the incremental re-parse (default 50)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.edits < 1:
        parser.error("--runs and --edits must be at least 1")
    try:
        settings = Settings(Corpus.locate(), args.runs, args.edits)
    except CorpusError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    for name in args.bench or benchmarks:
        print(benchmarks[name].run(settings).render(), flush=True)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
