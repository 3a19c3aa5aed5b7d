"""Judging lint results against upstream's verdicts; shared by the lint suites.

A case counts as FAIL when ``lint_document`` reports any error-severity diagnostic, and
as PASS otherwise (warnings and hints do not count). Two kinds of deviation follow: a
PASS case with a false error, and a FAIL case lint accepts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from conformance.product import Linter, LintFinding
from conformance.results import Deviation, Rate

PASS_WITH_FALSE_ERROR = "PASS cases with a false error"
FAIL_ACCEPTED = "FAIL cases lint accepts"


@dataclass
class Tally:
    """Counts of one set of cases by expected verdict and by whether lint reported an error."""

    pass_clean: int = 0
    pass_error: int = 0
    fail_error: int = 0
    fail_clean: int = 0

    def add(self, expected: str, has_error: bool) -> None:
        if expected == "PASS":
            if has_error:
                self.pass_error += 1
            else:
                self.pass_clean += 1
        elif has_error:
            self.fail_error += 1
        else:
            self.fail_clean += 1

    def rates(self, group: str = "", keyed: bool = False) -> list[Rate]:
        """Agreement, false errors on PASS cases and FAIL cases caught.

        Headline rates (no ``group``) get sentence labels; grouped rates get the short
        labels of a table column. Keyed rates are compared with the baseline.
        """
        passes = self.pass_clean + self.pass_error
        fails = self.fail_error + self.fail_clean
        labels = (
            ("agreement", "PASS false errors", "FAIL caught")
            if group
            else (
                "agreement with EXRESULT",
                "PASS cases with a false error",
                "FAIL cases caught (an error-severity diagnostic)",
            )
        )
        keys = ("agreement", "pass-false-error", "fail-caught") if keyed else ("", "", "")
        return [
            Rate(labels[0], self.pass_clean + self.fail_error, passes + fails, keys[0], group),
            Rate(labels[1], self.pass_error, passes, keys[1], group, lower_is_better=True),
            Rate(labels[2], self.fail_error, fails, keys[2], group),
        ]


def judge(case: str, expected: str, finding: LintFinding, upstream: str) -> Deviation | None:
    """The deviation of one case, or None when lint agrees with ``expected``.

    ``upstream`` says what upstream reported, for the report.
    """
    if expected == "PASS":
        if finding.error is None:
            return None
        return Deviation(case, PASS_WITH_FALSE_ERROR, f"{finding.error}; {upstream}")
    if finding.error is not None:
        return None
    ours = f"no error (first diagnostic: {finding.first})" if finding.first else "no diagnostic"
    return Deviation(case, FAIL_ACCEPTED, f"{ours}; {upstream}")


def lint_path(linter: Linter, path: str) -> LintFinding:
    """Lint the file at ``path`` under its own name; a worker function for `conformance.parallel`."""
    return linter.lint(path, Path(path).read_bytes())
