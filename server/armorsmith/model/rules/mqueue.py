"""Message queue rules: `mqueue [PERMS] [type=posix|sysv] [label=LABEL] [NAME],`.

Upstream: `mqueue_rule` in parser_yacc.y and mqueue.cc.  A POSIX queue is named by a path
(`/name`), a System V queue by a positive integer key; the name implies the type, and
contradicting an explicit `type=` is an error.  `label=` is the queue's label.  Without
permission words a rule allows every mqueue permission.  Only `=` is accepted, and
`owner` is rejected.
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
    first,
    group_not_allowed,
    plain_conditionals,
    prefix_problems,
    problem,
    render_access,
    render_conditional,
    repeated,
)
from .logged import denied_mask, literal, mask_words, rule_from_text

__all__ = ["MQUEUE_ACCESS", "MQUEUE_CONDITIONALS", "MqueueAccess", "MqueueRule", "MqueueType"]


class MqueueAccess(enum.Flag):
    """What an mqueue rule allows, in upstream's dump order."""

    WRITE = enum.auto()
    READ = enum.auto()
    OPEN = enum.auto()
    CREATE = enum.auto()
    DELETE = enum.auto()
    SETATTR = enum.auto()
    GETATTR = enum.auto()


MQUEUE_ACCESS = access_table(MqueueAccess, MqueueAccess.READ, MqueueAccess.WRITE)
"""Each permission word of mqueue rules and what it allows."""

MQUEUE_CONDITIONALS = ("type", "label")
"""The conditionals mqueue rules take."""


class MqueueType(enum.Enum):
    """The kind of message queue a rule is about."""

    POSIX = "posix"
    SYSV = "sysv"


@dataclass(frozen=True, slots=True)
class MqueueRule(PermissionRule, Rule):
    """`mqueue` with its permissions, conditionals and queue name.

    `conditionals` and `groups` are kept as written for validation; `type_value` and
    `label` are their typed reading.
    """

    KIND = "mqueue"
    NODE_TYPES = ("mqueue_rule",)

    access: MqueueAccess
    access_words: tuple[Word, ...]
    conditionals: tuple[Conditional, ...]
    groups: tuple[ConditionalGroup, ...]
    type_value: Value | None
    label: Value | None
    name: Value | None

    @classmethod
    def from_cst(cls, node: Node, ctx: LowerContext) -> MqueueRule:
        words = lower_access(node.child_by_field_name("permissions"), ctx.source)
        conditionals, groups = lower_conditionals(node, ctx.source)
        name = node.child_by_field_name("name")
        return cls(
            Span.of(node),
            ctx.qualifiers(node),
            access_of(words, MQUEUE_ACCESS, MqueueAccess(0)),
            words,
            conditionals,
            groups,
            first(conditionals, "type"),
            first(conditionals, "label"),
            ctx.value(name) if name is not None and not name.is_missing else None,
        )

    @property
    def queue_type(self) -> MqueueType | None:
        """The queue type the name implies, else the one `type=` names, else None (both)."""
        if self.name is not None:
            implied = _implied_type(self.name.text)
            if implied is not None:
                return implied
        if self.type_value is not None and self.type_value.text in ("posix", "sysv"):
            return MqueueType(self.type_value.text)
        return None

    @classmethod
    def from_event(cls, record: LogRecord) -> MqueueRule | None:
        """Return `mqueue PERMS type=posix|sysv [NAME],` for a message queue record (§2.2).

        The type is the record's class (`posix_mqueue`, `sysv_mqueue`); the name is the
        queue's path or System V key, absent when the kernel could not name the queue
        (`posix_mqueue_disconnected_no_name`).  None without a permission or a class.
        """
        queue_type = {"posix_mqueue": "posix", "sysv_mqueue": "sysv"}.get(record.class_ or "")
        access = MqueueAccess(0)
        for word in mask_words(denied_mask(record)):
            access |= MQUEUE_ACCESS.get(word, MqueueAccess(0))
        if queue_type is None or not access:
            return None
        name = f" {literal(record.name)}" if record.name else ""
        rule = rule_from_text(cls, f"mqueue{render_access(access, MqueueAccess)} type={queue_type}{name},")
        return rule if isinstance(rule, MqueueRule) else None

    def render(self) -> str:
        return (
            f"{self.render_qualifiers()}mqueue{render_access(self.access, MqueueAccess)}"
            f"{render_conditional('type', self.type_value)}"
            f"{render_conditional('label', self.label)}"
            f"{f' {self.name.raw}' if self.name is not None else ''},"
        )

    def validate(self) -> Iterator[Diagnostic]:
        yield from prefix_problems(self.qualifiers, "mqueue")
        yield from group_not_allowed(self.groups, "mqueue")
        yield from repeated(self.conditionals, {"type": "mqueue", "label": "mqueue"})
        yield from plain_conditionals(
            self.conditionals,
            "mqueue",
            MQUEUE_CONDITIONALS,
            lambda name: f'invalid mqueue rule conditional "{name}": it takes type= and label=',
        )
        written = self.type_value
        if written is not None and written.text not in ("posix", "sysv"):
            yield problem(
                Code.INVALID_MQUEUE_TYPE,
                f"mqueue invalid type='{written.text}': expected posix or sysv",
                written.span,
            )
        if self.name is not None:
            yield from self._name_problems(self.name)

    def _name_problems(self, name: Value) -> Iterator[Diagnostic]:
        implied = _implied_type(name.text)
        written = self.type_value.text if self.type_value is not None else None
        if implied is None:
            yield problem(
                Code.INVALID_MQUEUE_NAME,
                f"mqueue invalid name '{name.text}', message queue names must begin with a / "
                "or be a positive integer.",
                name.span,
            )
        elif implied is MqueueType.POSIX and written == "sysv":
            yield problem(
                Code.INVALID_MQUEUE_NAME,
                f"mqueue type=sysv invalid name '{name.text}', sysv message queues must be "
                "identified by a positive integer.",
                name.span,
            )
        elif implied is MqueueType.SYSV and written == "posix":
            yield problem(
                Code.INVALID_MQUEUE_NAME,
                f"mqueue type=posix invalid name '{name.text}', posix message queues names "
                "must begin with a /",
                name.span,
            )

    def applies_to(self, other: MqueueRule) -> bool:
        """Return whether every queue `other` names is one this rule names too."""
        mine, theirs = self.queue_type, other.queue_type
        if mine is not None and mine is not theirs:
            return False
        return covers_value(self.label, other.label) and covers_value(self.name, other.name)


def _implied_type(name: str) -> MqueueType | None:
    """Return the queue type a name implies (upstream `validate_qname`), or None."""
    if name.startswith("/"):
        return MqueueType.POSIX
    if name and name.isascii() and name.isdigit():
        return MqueueType.SYSV
    return None
