"""Suggestions: which rules, flags and notes a log leads to, and in which profile.

The log lines are written as the kernel writes them; each case says what every profile
gets (mediation.md §2-§5, §9).  The policy cases load a small policy from memory.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from armorsmith.diagnostics import Severity
from armorsmith.engine import parse_request
from armorsmith.ide.query import load_policy
from armorsmith.ide.suggest import (
    SuggestPolicy,
    policy_diff,
    prepare_policy,
    render_text,
    suggest_records,
    to_json,
)
from armorsmith.logs import LogRecord, read_records
from armorsmith.logs.suggest import Suggestions
from armorsmith.logs.suggest_tunables import DEFAULT_TUNABLES
from armorsmith.model import Rule
from armorsmith.resolve import MemoryFileSystem, ResolveConfig


def _record(body: str) -> str:
    return f'type=AVC msg=audit(1.1:1): apparmor="DENIED" {body}'


def _records(*lines: str) -> list[LogRecord]:
    return [item for item in read_records(list(lines), "log") if isinstance(item, LogRecord)]


def _view(suggestions: Suggestions) -> dict[str, list[str]]:
    """Each profile's rules, then `flags=(...)` and `# note` entries, as text."""
    view = {}
    for item in suggestions.profiles:
        view[item.profile] = [
            *item.texts(),
            *(f"flags=({flag})" for flag in item.flags),
            *(f"# {note.split(':')[0]}" for note in item.notes),
        ]
    return view


CASES: list[tuple[str, list[str], dict[str, list[str]]]] = [
    (
        "owner and tunables",
        [
            _record('operation="open" profile="/usr/bin/a" name="/home/alice/.config/a.conf" requested_mask="r" denied_mask="r" fsuid=1000 ouid=1000'),
            _record('operation="open" profile="/usr/bin/a" name="/proc/1234/status" requested_mask="r" denied_mask="r" fsuid=1000 ouid=0'),
            _record('operation="mkdir" profile="/usr/bin/a" name="/run/user/1000/a/" requested_mask="c" denied_mask="c" fsuid=1000 ouid=1000'),
        ],
        {"/usr/bin/a": ["owner @{HOME}/.config/a.conf r,", "@{PROC}/@{pid}/status r,", "owner @{run}/user/@{uid}/a/ w,"]},
    ),
    (
        "one rule for two permissions on one path",
        [
            _record('operation="open" profile="/usr/bin/a" name="/etc/a" requested_mask="r" denied_mask="r" fsuid=0 ouid=1'),
            _record('operation="open" profile="/usr/bin/a" name="/etc/a" requested_mask="w" denied_mask="w" fsuid=0 ouid=1'),
            _record('operation="open" profile="/usr/bin/a" name="/etc/a" requested_mask="r" denied_mask="r" fsuid=0 ouid=1'),
        ],
        {"/usr/bin/a": ["/etc/a rw,"]},
    ),
    (
        "child and hat labels nest in the parent",
        [_record('operation="open" profile="/usr/sbin/sshd//ubuntu" name="/etc/b" requested_mask="r" denied_mask="r"')],
        {"/usr/sbin/sshd//ubuntu": ["/etc/b r,"]},
    ),
    (
        "learning records go to the parent, which gets the exec rule",
        [
            _record('operation="exec" profile="/bin/s.sh" name="/usr/bin/rm" requested_mask="x" denied_mask="x" target="/bin/s.sh//null-/usr/bin/rm"').replace("DENIED", "ALLOWED"),
            _record('operation="open" profile="/bin/s.sh//null-/usr/bin/rm" name="/tmp/f" requested_mask="w" denied_mask="w"').replace("DENIED", "ALLOWED"),
            _record('operation="capable" profile="/bin/s.sh//null-/usr/bin/rm//null-/usr/bin/id" capability=1 capname="dac_override"').replace("DENIED", "ALLOWED"),
        ],
        {"/bin/s.sh": ["capability dac_override,", "/tmp/f w,", "/usr/bin/id mrix,", "/usr/bin/rm mrix,"]},
    ),
    (
        "a learning profile without a program folds into its parent, never a null- child",
        [_record('operation="open" profile="/usr/lib/vbox/VBoxSVC//null-2d" name="/etc/c" requested_mask="r" denied_mask="r"')],
        {"/usr/lib/vbox/VBoxSVC": ["/etc/c r,"]},
    ),
    (
        "a program with its own profile in the log gets Px, and its learning records go there",
        [
            _record('operation="open" profile="/usr/bin/tool" name="/etc/t" requested_mask="r" denied_mask="r"'),
            _record('operation="open" profile="/usr/bin/main//null-/usr/bin/tool" name="/etc/u" requested_mask="r" denied_mask="r"'),
        ],
        {"/usr/bin/tool": ["/etc/t r,", "/etc/u r,"], "/usr/bin/main": ["/usr/bin/tool Px,"]},
    ),
    (
        "each part of a stack",
        [_record('operation="open" profile="a//&b" name="/etc/s" requested_mask="r" denied_mask="r"')],
        {"a": ["/etc/s r,"], "b": ["/etc/s r,"]},
    ),
    (
        "a policy namespace",
        [_record('operation="open" namespace="root//lxd-c1_<var-snap-lxd>" profile="test" name="/etc/n" requested_mask="r" denied_mask="r"')],
        {":lxd-c1_<var-snap-lxd>:test": ["/etc/n r,"]},
    ),
    (
        "unconfined tasks get no rule",
        [_record('operation="change_onexec" info="label not found" error=-2 profile="unconfined" name="foo" pid=1 comm="systemd"')],
        {},
    ),
    (
        "both halves of a signal, once each when both records are there",
        [
            _record('operation="signal" profile="demo" pid=1 comm="kill" requested_mask="send" denied_mask="send" signal=term peer="/usr/bin/man"'),
            _record('operation="signal" profile="/usr/bin/man" pid=1 comm="kill" requested_mask="receive" denied_mask="receive" signal=term peer="demo"'),
        ],
        {"demo": ["signal send set=term peer=/usr/bin/man,"], "/usr/bin/man": ["signal receive set=term peer=demo,"]},
    ),
    (
        "the peer's half of a ptrace read",
        [_record('operation="ptrace" profile="top" requested_mask="read" denied_mask="read" peer="/usr/sbin/cupsd"')],
        {"top": ["ptrace read peer=/usr/sbin/cupsd,"], "/usr/sbin/cupsd": ["ptrace readby peer=top,"]},
    ),
    (
        "an unconfined peer needs nothing",
        [_record('operation="signal" profile="demo" requested_mask="send" denied_mask="send" signal=kill peer="unconfined"')],
        {"demo": ["signal send set=kill peer=unconfined,"]},
    ),
    (
        "a learning peer is named by where it runs",
        [_record('operation="signal" profile="p" requested_mask="receive" denied_mask="receive" signal=hup peer="q//null-/usr/bin/x"')],
        {"p": ["signal receive set=hup peer=q,"], "q": ["signal send set=hup peer=p,", "/usr/bin/x mrix,"]},
    ),
    (
        "dbus: both halves",
        [_record('operation="dbus_method_call" bus="session" path="/o" interface="i.f" member="M" mask="send" name="org.x" pid=1 label="s" peer_pid=2 peer_label="r"')],
        {"s": ["dbus send bus=session path=/o interface=i.f member=M peer=(name=org.x label=r),"], "r": ["dbus receive bus=session path=/o interface=i.f member=M peer=(label=s),"]},
    ),
    (
        "a disconnected path: the flag, and the path rooted at /",
        [_record('operation="sendmsg" info="Failed name lookup - disconnected path" error=-13 profile="/usr/sbin/mosquitto" name="run/systemd/notify" requested_mask="w" denied_mask="w" fsuid=0 ouid=0')],
        {"/usr/sbin/mosquitto": ["owner @{run}/systemd/notify w,", "flags=(attach_disconnected)"]},
    ),
    (
        "a disconnected null file: the flag only",
        [_record('operation="getattr" info="Failed name lookup - disconnected path" error=-13 profile="app2" name="apparmor/.null" requested_mask="r" denied_mask="r"')],
        {"app2": ["flags=(attach_disconnected)"]},
    ),
    (
        "a deleted file",
        [_record('operation="open" info="Failed name lookup - deleted entry" error=-2 profile="p" name="/tmp/#1234" requested_mask="r" denied_mask="r"')],
        {"p": ["flags=(mediate_deleted)"]},
    ),
    (
        "no exec rule fixes no_new_privs",
        [_record('operation="exec" class="file" info="no new privs" error=-1 profile="sd" name="/usr/bin/d" requested_mask="x" denied_mask="x" fsuid=0 ouid=0')],
        {"sd": ["# exec of /usr/bin/d"]},
    ),
    (
        "a change to a profile that is not loaded: a note",
        [_record('operation="change_onexec" class="file" info="label not found" error=-2 profile="/usr/lib/snapd/snap-confine" name="snap.x"')],
        {"/usr/lib/snapd/snap-confine": ["# change_onexec to snap.x"]},
    ),
    (
        "an exec by the fallback of a pix rule needs no rule",
        [_record('operation="exec" info="ix fallback" profile="p" name="/usr/bin/f" requested_mask="x" denied_mask="x"').replace("DENIED", "ALLOWED")],
        {"p": ["# exec of /usr/bin/f used the ix fallback of its exec rule"]},
    ),
    (
        "an inherited descriptor is the new profile's",
        [_record('operation="file_inherit" profile="/usr/bin/child" name="/dev/pts/3" requested_mask="wr" denied_mask="wr" fsuid=1000 ouid=1000')],
        {"/usr/bin/child": ["owner /dev/pts/3 rw,"]},
    ),
    (
        "a user namespace transition gives the program a profile",
        [_record('operation="userns_create" class="namespace" info="Userns create - transitioning profile" profile="unconfined" requested="userns_create" target="unprivileged_userns" execpath="/usr/bin/unshare"').replace("DENIED", "AUDIT")],
        {"/usr/bin/unshare": ["userns create,"]},
    ),
    (
        "status and audit records need nothing",
        [
            '[ 7.1] audit: type=1400 audit(1.1:37): apparmor="STATUS" operation="profile_load" profile="unconfined" name="bwrap" pid=1 comm="systemd"',
            _record('operation="open" profile="p" name="/etc/a" requested_mask="r"').replace("DENIED", "AUDIT"),
        ],
        {},
    ),
]


@pytest.mark.parametrize(("lines", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_suggestions_without_policy(lines: list[str], expected: dict[str, list[str]]) -> None:
    view = _view(suggest_records(_records(*lines)))
    assert {name: sorted(items) for name, items in view.items()} == {name: sorted(items) for name, items in expected.items()}


@pytest.mark.parametrize(
    ("label", "why"),
    [
        ("unconfined", "the task is unconfined: no profile of it can be given a rule"),
        ("null-complain-profile", "null-complain-profile is an old kernel's global learning profile: the profile that ran the program is not logged"),
    ],
)
def test_records_no_profile_can_take_are_reported(label: str, why: str) -> None:
    suggestions = suggest_records(_records(_record(f'operation="open" profile="{label}" name="/etc/x" requested_mask="r" denied_mask="r"')))
    assert not suggestions.profiles
    assert [reason for _, reason in suggestions.unplaced] == [why]


def test_learning_records_of_a_program_run_unconfined_are_reported(policy: SuggestPolicy) -> None:
    suggestions = suggest_records(_records(_record('operation="open" profile="main//null-/usr/bin/free" name="/var/f" requested_mask="r" denied_mask="r"')), policy)
    assert not suggestions.profiles
    assert [reason for _, reason in suggestions.unplaced] == [
        "the records of main//null-/usr/bin/free need no rule: by the policy's exec rule the program runs unconfined or may not run"
    ]


def test_json_has_exactly_the_documented_keys() -> None:
    data = to_json(suggest_records(_records(_record('operation="open" profile="/usr/bin/a" name="/etc/a" requested_mask="r" denied_mask="r"'))))
    assert data == [{"profile": "/usr/bin/a", "file": None, "rules": ["/etc/a r,"]}]


def test_text_nests_children_and_hats() -> None:
    text = render_text(suggest_records(_records(
        _record('operation="open" profile="/usr/sbin/sshd//ubuntu" name="/etc/b" requested_mask="r" denied_mask="r"'),
        _record('operation="capable" profile="/usr/sbin/sshd" capability=1 capname="chown"'),
    )))
    assert text == "/usr/sbin/sshd {\n  capability chown,\n  ^ubuntu {\n    /etc/b r,\n  }\n}\n"


POLICY = {
    "/p/tunables/global": b"@{HOME}=@{HOMEDIRS}/*/ /root/\n@{HOMEDIRS}=/home/\n@{PROC}=/proc/\n",
    "/p/abstractions/mdns": b"/etc/mdns.allow r,\n/etc/nsswitch.conf r,\n",
    "/p/abstractions/big": b"/etc/** r,\n",
    "/p/usr.bin.main": b"""include <tunables/global>

profile main /usr/bin/main flags=(complain) {
  include <abstractions/big>
  capability chown,

  /etc/main.conf r,
  deny /etc/secret r,
  /usr/bin/helper ix,
  /usr/bin/free ux,

  profile kid /usr/bin/kid {
    /etc/kid r,
  }
}
""",
    "/p/usr.bin.tool": b"profile tool /usr/bin/tool flags=(attach_disconnected) {\n\t/etc/tool r,\n\tsignal receive peer=sender,\n}\n",
}


@pytest.fixture(scope="module")
def policy() -> SuggestPolicy:
    config = ResolveConfig(("/p",), "/p", MemoryFileSystem(POLICY))
    loaded = load_policy(["/p/usr.bin.main", "/p/usr.bin.tool"], config)
    return prepare_policy(loaded, ["abstractions/mdns", "abstractions/big"], config)


POLICY_CASES: list[tuple[str, list[str], dict[str, list[str]]]] = [
    (
        "allowed already: nothing; tunables from the file's includes",
        [
            _record('operation="open" profile="main" name="/etc/main.conf" requested_mask="r" denied_mask="r"'),
            _record('operation="open" profile="main" name="/home/bob/.mainrc" requested_mask="r" denied_mask="r" fsuid=1 ouid=2'),
        ],
        {"main": ["@{HOME}/.mainrc r,"]},
    ),
    (
        "a file without the tunables gets literal paths",
        [_record('operation="open" profile="tool" name="/home/bob/x" requested_mask="w" denied_mask="w" fsuid=1 ouid=2')],
        {"tool": ["/home/bob/x w,"]},
    ),
    (
        "an explicit deny rule: a note, not an allow rule",
        [_record('operation="open" profile="main" name="/etc/secret" requested_mask="r" denied_mask="r"')],
        {"main": ["# `/etc/secret r,` is refused by `deny /etc/secret r,`"]},
    ),
    (
        "an abstraction that allows the rule is offered, the smallest first",
        [_record('operation="open" profile="tool" name="/etc/mdns.allow" requested_mask="r" denied_mask="r"')],
        {"tool": ["include <abstractions/mdns>"]},
    ),
    (
        "exec advice: Px to the profile that attaches, Cx to the child that does",
        [
            _record('operation="exec" profile="main" name="/usr/bin/tool" requested_mask="x" denied_mask="x"'),
            _record('operation="exec" profile="main" name="/usr/bin/kid" requested_mask="x" denied_mask="x"'),
            _record('operation="exec" profile="main" name="/usr/bin/other" requested_mask="x" denied_mask="x"'),
        ],
        {"main": ["/usr/bin/kid Cx,", "/usr/bin/other mrix,", "/usr/bin/tool Px,"]},
    ),
    (
        "learning records follow the policy's exec rules: ix to the parent, ux nowhere",
        [
            _record('operation="open" profile="main//null-/usr/bin/helper" name="/var/h" requested_mask="r" denied_mask="r"'),
            _record('operation="open" profile="main//null-/usr/bin/free" name="/var/f" requested_mask="r" denied_mask="r"'),
            _record('operation="open" profile="main//null-/usr/bin/tool" name="/var/t" requested_mask="r" denied_mask="r"'),
        ],
        {"main": ["/var/h r,", "/usr/bin/tool Px,"], "tool": ["/var/t r,"]},
    ),
    (
        "a flag the profile has is not repeated",
        [_record('operation="getattr" info="Failed name lookup - disconnected path" error=-13 profile="tool" name="" requested_mask="r" denied_mask="r"')],
        {},
    ),
    (
        "the peer's half only where the peer does not allow it",
        [_record('operation="signal" profile="kid_peer_test" requested_mask="send" denied_mask="send" signal=term peer="main//kid"')],
        {"kid_peer_test": ["signal send set=term peer=main//kid,"], "main//kid": ["signal receive set=term peer=kid_peer_test,"]},
    ),
    (
        "no half for a peer that allows it",
        [_record('operation="signal" profile="sender" requested_mask="send" denied_mask="send" signal=term peer="tool"')],
        {"sender": ["signal send set=term peer=tool,"]},
    ),
]


@pytest.mark.parametrize(("lines", "expected"), [case[1:] for case in POLICY_CASES], ids=[case[0] for case in POLICY_CASES])
def test_suggestions_with_policy(policy: SuggestPolicy, lines: list[str], expected: dict[str, list[str]]) -> None:
    view = _view(suggest_records(_records(*lines), policy))
    assert {name: sorted(items) for name, items in view.items()} == {name: sorted(items) for name, items in expected.items()}


def test_files_are_those_of_the_policy(policy: SuggestPolicy) -> None:
    suggestions = suggest_records(_records(
        _record('operation="open" profile="main//kid" name="/etc/k2" requested_mask="r" denied_mask="r"'),
        _record('operation="open" profile="stranger" name="/etc/s" requested_mask="r" denied_mask="r"'),
    ), policy)
    assert [(item.profile, item.file) for item in suggestions.profiles] == [
        ("main//kid", "/p/usr.bin.main"),
        ("stranger", None),
    ]


def _diff(policy: SuggestPolicy, *lines: str) -> dict[str, str]:
    edits = policy_diff(suggest_records(_records(*lines), policy), policy)
    return {edit.path: edit.new.decode() for edit in edits}


def test_diff_puts_rules_after_their_kind_and_children_in_their_parent(policy: SuggestPolicy) -> None:
    files = _diff(
        policy,
        _record('operation="capable" profile="main" capability=12 capname="net_admin"'),
        _record('operation="open" profile="main" name="/var/m" requested_mask="r" denied_mask="r"'),
        _record('operation="open" profile="main//kid" name="/var/k" requested_mask="r" denied_mask="r"'),
        _record('operation="open" profile="main//newhat" name="/var/n" requested_mask="r" denied_mask="r"'),
    )
    assert list(files) == ["/p/usr.bin.main"]
    assert files["/p/usr.bin.main"] == """include <tunables/global>

profile main /usr/bin/main flags=(complain) {
  include <abstractions/big>
  capability chown,
  capability net_admin,

  /etc/main.conf r,
  deny /etc/secret r,
  /usr/bin/helper ix,
  /usr/bin/free ux,
  /var/m r,

  profile kid /usr/bin/kid {
    /etc/kid r,
    /var/k r,
  }
  ^newhat {
    /var/n r,
  }
}
"""


def test_diff_adds_flags_keeps_tabs_and_writes_new_profiles(policy: SuggestPolicy) -> None:
    files = _diff(
        policy,
        _record('operation="open" info="Failed name lookup - deleted entry" error=-2 profile="tool" name="/tmp/#1" requested_mask="r" denied_mask="r"'),
        _record('operation="open" profile="tool" name="/var/t" requested_mask="r" denied_mask="r"'),
        _record('operation="open" profile="/usr/bin/new" name="/var/z" requested_mask="r" denied_mask="r"'),
    )
    assert files["/p/usr.bin.tool"] == (
        "profile tool /usr/bin/tool flags=(attach_disconnected, mediate_deleted) {\n"
        "\t/etc/tool r,\n\t/var/t r,\n\tsignal receive peer=sender,\n}\n"
    )
    assert files["usr.bin.new"] == "include <tunables/global>\n\n/usr/bin/new {\n  /var/z r,\n}\n"


def _expansions(text: str) -> list[str]:
    """Every text `text` stands for with upstream's default tunables."""
    match = re.search(r"@\{(\w+)\}", text)
    if match is None:
        return [text]
    values = DEFAULT_TUNABLES.values[match.group(1)]
    return [expanded for value in values for expanded in _expansions(text[: match.start()] + value + text[match.end() :])]


def _corpus_logs(corpus_dir: Path) -> list[Path]:
    test_multi = corpus_dir / "upstream" / "libapparmor_testsuite" / "test_multi"
    return sorted(test_multi.glob("*.in")) + sorted((corpus_dir / "real-denials").iterdir())


def test_corpus_suggestions_are_valid_and_allow_their_records(corpus_dir: Path) -> None:
    """Every rule suggested for upstream's test logs and the real denials reads back as
    itself, passes its kind's checks, and, tunables expanded, allows each request it is for."""
    checked = 0
    for path in _corpus_logs(corpus_dir):
        lines = [line for line in path.read_bytes().splitlines() if not line.startswith(b"#")]
        records = [item for item in read_records(lines, path.name) if isinstance(item, LogRecord)]
        for item in suggest_records(records).profiles:
            for suggested in item.rules:
                text = suggested.rule.render()
                again, problem = parse_request(text)
                assert isinstance(again, Rule) and again.render() == text, (path.name, text, problem)
                assert not [d for d in suggested.rule.validate() if d.severity is Severity.ERROR], (path.name, text)
                expanded = [parse_request(variant)[0] for variant in _expansions(text)]
                for literal in suggested.literals:
                    assert any(isinstance(rule, Rule) and rule.covers(literal) for rule in expanded), (path.name, text, literal.render())
                    checked += 1
    assert checked > 250
