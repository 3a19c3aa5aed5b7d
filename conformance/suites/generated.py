"""Upstream's generated simple_tests (71,496 cases in five families), judged by lint.

The cases are unpacked from the corpus's tarball into the cache (see
`conformance.generated`) and linked into upstream's layout as
``simple_tests/<family>/``, where upstream's build writes them, and linted with the
includes of the static-lint suite. Each counts as FAIL when
``lint_document`` reports an error-severity diagnostic; its expected verdict is read from
its header. The suite is tracked: its rates per family are held to the baseline. The
cases are linted on a pool of worker processes (``--jobs``).
"""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path

from conformance.generated import Header, read_header
from conformance.parallel import map_cases
from conformance.product import Linter, LintFinding
from conformance.results import SuiteResult
from conformance.suites.base import Context
from conformance.suites.lint_verdicts import Tally, judge


def lint_case(linter: Linter, simple_tests: Path, case: str) -> tuple[Header, LintFinding | None]:
    """Read one case's header and, when upstream runs it, lint it; a worker function."""
    path = simple_tests / case
    source = path.read_bytes()
    header = read_header(case, source)
    return header, linter.lint(str(path), source) if header.runnable else None


class GeneratedSuite:
    """The generated cases of every family, or of the families chosen with ``--family``."""

    name = "generated"
    title = "upstream simple_tests (generated), FAIL when lint reports an error"
    gating = False

    def run(self, context: Context) -> SuiteResult:
        assert context.generated is not None, "the runner unpacks the generated cases for this suite"
        families = context.families or context.generated.families
        cases = [case for family in families for case in context.generated.cases(family)]
        simple_tests = context.tst_dir / "simple_tests"
        result = SuiteResult(self.name, self.title, timed="linting", group_heading="family")
        if context.families:
            result.scope = tuple(f"simple_tests/{family}/" for family in families)
        started = time.perf_counter()
        linter = context.product.linter((simple_tests,), context.tst_dir)
        outcomes = map_cases(partial(lint_case, linter, simple_tests), cases, context.jobs)
        result.seconds = time.perf_counter() - started
        overall = Tally()
        by_family = {family: Tally() for family in families}
        skipped = 0
        for case, (header, finding) in zip(cases, outcomes):
            if finding is None:
                skipped += 1
                continue
            has_error = finding.error is not None
            overall.add(header.expected, has_error)
            by_family[case.split("/", 1)[0]].add(header.expected, has_error)
            deviation = judge(f"simple_tests/{case}", header.expected, finding, f"EXRESULT {header.expected}")
            if deviation is not None:
                result.deviations.append(deviation)
        # Only the per-family rates are keyed: they stay comparable when --family runs part of the suite.
        result.rates += overall.rates()
        for family, tally in by_family.items():
            result.rates += tally.rates(group=family, keyed=True)
        result.notes.append(
            f"{len(cases) - skipped} cases in {len(families)} families on {context.jobs} worker(s)"
            + (f"; {skipped} marked TODO or DISABLED, not run" if skipped else "")
        )
        return result
