"""Tests of label parsing and of the home of complain-mode learning records."""

from __future__ import annotations

import pytest

from armorsmith import engine
from armorsmith.engine import HomeReason, home_of, parse_label
from armorsmith.model import lower
from armorsmith.resolve import MemoryFileSystem, ResolveConfig, resolve
from armorsmith.syntax import parse


@pytest.mark.parametrize(
    ("text", "namespace", "parts", "learning"),
    [
        ("/usr/bin/foo", None, [("/usr/bin/foo",)], False),
        ("master//smtp", None, [("master", "smtp")], False),
        (":lxd-c1://usr.sbin.ntpd", "lxd-c1", [("usr.sbin.ntpd",)], False),
        (":ns:name", "ns", [("name",)], False),
        ("a//&b", None, [("a",), ("b",)], False),
        ("colord//null-/usr/lib/colord-sane", None, [("colord", "null-/usr/lib/colord-sane")], True),
        ("/usr/lib/virtualbox/VBoxSVC//null-2d", None, [("/usr/lib/virtualbox/VBoxSVC", "null-2d")], True),
        ("firefox (enforce)", None, [("firefox",)], False),
    ],
)
def test_parse_label(text: str, namespace: str | None, parts: list[tuple[str, ...]], learning: bool) -> None:
    """Ensure that namespaces, hierarchies, stacks and learning profiles are read."""
    label = parse_label(text)
    assert label.namespace == namespace
    assert [part.components for part in label.parts] == parts
    assert label.parts[0].is_learning is learning or label.parts[-1].is_learning is learning


POLICY = b"""
profile parent flags=(complain) {
  /usr/bin/helper ix,
  /usr/bin/tool Px,
  /usr/bin/kid Cx,
  profile kid /usr/bin/kid { }
}
profile tool /usr/bin/tool { }
"""


@pytest.fixture(scope="module")
def policy() -> engine.PolicySet:
    parsed = parse(POLICY)
    fs = MemoryFileSystem({"/p/policy": POLICY})
    return engine.build_policy([resolve("/p/policy", parsed, lower(parsed), ResolveConfig((), "/p", fs))])


@pytest.mark.parametrize(
    ("label", "name", "reason"),
    [
        ("parent", "parent", HomeReason.OWN),
        ("nobody", "nobody", HomeReason.UNKNOWN),
        ("parent//null-/usr/bin/helper", "parent", HomeReason.INHERITED),
        ("parent//null-/usr/bin/tool", "tool", HomeReason.TRANSITIONED),
        ("parent//null-/usr/bin/kid", "parent//kid", HomeReason.TRANSITIONED),
        ("parent//null-/usr/bin/new", "parent", HomeReason.UNDECIDED),
        ("parent//null-/usr/bin/tool//null-/usr/bin/new", "tool", HomeReason.UNDECIDED),
    ],
)
def test_home_of_learning_records(policy: engine.PolicySet, label: str, name: str, reason: HomeReason) -> None:
    """Ensure that learning records follow the parent's exec decision, chain by chain."""
    home = home_of(policy, parse_label(label))
    assert (home.name, home.reason) == (name, reason)
