"""Tests of decisions (armorsmith.engine.decide) on the rule kinds that implement grants."""

from __future__ import annotations

import pytest

from armorsmith.engine import EngineProfile, Mode, Outcome, RuleRef, decide, mode_of
from armorsmith.model import Rule, lower, walk_rules
from armorsmith.syntax import parse


def _profile(text: str) -> EngineProfile:
    (profile,) = lower(parse(text.encode())).file.profiles()
    rules = tuple(RuleRef(rule) for rule in walk_rules(profile.body.items))
    return EngineProfile(profile.name.text, profile.name.text, mode_of(profile), rules, profile)


def _request(text: str) -> Rule:
    (rule,) = walk_rules(lower(parse(f"profile q {{\n{text},\n}}\n".encode())).file.items)
    return rule


POLICY = """profile p {
  capability chown,
  audit capability setuid,
  deny capability sys_admin,
  priority=5 capability kill,
  priority=-5 deny capability kill,
  priority=1 deny capability net_raw,
  capability net_raw,
}
"""


@pytest.mark.parametrize(
    ("request_text", "outcome", "rules"),
    [
        ("capability chown", Outcome.ALLOW, ["capability chown,"]),
        ("capability sys_admin", Outcome.DENY, ["deny capability sys_admin,"]),
        ("capability mknod", Outcome.DENY, []),
        ("capability kill", Outcome.ALLOW, ["priority=5 capability kill,"]),
        ("capability net_raw", Outcome.DENY, ["priority=1 deny capability net_raw,"]),
    ],
)
def test_enforce_mode(request_text: str, outcome: Outcome, rules: list[str]) -> None:
    """Ensure that deny wins at equal priority, higher priority wins, and misses deny."""
    decision = decide(_profile(POLICY), _request(request_text))
    assert decision.outcome is outcome
    assert [ref.rule.render() for ref in decision.allowed_by + decision.denied_by] == rules


def test_audit_and_quiet() -> None:
    """Ensure that audit rules log allowed accesses and plain deny rules are quiet."""
    profile = _profile(POLICY)
    assert decide(profile, _request("capability setuid")).audited
    assert not decide(profile, _request("capability chown")).audited
    denied = decide(profile, _request("capability sys_admin"))
    assert denied.quiet and not denied.audited
    missing = decide(profile, _request("capability mknod"))
    assert missing.audited and not missing.quiet


@pytest.mark.parametrize(
    ("flags", "outcome"),
    [
        ("complain", Outcome.COMPLAIN),
        ("kill", Outcome.KILL),
        ("unconfined", Outcome.ALLOW),
        ("default_allow", Outcome.ALLOW),
        ("enforce", Outcome.DENY),
    ],
)
def test_modes_shape_a_miss(flags: str, outcome: Outcome) -> None:
    """Ensure that the profile mode decides what happens to an access no rule allows."""
    profile = _profile(f"profile p flags=({flags}) {{\n  capability chown,\n}}\n")
    assert profile.mode is Mode(flags)
    assert decide(profile, _request("capability mknod")).outcome is outcome


def test_complain_mode_keeps_explicit_denials() -> None:
    """Ensure that an explicit deny rule still denies in complain mode."""
    profile = _profile("profile p flags=(complain) {\n  deny capability mknod,\n}\n")
    assert decide(profile, _request("capability mknod")).outcome is Outcome.DENY


def test_all_rule_applies_to_every_kind() -> None:
    """Ensure that `all,` allows requests of any kind and a deny rule still wins over it."""
    profile = _profile("profile p {\n  all,\n  deny capability sys_admin,\n}\n")
    assert decide(profile, _request("capability chown")).outcome is Outcome.ALLOW
    assert decide(profile, _request("/etc/passwd rw")).outcome is Outcome.ALLOW
    assert decide(profile, _request("signal send set=term peer=x")).outcome is Outcome.ALLOW
    assert decide(profile, _request("capability sys_admin")).outcome is Outcome.DENY
