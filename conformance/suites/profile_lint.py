"""Upstream's real policy tree, which must lint without any error-severity diagnostic.

Covers the same files as the profiles-syntax suite (``abi/`` holds kernel feature
descriptions, not policy), with ``profiles/apparmor.d`` as the include search dir and the
directory relative includes start from, as ``apparmor_parser`` run in /etc/apparmor.d. Every one is a file upstream ships and loads, so any error
lint reports on it is a false error. The suite gates: it is at 100%, and a false error
on a real profile is a bug, never unfinished work.
"""

from __future__ import annotations

import time
from functools import partial

from conformance.corpus import policy_files
from conformance.parallel import map_cases
from conformance.results import Deviation, Rate, SuiteResult
from conformance.suites.base import Context
from conformance.suites.lint_verdicts import lint_path

PROFILE_WITH_ERROR = "policy files with an error"


class ProfileLintSuite:
    """Every policy file of upstream's profile tree, linted by ``armorsmith.ide.lint_document``."""

    name = "profiles-lint"
    title = "upstream profiles, abstractions, tunables and extras, no error-severity diagnostic"
    gating = True

    def run(self, context: Context) -> SuiteResult:
        files = policy_files(context.corpus)
        result = SuiteResult(self.name, self.title, timed="linting")
        started = time.perf_counter()
        policy = context.corpus.profiles / "apparmor.d"
        linter = context.product.linter((policy,), policy)
        findings = map_cases(partial(lint_path, linter), [str(path) for path in files], context.jobs)
        result.seconds = time.perf_counter() - started
        for path, finding in zip(files, findings):
            if finding.error is not None:
                case = path.relative_to(context.corpus.upstream).as_posix()
                result.deviations.append(Deviation(case, PROFILE_WITH_ERROR, finding.error))
        result.rates.append(Rate("policy files without an error", len(files) - len(result.deviations), len(files)))
        return result
