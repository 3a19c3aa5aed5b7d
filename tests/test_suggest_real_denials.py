"""Real denials: where a mailing-list thread's `# FIX:` names the rule and the profile,
`suggest` reaches the same profile with a rule the fix allows (or the flag it sets).

Each corpus file starts with `#` lines (source, context, fix); the records follow.  A fix
rule is checked against what the records ask for (`SuggestedRule.literals`), so a fix
written with a glob or a tunable allows the literal request; tunables in a fix are written
here as the paths they stand for.  Files whose fix names no rule or profile (kernel
patches, tooling bugs, fixes in abstractions for records that name no profile) are not
listed; the one listed fix that suggest cannot reach is explained where it is listed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from armorsmith.engine import Outcome, RuleRef, decide_rules, parse_request
from armorsmith.ide.query import load_policy
from armorsmith.ide.suggest import SuggestPolicy, prepare_policy, suggest_records
from armorsmith.logs import LogRecord, read_records
from armorsmith.model import Rule
from armorsmith.resolve import DiskFileSystem, ResolveConfig
from armorsmith.syntax import FileRole, guess_role

Need = tuple[str, str, str]
"""A profile, what it needs (`rule`, `flag`, `include` or `note`) and the fix's text."""

FIXES: list[tuple[str, list[Need]]] = [
    ("ml-2019-05-fullsystempolicy-init-systemd.log", [
        ("init-systemd", "flag", "attach_disconnected"),
        ("init-systemd", "note", "profile that is not loaded"),
    ]),
    ("ml-2019-08-disconnected-apparmor-null.log", [("app2", "flag", "attach_disconnected")]),
    ("ml-2019-08-fullsystem-colord-null-child.log", [("init-systemd//colord_profile", "rule", "/usr/lib/colord/colord-sane mrix,")]),
    ("ml-2019-09-apt-cacher-ng-openssl.log", [("/usr/sbin/apt-cacher-ng", "rule", "/etc/ssl/openssl.cnf r,")]),
    ("ml-2019-09-freshclam-winbind-connect.log", [("/usr/bin/freshclam", "rule", "/run/samba/winbindd/pipe rw,")]),
    ("ml-2019-09-perl-script-file_mmap.log", [("some_app", "rule", "/usr/bin/perl r,")]),
    # The fix repairs an existing rule aa-logprof crashed on; the record's peer is `chrome`.
    ("ml-2019-10-logprof-ptrace-crash.log", [("chrome-sandbox", "rule", "ptrace read peer=chrome,")]),
    ("ml-2020-08-signal-crosscheck-and-cap-kill.log", [
        ("demo", "rule", "signal send set=term peer=/usr/bin/man,"),
        ("/usr/bin/man", "rule", "signal receive set=term peer=demo,"),
        ("demo", "rule", "capability kill,"),
    ]),
    ("ml-2020-09-dac_override-complain.log", [("Testing", "rule", "capability dac_override,")]),
    # No fix, but the thread names the profile: `test` in the container's policy namespace.
    ("ml-2020-11-lxd-namespace-stacked.log", [(":lxd-u20_<var-snap-lxd-common-lxd>:test", "rule", "capability dac_override,")]),
    ("ml-2021-03-chmod-dir-w.log", [("/usr/lib/signal-desktop/signal-desktop", "rule", "/var/cache/fontconfig/ w,")]),
    ("ml-2021-04-mknod-create-c.log", [("example", "rule", "/tmp/test w,")]),
    ("ml-2021-11-mosquitto-protecthome-disconnected.log", [("/usr/sbin/mosquitto", "flag", "attach_disconnected")]),
    ("ml-2023-06-pivotroot-class-mount.log", [("/myapp", "rule", "pivot_root,")]),
    ("ml-2024-11-kernel-patch-mqueue-getattr.log", [("mqueue_testing", "rule", "mqueue getattr type=posix /,")]),
    ("ml-2025-02-sssd-allowed-noise.log", [("/usr/sbin/sssd", "rule", "/proc/*/cmdline r,")]),
    ("ml-2026-06-kernel-patch-tcp-fastopen.log", [("egress_restricted", "rule", "network (connect) inet stream,")]),
    ("ml-lp1777070-firefox-widevine-mmap-ptrace.log", [
        ("/usr/lib/firefox/firefox{,*[^s][^h]}", "rule", "owner /home/*/.{firefox,mozilla}/**/gmp-widevinecdm/*/lib*so m,"),
        ("/usr/lib/firefox/firefox{,*[^s][^h]}", "rule", "ptrace (trace) peer=/usr/lib/firefox/firefox\\{,\\*\\[\\^s\\]\\[\\^h\\]\\},"),
    ]),
]

UNREACHED = {
    "ml-2025-11-nixos-systemd-nnp-exec.log": "the only record is cut short in the mail (`... fsuid=999 ou`): the reader reports it unreadable",
}
"""Files whose fix names the rule and the profile but that suggest cannot reach, and why."""

POLICY_FIXES: list[tuple[str, list[Need]]] = [
    # The fix went into the abstraction; with upstream's policy (which has it) suggest offers it.
    ("ml-2020-04-chronyd-mdns-allow.log", [("/usr/sbin/chronyd", "include", "include <abstractions/mdns>")]),
]


def _records(path: Path) -> list[LogRecord]:
    lines = [line for line in path.read_bytes().splitlines() if not line.startswith(b"#")]
    return [item for item in read_records(lines, path.name) if isinstance(item, LogRecord)]


def _fix_allows(fix: str, literals: tuple[Rule, ...]) -> bool:
    rule, problem = parse_request(fix)
    assert isinstance(rule, Rule), problem
    return any(decide_rules((RuleRef(rule),), literal).outcome is Outcome.ALLOW for literal in literals)


def _check(path: Path, needs: list[Need], policy: SuggestPolicy | None) -> None:
    suggestions = suggest_records(_records(path), policy)
    profiles = {item.profile: item for item in suggestions.profiles}
    for profile, kind, text in needs:
        assert profile in profiles, (path.name, profile, sorted(profiles))
        item = profiles[profile]
        if kind == "flag":
            assert text in item.flags, (path.name, item.flags)
        elif kind == "note":
            assert any(text in note for note in item.notes), (path.name, item.notes)
        elif kind == "include":
            assert text in item.texts(), (path.name, item.texts())
        else:
            assert any(_fix_allows(text, rule.literals) for rule in item.rules), (path.name, text, item.texts())


@pytest.mark.parametrize(("name", "needs"), FIXES, ids=[name for name, _ in FIXES])
def test_suggest_reaches_the_fixed_profile(corpus_dir: Path, name: str, needs: list[Need]) -> None:
    _check(corpus_dir / "real-denials" / name, needs, None)


@pytest.mark.parametrize("name", sorted(UNREACHED))
def test_unreached_fixes_need_no_suggestion(corpus_dir: Path, name: str) -> None:
    assert not suggest_records(_records(corpus_dir / "real-denials" / name)).profiles


@pytest.fixture(scope="module")
def upstream_policy(corpus_dir: Path) -> SuggestPolicy:
    root = corpus_dir / "upstream" / "profiles" / "apparmor.d"
    files = [str(path) for path in sorted(root.rglob("*")) if path.is_file() and guess_role(str(path), None) is FileRole.POLICY]
    config = ResolveConfig((str(root),), str(root), DiskFileSystem())
    abstractions = [f"abstractions/{path.name}" for path in sorted((root / "abstractions").iterdir()) if path.is_file()]
    return prepare_policy(load_policy(files, config), abstractions, config)


@pytest.mark.parametrize(("name", "needs"), POLICY_FIXES, ids=[name for name, _ in POLICY_FIXES])
def test_suggest_offers_the_fixed_abstraction(corpus_dir: Path, upstream_policy: SuggestPolicy, name: str, needs: list[Need]) -> None:
    _check(corpus_dir / "real-denials" / name, needs, upstream_policy)


NO_NAMED_FIX = {
    "ml-2021-09-rsyslogd-configcheck.log": "the fix is a second profile run with aa-exec, not a rule",
    "ml-2022-11-glibc-cpu-possible.log": "the record names no profile; the fix went into abstractions/base",
    "ml-2023-01-audit-open-no-denied-mask.log": "no fix is possible",
    "ml-2024-01-systemd-change_onexec-label-not-found.log": "the fix is to load profile foo: the task is unconfined",
    "ml-2024-07-truncated-unix-recvmsg.log": "no fix: the record is cut short",
    "ml-2025-02-libnuma-sys-node.log": "the record names no profile; the fix went into abstractions/base",
    "ml-2025-04-kernel-patch-userns-link-connect.log": "a kernel fix: the policy was right",
    "ml-2026-01-incus-userns-create.log": "the fixes are a sysctl or a new profile for an unconfined task",
    "ml-lp1117804-ausearch-avc.log": "a tooling bug: no policy fix",
    "ml-lp2049099-snap-in-lxd-file_inherit.log": "not resolved in the thread",
    "roddhjav-apparmor.d-testdata-aa-log-format.txt": "a test fixture without a fix",
    "roddhjav-apparmor.d-testdata-audit.log": "a test fixture without a fix",
    "roddhjav-apparmor.d-testdata-journal.json.log": "a test fixture without a fix",
}
"""The corpus files whose `# FIX:` names no rule and profile, and why."""


def test_every_corpus_file_is_judged(corpus_dir: Path) -> None:
    """Each real-denials file is listed above: checked, unreached with the reason, or left
    out because its fix names no rule and profile."""
    listed = [name for name, _ in FIXES] + list(UNREACHED) + [name for name, _ in POLICY_FIXES] + list(NO_NAMED_FIX)
    assert len(listed) == len(set(listed))
    assert sorted(listed) == sorted(path.name for path in (corpus_dir / "real-denials").iterdir())
