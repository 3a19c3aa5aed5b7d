"""io_uring rules: `io_uring [sqpoll|override_creds|( ... )] [label=LABEL],`.

Upstream: `io_uring_rule` in parser_yacc.y and io_uring.cc.  `sqpoll` allows creating a
polling thread, `override_creds` using the credentials of another task (of the label
`label=`, a glob).  The only conditional is `label=`, with `=` and one value; upstream
checks the conditionals of a `peer=(...)` group the same way.  Without permission words
a rule allows both.  `owner` is rejected.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass

from tree_sitter import Node

from armorsmith.diagnostics import Code, Diagnostic

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
    extra_values,
    first,
    group_items,
    group_position,
    plain_conditionals,
    prefix_problems,
    problem,
    render_access,
    render_conditional,
    repeated,
)
from .logged import denied_mask, literal, mask_words, rule_from_text

__all__ = ["IO_URING_ACCESS", "IO_URING_CONDITIONALS", "IoUringAccess", "IoUringRule"]


class IoUringAccess(enum.Flag):
    """What an io_uring rule allows, in upstream's dump order."""

    OVERRIDE_CREDS = enum.auto()
    SQPOLL = enum.auto()


IO_URING_ACCESS = access_table(IoUringAccess)
"""Each permission word of io_uring rules and what it allows."""

IO_URING_CONDITIONALS = ("label",)
"""The conditionals io_uring rules take."""


@dataclass(frozen=True, slots=True)
class IoUringRule(PermissionRule, Rule):
    """`io_uring` with its permissions and label.

    `conditionals` and `groups` are kept as written for validation; `label` is their typed
    reading.
    """

    KIND = "io_uring"
    NODE_TYPES = ("io_uring_rule",)

    access: IoUringAccess
    access_words: tuple[Word, ...]
    conditionals: tuple[Conditional, ...]
    groups: tuple[ConditionalGroup, ...]
    label: Value | None

    @classmethod
    def from_cst(cls, node: Node, ctx: LowerContext) -> IoUringRule:
        words = lower_access(node.child_by_field_name("permissions"), ctx.source)
        conditionals, groups = lower_conditionals(node, ctx.source)
        return cls(
            Span.of(node),
            ctx.qualifiers(node),
            access_of(words, IO_URING_ACCESS, IoUringAccess(0)),
            words,
            conditionals,
            groups,
            first((*conditionals, *group_items(groups)), "label"),
        )

    @classmethod
    def from_event(cls, record: LogRecord) -> IoUringRule | None:
        """Return `io_uring PERMS [label=LABEL],` for an io_uring record (§2.2).

        The label is the task whose credentials `override_creds` takes (the kernel's
        `tcontext=`, libapparmor's `peer_profile`).  None without a permission.
        """
        access = IoUringAccess(0)
        for word in mask_words(denied_mask(record)):
            access |= IO_URING_ACCESS.get(word, IoUringAccess(0))
        if not access:
            return None
        label = f" label={literal(record.peer_profile)}" if record.peer_profile else ""
        rule = rule_from_text(cls, f"io_uring{render_access(access, IoUringAccess)}{label},")
        return rule if isinstance(rule, IoUringRule) else None

    def render(self) -> str:
        return (
            f"{self.render_qualifiers()}io_uring{render_access(self.access, IoUringAccess)}"
            f"{render_conditional('label', self.label)},"
        )

    def validate(self) -> Iterator[Diagnostic]:
        yield from prefix_problems(self.qualifiers, "io_uring")
        yield from group_position(self.conditionals, self.groups)
        both = (*self.conditionals, *group_items(self.groups))
        yield from plain_conditionals(
            both,
            "io_uring",
            IO_URING_CONDITIONALS,
            lambda name: f'invalid io_uring conditional "{name}": io_uring rules take only label=',
        )
        yield from repeated(both, {"label": "io_uring"})
        for conditional in both:
            extra = extra_values(conditional)
            if extra is not None:
                yield problem(
                    Code.MULTIPLE_VALUES,
                    f'io_uring conditional "{conditional.name.text}" only supports a single value',
                    extra,
                )

    def applies_to(self, other: IoUringRule) -> bool:
        """Return whether every label `other` names is one this rule names too."""
        return covers_value(self.label, other.label)
