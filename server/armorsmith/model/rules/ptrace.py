"""Ptrace rules: `ptrace [PERMS] [peer=LABEL],`.

Upstream: `ptrace_rule` in parser_yacc.y and ptrace.cc.  `trace` and `read` are what the
tracing task needs, `tracedby` and `readby` what the traced one needs; `r` is `read` and
`w` is `trace`.  `peer=` is a label glob and the only conditional.  Without permission
words a rule allows all four.  Only `=` is accepted, and `owner` is rejected.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass

from tree_sitter import Node

from armorsmith.diagnostics import Diagnostic

from ..conditionals import Conditional, ConditionalGroup, lower_access, lower_conditionals
from ..event import LogRecord
from ..rule import LowerContext, Rule
from ..span import Span, Word
from ..values import Value
from .conds import (
    PermissionRule,
    access_of,
    access_table,
    covers_value,
    first,
    group_not_allowed,
    plain_conditionals,
    prefix_problems,
    render_access,
    render_conditional,
    repeated,
)
from .logged import literal, mask_words, rule_from_text

__all__ = ["PTRACE_ACCESS", "PTRACE_CONDITIONALS", "PtraceAccess", "PtraceRule"]


class PtraceAccess(enum.Flag):
    """What a ptrace rule allows, in upstream's dump order."""

    READ = enum.auto()
    READBY = enum.auto()
    TRACE = enum.auto()
    TRACEDBY = enum.auto()


PTRACE_ACCESS = access_table(PtraceAccess, PtraceAccess.READ, PtraceAccess.TRACE)
"""Each permission word of ptrace rules and what it allows."""

PTRACE_CONDITIONALS = ("peer",)
"""The conditionals ptrace rules take."""


@dataclass(frozen=True, slots=True)
class PtraceRule(PermissionRule, Rule):
    """`ptrace` with its permissions and peer.

    `conditionals` and `groups` are kept as written for validation; `peer` is their typed
    reading.
    """

    KIND = "ptrace"
    NODE_TYPES = ("ptrace_rule",)

    access: PtraceAccess
    access_words: tuple[Word, ...]
    conditionals: tuple[Conditional, ...]
    groups: tuple[ConditionalGroup, ...]
    peer: Value | None

    @classmethod
    def from_cst(cls, node: Node, ctx: LowerContext) -> PtraceRule:
        words = lower_access(node.child_by_field_name("permissions"), ctx.source)
        conditionals, groups = lower_conditionals(node, ctx.source)
        return cls(
            Span.of(node),
            ctx.qualifiers(node),
            access_of(words, PTRACE_ACCESS, PtraceAccess(0)),
            words,
            conditionals,
            groups,
            first(conditionals, "peer"),
        )

    @classmethod
    def from_event(cls, record: LogRecord) -> PtraceRule | None:
        """Return `ptrace PERM peer=LABEL,` for one half of a ptrace access (§2.2, §4).

        The tracer's record asks for `trace` or `read`, the traced task's for `tracedby` or
        `readby`.  As upstream, None without a denied mask or a peer (old kernels logged
        such records with garbage, `ptrace_garbage_lp1689667`).
        """
        access = PtraceAccess(0)
        for word in mask_words(record.denied_mask):
            access |= PTRACE_ACCESS.get(word, PtraceAccess(0))
        if record.operation != "ptrace" or not access or not record.peer:
            return None
        text = f"ptrace{render_access(access, PtraceAccess)} peer={literal(record.peer)},"
        rule = rule_from_text(cls, text)
        return rule if isinstance(rule, PtraceRule) else None

    def render(self) -> str:
        return (
            f"{self.render_qualifiers()}ptrace{render_access(self.access, PtraceAccess)}"
            f"{render_conditional('peer', self.peer)},"
        )

    def validate(self) -> Iterator[Diagnostic]:
        yield from prefix_problems(self.qualifiers, "ptrace")
        yield from group_not_allowed(self.groups, "ptrace")
        yield from repeated(self.conditionals, {"peer": "ptrace"})
        yield from plain_conditionals(
            self.conditionals,
            "ptrace",
            PTRACE_CONDITIONALS,
            lambda name: f'invalid ptrace rule conditional "{name}": ptrace rules take only peer=',
        )

    def applies_to(self, other: PtraceRule) -> bool:
        """Return whether every peer `other` names is one this rule names too."""
        return covers_value(self.peer, other.peer)
