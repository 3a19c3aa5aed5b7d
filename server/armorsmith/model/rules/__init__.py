"""One module per rule kind, each a `Rule` subclass; `RULE_KINDS` maps node types to them.

A kind joins the model by being listed in `KINDS`; `lower` dispatches on `RULE_KINDS`.
"""

from __future__ import annotations

from ..rule import Rule
from .capability import CapabilityRule
from .file import FileRule, LinkRule

__all__ = ["KINDS", "RULE_KINDS", "CapabilityRule"]

KINDS: tuple[type[Rule], ...] = (CapabilityRule, FileRule, LinkRule)
"""Every rule kind the model knows."""

RULE_KINDS: dict[str, type[Rule]] = {
    node_type: kind for kind in KINDS for node_type in kind.NODE_TYPES
}
"""The rule kind that lowers each grammar node type."""
