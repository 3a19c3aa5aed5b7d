"""Tests of profile attachment and exec transitions (armorsmith.engine)."""

from __future__ import annotations

import pytest

from armorsmith import engine
from armorsmith.engine import Landing, exec_transition, find_attach
from armorsmith.model import lower
from armorsmith.resolve import MemoryFileSystem, ResolveConfig, resolve
from armorsmith.syntax import parse

POLICY = b"""
profile master /usr/lib/postfix/master {
  /usr/lib/postfix/smtp rmix,
  /usr/lib/postfix/local Px,
  /usr/lib/postfix/unsafe px,
  /usr/bin/cat Cx,
  /usr/bin/ls pix,
  /usr/bin/missing Px,
  /usr/bin/maybe PUx,
  /usr/bin/env ux,
  /usr/bin/named Px -> local,
  /usr/bin/child cx -> helper,
  /usr/bin/* ix,
  profile cat /usr/bin/cat { }
  profile helper { }
}
profile local /usr/lib/postfix/local { }
profile unsafe /usr/lib/postfix/* { }
profile learner flags=(complain) { }
"""


@pytest.fixture(scope="module")
def policy() -> engine.PolicySet:
    fs = MemoryFileSystem({"/p/master": POLICY})
    parsed = parse(POLICY)
    resolution = resolve("/p/master", parsed, lower(parsed), ResolveConfig((), "/p", fs))
    return engine.build_policy([resolution])


@pytest.mark.parametrize(
    ("path", "landing", "target", "scrubbed", "info"),
    [
        ("/usr/lib/postfix/smtp", Landing.SAME, "master", False, None),
        ("/usr/lib/postfix/local", Landing.PROFILE, "local", True, None),
        ("/usr/lib/postfix/unsafe", Landing.PROFILE, "unsafe", False, None),
        ("/usr/bin/cat", Landing.PROFILE, "master//cat", True, None),
        ("/usr/bin/ls", Landing.SAME, "master", False, "ix fallback"),
        ("/usr/bin/missing", Landing.DENIED, "/usr/bin/missing", False, "profile transition not found"),
        ("/usr/bin/maybe", Landing.UNCONFINED, "unconfined", True, "ux fallback"),
        ("/usr/bin/env", Landing.UNCONFINED, "unconfined", False, None),
        ("/usr/bin/named", Landing.PROFILE, "local", True, None),
        ("/usr/bin/child", Landing.PROFILE, "master//helper", False, None),
        ("/usr/bin/other", Landing.SAME, "master", False, None),
        ("/sbin/other", Landing.DENIED, None, False, None),
    ],
)
def test_exec_transition(
    policy: engine.PolicySet, path: str, landing: Landing, target: str | None, scrubbed: bool, info: str | None
) -> None:
    """Ensure that each exec mode lands where the kernel's x_to_label would put the task."""
    transition = exec_transition(policy, policy.get("master"), path)
    assert (transition.landing, transition.target_name, transition.scrubbed, transition.info) == (
        landing,
        target,
        scrubbed,
        info,
    )


def test_exact_rule_wins_over_glob(policy: engine.PolicySet) -> None:
    """Ensure that the exact path rule decides the mode even where a glob rule matches too."""
    transition = exec_transition(policy, policy.get("master"), "/usr/bin/cat")
    assert transition.rule is not None and transition.rule.rule.render() == "/usr/bin/cat Cx,"


def test_complain_mode_learns(policy: engine.PolicySet) -> None:
    """Ensure that a complain-mode profile without an exec rule runs the program in null-."""
    transition = exec_transition(policy, policy.get("learner"), "/usr/bin/true")
    assert transition.landing is Landing.LEARNING
    assert transition.target_name == "learner//null-/usr/bin/true"


def _profile(name: str, *attachments: str) -> engine.EngineProfile:
    return engine.EngineProfile(name, name, engine.Mode.ENFORCE, (), attachments=attachments)


def test_attachment_exact_beats_longest_prefix() -> None:
    """Ensure that an exact attachment wins at once and otherwise the longest left match wins."""
    candidates = [_profile("glob", "/usr/bin/*"), _profile("longer", "/usr/bin/fo*"), _profile("exact", "/usr/bin/foo")]
    assert find_attach("/usr/bin/foo", candidates).profile.name == "exact"
    assert find_attach("/usr/bin/fox", candidates).profile.name == "longer"
    assert find_attach("/usr/bin/bar", candidates).profile.name == "glob"
    assert find_attach("/sbin/bar", candidates).profile is None


def test_attachment_tie_is_a_conflict() -> None:
    """Ensure that the longer literal left part wins and an equal one attaches nothing."""
    found = find_attach("/usr/bin/ab", [_profile("a", "/usr/bin/a*"), _profile("b", "/usr/bin/*b")])
    assert found.profile.name == "a"
    found = find_attach("/usr/bin/ab", [_profile("a", "/usr/bin/a*"), _profile("b", "/usr/bin/a?")])
    assert found.profile is None and {p.name for p in found.conflicting} == {"a", "b"}


def test_profile_keyword_with_a_path_name_attaches() -> None:
    """Ensure that `profile /usr/bin/x {` attaches to /usr/bin/x like a path-named profile."""
    source = b"profile caller {\n  /usr/bin/x Px,\n}\nprofile /usr/bin/x {\n}\n"
    parsed = parse(source)
    fs = MemoryFileSystem({"/p/policy": source})
    policy = engine.build_policy([resolve("/p/policy", parsed, lower(parsed), ResolveConfig((), "/p", fs))])
    transition = exec_transition(policy, policy.get("caller"), "/usr/bin/x")
    assert (transition.landing, transition.target_name) == (Landing.PROFILE, "/usr/bin/x")
