"""Every envelope a record travels in, and the body's keys, encodings and record types.

Each case is one line as some tool prints it (mediation.md §1.1-1.4) and the fields it
must give; fields not named are not checked, except that a case names every field whose
reading is the point of the case.
"""

from __future__ import annotations

import json

import pytest

from armorsmith.logs import LogRecord, UnreadableLine, parse_line
from armorsmith.logs.fields import KEYS, read_body, read_plain_body

BODY = 'apparmor="DENIED" operation="open" profile="/usr/bin/x" name="/etc/shadow" pid=42 comm="x" requested_mask="r" denied_mask="r" fsuid=1000 ouid=0'
FILE_FIELDS = {
    "event": "AA_RECORD_DENIED",
    "operation": "open",
    "profile": "/usr/bin/x",
    "name": "/etc/shadow",
    "pid": 42,
    "comm": "x",
    "requested_mask": "r",
    "denied_mask": "r",
    "fsuid": 1000,
    "ouid": 0,
}
STAMPED = {**FILE_FIELDS, "audit_id": "1700000000.123:77", "epoch": 1700000000, "audit_sub_id": 77}

ENVELOPES = [
    ("auditd", f"type=AVC msg=audit(1700000000.123:77): {BODY}", STAMPED),
    ("auditd with node", f"node=host1 type=AVC msg=audit(1700000000.123:77): {BODY}", STAMPED),
    ("auditd numeric type", f"type=1400 msg=audit(1700000000.123:77): {BODY}", STAMPED),
    ("audit dispatcher", f"msg=audit(1700000000.123:77): {BODY}", STAMPED),
    ("dmesg", f"[ 1612.746129] audit: type=1400 audit(1700000000.123:77): {BODY}", STAMPED),
    ("dmesg caller id", f"[42605.998291][   T22] audit: type=1400 audit(1700000000.123:77): {BODY}", STAMPED),
    ("kern.log", f"Jul 24 12:25:33 host kernel: [42416.178567] audit: type=1400 audit(1700000000.123:77): {BODY}", STAMPED),
    ("kern.log of old kernels", f"Jul 24 12:25:33 host kernel: [42416.178567] type=1400 audit(1700000000.123:77): {BODY}", STAMPED),
    ("syslog ISO date", f"2026-05-26T19:47:43.396634-04:00 host kernel: audit: type=1400 audit(1700000000.123:77): {BODY}", STAMPED),
    ("localized month", f"jan 24 16:33:41 rapper kernel: audit: type=1400 audit(1700000000.123:77): {BODY}", STAMPED),
    ("journalctl short, kernel copy", f"Sep 16 14:57:47 laptop kernel: audit: type=1400 audit(1700000000.123:77): {BODY}", STAMPED),
    ("journalctl -o cat", f"audit: type=1400 audit(1700000000.123:77): {BODY}", STAMPED),
    ("journalctl short, audit transport", f"Sep 16 14:57:47 laptop audit[42]: AVC {BODY}", FILE_FIELDS),
    ("raw kmsg", f"5,10531,9606559850,-;audit: type=1400 audit(1700000000.123:77): {BODY}", STAMPED),
    ("socklog", f"2021-09-11T20:57:41.91645 kern.notice: [  469.180605] audit: type=1400 audit(1700000000.123:77): {BODY}", STAMPED),
    ("grep prefix", f"/var/log/kern.log:Nov 12 10:12:46 host kernel: [ 1.5] audit: type=1400 audit(1700000000.123:77): {BODY}", STAMPED),
    ("grep prefix on audit.log", f"audit.log:type=AVC msg=audit(1700000000.123:77): {BODY}", STAMPED),
    ("pasted fragment", BODY, FILE_FIELDS),
    ("fragment with trailing blanks", f"  {BODY}  \r", FILE_FIELDS),
    ("D-Bus daemon syslog", f"Jul 31 17:10:35 host dbus[1692]: {BODY}", FILE_FIELDS),
    ("kernel before 2.6.36", 'Sep  7 17:47:53 host kernel: audit(1700000000.123:77): type=1503 operation="file_lock" requested_mask="k" denied_mask="k" name="/var/x" pid=3 profile="/p"',
     {"event": "AA_RECORD_DENIED", "operation": "file_lock", "audit_id": "1700000000.123:77", "requested_mask": "k"}),
    ("auditd AppArmor type name", 'type=APPARMOR_ALLOWED msg=audit(1700000000.123:77): operation="open" name="/x" pid=3 profile="/p" requested_mask="r"',
     {"event": "AA_RECORD_ALLOWED", "operation": "open", "profile": "/p"}),
    ("auditd unknown type number", 'type=UNKNOWN[1503] msg=audit(1700000000.123:77): operation="exec" name="/bin/ping" pid=3 profile="/p"',
     {"event": "AA_RECORD_DENIED", "operation": "exec"}),
    ("AppArmor type 1507 is a kill", 'type=1507 audit(1700000000.123:77): operation="open" name="/x" profile="/p"',
     {"event": "AA_RECORD_KILLED"}),
]


@pytest.mark.parametrize(("form", "line", "fields"), ENVELOPES, ids=[case[0] for case in ENVELOPES])
def test_envelope(form: str, line: str, fields: dict[str, object]) -> None:
    """Ensure that the record is found and read whatever comes before it."""
    record = parse_line(line, "log", 7)
    assert isinstance(record, LogRecord), record
    assert {key: record.get(key) for key in fields} == fields
    assert (record.file, record.line, record.raw) == ("log", 7, line.rstrip("\r\n"))


def test_envelope_without_stamp_has_no_stamp_fields() -> None:
    """Ensure that a record without `audit(...)` has no audit id, epoch or serial."""
    record = parse_line(f"Sep 16 14:57:47 laptop audit[42]: AVC {BODY}")
    assert isinstance(record, LogRecord)
    assert (record.audit_id, record.epoch, record.audit_sub_id) == (None, None, None)


def _journal(message: str, **fields: str) -> str:
    return json.dumps({"_TRANSPORT": "kernel", "MESSAGE": message, "__REALTIME_TIMESTAMP": "1", **fields})


JOURNAL = [
    ("kernel transport", _journal(f"audit: type=1400 audit(1700000000.123:77): {BODY}"), STAMPED),
    ("audit transport, stamp rebuilt",
     _journal(f"AVC {BODY}", _TRANSPORT="audit", _AUDIT_ID="77", _SOURCE_REALTIME_TIMESTAMP="1700000000123456"), STAMPED),
    ("syslog transport", _journal(BODY, _TRANSPORT="syslog"), FILE_FIELDS),
    ("message as bytes", json.dumps({"MESSAGE": list(BODY.encode())}), FILE_FIELDS),
    ("dbus-broker denial, send",
     json.dumps({"DBUS_BROKER_POLICY_TYPE": "apparmor", "DBUS_BROKER_TRANSMIT_ACTION": "send",
                 "DBUS_BROKER_SENDER_SECURITY_LABEL": "gnome-clocks (enforce)",
                 "DBUS_BROKER_RECEIVER_SECURITY_LABEL": "dbus-session (complain)",
                 "DBUS_BROKER_MESSAGE_TYPE": "method_call", "DBUS_BROKER_MESSAGE_DESTINATION": "org.freedesktop.DBus",
                 "DBUS_BROKER_MESSAGE_PATH": "/org/freedesktop/DBus", "DBUS_BROKER_MESSAGE_INTERFACE": "org.freedesktop.DBus",
                 "DBUS_BROKER_MESSAGE_MEMBER": "ListActivatableNames", "MESSAGE": "A security policy denied :1.115 ..."}),
     {"event": "AA_RECORD_DENIED", "operation": "dbus_method_call", "profile": "gnome-clocks",
      "peer_profile": "dbus-session", "denied_mask": "send", "name": "org.freedesktop.DBus",
      "dbus_path": "/org/freedesktop/DBus", "dbus_interface": "org.freedesktop.DBus",
      "dbus_member": "ListActivatableNames", "dbus_bus": None}),
    ("dbus-broker denial, receive",
     json.dumps({"DBUS_BROKER_POLICY_TYPE": "apparmor", "DBUS_BROKER_TRANSMIT_ACTION": "receive",
                 "DBUS_BROKER_SENDER_SECURITY_LABEL": "a (enforce)", "DBUS_BROKER_RECEIVER_SECURITY_LABEL": "b (enforce)",
                 "DBUS_BROKER_MESSAGE_TYPE": "signal"}),
     {"operation": "dbus_signal", "profile": "b", "peer_profile": "a", "denied_mask": "receive"}),
]


@pytest.mark.parametrize(("form", "line", "fields"), JOURNAL, ids=[case[0] for case in JOURNAL])
def test_journal_json(form: str, line: str, fields: dict[str, object]) -> None:
    """Ensure that a `journalctl -o json` entry gives the record of its MESSAGE or fields."""
    record = parse_line(line, "journal", 3)
    assert isinstance(record, LogRecord), record
    assert {key: record.get(key) for key in fields} == fields
    assert record.raw == line


@pytest.mark.parametrize(
    "line",
    [
        json.dumps({"MESSAGE": "Started Session 4 of User alice."}),
        json.dumps({"MESSAGE": "Failed to register: Request to own name refused by policy"}),
        json.dumps(["not", "an", "entry"]),
        "{ not json and not about the denial subsystem }",
    ],
)
def test_journal_entries_that_are_not_apparmor_are_skipped(line: str) -> None:
    """Ensure that journal entries without an AppArmor record give nothing."""
    assert parse_line(line) is None


def test_broken_journal_json_with_a_record_is_reported() -> None:
    """Ensure that a cut JSON entry that holds a record is reported, not skipped."""
    item = parse_line('{"MESSAGE": "apparmor=\\"DENIED\\" operation=\\"open\\"')
    assert isinstance(item, UnreadableLine)
    assert "JSON" in item.reason


AA_LOG = [
    ("file with owner", "DENIED  lsb_release open owner @{HOME}/ comm=find requested_mask=r denied_mask=r",
     {"event": "AA_RECORD_DENIED", "profile": "lsb_release", "operation": "open", "name": "@{HOME}/",
      "comm": "find", "requested_mask": "r", "denied_mask": "r"}, True),
    ("exec with target", "ALLOWED man exec owner @{bin}/preconv -> man_groff info=\"no new privs\" comm=man requested_mask=x denied_mask=x error=-1",
     {"event": "AA_RECORD_ALLOWED", "name": "@{bin}/preconv", "name2": "man_groff", "info": "no new privs", "error_code": 1}, True),
    ("dbus mask word", "ALLOWED dbus-daemon dbus_method_call @{busname} receive bus=system path=/org/freedesktop/DBus interface=org.freedesktop.DBus member=AddMatch peer_label=power-profiles-daemon addr=?",
     {"operation": "dbus_method_call", "name": "@{busname}", "denied_mask": "receive", "dbus_bus": "system",
      "dbus_member": "AddMatch", "peer_profile": "power-profiles-daemon", "net_addr": None}, None),
    ("quoted profile", 'ALLOWED "foo bar" file_perm @{HOME}/.bash_history comm=bash requested_mask=rw denied_mask=rw parent=16001',
     {"profile": "foo bar", "parent": 16001}, None),
    ("capability, no name", "DENIED  /snap/snapd/19457@{lib}/snapd/snap-confine capable comm=snap-confine capability=12 capname=net_admin",
     {"operation": "capable", "name": "net_admin", "profile": "/snap/snapd/19457@{lib}/snapd/snap-confine"}, None),
    ("name with an equals sign", "ALLOWED startplasma link owner @{user_cache_dirs}/k5_LQ6=.isNSBz -> @{user_cache_dirs}/#@{int} comm=startplasma-way requested_mask=k denied_mask=k",
     {"name": "@{user_cache_dirs}/k5_LQ6=.isNSBz", "name2": "@{user_cache_dirs}/#@{int}"}, True),
    ("namespace", "DENIED  :lxd-u20_<var-snap-lxd-common-lxd>:test open /root/.bashrc comm=cat requested_mask=r denied_mask=r",
     {"profile": "test", "namespace": "root//lxd-u20_<var-snap-lxd-common-lxd>"}, None),
    ("not hex-decoded", "DENIED  p signal comm=ABCD requested_mask=send denied_mask=send signal=term peer=CAFE",
     {"comm": "ABCD", "peer": "CAFE", "signal": "term"}, None),
]


@pytest.mark.parametrize(("form", "line", "fields", "owner"), AA_LOG, ids=[case[0] for case in AA_LOG])
def test_aa_log_form(form: str, line: str, fields: dict[str, object], owner: bool | None) -> None:
    """Ensure that apparmor.d's condensed `aa-log` lines are read, values taken as printed."""
    record = parse_line(line)
    assert isinstance(record, LogRecord), record
    assert {key: record.get(key) for key in fields} == fields
    assert record.owner is owner
    assert record.audit_id is None and record.pid is None


def test_aa_log_line_without_operation_is_reported() -> None:
    """Ensure that a record type and a lone word are reported, not guessed at."""
    item = parse_line("DENIED  lonely")
    assert isinstance(item, UnreadableLine)
    assert "operation" in item.reason


KEY_CASES = [
    ("label is the profile, peer_label the peer", 'apparmor="ALLOWED" operation="dbus_signal" label="a//&b" peer_label=":ns:c"',
     {"profile": "a//&b", "peer_profile": ":ns:c"}),
    ("tcontext is the peer (io_uring)", 'apparmor="DENIED" operation="uring_sqpoll" class="io_uring" profile="/p" tcontext="/q"',
     {"peer_profile": "/q", "class": "io_uring"}),
    ("new mask names", 'apparmor="DENIED" operation="connect" profile="/p" requested="send receive" denied="send"',
     {"requested_mask": "send receive", "denied_mask": "send"}),
    ("dbus mask", 'apparmor="DENIED" operation="dbus_bind" bus="session" name="x.y" mask="bind" label="/p"',
     {"denied_mask": "bind", "dbus_bus": "session"}),
    ("target is name2", 'apparmor="ALLOWED" operation="exec" profile="p" name="/bin/rm" target="p//null-/bin/rm"',
     {"name2": "p//null-/bin/rm"}),
    ("capname is the name", 'apparmor="DENIED" operation="capable" profile="demo" pid=2 comm="kill" capability=5 capname="kill"',
     {"name": "kill"}),
    ("exe is the comm", 'apparmor="DENIED" operation="dbus_method_call" bus="system" label="/p" exe="/usr/bin/dbus-daemon"',
     {"comm": "/usr/bin/dbus-daemon"}),
    ("error is the errno", 'apparmor="ALLOWED" operation="exec" info="no new privs" error=-1 profile="p" name="/x"',
     {"error_code": 1, "info": "no new privs"}),
    ("protocol number named", 'apparmor="DENIED" operation="create" profile="p" family="inet" sock_type="stream" protocol=6',
     {"net_protocol": "tcp", "net_family": "inet", "net_sock_type": "stream"}),
    ("unknown protocol number", 'apparmor="DENIED" operation="create" profile="p" family="netlink" protocol=768',
     {"net_protocol": "unknown(768)"}),
    ("quoted protocol", 'apparmor="DENIED" operation="create" profile="p" protocol="udp"', {"net_protocol": "udp"}),
    ("inet addresses, old and new keys", 'apparmor="DENIED" operation="connect" profile="p" laddr=10.0.0.1 lport=5353 daddr=::1 dest=53',
     {"net_local_addr": "10.0.0.1", "net_local_port": 5353, "net_foreign_addr": "::1", "net_foreign_port": 53}),
    ("unix addresses", 'apparmor="DENIED" operation="connect" profile="p" family="unix" addr=none peer_addr="@dbus-x"',
     {"net_addr": None, "peer_addr": "@dbus-x"}),
    ("abstract address in hex", 'apparmor="DENIED" operation="connect" profile="p" addr="@2F746D702F780000"',
     {"net_addr": "@/tmp/x\x00\x00"}),
    ("abstract address that only looks hex", 'apparmor="DENIED" operation="connect" profile="p" addr="@CAFE"',
     {"net_addr": "@CAFE"}),
    ("signal and peer", 'apparmor="DENIED" operation="signal" profile="demo" pid=24036 comm="kill" requested_mask="send" denied_mask="send" signal=term peer="/usr/bin/man"',
     {"signal": "term", "peer": "/usr/bin/man"}),
    ("mount", 'apparmor="DENIED" operation="mount" info="failed flags match" error=-13 profile="p" name="/mnt/" pid=1 comm="mount" fstype="ext4" srcname="/dev/sdb1" flags="rw, nosuid"',
     {"fs_type": "ext4", "src_name": "/dev/sdb1", "flags": "rw, nosuid", "error_code": 13}),
    ("userns", 'apparmor="DENIED" operation="userns_create" class="namespace" info="Userns create restricted" error=-13 namespace="root//incus-f43_<var-lib-incus>" profile="unconfined" requested="userns_create" target="unprivileged_userns" execpath="/usr/bin/podman"',
     {"namespace": "root//incus-f43_<var-lib-incus>", "name2": "unprivileged_userns", "execpath": "/usr/bin/podman"}),
    ("ns of a STATUS record", 'apparmor="STATUS" operation="profile_load" profile="unconfined" name="bwrap" pid=1 comm="systemd" ns="glycin"',
     {"event": "AA_RECORD_STATUS", "namespace": "glycin"}),
    ("old keys", 'apparmor="HINT" operation="clone" task=20401 pid=20400 parent=1 magic_token=29493 attribute="attr" name2="x" peer_info="y"',
     {"event": "AA_RECORD_HINT", "task": 20401, "parent": 1, "magic_token": 29493, "attribute": "attr", "name2": "x", "peer_info": "y"}),
    ("old owner masks", 'operation="inode_permission" requested_mask="::r" denied_mask="::r" name="/x" pid=1 profile="/p"',
     {"event": None, "requested_mask": "::r"}),
    ("stack and namespace labels kept", 'apparmor="STATUS" operation="profile_load" label="lxd-u20_</var/snap/lxd/common/lxd>//&:lxd-u20_<var-snap-lxd-common-lxd>:unconfined" name="test"',
     {"profile": "lxd-u20_</var/snap/lxd/common/lxd>//&:lxd-u20_<var-snap-lxd-common-lxd>:unconfined"}),
    ("child with a path name", 'apparmor="DENIED" operation="signal" profile="/usr/bin/pulseaudio///usr/lib/pulseaudio/pulse/gconf-helper" peer="unconfined"',
     {"profile": "/usr/bin/pulseaudio///usr/lib/pulseaudio/pulse/gconf-helper"}),
    ("learning profile", 'apparmor="ALLOWED" operation="open" profile="init-systemd//colord_profile//null-/usr/lib/colord/colord-sane" name="/x"',
     {"profile": "init-systemd//colord_profile//null-/usr/lib/colord/colord-sane"}),
    ("hex comm, name and profile", 'apparmor="ALLOWED" operation="getattr" profile=74657374207370616365 name=2F746D702F6120622E7368 comm=4143504920506F6C6C6572 pid=1',
     {"profile": "test space", "name": "/tmp/a b.sh", "comm": "ACPI Poller"}),
    ("hex that is not UTF-8 is kept", 'apparmor="ALLOWED" operation="open" profile="p" name=2F746D702FE9',
     {"name": "/tmp/\udce9"}),
    ("empty quoted value", 'apparmor="DENIED" operation="getattr" profile="app2" name="" pid=5', {"name": ""}),
    ("blanks inside quotes", 'apparmor="ALLOWED" operation="file_inherit" profile="kmod" requested_mask="send receive"',
     {"requested_mask": "send receive"}),
    ("auditd ENRICHED names after 0x1d", 'apparmor="ALLOWED" operation="open" profile="p" name="/x" fsuid=1000 ouid=0\x1dFSUID="otis" OUID="root"',
     {"fsuid": 1000, "ouid": 0}),
    ("ENRICHED names glued by a paste", 'apparmor="ALLOWED" operation="open" profile="p" name="/x" fsuid=0 ouid=0FSUID="root" OUID="root"',
     {"fsuid": 0, "ouid": 0}),
    ("KILLED", 'apparmor="KILLED" operation="open" profile="p" name="/x"', {"event": "AA_RECORD_KILLED"}),
    ("ERROR", 'apparmor="ERROR" operation="open" profile="p"', {"event": "AA_RECORD_ERROR"}),
    ("AUDIT without denied mask", 'apparmor="AUDIT" operation="open" class="file" profile="p" name="/x" requested_mask="r"',
     {"event": "AA_RECORD_AUDIT", "denied_mask": None}),
]


@pytest.mark.parametrize(("case", "body", "fields"), KEY_CASES, ids=[case[0] for case in KEY_CASES])
def test_body_keys(case: str, body: str, fields: dict[str, object]) -> None:
    """Ensure that each key is read into libapparmor's field, with its encoding undone."""
    record = parse_line(f"type=AVC msg=audit(1.2:3): {body}" if "apparmor=" in body else body)
    assert isinstance(record, LogRecord), record
    assert {key: record.get(key) for key in fields} == fields


def test_keys_libapparmor_drops_are_kept_in_extra() -> None:
    """Ensure that keys outside libapparmor's record are kept, in order, not lost."""
    record = parse_line(
        'apparmor="DENIED" operation="capable" profile="p" capability=12 capname="net_admin" '
        'FSUID="root" whatever="x y"'
    )
    assert isinstance(record, LogRecord)
    assert record.extra == (("capability", "12"), ("FSUID", "root"), ("whatever", "x y"))


def test_user_avc_reads_the_relayed_record() -> None:
    """Ensure that a USER_AVC's inner record is read and the relaying daemon's keys kept apart."""
    line = (
        "type=USER_AVC msg=audit(1375323372.644:157): pid=363 uid=102 auid=4294967295 ses=4294967295  "
        "msg='apparmor=\"DENIED\" operation=\"dbus_method_call\"  bus=\"system\" path=\"/org/x\" "
        "interface=\"org.x\" member=\"Get\" mask=\"send\" name=\"org.x\" pid=2833 label=\"/tmp/t\" "
        "peer_pid=2811 peer_label=\"unconfined\"  exe=\"/bin/dbus-daemon\" sauid=102 hostname=? addr=? terminal=?'"
    )
    record = parse_line(line)
    assert isinstance(record, LogRecord), record
    assert (record.pid, record.peer_pid, record.comm, record.profile) == (2833, 2811, "/bin/dbus-daemon", "/tmp/t")
    assert record.net_addr is None
    assert ("sender.pid", "363") in record.extra and ("sender.uid", "102") in record.extra


UNREADABLE = [
    ("cut inside a value", 'type=AVC msg=audit(1.2:3): apparmor="ALLOWED" operation="recvmsg" profile="/usr/bin/mpv" requested_mask="r>', "cut short"),
    ("cut inside a key", 'AVC apparmor="DENIED" operation="exec" profile="p" name="/x" fsuid=999 ou', "cut short"),
    ("stray words", 'apparmor="DENIED" operation="open" profile="p" name="/x" means nothing', "unexpected text"),
    ("malformed stamp", 'type=AVC msg=audit(12799====8288.415:39): apparmor="DENIED" operation="open"', "audit stamp"),
    ("ausearch -i", "type=AVC msg=audit(11/22/2026 01:23:45.123:77) : apparmor=DENIED operation=open profile=/usr/bin/foo name=/etc/x fsuid=root ouid=root", "ausearch --raw"),
    ("number that is not one", 'apparmor="DENIED" operation="open" profile="p" pid=12a', "not a number"),
    ("error that is not one", 'apparmor="DENIED" operation="open" profile="p" error=-x', "error number"),
    ("unknown record type", 'apparmor="MAYBE" operation="open" profile="p"', "unknown record type"),
    ("label of binary garbage", 'type=AVC msg=audit(1.2:3): apparmor="DENIED" operation="ptrace" profile="/bin/netstat" pid=1962 target=8022C0FF81A0FFFF9E03', "binary data"),
    ("AppArmor 2.0 text", "type=APPARMOR msg=audit(1157215966.604:46): REJECTING r access to /bin/df (sh(7902) profile /usr/sbin/httpd2-prefork active SYSINFO)", "AppArmor 2.0"),
    ("AppArmor 2.0 hint", "type=UNKNOWN[1500] msg=audit(1168661976.062:55): LOGPROF-HINT fork pid=27764 child=38229", "AppArmor 2.0"),
    ("own type with no body", "type=APPARMOR_DENIED msg=audit(1.2:3): ", "no key=value"),
    ("LSM type without its kind", 'type=AVC msg=audit(1.2:3): operation="open" note="apparmor=" profile="p"', "does not say its kind"),
]


@pytest.mark.parametrize(("case", "line", "reason"), UNREADABLE, ids=[case[0] for case in UNREADABLE])
def test_unreadable_records_are_reported_with_the_reason(case: str, line: str, reason: str) -> None:
    """Ensure that an AppArmor line that cannot be read is reported, with why, not dropped."""
    item = parse_line(line, "log", 9)
    assert isinstance(item, UnreadableLine), item
    assert reason in item.reason
    assert (item.file, item.line, item.raw) == ("log", 9, line)
    assert item.to_json() == {"file": "log", "line": 9, "error": item.reason}


def test_a_cut_record_keeps_what_was_read() -> None:
    """Ensure that the fields before the cut are kept for tools that want to show them."""
    item = parse_line('type=AVC msg=audit(1.2:3): apparmor="ALLOWED" operation="recvmsg" profile="/usr/bin/mpv" requested_mask="r>')
    assert isinstance(item, UnreadableLine) and item.partial is not None
    assert (item.partial.profile, item.partial.operation, item.partial.audit_id) == ("/usr/bin/mpv", "recvmsg", "1.2:3")


@pytest.mark.parametrize(
    "line",
    [
        "",
        "Oct 29 07:55:58 host syslogd 1.5.0#2ubuntu6: restart.",
        "Oct 29 09:20:01 host kernel: [87589.487390] __ratelimit: 36 callbacks suppressed",
        "Oct 29 09:20:01 host kernel: [87589.487390] type __ratelimit: 36 callbacks suppressed",
        "type=BPF msg=audit(1111111111.111:1111): prog-id=60 op=LOAD",
        "type=CRED_ACQ msg=audit(1190410201.037:20926): user pid=24337 uid=0 auid=4294967295 msg='op=PAM:setcred acct=root'",
        'type=AVC msg=audit(1.2:3): avc:  denied  { read } for  pid=1 comm="x" scontext=a tcontext=b tclass=file',
        "type=USER_AVC msg=audit(1.2:3): pid=1 uid=0 msg='avc:  denied  { send_msg } for scontext=a'",
        "# DATE: unknown (timestamps anonymised to audit(1111111111.111:1111))",
        "some.key=value other=thing",
    ],
)
def test_lines_that_are_not_apparmor_give_nothing(line: str) -> None:
    """Ensure that other subsystems' records and plain text are skipped, not reported."""
    assert parse_line(line) is None


def _key_value_bodies() -> list[str]:
    return [body for _, body, _ in KEY_CASES] + [BODY]


@pytest.mark.parametrize("body", _key_value_bodies())
def test_fast_reading_agrees_with_the_general_one(body: str) -> None:
    """Ensure that the fast path, when it takes a body, reads it exactly as the lexer does."""
    plain = read_plain_body(body)
    general = read_body(body)
    if plain is None:
        return
    assert general.problem is None
    expected = dict(general.values)
    if general.event is not None:
        expected["event"] = general.event
    if general.extra:
        expected["extra"] = tuple(general.extra)
    plain.pop("audit_type", None)
    assert plain == expected


def test_every_key_has_a_record_attribute() -> None:
    """Ensure that the key table names only attributes the record has."""
    attributes = set(LogRecord.__dataclass_fields__)
    assert {attribute for attribute, _ in KEYS.values()} <= attributes
