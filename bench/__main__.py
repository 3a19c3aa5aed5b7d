"""Command line of the benchmarks: ``python -m bench``.

Prints each benchmark's table: armorsmith's figures beside the reference
tools', and its goals. Exit status 0 when every benchmark ran (a missed goal
is reported, not an error), 2 when the corpus cannot be found.
"""

from __future__ import annotations

import argparse
import sys

from bench.base import Benchmark, Settings
from bench.incremental_parse import IncrementalParse
from bench.parse_throughput import ParseThroughput
from conformance.corpus import Corpus, CorpusError

BENCHMARKS: dict[str, Benchmark] = {b.name: b for b in (ParseThroughput(), IncrementalParse())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--bench", action="append", choices=sorted(BENCHMARKS), metavar="NAME",
                        help=f"run only this benchmark (repeatable); one of: {', '.join(BENCHMARKS)}")
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
    for name in args.bench or BENCHMARKS:
        print(BENCHMARKS[name].run(settings).render(), flush=True)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
