"""The LogRecord type: libapparmor's field names, JSON without absent fields, and owner."""

from __future__ import annotations

import pytest

from armorsmith.model.event import EVENT_TYPES, FIELD_NAMES, INT_FIELDS, LogRecord

ISSUE_FIELDS = (
    "event operation profile peer_profile name name2 comm pid peer_pid task requested_mask denied_mask fsuid "
    "ouid info error_code parent namespace attribute class net_family net_sock_type net_protocol net_local_addr "
    "net_local_port net_foreign_addr net_foreign_port net_addr peer_addr dbus_bus dbus_path dbus_interface "
    "dbus_member signal peer fs_type flags src_name execpath audit_id epoch audit_sub_id"
).split()
"""The fields of libapparmor's aa_log_record that the log engine issue lists."""


def test_fields_are_libapparmors() -> None:
    """Ensure that the record has the issue's fields, plus the two aa_log_record fields of old kernels."""
    assert set(FIELD_NAMES) == {*ISSUE_FIELDS, "magic_token", "peer_info"}
    assert INT_FIELDS == {
        "pid", "peer_pid", "task", "magic_token", "fsuid", "ouid", "error_code", "parent",
        "net_local_port", "net_foreign_port", "epoch", "audit_sub_id",
    }


def test_event_types_are_libapparmors_then_killed() -> None:
    """Ensure that the event names are aa_record_event_type's, in order, with KILLED added."""
    assert EVENT_TYPES[:7] == (
        "AA_RECORD_INVALID", "AA_RECORD_ERROR", "AA_RECORD_AUDIT", "AA_RECORD_ALLOWED",
        "AA_RECORD_DENIED", "AA_RECORD_HINT", "AA_RECORD_STATUS",
    )
    assert EVENT_TYPES[7:] == ("AA_RECORD_KILLED",)


def test_json_omits_absent_fields_and_spells_class() -> None:
    """Ensure that to_json names `class`, keeps empty and zero values, and leaves out absent ones."""
    record = LogRecord(event="AA_RECORD_DENIED", class_="file", name="", pid=0, file="audit.log", line=3, raw="x")
    assert record.to_json() == {"event": "AA_RECORD_DENIED", "name": "", "pid": 0, "class": "file", "file": "audit.log", "line": 3}
    assert record.get("class") == "file" and record.get("pid") == 0


def test_of_builds_the_same_record_as_the_constructor() -> None:
    """Ensure that the fast constructor and the dataclass one give equal, equally hashed records."""
    fast = LogRecord.of({"event": "AA_RECORD_DENIED", "pid": 3, "class_": "net", "extra": (("capability", "12"),)})
    slow = LogRecord(event="AA_RECORD_DENIED", pid=3, class_="net", extra=(("capability", "12"),))
    assert fast == slow and hash(fast) == hash(slow)
    assert fast.profile is None and fast.file == ""


def test_from_json_reads_to_json_back() -> None:
    """Ensure that the JSON of `logs parse` reads back to the same fields, mistyped values dropped."""
    record = LogRecord(event="AA_RECORD_ALLOWED", operation="open", class_="file", fsuid=1000, ouid=1000, file="f", line=2)
    assert LogRecord.from_json(record.to_json()) == record
    assert LogRecord.from_json({"pid": "12", "name": 5, "line": True}) == LogRecord()


@pytest.mark.parametrize(
    ("fsuid", "ouid", "extra", "owner"),
    [(1000, 1000, (), True), (1000, 0, (), False), (None, None, (), None), (0, None, (), None), (None, None, (("owner", ""),), True)],
)
def test_owner(fsuid: int | None, ouid: int | None, extra: tuple[tuple[str, str], ...], owner: bool | None) -> None:
    """Ensure that owner is fsuid == ouid, or what an aa-log line said, or unknown."""
    assert LogRecord(fsuid=fsuid, ouid=ouid, extra=extra).owner is owner


def test_records_are_frozen() -> None:
    """Ensure that a record cannot be changed after it was read."""
    record = LogRecord.of({"pid": 1})
    with pytest.raises(AttributeError):
        record.pid = 2  # type: ignore[misc]
