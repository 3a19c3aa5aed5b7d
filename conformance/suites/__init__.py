"""The registry of conformance suites.

Each suite is one module with one class providing `base.Suite`; the runner
runs them in the order listed here, or only the ones named with ``--suite``.
"""

from __future__ import annotations

from conformance.suites.base import Context, Suite
from conformance.suites.generated import GeneratedSuite
from conformance.suites.log_parse import LogParseSuite
from conformance.suites.log_suggest import LogSuggestSuite
from conformance.suites.profile_lint import ProfileLintSuite
from conformance.suites.profile_syntax import ProfileSyntaxSuite
from conformance.suites.static_lint import StaticLintSuite
from conformance.suites.static_syntax import StaticSyntaxSuite

SUITES: dict[str, Suite] = {
    suite.name: suite
    for suite in (StaticSyntaxSuite(), ProfileSyntaxSuite(), StaticLintSuite(), ProfileLintSuite(), GeneratedSuite(), LogParseSuite(), LogSuggestSuite())
}

__all__ = ("SUITES", "Context", "Suite")
