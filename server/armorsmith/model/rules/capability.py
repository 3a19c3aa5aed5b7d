"""Capability rules: `capability [NAME ...],` (upstream parser_yacc.y capability rule).

A bare `capability,` grants every capability.  Names are lower case without `CAP_`; the
built-in list is upstream's base_cap_names.h (a features file may add names).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from tree_sitter import Node

from armorsmith.diagnostics import Code, Diagnostic

from ..event import LogRecord
from ..rule import LowerContext, Rule, WholeAccess
from ..span import Span, Word
from .logged import rule_from_text, simple_word

__all__ = ["CAPABILITIES", "CapabilityRule"]

CAPABILITIES = frozenset(
    """
    audit_control audit_read audit_write block_suspend bpf checkpoint_restore chown
    dac_override dac_read_search fowner fsetid ipc_lock ipc_owner kill lease linux_immutable
    mac_admin mac_override mknod net_admin net_bind_service net_broadcast net_raw perfmon
    setfcap setgid setpcap setuid syslog sys_admin sys_boot sys_chroot sys_module sys_nice
    sys_pacct sys_ptrace sys_rawio sys_resource sys_time sys_tty_config wake_alarm
    """.split()
)
"""The capability names upstream's parser knows without a features file."""


@dataclass(frozen=True, slots=True)
class CapabilityRule(Rule):
    """`capability` with its names; no names means every capability."""

    KIND = "capability"
    NODE_TYPES = ("capability_rule",)

    names: tuple[Word, ...]

    @classmethod
    def from_cst(cls, node: Node, ctx: LowerContext) -> CapabilityRule:
        names = tuple(
            ctx.word(child) for child in node.named_children if child.type == "capability_name"
        )
        return cls(Span.of(node), ctx.qualifiers(node), names)

    @classmethod
    def from_event(cls, record: LogRecord) -> CapabilityRule | None:
        """Return `capability NAME,` for a `capable` record (libapparmor keeps the name of
        `capname=`, or of the old `name=`, in `name`); None without a readable name."""
        name = simple_word(record.name)
        if record.operation != "capable" or name is None:
            return None
        rule = rule_from_text(cls, f"capability {name.lower()},")
        return rule if isinstance(rule, CapabilityRule) else None

    @property
    def is_all(self) -> bool:
        """Whether the rule names no capability, and so covers them all."""
        return not self.names

    def render(self) -> str:
        names = "".join(" " + name for name in sorted({word.text for word in self.names}))
        return f"{self.render_qualifiers()}capability{names},"

    def validate(self) -> Iterator[Diagnostic]:
        owner = self.qualifiers.owner_word
        if owner is not None:
            yield Diagnostic.of(
                Code.QUALIFIER_NOT_ALLOWED,
                f"'{owner.text}' is not allowed on capability rules: it only applies to files",
                owner.span.start,
                owner.span.end,
            )
        for name in self.names:
            if name.text not in CAPABILITIES:
                yield Diagnostic.of(
                    Code.UNKNOWN_CAPABILITY,
                    f"unknown capability '{name.text}'",
                    name.span.start,
                    name.span.end,
                )

    def covers(self, other: Rule) -> bool:
        if not isinstance(other, CapabilityRule) or other.key() != self.key():
            return False
        if self.is_all:
            return True
        return not other.is_all and {w.text for w in other.names} <= {w.text for w in self.names}

    def grants(self, request: Rule) -> WholeAccess:
        if not isinstance(request, CapabilityRule) or request.is_all:
            return WholeAccess(0)
        if self.is_all or {w.text for w in request.names} <= {w.text for w in self.names}:
            return WholeAccess.ANY
        return WholeAccess(0)

    def merge(self, other: Rule) -> CapabilityRule | None:
        if not isinstance(other, CapabilityRule) or other.key() != self.key():
            return None
        if self.is_all or other.is_all:
            return self if self.is_all else other
        seen: dict[str, Word] = {}
        for word in (*self.names, *other.names):
            seen.setdefault(word.text, word)
        return CapabilityRule(self.span, self.qualifiers, tuple(seen.values()))

