"""Tests of the sentences `armorsmith explain` adds when it is given the policy.

Small policies held in memory (`MemoryFileSystem`) stand for /etc/apparmor.d; each test
explains one or two records against them and checks which rule or exec transition the
explanation names, and that the fix agrees with what the policy already says.
"""

from __future__ import annotations

import pytest

from armorsmith.ide.explain import Explanation, explain_log
from armorsmith.ide.query import load_policy
from armorsmith.ide.suggest import SuggestPolicy, prepare_policy, suggest_records, to_json
from armorsmith.logs import LogRecord, read_records
from armorsmith.resolve import MemoryFileSystem, ResolveConfig

MASTER = "/p/usr.lib.postfix.master"

POLICY = {
    "/p/tunables/global": b"@{HOME}=/home/*/ /root/\n",
    "/p/abstractions/base": b"/etc/ld.so.cache r,\n",
    MASTER: b"""include <tunables/global>
profile /usr/lib/postfix/master {
  include <abstractions/base>
  /usr/lib/postfix/smtp rmix,
  /usr/lib/postfix/qmgr Px,
  /usr/lib/postfix/local Px,
  /usr/bin/** pix,
  deny /etc/shadow r,
}
profile local /usr/lib/postfix/local flags=(complain) {
}
profile parent flags=(complain) {
  /usr/bin/helper ix,
  /usr/lib/postfix/local Px,
}
/usr/lib/postfix/tool {
}
""",
}


@pytest.fixture(scope="module")
def policy() -> SuggestPolicy:
    fs = MemoryFileSystem(POLICY)
    config = ResolveConfig(("/p",), "/p", fs)
    return prepare_policy(load_policy([MASTER], config), ["abstractions/base"], config)


def _lines(*bodies: str) -> list[str]:
    return [f"type=AVC msg=audit(1462863000.{n}:{n}): {body}" for n, body in enumerate(bodies, 1)]


def _explain(policy: SuggestPolicy | None, *bodies: str) -> tuple[Explanation, ...]:
    return explain_log([("log", _lines(*bodies))], policy).explanations


def _text(item: Explanation) -> str:
    return " ".join(item.details)


MASTER_RECORD = 'profile="/usr/lib/postfix/master" pid=1200 fsuid=0 ouid=0 '


def test_caller_exec_rule_explains_comm(policy: SuggestPolicy) -> None:
    """F1: smtp runs under master's profile because of master's `rmix` rule, named as written."""
    (item,) = _explain(
        policy,
        'apparmor="DENIED" operation="file_lock" profile="/usr/lib/postfix/master" '
        'name="/var/spool/postfix/active/01FBB1FA73" pid=1234 comm="smtp" requested_mask="k" denied_mask="k" '
        "fsuid=107 ouid=107",
    )
    assert (
        "`/usr/lib/postfix/master`'s rule `/usr/lib/postfix/smtp rmix,` (/p/usr.lib.postfix.master:4) runs "
        "`smtp` under `/usr/lib/postfix/master`'s profile; give `smtp` its own profile and change the rule "
        "to `Px`"
    ) in _text(item)
    assert "would run" not in _text(item)  # the exact rule wins over the glob guess
    assert item.fix_profile == "/usr/lib/postfix/master" and item.fix_file == MASTER
    assert item.fix_rules == ("owner /var/spool/postfix/active/01FBB1FA73 k,",)


def test_glob_exec_rule_is_a_guess(policy: SuggestPolicy) -> None:
    """F1 through a glob rule: the program's place is not logged, so the sentence says 'would'."""
    (item,) = _explain(
        policy, f'apparmor="DENIED" operation="open" {MASTER_RECORD}name="/usr/share/x" comm="grep" requested_mask="r" denied_mask="r"'
    )
    assert "rule `/usr/bin/** pix,` (/p/usr.lib.postfix.master:7) would run a program `/usr/bin/grep`" in _text(item)
    assert "ix fallback" in _text(item)


def test_deny_rule_wins(policy: SuggestPolicy) -> None:
    """A deny rule refuses the access: the fix is to narrow it, not to add an allow rule."""
    (item,) = _explain(
        policy, f'apparmor="DENIED" operation="open" {MASTER_RECORD}name="/etc/shadow" comm="master" requested_mask="r" denied_mask="r"'
    )
    assert "`deny /etc/shadow r,` (/p/usr.lib.postfix.master:8)" in _text(item)
    assert item.fix.startswith("Remove or narrow `deny /etc/shadow r,`")
    assert item.fix_rules == () and item.changes == ()


def test_missing_transition_target(policy: SuggestPolicy) -> None:
    """F6: a `Px` rule whose target is not loaded; the fix is the target or a fallback."""
    (item,) = _explain(
        policy,
        f'apparmor="DENIED" operation="exec" info="profile transition not found" error=-13 {MASTER_RECORD}'
        'name="/usr/lib/postfix/qmgr" comm="master" requested_mask="x" denied_mask="x" target="/usr/lib/postfix/qmgr"',
    )
    assert "rule `/usr/lib/postfix/qmgr Px,` (/p/usr.lib.postfix.master:5) looks for the profile" in _text(item)
    assert "Load a profile for `/usr/lib/postfix/qmgr`" in item.fix and "`pix`" in item.fix
    assert item.fix_rules == ()


def test_exec_rule_that_transitions(policy: SuggestPolicy) -> None:
    """An exec the policy sends to another profile names the rule and the target."""
    (item,) = _explain(
        policy,
        f'apparmor="DENIED" operation="exec" {MASTER_RECORD}name="/usr/lib/postfix/local" comm="master" '
        'requested_mask="x" denied_mask="x"',
    )
    assert "rule `/usr/lib/postfix/local Px,` (/p/usr.lib.postfix.master:6) moves `/usr/lib/postfix/local` to the profile `local`" in _text(item)


def test_already_allowed(policy: SuggestPolicy) -> None:
    """What the policy allows already (here through an abstraction) gets no rule."""
    (item,) = _explain(
        policy, f'apparmor="DENIED" operation="open" {MASTER_RECORD}name="/etc/ld.so.cache" comm="master" requested_mask="r" denied_mask="r"'
    )
    assert "allows this already, by `/etc/ld.so.cache r,` (/p/abstractions/base:1)" in _text(item)
    assert item.fix_rules == () and item.fix.startswith("Nothing to add")


def test_mode_mismatch(policy: SuggestPolicy) -> None:
    """An ALLOWED record of a profile the policy has in enforce mode: the policy changed."""
    (item,) = _explain(
        policy, f'apparmor="ALLOWED" operation="open" {MASTER_RECORD}name="/etc/x" comm="master" requested_mask="r" denied_mask="r"'
    )
    assert "is in enforce mode, while the log was written in complain mode" in _text(item)


@pytest.mark.parametrize(
    ("label", "sentence", "fix_profile"),
    [
        ("parent//null-/usr/bin/helper", "runs `/usr/bin/helper` with `ix`: these records belong to `parent`", "parent"),
        ("parent//null-/usr/lib/postfix/local", "moves to the profile `local`: these records belong there", "local"),
        ("parent//null-/usr/bin/new", "`parent` has no exec rule for `/usr/bin/new`", "parent"),
    ],
)
def test_learning_profiles_follow_the_exec_rule(policy: SuggestPolicy, label: str, sentence: str, fix_profile: str) -> None:
    """§5.3: where a learning profile's records belong, by the parent's exec rule."""
    (item,) = _explain(
        policy, f'apparmor="ALLOWED" operation="open" profile="{label}" name="/etc/y" pid=5 comm="x" requested_mask="r" denied_mask="r"'
    )
    assert sentence in _text(item)
    assert item.fix_profile == fix_profile


def test_peer_half_with_the_policy(policy: SuggestPolicy) -> None:
    """F12: the peer's half decided in the peer's profile (complain mode allows it)."""
    (item,) = _explain(
        policy,
        f'apparmor="DENIED" operation="signal" {MASTER_RECORD}comm="master" requested_mask="send" denied_mask="send" '
        'signal=hup peer="local"',
    )
    assert "The peer `local` allows its half, being in complain mode." in _text(item)
    assert [change.profile for change in item.changes] == ["/usr/lib/postfix/master", "local"]


def test_unknown_profile(policy: SuggestPolicy) -> None:
    """A record of a profile the policy does not define says so."""
    (item,) = _explain(
        policy, 'apparmor="DENIED" operation="open" profile="other" name="/etc/x" comm="other" requested_mask="r" denied_mask="r"'
    )
    assert "The policy given has no profile `other`" in _text(item)


def test_without_policy_no_policy_sentences() -> None:
    """Without a policy, nothing claims to know the policy."""
    (item,) = _explain(
        None, f'apparmor="DENIED" operation="open" {MASTER_RECORD}name="/etc/shadow" comm="master" requested_mask="r" denied_mask="r"'
    )
    assert "policy given" not in _text(item)
    assert item.fix_rules == ("owner /etc/shadow r,",) and item.fix_file is None


def test_exec_without_rule_gets_suggests_advice(policy: SuggestPolicy) -> None:
    """An exec the profile has no rule for: the mode suggest advises, with its reason."""
    (item,) = _explain(
        policy,
        'apparmor="DENIED" operation="exec" profile="local" name="/usr/lib/postfix/tool" pid=3 comm="local" '
        'requested_mask="x" denied_mask="x" fsuid=0 ouid=0',
    )
    assert "`local` has no exec rule for `/usr/lib/postfix/tool` in the policy given." in _text(item)
    assert item.fix_rules == ("/usr/lib/postfix/tool Px,",)
    assert "Px: the profile /usr/lib/postfix/tool attaches to /usr/lib/postfix/tool" in _text(item)


def test_explain_and_suggest_agree_with_a_policy(policy: SuggestPolicy) -> None:
    """Ensure that the changes explain names are what `armorsmith suggest --policy` proposes."""
    bodies = [
        f'apparmor="DENIED" operation="open" {MASTER_RECORD}name="/etc/shadow" comm="master" requested_mask="r" denied_mask="r"',
        f'apparmor="DENIED" operation="open" {MASTER_RECORD}name="/etc/ld.so.cache" comm="master" requested_mask="r" denied_mask="r"',
        f'apparmor="DENIED" operation="open" {MASTER_RECORD}name="/root/x" comm="grep" requested_mask="r" denied_mask="r"',
        f'apparmor="DENIED" operation="signal" {MASTER_RECORD}comm="master" requested_mask="send" denied_mask="send" signal=hup peer="local"',
        'apparmor="ALLOWED" operation="open" profile="parent//null-/usr/lib/postfix/local" name="/etc/y" pid=5 comm="x" requested_mask="r" denied_mask="r"',
    ]
    explained = {
        (change.profile, rule) for item in _explain(policy, *bodies) for change in item.changes for rule in change.rules
    }
    records = [item for item in read_records(_lines(*bodies), "log") if isinstance(item, LogRecord)]
    suggested = {(entry["profile"], rule) for entry in to_json(suggest_records(records, policy)) for rule in entry["rules"]}
    assert explained == suggested and explained
