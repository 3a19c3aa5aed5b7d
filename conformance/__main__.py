"""Command line of the conformance runner: ``python -m conformance``.

Exit status: 0 when every gating suite agrees with upstream or deviates only where
``known-deviations.txt`` says so and every tracked suite is at or above its baseline;
1 when a gating suite has an unlisted deviation, a tracked suite fell back from its
baseline (or has a rate without a bound), or a listed case now agrees; 2 when the
corpus, the committed lists or armorsmith itself cannot be used.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from conformance.baseline import Bound, check_baseline, load_baseline, raise_bounds, render_baseline
from conformance.corpus import Corpus, CorpusError, build_upstream_layout
from conformance.deviations import load_known_deviations, reconcile
from conformance.generated import CACHE, unpack_generated
from conformance.parallel import default_jobs
from conformance.product import ProductError, SyntaxChecker, load_product, load_syntax
from conformance.report import SuiteReport, render_json, render_text
from conformance.results import SuiteResult
from conformance.sections import ListingError
from conformance.suites import SUITES, Context
from conformance.suites.generated import GeneratedSuite

HERE = Path(__file__).resolve().parent
KNOWN_DEVIATIONS = HERE / "known-deviations.txt"
BASELINE = HERE / "baseline.txt"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m conformance",
        description="Measure armorsmith against upstream AppArmor's verdicts on the shared corpus.",
    )
    parser.add_argument(
        "--suite", action="append", choices=sorted(SUITES), metavar="NAME",
        help=f"run only this suite (repeatable); one of: {', '.join(SUITES)}",
    )
    parser.add_argument(
        "--family", action="append", metavar="NAME",
        help="run the generated suite on this family only (repeatable, e.g. generated_x); "
        "without --suite, runs that suite alone",
    )
    parser.add_argument("--jobs", type=int, default=default_jobs(), metavar="N",
                        help="worker processes for the lint suites (default: the CPUs available)")
    parser.add_argument("--verbose", action="store_true",
                        help="also print every deviation of tracked suites, the reason listed for each "
                        "known deviation, and the cases left for semantic checks")
    parser.add_argument("--json", action="store_true", help="print a machine-readable summary instead of the report")
    parser.add_argument(
        "--deviations", type=Path, default=KNOWN_DEVIATIONS, metavar="FILE",
        help="the known-deviations file (default: conformance/known-deviations.txt)",
    )
    parser.add_argument(
        "--baseline", type=Path, default=BASELINE, metavar="FILE",
        help="the bounds of the tracked suites (default: conformance/baseline.txt)",
    )
    parser.add_argument(
        "--update-baseline", action="store_true",
        help="write every tracked rate that improved on its bound (or has none) into the baseline file",
    )
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    if args.family and args.suite and GeneratedSuite.name not in args.suite:
        parser.error(f"--family applies to the {GeneratedSuite.name} suite, which --suite leaves out")
    return args


def _check_sections(path: Path, sections: dict[str, object], allowed: set[str], what: str) -> None:
    unknown = sorted(set(sections) - allowed)
    if unknown:
        raise ListingError(f"{path}: section(s) for no {what}: {', '.join(unknown)}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        corpus = Corpus.locate()
        known = load_known_deviations(args.deviations)
        baseline = load_baseline(args.baseline)
        _check_sections(args.deviations, known, set(SUITES), "suite")
        _check_sections(args.baseline, baseline, {n for n, s in SUITES.items() if not s.gating}, "tracked suite")
        checker = SyntaxChecker(load_syntax())
        product = load_product()
    except (CorpusError, ListingError, ProductError) as error:
        print(f"conformance: {error}", file=sys.stderr)
        return 2

    names = args.suite or ([GeneratedSuite.name] if args.family else list(SUITES))
    selected = [SUITES[name] for name in names]
    with tempfile.TemporaryDirectory(prefix="armorsmith-conformance-") as scratch:
        try:
            generated = unpack_generated(corpus.generated_tarball, CACHE) if GeneratedSuite.name in names else None
            families = tuple(dict.fromkeys(args.family or ()))
            if generated is not None and not set(families) <= set(generated.families):
                unknown = ", ".join(sorted(set(families) - set(generated.families)))
                print(f"conformance: no such family: {unknown}; the families are {', '.join(generated.families)}",
                      file=sys.stderr)
                return 2
            tst = build_upstream_layout(corpus, Path(scratch), generated.root if generated else None)
            context = Context(corpus, tst, checker, product, args.jobs, generated, families)
            results = [suite.run(context) for suite in selected]
        except CorpusError as error:
            print(f"conformance: {error}", file=sys.stderr)
            return 2

    if args.update_baseline:
        for suite, result in zip(selected, results):
            if not suite.gating:
                baseline[suite.name] = raise_bounds(result.rates, baseline.get(suite.name, {}))
        args.baseline.write_text(render_baseline(baseline), encoding="utf-8")
        print(f"conformance: wrote the bounds of the tracked suites run to {args.baseline}", file=sys.stderr)
    reports = [_report(suite.gating, result, known, baseline) for suite, result in zip(selected, results)]

    if args.json:
        json.dump(render_json(reports, corpus.root), sys.stdout, indent=2)
        print()
    else:
        print(render_text(reports, args.verbose))
    return 0 if all(report.ok for report in reports) else 1


def _report(gating: bool, result: SuiteResult, known: dict[str, dict[str, str]],
            baseline: dict[str, dict[str, Bound]]) -> SuiteReport:
    """Reconcile a result with the known deviations and, for a tracked suite, the baseline."""
    check = None if gating else check_baseline(result.rates, baseline.get(result.name, {}))
    return SuiteReport(result, reconcile(result, known.get(result.name, {})), check)


if __name__ == "__main__":
    sys.exit(main())
