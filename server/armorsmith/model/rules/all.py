"""The `all,` rule: every permission of every rule class at once.

Upstream: `all_rule` in parser_yacc.y and all_rule.cc, which expands it to the implied
rule of each class (file, capability, network, signal ...).  It takes no permissions and
no conditionals; `allow`, `deny` and `audit` are accepted, `priority=` and `owner` are not.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass

from tree_sitter import Node

from armorsmith.diagnostics import Diagnostic

from ..rule import LowerContext, Rule
from ..span import Span
from .conds import prefix_problems

__all__ = ["AllRule"]


@dataclass(frozen=True, slots=True)
class AllRule(Rule):
    """`all`."""

    KIND = "all"
    NODE_TYPES = ("all_rule",)

    @classmethod
    def from_cst(cls, node: Node, ctx: LowerContext) -> AllRule:
        return cls(Span.of(node), ctx.qualifiers(node))

    def render(self) -> str:
        return f"{self.render_qualifiers()}all,"

    def validate(self) -> Iterator[Diagnostic]:
        yield from prefix_problems(self.qualifiers, "all", priority=False)

    def covers(self, other: Rule) -> bool:
        return isinstance(other, AllRule) and other.key() == self.key()

    def grants(self, request: Rule) -> enum.Flag:
        """Return everything `request` asks for: `all` applies to every request of every kind."""
        return request.requested()

    def merge(self, other: Rule) -> AllRule | None:
        return self if self.covers(other) else None
