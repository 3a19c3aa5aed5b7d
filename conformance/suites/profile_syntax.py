"""Upstream's real policy tree, which must parse without any syntax error.

Covers every file under ``upstream/profiles``: the apparmor.d profiles,
abstractions, tunables, abi, local, and the extra profiles.
"""

from __future__ import annotations

import time

from conformance.corpus import policy_files
from conformance.results import Deviation, Rate, SuiteResult
from conformance.suites.base import Context, read_policy

PROFILE_WITH_ERROR = "policy files with a syntax error"

class ProfileSyntaxSuite:
    """Every policy file of upstream's profile tree, parsed by ``armorsmith.syntax``."""

    name = "profiles-syntax"
    title = "upstream profiles, abstractions, tunables and extras, syntax errors only"
    gating = True

    def run(self, context: Context) -> SuiteResult:
        result = SuiteResult(self.name, self.title)
        files = policy_files(context.corpus)
        clean = 0
        for path in files:
            text = read_policy(path)
            started = time.perf_counter()
            finding = context.syntax.first_error(text, path.as_posix())
            result.seconds += time.perf_counter() - started
            if finding is None:
                clean += 1
                continue
            case = path.relative_to(context.corpus.upstream).as_posix()
            detail = f"line {finding.line}: {finding.message}"
            result.deviations.append(Deviation(case, PROFILE_WITH_ERROR, detail))
        result.rates.append(Rate("policy files parsing clean", clean, len(files)))
        return result
