"""One module per rule kind, each a `Rule` subclass; `RULE_KINDS` maps node types to them.

A kind joins the model by being listed in `KINDS`; `lower` dispatches on `RULE_KINDS`.
"""

from __future__ import annotations

from ..rule import Rule
from .all import AllRule
from .capability import CapabilityRule
from .change_profile import ChangeProfileRule
from .dbus import DbusRule
from .file import FileRule, LinkRule
from .io_uring import IoUringRule
from .mount import MountRule
from .mqueue import MqueueRule
from .network import NetworkRule
from .pivot_root import PivotRootRule
from .ptrace import PtraceRule
from .rlimit import RlimitRule
from .signal import SignalRule
from .unix import UnixRule
from .userns import UsernsRule

__all__ = [
    "KINDS",
    "RULE_KINDS",
    "AllRule",
    "CapabilityRule",
    "ChangeProfileRule",
    "DbusRule",
    "IoUringRule",
    "MountRule",
    "MqueueRule",
    "NetworkRule",
    "PivotRootRule",
    "PtraceRule",
    "RlimitRule",
    "SignalRule",
    "UnixRule",
    "UsernsRule",
]

KINDS: tuple[type[Rule], ...] = (
    CapabilityRule,
    FileRule,
    LinkRule,
    MountRule,
    PivotRootRule,
    ChangeProfileRule,
    RlimitRule,
    NetworkRule,
    UnixRule,
    SignalRule,
    PtraceRule,
    DbusRule,
    MqueueRule,
    IoUringRule,
    UsernsRule,
    AllRule,
)
"""Every rule kind the model knows."""

RULE_KINDS: dict[str, type[Rule]] = {
    node_type: kind for kind in KINDS for node_type in kind.NODE_TYPES
}
"""The rule kind that lowers each grammar node type."""
