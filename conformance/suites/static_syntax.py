"""Upstream's static simple_tests, judged by syntax errors alone.

Every PASS case must parse without an ERROR or MISSING node. Every FAIL case
that upstream rejects syntactically (see `conformance.classify`) must yield a
syntax error. The other FAIL cases are counted as left for semantic checks.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from conformance.classify import first_message, is_syntactic
from conformance.corpus import StaticCase, load_static_cases
from conformance.product import SyntaxFinding
from conformance.results import Deviation, Rate, SuiteResult
from conformance.suites.base import Context, read_policy

PASS_WITH_ERROR = "PASS cases with a syntax error"
SYNTACTIC_FAIL_ACCEPTED = "FAIL cases upstream rejects syntactically that parse clean"


@dataclass(frozen=True)
class Verdict:
    """How one case came out: its bucket, and a deviation when it disagrees."""

    bucket: str
    deviation: Deviation | None = None


def judge(case: StaticCase, finding: SyntaxFinding | None) -> Verdict:
    """Compare the first syntax error of a case (or none) with upstream's verdict."""
    if case.expected == "PASS":
        if finding is None:
            return Verdict("pass-clean")
        detail = f"line {finding.line}: {finding.message}"
        return Verdict("pass-error", Deviation(case.path, PASS_WITH_ERROR, detail))
    syntactic = is_syntactic(case.upstream_stderr)
    if finding is not None:
        return Verdict("fail-syntactic-error" if syntactic else "fail-semantic-error")
    if syntactic:
        detail = f"upstream: {first_message(case.upstream_stderr)}"
        return Verdict("fail-syntactic-clean", Deviation(case.path, SYNTACTIC_FAIL_ACCEPTED, detail))
    return Verdict("fail-semantic-clean")


class StaticSyntaxSuite:
    """The 2225 runnable static cases, parsed by ``armorsmith.syntax``."""

    name = "static-syntax"
    title = "upstream simple_tests (static), syntax errors only"
    gating = True

    def run(self, context: Context) -> SuiteResult:
        cases = load_static_cases(context.corpus.simple_tests_index)
        result = SuiteResult(self.name, self.title)
        buckets: dict[str, int] = {}
        left_for_semantics: list[str] = []
        parse_seconds = 0.0
        for case in cases:
            text = read_policy(context.tst_dir / case.path)
            started = time.perf_counter()
            finding = context.syntax.first_error(text)
            parse_seconds += time.perf_counter() - started
            verdict = judge(case, finding)
            buckets[verdict.bucket] = buckets.get(verdict.bucket, 0) + 1
            if verdict.deviation is not None:
                result.deviations.append(verdict.deviation)
            elif verdict.bucket == "fail-semantic-clean":
                left_for_semantics.append(f"  {case.path}: upstream: {first_message(case.upstream_stderr)}")
        result.seconds = parse_seconds
        if left_for_semantics:
            result.details += [f"FAIL cases left for semantic checks ({len(left_for_semantics)}):", *left_for_semantics]
        summarize(result, buckets)
        return result


def summarize(result: SuiteResult, buckets: dict[str, int]) -> None:
    """Turn the bucket counts into the suite's rates and notes."""
    passes = buckets.get("pass-clean", 0) + buckets.get("pass-error", 0)
    syntactic = buckets.get("fail-syntactic-error", 0) + buckets.get("fail-syntactic-clean", 0)
    with_error = buckets.get("fail-syntactic-error", 0) + buckets.get("fail-semantic-error", 0)
    fails = syntactic + buckets.get("fail-semantic-error", 0) + buckets.get("fail-semantic-clean", 0)
    result.rates += [
        Rate("PASS cases parsing clean", buckets.get("pass-clean", 0), passes),
        Rate("FAIL cases yielding a syntax error", with_error, fails),
        Rate("syntactic FAIL cases (upstream's verdict) yielding a syntax error",
             buckets.get("fail-syntactic-error", 0), syntactic),
    ]
    remaining = fails - with_error
    result.notes += [
        f"PASS cases with an ERROR or MISSING node: {buckets.get('pass-error', 0)}",
        (
            f"FAIL cases without a syntax error: {remaining} "
            f"({buckets.get('fail-semantic-clean', 0)} left for semantic checks, "
            f"{buckets.get('fail-syntactic-clean', 0)} syntactic by upstream's verdict: deviations)"
        ),
        f"semantic FAIL cases that already yield a syntax error: {buckets.get('fail-semantic-error', 0)}",
    ]
