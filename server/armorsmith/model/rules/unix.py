"""Unix socket rules: `unix [PERMS] [type=T] [addr=A] [peer=(addr=A label=L)],`.

Upstream: `unix_rule` in parser_yacc.y, af_unix.cc and af_rule.cc.  The permissions are
those of network rules.  `type=` and `addr=` describe the local socket, `label=` and
`addr=` inside `peer=()` the other end; an address is abstract (`@name`), `none` or
`auto`, since sockets bound to a path are mediated as files.  Without permission words a
rule grants every socket permission.  `owner` is rejected.
"""

from __future__ import annotations

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
    covers_value,
    extra_values,
    first,
    group_items,
    group_position,
    prefix_problems,
    problem,
    render_access,
    render_conditional,
    render_peer,
    repeated,
)
from .logged import denied_mask, literal, mask_words, rule_from_text, simple_word
from .network import LOCAL_ONLY, NETWORK_ACCESS, NetworkAccess

__all__ = ["UNIX_CONDITIONALS", "UNIX_PEER_CONDITIONALS", "UNIX_SOCKET_TYPES", "UnixRule"]

UNIX_SOCKET_TYPES = ("none", "stream", "dgram", "raw", "rdm", "seqpacket", "dccp", "packet")
"""The names `type=` accepts (network.cc `sock_types`)."""

_SIDES = {"type": "local", "protocol": "local", "label": "peer", "addr": "either"}
"""The conditionals unix rules know and the side each belongs to: those every socket rule
knows (af_rule.cc) and `addr`."""

_UNSUPPORTED = ("protocol",)
"""Conditionals upstream knows but does not support yet."""

UNIX_CONDITIONALS = tuple(name for name, side in _SIDES.items() if side != "peer" and name not in _UNSUPPORTED)
"""The conditionals a unix rule takes for its local socket, outside `peer=(...)`."""

UNIX_PEER_CONDITIONALS = tuple(name for name, side in _SIDES.items() if side != "local" and name not in _UNSUPPORTED)
"""The conditionals a unix rule takes inside `peer=(...)`."""


@dataclass(frozen=True, slots=True)
class UnixRule(PermissionRule, Rule):
    """`unix` with its permissions and conditionals.

    `access` holds the permissions named (empty when none are written, which grants them
    all); `conditionals` and `groups` are kept as written for validation, the other
    fields are their typed reading.
    """

    KIND = "unix"
    NODE_TYPES = ("unix_rule",)

    access: NetworkAccess
    access_words: tuple[Word, ...]
    conditionals: tuple[Conditional, ...]
    groups: tuple[ConditionalGroup, ...]
    socket_type: Value | None
    addr: Value | None
    peer_addr: Value | None
    peer_label: Value | None

    @classmethod
    def from_cst(cls, node: Node, ctx: LowerContext) -> UnixRule:
        words = lower_access(node.child_by_field_name("permissions"), ctx.source)
        conditionals, groups = lower_conditionals(node, ctx.source)
        peer = group_items(groups)
        return cls(
            Span.of(node),
            ctx.qualifiers(node),
            access_of(words, NETWORK_ACCESS, NetworkAccess(0)),
            words,
            conditionals,
            groups,
            first(conditionals, "type"),
            first(conditionals, "addr"),
            first(peer, "addr"),
            first(peer, "label"),
        )

    @classmethod
    def from_event(cls, record: LogRecord) -> UnixRule | None:
        """Return the unix rule that allows a record of an abstract or anonymous socket.

        The rule has the denied permissions (the requested ones when the record has no
        denied mask, as `file_inherit` records may: aa-logprof ignores those, §2.5 pitfall
        8), the socket type, the local address, and, for permissions that involve the
        other end, its address and label (`peer=`, which aa-logprof drops: pitfall 5).
        Sockets bound to a path are file records.  None for other families and without
        a permission.
        """
        if record.net_family != "unix":
            return None
        access = NetworkAccess(0)
        for word in mask_words(denied_mask(record)):
            access |= NETWORK_ACCESS.get(word, NetworkAccess(0))
        if not access:
            return None
        parts = ["unix" + render_access(access, NetworkAccess)]
        sock_type = simple_word(record.net_sock_type)
        if sock_type in UNIX_SOCKET_TYPES:
            parts.append(f"type={sock_type}")
        addr = _logged_address(record.net_addr)
        if addr is not None:
            parts.append(f"addr={addr}")
        if access & ~LOCAL_ONLY:
            peer = []
            peer_addr = _logged_address(record.peer_addr)
            if peer_addr is not None:
                peer.append(f"addr={peer_addr}")
            if record.peer:
                peer.append(f"label={literal(record.peer)}")
            if peer:
                parts.append(f"peer=({' '.join(peer)})")
        rule = rule_from_text(cls, " ".join(parts) + ",")
        return rule if isinstance(rule, UnixRule) else None

    @property
    def has_peer(self) -> bool:
        """Whether the peer is restricted (upstream `has_peer_conds`)."""
        return self.peer_addr is not None or self.peer_label is not None

    def render(self) -> str:
        peer = render_peer(
            render_conditional("addr", self.peer_addr), render_conditional("label", self.peer_label)
        )
        return (
            f"{self.render_qualifiers()}unix{render_access(self.access, NetworkAccess)}"
            f"{render_conditional('type', self.socket_type)}{render_conditional('addr', self.addr)}"
            f"{peer},"
        )

    def validate(self) -> Iterator[Diagnostic]:
        yield from prefix_problems(self.qualifiers, "unix")
        yield from group_position(self.conditionals, self.groups)
        yield from _conditional_problems(self.conditionals, peer=False)
        yield from _conditional_problems(group_items(self.groups), peer=True)
        if self.has_peer:
            for word in self.access_words:
                if NETWORK_ACCESS.get(word.text, NetworkAccess(0)) & LOCAL_ONLY:
                    yield problem(
                        Code.PEER_ACCESS_CONFLICT,
                        "unix socket 'create', 'shutdown', 'setattr', 'getattr', 'bind', "
                        "'listen', 'setopt', and/or 'getopt' accesses cannot be used with peer "
                        f"socket conditionals: '{word.text}' applies to the local socket only",
                        word.span,
                    )

    def applies_to(self, other: UnixRule) -> bool:
        """Return whether every socket `other` names is one this rule names too."""
        return all(
            covers_value(mine, theirs)
            for mine, theirs in (
                (self.socket_type, other.socket_type),
                (self.addr, other.addr),
                (self.peer_addr, other.peer_addr),
                (self.peer_label, other.peer_label),
            )
        )


def _conditional_problems(
    conditionals: tuple[Conditional, ...], *, peer: bool
) -> Iterator[Diagnostic]:
    """Yield upstream's errors for the local conditionals or those inside `peer=()`."""
    owners = {"addr": "unix" if peer else "unix socket", "type": "socket rule", "label": "unix"}
    yield from repeated(conditionals, owners)
    for conditional in conditionals:
        found = _check(conditional, peer=peer)
        if found is not None:
            yield found


def _check(conditional: Conditional, *, peer: bool) -> Diagnostic | None:
    """Return the first error upstream's `cond_check` and `move_*conditionals` find."""
    name = conditional.name.text
    # Upstream names the rule "unknown" when it reports on the conditionals every socket
    # rule shares (af_rule.cc move_base_cond).
    rule = "unix" if name == "addr" else "unknown"
    side = _SIDES.get(name)
    if side is None:
        where = "peer " if peer else ""
        return problem(
            Code.UNKNOWN_CONDITIONAL,
            f"unix rule: invalid {where}conditional '{name}'",
            conditional.name.span,
        )
    if name in _UNSUPPORTED:
        return problem(
            Code.UNKNOWN_CONDITIONAL,
            f"{rule} rule: 'protocol' conditional is not currently supported",
            conditional.name.span,
        )
    if side == "peer" and not peer:
        return problem(
            Code.MISPLACED_CONDITIONAL,
            f"{rule} rule: '{name}' conditional is only valid in the peer expression: "
            f"write peer=({name}=...)",
            conditional.span,
        )
    if side == "local" and peer:
        return problem(
            Code.MISPLACED_CONDITIONAL,
            f"{rule} rule: '{name}' conditional is not allowed in the peer expression",
            conditional.span,
        )
    if conditional.operator != "=":
        return problem(
            Code.CONDITIONAL_OPERATOR,
            f"{rule} rule: operator used is not allowed in '{name}' socket conditional: "
            f"write {name}=VALUE",
            conditional.span,
        )
    extra = extra_values(conditional)
    if extra is not None:
        return problem(
            Code.MULTIPLE_VALUES,
            f"{rule} rule: conditional '{name}' only supports a single value",
            extra,
        )
    value = conditional.first()
    if value is None:
        return None
    if name == "type" and value.text not in UNIX_SOCKET_TYPES:
        return problem(
            Code.INVALID_SOCKET_TYPE,
            f"socket rule: invalid socket type '{value.text}'",
            value.span,
        )
    if name == "addr" and not (value.text.startswith("@") or value.text in ("none", "auto")):
        return problem(
            Code.INVALID_UNIX_ADDRESS,
            f"unix rule: invalid value for addr='{value.text}': "
            "expected an abstract name starting with '@', none or auto",
            value.span,
        )
    return None


def _logged_address(addr: str | None) -> str | None:
    """Return a logged unix address as a rule value, or None for `none`, `?` and nothing.

    The kernel logs an abstract name with the padding of its fixed-size buffer: trailing
    NUL bytes are not part of the name.
    """
    if not addr or addr in ("none", "?"):
        return None
    return literal(addr.rstrip("\x00"))
