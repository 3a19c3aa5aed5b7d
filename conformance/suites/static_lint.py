"""Upstream's static simple_tests, judged by every diagnostic ``lint_document`` reports.

Each of the 2225 runnable cases is linted at its path inside upstream's layout
(``<scratch>/parser/tst/simple_tests``) as upstream's harness compiles it: ``include
<x>`` searches ``simple_tests/``, ``include "x"`` is relative to ``parser/tst``. A case
counts as FAIL when lint reports an error-severity diagnostic. The suite is tracked while the
semantic checks are being built: it reports agreement, false errors on PASS cases and
FAIL cases caught, overall and per directory, and is held to its baseline.
"""

from __future__ import annotations

import time
from functools import partial
from pathlib import PurePosixPath

from conformance.classify import whole_message
from conformance.corpus import StaticCase, load_static_cases
from conformance.parallel import map_cases
from conformance.results import SuiteResult
from conformance.suites.base import Context
from conformance.suites.lint_verdicts import Tally, judge, lint_path


def directory(case: StaticCase) -> str:
    """The folder of a case below ``simple_tests`` (``file``, ``profile/flags``)."""
    return PurePosixPath(case.path).parent.relative_to("simple_tests").as_posix()


def upstream_said(case: StaticCase) -> str:
    """What upstream's parser reported for a case, on one line."""
    if case.expected == "PASS" and not case.upstream_stderr.strip():
        return "upstream: accepted"
    return f"upstream: {whole_message(case.upstream_stderr)}"


class StaticLintSuite:
    """The runnable static cases, linted by ``armorsmith.ide.lint_document``."""

    name = "static-lint"
    title = "upstream simple_tests (static), FAIL when lint reports an error"
    gating = False

    def run(self, context: Context) -> SuiteResult:
        cases = load_static_cases(context.corpus.simple_tests_index)
        paths = [str(context.tst_dir / case.path) for case in cases]
        result = SuiteResult(self.name, self.title, timed="linting", group_heading="directory")
        started = time.perf_counter()
        linter = context.product.linter((context.tst_dir / "simple_tests",), context.tst_dir)
        findings = map_cases(partial(lint_path, linter), paths, context.jobs)
        result.seconds = time.perf_counter() - started
        overall = Tally()
        by_directory: dict[str, Tally] = {}
        for case, finding in zip(cases, findings):
            has_error = finding.error is not None
            overall.add(case.expected, has_error)
            by_directory.setdefault(directory(case), Tally()).add(case.expected, has_error)
            deviation = judge(case.path, case.expected, finding, upstream_said(case))
            if deviation is not None:
                result.deviations.append(deviation)
        result.rates += overall.rates(keyed=True)
        for name, tally in sorted(by_directory.items()):
            result.rates += tally.rates(group=name)
        result.notes.append(f"{len(cases)} cases on {context.jobs} worker(s)")
        return result
