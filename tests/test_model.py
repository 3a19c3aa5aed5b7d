"""Tests of lowering a syntax tree to the model (armorsmith.model)."""

from __future__ import annotations

from armorsmith.model import (
    Access,
    IfBlock,
    Include,
    Owner,
    Profile,
    QualifierBlock,
    VariableAssignment,
    lower,
    walk_rules,
)
from armorsmith.model.rules import CapabilityRule
from armorsmith.syntax import parse

PROFILE = b"""\
include <tunables/global>
@{X} = /a "/b c" @{Y}/d
/usr/bin/foo flags=(complain, attach_disconnected.path=/att) {
  include if exists <local/foo>
  priority=10 audit deny capability sys_admin,
  owner {
    capability chown setuid,
  }
  if ${B} {
    capability kill,
  } else {
    capability net_raw,
  }
  ^hat {
    capability,
  }
}
"""


def _file():
    return lower(parse(PROFILE)).file


def test_preamble_items() -> None:
    """Ensure that includes and assignments keep their parts and variable references."""
    include, assignment, _ = _file().items
    assert isinstance(include, Include) and include.magic and include.target == "tunables/global"
    assert isinstance(assignment, VariableAssignment)
    assert assignment.name == "X" and assignment.operator.text == "="
    assert [value.text for value in assignment.values] == ["/a", "/b c", "@{Y}/d"]
    assert assignment.values[1].quoted
    (reference,) = assignment.values[2].variables
    assert reference.name == "Y"
    assert PROFILE[reference.span.start : reference.span.end] == b"@{Y}"


def test_profile_header() -> None:
    """Ensure that a path-named profile lowers its name and flags with values."""
    (profile,) = _file().profiles()
    assert profile.keyword is None and profile.name.text == "/usr/bin/foo"
    assert [(flag.name, flag.value) for flag in profile.flags] == [
        ("complain", None),
        ("attach_disconnected.path", "/att"),
    ]


def test_body_structure() -> None:
    """Ensure that blocks, if branches and hats are lowered in order."""
    (profile,) = _file().profiles()
    kinds = [type(item) for item in profile.body.items]
    assert kinds == [Include, CapabilityRule, QualifierBlock, IfBlock, Profile]
    hat = profile.body.items[-1]
    assert hat.is_hat and hat.name.text == "hat"


def test_qualifiers() -> None:
    """Ensure that every qualifier of a rule is lowered with its value."""
    (profile,) = _file().profiles()
    rule = profile.body.items[1]
    assert rule.qualifiers.priority == 10 and rule.qualifiers.is_audit
    assert rule.qualifiers.access is Access.DENY
    block = profile.body.items[2]
    assert block.qualifiers.owner is Owner.OWNER


def test_walk_rules_reaches_every_branch() -> None:
    """Ensure that rules in blocks, both if branches and hats are all walked."""
    rendered = [rule.render() for rule in walk_rules(_file().items)]
    assert rendered == [
        "priority=10 audit deny capability sys_admin,",
        "capability chown setuid,",
        "capability kill,",
        "capability net_raw,",
        "capability,",
    ]


def test_half_typed_rule_still_lowers() -> None:
    """Ensure that a rule missing its comma still yields a rule."""
    lowered = lower(parse(b"profile p {\n  capability chown\n}\n"))
    (rule,) = walk_rules(lowered.file.items)
    assert [name.text for name in rule.names] == ["chown"]


def test_capability_covers_and_merges() -> None:
    """Ensure that capability subsumption and merging follow the names."""
    rules = list(
        walk_rules(lower(parse(b"profile p {\n capability,\n capability a b,\n capability b,\n}\n")).file.items)
    )
    everything, two, one = rules
    assert everything.covers(two) and two.covers(one) and not one.covers(two)
    assert one.merge(two).render() == "capability a b,"
