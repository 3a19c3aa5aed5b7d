"""Tests of ptrace rules (armorsmith.model.rules.ptrace): text, problems, covers, merge."""

from __future__ import annotations

import pytest

from armorsmith.model.rules.ptrace import PtraceAccess
from rulecheck import covers, merged, problems, rendered, rule

RENDERED = [
    ("ptrace", "ptrace,"),
    ("ptrace (tracedby, readby) peer=unconfined", "ptrace (readby tracedby) peer=unconfined,"),
    ("ptrace rw", "ptrace (read trace),"),
    ("ptrace w peer=/usr/bin/gdb", "ptrace trace peer=/usr/bin/gdb,"),
    ("audit deny ptrace write", "audit deny ptrace trace,"),
]


@pytest.mark.parametrize(("text", "expected"), RENDERED)
def test_render(text: str, expected: str) -> None:
    """Ensure that a ptrace rule renders canonical permission words and its peer."""
    assert rendered(text) == expected


PROBLEMS = [
    ("ptrace (read readby trace tracedby) peer=foo", []),
    ("ptrace peer=/sbin/init peer=MY_PROFILE", [("duplicate-conditional", "peer=MY_PROFILE")]),
    ("ptrace bus=session", [("unknown-conditional", "bus")]),
    ("ptrace label in (foo)", [("conditional-operator", "label in (foo)")]),
    ("owner ptrace", [("qualifier-not-allowed", "owner")]),
    ("other ptrace", [("qualifier-not-allowed", "other")]),
    ("ptrace peer=(label=foo)", [("conditional-group-not-allowed", "peer=(label=foo)")]),
]


@pytest.mark.parametrize(("text", "expected"), PROBLEMS)
def test_problems(text: str, expected: list[tuple[str, str]]) -> None:
    """Ensure that validate() reports upstream's ptrace errors on the offending text."""
    assert problems(text) == expected


def test_upstream_wording() -> None:
    """Ensure that messages start with upstream's wording."""
    (owner,) = rule("owner ptrace").validate()
    assert owner.message.startswith("owner prefix not allowed on ptrace rules")
    (unknown,) = rule("ptrace bus=session").validate()
    assert unknown.message.startswith('invalid ptrace rule conditional "bus"')


COVERS = [
    ("ptrace", "ptrace trace peer=foo", True),
    ("ptrace (read trace)", "ptrace rw", True),
    ("ptrace read", "ptrace trace", False),
    ("ptrace peer=/usr/bin/*", "ptrace read peer=/usr/bin/top", True),
    ("ptrace peer=/usr/bin/top", "ptrace read", False),
    ("deny ptrace", "ptrace read", False),
]


@pytest.mark.parametrize(("outer", "inner", "expected"), COVERS)
def test_covers(outer: str, inner: str, expected: bool) -> None:
    """Ensure that covers() compares permissions and peer globs."""
    assert covers(outer, inner) is expected


MERGED = [
    ("ptrace readby", "ptrace tracedby", "ptrace (readby tracedby),"),
    ("ptrace read peer=a", "ptrace trace peer=b", None),
    ("ptrace peer=a*", "ptrace read peer=ab", "ptrace peer=a*,"),
]


@pytest.mark.parametrize(("first", "second", "expected"), MERGED)
def test_merge(first: str, second: str, expected: str | None) -> None:
    """Ensure that merge() joins permissions of rules with the same peer."""
    assert merged(first, second) == expected


def test_grants() -> None:
    """Ensure that grants() gives the requested permissions a rule applies to."""
    request = rule("ptrace (read trace) peer=/usr/bin/foo")
    assert rule("ptrace read peer=/usr/bin/*").grants(request) == PtraceAccess.READ
    assert rule("ptrace peer=/bin/*").grants(request) == PtraceAccess(0)
