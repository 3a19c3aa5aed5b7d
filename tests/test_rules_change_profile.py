"""Tests of change_profile rules (armorsmith.model.rules.change_profile)."""

from __future__ import annotations

import pytest

from armorsmith.model.rules import ChangeProfileRule
from rulecheck import covers, merged, problems, rendered, rule


@pytest.mark.parametrize(
    ("text", "unsafe", "condition", "target"),
    [
        ("change_profile", False, None, "**"),
        ("change_profile -> foo", False, None, "foo"),
        ("change_profile /bin/x -> foo", False, "/bin/x", "foo"),
        ("change_profile safe /bin/x -> foo", False, "/bin/x", "foo"),
        ("change_profile unsafe /bin/x", True, "/bin/x", "**"),
        ('change_profile "/bin/a b" -> :ns:foo', False, "/bin/a b", ":ns:foo"),
    ],
)
def test_lowering(text: str, unsafe: bool, condition: str | None, target: str) -> None:
    """Ensure that the exec mode, exec condition and target are lowered."""
    found = rule(text)
    assert isinstance(found, ChangeProfileRule)
    assert found.is_unsafe is unsafe
    assert (found.exec_condition.text if found.exec_condition else None) == condition
    assert found.target_text == target


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("change_profile", []),
        ("audit deny change_profile /bin/x -> foo", []),
        ("priority=5 change_profile @{bin}/x -> foo", []),
        ("owner change_profile -> foo", [("qualifier-not-allowed", "owner")]),
        ("other change_profile", [("qualifier-not-allowed", "other")]),
        ("change_profile safe -> foo", [("exec-condition-required", "safe")]),
        ("change_profile unsafe", [("exec-condition-required", "unsafe")]),
        ('change_profile "bin/x" -> foo', [("invalid-exec-condition", '"bin/x"')]),
    ],
)
def test_validate(text: str, expected: list[tuple[str, str]]) -> None:
    """Ensure that validate() reports what apparmor_parser rejects, on the offending token."""
    assert problems(text) == expected


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("change_profile", "change_profile,"),
        (
            "deny  change_profile  unsafe /bin/x  ->  foo",
            "deny change_profile unsafe /bin/x -> foo,",
        ),
        ("change_profile -> foo", "change_profile -> foo,"),
    ],
)
def test_render(text: str, canonical: str) -> None:
    """Ensure that render() writes the canonical text."""
    assert rendered(text) == canonical


@pytest.mark.parametrize(
    ("outer", "inner", "expected"),
    [
        ("change_profile", "change_profile -> foo", True),
        ("change_profile -> foo*", "change_profile -> foobar", True),
        ("change_profile -> foobar", "change_profile -> foo*", False),
        ("change_profile /bin/* -> foo", "change_profile /bin/x -> foo", True),
        ("change_profile", "change_profile /bin/x -> foo", False),
        ("change_profile unsafe /bin/x", "change_profile /bin/x", False),
        ("change_profile", "deny change_profile", False),
    ],
)
def test_covers(outer: str, inner: str, expected: bool) -> None:
    """Ensure that covers() compares exec conditions and targets as globs."""
    assert covers(outer, inner) is expected


def test_merge() -> None:
    """Ensure that merge() keeps the covering rule only."""
    assert merged("change_profile -> foo", "change_profile") == "change_profile,"
    assert merged("change_profile -> a", "change_profile -> b") is None


@pytest.mark.parametrize(
    ("text", "request_text", "granted"),
    [
        ("change_profile", "change_profile -> anything", True),
        ("change_profile -> foo*", "change_profile -> foobar", True),
        ("change_profile -> foo", "change_profile -> bar", False),
        ("change_profile -> foo", "change_profile /bin/x -> foo", True),
        ("change_profile /bin/* -> foo", "change_profile /bin/x -> foo", True),
        ("change_profile /bin/* -> foo", "change_profile -> foo", False),
        ("change_profile /bin/* -> foo", "change_profile /usr/bin/x -> foo", False),
    ],
)
def test_grants(text: str, request_text: str, granted: bool) -> None:
    """Ensure that grants() matches targets as globs and needs the exec condition when the rule has one."""
    assert bool(rule(text).grants(rule(request_text))) is granted
