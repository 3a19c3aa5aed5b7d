"""Tests of dbus rules (armorsmith.model.rules.dbus): text, problems, covers, merge."""

from __future__ import annotations

import pytest

from armorsmith.model.rules.dbus import DbusAccess
from rulecheck import covers, merged, problems, rendered, rule

RENDERED = [
    ("dbus", "dbus,"),
    (
        "dbus (send, receive) bus=session path=/org/foo interface=org.Foo member=Bar "
        "peer=(name=org.Foo label=unconfined)",
        "dbus (send receive) bus=session path=/org/foo interface=org.Foo member=Bar "
        "peer=(name=org.Foo label=unconfined),",
    ),
    ('dbus bind bus=system name="com.foo"', 'dbus bind bus=system name="com.foo",'),
    ("dbus w peer=(path=/x bus=session)", "dbus send bus=session path=/x,"),
    ("audit dbus eavesdrop bus=session", "audit dbus eavesdrop bus=session,"),
]


@pytest.mark.parametrize(("text", "expected"), RENDERED)
def test_render(text: str, expected: str) -> None:
    """Ensure that a dbus rule renders its conditionals in a fixed order, peer last."""
    assert rendered(text) == expected


PROBLEMS = [
    ("dbus send bus=session path=/foo peer=(name=org.foo label=/bin/x)", []),
    ("dbus bind bus=session name=org.foo", []),
    ("dbus eavesdrop bus=session", []),
    ("dbus bus=(system)", []),
    ("dbus path=/a peer=(bus=session member=Foo)", []),
    ("dbus bus=(system session)", [("multiple-values", "session")]),
    ("dbus bus=system bus=session", [("duplicate-conditional", "bus=session")]),
    ("dbus bus=system peer=(bus=session)", [("duplicate-conditional", "bus=session")]),
    ("dbus bus in (system)", [("conditional-operator", "bus in (system)")]),
    ("dbus modifier=foo", [("unknown-conditional", "modifier")]),
    ("dbus label=foo", [("misplaced-conditional", "label=foo")]),
    (
        "dbus name=org.foo path=/bar",
        [("dbus-mixed-conditionals", "org.foo")],
    ),
    ("dbus bind path=/foo", [("dbus-access-conflict", "bind")]),
    ("dbus (bind send) peer=(name=org.foo)", [("dbus-access-conflict", "bind")]),
    ("dbus r name=com.foo", [("dbus-access-conflict", "r")]),
    ("dbus eavesdrop path=/foo", [("dbus-access-conflict", "eavesdrop")]),
    ("dbus eavesdrop name=com.foo", [("dbus-access-conflict", "eavesdrop")]),
    ("owner dbus", [("qualifier-not-allowed", "owner")]),
    ("dbus peer=(label=a) bus=session", [("peer-group-not-last", "bus=session")]),
    ("dbus peer=(label=1) peer=(label=2)", [("peer-group-not-last", "peer=(label=2)")]),
]


@pytest.mark.parametrize(("text", "expected"), PROBLEMS)
def test_problems(text: str, expected: list[tuple[str, str]]) -> None:
    """Ensure that validate() reports upstream's dbus errors on the offending text."""
    assert problems(text) == expected


def test_upstream_wording() -> None:
    """Ensure that messages start with upstream's wording."""
    (values,) = rule("dbus bus=(system session)").validate()
    assert values.message == 'dbus conditional "bus" only supports a single value'
    (bind,) = rule("dbus bind path=/foo").validate()
    assert bind.message == 'dbus "bind" access cannot be used with message rule conditionals'


def test_implied_permissions() -> None:
    """Ensure that a rule without permission words allows what its kind implies."""
    assert rule("dbus path=/foo").allowed == DbusAccess.SEND | DbusAccess.RECEIVE
    assert rule("dbus name=org.foo").allowed == DbusAccess.BIND
    assert rule("dbus bus=system").allowed == ~DbusAccess(0)


COVERS = [
    ("dbus", "dbus send bus=session path=/foo", True),
    ("dbus bus=session", "dbus send bus=session path=/foo member=Bar", True),
    ("dbus bus=session path=/org/**", "dbus send bus=session path=/org/freedesktop", True),
    ("dbus send bus=session path=/org/freedesktop", "dbus send bus=session path=/org/**", False),
    ("dbus path=/foo", "dbus send path=/foo", True),
    ("dbus path=/foo", "dbus bind path=/foo", False),
    ("dbus send peer=(label=/usr/bin/*)", "dbus send peer=(label=/usr/bin/app)", True),
    ("dbus send peer=(name=org.foo)", "dbus send", False),
    ("dbus name=org.foo", "dbus send peer=(name=org.foo)", False),
    ("deny dbus", "dbus send", False),
]


@pytest.mark.parametrize(("outer", "inner", "expected"), COVERS)
def test_covers(outer: str, inner: str, expected: bool) -> None:
    """Ensure that covers() compares permissions (implied ones too) and every conditional."""
    assert covers(outer, inner) is expected


MERGED = [
    (
        "dbus send bus=session path=/a",
        "dbus receive bus=session path=/a",
        "dbus (send receive) bus=session path=/a,",
    ),
    ("dbus send bus=session path=/a", "dbus receive bus=session path=/b", None),
    ("dbus bus=session", "dbus send bus=session path=/a", "dbus bus=session,"),
]


@pytest.mark.parametrize(("first", "second", "expected"), MERGED)
def test_merge(first: str, second: str, expected: str | None) -> None:
    """Ensure that merge() joins permissions of rules that differ in nothing else."""
    assert merged(first, second) == expected


def test_grants() -> None:
    """Ensure that grants() gives the requested permissions a rule applies to."""
    request = rule(
        "dbus send bus=session path=/org/freedesktop/DBus interface=org.freedesktop.DBus "
        "member=Hello peer=(label=unconfined)"
    )
    assert rule("dbus bus=session path=/org/freedesktop/**").grants(request) == DbusAccess.SEND
    assert rule("dbus receive bus=session").grants(request) == DbusAccess(0)
    assert rule("dbus bus=system").grants(request) == DbusAccess(0)
