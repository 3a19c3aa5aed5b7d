"""Tests of the profile_flags check (armorsmith.checks.profile_flags)."""

from __future__ import annotations

import errno

import pytest

from armorsmith.checks import CheckContext, profile_flags
from armorsmith.checks.profile_flags import ERRNOS
from armorsmith.model import lower
from armorsmith.syntax import parse
from checkcase import findings, resolved_findings


def _flags(flags: str) -> str:
    return f"/usr/bin/foo flags=({flags}) {{\n}}\n"


@pytest.mark.parametrize(
    "flags",
    [
        "complain",
        "enforce, audit",
        "audit, complain, audit",
        "complain, complain",
        "debug, interruptible",
        "default_allow, chroot_relative, chroot_no_attach",
        "mediate_deleted, attach_disconnected, chroot_attach",
        "attach_disconnected.path=/foo, attach_disconnected.ipc",
        "attach_disconnected.path=@{var}",
        "attach_disconnected.ipc=/foo, attach_disconnected.ipc=/foo",
        "kill.signal=term",
        "kill.signal=rtmin+5",
        "kill.signal=hup, kill.signal=hup",
        "kill.signal=stp, kill.signal=tstp",
        "error=EPERM",
        "error=eacces",
        "error=EAGAIN, error=EWOULDBLOCK",
        "error=EHWPOISON",
    ],
)
def test_valid_flags(flags: str) -> None:
    """Ensure that flags apparmor_parser accepts give no finding."""
    assert findings(profile_flags, _flags(flags)) == []


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ("blahblab", [("invalid-profile-flag", "blahblab")]),
        ("namepace_relative", [("invalid-profile-flag", "namepace_relative")]),
        ("audit=1", [("invalid-profile-flag", "audit=1")]),
        ("kill.signal", [("invalid-profile-flag", "kill.signal")]),
        ("kill.signal=0", [("invalid-profile-flag", "kill.signal=0")]),
        ("kill.signal=hup.", [("invalid-profile-flag", "kill.signal=hup.")]),
        ("error=13", [("invalid-profile-flag", "error=13")]),
        ("error=", [("invalid-profile-flag", "error=")]),
        ("attach_disconnected.path=foo", [("invalid-profile-flag", "attach_disconnected.path=foo")]),
        ("attach_disconnected.ipc=foo/", [("invalid-profile-flag", "attach_disconnected.ipc=foo/")]),
        ("enforce, complain", [("conflicting-profile-flags", "complain")]),
        ("default_allow, kill", [("conflicting-profile-flags", "kill")]),
        ("prompt, audit, unconfined", [("conflicting-profile-flags", "unconfined")]),
        ("mediate_deleted, delegate_deleted", [("conflicting-profile-flags", "delegate_deleted")]),
        ("chroot_relative, namespace_relative", [("conflicting-profile-flags", "namespace_relative")]),
        ("chroot_attach, chroot_no_attach", [("conflicting-profile-flags", "chroot_no_attach")]),
        ("attach_disconnected.path=/x, no_attach_disconnected", [("conflicting-profile-flags", "no_attach_disconnected")]),
        ("no_attach_disconnected, attach_disconnected.ipc", [("conflicting-profile-flags", "attach_disconnected.ipc")]),
        (
            "attach_disconnected.ipc=/foo, attach_disconnected.ipc=/bar",
            [("conflicting-profile-flags", "attach_disconnected.ipc=/bar")],
        ),
        ("kill.signal=hup, kill.signal=term", [("conflicting-profile-flags", "kill.signal=term")]),
        ("error=EPERM, error=EACCES", [("conflicting-profile-flags", "error=EACCES")]),
    ],
)
def test_invalid_flags(flags: str, expected: list[tuple[str, str]]) -> None:
    """Ensure that each flag apparmor_parser rejects is reported on the flag."""
    assert findings(profile_flags, _flags(flags)) == expected


def test_messages_keep_upstream_wording() -> None:
    """Ensure that messages start as apparmor_parser's do."""
    source = _flags("enforce, complain, bogus").encode()
    found = list(profile_flags.run(CheckContext("t", source, lower(parse(source)).file)))
    messages = [item.message for item in found]
    assert messages == ["Profile flag 'enforce' conflicts with 'complain'", "Invalid profile flag: bogus."]
    assert found[0].related[0].message == "'enforce' is here"


def test_hats_and_children_are_checked() -> None:
    """Ensure that nested profiles' flags are checked too."""
    text = "profile p {\n  ^h (bogus) { }\n  profile c flags=(complain, kill) { }\n}\n"
    assert findings(profile_flags, text) == [("invalid-profile-flag", "bogus"), ("conflicting-profile-flags", "kill")]


def test_errnos_agree_with_python() -> None:
    """Ensure that the errno table is Python's errno module plus EHWPOISON, with Linux numbers."""
    python = {name: getattr(errno, name) for name in dir(errno) if name.startswith("E")}
    assert set(python) <= set(ERRNOS)
    assert set(ERRNOS) - set(python) <= {"EHWPOISON"}
    assert all(ERRNOS[name] == number for name, number in python.items() if name in ERRNOS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@{var}=/bar\n" + _flags("attach_disconnected.path=@{var}"), []),
        ("@{var}=/bar\n" + _flags("attach_disconnected.ipc=@{var}/foo"), []),
        ("@{var}=bar\n" + _flags("attach_disconnected.path=@{var}"), [("invalid-profile-flag", "attach_disconnected.path=@{var}")]),
        ("@{var}=bar/\n" + _flags("attach_disconnected.ipc=@{var}/"), [("invalid-profile-flag", "attach_disconnected.ipc=@{var}/")]),
        ("@{var}=/a b\n" + _flags("attach_disconnected.path=@{var}"), [("invalid-profile-flag", "attach_disconnected.path=@{var}")]),
    ],
)
def test_paths_with_variables_are_checked_once_expanded(text: str, expected: list[tuple[str, str]]) -> None:
    """Ensure that with resolution every value of a path flag's variables must begin with '/'."""
    assert findings(profile_flags, text) == []
    assert resolved_findings(profile_flags, text) == expected
