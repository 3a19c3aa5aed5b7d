"""D-Bus rules: `dbus [PERMS] [bus= path= interface= member= name=] [peer=(name= label=)],`.

Upstream: `dbus_rule` in parser_yacc.y and dbus.cc.  A rule is one of two kinds:

- a message rule (`send`, `receive`) names the message with `path=`, `interface=` and
  `member=` and the other end with `peer=(name= label=)`;
- a service rule (`bind`) names the bus name the profile may own with a `name=` outside
  `peer=()`.

`eavesdrop` takes only `bus=`.  Every conditional takes a single value with `=`, once per
rule: upstream fills the same slots from the rule and from its `peer=()`, so `bus=`, `path=`,
`interface=` and `member=` may stand on either side, while `label=` belongs inside.
Without permission words a message rule allows `send` and `receive`, a service rule
`bind`, and a rule with neither kind of conditional everything.  `owner` is rejected.
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
    render_peer,
    repeated,
)
from .logged import denied_mask, literal, mask_words, rule_from_text, simple_word

__all__ = ["DBUS_ACCESS", "DBUS_CONDITIONALS", "DBUS_PEER_CONDITIONALS", "DBUS_PEER_ONLY", "DbusAccess", "DbusRule"]


class DbusAccess(enum.Flag):
    """What a dbus rule allows, in upstream's dump order."""

    SEND = enum.auto()
    RECEIVE = enum.auto()
    BIND = enum.auto()
    EAVESDROP = enum.auto()


DBUS_ACCESS = access_table(DbusAccess, DbusAccess.RECEIVE, DbusAccess.SEND)
"""Each permission word of dbus rules and what it allows."""

DBUS_CONDITIONALS = ("bus", "name", "label", "path", "interface", "member")
"""The conditionals upstream's dbus rules know."""

DBUS_PEER_ONLY = ("label",)
"""Conditionals that may only be written inside `peer=()`."""

DBUS_PEER_CONDITIONALS = ("name", *DBUS_PEER_ONLY)
"""The conditionals that describe the other end of a message, inside `peer=()`."""

_KNOWN = ", ".join(DBUS_CONDITIONALS)


@dataclass(frozen=True, slots=True)
class DbusRule(PermissionRule, Rule):
    """`dbus` with its permissions and conditionals.

    `name` is the bus name of a service rule (written outside `peer=()`), `peer_name` and
    `peer_label` the other end of a message rule.  `access` holds the permissions named
    (empty when none are written; see `allowed`).  `conditionals` and `groups` are kept as
    written for validation; the other fields are their typed reading.
    """

    KIND = "dbus"
    NODE_TYPES = ("dbus_rule",)

    access: DbusAccess
    access_words: tuple[Word, ...]
    conditionals: tuple[Conditional, ...]
    groups: tuple[ConditionalGroup, ...]
    bus: Value | None
    path: Value | None
    interface: Value | None
    member: Value | None
    name: Value | None
    peer_name: Value | None
    peer_label: Value | None

    @classmethod
    def from_cst(cls, node: Node, ctx: LowerContext) -> DbusRule:
        words = lower_access(node.child_by_field_name("permissions"), ctx.source)
        conditionals, groups = lower_conditionals(node, ctx.source)
        peer = group_items(groups)
        both = (*conditionals, *peer)
        return cls(
            Span.of(node),
            ctx.qualifiers(node),
            access_of(words, DBUS_ACCESS, DbusAccess(0)),
            words,
            conditionals,
            groups,
            first(both, "bus"),
            first(both, "path"),
            first(both, "interface"),
            first(both, "member"),
            first(conditionals, "name"),
            first(peer, "name"),
            first(both, "label"),
        )

    @classmethod
    def from_event(cls, record: LogRecord) -> DbusRule | None:
        """Return the dbus rule that allows a dbus-daemon or dbus-broker record (§2.2, §4).

        `send` and `receive` name the bus, path, interface and member and the other end's
        label; a sender's rule also names the destination when the message went to a
        well-known name (aa-logprof drops it, §2.5 pitfall 5; a unique name `:1.42` changes
        with every connection and is left out).  `bind` names the bus name owned,
        `eavesdrop` only the bus.  None without a permission.
        """
        access = DbusAccess(0)
        for word in mask_words(denied_mask(record)):
            access |= DBUS_ACCESS.get(word, DbusAccess(0))
        if not access or not (record.operation or "").startswith("dbus"):
            return None
        parts = ["dbus" + render_access(access, DbusAccess)]
        bus = simple_word(record.dbus_bus)
        if bus is not None:
            parts.append(f"bus={bus}")
        if access & (DbusAccess.SEND | DbusAccess.RECEIVE):
            for name, value in (
                ("path", record.dbus_path),
                ("interface", record.dbus_interface),
                ("member", record.dbus_member),
            ):
                if value:
                    parts.append(f"{name}={literal(value)}")
            peer = []
            if access == DbusAccess.SEND and record.name and not record.name.startswith(":"):
                peer.append(f"name={literal(record.name)}")
            if record.peer_profile:
                peer.append(f"label={literal(record.peer_profile)}")
            if peer:
                parts.append(f"peer=({' '.join(peer)})")
        elif access & DbusAccess.BIND and record.name:
            parts.append(f"name={literal(record.name)}")
        rule = rule_from_text(cls, " ".join(parts) + ",")
        return rule if isinstance(rule, DbusRule) else None

    @property
    def is_message_rule(self) -> bool:
        """Whether the rule names a message or its peer (upstream `message_rule`)."""
        return any(
            value is not None
            for value in (self.path, self.interface, self.member, self.peer_label, self.peer_name)
        )

    @property
    def is_service_rule(self) -> bool:
        """Whether the rule names a bus name to own (upstream `service_rule`)."""
        return self.name is not None

    @property
    def allowed(self) -> DbusAccess:
        """The permissions the rule grants: those named, or those its kind implies."""
        if self.access:
            return self.access
        if self.is_message_rule:
            return DbusAccess.SEND | DbusAccess.RECEIVE
        if self.is_service_rule:
            return DbusAccess.BIND
        return ~DbusAccess(0)

    def render(self) -> str:
        local = "".join(
            render_conditional(name, value)
            for name, value in (
                ("bus", self.bus),
                ("path", self.path),
                ("interface", self.interface),
                ("member", self.member),
                ("name", self.name),
            )
        )
        peer = render_peer(
            render_conditional("name", self.peer_name), render_conditional("label", self.peer_label)
        )
        return (
            f"{self.render_qualifiers()}dbus{render_access(self.access, DbusAccess)}{local}{peer},"
        )

    def validate(self) -> Iterator[Diagnostic]:
        yield from prefix_problems(self.qualifiers, "dbus")
        yield from group_position(self.conditionals, self.groups)
        peer = group_items(self.groups)
        both = (*self.conditionals, *peer)
        yield from plain_conditionals(
            both,
            "dbus",
            DBUS_CONDITIONALS,
            lambda name: f'invalid dbus conditional "{name}": it takes {_KNOWN}',
        )
        yield from repeated(both, dict.fromkeys(DBUS_CONDITIONALS, "dbus"))
        for conditional in both:
            extra = extra_values(conditional)
            if extra is not None:
                yield problem(
                    Code.MULTIPLE_VALUES,
                    f'dbus conditional "{conditional.name.text}" only supports a single value',
                    extra,
                )
        for conditional in self.conditionals:
            if conditional.name.text in DBUS_PEER_ONLY:
                yield problem(
                    Code.MISPLACED_CONDITIONAL,
                    'dbus "label" conditional can only be used inside of the "peer=()" grouping',
                    conditional.span,
                )
        yield from self._kind_problems()

    def _kind_problems(self) -> Iterator[Diagnostic]:
        """Yield the errors of permissions and conditionals that do not go together."""
        if self.is_message_rule and self.name is not None:
            yield problem(
                Code.DBUS_MIXED_CONDITIONALS,
                "dbus rule contains message conditionals and service conditionals: "
                "name= outside peer=() is the bus name to bind",
                self.name.span,
            )
        for word in self.access_words:
            granted = DBUS_ACCESS.get(word.text, DbusAccess(0))
            message = None
            if granted & DbusAccess.BIND and self.is_message_rule:
                message = 'dbus "bind" access cannot be used with message rule conditionals'
            elif granted & (DbusAccess.SEND | DbusAccess.RECEIVE) and self.is_service_rule:
                message = (
                    'dbus "send" and/or "receive" accesses cannot be used with service rule '
                    "conditionals"
                )
            elif granted & DbusAccess.EAVESDROP and (self.is_message_rule or self.is_service_rule):
                message = 'dbus "eavesdrop" access can only contain a bus conditional'
            if message is not None:
                yield problem(Code.DBUS_ACCESS_CONFLICT, message, word.span)

    def applies_to(self, other: DbusRule) -> bool:
        """Return whether every message, bus name and peer `other` names is one this names."""
        return all(
            covers_value(mine, theirs)
            for mine, theirs in (
                (self.bus, other.bus),
                (self.path, other.path),
                (self.interface, other.interface),
                (self.member, other.member),
                (self.name, other.name),
                (self.peer_name, other.peer_name),
                (self.peer_label, other.peer_label),
            )
        )
