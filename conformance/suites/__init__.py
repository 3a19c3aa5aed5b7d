"""The registry of conformance suites.

Each suite is one module with one class providing `base.Suite`; the runner
runs them in the order listed here, or only the one named with ``--suite``.
"""

from __future__ import annotations

from conformance.suites.base import Context, Suite
from conformance.suites.profile_syntax import ProfileSyntaxSuite
from conformance.suites.static_syntax import StaticSyntaxSuite

SUITES: dict[str, Suite] = {suite.name: suite for suite in (StaticSyntaxSuite(), ProfileSyntaxSuite())}

__all__ = ("SUITES", "Context", "Suite")
