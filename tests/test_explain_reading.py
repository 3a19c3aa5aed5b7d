"""Tests of the policy-free reading of log records (armorsmith.logs.explain and its terms)."""

from __future__ import annotations

import pytest

from armorsmith.logs import LogRecord, parse_line
from armorsmith.logs.explain import LogContext, group_records, kind_of, lost_records_note, read_group
from armorsmith.logs.explain_terms import INFO_NOTES, errno_text, file_mask_words, info_note, mask_words


def _record(body: str) -> LogRecord:
    item = parse_line(body, "log", 1)
    assert isinstance(item, LogRecord), item
    return item


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ('apparmor="DENIED" operation="open" profile="p" name="/x" requested_mask="r" denied_mask="r"', "file"),
        ('apparmor="DENIED" operation="exec" profile="p" name="/bin/x" requested_mask="x" denied_mask="x"', "exec"),
        ('apparmor="DENIED" operation="capable" profile="p" capability=1 capname="dac_override"', "capability"),
        ('apparmor="DENIED" operation="connect" profile="p" family="inet" sock_type="stream" protocol=6', "network"),
        ('apparmor="DENIED" operation="connect" profile="p" family="unix" sock_type="stream" protocol=0', "unix"),
        ('apparmor="DENIED" operation="connect" profile="p" name="/run/x.sock" requested_mask="wr" denied_mask="wr"', "file"),
        ('apparmor="DENIED" operation="file_inherit" profile="p" family="netlink" sock_type="raw" protocol=15', "network"),
        ('apparmor="DENIED" operation="signal" profile="p" requested_mask="send" signal=term peer="q"', "signal"),
        ('apparmor="DENIED" operation="ptrace" profile="p" requested_mask="read" peer="q"', "ptrace"),
        ('apparmor="DENIED" operation="dbus_method_call" bus="system" mask="send" label="p"', "dbus"),
        ('apparmor="DENIED" operation="mount" class="mount" profile="p" name="/mnt/"', "mount"),
        ('apparmor="DENIED" operation="pivotroot" class="mount" profile="p" name="/tmp/"', "pivot_root"),
        ('apparmor="DENIED" operation="change_onexec" profile="p" name="q"', "change_profile"),
        ('apparmor="DENIED" operation="change_hat" profile="p" name="h"', "change_hat"),
        ('apparmor="DENIED" operation="userns_create" class="namespace" profile="p"', "userns"),
        ('apparmor="DENIED" operation="getattr" class="posix_mqueue" profile="p" requested="getattr"', "mqueue"),
        ('apparmor="DENIED" operation="uring_sqpoll" class="io_uring" profile="p" requested="sqpoll"', "io_uring"),
        ('apparmor="STATUS" operation="profile_load" profile="unconfined" name="p"', "status"),
    ],
)
def test_kind_of(body: str, kind: str) -> None:
    """Ensure that each record is read as its mediation class, in aa-logprof's order."""
    assert kind_of(_record(body)) == kind


@pytest.mark.parametrize(
    ("mask", "file_like", "words"),
    [
        ("r", True, ["read"]),
        ("wc", True, ["write", "create"]),
        ("mrIx", True, ["map as executable", "read", "inherit-execute", "execute"]),
        ("c::", True, ["create (as the owner)"]),
        ("r::w", True, ["read (as the owner)", "write (as another user)"]),
        ("send receive", True, ["send", "receive"]),
        ("readby", False, ["be read by"]),
        ("Q", True, ["'Q'"]),
        ("", True, []),
    ],
)
def test_mask_words(mask: str, file_like: bool, words: list[str]) -> None:
    """Ensure that masks are translated letter by letter or word by word, unknown letters quoted."""
    assert mask_words(mask, file_like) == words
    if file_like and mask and " " not in mask:
        assert file_mask_words(mask) == words


@pytest.mark.parametrize(
    ("code", "text"),
    [(13, "-13 (EACCES, permission denied)"), (-1, "-1 (EPERM, operation not permitted)"), (999, "-999 (errno 999)")],
)
def test_errno_text(code: int, text: str) -> None:
    """Ensure that error codes read as negative errno names, with or without the sign."""
    assert errno_text(code) == text


def test_info_notes_are_complete_sentences() -> None:
    """Ensure that every note says what it means and what to do, and prefixes are found."""
    for info, note in INFO_NOTES.items():
        assert note.meaning.endswith(".") and note.advice.endswith("."), info
        assert info_note(info + " (extra)") is note
    assert info_note("something new") is None


def test_groups_keep_order_and_count() -> None:
    """Ensure that the same access is one group and groups come in order of first appearance."""
    a = 'apparmor="DENIED" operation="open" profile="p" name="/a" pid={} requested_mask="r" denied_mask="r"'
    b = 'apparmor="DENIED" operation="open" profile="p" name="/b" pid=1 requested_mask="r" denied_mask="r"'
    records = [_record(a.format(1)), _record(b), _record(a.format(2))]
    groups = group_records(records)
    assert [group.count for group in groups] == [2, 1]
    assert [group.first.name for group in groups] == ["/a", "/b"]


def test_owner_splits_groups() -> None:
    """Ensure that an access by the owner and one by another user are different groups."""
    line = 'apparmor="DENIED" operation="open" profile="p" name="/a" requested_mask="r" denied_mask="r" fsuid=1 ouid={}'
    assert len(group_records([_record(line.format(1)), _record(line.format(2))])) == 2


def _read(body: str):  # noqa: ANN202 - a Reading
    record = _record(body)
    group = group_records([record])[0]
    return read_group(group, LogContext.of([record]))


def test_learning_profile_is_fixed_in_the_parent() -> None:
    """Ensure that a learning profile's records send the reader to the parent's exec decision."""
    reading = _read(
        'apparmor="ALLOWED" operation="open" profile="a//b//null-/usr/bin/x" name="/etc/x" comm="x" '
        'requested_mask="r" denied_mask="r"'
    )
    assert reading.fix_profile == "a//b" and reading.program == "/usr/bin/x"
    assert "`/usr/bin/x Px,`" in reading.fix and "`/usr/bin/x ix,`" in reading.fix


def test_stack_and_namespace_are_explained() -> None:
    """Ensure that stacked labels and policy namespaces are named in the details."""
    reading = _read(
        'apparmor="DENIED" operation="open" namespace="root//c1" profile="a//&b" name="/etc/x" comm="cat" '
        'requested_mask="r" denied_mask="r"'
    )
    text = " ".join(reading.details)
    assert "stack of profiles (`a`, `b`)" in text and "policy namespace `root//c1`" in text


def test_profile_transition_not_found_needs_no_rule() -> None:
    """Ensure that an exec whose target profile is missing is not fixed with another rule."""
    reading = _read(
        'apparmor="DENIED" operation="exec" info="profile transition not found" error=-13 profile="p" '
        'name="/usr/bin/x" comm="p" requested_mask="x" denied_mask="x" target="/usr/bin/x"'
    )
    assert reading.no_rule and reading.request is None and reading.fix_profile == "p"
    assert "pix" in reading.fix


@pytest.mark.parametrize(
    ("line", "lost"),
    [
        ("kauditd_printk_skb: 3 callbacks suppressed", True),
        ("audit: backlog limit exceeded", True),
        ("audit: audit_lost=5 audit_rate_limit=0 audit_backlog_limit=64", True),
        ('audit: type=1400 apparmor="DENIED" operation="open"', False),
    ],
)
def test_lost_records_note(line: str, lost: bool) -> None:
    """F20: the lines that say records were dropped."""
    assert (lost_records_note(line) is not None) is lost
