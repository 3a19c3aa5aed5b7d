"""The stream reader: line numbers, copies of one event merged, SYSCALL records joined.

Logs here are built from one record body so that each test changes only what it is about.
"""

from __future__ import annotations

import pytest

from armorsmith.logs import LogRecord, UnreadableLine, read_records
from armorsmith.logs.reader import WINDOW

BODY = 'apparmor="DENIED" operation="open" profile="/usr/bin/x" name="{name}" pid={pid} comm="x" requested_mask="r" denied_mask="r" fsuid=0 ouid=0'


def body(name: str = "/etc/shadow", pid: int = 42) -> str:
    return BODY.format(name=name, pid=pid)


def kernel(serial: int, **fields: object) -> str:
    return f"Sep 16 14:57:47 laptop kernel: audit: type=1400 audit(1700000000.123:{serial}): {body(**fields)}"  # type: ignore[arg-type]


def journald(**fields: object) -> str:
    return f"Sep 16 14:57:47 laptop audit[42]: AVC {body(**fields)}"  # type: ignore[arg-type]


def records(lines: list[str], **options: bool) -> list[LogRecord | UnreadableLine]:
    return list(read_records(lines, "log", **options))


def test_lines_are_numbered_from_one_and_skipped_lines_count() -> None:
    """Ensure that each item names its file and 1-based line, whatever was skipped before it."""
    items = records(["noise", kernel(1), "", "more noise", kernel(2, name="/b")])
    assert [(item.file, item.line) for item in items] == [("log", 2), ("log", 5)]


def test_bytes_with_line_endings_and_bad_utf8() -> None:
    """Ensure that byte lines are read with their endings dropped and bad bytes kept escaped."""
    line = kernel(1, name="/tmp/caf\udce9").encode("utf-8", "surrogateescape") + b"\r\n"
    (item,) = records([line])  # type: ignore[list-item]
    assert isinstance(item, LogRecord)
    assert item.name == "/tmp/caf\udce9"
    assert not item.raw.endswith(("\r", "\n"))


def test_journald_copies_of_one_event_are_merged() -> None:
    """Ensure that the kernel's copy and journald's audit copy of one event give one record."""
    items = records([journald(), kernel(131)])
    assert len(items) == 1
    (item,) = items
    assert isinstance(item, LogRecord)
    assert (item.line, item.audit_id) == (1, "1700000000.123:131")


def test_the_same_stamped_record_twice_is_merged() -> None:
    """Ensure that a record repeated with its stamp (two logs of one system) is given once."""
    assert len(records([kernel(7), f"type=AVC msg=audit(1700000000.123:7): {body()}"])) == 1


def test_records_of_one_event_that_differ_are_kept() -> None:
    """Ensure that one event's two records (dac_read_search, then dac_override) are both kept."""
    first = 'type=AVC msg=audit(1.2:644474): apparmor="DENIED" operation="capable" profile="test" pid=3 comm="ls" capability=2 capname="dac_read_search"'
    second = first.replace("capability=2", "capability=1").replace("dac_read_search", "dac_override")
    assert [item.name for item in records([first, second])] == ["dac_read_search", "dac_override"]  # type: ignore[union-attr]


def test_repeated_records_without_a_stamp_are_kept() -> None:
    """Ensure that two identical records without a stamp stay two: nothing says they are copies."""
    assert len(records([journald(), journald()])) == 2


def test_each_record_absorbs_one_copy() -> None:
    """Ensure that two denials, each logged twice, give two records, not one."""
    items = records([journald(), kernel(1), journald(), kernel(2)])
    assert [item.audit_id for item in items] == ["1700000000.123:1", "1700000000.123:2"]  # type: ignore[union-attr]


def test_copies_further_apart_than_the_window_are_kept() -> None:
    """Ensure that merging looks only WINDOW lines around a record."""
    lines = [journald(), *["noise"] * WINDOW, kernel(5)]
    assert len(records(lines)) == 2


def test_without_merge_every_copy_is_given() -> None:
    """Ensure that `merge=False` hands every record on, copies included."""
    assert len(records([journald(), kernel(131)], merge=False)) == 2


def test_syscall_and_proctitle_are_joined_to_their_event() -> None:
    """Ensure that SYSCALL and PROCTITLE records of the same stamp add to the record's extra."""
    lines = [
        f"type=AVC msg=audit(1700000000.123:9): {body()}",
        'type=SYSCALL msg=audit(1700000000.123:9): arch=c000003e syscall=257 success=no exit=-13 a0=ffffff9c '
        'items=0 ppid=1 pid=42 comm="x" exe="/usr/lib/firefox/plugin-container" subj=/usr/bin/x key=(null)',
        "type=PROCTITLE msg=audit(1700000000.123:9): proctitle=2F7573722F62696E2F78002D2D68656C70",
        f"type=AVC msg=audit(1700000000.123:10): {body(name='/other')}",
    ]
    first, second = records(lines)
    assert isinstance(first, LogRecord)
    assert dict(first.extra) == {
        "syscall.syscall": "257",
        "syscall.success": "no",
        "syscall.exit": "-13",
        "syscall.exe": "/usr/lib/firefox/plugin-container",
        "syscall.subj": "/usr/bin/x",
        "proctitle": "/usr/bin/x --help",
    }
    assert second.extra == ()  # type: ignore[union-attr]


def test_a_user_avc_broken_across_two_lines_is_one_record() -> None:
    """Ensure that the kernel's copy of a relayed D-Bus record, broken before `exe=`, is joined."""
    first = (
        "Jun 20 17:57:06 ns1 kernel: [4835959.046111] audit: type=1107 audit(1561053426.749:186): pid=640 uid=103 "
        "auid=4294967295 ses=4294967295 msg='apparmor=\"ALLOWED\" operation=\"dbus_method_call\"  bus=\"system\" "
        "path=\"/org/x\" interface=\"org.x\" member=\"Get\" mask=\"send\" name=\"org.x\" pid=20596 label=\"/p\" "
        "peer_pid=1 peer_label=\"unconfined\""
    )
    second = "                 exe=\"/usr/bin/dbus-daemon\" sauid=103 hostname=? addr=? terminal=?'"
    joined = records([first, second, kernel(1)])
    assert [item.line for item in joined] == [1, 3]
    assert joined[0].comm == "/usr/bin/dbus-daemon"  # type: ignore[union-attr]
    alone = records([first, kernel(1)])
    assert [(item.line, item.comm) for item in alone] == [(1, None), (2, "x")]  # type: ignore[union-attr]


def test_unreadable_lines_keep_their_place() -> None:
    """Ensure that unreadable lines come out in order among the records, never dropped."""
    lines = [kernel(1), 'type=AVC msg=audit(1.2:3): apparmor="DENIED" operation="open" name="/x', kernel(2, name="/b")]
    items = records(lines)
    assert [type(item).__name__ for item in items] == ["LogRecord", "UnreadableLine", "LogRecord"]
    assert items[1].line == 2


@pytest.mark.parametrize("merge", [True, False])
def test_the_reader_is_lazy(merge: bool) -> None:
    """Ensure that records come out before the log ends (a pipe from `journalctl -f`)."""

    def endless():  # type: ignore[no-untyped-def]
        serial = 0
        while True:
            serial += 1
            yield kernel(serial, name=f"/{serial}")

    stream = read_records(endless(), "log", merge=merge)
    assert [next(stream).line for _ in range(3)] == [1, 2, 3]
