"""Tests of `armorsmith explain` without a policy, over real records.

The real-denials corpus says, in each file's `# FIX:` header, which profile the fix went
into; explain must name the same profile as the one to change.  upstream's `test_multi`
cases cover the situations of mediation.md §6 (F1-F20) that real logs show; the rest are
written here as single records.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from armorsmith.ide.explain import ExplainResult, Explanation, explain_log

pytestmark = pytest.mark.corpus

REAL = "real-denials"
MULTI = "upstream/libapparmor_testsuite/test_multi"


def _corpus_lines(path: Path) -> list[str]:
    """The lines of a real-denials file with its `#` header blanked (line numbers kept)."""
    text = path.read_text(encoding="utf-8", errors="surrogateescape")
    return ["" if line.startswith("#") else line for line in text.splitlines()]


def _explain(name: str, lines: list[str]) -> ExplainResult:
    return explain_log([(name, lines)])


FIX_PROFILES: dict[str, set[str]] = {
    "ml-2019-05-fullsystempolicy-init-systemd.log": {"init-systemd", "usr.lib.apt.methods.gpgv"},
    "ml-2019-08-disconnected-apparmor-null.log": {"app2"},
    "ml-2019-08-fullsystem-colord-null-child.log": {"init-systemd//colord_profile"},
    "ml-2019-09-apt-cacher-ng-openssl.log": {"/usr/sbin/apt-cacher-ng"},
    "ml-2019-09-freshclam-winbind-connect.log": {"/usr/bin/freshclam"},
    "ml-2019-09-perl-script-file_mmap.log": {"some_app"},
    "ml-2019-10-logprof-ptrace-crash.log": {"chrome-sandbox"},
    "ml-2020-08-signal-crosscheck-and-cap-kill.log": {"demo", "/usr/bin/man"},
    "ml-2020-09-dac_override-complain.log": {"Testing"},
    # The profile `test` of the container's policy namespace, as the kernel names it.
    "ml-2020-11-lxd-namespace-stacked.log": {":lxd-u20_<var-snap-lxd-common-lxd>:test"},
    "ml-2021-03-chmod-dir-w.log": {"/usr/lib/signal-desktop/signal-desktop"},
    "ml-2021-04-mknod-create-c.log": {"example"},
    "ml-2021-11-mosquitto-protecthome-disconnected.log": {"/usr/sbin/mosquitto"},
    "ml-2023-06-pivotroot-class-mount.log": {"/myapp"},
    "ml-2024-01-systemd-change_onexec-label-not-found.log": {"foo"},
    "ml-2024-11-kernel-patch-mqueue-getattr.log": {"mqueue_testing"},
    "ml-2025-02-sssd-allowed-noise.log": {"/usr/sbin/sssd"},
    "ml-2026-06-kernel-patch-tcp-fastopen.log": {"egress_restricted"},
    "ml-lp1777070-firefox-widevine-mmap-ptrace.log": {"/usr/lib/firefox/firefox{,*[^s][^h]}"},
}
"""Every real-denials file whose `# FIX:` names the profile to change, and those profiles."""

NO_PROFILE_NAMED: dict[str, str] = {
    "ml-2020-04-chronyd-mdns-allow.log": "the fix went into abstractions/mdns, not a profile",
    "ml-2021-09-rsyslogd-configcheck.log": "the fix is a new profile run with aa-exec",
    "ml-2022-11-glibc-cpu-possible.log": "the record names no profile; the fix went into abstractions/base",
    "ml-2023-01-audit-open-no-denied-mask.log": "no fix was possible",
    "ml-2024-07-truncated-unix-recvmsg.log": "the record is truncated",
    "ml-2025-02-libnuma-sys-node.log": "the record names no profile; the fix went into an abstraction",
    "ml-2025-04-kernel-patch-userns-link-connect.log": "the fix was in the kernel",
    "ml-2025-11-nixos-systemd-nnp-exec.log": "the record is truncated",
    "ml-2026-01-incus-userns-create.log": "the fix is a sysctl or a new profile",
    "ml-lp1117804-ausearch-avc.log": "no policy fix",
    "ml-lp2049099-snap-in-lxd-file_inherit.log": "not resolved",
    "roddhjav-apparmor.d-testdata-aa-log-format.txt": "a fixture without fixes",
    "roddhjav-apparmor.d-testdata-audit.log": "a fixture without fixes",
    "roddhjav-apparmor.d-testdata-journal.json.log": "a fixture without fixes",
}
"""The other files, with why their `# FIX:` names no profile explain could be held to."""


def test_every_real_denials_file_is_classified(corpus_dir: Path) -> None:
    """Ensure that a new corpus file is added to one of the two tables above."""
    names = {path.name for path in (corpus_dir / REAL).iterdir()}
    assert names == set(FIX_PROFILES) | set(NO_PROFILE_NAMED)


@pytest.mark.parametrize("name", sorted(FIX_PROFILES))
def test_fix_names_the_profile_of_the_fix(corpus_dir: Path, name: str) -> None:
    """Ensure that explain names, as the profile to change, every profile the fix went into,
    and only profiles the log shows."""
    result = _explain(name, _corpus_lines(corpus_dir / REAL / name))
    named = {item.fix_profile for item in result.explanations if item.fix_profile is not None}
    assert FIX_PROFILES[name] <= named


@pytest.mark.parametrize("name", sorted(FIX_PROFILES) + sorted(NO_PROFILE_NAMED))
def test_every_record_is_explained_or_reported(corpus_dir: Path, name: str) -> None:
    """Ensure that each record gets one explanation with a summary and a fix, and each
    unreadable line one with its reason: nothing is dropped."""
    result = _explain(name, _corpus_lines(corpus_dir / REAL / name))
    explained = sum(item.count for item in result.explanations if item.outcome not in ("unreadable", "lost"))
    assert explained == result.records
    assert sum(1 for item in result.explanations if item.outcome == "unreadable") == result.unreadable
    for item in result.explanations:
        assert item.summary and item.fix and item.records


@pytest.mark.parametrize(
    "name", ["ml-2024-07-truncated-unix-recvmsg.log", "ml-2025-11-nixos-systemd-nnp-exec.log"]
)
def test_truncated_records_are_reported(corpus_dir: Path, name: str) -> None:
    """F19: a record cut short by a pager or a mail is reported with the reason, not dropped."""
    result = _explain(name, _corpus_lines(corpus_dir / REAL / name))
    assert not result.complete
    (item,) = [item for item in result.explanations if item.outcome == "unreadable"]
    assert "cut short" in item.summary and "pager" in item.fix


def test_unconfined_task_gets_no_rule(corpus_dir: Path) -> None:
    """F5: the fix for a denial of an unconfined task is never a rule in `unconfined`."""
    name = "ml-2026-01-incus-userns-create.log"
    (item,) = _explain(name, _corpus_lines(corpus_dir / REAL / name)).explanations
    assert item.fix_profile is None and not item.fix_rules
    assert "unprivileged_userns" in " ".join(item.details) and "Never add rules to `unconfined`" in item.fix


def _case(corpus_dir: Path, name: str) -> Explanation:
    path = corpus_dir / MULTI / f"{name}.in"
    result = _explain(f"{name}.in", path.read_text(encoding="utf-8", errors="surrogateescape").splitlines())
    (item,) = result.explanations
    return item


MULTI_CASES = [
    # F1: a program run under its caller's profile.
    ("avc_audit_01", "/usr/sbin/cupsd", "`ls` is not the program `/usr/sbin/cupsd` attaches to", "@{HOME}/.ssh/ r,"),
    # F2: a socket inherited across an exec is checked against the new profile.
    ("file_inherit_network_lp1509030", "/usr/lib/NetworkManager/nm-dhcp-client.action", "against the new profile", "network inet6 dgram,"),
    # F3 for message queues: the object has no name in the task's namespace.
    ("posix_mqueue_disconnected_no_name", "plasmashell", "disconnected IPC path", "mqueue getattr type=posix,"),
    # F5: an unconfined task: the fix is elsewhere.
    ("change_onexec_lp1648143", None, "no_new_privs set", None),
    ("unconfined-change_hat", None, "hats exist only inside a profile", None),
    # F6: exec records with and without a target.
    ("exec01", "/home/cb/bin/hello.sh", "learning profile `/home/cb/bin/hello.sh//null-/usr/bin/rm`", "/usr/bin/rm mrix,"),
    ("exec02", "/usr/bin/wireshark", "no exec rule for this program", "/usr/lib64/wireshark/extcap/androiddump mrix,"),
    ("change_onexec_gl636", "/usr/lib/snapd/snap-confine", "that is not loaded", None),
    # F7: a learning profile of an old kernel, numbered in hex.
    ("syslog_datetime_01", "/usr/lib/virtualbox/VBoxSVC", "older kernels number them in hex", "@{sys}/class/power_supply/ r,"),
    # F8: capabilities.
    ("testcase_syslog_capability", "/home/ubuntu/bzr/apparmor/tests/regression/apparmor/syscall_setpriority",
     "only after the ordinary permission check failed", "capability sys_nice,"),
    # F9: a policy namespace.
    ("change_onexec_lp1648143", None, "policy namespace `root//lxd-tor_<var-lib-lxd>`", None),
    # F10: requested versus denied.
    ("testcase_unix_02", "/home/user/test/client.py", "only send and accept were refused", None),
    ("testcase_mqueue_02", "/root/apparmor/tests/regression/apparmor/posix_mq_rcv", "only read was refused",
     "mqueue read type=posix /queuename,"),
    # F11: create is w in policy; a trailing slash is a directory; chown is w.
    ("testcase_dmesg_mkdir", "/usr/sbin/sshd//ubuntu", "Policy has no `c` (create)", "owner /tmp/ssh-gRozJw4786/ w,"),
    ("file_chown", "/usr/sbin/cupsd", "Changing mode, owner or other metadata is part of `w`", None),
    # F12: both halves of a cross-check.
    ("testcase_signal_01", "/usr/bin/pulseaudio", "needs `signal receive set=term peer=/usr/bin/pulseaudio,`", None),
    ("testcase_signal_02", "/usr/bin/pulseaudio///usr/lib/pulseaudio/pulse/gconf-helper", "carry the sending task", None),
    ("testcase_ptrace_01", "/home/ubuntu/bzr/apparmor/tests/regression/apparmor/ptrace", "it needs both halves", None),
    ("testcase_unix_01", "/home/user/test/client.py", "`/home/user/test/server.py`, needs `unix (send receive accept)", None),
    # F13: D-Bus records come from the bus daemon.
    ("testcase_dbus_01", "/tmp/apparmor-2.8.0/tests/regression/apparmor/dbus_service", "come from the bus daemon", None),
    # F17: mount info strings.
    ("testcase_mount_01", "/home/ubuntu/bzr/apparmor/tests/regression/apparmor/mount", "No mount rule allows this mount point", None),
    ("testcase_mount_02", "steam", "not these mount options", None),
    # Hats and children; STATUS records.
    ("testcase24", "/home/steve/aa-regression-tests/changehat_wrapper//net_raw", "hat or child profile `net_raw`", "network packet raw,"),
    ("testcase_changehat_01", "/usr/sbin/httpd{,2}-prefork", "change to the hat", None),
    ("testcase_dmesg_status_offset", None, "could not read the compiled policy", None),
    ("testcase_userns_02", None, "allowed and logged on purpose", None),
]


@pytest.mark.parametrize(("name", "profile", "sentence", "rule"), MULTI_CASES, ids=[f"{case[0]}-{n}" for n, case in enumerate(MULTI_CASES)])
def test_multi_situations(corpus_dir: Path, name: str, profile: str | None, sentence: str, rule: str | None) -> None:
    """Ensure that each situation is explained, names the profile to change (or none) and
    the rule `armorsmith suggest` gives for it."""
    item = _case(corpus_dir, name)
    text = " ".join((item.summary, *item.details, item.fix))
    assert sentence in text
    assert item.fix_profile == profile
    if rule is not None:
        assert rule in item.fix_rules


def _one(line: str) -> ExplainResult:
    return _explain("log", [line])


def test_deleted_entry_asks_for_mediate_deleted() -> None:
    """F4: a deleted file fails even in complain mode; the flag is the fix, not a rule."""
    result = _one(
        'audit: type=1400 audit(1.2:3): apparmor="ALLOWED" operation="link" info="Failed name lookup - '
        'deleted entry" error=-2 profile="kate" name="/home/u/#1234" pid=9 comm="kate" requested_mask="l" '
        'denied_mask="l" fsuid=1000 ouid=1000'
    )
    (item,) = result.explanations
    assert item.fix_flags == ("mediate_deleted",) and item.fix_profile == "kate"
    assert "failed anyway" in " ".join(item.details)
    assert "`error=-2` (ENOENT" in " ".join(item.details)


def test_disconnected_path_asks_for_attach_disconnected(corpus_dir: Path) -> None:
    """F3: a path with no leading slash and the flag that fixes it, with the rule rooted at `/`."""
    name = "ml-2021-11-mosquitto-protecthome-disconnected.log"
    (item,) = _explain(name, _corpus_lines(corpus_dir / REAL / name)).explanations
    assert item.fix_flags == ("attach_disconnected",)
    assert "`flags=(attach_disconnected)`" in item.fix
    assert any(rule.startswith("/run/systemd/notify") or "@{run}/systemd/notify" in rule for rule in item.fix_rules)


def test_null_file_points_at_the_inherit_denial(corpus_dir: Path) -> None:
    """F2: `apparmor/.null` is a consequence; the explanation points at the file_inherit record."""
    name = "ml-lp2049099-snap-in-lxd-file_inherit.log"
    result = _explain(name, _corpus_lines(corpus_dir / REAL / name))
    null = [item for item in result.explanations if item.comm == "aa-exec"]
    assert null and all("AppArmor's null file" in " ".join(item.details) for item in null)
    assert any(f"{name}:13" in " ".join(item.details) for item in null)


def test_cross_check_halves_point_at_each_other(corpus_dir: Path) -> None:
    """F12: both halves of one kill are in the log; each says the other is there."""
    name = "ml-2020-08-signal-crosscheck-and-cap-kill.log"
    send, receive, _capability = _explain(name, _corpus_lines(corpus_dir / REAL / name)).explanations
    assert f"{name}:9" in " ".join(send.details) and f"{name}:8" in " ".join(receive.details)
    assert [change.profile for change in send.changes] == ["demo", "/usr/bin/man"]


def test_repeated_access_is_one_group() -> None:
    """The same access logged again (other pid, other time) is one group with a count."""
    line = (
        'type=AVC msg=audit(1.{n}:{n}): apparmor="DENIED" operation="open" profile="p" name="/etc/x" '
        'pid={n} comm="p" requested_mask="r" denied_mask="r" fsuid=0 ouid=0'
    )
    result = _explain("log", [line.format(n=n) for n in (1, 2, 3)])
    (item,) = result.explanations
    assert item.count == 3 and item.records == ("log:1", "log:2", "log:3")


def test_journald_duplicates_count_once() -> None:
    """F14: the kernel's copy and journald's audit copy of one event are one record."""
    body = (
        'apparmor="DENIED" operation="open" profile="p" name="/etc/x" pid=7 comm="p" '
        'requested_mask="r" denied_mask="r" fsuid=0 ouid=0'
    )
    result = _explain(
        "log",
        [
            f"Sep 16 14:57:47 host kernel: audit: type=1400 audit(1568635067.667:131): {body}",
            f"Sep 16 14:57:47 host audit[7]: AVC {body}",
        ],
    )
    (item,) = result.explanations
    assert item.count == 1


def test_failed_protocol_match_on_unix() -> None:
    """F16: `network,` no longer covers unix sockets under newer ABIs."""
    (item,) = _one(
        'apparmor="DENIED" operation="create" class="net" info="failed protocol match" error=-13 '
        'profile="containerd" pid=3 comm="x" family="unix" sock_type="stream" protocol=0 '
        'requested_mask="create" denied_mask="create"'
    ).explanations
    assert "no longer covers unix sockets" in " ".join(item.details)


def test_lost_records_are_reported() -> None:
    """F20: a line saying the kernel dropped records becomes an explanation of its own."""
    result = _explain("log", ["kauditd_printk_skb: 12 callbacks suppressed"])
    (item,) = result.explanations
    assert item.outcome == "lost" and item.records == ("log:1",) and result.complete


def test_killed_records() -> None:
    """A denial in kill mode says the task was killed."""
    (item,) = _one(
        'apparmor="KILLED" operation="open" profile="p" name="/etc/x" pid=7 comm="p" '
        'requested_mask="r" denied_mask="r" fsuid=0 ouid=1'
    ).explanations
    assert item.outcome == "killed" and "the task was killed" in " ".join(item.details)
    assert item.fix_rules == ("/etc/x r,",)


@pytest.mark.parametrize(
    ("comm", "sentence"),
    [
        ("(sh)", "how systemd names a child"),
        ("in:imuxsock", "thread name"),
        ("sh", "`sh` is not the program `/usr/bin/foo` attaches to"),
        ("foo", None),
        ("foo-with-a-long", None),
    ],
)
def test_comm_and_profile(comm: str, sentence: str | None) -> None:
    """F1: `comm` against the profile's program, with the reason that fits the name."""
    profile = "/usr/bin/foo-with-a-long-name" if comm == "foo-with-a-long" else "/usr/bin/foo"
    (item,) = _one(
        f'apparmor="DENIED" operation="open" profile="{profile}" name="/etc/x" pid=7 comm="{comm}" '
        'requested_mask="r" denied_mask="r"'
    ).explanations
    text = " ".join(item.details)
    if sentence is None:
        assert "comm" not in text
    else:
        assert sentence in text


def _corpus_logs(corpus_dir: Path) -> list[tuple[str, list[str]]]:
    logs = [(path.name, _corpus_lines(path)) for path in sorted((corpus_dir / REAL).iterdir())]
    logs += [
        (path.name, path.read_text(encoding="utf-8", errors="surrogateescape").splitlines())
        for path in sorted((corpus_dir / MULTI).glob("*.in"))
    ]
    return logs


def test_explain_and_suggest_agree(corpus_dir: Path) -> None:
    """Ensure that, over every corpus log, the changes explain names are exactly the rules
    and flags `armorsmith suggest` proposes, profile by profile."""
    from armorsmith.ide.suggest import suggest_records, to_json
    from armorsmith.logs import LogRecord, read_records

    for name, lines in _corpus_logs(corpus_dir):
        result = _explain(name, lines)
        explained = {
            (change.profile, rule) for item in result.explanations for change in item.changes for rule in change.rules
        }
        records = [item for item in read_records(lines, name) if isinstance(item, LogRecord)]
        suggested = {(entry["profile"], rule) for entry in to_json(suggest_records(records)) for rule in entry["rules"]}
        assert explained == suggested, name


@pytest.mark.parametrize(
    ("name", "operation", "sentence"),
    [
        # F15: a socket bound to a path is a file.
        ("ml-2019-09-freshclam-winbind-connect.log", "connect", "is mediated as a file: it needs a file rule"),
        # F18: a script's profile reads the interpreter.
        ("ml-2019-09-perl-script-file_mmap.log", "file_mmap", "`/usr/bin/perl` is an interpreter"),
        # F7 and F6: ALLOWED, yet the exec failed; the rule's target profile is missing.
        ("ml-2019-05-fullsystempolicy-init-systemd.log", "exec", "but this operation failed anyway"),
        # F7: a profile shipped in complain mode.
        ("ml-2025-02-sssd-allowed-noise.log", "open", "ALLOWED means /usr/sbin/sssd is in complain mode"),
        # F8: dac_override.
        ("ml-2020-09-dac_override-complain.log", "capable", "Often the real fix is the file's ownership"),
        # F11: chmod of a directory.
        ("ml-2021-03-chmod-dir-w.log", "chmod", "The name ends in `/`: it is a directory"),
        # F9: a container's id-mapped users.
        ("ml-2025-04-kernel-patch-userns-link-connect.log", "link", "ids from different user namespaces"),
    ],
)
def test_real_denials_sentences(corpus_dir: Path, name: str, operation: str, sentence: str) -> None:
    """Ensure that real records get the expert's explanation for their situation."""
    result = _explain(name, _corpus_lines(corpus_dir / REAL / name))
    texts = [" ".join((*item.details, item.fix)) for item in result.explanations if item.operation == operation]
    assert any(sentence in text for text in texts)
