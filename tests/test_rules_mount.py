"""Tests of mount, remount and umount rules (armorsmith.model.rules.mount)."""

from __future__ import annotations

import pytest

from armorsmith.model.rules import MountRule
from armorsmith.model.rules.mount import MountOperation
from rulecheck import covers, merged, problems, rendered, rule


@pytest.mark.parametrize(
    ("text", "operation", "source", "mountpoint"),
    [
        ("mount", MountOperation.MOUNT, None, None),
        ("mount /dev/sda1 -> /mnt/", MountOperation.MOUNT, "/dev/sda1", "/mnt/"),
        ("mount -> /mnt/", MountOperation.MOUNT, None, "/mnt/"),
        ("mount none", MountOperation.MOUNT, "none", None),
        ("remount /mnt/", MountOperation.REMOUNT, None, "/mnt/"),
        ("umount /mnt/", MountOperation.UMOUNT, None, "/mnt/"),
        ("unmount", MountOperation.UMOUNT, None, None),
    ],
)
def test_lowering(
    text: str, operation: MountOperation, source: str | None, mountpoint: str | None
) -> None:
    """Ensure that each form lowers its operation, source and mount point."""
    found = rule(text)
    assert isinstance(found, MountRule)
    assert found.operation is operation
    assert (found.source.text if found.source else None) == source
    assert (found.mountpoint.text if found.mountpoint else None) == mountpoint


def test_conditionals_split_at_the_arrow() -> None:
    """Ensure that conditionals after '->' are kept apart from those before it."""
    found = rule("mount fstype=ext4 options in (ro, rw) /dev/a -> fstype=xfs /mnt/")
    assert isinstance(found, MountRule)
    assert [value.text for value in found.fstypes] == ["ext4"]
    assert [item.name.text for item in found.options] == ["options"]
    assert [item.name.text for item in found.target_conditionals] == ["fstype"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mount", []),
        ("remount", []),
        ("umount", []),
        ("mount options=(ro, nodev) fstype=ext4 /dev/a -> /mnt/", []),
        ("mount option=ro vfstype=ext4 /dev/a -> /mnt/", []),
        ("mount options in (ro, rw, B, M, R, read-only, make-private) -> /mnt/", []),
        ("mount options=ro options=rw /dev/a -> /mnt/", []),
        ("mount options=(bind) /a -> /b", []),
        ("mount options=(rbind, ro) /a -> /b", []),
        ("mount options=(move) /a -> /b", []),
        ("mount options=(private) -> /b", []),
        ("mount options=(rshared) /a", []),
        ("remount options=(ro) /mnt/", []),
        ("remount fstype=ext4 /mnt/", []),
        ("umount options=(private) fstype=ext4 /mnt/", []),
        ("owner mount", [("qualifier-not-allowed", "owner")]),
        ("mount foo=bar", [("invalid-mount-conditional", "foo=bar")]),
        ("mount peer=(label=x)", [("invalid-mount-conditional", "peer=(label=x)")]),
        ("mount fstype=ext4 -> fstype=ext4 /mnt/", [("invalid-mount-conditional", "fstype=ext4")]),
        ("mount options=(XXX) /a -> /1", [("unknown-mount-option", "XXX")]),
        ("mount options=ro,noexec /a -> /1", [("unknown-mount-option", "ro,noexec")]),
        ("umount options=(nodirsync)", [("unknown-mount-option", "nodirsync")]),
        ("mount options=(rw, ro) -> /foo", [("conflicting-mount-options", "ro")]),
        ("mount options=(loud verbose) -> /foo", [("conflicting-mount-options", "verbose")]),
        ("mount options=(user, nouser) -> /foo", [("conflicting-mount-options", "nouser")]),
        ("mount options in (rw, ro) -> /foo", []),
        ("mount options=(private) /a -> /1", [("unencodable-mount-rule", "options=(private)")]),
        (
            "mount options=(make-rslave) /a -> /1",
            [("unencodable-mount-rule", "options=(make-rslave)")],
        ),
        ("mount options=(remount) /a -> /1", [("unencodable-mount-rule", "options=(remount)")]),
        (
            "mount options=(bind) fstype=ext4 /a -> /1",
            [("unencodable-mount-rule", "options=(bind)")],
        ),
        (
            "remount options in (bind) fstype=ext4",
            [("unencodable-mount-rule", "options in (bind)")],
        ),
        ("mount options=(bind) options=(private) /a -> /1", []),
    ],
)
def test_validate(text: str, expected: list[tuple[str, str]]) -> None:
    """Ensure that validate() reports what apparmor_parser rejects, on the offending token."""
    assert problems(text) == expected


def test_messages_name_the_options() -> None:
    """Ensure that the messages say which option words are at fault and what to write."""
    (conflict,) = rule("mount options=(rw, ro) -> /foo").validate()
    assert "'rw' and 'ro'" in conflict.message and conflict.related
    (unknown,) = rule("mount options=ro,noexec /a -> /b").validate()
    assert "options=(ro, noexec)" in unknown.message
    (encoding,) = rule("mount options=(private) /a -> /1").validate()
    assert "(private)" in encoding.message and "both a source and a mount point" in encoding.message


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("mount", "mount,"),
        (
            "audit deny mount  options = ( ro , nodev )  /a  ->  /b",
            "audit deny mount options=(ro nodev) /a -> /b,",
        ),
        ("mount options in (ro rw) /a", "mount options in (ro rw) /a,"),
        ("remount /mnt/", "remount /mnt/,"),
        ("unmount /mnt/", "umount /mnt/,"),
    ],
)
def test_render(text: str, canonical: str) -> None:
    """Ensure that render() writes the canonical text."""
    assert rendered(text) == canonical


@pytest.mark.parametrize(
    ("outer", "inner", "expected"),
    [
        ("mount", "mount /dev/a -> /mnt/", True),
        ("mount /dev/** -> /mnt/**", "mount /dev/sda -> /mnt/x", True),
        ("mount /dev/sda -> /mnt/x", "mount /dev/** -> /mnt/**", False),
        ("mount fstype=ext* -> /mnt/", "mount fstype=(ext4 ext3) -> /mnt/", True),
        ("mount fstype=ext4 -> /mnt/", "mount -> /mnt/", False),
        ("mount", "remount", False),
        ("mount", "deny mount", False),
        ("mount options=ro", "mount options=ro /a", True),
        ("mount options=ro", "mount options=rw", False),
        ("umount", "umount /mnt/", True),
    ],
)
def test_covers(outer: str, inner: str, expected: bool) -> None:
    """Ensure that covers() compares paths as globs and conditionals as sets."""
    assert covers(outer, inner) is expected


def test_merge() -> None:
    """Ensure that merge() keeps the rule that covers the other, and refuses otherwise."""
    assert merged("mount /dev/a -> /mnt/", "mount") == "mount,"
    assert merged("mount /dev/a -> /mnt/", "mount /dev/b -> /mnt/") is None


@pytest.mark.parametrize(
    ("text", "request_text", "granted"),
    [
        ("mount", "mount fstype=ext4 options=(ro) /dev/sda -> /mnt/", True),
        ("mount /dev/sd* -> /mnt/**", "mount /dev/sda -> /mnt/x", True),
        ("mount /dev/sd* -> /mnt/**", "mount /dev/vda -> /mnt/x", False),
        ("mount fstype=(ext4 xfs) -> /mnt/", "mount fstype=xfs -> /mnt/", True),
        ("mount fstype=(ext4 xfs) -> /mnt/", "mount -> /mnt/", False),
        ("mount options=(ro, nodev) -> /mnt/", "mount options=(nodev ro) -> /mnt/", True),
        ("mount options=(ro, nodev) -> /mnt/", "mount options=(ro) -> /mnt/", False),
        ("mount options=(ro) options in (nosuid, noexec) -> /mnt/", "mount options=(ro nosuid) -> /mnt/", True),
        ("mount options=(ro) options in (nosuid, noexec) -> /mnt/", "mount options=(ro nodev) -> /mnt/", False),
        ("mount options in (ro, rw) -> /mnt/", "mount options=(rw) -> /mnt/", True),
        ("remount options=(ro) /mnt/", "remount options=(ro) /mnt/", True),
        ("remount", "mount -> /mnt/", False),
        ("umount /mnt/**", "umount /mnt/x", True),
    ],
)
def test_grants(text: str, request_text: str, granted: bool) -> None:
    """Ensure that grants() matches paths as globs and mount flags as upstream encodes them."""
    assert bool(rule(text).grants(rule(request_text))) is granted
