"""Tests of unix rules (armorsmith.model.rules.unix): text, problems, covers, merge."""

from __future__ import annotations

import pytest

from armorsmith.model.rules.network import NetworkAccess
from rulecheck import covers, merged, problems, rendered, rule

RENDERED = [
    ("unix", "unix,"),
    (
        "unix (connect, send, receive) type=stream peer=(label=foo addr=@bar)",
        "unix (send receive connect) type=stream peer=(addr=@bar label=foo),",
    ),
    ("deny unix bind addr=@foo", "deny unix bind addr=@foo,"),
    ("unix rw type=dgram addr=none", "unix (send receive) type=dgram addr=none,"),
    ("unix peer=(label=splat\\ )", "unix peer=(label=splat\\ ),"),
]


@pytest.mark.parametrize(("text", "expected"), RENDERED)
def test_render(text: str, expected: str) -> None:
    """Ensure that a unix rule renders its permissions, local part and peer canonically."""
    assert rendered(text) == expected


PROBLEMS = [
    ("unix (send receive) type=stream addr=@foo peer=(addr=@bar label=baz)", []),
    ("unix addr=auto", []),
    ("unix type=seqpacket", []),
    ("unix type=none", []),
    ("unix type=foo", [("invalid-socket-type", "foo")]),
    ("unix addr=/tmp/sock", [("invalid-unix-address", "/tmp/sock")]),
    ("unix peer=(addr=abc)", [("invalid-unix-address", "abc")]),
    ("unix label=foo", [("misplaced-conditional", "label=foo")]),
    ("unix peer=(type=stream)", [("misplaced-conditional", "type=stream")]),
    ("unix protocol=1", [("unknown-conditional", "protocol")]),
    ("unix opt=foo", [("unknown-conditional", "opt")]),
    ("unix peer=(r=foo)", [("unknown-conditional", "r")]),
    ("unix type=dgram type=stream", [("duplicate-conditional", "type=stream")]),
    ("unix type in (dgram, stream)", [("conditional-operator", "type in (dgram, stream)")]),
    ("unix type=(dgram, stream)", [("multiple-values", "stream")]),
    ("unix bind peer=(label=foo)", [("peer-access-conflict", "bind")]),
    ("unix (send, listen) peer=(addr=@x)", [("peer-access-conflict", "listen")]),
    ("unix (connect, accept) peer=(addr=@x)", []),
    ("unix create addr=@foo", []),
    ("owner unix", [("qualifier-not-allowed", "owner")]),
    ("priority=1 unix", []),
    ("unix peer=(label=a) type=stream", [("peer-group-not-last", "type=stream")]),
]


@pytest.mark.parametrize(("text", "expected"), PROBLEMS)
def test_problems(text: str, expected: list[tuple[str, str]]) -> None:
    """Ensure that validate() reports upstream's unix errors on the offending text."""
    assert problems(text) == expected


def test_upstream_wording() -> None:
    """Ensure that messages keep upstream's wording, including its 'unknown rule' naming."""
    (label,) = rule("unix label=foo").validate()
    assert label.message.startswith(
        "unknown rule: 'label' conditional is only valid in the peer expression"
    )
    (twice,) = rule("unix type=dgram type=stream").validate()
    assert twice.message == 'socket rule conditional "type" can only be specified once'


COVERS = [
    ("unix", "unix send type=stream peer=(label=foo)", True),
    ("unix type=stream", "unix type=stream addr=@foo", True),
    ("unix type=stream", "unix", False),
    ("unix peer=(label=/usr/bin/*)", "unix peer=(label=/usr/bin/foo)", True),
    ("unix addr=@foo*", "unix addr=@foobar", True),
    ("unix send", "unix (send receive)", False),
    ("deny unix", "unix", False),
]


@pytest.mark.parametrize(("outer", "inner", "expected"), COVERS)
def test_covers(outer: str, inner: str, expected: bool) -> None:
    """Ensure that covers() compares permissions, type, addresses and the peer label."""
    assert covers(outer, inner) is expected


MERGED = [
    ("unix send type=stream", "unix receive type=stream", "unix (send receive) type=stream,"),
    ("unix send type=stream", "unix receive type=dgram", None),
    ("unix", "unix bind", "unix,"),
]


@pytest.mark.parametrize(("first", "second", "expected"), MERGED)
def test_merge(first: str, second: str, expected: str | None) -> None:
    """Ensure that merge() joins permissions of rules that differ in nothing else."""
    assert merged(first, second) == expected


def test_grants() -> None:
    """Ensure that grants() gives the requested permissions a rule applies to."""
    request = rule("unix (send receive) type=stream peer=(addr=@bus label=dbus)")
    assert rule("unix send peer=(label=dbus)").grants(request) == NetworkAccess.SEND
    assert rule("unix type=dgram").grants(request) == NetworkAccess(0)
