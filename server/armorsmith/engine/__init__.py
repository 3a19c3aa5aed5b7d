"""The engine: what the kernel would decide for a request, and why.

It owns the compiled view of a policy (`PolicySet`, `EngineProfile`), decisions
(`decide`), profile attachment and exec transitions.  It is pure: profiles come from the
resolve layer, requests are rules with concrete values (from a query or a log record).
"""

from .attach import Attachment, find_attach
from .build import build_policy, engine_profile
from .crosscheck import CrossCheck, cross_check, mirror_request
from .decide import Decision, Outcome, decide, decide_rules
from .labels import Home, HomeReason, Label, LabelPart, home_of, parse_label
from .profiles import EngineProfile, Mode, PolicySet, RuleRef, mode_of
from .requests import ExecRequest, parse_request, quote_path
from .transition import Landing, Transition, exec_transition

__all__ = [
    "Attachment",
    "CrossCheck",
    "Decision",
    "EngineProfile",
    "ExecRequest",
    "Home",
    "HomeReason",
    "Label",
    "LabelPart",
    "Landing",
    "Mode",
    "Outcome",
    "PolicySet",
    "RuleRef",
    "Transition",
    "build_policy",
    "cross_check",
    "decide",
    "decide_rules",
    "engine_profile",
    "exec_transition",
    "find_attach",
    "home_of",
    "mirror_request",
    "mode_of",
    "parse_label",
    "parse_request",
    "quote_path",
]
