"""Tests of cross-checks: both profiles decide their half of IPC and ptrace accesses."""

from __future__ import annotations

import pytest

from armorsmith import engine
from armorsmith.engine import cross_check, parse_request
from armorsmith.model import lower
from armorsmith.resolve import MemoryFileSystem, ResolveConfig, resolve
from armorsmith.syntax import parse

POLICY = b"""
profile demo {
  signal (send) set=(term) peer=man,
  ptrace (trace) peer=man,
  unix (connect send receive) type=stream peer=(label=man),
  dbus send bus=session path=/org/x interface=org.x member=Get peer=(label=man),
}
profile man {
  signal (receive) set=(term) peer=demo,
  ptrace (readby) peer=demo,
  unix (accept receive send) type=stream peer=(label=demo),
}
"""


@pytest.fixture(scope="module")
def policy() -> engine.PolicySet:
    parsed = parse(POLICY)
    fs = MemoryFileSystem({"/p/policy": POLICY})
    return engine.build_policy([resolve("/p/policy", parsed, lower(parsed), ResolveConfig((), "/p", fs))])


def _check(policy: engine.PolicySet, text: str) -> engine.CrossCheck:
    request, problem = parse_request(text)
    assert problem is None
    result = cross_check(policy, policy.get("demo"), request)
    assert result is not None
    return result


def test_signal_needs_both_halves(policy: engine.PolicySet) -> None:
    """Ensure that a signal is decided as send in the sender and receive in the receiver."""
    result = _check(policy, "signal send term peer=man")
    assert result.peer_request == "signal (receive) set=(term) peer=demo"
    assert result.subject.allowed and result.peer_decision.allowed and result.allowed


def test_ptrace_peer_half_missing(policy: engine.PolicySet) -> None:
    """Ensure that the tracee needs tracedby: man only allows readby, so the trace fails."""
    result = _check(policy, "ptrace trace peer=man")
    assert result.peer_request == "ptrace (tracedby) peer=demo"
    assert result.subject.allowed and not result.peer_decision.allowed and not result.allowed


def test_unix_connect_mirrors_to_accept(policy: engine.PolicySet) -> None:
    """Ensure that connect on one side is accept on the other, with the labels swapped."""
    result = _check(policy, "unix connect type=stream peer=(label=man)")
    assert result.peer_request == "unix (accept) type=stream peer=(label=demo)"
    assert result.allowed


def test_dbus_receiver_half(policy: engine.PolicySet) -> None:
    """Ensure that a D-Bus send needs a receive rule in the receiver, which man lacks."""
    result = _check(policy, "dbus send bus=session path=/org/x interface=org.x member=Get peer=(label=man)")
    assert result.peer_request.startswith("dbus (receive) bus=session path=/org/x")
    assert result.subject.allowed and not result.allowed


def test_unconfined_and_unknown_peers(policy: engine.PolicySet) -> None:
    """Ensure that an unconfined peer allows its half and an unknown peer is reported."""
    unconfined = _check(policy, "signal send term peer=unconfined")
    assert unconfined.peer_known and unconfined.peer_decision is None
    unknown = _check(policy, "signal send term peer=nobody")
    assert not unknown.peer_known and unknown.peer is None
