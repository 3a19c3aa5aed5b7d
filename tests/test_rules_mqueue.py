"""Tests of mqueue rules (armorsmith.model.rules.mqueue): text, problems, covers, merge."""

from __future__ import annotations

import pytest

from armorsmith.model.rules.mqueue import MqueueAccess, MqueueType
from rulecheck import covers, merged, problems, rendered, rule

RENDERED = [
    ("mqueue", "mqueue,"),
    ("mqueue (open, read) type=posix /queue", "mqueue (read open) type=posix /queue,"),
    ("mqueue rw label=foo 1234", "mqueue (write read) label=foo 1234,"),
    ("deny mqueue delete", "deny mqueue delete,"),
]


@pytest.mark.parametrize(("text", "expected"), RENDERED)
def test_render(text: str, expected: str) -> None:
    """Ensure that an mqueue rule renders permissions, conditionals and the queue name."""
    assert rendered(text) == expected


PROBLEMS = [
    ("mqueue (create open delete read write getattr setattr) type=posix label=foo /q", []),
    ("mqueue type=sysv 1234", []),
    ("mqueue /queue", []),
    ("mqueue type=sysv /queuename", [("invalid-mqueue-name", "/queuename")]),
    ("mqueue type=posix 1234", [("invalid-mqueue-name", "1234")]),
    ("mqueue foo", [("invalid-mqueue-name", "foo")]),
    ("mqueue 1234foo", [("invalid-mqueue-name", "1234foo")]),
    ("mqueue type=posixfoo", [("invalid-mqueue-type", "posixfoo")]),
    ("mqueue type=posix type=sysv", [("duplicate-conditional", "type=sysv")]),
    ("mqueue peer=foo", [("unknown-conditional", "peer")]),
    ("mqueue label in (foo)", [("conditional-operator", "label in (foo)")]),
    ("owner mqueue", [("qualifier-not-allowed", "owner")]),
    ("mqueue peer=(label=foo)", [("conditional-group-not-allowed", "peer=(label=foo)")]),
]


@pytest.mark.parametrize(("text", "expected"), PROBLEMS)
def test_problems(text: str, expected: list[tuple[str, str]]) -> None:
    """Ensure that validate() reports upstream's mqueue errors on the offending text."""
    assert problems(text) == expected


def test_upstream_wording() -> None:
    """Ensure that messages keep upstream's wording."""
    (name,) = rule("mqueue foo").validate()
    assert name.message == (
        "mqueue invalid name 'foo', message queue names must begin with a / or be a positive integer."
    )


def test_name_implies_type() -> None:
    """Ensure that the queue name decides the type, as upstream's validate_qname does."""
    assert rule("mqueue /q").queue_type is MqueueType.POSIX
    assert rule("mqueue 12").queue_type is MqueueType.SYSV
    assert rule("mqueue type=sysv").queue_type is MqueueType.SYSV
    assert rule("mqueue").queue_type is None


COVERS = [
    ("mqueue", "mqueue read /q", True),
    ("mqueue type=posix", "mqueue read /q", True),
    ("mqueue type=sysv", "mqueue read /q", False),
    ("mqueue /q*", "mqueue /queue", True),
    ("mqueue /queue", "mqueue", False),
    ("mqueue label=foo", "mqueue read label=foo /q", True),
    ("mqueue read", "mqueue rw", False),
]


@pytest.mark.parametrize(("outer", "inner", "expected"), COVERS)
def test_covers(outer: str, inner: str, expected: bool) -> None:
    """Ensure that covers() compares permissions, type, label and queue name."""
    assert covers(outer, inner) is expected


MERGED = [
    ("mqueue read /q", "mqueue write /q", "mqueue (write read) /q,"),
    ("mqueue read /q", "mqueue write /r", None),
]


@pytest.mark.parametrize(("first", "second", "expected"), MERGED)
def test_merge(first: str, second: str, expected: str | None) -> None:
    """Ensure that merge() joins permissions of rules on the same queue."""
    assert merged(first, second) == expected


def test_grants() -> None:
    """Ensure that grants() gives the requested permissions a rule applies to."""
    request = rule("mqueue (read create) /queue")
    assert rule("mqueue read type=posix").grants(request) == MqueueAccess.READ
    assert rule("mqueue type=sysv").grants(request) == MqueueAccess(0)
