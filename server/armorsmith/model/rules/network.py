"""Network rules: `network [PERMS] [DOMAIN] [TYPE|PROTOCOL] [conds] [peer=(conds)],`.

Upstream: the three `network_rule` productions of parser_yacc.y and network.cc.  A rule
names up to two words: a family (`inet`), a socket type (`stream`) or a protocol that maps
to a type (`tcp` is `stream`, `icmp` is inet `raw` with protocol icmp); one word that is not
a family is read as a type or protocol for every family.  The fine-grained conditionals
`ip=`, `port=`, `interface=` and `label=` restrict inet and inet6 sockets; `peer=(ip= port=
label=)` restricts the other end.  Without permission words a rule grants every network
permission.  `priority=` and `owner` are rejected.
"""

from __future__ import annotations

import enum
import socket
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
    group_items,
    group_position,
    prefix_problems,
    problem,
    render_access,
    render_conditional,
    render_peer,
    repeated,
)
from .logged import denied_mask, mask_words, rule_from_text, simple_word

__all__ = [
    "FAMILIES",
    "NETWORK_ACCESS",
    "NETWORK_CONDITIONALS",
    "NETWORK_PEER_CONDITIONALS",
    "PROTOCOLS",
    "SOCKET_TYPES",
    "Endpoint",
    "NetworkAccess",
    "NetworkRule",
    "parse_ip",
    "parse_port",
]


class NetworkAccess(enum.Flag):
    """Socket permissions, shared by network and unix rules, in upstream's dump order."""

    SEND = enum.auto()
    RECEIVE = enum.auto()
    CREATE = enum.auto()
    SHUTDOWN = enum.auto()
    CONNECT = enum.auto()
    SETATTR = enum.auto()
    GETATTR = enum.auto()
    BIND = enum.auto()
    ACCEPT = enum.auto()
    LISTEN = enum.auto()
    SETOPT = enum.auto()
    GETOPT = enum.auto()


LOCAL_ONLY = (
    NetworkAccess.CREATE
    | NetworkAccess.SHUTDOWN
    | NetworkAccess.SETATTR
    | NetworkAccess.GETATTR
    | NetworkAccess.BIND
    | NetworkAccess.LISTEN
    | NetworkAccess.SETOPT
    | NetworkAccess.GETOPT
)
"""Permissions on the local socket alone, which peer conditionals cannot restrict."""

NETWORK_ACCESS = access_table(NetworkAccess, NetworkAccess.RECEIVE, NetworkAccess.SEND)
"""Each permission word of network and unix rules, with the aliases `read`, `write`, `r`, `w`."""

FAMILIES = tuple("""
    unspec unix inet ax25 ipx appletalk netrom bridge atmpvc x25 inet6 rose netbeui security
    key netlink packet ash econet atmsvc rds sna irda pppox wanpipe llc ib mpls can tipc
    bluetooth iucv rxrpc isdn phonet ieee802154 caif alg nfc vsock kcm qipcrtr smc xdp mctp
    """.split())
"""The address families upstream's parser knows (base_af_names.h, without AF_MAX)."""

SOCKET_TYPES = ("stream", "dgram", "seqpacket", "rdm", "raw", "packet")
"""The socket types every family accepts in a network rule (network.cc AA_GEN_NET_ENT)."""

INET = ("inet", "inet6")
"""The families fine-grained conditionals apply to."""

PROTOCOLS: dict[str, dict[str, tuple[str, str | None]]] = {
    "inet": {"tcp": ("stream", None), "udp": ("dgram", None), "icmp": ("raw", "icmp")},
    "inet6": {"tcp": ("stream", None), "udp": ("dgram", None)},
}
"""Protocol words and the (type, protocol) they stand for, per family (network.cc)."""

NETWORK_CONDITIONALS = ("ip", "port", "interface", "label")
"""The fine-grained conditionals of network rules, for the local socket."""

_LOCAL_ONLY_CONDITIONALS = ("interface",)
"""Conditionals that cannot describe the peer."""

NETWORK_PEER_CONDITIONALS = tuple(name for name in NETWORK_CONDITIONALS if name not in _LOCAL_ONLY_CONDITIONALS)
"""The conditionals of network rules inside `peer=(...)`."""

Entry = tuple[str, str | None, str | None]
"""A (family, socket type, protocol) a rule applies to; None is any type or protocol."""


def parse_port(text: str) -> tuple[int, int] | None:
    """Return the port range of `port=N` or `port=N-M` (upstream `parse_port`), or None."""
    low, dash, high = text.partition("-")
    if dash:
        bounds = _port_number(low), _port_number(high)
        if bounds[0] is not None and bounds[1] is not None and bounds[0] <= bounds[1]:
            return bounds[0], bounds[1]
    number = _port_number(text)
    return (number, number) if number is not None else None


def _port_number(text: str) -> int | None:
    """Read a port as C's strtoul does (blanks and a sign first), up to 65535."""
    body = text.lstrip(" \t\n\r\f\v")
    sign = body[:1] if body[:1] in "+-" else ""
    digits = body[len(sign) :]
    if not digits or not digits.isascii() or not digits.isdigit():
        return None
    value = int(digits)
    if sign == "-" and value:
        return None  # strtoul wraps a negative number around to a huge one.
    return value if value <= 0xFFFF else None


def parse_ip(text: str) -> bytes | None:
    """Return the packed address of `ip=` (IPv6 first, then IPv4, as `inet_pton` reads
    them), b"" for `none`, or None when the text is not an address."""
    if text == "none":
        return b""
    for family in (socket.AF_INET6, socket.AF_INET):
        try:
            return socket.inet_pton(family, text)
        except (OSError, ValueError):
            continue
    return None


@dataclass(frozen=True, slots=True)
class Endpoint:
    """The fine-grained conditionals of one end of a socket: the local one or the peer.

    `sets_label` is true for `label:=` (the peer's label is assigned, not matched).
    """

    ip: Value | None = None
    port: Value | None = None
    interface: Value | None = None
    label: Value | None = None
    sets_label: bool = False

    @classmethod
    def of(cls, conditionals: tuple[Conditional, ...]) -> Endpoint:
        """Return the endpoint the conditionals describe (the first of a repeated name)."""
        label = next((item for item in conditionals if item.name.text == "label"), None)
        return cls(
            first(conditionals, "ip"),
            first(conditionals, "port"),
            first(conditionals, "interface"),
            label.first() if label is not None else None,
            label is not None and label.operator == ":=",
        )

    @property
    def restricts_address(self) -> bool:
        """Whether an address or a port is given (upstream `has_peer_conds`)."""
        return self.ip is not None or self.port is not None

    @property
    def is_restricted(self) -> bool:
        """Whether any conditional is given (upstream `has_local_conds`)."""
        return self.restricts_address or self.interface is not None or self.label is not None

    def covers(self, other: Endpoint) -> bool:
        """Return whether every socket end `other` matches is matched by this one."""
        if self.ip is not None:
            mine = parse_ip(self.ip.text)
            theirs = parse_ip(other.ip.text) if other.ip is not None else None
            if mine is None or mine != theirs:
                return False
        if self.port is not None:
            mine_port = parse_port(self.port.text)
            theirs_port = parse_port(other.port.text) if other.port is not None else None
            if mine_port is None or theirs_port is None:
                return False
            if not mine_port[0] <= theirs_port[0] <= theirs_port[1] <= mine_port[1]:
                return False
        if self.sets_label != other.sets_label and self.label is not None:
            return False
        if not covers_value(self.interface, other.interface):
            return False
        return covers_value(self.label, other.label)


@dataclass(frozen=True, slots=True)
class NetworkRule(PermissionRule, Rule):
    """`network` with its permissions, up to two socket words and its conditionals.

    `access` holds the permissions named (empty when none are written, which grants them
    all); `conditionals` and `groups` are kept as written for validation, and `local`
    and `peer` are their typed reading.
    """

    KIND = "network"
    NODE_TYPES = ("network_rule",)

    access: NetworkAccess
    access_words: tuple[Word, ...]
    domain: Word | None
    type: Word | None
    conditionals: tuple[Conditional, ...]
    groups: tuple[ConditionalGroup, ...]
    local: Endpoint
    peer: Endpoint

    @classmethod
    def from_cst(cls, node: Node, ctx: LowerContext) -> NetworkRule:
        words = lower_access(node.child_by_field_name("permissions"), ctx.source)
        conditionals, groups = lower_conditionals(node, ctx.source)
        domain = node.child_by_field_name("domain")
        kind = node.child_by_field_name("type")
        return cls(
            Span.of(node),
            ctx.qualifiers(node),
            access_of(words, NETWORK_ACCESS, NetworkAccess(0)),
            words,
            ctx.word(domain) if domain is not None else None,
            ctx.word(kind) if kind is not None else None,
            conditionals,
            groups,
            Endpoint.of(conditionals),
            Endpoint.of(group_items(groups)),
        )

    @classmethod
    def from_event(cls, record: LogRecord, *, addresses: bool = False) -> NetworkRule | None:
        """Return the network rule that allows a socket record (mediation.md §2.2).

        The rule names the family, the socket type and the denied permissions (all of them
        for old records that log none).  By default it stops there: the addresses and
        ports of a record are mostly ephemeral, and pinning them is aa-logprof's pitfall 6
        (§2.5).  With `addresses`, inet rules also get `ip=` and `port=` for the local end
        and, for permissions that involve the other end, `peer=(ip= port=)`, as
        aa-logprof proposes.  None without a known family, and for unix sockets (see
        `UnixRule.from_event`).
        """
        family = simple_word(record.net_family)
        if family is None or family not in FAMILIES or family == "unix":
            return None
        words = [word for word in mask_words(denied_mask(record)) if word in NETWORK_ACCESS]
        access = NetworkAccess(0)
        for word in words:
            access |= NETWORK_ACCESS[word]
        parts = ["network" + render_access(access, NetworkAccess), family]
        sock_type = simple_word(record.net_sock_type)
        if sock_type in SOCKET_TYPES:
            parts.append(sock_type)
        if addresses and family in INET:
            parts += _logged_endpoint(record.net_local_addr, record.net_local_port)
            if not access or access & ~LOCAL_ONLY:
                peer = _logged_endpoint(record.net_foreign_addr, record.net_foreign_port)
                if peer:
                    parts.append(f"peer=({' '.join(peer)})")
        rule = rule_from_text(cls, " ".join(parts) + ",")
        return rule if isinstance(rule, NetworkRule) else None

    @property
    def has_conditionals(self) -> bool:
        """Whether fine-grained conditionals limit the rule to inet and inet6 (upstream
        `has_local_conds() || has_peer_conds()`: a peer label alone does not)."""
        return self.local.is_restricted or self.peer.restricts_address

    def entries(self) -> frozenset[Entry] | None:
        """Return the (family, type, protocol) triples the rule applies to.

        None means every family and type; an empty set means the words name nothing
        upstream knows (`Invalid network entry.`).
        """
        families = INET if self.has_conditionals else FAMILIES
        if self.domain is None:
            if self.has_conditionals:
                return frozenset((family, None, None) for family in INET)
            return None
        first_word = self.domain.text
        if self.type is not None:
            return _pair_entries(first_word, self.type.text)
        if first_word in FAMILIES:
            return frozenset({(first_word, None, None)})
        return frozenset(
            entry for family in families for entry in _pair_entries(family, first_word)
        )

    def render(self) -> str:
        words = "".join(f" {word.text}" for word in (self.domain, self.type) if word is not None)
        return (
            f"{self.render_qualifiers()}network{render_access(self.access, NetworkAccess)}{words}"
            f"{_render_endpoint(self.local)}{_render_peer(self.peer)},"
        )

    def validate(self) -> Iterator[Diagnostic]:
        yield from prefix_problems(self.qualifiers, "network", priority=False)
        yield from group_position(self.conditionals, self.groups)
        yield from _conditional_problems(self.conditionals)
        peer_items = group_items(self.groups)
        yield from _conditional_problems(peer_items)
        for item in peer_items:
            if item.name.text in _LOCAL_ONLY_CONDITIONALS:
                yield problem(
                    Code.MISPLACED_CONDITIONAL,
                    "interface cannot be set for peer in network rules",
                    item.span,
                )
        yield from self._entry_problems()
        if self.peer.restricts_address:
            for word in self.access_words:
                if NETWORK_ACCESS.get(word.text, NetworkAccess(0)) & LOCAL_ONLY:
                    yield problem(
                        Code.PEER_ACCESS_CONFLICT,
                        "network 'create', 'shutdown', 'setattr', 'getattr', 'bind', 'listen', "
                        "'setopt', and/or 'getopt' accesses cannot be used with peer socket "
                        f"conditionals: '{word.text}' applies to the local socket only",
                        word.span,
                    )

    def _entry_problems(self) -> Iterator[Diagnostic]:
        if self.domain is None:
            return
        span = Span(self.domain.span.start, (self.type or self.domain).span.end)
        if not self.entries():
            yield problem(
                Code.INVALID_NETWORK_ENTRY,
                f"Invalid network entry: unknown family, type or protocol '{_words(self)}'",
                span,
            )
        elif (
            self.has_conditionals and self.domain.text in FAMILIES and self.domain.text not in INET
        ):
            yield problem(
                Code.NETWORK_FAMILY_CONDITIONALS,
                f"network family '{self.domain.text}' does not support local or peer conditionals"
                " (only inet and inet6 do)",
                self.domain.span,
            )

    def applies_to(self, other: NetworkRule) -> bool:
        """Return whether every socket `other` names is one this rule names too."""
        return (
            _entries_cover(self.entries(), other.entries())
            and self.local.covers(other.local)
            and self.peer.covers(other.peer)
        )


def _logged_endpoint(addr: str | None, port: int | None) -> list[str]:
    """Return the `ip=` and `port=` conditionals of one end of a logged socket."""
    parts = []
    if addr and parse_ip(addr) is not None and addr != "none":
        parts.append(f"ip={addr}")
    if port is not None and 0 <= port <= 0xFFFF:
        parts.append(f"port={port}")
    return parts


def _pair_entries(family: str, word: str) -> frozenset[Entry]:
    if family not in FAMILIES:
        return frozenset()
    if word in SOCKET_TYPES:
        return frozenset({(family, word, None)})
    mapped = PROTOCOLS.get(family, {}).get(word)
    return frozenset({(family, *mapped)}) if mapped is not None else frozenset()


def _entries_cover(mine: frozenset[Entry] | None, theirs: frozenset[Entry] | None) -> bool:
    if mine is None:
        return True
    if theirs is None:
        return False
    return all(
        any(
            family == their_family
            and kind in (None, their_kind)
            and protocol in (None, their_protocol)
            for family, kind, protocol in mine
        )
        for their_family, their_kind, their_protocol in theirs
    )


def _conditional_problems(conditionals: tuple[Conditional, ...]) -> Iterator[Diagnostic]:
    """Yield upstream `network_rule::move_conditionals` errors for one list."""
    yield from repeated(
        conditionals, dict.fromkeys(NETWORK_CONDITIONALS, "network")
    )
    for conditional in conditionals:
        name = conditional.name.text
        value = conditional.first()
        if name == "label":
            if conditional.operator not in ("=", ":="):
                yield problem(
                    Code.CONDITIONAL_OPERATOR,
                    "unsupported operator in label conditional of network rules: use '=' or ':='",
                    conditional.span,
                )
        elif conditional.operator != "=":
            yield problem(
                Code.CONDITIONAL_OPERATOR,
                f"unsupported operator used in conditions of network rules: write {name}=VALUE",
                conditional.span,
            )
        elif name not in ("ip", "port", "interface"):
            yield problem(
                Code.UNKNOWN_CONDITIONAL,
                f'invalid network rule conditional "{name}"',
                conditional.name.span,
            )
        elif value is None:
            continue
        elif name == "ip" and parse_ip(value.text) is None:
            yield problem(
                Code.INVALID_IP_ADDRESS,
                f"network invalid ip='{value.text}': expected an IPv4 or IPv6 address or none",
                value.span,
            )
        elif name == "port" and parse_port(value.text) is None:
            yield problem(
                Code.INVALID_PORT,
                f"network invalid port='{value.text}': expected a port or a range N-M of 0..65535",
                value.span,
            )


def _words(rule: NetworkRule) -> str:
    return " ".join(word.text for word in (rule.domain, rule.type) if word is not None)


def _render_endpoint(endpoint: Endpoint) -> str:
    label = ""
    if endpoint.label is not None:
        label = f" label{':=' if endpoint.sets_label else '='}{endpoint.label.raw}"
    return (
        render_conditional("ip", endpoint.ip)
        + render_conditional("port", endpoint.port)
        + render_conditional("interface", endpoint.interface)
        + label
    )


def _render_peer(endpoint: Endpoint) -> str:
    return render_peer(_render_endpoint(endpoint))
