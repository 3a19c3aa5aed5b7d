"""Tests of network rules (armorsmith.model.rules.network): text, problems, covers, merge."""

from __future__ import annotations

import pytest

from armorsmith.model.rules.network import NetworkAccess, parse_port
from rulecheck import covers, merged, problems, rendered, rule

RENDERED = [
    ("network", "network,"),
    ("network (send, receive) inet tcp", "network (send receive) inet tcp,"),
    ("deny network rw inet6", "deny network (send receive) inet6,"),
    (
        "network inet ip=1.2.3.4 port=80 peer=(ip=::1 port=22)",
        "network inet ip=1.2.3.4 port=80 peer=(ip=::1 port=22),",
    ),
    ('network tcp label=foo interface="eth*"', 'network tcp interface="eth*" label=foo,'),
    ("network (connect) peer=(label := foo)", "network connect peer=(label:=foo),"),
]


@pytest.mark.parametrize(("text", "expected"), RENDERED)
def test_render(text: str, expected: str) -> None:
    """Ensure that a network rule renders its words in order and keeps values as written."""
    assert rendered(text) == expected


PROBLEMS = [
    ("network inet tcp", []),
    ("network icmp", []),
    ("network packet packet", []),
    ("network netlink raw", []),
    ("network foo", [("invalid-network-entry", "foo")]),
    ("network inet foo", [("invalid-network-entry", "inet foo")]),
    ("network inet6 icmp", [("invalid-network-entry", "inet6 icmp")]),
    ("network tcp inet", [("invalid-network-entry", "tcp inet")]),
    ("network inet dccp", [("invalid-network-entry", "inet dccp")]),
    ("network ip=none port=0-65535", []),
    ("network ip=fe80::fc54:ff:fece:e21f", []),
    ("network ip=10", [("invalid-ip-address", "10")]),
    ("network ip=192.168.0.1/24", [("invalid-ip-address", "192.168.0.1/24")]),
    ("network ip=[::1]", [("invalid-ip-address", "[::1]")]),
    ("network port=65536", [("invalid-port", "65536")]),
    ("network port=443-80", [("invalid-port", "443-80")]),
    ("network port=22-", [("invalid-port", "22-")]),
    ("network port=-1", [("invalid-port", "-1")]),
    ("network port=+22", []),
    ("network unix ip=1.2.3.4", [("network-family-conditionals", "unix")]),
    ("network netlink label=foo", [("network-family-conditionals", "netlink")]),
    ("network unix peer=(label=foo)", []),
    ("network stream ip=1.2.3.4", []),
    ("network create peer=(ip=::1)", [("peer-access-conflict", "create")]),
    ("network (send bind) peer=(port=22)", [("peer-access-conflict", "bind")]),
    ("network (create send) peer=(label=foo)", []),
    ("network peer=(ip=::1)", []),
    ("network accept peer=(ip=::1)", []),
    ("network peer=(interface=lo)", [("misplaced-conditional", "interface=lo")]),
    ("network ip=1.2.3.4 ip=::1", [("duplicate-conditional", "ip=::1")]),
    ("network ip in (127.0.0.1)", [("conditional-operator", "ip in (127.0.0.1)")]),
    ("network peer=(ip)", [("conditional-operator", "ip")]),
    ("network send type=dgram", [("unknown-conditional", "type")]),
    ("priority=1 network", [("qualifier-not-allowed", "priority=1")]),
    ("priority=0 network", []),
    ("owner network", [("qualifier-not-allowed", "owner")]),
    ("audit deny network inet", []),
    ("network peer=(ip=::1) port=22", [("peer-group-not-last", "port=22")]),
    ("network peer=(ip=::1) peer=(port=22)", [("peer-group-not-last", "peer=(port=22)")]),
]


@pytest.mark.parametrize(("text", "expected"), PROBLEMS)
def test_problems(text: str, expected: list[tuple[str, str]]) -> None:
    """Ensure that validate() reports upstream's network errors on the offending text."""
    assert problems(text) == expected


def test_label_assignment_without_blanks() -> None:
    """Ensure that `peer=(label:=X)` is read as the condition `label` (upstream's lexer
    stops a condition name before `:=`)."""
    assert problems("network connect peer=(label:=foo)") == []


def test_upstream_wording() -> None:
    """Ensure that messages start with upstream's wording."""
    (port,) = rule("network port=test").validate()
    assert port.message.startswith("network invalid port='test'")
    (entry,) = rule("network foo").validate()
    assert entry.message.startswith("Invalid network entry")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("80", (80, 80)),
        ("0", (0, 0)),
        ("1-1024", (1, 1024)),
        ("5-5", (5, 5)),
        ("-0", (0, 0)),
        ("65536", None),
        ("2-1", None),
        ("22--443", None),
        ("22-443-1024", None),
        ("x", None),
        ("", None),
    ],
)
def test_parse_port(text: str, expected: tuple[int, int] | None) -> None:
    """Ensure that ports are read as upstream's strtoul-based parse_port reads them."""
    assert parse_port(text) == expected


COVERS = [
    ("network", "network inet stream ip=1.2.3.4", True),
    ("network inet", "network inet tcp", True),
    ("network tcp", "network inet stream", True),
    ("network inet tcp", "network tcp", False),
    ("network inet stream", "network inet", False),
    ("network inet raw", "network inet icmp", True),
    ("network inet icmp", "network inet raw", False),
    ("network stream", "network unix stream", True),
    ("network inet port=1-1024", "network inet port=80", True),
    ("network inet port=80", "network inet port=1-1024", False),
    ("network ip=::1", "network ip=0:0:0:0:0:0:0:1", True),
    ("network ip=127.0.0.1", "network", False),
    ("network ip=1.2.3.4", "network inet ip=1.2.3.4", True),
    ("network inet ip=1.2.3.4", "network ip=1.2.3.4", False),
    ("network send", "network (send receive)", False),
    ("network rw", "network (send receive)", True),
    ("network peer=(label=foo*)", "network peer=(label=foobar)", True),
    ("network peer=(label=foo)", "network peer=(label:=foo)", False),
    ("deny network", "network inet", False),
]


@pytest.mark.parametrize(("outer", "inner", "expected"), COVERS)
def test_covers(outer: str, inner: str, expected: bool) -> None:
    """Ensure that covers() compares families, types, addresses, port ranges and labels."""
    assert covers(outer, inner) is expected


MERGED = [
    ("network send inet", "network receive inet", "network (send receive) inet,"),
    ("network inet", "network inet tcp", "network inet,"),
    ("network send inet", "network receive inet6", None),
    ("network send ip=::1", "network receive ip=::2", None),
]


@pytest.mark.parametrize(("first", "second", "expected"), MERGED)
def test_merge(first: str, second: str, expected: str | None) -> None:
    """Ensure that merge() joins permissions of rules that differ in nothing else."""
    assert merged(first, second) == expected


def test_grants() -> None:
    """Ensure that grants() gives the requested permissions a rule applies to."""
    request = rule("network (send connect) inet stream ip=10.0.0.1 port=443")
    assert request.requested() == NetworkAccess.SEND | NetworkAccess.CONNECT
    assert rule("network inet tcp").grants(request) == request.requested()
    assert rule("network send inet port=1-1024").grants(request) == NetworkAccess.SEND
    assert rule("network inet6").grants(request) == NetworkAccess(0)
