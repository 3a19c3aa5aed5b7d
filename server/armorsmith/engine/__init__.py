"""The engine: what the kernel would decide for a request, and why.

It owns the compiled view of a policy (`PolicySet`, `EngineProfile`), decisions
(`decide`), profile attachment and exec transitions.  It is pure: profiles come from the
resolve layer, requests are rules with concrete values (from a query or a log record).
"""

from .decide import Decision, Outcome, decide, decide_rules
from .profiles import EngineProfile, Mode, PolicySet, RuleRef, mode_of

__all__ = [
    "Decision",
    "EngineProfile",
    "Mode",
    "Outcome",
    "PolicySet",
    "RuleRef",
    "decide",
    "decide_rules",
    "mode_of",
]
