"""Upstream's log-to-profile oracle: `suggest` against each `test_multi` `.profile`.

``libraries/libapparmor/testsuite/test_multi`` holds, for 142 of its logs, the profile
aa-logprof writes for the log (``X.profile``, made by upstream's
``test-libapparmor-test_multi.py``, which answers every exec question with ``ix``).  A case
agrees when armorsmith's suggestions for ``X.in`` (no policy) allow exactly what the
profile allows, profile by profile and hat by hat: every rule of one side is covered by a
rule of the other (`Rule.covers`).  Rules are compared as the records ask for them, so a
tunable (`@{HOME}`) that armorsmith writes for a logged home directory does not count as a
difference.

Where aa-logprof is knowingly wrong (mediation.md §2.5: dropped link targets, peer labels
and D-Bus destinations, pinned ephemeral ports, a child named `null-...`) armorsmith
deviates on purpose; each such case is listed in ``known-deviations.txt`` with its reason.
The suite gates: an unlisted difference fails the run.
"""

from __future__ import annotations

import time

from conformance.product import load_suggester
from conformance.results import Deviation, Rate, SuiteResult
from conformance.suites.base import Context

NOT_EQUIVALENT = "suggestions that differ from upstream's profile"


class LogSuggestSuite:
    """Every ``test_multi`` log with an expected profile, suggested by ``armorsmith.ide.suggest``."""

    name = "test-multi-suggest"
    title = "libapparmor test_multi logs, suggested rules equivalent to aa-logprof's profiles"
    gating = True

    def run(self, context: Context) -> SuiteResult:
        result = SuiteResult(self.name, self.title, timed="suggesting")
        folder = context.corpus.upstream / "libapparmor_testsuite" / "test_multi"
        cases = sorted(folder.glob("*.profile"))
        suggester = load_suggester()
        started = time.perf_counter()
        for profile in cases:
            difference = suggester.compare(profile.with_suffix(".in"), profile)
            if difference is not None:
                case = profile.relative_to(context.corpus.upstream).as_posix()
                result.deviations.append(Deviation(case, NOT_EQUIVALENT, difference))
        result.seconds = time.perf_counter() - started
        result.rates.append(Rate("logs suggested as upstream's profile", len(cases) - len(result.deviations), len(cases)))
        return result
